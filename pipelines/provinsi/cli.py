"""The province's command: every office's pending semesters through the run queue, then each
office's status.

    python -m pipelines.provinsi.cli jalankan [--pekerja 2] [--batas-waktu 3600]
    python -m pipelines.provinsi.cli siapkan [--pekerja 2]    # only the instance settings

$DAGSTER_HOME is the province's instance (`make provinsi` sets .dagster_provinsi/); its
dagster.yaml is written from pipelines/dagster_provinsi.yaml with the number of workers.
`jalankan` starts `dagster-daemon` in its own process group (the sensor `rilis_kantor` requests
the runs, the queue starts them, the launcher gives each its own process), waits until every
office-semester found pending has finished and the rollup that follows them has published,
stops the daemon and prints one line per office and one for the province/national tables.
"""

from __future__ import annotations

import argparse
import fcntl
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import IO

import dagster as dg
import yaml

from pipelines import runs
from pipelines.config import PROJECT_ROOT, paths_from_env
from pipelines.defs.otomasi.rilis import TAG_DKB, TAG_SHARED
from pipelines.provinsi.gabungan import gabungan_kantor, gabungan_terbit
from pipelines.provinsi.kantor import Instalasi, KantorDitolak
from pipelines.provinsi.otomasi import BELUM_SELESAI, kantor_lakip_job, requests_for
from pipelines.provinsi.partisi import TAG_KANTOR, TAG_SEMESTER

INSTANCE_CONFIG = PROJECT_ROOT / "pipelines" / "dagster_provinsi.yaml"
WORKSPACE = PROJECT_ROOT / "workspace_provinsi.yaml"
DAEMON = Path(sys.executable).parent / "dagster-daemon"
KUNCI = ".kunci_provinsi"  # in $DAGSTER_HOME: one command drives the province at a time
FINISHED = {
    dg.DagsterRunStatus.SUCCESS,
    dg.DagsterRunStatus.FAILURE,
    dg.DagsterRunStatus.CANCELED,
}


def write_instance_config(home: Path, pekerja: int) -> Path:
    """$DAGSTER_HOME/dagster.yaml: the province settings with `pekerja` runs at once."""
    if pekerja < 1:
        raise ValueError(f"PEKERJA={pekerja} tidak sah: isi bilangan bulat 1 atau lebih.")
    config = yaml.safe_load(INSTANCE_CONFIG.read_text(encoding="utf-8"))
    config["run_coordinator"]["config"]["max_concurrent_runs"] = pekerja
    home.mkdir(parents=True, exist_ok=True)
    target = home / "dagster.yaml"
    target.write_text(
        f"# Written by `python -m pipelines.provinsi.cli` from {INSTANCE_CONFIG.name}; "
        "edit that file, not this one.\n" + yaml.safe_dump(config, sort_keys=False),
        encoding="utf-8",
    )
    return target


@contextmanager
def daemon(home: Path, log: Path, kunci: IO[str] | None = None) -> Iterator[subprocess.Popen]:
    """`dagster-daemon run` on the province workspace, in its own process group (its code
    server and the runs it launches are in it): the whole group is stopped on the way out,
    also when the caller fails. `kunci`, the province lock, is inherited by the daemon: if this
    command is killed (SIGKILL leaves the daemon's own session running) the lock stays held
    until that daemon ends, and the holder it names says which process to stop."""
    with log.open("ab") as out:
        process = subprocess.Popen(
            [str(DAEMON), "run", "-w", str(WORKSPACE)],
            cwd=PROJECT_ROOT,
            env={**os.environ, "DAGSTER_HOME": str(home)},
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
            pass_fds=(kunci.fileno(),) if kunci is not None else (),
        )
    if kunci is not None:
        kunci.write(f", dagster-daemon pid {process.pid}")
        kunci.flush()
    try:
        yield process
    finally:
        stop_group(process)


def stop_group(process: subprocess.Popen, grace: float = 30) -> None:
    """SIGTERM to the process group the daemon leads, SIGKILL to what is left after `grace`."""
    try:
        os.killpg(process.pid, signal.SIGTERM)
    except ProcessLookupError:
        return
    try:
        process.wait(grace)
    except subprocess.TimeoutExpired:
        pass
    try:
        os.killpg(process.pid, signal.SIGKILL)  # the code server and runs, if still there
    except ProcessLookupError:
        pass
    process.wait()
    deadline = time.monotonic() + grace
    while live_members(process.pid) and time.monotonic() < deadline:
        time.sleep(0.2)  # a killed process is gone only once the kernel has finished it


def live_members(group: int) -> list[int]:
    """Processes of a process group that are still running (not zombies awaiting their
    parent), from /proc."""
    members = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:  # ended while being read
            continue
        if int(fields[2]) == group and fields[0] != "Z":
            members.append(int(stat.parent.name))
    return members


