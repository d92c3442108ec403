"""The one way to reach and write the warehouse.

Runs write only to the working file (`warehouse/build/kerja.duckdb`); analysts read the published
file, which publication replaces atomically (see `pipelines/defs/publikasi/gudang_analis.py`). Every
write
below runs in one transaction, so a failed step leaves the previous state of its table.
One run at a time writes the working file, however it was started (command line, daemon, UI):
each run holds a lock while it runs, and a second run waits for it instead of failing on
DuckDB's own file lock.
"""

from __future__ import annotations

import fcntl
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO

import dagster as dg
import duckdb
import pandas as pd
from pydantic import PrivateAttr

from pipelines.config import PROJECT_ROOT, SQL_DIR, Paths, env_or

LAYERS = ("raw", "conformed", "mart")


def load_sql(name: str) -> str:
    """Text of `sql/<name>.sql` (one statement per file)."""
    return (SQL_DIR / f"{name}.sql").read_text(encoding="utf-8").strip().rstrip(";")


def install_macros(con: duckdb.DuckDBPyConnection, folder: Path = SQL_DIR / "macros") -> None:
    for path in sorted(folder.glob("*.sql")):
        con.execute(path.read_text(encoding="utf-8"))


def prepare(con: duckdb.DuckDBPyConnection) -> None:
    """The layers' schemas and the SQL macros, as every writing connection has them."""
    for layer in LAYERS:
        con.execute(f"CREATE SCHEMA IF NOT EXISTS {layer}")
    install_macros(con)


class Warehouse(dg.ConfigurableResource):
    """Where inputs are read from and where the warehouse files live."""

    raw_dir: str
    warehouse_dir: str

    @classmethod
    def from_env(cls) -> Warehouse:
        """DUKCAPIL_RAW_DIR and DUKCAPIL_WAREHOUSE_DIR, read when the run starts."""
        return cls(
            raw_dir=env_or("DUKCAPIL_RAW_DIR", str(PROJECT_ROOT / "raw")),
            warehouse_dir=env_or("DUKCAPIL_WAREHOUSE_DIR", str(PROJECT_ROOT / "warehouse")),
        )

    _kunci: IO[str] | None = PrivateAttr(default=None)

    @property
    def paths(self) -> Paths:
        # Resolved like paths_from_env: a relative folder is taken from where the run starts.
        return Paths(
            raw_dir=Path(self.raw_dir).resolve(), warehouse_dir=Path(self.warehouse_dir).resolve()
        )

    @property
    def lock_file(self) -> Path:
        return self.paths.build_db.parent / ".kunci"

    def setup_for_execution(self, context: dg.InitResourceContext) -> None:
        """Called once per run (in-process executor): take the run lock, waiting for another
        run that holds it. The kernel releases it if the process dies, so a killed run never
        leaves it taken. Sensors and schedules (no run) only read: they take no lock."""
        if context.run is None:
            return
        self.lock_file.parent.mkdir(parents=True, exist_ok=True)
        handle = self.lock_file.open("a+")
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.seek(0)
            holder = handle.read().strip() or "run lain"
            context.log.warning(f"Gudang kerja sedang dipakai ({holder}): menunggu sampai selesai.")
            fcntl.flock(handle, fcntl.LOCK_EX)
        handle.seek(0)
        handle.truncate()
        handle.write(f"run {context.run.run_id}, pid {os.getpid()}\n")
        handle.flush()
        self._kunci = handle

    def teardown_after_execution(self, context: dg.InitResourceContext) -> None:
        if self._kunci is not None:
            fcntl.flock(self._kunci, fcntl.LOCK_UN)
            self._kunci.close()
            self._kunci = None

    @contextmanager
    def connect(self, read_only: bool = False) -> Iterator[duckdb.DuckDBPyConnection]:
        path = self.paths.build_db
        path.parent.mkdir(parents=True, exist_ok=True)
        con = duckdb.connect(str(path), read_only=read_only)
        try:
            if not read_only:
                prepare(con)
            yield con
        finally:
            con.close()


def _as_relation(con: duckdb.DuckDBPyConnection, query: str | pd.DataFrame) -> str:
    if isinstance(query, pd.DataFrame):
        con.register("_incoming", query)
        return "SELECT * FROM _incoming"
    return query


def replace_table(con: duckdb.DuckDBPyConnection, table: str, query: str | pd.DataFrame) -> int:
    """Create or replace `table` from a SELECT (or a DataFrame); returns its row count."""
    select = _as_relation(con, query)
    con.execute("BEGIN")
    try:
        con.execute(f"CREATE OR REPLACE TABLE {table} AS {select}")
        con.execute("COMMIT")
    except Exception:
        con.execute("ROLLBACK")
        raise
    return con.execute(f"SELECT count(*) FROM {table}").fetchone()[0]


def replace_partition(
    con: duckdb.DuckDBPyConnection,
    table: str,
    key_column: str,
    key: str,
    query: str | pd.DataFrame,
    params: list | None = None,
) -> int:
    """Replace the rows of one partition (e.g. one semester) in one transaction."""
    select = _as_relation(con, query)
    con.execute("BEGIN")
    try:
        con.execute(
            f"CREATE TABLE IF NOT EXISTS {table} AS SELECT * FROM ({select}) LIMIT 0", params
        )
        con.execute(f"DELETE FROM {table} WHERE {key_column} = ?", [key])
        con.execute(f"INSERT INTO {table} BY NAME {select}", params)
        con.execute("COMMIT")
    except Exception:
        con.execute("ROLLBACK")
        raise
    return con.execute(f"SELECT count(*) FROM {table} WHERE {key_column} = ?", [key]).fetchone()[0]
