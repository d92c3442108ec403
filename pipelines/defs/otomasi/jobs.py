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
