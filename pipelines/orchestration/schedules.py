"""Release-window schedule: re-checks raw/ daily when DKB releases usually arrive (Semester I
around August, Semester II in February–March), in case the sensor was off. A release is run
once: a fingerprint already carried by a run (from the sensor or an earlier tick) is skipped."""

import dagster as dg

from pipelines.orchestration.jobs import lakip_job
from pipelines.orchestration.partitions import SEMESTER
from pipelines.orchestration.releases import (
    TAG_DKB,
    TAG_SHARED,
    new_semesters,
    run_requests,
    scan,
)
from pipelines.warehouse.db import Warehouse

RELEASE_WINDOWS = ["0 7 * 8 *", "0 7 * 2,3 *"]  # 07:00 daily in Aug, and in Feb–Mar


@dg.schedule(
    job=lakip_job,
    cron_schedule=RELEASE_WINDOWS,
    execution_timezone="Asia/Jakarta",
    default_status=dg.DefaultScheduleStatus.RUNNING,
    description="Periksa ulang raw/ setiap hari pada masa rilis DKB (Agustus, Februari–Maret).",
)
def masa_rilis(context: dg.ScheduleEvaluationContext, warehouse: Warehouse):
    known = {
        value
        for _, values in context.instance.get_run_tags(tag_keys=[TAG_DKB, TAG_SHARED])
        for value in values
    }
    release = scan(warehouse.paths.raw_dir)
    new = new_semesters(release, context.instance)
    if new:  # schedules cannot return partition requests; register them directly
        context.instance.add_dynamic_partitions(SEMESTER.name, new)
    requests = run_requests(release, known)
    return requests or dg.SkipReason("Tidak ada rilis baru di raw/.")