def _matching_run(instance: dg.DagsterInstance, request: dg.RunRequest) -> dg.DagsterRun | None:
    keys = request.partition_key.keys_by_dimension
    tags = {
        TAG_KANTOR: keys["kantor"],
        TAG_SEMESTER: keys["semester"],
        TAG_DKB: request.tags[TAG_DKB],
        TAG_SHARED: request.tags[TAG_SHARED],
    }
    found = instance.get_runs(
        dg.RunsFilter(job_name=request.job_name, tags=tags), limit=1
    )  # newest first
    return found[0] if found else None


def wait_for(
    instance: dg.DagsterInstance,
    requests: list[dg.RunRequest],
    timeout: float,
    process: subprocess.Popen | None = None,
) -> bool:
    """True once a run of every request has finished; False after `timeout` seconds or when
    the daemon died."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        finished = [_matching_run(instance, r) for r in requests]
        if all(run is not None and run.status in FINISHED for run in finished):
            return True
        if process is not None and process.poll() is not None:
            return False
        time.sleep(2)
    return False


def wait_for_rollup(
    instance: dg.DagsterInstance,
    since: float,
    timeout: float,
    process: subprocess.Popen | None = None,
) -> dg.DagsterRun | None:
    """The rollup run (`gabungan_terbit`) created after `since` (a timestamp) once it has
    finished and no other rollup is pending; None after `timeout` or when the daemon died."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        records = instance.get_run_records(
            dg.RunsFilter(
                job_name=gabungan_terbit.name, created_after=datetime.fromtimestamp(since, tz=UTC)
            )
        )
        pending = [r for r in records if r.dagster_run.status in BELUM_SELESAI]
        if records and not pending:
            return records[0].dagster_run  # newest first
        if process is not None and process.poll() is not None:
            return None
        time.sleep(2)
    return None


def rollup_line(instance: dg.DagsterInstance, run: dg.DagsterRun | None, published: Path) -> str:
    """One line for the province/national tables: published or why not."""
    if run is None:
        return "  gabungan provinsi/nasional: BELUM DITERBITKAN (tidak ada run gabungan_terbit)"
    if run.status == dg.DagsterRunStatus.SUCCESS:
        return f"  gabungan provinsi/nasional: DITERBITKAN {published}  run {run.run_id[:8]}"
    first = failure_text(instance, run.run_id).split("\n", 1)[0]
    return f"  gabungan provinsi/nasional: GAGAL {first}  run {run.run_id[:8]}"


def failure_text(instance: dg.DagsterInstance, run_id: str) -> str:
    """The failed run's first error, as the office's command line shows it."""
    for entry in instance.all_logs(run_id, of_type=dg.DagsterEventType.STEP_FAILURE):
        return runs.root_error(entry.dagster_event)
    for entry in instance.all_logs(run_id, of_type=dg.DagsterEventType.RUN_FAILURE):
        return entry.dagster_event.message or ""
    return ""


def status_lines(instance: dg.DagsterInstance, instalasi: Instalasi) -> tuple[list[str], bool]:
    """One line per office × semester: the newest run's outcome, time and first error."""
    found = instalasi.temukan()
    latest: dict[tuple[str, str], dg.DagsterRun] = {}
    for run in instance.get_runs(dg.RunsFilter(job_name=kantor_lakip_job.name)):
        key = (run.tags.get(TAG_KANTOR), run.tags.get(TAG_SEMESTER))
        latest.setdefault(key, run)
    lines, ok = [], True
    for kode, office in found.kantor.items():
        semesters = sorted(s for k, s in latest if k == kode)
        if not semesters:
            lines.append(f"  {kode:6} {office.nama:32} -        BELUM ADA RUN")
            ok = False
        for semester in semesters:
            run = latest[kode, semester]
            record = instance.get_run_record_by_id(run.run_id)
            seconds = (
                f"{record.end_time - record.start_time:6.1f} dtk"
                if record and record.start_time and record.end_time
                else "         "
            )
            status = {"SUCCESS": "BERHASIL", "FAILURE": "GAGAL"}.get(
                run.status.value, run.status.value
            )
            line = f"  {kode:6} {office.nama:32} {semester:8} {status:8} {seconds}"
            if run.status != dg.DagsterRunStatus.SUCCESS:
                ok = False
                first = failure_text(instance, run.run_id).split("\n", 1)[0]
                line += f"  {first}" if first else ""
            lines.append(line + f"  run {run.run_id[:8]}")
    for folder, why in found.ditolak.items():
        lines.append(f"  {folder:6} DITOLAK: {why}")
        ok = False
    return lines, ok


@contextmanager
def satu_perintah(home: Path) -> Iterator[IO[str] | None]:
    """The province lock on `home` while this command alone runs the province; None when
    another holds it. Two commands on one instance would run two daemons: each dequeues runs
    (the worker limit no longer holds) and each stops its process group on the way out, killing
    the runs the other's daemon launched. `make ui-provinsi` holds the same lock (Makefile),
    and so does the daemon this command starts (daemon()), also if the command is killed."""
    home.mkdir(parents=True, exist_ok=True)
    with (home / KUNCI).open("a+") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            yield None
            return
        handle.seek(0)
        handle.truncate()
        handle.write(f"make provinsi pid {os.getpid()}")
        handle.flush()
        yield handle


