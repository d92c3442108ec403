"""SQL assets: every conformed and mart table is one SELECT in `sql/<layer>/<name>.sql`, run
into the warehouse by the same writer. Each file declares its asset once, in its opening
comment (`-- description:`, and where needed `-- partitioned: semester`, `-- build:`,
`-- writes:`); its dependencies are the tables its SQL reads (pipelines/gudang/lineage.py),
never a list typed beside it. tests/test_lineage.py keeps the layers' rule: raw -> conformed
-> mart, marts reading only conformed and mart tables."""

from collections.abc import Callable
from dataclasses import dataclass
from graphlib import TopologicalSorter
from pathlib import Path

import dagster as dg
import duckdb

from pipelines.defs.masukan.partitions import SEMESTER
from pipelines.defs.transformasi.sel_ditekan import bangun_dengan_penekanan
from pipelines.gudang.db import Warehouse, load_sql, replace_partition, replace_table
from pipelines.gudang.kontrak import metadata_tabel
from pipelines.gudang.lineage import SqlLineageError, header, sql_files, tables_read

SQL_LAYERS = ("conformed", "mart")

Build = Callable[[duckdb.DuckDBPyConnection, str, str], int]  # (con, table, SELECT) -> rows

# `-- build: <name>` in a SQL file: writes its table instead of a plain replace, with the tables
# its Python reads besides the SELECT (no parser sees those): the small-cell audit of
# pipelines/defs/transformasi/audit_sel_kecil.py reads the exact kecamatan totals.
BUILDERS: dict[str, tuple[Build, tuple[str, ...]]] = {
    "penekanan_sel": (bangun_dengan_penekanan, ("mart.agregat_wilayah",)),
}


@dataclass(frozen=True)
class SqlTable:
    layer: str
    name: str
    description: str
    deps: tuple[str, ...]  # "layer.name" of the tables it reads: parsed from the SQL (+ build)
    partitioned: bool = False
    build: Build = replace_table
    writes: tuple[str, ...] = ()  # other tables the build writes (`-- writes:`)
    python_reads: tuple[str, ...] = ()  # tables the build's Python reads (part of deps)

    @property
    def key(self) -> dg.AssetKey:
        return dg.AssetKey([self.layer, self.name])

    @property
    def sql(self) -> str:
        return f"{self.layer}/{self.name}"


def read_sql_table(path: Path) -> SqlTable:
    """The asset a SQL file declares: its header, and the tables its SELECT reads."""
    fields = header(path)
    layer, name = path.parent.name, path.stem
    if "description" not in fields:
        raise ValueError(f"sql/{layer}/{name}.sql: baris '-- description: ...' tidak ada")
    if fields.get("partitioned", "semester") != "semester":
        raise ValueError(f"sql/{layer}/{name}.sql: '-- partitioned:' hanya mengenal 'semester'")
    writes = tuple(w.strip() for w in fields.get("writes", "").split(",") if w.strip())
    build, build_reads = BUILDERS[fields["build"]] if "build" in fields else (replace_table, ())
    # a table the asset writes itself (mart.sel_ditekan) is no upstream of it
    try:
        parsed = tables_read(path.read_text(encoding="utf-8"))
    except SqlLineageError as error:
        raise SqlLineageError(f"sql/{layer}/{name}.sql: {error}") from None
    reads = (parsed | set(build_reads)) - set(writes)
    return SqlTable(
        layer,
        name,
        fields["description"],
        tuple(sorted(reads)),
        partitioned=fields.get("partitioned") == "semester",
        build=build,
        writes=writes,
        python_reads=build_reads,
    )


def load_sql_tables(layers: tuple[str, ...] = SQL_LAYERS) -> tuple[SqlTable, ...]:
    """Every SQL asset of sql/<layer>/ (conformed and mart), upstream before downstream."""
    tables = {f"{t.layer}.{t.name}": t for t in map(read_sql_table, sql_files(*layers))}
    order = TopologicalSorter({k: [d for d in t.deps if d in tables] for k, t in tables.items()})
    return tuple(tables[k] for k in order.static_order())


SQL_TABLES = load_sql_tables()


def run_sql_table(
    con: duckdb.DuckDBPyConnection, table: SqlTable, semester: str | None = None
) -> tuple[int, dict[str, int]]:
    """Write one SQL table (one semester of a partitioned one); returns its row count and that
    of each other table its build writes. The assets below and the province route
    (pipelines/provinsi/gabungan.py) both build through it."""
    select = load_sql(table.sql)
    target = f"{table.layer}.{table.name}"
    if table.partitioned:
        count = replace_partition(con, target, "semester", semester, select, {"semester": semester})
    else:
        count = table.build(con, target, select)
    written = {w: con.execute(f"SELECT count(*) FROM {w}").fetchone()[0] for w in table.writes}
    return count, written


def build_sql_asset(table: SqlTable) -> dg.AssetsDefinition:
    specs = [
        dg.AssetSpec(
            key=key,
            group_name=table.layer,
            description=table.description if key == table.key else f"Ditulis oleh {table.key}.",
            deps=[dg.AssetKey(d.split(".")) for d in table.deps] if key == table.key else [],
            kinds={"duckdb", "sql"},
            metadata={"sql": f"sql/{table.sql}.sql", **metadata_tabel(*key.path)},
        )
        for key in (table.key, *(dg.AssetKey(w.split(".")) for w in table.writes))
    ]

    @dg.multi_asset(
        name=f"{table.layer}__{table.name}",
        specs=specs,
        partitions_def=SEMESTER if table.partitioned else None,
    )
    def _sql(context: dg.AssetExecutionContext, warehouse: Warehouse):
        partition = context.partition_key if table.partitioned else None
        with warehouse.connect() as con:
            count, written = run_sql_table(con, table, partition)
        yield dg.MaterializeResult(asset_key=table.key, metadata={"dagster/row_count": count})
        for other, rows in written.items():
            yield dg.MaterializeResult(
                asset_key=dg.AssetKey(other.split(".")), metadata={"dagster/row_count": rows}
            )

    return _sql


SQL_ASSETS = [build_sql_asset(t) for t in SQL_TABLES]
