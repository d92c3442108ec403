"""The province's jobs and sensors: every office's semester as one partition (office ×
semester), run through the instance's run queue (pipelines/dagster_provinsi.yaml: at most N
runs at once, one per office).

Each pending office-semester is requested twice: its whole office pipeline (`kantor_lakip`) and
its DKB through the combined route (`gabungan_kantor`, pipelines/provinsi/gabungan.py). When the
last combined-route run has finished, `gabungan_setelah_kantor` requests the rollup and its
publication (`gabungan_terbit`), so the province and national tables follow every release.

The sensor finds the offices under raw/ (kantor.py), registers new offices and semesters as
partitions, and requests a run for every office-semester whose files differ from those its last
run read: the office pipeline's own release fingerprints (pipelines/defs/otomasi/rilis.py),
per office, so an unchanged office never runs twice and a revised file runs its semester again.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from types import SimpleNamespace

import dagster as dg

from pipelines.defs.otomasi.rilis import SETTLE_SECONDS, labels_read, run_requests, scan
from pipelines.provinsi.gabungan import gabungan_kantor, gabungan_terbit
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


@dataclass
class Rencana:
    """What the sensor does now: the runs to request, the offices and semesters to register
    as partitions, the file hashes to remember per office, and what to warn about."""

    requests: list[dg.RunRequest] = field(default_factory=list)
    kantor_baru: list[str] = field(default_factory=list)
    semester_baru: list[str] = field(default_factory=list)
    hashes: dict[str, dict] = field(default_factory=dict)
    peringatan: list[str] = field(default_factory=list)
    kantor: list[str] = field(default_factory=list)  # every office found, refused ones too


def requests_for(
    instance: dg.DagsterInstance,
    instalasi: Instalasi,
    cache: dict[str, dict] | None = None,
    settle_seconds: float = SETTLE_SECONDS,
) -> Rencana:
    """One run request per office-semester whose release has not been run yet; KantorDitolak
    when raw/ holds both layouts. `cache`: the file hashes of the last evaluation, per office."""
    found = instalasi.temukan()
    cache = cache or {}
    ran = history(instance)
    plan = Rencana(
        peringatan=found.peringatan + list(found.ditolak.values()),
        kantor=sorted([*found.kantor, *found.ditolak]),
    )
    semesters = set()
    # the combined route reads raw/<kode>/: a single-office layout has only its own runs
    jobs = [(kantor_lakip_job, "")]
    jobs += [] if found.tunggal else [(gabungan_kantor, "gabungan:")]
    for kode, office in found.kantor.items():
        release = scan(office.raw_dir, cache.get(kode), settle_seconds)
        plan.hashes[kode] = release.hashes
        plan.peringatan += [f"{kode}: {w}" for w in release.warnings]
        semesters |= set(release.semesters)
        last, runs_so_far = ran.get(kode, ({}, {}))
        for request in run_requests(release, last, runs_so_far):
            partition = kunci_partisi(kode, request.partition_key)
            # the combined route reads raw/<kode>/: a single-office layout has only its own run
            jobs = [(kantor_lakip_job, "")] + (
                [] if found.tunggal else [(gabungan_kantor, "gabungan:")]
            )
            for job, prefix in jobs:
                plan.requests.append(
                    dg.RunRequest(
                        run_key=f"{prefix}{kode}:{request.run_key}",
                        job_name=job.name,
                        partition_key=partition,
                        tags=request.tags,
                    )
                )
    plan.kantor_baru = [
        k for k in found.kantor if not instance.has_dynamic_partition(KANTOR.name, k)
    ]
    plan.semester_baru = sorted(
        s for s in semesters if not instance.has_dynamic_partition(SEMESTER_KANTOR.name, s)
    )
    return plan


@dg.sensor(
    jobs=[kantor_lakip_job, gabungan_kantor],
    minimum_interval_seconds=30,
    default_status=dg.DefaultSensorStatus.RUNNING,
    description="Kantor baru di raw/<kode>/, atau rilis DKB/berkas bersama kantor yang baru atau "
    "berubah: daftarkan partisinya dan jalankan kantor × semester itu lewat antrean run "
    "(pipeline kantor dan jalur gabungan).",
)
def rilis_kantor(context: dg.SensorEvaluationContext, instalasi: Instalasi) -> dg.SensorResult:
    cache = json.loads(context.cursor) if context.cursor else {}
    try:
        plan = requests_for(context.instance, instalasi, cache)
    except KantorDitolak as refusal:  # both layouts at once: nothing is run
        context.log.error(str(refusal))
        return dg.SensorResult(skip_reason=str(refusal), cursor=context.cursor)
    for warning in plan.peringatan:
        context.log.warning(warning)
    for request in plan.requests:
        context.log.info(f"Menjalankan kantor × semester {request.partition_key}")
    return dg.SensorResult(
        run_requests=plan.requests,
        dynamic_partitions_requests=[
            definition.build_add_request(keys)
            for definition, keys in (
                (KANTOR, plan.kantor_baru),
                (SEMESTER_KANTOR, plan.semester_baru),
            )
            if keys
        ],
        cursor=json.dumps(plan.hashes),
    )


# Runs of the combined route not finished yet: the rollup waits for the last of them.
BELUM_SELESAI = [
    dg.DagsterRunStatus.QUEUED,
    dg.DagsterRunStatus.NOT_STARTED,
    dg.DagsterRunStatus.STARTING,
    dg.DagsterRunStatus.STARTED,
]


def rollup_request(instance: dg.DagsterInstance, run_id: str) -> dg.RunRequest | None:
    """The rollup's run after the combined-route run `run_id` finished, unless other runs of
    the route are still queued or running (the last of them requests it: one rollup per batch
    of releases, not one per office)."""
    pending = instance.get_runs(
        dg.RunsFilter(job_name=gabungan_kantor.name, statuses=BELUM_SELESAI), limit=1
    )
    if pending:
        return None
    return dg.RunRequest(run_key=f"terbit:{run_id}", job_name=gabungan_terbit.name)


@dg.run_status_sensor(
    run_status=dg.DagsterRunStatus.SUCCESS,
    monitored_jobs=[gabungan_kantor],
    request_job=gabungan_terbit,
    default_status=dg.DefaultSensorStatus.RUNNING,
    description="Setelah run jalur gabungan terakhir selesai: hitung gabungan provinsi dan "
    "nasional, periksa, terbitkan (warehouse/gabungan/dukcapil.duckdb).",
)
def gabungan_setelah_kantor(context: dg.RunStatusSensorContext):
    return _setelah_kantor(context)


def _setelah_kantor(context: dg.RunStatusSensorContext) -> dg.RunRequest | dg.SkipReason:
    request = rollup_request(context.instance, context.dagster_run.run_id)
    if request is None:
        return dg.SkipReason("Run jalur gabungan lain masih berjalan; gabungan menunggu.")
    return request


@dg.run_failure_sensor(
    monitored_jobs=[gabungan_kantor],
    request_job=gabungan_terbit,
    default_status=dg.DefaultSensorStatus.RUNNING,
    description="Juga setelah run jalur gabungan terakhir yang GAGAL: gabungan tetap diterbitkan "
    "dari kantor yang sudah diolah.",
)
def gabungan_setelah_kantor_gagal(context: dg.RunFailureSensorContext):
    # When the last run of a batch fails (a crash, a killed worker: a refused file is recorded,
    # not failed), the success sensor never sees a last run: without this the rollup would
    # never come and `make provinsi` would wait for it until its time limit.
    return _setelah_kantor(context)
