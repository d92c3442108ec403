"""Benchmark (b) of issue 12: a national refresh of the DKB aggregate path, many offices
through the combined route (pipelines/provinsi/gabungan.py), with 1..N worker processes.

Generation is not timed: every kab/kota of the national list gets a synthetic office of SIAK
agregat workbooks (pipelines/synthetic/kantor.py: its real kecamatan and desa, so offices are
as unequal in size as real ones, 3,400 residents a desa), once, cached under --akar. A size of
N offices takes N kab/kota spread evenly over the sorted national list.

One refresh = the route's runs as a backfill makes them (BackfillPolicy.multi_run: batches of
KANTOR_PER_RUN offices), each run executed by a NEW worker process, as Dagster's
DefaultRunLauncher starts one per run (imports included), at most --pekerja at a time (the run
queue's max_concurrent_runs); then the rollup, checks and atomic publication in one run. Prints
wall seconds, seconds per office, speed-up over one worker (same size), CPU seconds of all
processes, seconds of the rollup run (checks and publication included), and the peak RSS of
a worker (the largest over its runs) and of the rollup.

    python -m benchmarks.provinsi_agregat --kantor 64 128 256 514 --pekerja 1 2
"""

from __future__ import annotations

import argparse
import math
import multiprocessing
import os
import resource
import shutil
import sys
import time
from pathlib import Path

SEMESTER = "2023-S2"
# the runs' own log at warnings only: the figures are what this prints
SENYAP = {"loggers": {"console": {"config": {"log_level": "WARNING"}}}}
AKAR = Path("/tmp/dukcapil-bench/provinsi")


def semua_kode() -> list[str]:
    from pipelines.domain import wilayah as nasional

    return sorted(r.kode for r in nasional.national_list() if r.tingkat in ("kabupaten", "kota"))


def pilih(codes: list[str], n: int) -> list[str]:
    """n codes spread evenly over the sorted list (every province, small and large offices)."""
    if n >= len(codes):
        return codes
    step = len(codes) / n
    return [codes[math.floor(i * step)] for i in range(n)]


def siapkan(akar: Path, codes: list[str]) -> float:
    """The offices' raw trees under akar/raw/<kode>/ (made once); returns seconds spent."""
    from pipelines.synthetic.kantor import buat_kantor

    start = time.perf_counter()
    for kode in codes:
        if not (akar / "raw" / kode / "dkb" / SEMESTER).is_dir():
            buat_kantor(akar / "raw" / kode, kode, SEMESTER)
    return time.perf_counter() - start


def _run_kantor(job: tuple[str, str, list[str]]) -> dict:
    """One run of the route's office step over a batch of offices, in this (new) process."""
    raw_dir, warehouse_dir, codes = job
    import warnings

    warnings.simplefilter("ignore")
    import dagster as dg

    from pipelines.config import Pengaturan
    from pipelines.provinsi import gabungan as G

    instance = dg.DagsterInstance.ephemeral()
    instance.add_dynamic_partitions("kantor", codes)
    instance.add_dynamic_partitions("semester_kantor", [SEMESTER])
    defs = dg.Definitions(
        assets=G.ASSETS,
        jobs=G.JOBS,
        resources={
            "gabungan": G.GudangGabungan(raw_dir=raw_dir, warehouse_dir=warehouse_dir),
            "pengaturan": Pengaturan(),
        },
    )
    keys = G.PARTISI.get_partition_keys(dynamic_partitions_store=instance)
    result = defs.get_job_def("gabungan_kantor").execute_in_process(
        run_config=SENYAP,
        instance=instance,
        tags={
            "dagster/asset_partition_range_start": keys[0],
            "dagster/asset_partition_range_end": keys[-1],
        },
    )
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return {
        "sukses": result.success,
        "kantor": len(codes),
        "rss_mib": usage.ru_maxrss / 1024,
        "cpu": usage.ru_utime + usage.ru_stime,
    }


