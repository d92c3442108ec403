"""One semester of one office, run in-process: the ingestion job `lakip`, then, only if it
succeeded, the refresh `lakip_segarkan` (pipelines/defs/otomasi/jobs.py), as the UI's sensors do.

The officer's command line (pipelines/cli.py) prints its progress from here; a province's office
run (pipelines/provinsi/kantor.py) writes it to its own run's log. Neither prints anything
the other would not: the lines go to the `echo` each passes."""

from __future__ import annotations

import logging
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field

import dagster as dg

from pipelines.defs.masukan.berkas import FolderRejected, semester_files
from pipelines.defs.masukan.partitions import SEMESTER
from pipelines.defs.otomasi.jobs import (
    catat_penyegaran_dilewati,
    lakip_job,
    segarkan_job,
    tags_penyegaran,
)
from pipelines.domain.semester import is_semester

Echo = Callable[[str], None]


def _silent(_: str) -> None:
    pass


def root_error(event: dg.DagsterEvent) -> str:
    """The officer's error (e.g. InputRejected: file, row, column, value), not the traceback."""
    failure = event.step_failure_data
    if failure and failure.user_failure_data and failure.user_failure_data.description:
        return failure.user_failure_data.description  # a refusal, as dg.Failure
    error = failure.error if failure else None
    while error is not None and error.cause is not None:
        error = error.cause
    if error is None:
        return event.message or ""
    message = error.message.strip()
    prefix = f"{error.cls_name}: "
    return message.split(prefix, 1)[1] if prefix in message else message


class Progress:
    """Follows a run's events as they are stored, so a long ingestion shows where it is."""

    def __init__(self, total: int, echo: Echo = _silent):
        self.total = total
        self.echo = echo
        self.done = 0
        self.failures: list[str] = []
        self.failed_checks: list[str] = []
        self.warnings: list[str] = []  # non-blocking checks that found something
        self.published = False  # the analyst file was replaced in this run

    def show(self, entry) -> None:
        event = entry.dagster_event
        if event is None:
            if entry.level == logging.WARNING:  # the assets' own warnings, e.g. TOTAL ≠ rows
                self.echo(f"      ! {entry.user_message}")
            return
        if event.event_type_value == "ASSET_MATERIALIZATION":
            self.done += 1
            mat = event.event_specific_data.materialization
            rows = mat.metadata.get("dagster/row_count")
            count = "" if rows is None else f"{rows.value} baris"
            name = mat.asset_key.to_user_string()
            self.published |= name == "publikasi/gudang_analis"
            self.echo(f"  [{self.done:2}/{self.total}] ✓ {name:40s} {count}")
            quarantined = mat.metadata.get("baris_dikarantina")
            if quarantined is not None and quarantined.value:
                extract = mat.metadata["baris_ekstrak"].value
                self.echo(f"      ! {quarantined.value} dari {extract} baris penduduk dikarantina")
        elif event.event_type_value == "ASSET_CHECK_EVALUATION":
            check = event.event_specific_data
            if not check.passed:
                name = f"{check.asset_key.to_user_string()} / {check.check_name}"
                if check.severity == dg.AssetCheckSeverity.WARN:  # listed, blocks nothing
                    self.warnings.append(name)
                    self.echo(f"      ! pemeriksaan {name}: peringatan")
                else:
                    self.failed_checks.append(name)
                    self.echo(f"      ✗ pemeriksaan {name} GAGAL")
                if check.description:  # the check's own words, e.g. which IKU vanished
                    text = check.description.replace("\n", "\n        ")
                    self.echo(f"        {text}")
        elif event.is_step_failure:
            error = root_error(event)
            if error not in self.failures:  # both DKB inputs refuse an empty semester folder
                self.failures.append(error)
            self.echo(f"      ✗ {event.step_key} GAGAL")


def execute(
    job: dg.JobDefinition,
    semester: str,
    instance: dg.DagsterInstance,
    progress: Progress,
    resources: dict | None,
    tags: dict[str, str] | None,
) -> tuple[bool, str]:
    """Run one job for one semester in-process, following its events as they are stored;
    (succeeded, run id)."""
    run_id, outcome = str(uuid.uuid4()), {}

    def run() -> None:
        try:
            outcome["result"] = job.execute_in_process(
                instance=instance,
                partition_key=semester,
                raise_on_error=False,
                resources=resources,
                run_id=run_id,
                tags=tags,
                # Dagster's own log goes to the run's page in the UI; progress is shown here.
                run_config={"loggers": {"console": {"config": {"log_level": "CRITICAL"}}}},
            )
        except Exception as error:  # a failure outside any step, e.g. invalid definitions
            outcome["error"] = error

    worker = threading.Thread(target=run)
    worker.start()
    shown = 0
    while True:
        finished = not worker.is_alive()
        entries = instance.all_logs(run_id)
        for entry in entries[shown:]:
            progress.show(entry)
        shown = len(entries)
        if finished:
            break
        time.sleep(0.3)
    worker.join()
    if "error" in outcome:
        progress.failures.append(str(outcome["error"]))
    result = outcome.get("result")
    return result is not None and result.success, run_id


@dataclass
class HasilSemester:
    """What one semester's runs did: ok, the runs, their progress, and the refusal when the
    semester was refused before any run (no partition created)."""

    semester: str
    ok: bool
    seconds: float = 0.0
    run_ids: list[str] = field(default_factory=list)
    progress: Progress | None = None
    ditolak: str | None = None


def run_semester(
    semester: str,
    instance: dg.DagsterInstance,
    resources: dict | None = None,
    tags: dict[str, str] | None = None,
    echo: Echo = _silent,
) -> HasilSemester:
    """Materialise every asset of one semester: the ingestion, then, only if it succeeded, the
    refresh. `resources` override the environment's (e.g. another office's Warehouse)."""
    from pipelines.definitions import current_resources, defs

    if not is_semester(semester):
        refusal = f"Semester '{semester}' tidak valid: gunakan bentuk TAHUN-S1 atau TAHUN-S2."
        return HasilSemester(semester, False, ditolak=refusal)
    # Settings as the environment holds them now, not when the definitions were imported.
    resources = {**current_resources(), **(resources or {})}
    raw_dir = resources["warehouse"].paths.raw_dir
    if not (raw_dir / "dkb" / semester).is_dir():
        # No folder: refuse before a partition exists, so a typo leaves no permanent semester.
        try:
            semester_files(raw_dir, semester)
        except FolderRejected as refusal:
            return HasilSemester(semester, False, ditolak=str(refusal))
        return HasilSemester(semester, False)
    instance.add_dynamic_partitions(SEMESTER.name, [semester])
    jobs = [defs.resolve_job_def(j.name) for j in (lakip_job, segarkan_job)]
    progress = Progress(sum(len(j.asset_layer.executable_asset_keys) for j in jobs), echo)
    echo(f"== Semester {semester}: {progress.total} aset")
    started = time.monotonic()
    ok, run_id = execute(jobs[0], semester, instance, progress, resources, tags)
    run_ids = [run_id]
    ingestion = instance.get_run_by_id(run_id)
    if ok:
        ok, run_id = execute(
            jobs[1], semester, instance, progress, resources, tags_penyegaran(ingestion)
        )
        run_ids.append(run_id)
    elif ingestion is not None:
        catat_penyegaran_dilewati(instance, ingestion)
    return HasilSemester(semester, ok, time.monotonic() - started, run_ids, progress)
