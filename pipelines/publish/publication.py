"""Publication: copy the analyst-facing tables out of the working file into a new DuckDB file,
then swap it in with one atomic rename.

Analysts only ever open `warehouse/dukcapil.duckdb`, read-only. A refresh never opens that file,
so a reader never blocks a run; a reader who holds the old file keeps seeing the old state until
they reconnect (the renamed-over inode lives on while open); a run that fails or is killed
before the rename leaves the last good file in place. The last few versions stay in
`warehouse/versi/` for rollback.
"""

from __future__ import annotations

import os
import shutil
from datetime import UTC, datetime
from pathlib import Path

import duckdb

from pipelines.config import SQL_DIR, Paths
from pipelines.warehouse.db import install_macros, load_sql

ANALYST_SCHEMAS = ("mart",)
KEEP_VERSIONS = 5


def _copy_tables(con: duckdb.DuckDBPyConnection) -> list[str]:
    copied = []
    for schema in ANALYST_SCHEMAS:
        con.execute(f"CREATE SCHEMA IF NOT EXISTS {schema}")
        tables = con.execute(
            "SELECT table_name FROM duckdb_tables() "
            "WHERE database_name = 'kerja' AND schema_name = ? ORDER BY table_name",
            [schema],
        ).fetchall()
        for (name,) in tables:
            con.execute(f"CREATE TABLE {schema}.{name} AS SELECT * FROM kerja.{schema}.{name}")
            copied.append(f"{schema}.{name}")
    return copied


def _create_views(con: duckdb.DuckDBPyConnection) -> list[str]:
    con.execute("CREATE SCHEMA IF NOT EXISTS analis")
    views = []
    for path in sorted((SQL_DIR / "analyst" / "views").glob("*.sql")):
        con.execute(f"CREATE VIEW analis.{path.stem} AS {load_sql(f'analyst/views/{path.stem}')}")
        views.append(f"analis.{path.stem}")
    return views


def publish(paths: Paths, keep: int = KEEP_VERSIONS) -> tuple[Path, list[str]]:
    """Build a new analyst file from the working file and atomically make it the published one."""
    paths.versions_dir.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%fZ")
    version = paths.versions_dir / f"dukcapil-{stamp}.duckdb"
    con = duckdb.connect(str(version))
    try:
        con.execute(f"ATTACH '{paths.build_db}' AS kerja (READ_ONLY)")
        install_macros(con)
        objects = _copy_tables(con) + _create_views(con)
        con.execute("DETACH kerja")
        con.execute("CHECKPOINT")
    finally:
        con.close()

    staging = paths.published_db.with_name(f".{paths.published_db.name}.{stamp}.tmp")
    shutil.copy2(version, staging)
    os.replace(staging, paths.published_db)  # the atomic step

    for old in sorted(paths.versions_dir.glob("dukcapil-*.duckdb"))[:-keep]:
        old.unlink()
    return paths.published_db, objects