def jalankan(home: Path, instalasi: Instalasi, pekerja: int, timeout: float) -> int:
    with satu_perintah(home) as kunci:
        if kunci is None:
            holder = (home / KUNCI).read_text(encoding="utf-8").strip() or "make ui-provinsi"
            print(
                f"Provinsi sudah dijalankan perintah lain pada riwayat {home} ({holder}). Tunggu "
                "sampai selesai, atau hentikan yang itu; tidak ada yang dijalankan.",
                file=sys.stderr,
            )
            return 1
        return _jalankan(home, instalasi, pekerja, timeout, kunci)


def _jalankan(
    home: Path, instalasi: Instalasi, pekerja: int, timeout: float, kunci: IO[str] | None = None
) -> int:
    write_instance_config(home, pekerja)
    with dg.DagsterInstance.from_config(str(home)) as instance:
        try:
            plan = requests_for(instance, instalasi, settle_seconds=0)
        except KantorDitolak as refusal:
            print(refusal, file=sys.stderr)
            return 1
        requests = plan.requests
        for warning in plan.peringatan:
            print(f"  ! {warning}")
        if not plan.kantor:
            # nothing to run is no success: the offices are probably somewhere else
            print(
                f"Tidak ada folder kantor di {instalasi.paths.raw_dir}: setiap kantor adalah "
                "folder bernama kode kab/kota bertitik (mis. 53.10) berisi "
                "referensi/daerah.csv dan dkb/<semester>/ (docs/provinsi.md).",
                file=sys.stderr,
            )
            return 1
        print(
            f"== Provinsi: {len(requests)} kantor × semester menunggu, {pekerja} pekerja "
            f"(riwayat: {home})",
            flush=True,
        )
        done, rollup = True, None
        # the single-office layout has no combined-route runs, so no rollup follows: waiting
        # for one would hold the command until its time limit
        combined = any(r.job_name == gabungan_kantor.name for r in requests)
        if requests:
            started, since = time.monotonic(), time.time()
            with daemon(home, home / "daemon.log", kunci) as process:
                done = wait_for(instance, requests, timeout, process)
                if done and combined:  # the rollup follows the last office's combined run
                    rollup = wait_for_rollup(instance, since, timeout, process)
                    done = rollup is not None
            if done:
                print(f"== Selesai dalam {time.monotonic() - started:.1f} dtk")
            else:
                print(
                    f"== Belum selesai setelah {timeout:.0f} dtk atau daemon berhenti; lihat "
                    f"{home / 'daemon.log'}. Run yang belum mulai tetap di antrean.",
                    file=sys.stderr,
                )
        lines, ok = status_lines(instance, instalasi)
        if combined:
            published = Path(instalasi.warehouse_dir) / "gabungan" / "dukcapil.duckdb"
            lines.append(rollup_line(instance, rollup, published))
            ok = ok and rollup is not None and rollup.status == dg.DagsterRunStatus.SUCCESS
        print("\n".join(lines))
    return 0 if done and ok else 1


def _pekerja(text: str) -> int:
    """PEKERJA as `make provinsi PEKERJA=…` passes it, refused in the officer's words."""
    try:
        value = int(text)
    except ValueError:
        value = 0
    if value < 1:
        raise argparse.ArgumentTypeError(
            f"PEKERJA={text!r} tidak sah: isi bilangan bulat 1 atau lebih (mis. PEKERJA=2)."
        )
    return value


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m pipelines.provinsi.cli", description=__doc__.split("\n")[0]
    )
    sub = parser.add_subparsers(dest="command", required=True)
    for name, text in (
        ("jalankan", "jalankan semua kantor × semester yang menunggu lewat antrean run"),
        ("siapkan", "tulis pengaturan instance provinsi saja ($DAGSTER_HOME/dagster.yaml)"),
    ):
        command = sub.add_parser(name, help=text)
        command.add_argument("--pekerja", type=_pekerja, default=2, help="run sekaligus (bawaan 2)")
    sub.choices["jalankan"].add_argument(
        "--batas-waktu", type=float, default=6 * 3600, help="detik menunggu paling lama"
    )
    args = parser.parse_args(argv)
    home = Path(os.environ.get("DAGSTER_HOME", PROJECT_ROOT / ".dagster_provinsi")).resolve()
    try:
        if args.command == "siapkan":
            print(write_instance_config(home, args.pekerja))
            return 0
        paths = paths_from_env()
        instalasi = Instalasi(raw_dir=str(paths.raw_dir), warehouse_dir=str(paths.warehouse_dir))
        return jalankan(home, instalasi, args.pekerja, args.batas_waktu)
    except ValueError as error:
        print(error, file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
