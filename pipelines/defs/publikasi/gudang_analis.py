"""Publication: copy the analyst-facing tables out of the working file into a new DuckDB file,
then swap it in with one atomic rename.

Analysts only ever open `warehouse/dukcapil.duckdb`, read-only. A refresh never writes to that
file (its checks only read it, read-only, to compare), so a reader never blocks a run; a reader
who holds the old file keeps seeing the old state until they reconnect (the renamed-over inode
lives on while open); a run that fails or is killed before the rename leaves the last good file
in place. The last few versions stay in `warehouse/versi/` for rollback.
Each version has a small manifest (`dukcapil-<stamp>.json`: the semesters it holds, the run
that made it, when, and its sha256) that `make versi` shows.
"""

from __future__ import annotations

import json
import os
import re
import shutil
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import duckdb

from pipelines.config import SQL_DIR, Paths
from pipelines.defs.masukan.readers import file_sha256
from pipelines.gudang.db import install_macros, load_sql

ANALYST_SCHEMAS = ("mart",)
VIEWS_DIR = SQL_DIR / "analyst" / "views"
KEEP_VERSIONS = 5
STAMP_FORMAT = "%Y%m%dT%H%M%S%fZ"
# What `pulihkan --versi` accepts: a version's stamp as `versi` prints it, or its beginning
# (at least the date). Nothing else reaches the file lookup.
VERSION_PATTERN = re.compile(r"[0-9]{8}(T[0-9]{0,12}Z?)?")


def _copy_tables(con: duckdb.DuckDBPyConnection, schemas: tuple[str, ...]) -> list[str]:
    copied = []
    for schema in schemas:
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


def _create_views(con: duckdb.DuckDBPyConnection, folder: Path | None) -> list[str]:
    if folder is None:
        return []
    con.execute("CREATE SCHEMA IF NOT EXISTS analis")
    views = []
    for path in sorted(folder.glob("*.sql")):
        select = load_sql(str(path.relative_to(SQL_DIR).with_suffix("")))
        con.execute(f"CREATE VIEW analis.{path.stem} AS {select}")
        views.append(f"analis.{path.stem}")
    return views


def _validate(path: Path, objects: list[str]) -> None:
    """Open the new file as an analyst would and read every object, before anyone sees it."""
    con = duckdb.connect(str(path), read_only=True)
    try:
        for name in objects:
            con.execute(f"SELECT count(*) FROM {name}").fetchone()
    finally:
        con.close()


def _swap_in(source: Path, published: Path, stamp: str) -> None:
    """Copy next to the published file (same filesystem), then one atomic rename."""
    staging = published.with_name(f".{published.name}.{stamp}.tmp")
    shutil.copy2(source, staging)
    os.replace(staging, published)  # the atomic step


def _remove_leftovers(paths: Paths) -> None:
    """Half-built files of a refresh that was killed; never visible to analysts."""
    leftovers = [
        *paths.versions_dir.glob(".dukcapil-*.duckdb*"),
        *paths.published_db.parent.glob(f".{paths.published_db.name}.*.tmp"),
        *paths.versions_dir.glob(".dukcapil-*.json.tmp"),
    ]
    for leftover in leftovers:
        leftover.unlink(missing_ok=True)


def _semesters(con: duckdb.DuckDBPyConnection) -> list[str]:
    """Every semester present in the analyst tables (any table with a `semester` column)."""
    tables = con.execute(
        "SELECT DISTINCT schema_name, table_name FROM duckdb_columns() "
        "WHERE database_name = current_database() AND column_name = 'semester'"
    ).fetchall()
    found: set[str] = set()
    for schema, table in tables:
        rows = con.execute(f'SELECT DISTINCT semester FROM {schema}."{table}"').fetchall()
        found.update(str(r[0]) for r in rows if r[0] is not None)
    return sorted(found)


def manifest_path(version: Path) -> Path:
    return version.with_suffix(".json")


def _write_manifest(version: Path, semesters: list[str], run_id: str | None, at: datetime) -> None:
    manifest = {
        "semester": semesters,
        "run_id": run_id,
        "waktu": at.isoformat(timespec="seconds"),
        "sha256": file_sha256(version),
    }
    staging = version.with_name(f".{version.stem}.json.tmp")
    staging.write_text(json.dumps(manifest, indent=2), encoding="utf-8")
    os.replace(staging, manifest_path(version))


