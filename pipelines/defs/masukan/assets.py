"""Ingestion assets: one per raw input. Each reads its file(s), passes them through the pandera
gate, and only then writes them, as received plus types and lineage, to the `raw` layer."""

import re
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

import dagster as dg
import duckdb
import pandas as pd

from pipelines.config import Pengaturan
from pipelines.defs.masukan import sumber as S
from pipelines.defs.masukan.berkas import find_files
from pipelines.defs.masukan.deklarasi import (
    OFFICE_SQL,
    REFERENCE_SETS,
    REGION_ALIASES_SQL,
    REGION_NAMES_SQL,
    REGION_REFERENCE,
    normalise_label,
)
from pipelines.defs.masukan.gerbang import RegionResolver, check_total_rows, validate_table
from pipelines.defs.masukan.readers import read_raw
from pipelines.defs.masukan.sumber import Source
from pipelines.defs.masukan.tabel import RawTable
from pipelines.domain import wilayah as nasional
from pipelines.domain.angka import format_id_number
from pipelines.domain.penolakan import Failure, InputRejected
from pipelines.gudang.db import Warehouse, replace_partition, replace_table


@contextmanager
def refusal_as_failure() -> Iterator[None]:
    """A refused input fails its step with the refusal (file, row, column, value) as the
    failure's description, which the UI and the CLI show first, without a stack trace; a retry
    of the same file cannot help. Steps downstream do not run and nothing is written."""
    try:
        yield
    except InputRejected as rejected:
        try:  # also the run's first error entry: Dagster's own says only "step … failed"
            dg.AssetExecutionContext.get().log.error(str(rejected))
        except dg.DagsterInvariantViolationError:  # called outside a run
            pass
        raise dg.Failure(description=str(rejected), allow_retries=False) from None


def column_schema(source: Source) -> dg.TableSchema:
    """The pandera model as Dagster column documentation (shown in the UI)."""
    schema = source.schema
    return dg.TableSchema(
        columns=[
            dg.TableColumn(name, str(column.dtype), description=column.description or "")
            for name, column in schema.columns.items()
        ]
    )


def _budget_year(path: Path) -> int:
    """The year of anggaran/<tahun>/…, or a refusal naming the folder and the expected form."""
    folder = path.parent.name
    if not re.fullmatch(r"\d{4}", folder):
        rule = (
            f"folder '{path.parent.name}/' bukan tahun anggaran: letakkan file di folder "
            "bernama tahun empat angka, mis. raw/anggaran/2023/"
        )
        raise InputRejected(path, [Failure(str(path), None, "", "", rule)])
    return int(folder)


def _constants(source: Source, path: Path, table: RawTable | None = None) -> dict[str, object]:
    if source is S.REALISASI_ANGGARAN:
        return {"tahun": _budget_year(path)}
    if source is S.DAERAH and table is not None:
        # The office sets only its code; name and level are the national list's. An unknown
        # code gets None here and is refused by the gate's reference check on `kode`.
        index = table.body.index
        codes = table.body.get("kode", pd.Series(None, index=index, dtype=object))
        found = [nasional.by_code().get(str(k).strip()) for k in codes]
        return {
            "nama": pd.Series([r and r.nama.upper() for r in found], index=index, dtype=object),
            "tingkat": pd.Series([r and r.tingkat for r in found], index=index, dtype=object),
        }
    return {}


def _expected(source: Source, path: Path) -> dict[str, tuple[object, str]]:
    if source.period_folder is None:
        return {}
    folder = path.parent.name
    why = f"tidak sesuai folder '{folder}/' tempat file ini diletakkan (periode lain?)"
    return {source.period_folder: (_budget_year(path), why)}


