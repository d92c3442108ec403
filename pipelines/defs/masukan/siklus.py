"""A semester's lifecycle after ingestion: removing it is an officer's recorded action, and a
semester whose folder disappeared from raw/ is flagged, never silently kept or dropped.

`hapus_semester` deletes one semester's rows from every per-semester table of the working file
(raw and conformed: the marts are rebuilt by the refresh that follows) and records who removed
it, when and why in `raw.semester_dihapus`, in one transaction; `hapus_terbatas` then removes
its pseudonymised resident rows from the restricted store (personal data of a withdrawn
release is not kept). The refresh then rebuilds and
publishes with its checks, so analysts see the removal only if the rebuilt warehouse passes
(otherwise they keep the last good version, as after any refused run). The command line
(`python -m pipelines.cli hapus-semester`) and the UI job `hapus_semester`
(pipelines/defs/otomasi/jobs.py) both call it."""

from __future__ import annotations

import shutil
from pathlib import Path

import dagster as dg
import duckdb

from pipelines.defs.masukan.berkas import semester_folders
from pipelines.gudang.db import Warehouse

LOG = "raw.semester_dihapus"
# Tables that keep history across semesters and are not the semester's data.
KEEP = {"raw.berkas_diterima", LOG}


class PenghapusanDitolak(ValueError):
    """A removal refused before anything was changed."""


def semester_gudang(con: duckdb.DuckDBPyConnection) -> list[str]:
    """The semesters whose DKB data the warehouse holds: conformed.dkb_agregat in the working
    file, mart.agregat_wilayah in the published one (which has no conformed layer)."""
    for schema, table in (("conformed", "dkb_agregat"), ("mart", "agregat_wilayah")):
        exists = con.execute(
            "SELECT count(*) FROM information_schema.tables "
            "WHERE table_schema = ? AND table_name = ?",
            [schema, table],
        ).fetchone()[0]
        if exists:
            rows = con.execute(
                f"SELECT DISTINCT semester FROM {schema}.{table} ORDER BY 1"
            ).fetchall()
            return [r[0] for r in rows]
    return []


def semester_tanpa_folder(con: duckdb.DuckDBPyConnection, raw_dir: Path) -> list[str]:
    """Semesters still in the warehouse (and so published) whose raw/dkb/<semester>/ is gone."""
    folders = set(semester_folders(raw_dir)[0])
    return [s for s in semester_gudang(con) if s not in folders]


def pesan_tanpa_folder(semester: str) -> str:
    return (
        f"Semester {semester} masih ada di gudang data (dan terbit), tetapi folder "
        f"raw/dkb/{semester}/ tidak ada lagi. Kembalikan foldernya, atau hapus semester itu "
        f"dengan sengaja: make hapus-semester SEMESTER={semester} ALASAN='…'."
    )


def _per_semester_tables(con: duckdb.DuckDBPyConnection) -> list[str]:
    rows = con.execute(
        "SELECT DISTINCT table_schema || '.' || table_name FROM information_schema.columns "
        "WHERE column_name = 'semester' AND table_schema IN ('raw', 'conformed') ORDER BY 1"
    ).fetchall()
    return [r[0] for r in rows if r[0] not in KEEP]


def hapus_semester(
    con: duckdb.DuckDBPyConnection, semester: str, alasan: str, petugas: str
) -> tuple[int, str]:
    """Delete `semester` from the working file and record it; returns (rows deleted, the latest
    semester left, which the refresh runs for). Refused, changing nothing, when the semester is
    not in the warehouse, it is the only one, or no reason is given."""
    if not alasan.strip():
        raise PenghapusanDitolak("Alasan penghapusan wajib diisi (ALASAN='…').")
    present = semester_gudang(con)
    if semester not in present:
        ada = ", ".join(present) or "tidak ada"
        raise PenghapusanDitolak(
            f"Semester {semester} tidak ada di gudang data (yang ada: {ada}); "
            "tidak ada yang diubah."
        )
    left = [s for s in present if s != semester]
    if not left:
        raise PenghapusanDitolak(
            f"Semester {semester} adalah satu-satunya semester di gudang data; tidak dihapus."
        )
    con.execute("BEGIN")
    try:
        deleted = 0
        for table in _per_semester_tables(con):
            deleted += con.execute(
                f"DELETE FROM {table} WHERE semester = ?", [semester]
            ).fetchone()[0]
        con.execute(
            f"CREATE TABLE IF NOT EXISTS {LOG} (semester VARCHAR, dihapus_pada TIMESTAMP, "
            "petugas VARCHAR, alasan VARCHAR, baris_dihapus BIGINT)"
        )
        con.execute(
            f"INSERT INTO {LOG} VALUES (?, now()::TIMESTAMP, ?, ?, ?)",
            [semester, petugas, alasan.strip(), deleted],
        )
        con.execute("COMMIT")
    except Exception:
        con.execute("ROLLBACK")
        raise
    return deleted, left[-1]


def hapus_terbatas(restricted_dir: Path, semester: str) -> int:
    """Remove the semester's folders of the restricted store (`<table>/semester=<semester>/`);
    returns how many. Called after hapus_semester committed."""
    folders = sorted(restricted_dir.glob(f"*/semester={semester}"))
    for folder in folders:
        shutil.rmtree(folder)
    return len(folders)


@dg.asset_check(
    asset=dg.AssetKey(["conformed", "dkb_agregat"]),
    name="folder_semester_ada",
    blocking=False,
    description="Setiap semester di gudang data masih punya foldernya di raw/dkb/ (peringatan).",
)
def folder_semester_ada(warehouse: Warehouse) -> dg.AssetCheckResult:
    with warehouse.connect(read_only=True) as con:
        hilang = semester_tanpa_folder(con, warehouse.paths.raw_dir)
    return dg.AssetCheckResult(
        passed=not hilang,
        severity=dg.AssetCheckSeverity.WARN,
        description="\n".join(map(pesan_tanpa_folder, hilang)) or None,
        metadata={"semester_tanpa_folder": ", ".join(hilang) or "-"},
    )
