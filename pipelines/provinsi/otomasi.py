"""The province's job and sensor: every office's semester as one partition (office ×
semester), run through the instance's run queue (pipelines/dagster_provinsi.yaml: at most N
runs at once, one per office).

The sensor finds the offices under raw/ (kantor.py), registers new offices and semesters as
partitions, and requests a run for every office-semester whose files differ from those its last
run read: the office pipeline's own release fingerprints (pipelines/defs/otomasi/rilis.py),
per office, so an unchanged office never runs twice and a revised file runs its semester again.
"""

from __future__ import annotations

import json
from types import SimpleNamespace

import dagster as dg

from pipelines.defs.otomasi.rilis import labels_read, run_requests, scan
from pipelines.provinsi.kantor import Instalasi, KantorDitolak, lakip
from pipelines.provinsi.partisi import (
    KANTOR,
    SEMESTER_KANTOR,
    TAG_KANTOR,
    TAG_SEMESTER,
    kunci_partisi,
)

kantor_lakip_job = dg.define_asset_job(
    "kantor_lakip",
    selection=[lakip],
    description="Pipeline lengkap satu kantor untuk satu semester (partisi kantor × semester); "
    "antrean run menjalankan beberapa kantor sekaligus, satu run per kantor.",
)


def history(instance: dg.DagsterInstance) -> dict[str, tuple[dict[str, str], dict[str, int]]]:
    """Per office, what its runs read, as the office's release sensor reads its own history
    (per semester the label of the newest run and the number of runs)."""
    per_office: dict[str, list] = {}
    for run in instance.get_runs(dg.RunsFilter(job_name=kantor_lakip_job.name)):  # newest first
        kode = run.tags.get(TAG_KANTOR)
        if kode is not None:
            # the office pipeline's history is keyed by the semester alone
            tags = {**run.tags, "dagster/partition": run.tags.get(TAG_SEMESTER)}
            per_office.setdefault(kode, []).append(SimpleNamespace(tags=tags))
    return {kode: labels_read(office_runs) for kode, office_runs in per_office.items()}


def requests_for(
    instance: dg.DagsterInstance,
    instalasi: Instalasi,
    cache: dict[str, dict] | None = None,
    settle_seconds: float | None = None,
):
    """(run requests, new office codes, new semesters, file hash cache per office, warnings):
    one request per office-semester whose release has not been run yet."""
    found = instalasi.temukan()
    cache = cache or {}
    ran = history(instance)
    requests, semesters, hashes = [], set(), {}
    warnings = found.peringatan + list(found.ditolak.values())
    for kode, office in found.kantor.items():
        options = {} if settle_seconds is None else {"settle_seconds": settle_seconds}
        release = scan(office.raw_dir, cache.get(kode), **options)
        hashes[kode] = release.hashes
        warnings += [f"{kode}: {w}" for w in release.warnings]
        semesters |= set(release.semesters)
        last, runs_so_far = ran.get(kode, ({}, {}))
        for request in run_requests(release, last, runs_so_far):
            requests.append(
                dg.RunRequest(
                    run_key=f"{kode}:{request.run_key}",
                    partition_key=kunci_partisi(kode, request.partition_key),
                    tags=request.tags,
                )
            )
    new_offices = [k for k in found.kantor if not instance.has_dynamic_partition(KANTOR.name, k)]
    new_semesters = sorted(
        s for s in semesters if not instance.has_dynamic_partition(SEMESTER_KANTOR.name, s)
    )
    return requests, new_offices, new_semesters, hashes, warnings


@dg.sensor(
    job=kantor_lakip_job,
    minimum_interval_seconds=30,
    default_status=dg.DefaultSensorStatus.RUNNING,
    description="Kantor baru di raw/<kode>/, atau rilis DKB/berkas bersama kantor yang baru atau "
    "berubah: daftarkan partisinya dan jalankan kantor × semester itu lewat antrean run.",
)
def rilis_kantor(context: dg.SensorEvaluationContext, instalasi: Instalasi) -> dg.SensorResult:
    cache = json.loads(context.cursor) if context.cursor else {}
    try:
        requests, offices, semesters, hashes, warnings = requests_for(
            context.instance, instalasi, cache
        )
    except KantorDitolak as refusal:  # both layouts at once: nothing is run
        context.log.error(str(refusal))
        return dg.SensorResult(skip_reason=str(refusal), cursor=context.cursor)
    for warning in warnings:
        context.log.warning(warning)
    for request in requests:
        context.log.info(f"Menjalankan kantor × semester {request.partition_key}")
    return dg.SensorResult(
        run_requests=requests,
        dynamic_partitions_requests=[
            *([KANTOR.build_add_request(offices)] if offices else []),
            *([SEMESTER_KANTOR.build_add_request(semesters)] if semesters else []),
        ],
        cursor=json.dumps(hashes),
    )
