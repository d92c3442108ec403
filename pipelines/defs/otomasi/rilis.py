"""What is waiting in `raw/`: one fingerprint per DKB semester folder and one for the inputs all
semesters share (budget, indicators, reference lists, published figures). The release sensor
and the release-window schedule both turn a fingerprint that differs from the one last run for
its group (a new release, a revised file, or one put back to an earlier version) into a run of
the `lakip` job.

A fingerprint is a sha256 over (path, sha256 of content) of every file in the group, so
touching or re-copying an identical file changes nothing, and a revised file changes the label.
The files are exactly those a run reads (pipelines/defs/masukan/berkas.py): a backup copy left
beside
an input neither starts a run nor changes a fingerprint; it is named in the sensor's log.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

import dagster as dg

from pipelines.config import BatasUkuran, max_file_bytes
from pipelines.defs.masukan.berkas import find_files, semester_folders
from pipelines.defs.masukan.partitions import SEMESTER
from pipelines.defs.masukan.readers import file_sha256
from pipelines.defs.masukan.sumber import DKB_FILES, SHARED_FILES
from pipelines.domain.penolakan import InputRejected

# A file modified more recently than this may still be being copied: wait for the next tick.
SETTLE_SECONDS = 60
TAG_DKB = "dukcapil/rilis_dkb"
TAG_SHARED = "dukcapil/rilis_bersama"
SHARED_GROUP = "bersama"

# Cache of file hashes between evaluations: relative path -> [size, mtime_ns, sha256].
HashCache = dict[str, list]


def discover_semesters(raw_dir: Path) -> list[str]:
    """Semester folders under raw/dkb/ ('2023-S2'), oldest first."""
    return semester_folders(raw_dir)[0]


@dataclass
class Release:
    """Labels ('2023-S2@3f9a…', 'bersama@81c0…') of the groups whose files are complete."""

    semesters: dict[str, str] = field(default_factory=dict)
    shared: str | None = None
    unsettled: list[str] = field(default_factory=list)
    hashes: HashCache = field(default_factory=dict)
    # Files and folders no run reads, and refused inputs (a run of their group fails on them).
    warnings: list[str] = field(default_factory=list)

    @property
    def labels(self) -> set[str]:
        return {*self.semesters.values(), *([self.shared] if self.shared else [])}


def scan(
    raw_dir: Path,
    cache: HashCache | None = None,
    settle_seconds: float = SETTLE_SECONDS,
    max_bytes: BatasUkuran = max_file_bytes,
):
    """Fingerprint every group under raw_dir; a file whose size and mtime are unchanged since
    the cached scan is not hashed again (a city's record-level extract is hundreds of MB).
    `max_bytes`: the size limits (the sensor's and schedule's: the Pengaturan resource)."""
    cache = cache or {}
    release = Release()
    now = time.time()
    semesters, release.warnings = semester_folders(raw_dir)
    for group, semester, specs in [
        *((s, s, DKB_FILES) for s in semesters),
        (SHARED_GROUP, None, SHARED_FILES),
    ]:
        files, refused = [], []
        for spec in specs:
            try:
                found = find_files(spec, raw_dir, semester, max_bytes)
            except InputRejected as error:
                # Never read (it may be a pipe): its refusal is part of the fingerprint, so
                # the run that reports it to the officer is requested once.
                refused.append(str(error))
                continue
            files += found.files
            release.warnings += found.ignored
        release.warnings += refused
        if not files and not refused:
            if semester:
                release.warnings.append(
                    f"Folder {raw_dir / 'dkb' / semester} belum berisi file DKB yang dikenali "
                    f"({' dan/atau '.join(s.expected for s in DKB_FILES)}); belum dijalankan."
                )
            continue
        digest = hashlib.sha256()
        settled = True
        for path in files:
            stat = path.stat()
            relative = str(path.relative_to(raw_dir))
            if now - stat.st_mtime < settle_seconds:
                settled = False
                break
            cached = cache.get(relative)
            if cached and cached[:2] == [stat.st_size, stat.st_mtime_ns]:
                sha = cached[2]
            else:
                sha = file_sha256(path)
            release.hashes[relative] = [stat.st_size, stat.st_mtime_ns, sha]
            digest.update(f"{relative}\0{sha}\n".encode())
        if not settled:
            release.unsettled.append(group)
            continue
        for text in refused:
            digest.update(f"{text}\n".encode())
        label = f"{group}@{digest.hexdigest()[:16]}"
        if group == SHARED_GROUP:
            release.shared = label
        else:
            release.semesters[group] = label
    return release


def run_requests(
    release: Release, last: Mapping[str, str], runs_so_far: Mapping[str, int]
) -> list[dg.RunRequest]:
    """One run per semester whose files differ from those its last run read (`last`: semester
    -> label, and SHARED_GROUP -> the shared label of the last run); a shared fingerprint
    different from the last one refreshes the latest semester (every run re-reads the shared
    inputs, so one run is enough). The run key counts the semester's runs, so a file put back
    to a version that was run before (A, B, then A again) still gets its run."""
    if SHARED_GROUP in release.unsettled or release.shared is None:
        return []  # every run reads the shared inputs: never run on a half-copied one
    wanted = [s for s, label in release.semesters.items() if last.get(s) != label]
    if release.shared != last.get(SHARED_GROUP) and release.semesters:
        latest = max(release.semesters)
        if latest not in wanted:
            wanted.append(latest)
    return [
        dg.RunRequest(
            run_key=f"{release.semesters[s]}+{release.shared}#{runs_so_far.get(s, 0) + 1}",
            partition_key=s,
            tags=release_tags(release, s),
        )
        for s in sorted(wanted)
    ]


def after_requests(
    last: Mapping[str, str], runs_so_far: Mapping[str, int], requests: list[dg.RunRequest]
) -> tuple[dict[str, str], dict[str, int]]:
    """`last` and `runs_so_far` once `requests` are run."""
    last, runs_so_far = dict(last), dict(runs_so_far)
    for request in requests:
        last[request.partition_key] = request.tags[TAG_DKB]
        last[SHARED_GROUP] = request.tags[TAG_SHARED]
        runs_so_far[request.partition_key] = runs_so_far.get(request.partition_key, 0) + 1
    return last, runs_so_far


def labels_read(runs: Iterable[dg.DagsterRun]) -> tuple[dict[str, str], dict[str, int]]:
    """Per semester the label of its most recent run and its number of runs; SHARED_GROUP ->
    the shared label of the most recent run. `runs`: newest first."""
    last: dict[str, str] = {}
    runs_so_far: dict[str, int] = {}
    for run in runs:
        semester = run.tags.get("dagster/partition")
        if semester is None or TAG_DKB not in run.tags:
            continue
        runs_so_far[semester] = runs_so_far.get(semester, 0) + 1
        last.setdefault(semester, run.tags[TAG_DKB])
        if TAG_SHARED in run.tags:
            last.setdefault(SHARED_GROUP, run.tags[TAG_SHARED])
    return last, runs_so_far


def run_history(instance: dg.DagsterInstance, job_name: str) -> tuple[dict[str, str], dict]:
    """From the instance's runs of the job (by the sensor, the schedule or by hand: all carry
    the release tags): per semester the label of its most recent run and its number of runs;
    SHARED_GROUP -> the shared label of the most recent run. `job_name` is the ingestion job
    (`lakip`): its refresh runs carry a copy of the tags and must not count twice."""
    return labels_read(instance.get_runs(dg.RunsFilter(job_name=job_name)))  # newest first


def runs_since(
    instance: dg.DagsterInstance, job_name: str, after: str | None
) -> tuple[dict[str, str], str | None]:
    """What the runs of the job created after `after` (ISO time; None: ever) read, from any
    origin (`make ingest`, the schedule, the sensor itself), as in `run_history`, and the
    creation time of the newest of them (`after` when there is none)."""
    created_after = datetime.fromisoformat(after) if after else None
    records = instance.get_run_records(
        dg.RunsFilter(job_name=job_name, created_after=created_after)
    )  # newest first
    last, _ = labels_read(r.dagster_run for r in records)
    return last, records[0].create_timestamp.isoformat() if records else after


def release_tags(release: Release, semester: str) -> dict[str, str]:
    """Run tags naming the file versions a run of `semester` reads."""
    if semester not in release.semesters or release.shared is None:
        return {}
    return {TAG_DKB: release.semesters[semester], TAG_SHARED: release.shared}


def new_semesters(release: Release, instance: dg.DagsterInstance) -> list[str]:
    """Semester folders that are not a Dagster partition yet."""
    return [s for s in release.semesters if not instance.has_dynamic_partition(SEMESTER.name, s)]
