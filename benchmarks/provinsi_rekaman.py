"""Benchmark (a) of issue 12: a province's offices, record-level, sequential against parallel.

N synthetic offices, the first N kab/kota of NTT (53.*), each a record-level extract
(pipelines/synthetic/kantor.py, jalur="rekaman") with residents in proportion to its desa count,
`--penduduk` together (NTT: 22 kab/kota, about 5.5 million). For each worker count: a fresh
province instance and warehouse, `dagster-daemon` with the run queue at that many runs at once
(pipelines/dagster_provinsi.yaml), every office's semester requested by the sensor, timed until
the last run ends. Prints wall time, speed-up and speed-up per worker against the first worker
count, the peak RSS of each run's process (each run is one worker's process) and the CPU seconds
of all runs (on a shared machine the wall times move with the other work, the CPU much less).

    python -m benchmarks.provinsi_rekaman --kantor 22 --penduduk 5500000 --pekerja 1 2
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import dagster as dg

from pipelines.config import PROJECT_ROOT
from pipelines.domain import wilayah as nasional
from pipelines.provinsi.cli import daemon, wait_for, write_instance_config
from pipelines.provinsi.kantor import Instalasi
from pipelines.provinsi.otomasi import kantor_lakip_job, requests_for

SEMESTER = "2023-S2"
PROVINSI = "53"  # NTT: 22 kab/kota
# Only for the synthetic residents of the benchmark; an office sets its own secret key.
KUNCI_BENCH = "kunci-benchmark-provinsi-bukan-rahasia"


def offices(n: int, penduduk: int) -> dict[str, int]:
    """The first n kab/kota of the province, with residents in proportion to their desa."""
    kabkota = [
        r.kode for r in nasional.national_list() if r.kode_induk == PROVINSI and r.kode_daerah
    ][:n]
    if len(kabkota) < n:
        raise SystemExit(f"Provinsi {PROVINSI} hanya punya {len(kabkota)} kab/kota.")
    desa = {
        k: sum(1 for r in nasional.regions_of(k) if r.tingkat in ("desa", "kelurahan"))
        for k in kabkota
    }
    total = sum(desa.values())
    return {k: max(1000, penduduk * d // total) for k, d in desa.items()}


# The generator's KK indicator needs the family-card measures, which a record-level extract
# does not carry (sql/rekaman/ counts residents): its blocking check `rumus_lengkap` would stop
# every office. Left out here until pipelines/synthetic/kantor.py leaves it out for jalur
# "rekaman" itself.
TANPA_KK = "kk_tercetak"


def without_indicator(akar: Path, kode_indikator: str) -> None:
    """Remove one indicator's rows from an office's indicator and published-figure files."""
    for path in [*(akar / "indikator").glob("*.csv"), *(akar / "terbitan").glob("*.csv")]:
        with path.open(newline="", encoding="utf-8") as f:
            rows = list(csv.reader(f))
        kept = [r for r in rows if kode_indikator not in r]
        if len(kept) < len(rows):
            with path.open("w", newline="", encoding="utf-8") as f:
                csv.writer(f).writerows(kept)


def make_raw(raw: Path, sizes: dict[str, int]) -> None:
    """raw/<kode>/ of every office, generated once (in this child process) and kept."""
    from pipelines.synthetic.kantor import buat_kantor

    for kode, penduduk in sizes.items():
        if not (raw / kode / "selesai").exists():
            shutil.rmtree(raw / kode, ignore_errors=True)
            buat_kantor(raw / kode, kode, SEMESTER, jalur="rekaman", penduduk=penduduk)
            without_indicator(raw / kode, TANPA_KK)
            (raw / kode / "selesai").touch()
    past = time.time() - 3600  # as if copied an hour ago: the sensor waits for fresh files
    for path in raw.rglob("*"):
        os.utime(path, (past, past))


def measure(raw: Path, workdir: Path, pekerja: int, timeout: float) -> dict:
    """Every office's semester through the queue with `pekerja` runs at once, from empty."""
    home, warehouse = workdir / f"dagster_{pekerja}", workdir / f"warehouse_{pekerja}"
    shutil.rmtree(home, ignore_errors=True)
    shutil.rmtree(warehouse, ignore_errors=True)
    os.environ.update(
        DUKCAPIL_RAW_DIR=str(raw), DUKCAPIL_WAREHOUSE_DIR=str(warehouse), DUKCAPIL_PDF="tidak"
    )
    os.environ.setdefault("DUKCAPIL_PSEUDONYM_KEY", KUNCI_BENCH)
    write_instance_config(home, pekerja)
    instalasi = Instalasi(raw_dir=str(raw), warehouse_dir=str(warehouse))
    with dg.DagsterInstance.from_config(str(home)) as instance:
        requests = requests_for(instance, instalasi, settle_seconds=0).requests
        start = time.perf_counter()
        with daemon(home, workdir / f"daemon_{pekerja}.log") as process:
            done = wait_for(instance, requests, timeout, process)
        wall = time.perf_counter() - start
        if not done:
            raise SystemExit(f"{pekerja} pekerja: belum selesai; lihat {workdir}/daemon_*.log")
        records = instance.get_run_records(dg.RunsFilter(job_name=kantor_lakip_job.name))
        failed = [r.dagster_run.tags for r in records if not r.dagster_run.is_success]
        if failed:
            raise SystemExit(f"{pekerja} pekerja: run gagal: {failed}")
        metadata = [
            e.asset_materialization.metadata
            for e in instance.fetch_materializations(
                dg.AssetKey(["kantor", "lakip"]), limit=len(records)
            ).records
        ]
    return {
        "pekerja": pekerja,
        "kantor": len(records),
        "detik": wall,
        # from the first run's start to the last run's end: without the daemon's own start
        "detik_run": max(r.end_time for r in records) - min(r.start_time for r in records),
        "rss_puncak_mib": max(m["rss_puncak_mib"].value for m in metadata),
        # CPU of every run's process: the work itself, whatever else the machine ran meanwhile
        "cpu_detik": sum(m["cpu_detik"].value for m in metadata),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--kantor", type=int, default=22)
    parser.add_argument("--penduduk", type=int, default=5_500_000, help="residents together")
    parser.add_argument("--pekerja", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--dir", type=Path, default=Path("/tmp/dukcapil-bench-provinsi"))
    parser.add_argument("--batas-waktu", type=float, default=6 * 3600)
    parser.add_argument("--buat", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)

    sizes = offices(args.kantor, args.penduduk)
    raw = args.dir / f"raw_{args.kantor}_{args.penduduk}"
    if args.buat:  # inside the child that generates the inputs
        make_raw(raw, sizes)
        return 0
    start = time.perf_counter()
    # In a child process, so that the residents it generated do not count in this one's RSS.
    subprocess.run(
        [sys.executable, "-m", "benchmarks.provinsi_rekaman", "--buat", "--dir", str(args.dir)]
        + ["--kantor", str(args.kantor), "--penduduk", str(args.penduduk)],
        check=True,
        cwd=PROJECT_ROOT,
    )
    print(
        f"{len(sizes)} kantor, {sum(sizes.values()):,} penduduk (rekaman), masukan siap dalam "
        f"{time.perf_counter() - start:.1f} s: {raw}"
    )
    table = [measure(raw, args.dir, n, args.batas_waktu) for n in args.pekerja]
    base = table[0]  # the first worker count asked for (1: sequential)
    print("\n| pekerja | kantor | detik (run saja) | percepatan | percepatan per pekerja "
          "| RSS puncak per pekerja MiB | CPU detik semua run |")  # fmt: skip
    print("|---|---|---|---|---|---|---|")
    for r in table:
        r["percepatan"] = base["detik"] / r["detik"]
        r["percepatan_per_pekerja"] = r["percepatan"] / (r["pekerja"] / base["pekerja"])
        print(
            f"| {r['pekerja']} | {r['kantor']} | {r['detik']:.1f} ({r['detik_run']:.1f}) "
            f"| {r['percepatan']:.2f}× | {r['percepatan_per_pekerja']:.2f} "
            f"| {r['rss_puncak_mib']:.0f} | {r['cpu_detik']:.0f} |"
        )
    print(json.dumps(table))
    return 0


if __name__ == "__main__":
    sys.exit(main())
