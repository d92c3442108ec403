"""Release sensor: a new or revised DKB semester folder, or a changed budget/indicator/
reference/published-figures file, under raw/ starts the `lakip` (ingestion) run of the semester
it concerns (see releases.py); a release already run by hand (`make ingest`) is not run again.
Run-status sensors: a successful `lakip` run starts `lakip_segarkan` for the same semester; a
failed one starts nothing and says so on its own run page (jobs.py)."""

import json

import dagster as dg

from pipelines.config import Pengaturan
from pipelines.defs.masukan.partitions import SEMESTER
from pipelines.defs.otomasi.jobs import (
    TAG_HAPUS,
    TAG_RUN_MASUKAN,
    catat_penyegaran_dilewati,
    hapus_semester_job,
    lakip_job,
    segarkan_job,
    tags_penyegaran,
)
from pipelines.defs.otomasi.rilis import (
    SHARED_GROUP,
    after_requests,
    new_semesters,
    run_requests,
    runs_since,
    scan,
)
from pipelines.gudang.db import Warehouse


@dg.sensor(
    job=lakip_job,
    minimum_interval_seconds=60,
    default_status=dg.DefaultSensorStatus.RUNNING,
    description="Rilis DKB baru/berubah di raw/dkb/<semester>/, atau anggaran/indikator/"
    "referensi/terbitan berubah; rilis yang sudah dijalankan (juga lewat CLI) tidak diulang.",
)
def rilis_baru(
    context: dg.SensorEvaluationContext, warehouse: Warehouse, pengaturan: Pengaturan
) -> dg.SensorResult:
    # Cursor: per group the label last requested and per semester how many runs were requested
    # (so an unchanged release yields nothing and a reverted one a fresh run key), and the file
    # hash cache (so unchanged files are not re-read every minute).
    cursor = json.loads(context.cursor) if context.cursor else {}
    release = scan(
        warehouse.paths.raw_dir, cursor.get("berkas", {}), max_bytes=pengaturan.max_file_bytes
    )
    last, runs_so_far = cursor.get("terakhir"), cursor.get("jumlah", {})
    if last is None:  # a cursor of the earlier form: the labels ever requested
        seen = set(cursor.get("dikenal", []))
        current = {**release.semesters, SHARED_GROUP: release.shared}
        last = {group: label for group, label in current.items() if label in seen}
    # Runs created since the last tick, whoever started them (an officer's `make ingest`, the
    # schedule, this sensor's own requests), read what the warehouse now holds: their release
    # tags override what this cursor requested before them.
    ran, seen_until = runs_since(context.instance, lakip_job.name, cursor.get("riwayat"))
    last = {**last, **ran}
    requests = run_requests(release, last, runs_so_far)
    new = new_semesters(release, context.instance)
    for request in requests:
        context.log.info(f"Menjalankan semester {request.partition_key}: {request.run_key}")
    for warning in release.warnings:
        context.log.warning(warning)
    if release.unsettled:
        context.log.info(f"Menunggu berkas selesai disalin: {', '.join(release.unsettled)}")
    # What was requested counts as run; a release put off (a file still being copied) does not.
    last, runs_so_far = after_requests(last, runs_so_far, requests)
    return dg.SensorResult(
        run_requests=requests,
        dynamic_partitions_requests=[SEMESTER.build_add_request(new)] if new else [],
        cursor=json.dumps(
            {
                "terakhir": last,
                "jumlah": runs_so_far,
                "riwayat": seen_until,
                "berkas": release.hashes,
            }
        ),
    )


@dg.run_status_sensor(
    run_status=dg.DagsterRunStatus.SUCCESS,
    monitored_jobs=[lakip_job],
    request_job=segarkan_job,
    minimum_interval_seconds=10,
    default_status=dg.DefaultSensorStatus.RUNNING,
    description="Run lakip (masukan) berhasil: jalankan lakip_segarkan untuk semester yang sama.",
)
def segarkan_setelah_masukan(context: dg.RunStatusSensorContext) -> dg.RunRequest:
    run = context.dagster_run
    # One refresh per ingestion run, even if the sensor evaluates the same event twice.
    return dg.RunRequest(
        run_key=run.run_id,
        partition_key=run.tags.get("dagster/partition"),
        tags=tags_penyegaran(run),
    )


@dg.run_failure_sensor(
    monitored_jobs=[lakip_job],
    minimum_interval_seconds=10,
    default_status=dg.DefaultSensorStatus.RUNNING,
    description="Run lakip (masukan) gagal: lakip_segarkan tidak dijalankan; alasannya ditulis "
    "di halaman run yang gagal.",
)
def masukan_gagal(context: dg.RunFailureSensorContext) -> dg.SkipReason:
    return dg.SkipReason(catat_penyegaran_dilewati(context.instance, context.dagster_run))


@dg.run_status_sensor(
    run_status=dg.DagsterRunStatus.SUCCESS,
    monitored_jobs=[hapus_semester_job],
    request_job=segarkan_job,
    minimum_interval_seconds=10,
    default_status=dg.DefaultSensorStatus.RUNNING,
    description="Semester dihapus (job hapus_semester): jalankan lakip_segarkan untuk semester "
    "terakhir yang tersisa, yang menerbitkan ulang gudang data analis tanpa semester itu.",
)
def segarkan_setelah_hapus(context: dg.RunStatusSensorContext) -> dg.RunRequest | dg.SkipReason:
    left = sorted(context.instance.get_dynamic_partitions(SEMESTER.name))
    if not left:
        return dg.SkipReason("Tidak ada semester tersisa untuk disegarkan.")
    run = context.dagster_run
    removed = run.run_config["ops"]["hapus_semester_op"]["config"]["semester"]
    return dg.RunRequest(
        run_key=run.run_id,
        partition_key=left[-1],
        tags={TAG_HAPUS: removed, TAG_RUN_MASUKAN: run.run_id},
    )