def _read_context(warehouse: Warehouse, source: Source):
    needed = {c.references for c in source.columns if c.references}
    with warehouse.connect() as con:
        known = {
            n: {
                r if REFERENCE_SETS[n].per else r[0]
                for r in con.execute(REFERENCE_SETS[n].sql).fetchall()
            }
            for n in needed
        }
        explain, regions = {}, None
        if REGION_REFERENCE in needed or source.region_name_column:
            # a region of another kab/kota is named as such, with where it lies
            office = con.execute(OFFICE_SQL).fetchone()[0]
            elsewhere = nasional.Elsewhere(office, normalise_label, "kecamatan")
            explain = {REGION_REFERENCE: elsewhere.code}
        if source.region_name_column:
            names = dict(con.execute(REGION_NAMES_SQL).fetchall())
            aliases = dict(con.execute(REGION_ALIASES_SQL).fetchall())
            regions = RegionResolver.from_tables(names, aliases, elsewhere.name)
    return known, regions, explain


def _first_received(warehouse: Warehouse, relative: str, sha256: str) -> datetime | None:
    """When this exact file was first accepted, so re-ingesting it changes nothing."""
    with warehouse.connect() as con:
        try:
            row = con.execute(
                "SELECT min(diterima_pada) FROM raw.berkas_diterima "
                "WHERE berkas = ? AND sha256 = ?",
                [relative, sha256],
            ).fetchone()
        except duckdb.CatalogException:  # nothing received yet
            return None
    return row[0]


def _archive(warehouse: Warehouse, path: Path, sha256: str) -> Path:
    """Keep the accepted file byte for byte, named by its checksum, so a figure stays traceable
    after the officer replaces the file in raw/."""
    target = warehouse.paths.warehouse_dir / "arsip" / sha256[:16] / path.name
    if not target.exists():
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(path, target)
    return target


# Typed even for a file without a total row (an empty frame would create them as numbers).
LINEAGE_TYPES = {"_berkas": "string", "_sha256": "string", "sumber": "string"}
CEK_BARIS_TOTAL_TYPES = {
    "baris": "int64",
    "kolom": "string",
    "nilai_tercetak": "float64",
    "jumlah_baris": "float64",
    "selisih": "float64",
    **LINEAGE_TYPES,
}


def log_receipt(
    con,
    relative: str,
    sha256: str,
    size: int,
    n_rows: int,
    source_name: str,
    partition: str | None,
    archived: Path | None,
    received_at: datetime,
) -> None:
    """List an accepted file in raw.berkas_diterima (once per file version)."""
    con.execute(
        """
        CREATE TABLE IF NOT EXISTS raw.berkas_diterima (
            berkas VARCHAR, sha256 VARCHAR, ukuran_byte BIGINT, jumlah_baris BIGINT,
            sumber VARCHAR, partisi VARCHAR, arsip VARCHAR, diterima_pada TIMESTAMP
        )
        """
    )
    # A re-run of the same file is a no-op here; a revised file adds a row, so every
    # version that was ever accepted stays listed with its checksum.
    con.execute(
        """
        INSERT INTO raw.berkas_diterima
        SELECT ?, ?, ?, ?, ?, ?, ?, ?
        WHERE NOT EXISTS (SELECT 1 FROM raw.berkas_diterima WHERE berkas = ? AND sha256 = ?)
        """,
        [
            relative,
            sha256,
            size,
            n_rows,
            source_name,
            partition,
            None if archived is None else str(archived),
            received_at,
            relative,
            sha256,
        ],
    )


def _empty_frame(source: Source) -> pd.DataFrame:
    """No rows, with the input's columns and the lineage columns, typed as an accepted file's."""
    columns = source.schema.columns
    empty = pd.DataFrame({n: pd.Series(dtype=str(c.dtype)) for n, c in columns.items()})
    empty = empty.astype({n: "string" for n in empty.columns if empty[n].dtype == object})
    lineage = {"_berkas": "string", "_baris": "int64", "_sha256": "string"}
    for name, dtype in {**lineage, "_diterima_pada": "datetime64[us]"}.items():
        empty[name] = pd.Series(dtype=dtype)
    return empty


def record_files(
    con,
    warehouse: Warehouse,
    source_name: str,
    partition: str | None,
    receipts: list[tuple],
    total_checks: pd.DataFrame,
) -> None:
    """In the transaction that writes the accepted rows: each file's JUMLAH/TOTAL checks
    (raw.cek_baris_total, replaced per file) and its receipt with the archived copy.
    `receipts`: (relative path, sha256, size, rows, path, received at) per accepted file."""
    for relative, *_ in receipts:
        replace_partition(
            con,
            "raw.cek_baris_total",
            "_berkas",
            relative,
            total_checks[total_checks._berkas == relative],
        )
    for relative, sha256, size, n_rows, path, received_at in receipts:
        archived = _archive(warehouse, path, sha256)
        log_receipt(
            con, relative, sha256, size, n_rows, source_name, partition, archived, received_at
        )


