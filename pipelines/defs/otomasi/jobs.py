"""A semester's work is two runs, so a refused input never plans a check it cannot run.

- `lakip` (what an officer, the release sensor and the schedule launch): the ingestion, i.e.
  every asset of the raw layer (the semester's DKB files and the inputs all semesters share).
  It plans no asset check: when the gate refuses a file, the run fails with the refusal and
  no check is left "planned" in a failed run (Dagster 1.13 shows such a check as "Execution
  failed", on the last good data).
- `lakip_segarkan`: everything downstream (conformed, mart, their checks, publication, the
  LAKIP exports), for the same semester, launched only when the ingestion run succeeded
  (`segarkan_setelah_masukan` in sensors.py; the CLI does the same in-process).

The officer-facing name `lakip` stays the run that reads their files, so "the run failed" means
"a file was refused", and its tags name the file versions it read (releases.py)."""

import dagster as dg

from pipelines.defs.masukan.partitions import SEMESTER
from pipelines.defs.masukan.siklus import PenghapusanDitolak, hapus_semester, hapus_terbatas
from pipelines.domain.semester import is_semester
from pipelines.gudang.db import Warehouse

# The ingestion is the raw layer (its key prefix), whatever the asset groups are called.
MASUKAN = dg.AssetSelection.key_prefixes("raw")

lakip_job = dg.define_asset_job(
    "lakip",
    selection=MASUKAN,
    description="Baca dan validasi masukan satu semester DKB (lapisan raw); bila berhasil, "
    "lakip_segarkan memperbarui semua tabel turunan, pemeriksaan, publikasi dan ekspor.",
)

segarkan_job = dg.define_asset_job(
    "lakip_segarkan",
    selection=dg.AssetSelection.all() - MASUKAN,
    description="Perbarui semua yang diturunkan dari masukan satu semester: conformed, mart, "
    "pemeriksaan, gudang data analis, ekspor LAKIP. Dijalankan setelah run lakip berhasil.",
)

# The ingestion run a refresh continues (shown on the refresh run's page).
TAG_RUN_MASUKAN = "dukcapil/run_masukan"
# The semester whose removal a refresh publishes.
TAG_HAPUS = "dukcapil/hapus"


def tags_penyegaran(run: dg.DagsterRun) -> dict[str, str]:
    """The refresh run's tags: the ingestion run's own (release fingerprints, re-keying), not
    Dagster's (partition, sensor, backfill), plus the ingestion run's id."""
    own = {k: v for k, v in run.tags.items() if not k.startswith(("dagster/", ".dagster/"))}
    return {**own, TAG_RUN_MASUKAN: run.run_id}


def catat_penyegaran_dilewati(instance: dg.DagsterInstance, run: dg.DagsterRun) -> str:
    """Say on the failed ingestion run's page why nothing downstream ran; returns the text."""
    semester = run.tags.get("dagster/partition", "?")
    text = (
        f"{segarkan_job.name} (conformed, mart, pemeriksaan, publikasi, ekspor) semester "
        f"{semester} tidak dijalankan: run masukan ini gagal (lihat kesalahan pertama di atas). "
        "Gudang data analis tidak diubah; analis tetap melihat versi terakhir yang baik."
    )
    instance.report_engine_event(text, dagster_run=run)
    return text


class HapusSemester(dg.Config):
    """The officer's removal of one semester, as typed in the UI's launchpad."""

    semester: str
    alasan: str
    petugas: str


@dg.op(description="Hapus satu semester dari gudang kerja dan catat siapa, kapan, mengapa.")
def hapus_semester_op(context: dg.OpExecutionContext, config: HapusSemester, warehouse: Warehouse):
    if not is_semester(config.semester) or not config.petugas.strip():
        raise dg.Failure(
            description="Isi semester (mis. 2024-S1), alasan dan petugas; tidak ada yang dihapus."
        )
    try:
        with warehouse.connect() as con:
            deleted, left = hapus_semester(con, config.semester, config.alasan, config.petugas)
    except PenghapusanDitolak as refusal:
        raise dg.Failure(description=str(refusal)) from None
    hapus_terbatas(warehouse.paths.restricted_dir, config.semester)
    if context.instance.has_dynamic_partition(SEMESTER.name, config.semester):
        context.instance.delete_dynamic_partition(SEMESTER.name, config.semester)
    context.log.info(
        f"Semester {config.semester} dihapus ({deleted} baris); {segarkan_job.name} semester "
        f"{left} menerbitkan ulang gudang data analis tanpa semester itu."
    )
    return left


@dg.job(
    name="hapus_semester",
    description="Hapus satu semester (Launchpad: semester, alasan, petugas), tercatat di "
    "raw.semester_dihapus; bila berhasil, lakip_segarkan menerbitkan ulang tanpa semester itu.",
)
def hapus_semester_job():
    hapus_semester_op()
