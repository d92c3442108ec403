"""Release sensor: a new or revised DKB semester folder, or a changed budget/indicator file,
under raw/ starts the `lakip` run of the semester it concerns (see releases.py)."""

import json

import dagster as dg

from pipelines.orchestration.jobs import lakip_job
from pipelines.orchestration.partitions import SEMESTER
from pipelines.orchestration.releases import new_semesters, run_requests, scan
from pipelines.warehouse.db import Warehouse


@dg.sensor(
    job=lakip_job,
    minimum_interval_seconds=60,
    default_status=dg.DefaultSensorStatus.RUNNING,
    description="Rilis DKB baru/berubah di raw/dkb/<semester>/ atau anggaran/indikator berubah.",
)
def rilis_baru(context: dg.SensorEvaluationContext, warehouse: Warehouse) -> dg.SensorResult:
    # Cursor: labels already run (so an unchanged release yields nothing) and the file hash
    # cache (so unchanged files are not re-read every minute).
    cursor = json.loads(context.cursor) if context.cursor else {"dikenal": [], "berkas": {}}
    release = scan(warehouse.paths.raw_dir, cursor["berkas"])
    requests = run_requests(release, set(cursor["dikenal"]))
    new = new_semesters(release, context.instance)
    for request in requests:
        context.log.info(f"Menjalankan semester {request.partition_key}: {request.run_key}")
    if release.unsettled:
        context.log.info(f"Menunggu berkas selesai disalin: {', '.join(release.unsettled)}")
    # Known = what has been requested; a release put off (a file still being copied) is not.
    known = sorted({*cursor["dikenal"], *(v for r in requests for v in r.tags.values())})
    return dg.SensorResult(
        run_requests=requests,
        dynamic_partitions_requests=[SEMESTER.build_add_request(new)] if new else [],
        cursor=json.dumps({"dikenal": known, "berkas": release.hashes}),
    )