def ingest(
    context: dg.AssetExecutionContext, warehouse: Warehouse, pengaturan: Pengaturan, source: Source
):
    raw_dir = warehouse.paths.raw_dir
    known, regions, explain = _read_context(warehouse, source)
    now = datetime.now(UTC).replace(tzinfo=None)

    found = find_files(source.files, raw_dir, max_bytes=pengaturan.max_file_bytes)
    for warning in found.ignored:
        context.log.warning(warning)
    if not found.files and source.optional:
        with warehouse.connect() as con:
            replace_table(con, f"raw.{source.name}", _empty_frame(source))
        context.log.warning(
            f"{source.name}: file {source.files.pattern} belum ada; dianggap kosong "
            f"({source.description})"
        )
        return dg.MaterializeResult(metadata={"jumlah_baris": 0, "dagster/row_count": 0})
    if not found.files:
        raise dg.Failure(
            f"Tidak ada file untuk input {source.name} di {raw_dir}: yang diharapkan "
            f"{source.files.pattern} ({source.files.expected})."
        )

    # Validate every file before writing any of them: all or nothing.
    accepted, totals, receipts = [], [], []
    for path in found.files:
        table = read_raw(path, source)
        rows = validate_table(
            table,
            source,
            known=known,
            regions=regions,
            constants=_constants(source, path, table),
            expected=_expected(source, path),
            explain=explain,
        )
        relative = str(path.relative_to(raw_dir))
        received_at = _first_received(warehouse, relative, table.sha256) or now
        lineage = {
            "_berkas": relative,
            "_baris": rows.index.astype("int64"),
            "_sha256": table.sha256,
        }
        accepted.append(rows.assign(**lineage, _diterima_pada=received_at).reset_index(drop=True))
        totals.append(
            check_total_rows(table, source, rows).assign(_berkas=relative, _sha256=table.sha256)
        )
        receipts.append((relative, table.sha256, path.stat().st_size, len(rows), path, received_at))

    frame = pd.concat(accepted, ignore_index=True)
    table_name = f"raw.{source.name}"
    with warehouse.connect() as con:
        count = replace_table(con, table_name, frame)
        # typed even when empty: the first file ingested may have no JUMLAH/TOTAL row, and the
        # table it creates must still take the text of the files after it
        total_checks = (
            pd.concat(totals, ignore_index=True)
            .assign(sumber=source.name)
            .astype(CEK_BARIS_TOTAL_TYPES)
        )
        record_files(con, warehouse, source.name, None, receipts, total_checks)
    mismatched = total_checks[total_checks.selisih.abs() > 1e-6]
    for _, m in mismatched.iterrows():
        context.log.warning(
            f"{m._berkas} baris {m.baris}: JUMLAH/TOTAL {m.kolom} tercetak "
            f"{format_id_number(m.nilai_tercetak)} ≠ jumlah baris "
            f"{format_id_number(m.jumlah_baris)} "
            f"(selisih {format_id_number(m.selisih)}); dicatat untuk rekonsiliasi."
        )
    return dg.MaterializeResult(
        metadata={
            "jumlah_baris": count,
            "berkas": dg.MetadataValue.md(
                "\n".join(f"- `{r[0]}` sha256 `{r[1][:16]}…`" for r in receipts)
            ),
            "selisih_baris_total": len(mismatched),
            "dagster/row_count": count,
        }
    )


def build_ingest_asset(source: Source) -> dg.AssetsDefinition:
    @dg.asset(
        name=source.name,
        key_prefix="raw",
        group_name="ingest",
        description=source.description,
        deps=[dg.AssetKey(["raw", name]) for name in source.upstream],
        metadata={
            "dagster/column_schema": column_schema(source),
            "sumber": f"{source.files.folder}/{source.files.expected}",
        },
        kinds={"duckdb", "pandera"},
    )
    def _ingest(
        context: dg.AssetExecutionContext, warehouse: Warehouse, pengaturan: Pengaturan
    ) -> dg.MaterializeResult:
        with refusal_as_failure():
            return ingest(context, warehouse, pengaturan, source)

    return _ingest


