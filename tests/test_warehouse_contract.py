"""The analyst contract: every table in the published warehouse is documented in
warehouse/README.md with exactly its columns and types, and opens read-only by name."""

import re

import duckdb

from pipelines.config import PROJECT_ROOT


def documented_tables() -> dict[str, list[tuple[str, str]]]:
    tables: dict[str, list[tuple[str, str]]] = {}
    current = None
    for line in (PROJECT_ROOT / "warehouse" / "README.md").read_text().splitlines():
        heading = re.match(r"^## (\w+\.\w+)$", line)
        if heading:
            current = heading.group(1)
            tables[current] = []
            continue
        row = re.match(r"^\| (\w+) \| ([A-Z]+) \|", line)
        if current and row:
            tables[current].append((row.group(1), row.group(2)))
    return tables


def test_every_published_table_is_documented_with_its_columns(bundled):
    con = bundled.published()
    actual = {
        f"{schema}.{table}": con.execute(f"DESCRIBE {schema}.{table}").fetchall()
        for schema, table in con.execute(
            "SELECT schema_name, table_name FROM duckdb_tables() ORDER BY ALL"
        ).fetchall()
    }
    con.close()
    documented = documented_tables()
    assert sorted(actual) == sorted(documented)
    for name, columns in actual.items():
        assert [(c[0], c[1]) for c in columns] == documented[name], name


def test_analyst_selects_the_iku_table_by_name_read_only(bundled):
    con = duckdb.connect(str(bundled.paths.published_db), read_only=True)
    try:
        count = con.execute("SELECT count(*) FROM mart.iku WHERE tahun = 2023").fetchone()[0]
        # 7 formula indicators x (kota + 6 kecamatan) + 3 reported indicators for the kota
        assert count == 7 * 7 + 3
        schemas = {
            r[0] for r in con.execute("SELECT DISTINCT schema_name FROM duckdb_tables()").fetchall()
        }
        assert schemas == {"mart"}, "raw and conformed layers stay in the restricted working file"
    finally:
        con.close()