def publish(
    paths: Paths,
    keep: int = KEEP_VERSIONS,
    run_id: str | None = None,
    schemas: tuple[str, ...] = ANALYST_SCHEMAS,
    views: Path | None = VIEWS_DIR,
) -> tuple[Path, list[str]]:
    """Build a new analyst file from the working file, check it, and atomically make it the
    published one; the file is then kept in `versi/` for rollback, with its manifest.
    `schemas`: the working file's schemas copied; `views`: the folder of analyst views (one
    SELECT per file, created as analis.<name>). The province rollup publishes its own file
    through the same steps (pipelines/provinsi/gabungan.py)."""
    paths.versions_dir.mkdir(parents=True, exist_ok=True)
    _remove_leftovers(paths)
    now = datetime.now(UTC)
    stamp = now.strftime(STAMP_FORMAT)
    # Hidden name until published, so `versi/` only ever lists versions analysts have seen.
    building = paths.versions_dir / f".dukcapil-{stamp}.duckdb"
    con = duckdb.connect(str(building))
    try:
        con.execute(f"ATTACH '{paths.build_db}' AS kerja (READ_ONLY)")
        install_macros(con)
        objects = _copy_tables(con, schemas) + _create_views(con, views)
        con.execute("DETACH kerja")
        semesters = _semesters(con)
        con.execute("CHECKPOINT")
    finally:
        con.close()
    _validate(building, objects)

    _swap_in(building, paths.published_db, stamp)
    version = paths.versions_dir / f"dukcapil-{stamp}.duckdb"
    building.rename(version)
    _write_manifest(version, semesters, run_id, now)

    for old in list_versions(paths)[:-keep]:
        old.unlink()
        manifest_path(old).unlink(missing_ok=True)
    return paths.published_db, objects


def muat_iku_terbit(con: duckdb.DuckDBPyConnection, paths: Paths) -> int:
    """Give `con` a temporary table `iku_terbit(tahun, kode_indikator)`: every IKU the published
    analyst file shows with a realisasi, so a check can see what a new build would take away
    from analysts. Empty before the first publication. The published file is attached
    read-only and detached at once; returns the number of rows."""
    con.execute("CREATE OR REPLACE TEMP TABLE iku_terbit (tahun INTEGER, kode_indikator VARCHAR)")
    if not paths.published_db.exists():
        return 0
    con.execute(f"ATTACH '{paths.published_db}' AS terbit (READ_ONLY)")
    try:
        con.execute(
            "INSERT INTO iku_terbit SELECT DISTINCT tahun, kode_indikator "
            "FROM terbit.mart.pengukuran_kinerja WHERE realisasi IS NOT NULL"
        )
    except duckdb.CatalogException:
        pass  # a version from before Tabel 3 existed: nothing to compare with
    finally:
        con.execute("DETACH terbit")
    return con.execute("SELECT count(*) FROM iku_terbit").fetchone()[0]


def list_versions(paths: Paths) -> list[Path]:
    """Published versions kept for rollback, oldest first."""
    return sorted(paths.versions_dir.glob("dukcapil-*.duckdb"))


@dataclass(frozen=True)
class VersionInfo:
    """A kept version as `make versi` shows it; None where an older version has no manifest."""

    path: Path
    semesters: list[str] | None
    run_id: str | None
    time: str | None
    current: bool

    @property
    def stamp(self) -> str:
        return self.path.stem.removeprefix("dukcapil-")


def describe_versions(paths: Paths) -> list[VersionInfo]:
    """Kept versions, oldest first; the current one is the one whose bytes are published."""
    published = file_sha256(paths.published_db) if paths.published_db.exists() else None
    described = []
    for version in list_versions(paths):
        try:
            manifest = json.loads(manifest_path(version).read_text(encoding="utf-8"))
        except (FileNotFoundError, ValueError):  # published before manifests, or unreadable
            manifest = {}
        sha = manifest.get("sha256") or file_sha256(version)
        described.append(
            VersionInfo(
                path=version,
                semesters=manifest.get("semester"),
                run_id=manifest.get("run_id"),
                time=manifest.get("waktu"),
                current=sha == published,
            )
        )
    return described


def rollback(paths: Paths, version: str | None = None) -> Path:
    """Publish a kept version again (default: the one before the current), atomically.

    The working file is left as it is: the next successful refresh publishes from it again.
    """
    versions = list_versions(paths)
    if version is None:
        if len(versions) < 2:
            raise ValueError(f"Tidak ada versi sebelumnya di {paths.versions_dir}.")
        chosen = versions[-2]
    else:
        matches = [v for v in versions if version in v.name]
        if len(matches) != 1:
            names = ", ".join(v.name for v in versions) or "-"
            raise ValueError(f"Versi '{version}' tidak ditemukan satu-satunya; tersedia: {names}")
        chosen = matches[0]
    _swap_in(chosen, paths.published_db, datetime.now(UTC).strftime(STAMP_FORMAT))
    return chosen
