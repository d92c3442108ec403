"""What is waiting in `raw/`: one fingerprint per DKB semester folder and one for the inputs all
semesters share (budget, indicators, reference lists). The release sensor and the release-window
schedule both turn a fingerprint nobody has run yet into a run of the `lakip` job.

A fingerprint is a sha256 over (path, sha256 of content) of every file in the group, so
touching or re-copying an identical file changes nothing, and a revised file changes the label.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Collection
from dataclasses import dataclass, field
from pathlib import Path

import dagster as dg

from pipelines.ingest.readers import file_sha256
from pipelines.orchestration.partitions import SEMESTER, is_semester

# Inputs every run re-reads whole; a change in one of them refreshes the latest semester.
SHARED_INPUT_DIRS = ("anggaran", "indikator", "referensi")
# A file modified more recently than this may still be being copied: wait for the next tick.
SETTLE_SECONDS = 60
TAG_DKB = "dukcapil/rilis_dkb"
TAG_SHARED = "dukcapil/rilis_bersama"
SHARED_GROUP = "bersama"

# Cache of file hashes between evaluations: relative path -> [size, mtime_ns, sha256].
HashCache = dict[str, list]


def discover_semesters(raw_dir: Path) -> list[str]:
    """Semester folders under raw/dkb/ ('2023-S2'), oldest first."""
    dkb = raw_dir / "dkb"
    if not dkb.exists():
        return []
    return sorted(p.name for p in dkb.iterdir() if p.is_dir() and is_semester(p.name))


def _files(folder: Path) -> list[Path]:
    if not folder.exists():
        return []
    return sorted(p for p in folder.rglob("*") if p.is_file() and not p.name.startswith((".", "~")))


@dataclass
class Release:
    """Labels ('2023-S2@3f9a…', 'bersama@81c0…') of the groups whose files are complete."""

    semesters: dict[str, str] = field(default_factory=dict)
    shared: str | None = None
    unsettled: list[str] = field(default_factory=list)
    hashes: HashCache = field(default_factory=dict)

    @property
    def labels(self) -> set[str]:
        return {*self.semesters.values(), *([self.shared] if self.shared else [])}


def scan(raw_dir: Path, cache: HashCache | None = None, settle_seconds: float = SETTLE_SECONDS):
    """Fingerprint every group under raw_dir; a file whose size and mtime are unchanged since
    the cached scan is not hashed again (a city's record-level extract is hundreds of MB)."""
    cache = cache or {}
    release = Release()
    now = time.time()
    groups = {s: raw_dir / "dkb" / s for s in discover_semesters(raw_dir)}
    for group, folders in [
        *((s, [f]) for s, f in groups.items()),
        (SHARED_GROUP, [raw_dir / d for d in SHARED_INPUT_DIRS]),
    ]:
        files = [p for folder in folders for p in _files(folder)]
        if not files:
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
        label = f"{group}@{digest.hexdigest()[:16]}"
        if group == SHARED_GROUP:
            release.shared = label
        else:
            release.semesters[group] = label
    return release


def run_requests(release: Release, known: Collection[str]) -> list[dg.RunRequest]:
    """One run per semester whose files nobody has run yet; a new shared fingerprint refreshes
    the latest semester (every run re-reads the shared inputs, so one run is enough)."""
    if SHARED_GROUP in release.unsettled or release.shared is None:
        return []  # every run reads the shared inputs: never run on a half-copied one
    wanted = [s for s, label in release.semesters.items() if label not in known]
    if release.shared not in known and release.semesters:
        latest = max(release.semesters)
        if latest not in wanted:
            wanted.append(latest)
    return [
        dg.RunRequest(
            run_key=f"{release.semesters[s]}+{release.shared}",
            partition_key=s,
            tags=release_tags(release, s),
        )
        for s in sorted(wanted)
    ]


def release_tags(release: Release, semester: str) -> dict[str, str]:
    """Run tags naming the file versions a run of `semester` reads."""
    if semester not in release.semesters or release.shared is None:
        return {}
    return {TAG_DKB: release.semesters[semester], TAG_SHARED: release.shared}


def new_semesters(release: Release, instance: dg.DagsterInstance) -> list[str]:
    """Semester folders that are not a Dagster partition yet."""
    return [s for s in release.semesters if not instance.has_dynamic_partition(SEMESTER.name, s)]