def _run_terbit(raw_dir: str, warehouse_dir: str) -> dict:
    import warnings

    warnings.simplefilter("ignore")
    import dagster as dg

    from pipelines.config import Pengaturan
    from pipelines.provinsi import gabungan as G

    defs = dg.Definitions(
        assets=G.ASSETS,
        asset_checks=G.CHECKS,
        jobs=G.JOBS,
        resources={
            "gabungan": G.GudangGabungan(raw_dir=raw_dir, warehouse_dir=warehouse_dir),
            "pengaturan": Pengaturan(),
        },
    )
    result = defs.get_job_def("gabungan_terbit").execute_in_process(
        run_config=SENYAP, raise_on_error=False
    )
    usage = resource.getrusage(resource.RUSAGE_SELF)
    checks = result.get_asset_check_evaluations()
    return {
        "sukses": result.success and all(c.passed for c in checks),
        "rss_mib": usage.ru_maxrss / 1024,
        "cpu": usage.ru_utime + usage.ru_stime,
    }


def segarkan(akar: Path, codes: list[str], pekerja: int) -> dict:
    """One national refresh of `codes` with `pekerja` worker processes, in a new warehouse."""
    from pipelines.provinsi.gabungan import KANTOR_PER_RUN

    warehouse = akar / f"warehouse-{len(codes)}-{pekerja}"
    shutil.rmtree(warehouse, ignore_errors=True)
    raw = str(akar / "raw")
    batches = [codes[i : i + KANTOR_PER_RUN] for i in range(0, len(codes), KANTOR_PER_RUN)]
    spawn = multiprocessing.get_context("spawn")
    start = time.perf_counter()
    # one new process per run, at most `pekerja` at once: the run queue and its launcher
    pool = spawn.Pool(pekerja, maxtasksperchild=1)
    runs = pool.map(_run_kantor, [(raw, str(warehouse), b) for b in batches], chunksize=1)
    pool.close()
    pool.join()  # the workers end by themselves (Pool's exit would kill them mid-cleanup)
    kantor_detik = time.perf_counter() - start
    pool = spawn.Pool(1, maxtasksperchild=1)
    terbit = pool.apply(_run_terbit, (raw, str(warehouse)))
    pool.close()
    pool.join()
    wall = time.perf_counter() - start
    return {
        "kantor": len(codes),
        "pekerja": pekerja,
        "run": len(batches),
        "detik": wall,
        "detik_kantor": kantor_detik,
        "detik_per_kantor": wall / len(codes),
        "cpu": sum(r["cpu"] for r in runs) + terbit["cpu"],
        "rss_pekerja_mib": max(r["rss_mib"] for r in runs),
        "rss_terbit_mib": terbit["rss_mib"],
        "sukses": all(r["sukses"] for r in runs) and terbit["sukses"],
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--kantor", type=int, nargs="+", default=[64, 128, 256, 514])
    parser.add_argument("--pekerja", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--akar", type=Path, default=AKAR, help="cache of the offices' raw/")
    args = parser.parse_args(argv)

    codes = semua_kode()
    wanted = sorted({k for n in args.kantor for k in pilih(codes, n)})
    made = siapkan(args.akar, wanted)
    print(f"{len(wanted)} kantor sintetis di {args.akar / 'raw'} ({made:.0f} s, tidak diukur)")
    print(f"{os.cpu_count()} core; load average {os.getloadavg()[0]:.2f} saat mulai")
    header = (
        f"{'kantor':>6} {'pekerja':>7} {'run':>4} {'detik':>8} {'dtk/kantor':>10} "
        f"{'percepatan':>10} {'cpu dtk':>8} {'gulung dtk':>10} {'RSS pekerja':>12} "
        f"{'RSS terbit':>11}"
    )
    print(header)
    ok = True
    for n in args.kantor:
        one = None
        for pekerja in args.pekerja:
            r = segarkan(args.akar, pilih(codes, n), pekerja)
            one = r["detik"] if pekerja == 1 else one
            speedup = f"{one / r['detik']:.2f}×" if one else "-"
            print(
                f"{r['kantor']:>6} {pekerja:>7} {r['run']:>4} {r['detik']:>8.1f} "
                f"{r['detik_per_kantor']:>10.3f} {speedup:>10} {r['cpu']:>8.1f} "
                f"{r['detik'] - r['detik_kantor']:>10.1f} "
                f"{r['rss_pekerja_mib']:>8.0f} MiB {r['rss_terbit_mib']:>7.0f} MiB"
                + ("" if r["sukses"] else "  GAGAL"),
                flush=True,
            )
            ok = ok and r["sukses"]
    print(f"load average {os.getloadavg()[0]:.2f} saat selesai")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
