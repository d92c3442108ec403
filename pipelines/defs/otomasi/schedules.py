"""Release-window schedule: re-checks raw/ daily when DKB releases usually arrive (Semester I
around August, Semester II in February–March), in case the sensor was off. A release is run
once: a semester whose most recent run (from the sensor, an earlier tick or by hand) read the
same files is skipped."""

import dagster as dg

from pipelines.config import Pengaturan
from pipelines.defs.masukan.partitions import SEMESTER
from pipelines.defs.otomasi.jobs import lakip_job
from pipelines.defs.otomasi.rilis import new_semesters, run_history, run_requests, scan
from pipelines.gudang.db import Warehouse

RELEASE_WINDOWS = ["0 7 * 8 *", "0 7 * 2,3 *"]  # 07:00 daily in Aug, and in Feb–Mar


@dg.schedule(
    job=lakip_job,
    cron_schedule=RELEASE_WINDOWS,
    execution_timezone="Asia/Jakarta",
    default_status=dg.DefaultScheduleStatus.RUNNING,
    description="Periksa ulang raw/ setiap hari pada masa rilis DKB (Agustus, Februari–Maret).",
)
def masa_rilis(context: dg.ScheduleEvaluationContext, warehouse: Warehouse, pengaturan: Pengaturan):
    last, runs_so_far = run_history(context.instance, lakip_job.name)
    release = scan(warehouse.paths.raw_dir, max_bytes=pengaturan.max_file_bytes)
    new = new_semesters(release, context.instance)
    if new:  # schedules cannot return partition requests; register them directly
        context.instance.add_dynamic_partitions(SEMESTER.name, new)
    requests = run_requests(release, last, runs_so_far)
    return requests or dg.SkipReason("Tidak ada rilis baru di raw/.")