# The DKB aggregate (CSV or SIAK workbooks, measures from data) has its own step:
# pipelines/defs/masukan/agregat.py.
INGEST_ASSETS = [build_ingest_asset(s) for s in S.UNPARTITIONED_SOURCES]


# Side tables. Each ingesting step adds the rows of the files it read (it holds them, and the
# receipt must be written with the data, in the same step); the table itself is an asset of its
# own, downstream of every step that writes it: readers depend on it, not on its writers, and
# the graph shows who writes it.
def _kolom(*columns: tuple[str, str, str]) -> dg.TableSchema:
    return dg.TableSchema(
        columns=[dg.TableColumn(name, type, description=d) for name, type, d in columns]
    )


SIDE_TABLES = {
    "cek_baris_total": (
        "Baris JUMLAH/TOTAL tiap berkas masukan: nilai tercetak vs jumlah baris.",
        _kolom(
            ("baris", "BIGINT", "Baris JUMLAH/TOTAL di berkas"),
            ("kolom", "VARCHAR", "Kolom yang dijumlahkan"),
            ("nilai_tercetak", "DOUBLE", "Total seperti tertulis di berkas"),
            ("jumlah_baris", "DOUBLE", "Jumlah baris data berkas di kolom itu"),
            ("selisih", "DOUBLE", "Total tercetak dikurangi jumlah baris"),
            ("_berkas", "VARCHAR", "Berkas di bawah raw/"),
            ("_sha256", "VARCHAR", "SHA-256 berkas"),
            ("sumber", "VARCHAR", "Masukan pemilik berkas, mis. anggaran_pk"),
        ),
    ),
    "berkas_diterima": (
        "Setiap versi berkas masukan yang pernah diterima: sha256, ukuran, arsip.",
        _kolom(
            ("berkas", "VARCHAR", "Berkas di bawah raw/"),
            ("sha256", "VARCHAR", "SHA-256 isi berkas"),
            ("ukuran_byte", "BIGINT", "Ukuran berkas"),
            ("jumlah_baris", "BIGINT", "Baris data yang diterima"),
            ("sumber", "VARCHAR", "Masukan pemilik berkas"),
            ("partisi", "VARCHAR", "Semester (masukan DKB) atau kosong"),
            ("arsip", "VARCHAR", "Salinan di warehouse/arsip/"),
            ("diterima_pada", "TIMESTAMP", "Saat berkas diterima"),
        ),
    ),
}


def build_side_asset(name: str, writers: list[dg.AssetKey]) -> dg.AssetsDefinition:
    @dg.asset(
        key=["raw", name],
        group_name="ingest",
        description=SIDE_TABLES[name][0],
        deps=writers,
        kinds={"duckdb"},
        metadata={
            "ditulis_oleh": ", ".join(k.to_user_string() for k in writers),
            "dagster/column_schema": SIDE_TABLES[name][1],
        },
    )
    def _side(warehouse: Warehouse) -> dg.MaterializeResult:
        with warehouse.connect() as con:
            count = con.execute(f"SELECT count(*) FROM raw.{name}").fetchone()[0]
        return dg.MaterializeResult(metadata={"dagster/row_count": count})

    return _side


# The record-level step (pipelines/defs/rekaman/, a feature above this one) also logs its file
# in raw.berkas_diterima: named by key, so this folder imports nothing above it.
REKAMAN = dg.AssetKey(["raw", "dkb_penduduk_kelurahan"])
_INGEST_KEYS = [key for a in INGEST_ASSETS for key in a.keys] + [
    dg.AssetKey(["raw", S.DKB_AGREGAT])
]
SIDE_ASSETS = [
    build_side_asset("cek_baris_total", _INGEST_KEYS),
    build_side_asset("berkas_diterima", [*_INGEST_KEYS, REKAMAN]),
]
