"""Benchmark of the record-level DKB path against a bare DuckDB query, in the same run.

For each row count: generate (once, cached) a synthetic extract, then, each in its own process,
(a) the record-level ingestion end to end (read, every validation rule, quarantine,
pseudonymise, persist to the restricted store, aggregate per kelurahan) and (b) a bare DuckDB
query that only reads the same file and computes the same per-kelurahan counts. Prints both
times (median of --ulang runs), their ratio, rows/s, each process's peak RSS and CPU seconds
(user + system of the whole process: on a machine shared with other work the CPU ratio moves
less than the wall-clock one).

    python -m benchmarks.rekaman --baris 450000 5500000 20000000 [--format parquet]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

from pipelines.config import PROJECT_ROOT

SEMESTER = "2023-S2"
RAW = PROJECT_ROOT / "raw"

# The same counts as sql/rekaman/agregat_kelurahan.sql, straight from the file: no validation,
# no pseudonyms, nothing persisted. This is the floor the pipeline is compared with.
BARE_SQL = """
WITH p AS (
    SELECT
        lpad(NO_PROP::VARCHAR, 2, '0') || '.' || lpad(NO_KAB::VARCHAR, 2, '0') || '.'
            || lpad(NO_KEC::VARCHAR, 2, '0') || '.' || lpad(NO_KEL::VARCHAR, 4, '0') AS kode,
        date_sub('year', TGL_LHR::DATE, DATE '2023-12-31') AS umur,
        STAT_KWN::VARCHAR AS kawin,
        STATUS_KTP::VARCHAR NOT IN ('1', '8') AS rekam,
        TGL_CETAK_KTP IS NOT NULL AS cetak,
        TGL_CETAK_KIA IS NOT NULL AS kia,
        NO_AKTA_LHR IS NOT NULL AS akta,
        NO_AKTA_KWN IS NOT NULL AS akta_kawin
    FROM {reader}
)
SELECT
    kode,
    count(*) AS penduduk,
    count(*) FILTER (umur >= 17 AND kawin <> '1') AS penduduk_17_kawin,
    count(*) FILTER (umur >= 17 OR kawin <> '1') AS wajib_ktp_el,
    count(*) FILTER ((umur >= 17 OR kawin <> '1') AND rekam) AS ktp_el_sudah_rekam,
    count(*) FILTER ((umur >= 17 OR kawin <> '1') AND NOT rekam) AS ktp_el_belum_rekam,
    count(*) FILTER ((umur >= 17 OR kawin <> '1') AND cetak) AS ktp_el_cetak,
    count(*) FILTER (umur < 17 AND kawin = '1') AS wajib_kia,
    count(*) FILTER (umur < 17 AND kawin = '1' AND kia) AS kia_memiliki,
    count(*) FILTER (umur < 17 AND kawin = '1' AND NOT kia) AS kia_belum_memiliki,
    count(*) FILTER (umur < 18) AS anak_0_17,
    count(*) FILTER (umur < 18 AND akta) AS anak_akta_kelahiran_memiliki,
    count(*) FILTER (umur < 18 AND NOT akta) AS anak_akta_kelahiran_belum,
    count(*) FILTER (akta) AS penduduk_akta_kelahiran_memiliki,
    count(*) FILTER (NOT akta) AS penduduk_akta_kelahiran_belum,
    count(*) FILTER (kawin = '2') AS perkawinan_dilaporkan,
    count(*) FILTER (kawin = '2' AND akta_kawin) AS akta_perkawinan_terbit
FROM p
GROUP BY kode
"""


def _reader(path: Path) -> str:
    return f"read_parquet('{path}')" if path.suffix == ".parquet" else f"read_csv('{path}')"


def run_bare(path: Path) -> dict:
    import duckdb

    start = time.perf_counter()
    result = duckdb.connect().execute(BARE_SQL.format(reader=_reader(path)))
    rows = result.fetchall()
    detik = time.perf_counter() - start
    ukuran = [d[0] for d in result.description][1:]
    return {
        "detik": detik,
        "penduduk": sum(r[1] for r in rows),
        "hitungan": [[r[0], u, v] for r in rows for u, v in zip(ukuran, r[1:], strict=True)],
    }


def run_pipeline(path: Path, store: Path) -> dict:
    import duckdb

    from pipelines.config import duckdb_memory_limit
    from pipelines.defs.masukan.wilayah import national_frame
    from pipelines.defs.rekaman.ekstrak import ingest_extract, load_konteks, load_severity
    from pipelines.gudang.db import load_sql

    # The warehouse's reference tables, as earlier assets leave them (the national region list
    # is parsed and cut once, not per extract): made before the clock starts, timed apart.
    before = time.perf_counter()
    reference = duckdb.connect()
    reference.execute("CREATE SCHEMA raw")
    reference.execute(
        "CREATE TABLE raw.daerah AS FROM read_csv(?, all_varchar=true)",
        [str(RAW / "referensi/daerah.csv")],
    )
    # the office's regions as the ingestion makes them: cut from the national list by its code
    reference.register("nasional", national_frame())
    reference.execute("CREATE TABLE raw.wilayah_kemendagri AS FROM nasional")
    reference.execute(f"CREATE TABLE raw.wilayah AS {load_sql('masukan/wilayah')}")
    start = time.perf_counter()
    hasil = ingest_extract(
        path,
        semester=SEMESTER,
        berkas=path.name,
        konteks=load_konteks(reference, RAW, SEMESTER),
        severity=load_severity(RAW),
        key=b"kunci-benchmark-bukan-rahasia",
        store=store,
        threshold=0.01,
        memory_limit=duckdb_memory_limit(),
    )
    return {
        "detik": time.perf_counter() - start,
        "referensi_detik": start - before,
        "penduduk": int(hasil.agregat.query("ukuran == 'penduduk'").nilai.sum()),
        "dikarantina": hasil.dikarantina,
        "langkah": {k: round(v, 2) for k, v in hasil.detik.items()},
        "hitungan": hasil.agregat[["kode_wilayah", "ukuran", "nilai"]].values.tolist(),
    }


def compare_counts(bare: dict, pipeline: dict) -> dict:
    """The two sides' counts per kelurahan and measure: the cells that differ (none when no row
    was quarantined; otherwise the pipeline counts fewer residents, by design) and each
    measure's total on both sides."""
    a, b = ({(k, u): int(v) for k, u, v in side["hitungan"] if v} for side in (bare, pipeline))
    totals: dict[str, dict[str, int]] = {"bare": {}, "pipeline": {}}
    for side, counts in (("bare", a), ("pipeline", b)):
        for (_, ukuran), v in counts.items():
            totals[side][ukuran] = totals[side].get(ukuran, 0) + v
    differ = sum(a.get(c) != b.get(c) for c in a.keys() | b.keys())
    if not pipeline["dikarantina"] and differ:
        raise SystemExit(f"hitungan bare dan pipeline berbeda di {differ} sel")
    return {"sel_dibandingkan": len(a.keys() | b.keys()), "sel_berbeda": differ, "total": totals}


def warm_up() -> dict:
    """Compile the pseudonym loop once, as the first ingestion of an installation does (numba
    caches it under pipelines/domain/__pycache__); later runs only load it (~0.3 s, measured)."""
    import numpy as np

    from pipelines.domain import pseudonim

    start = time.perf_counter()
    pseudonim.pseudonyms(np.arange(3, dtype=np.int64), b"kunci-pemanasan-saja")
    return {"detik": time.perf_counter() - start, "native": pseudonim.native()}


def measure(args: list[str]) -> dict:
    """Run one measurement in a fresh process; add its wall time and peak RSS."""
    start = time.perf_counter()
    proc = subprocess.Popen(
        [sys.executable, "-m", "benchmarks.rekaman", "--satu", *args],
        stdout=subprocess.PIPE,
        cwd=PROJECT_ROOT,
    )
    out = proc.stdout.read()
    _, status, usage = os.wait4(proc.pid, 0)
    if status != 0:
        raise SystemExit(f"pengukuran {args} gagal (status {status})")
    result = json.loads(out)
    result["proses_detik"] = time.perf_counter() - start
    result["rss_mib"] = usage.ru_maxrss / 1024  # Linux: KiB
    result["cpu_s"] = usage.ru_utime + usage.ru_stime  # every thread of the process
    return result


def extract_for(rows: int, fmt: str, workdir: Path) -> Path:
    """The cached synthetic extract; generated in its own process, so that this parent stays
    small (Linux carries a parent's peak RSS into the ru_maxrss of the children it forks)."""
    path = workdir / f"penduduk_{rows}.{fmt}"
    if not path.exists():
        partial = path.with_suffix(".tmp" + path.suffix)
        start = time.perf_counter()
        subprocess.run(
            [sys.executable, "-m", "pipelines.synthetic.penduduk", "--baris", str(rows)]
            + ["--semester", SEMESTER, "--keluar", str(partial)],
            check=True,
            cwd=PROJECT_ROOT,
            stdout=subprocess.DEVNULL,
        )
        partial.rename(path)
        print(f"  ekstrak {path.name} dibuat dalam {time.perf_counter() - start:.1f} s")
    return path


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--baris", type=int, nargs="+", default=[450_000])
    parser.add_argument("--format", choices=("csv", "parquet"), default="csv")
    parser.add_argument("--ulang", type=int, default=3, help="runs per measurement (median)")
    parser.add_argument("--dir", type=Path, default=Path("/tmp/dukcapil-bench"))
    parser.add_argument("--satu", nargs="+", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)

    if args.satu:  # inside a measured child process
        kind, path, *rest = args.satu
        if kind == "pemanasan":
            print(json.dumps(warm_up()))
            return 0
        result = run_bare(Path(path)) if kind == "bare" else run_pipeline(Path(path), Path(rest[0]))
        print(json.dumps(result))
        return 0

    args.dir.mkdir(parents=True, exist_ok=True)
    warm = measure(["pemanasan", "-"])
    print(
        f"HMAC: {'numba' if warm['native'] else 'hashlib (lambat)'}; "
        f"kompilasi/muat cache {warm['detik']:.2f} s (sekali per instalasi, di luar pengukuran)"
    )
    table = []
    for rows in args.baris:
        path = extract_for(rows, args.format, args.dir)
        bare, pipe = [], []
        for i in range(args.ulang):
            store = args.dir / f"terbatas_{rows}_{i}"
            subprocess.run(["rm", "-rf", str(store)], check=True)
            bare.append(measure(["bare", str(path)]))
            pipe.append(measure(["pipeline", str(path), str(store)]))
            subprocess.run(["rm", "-rf", str(store)], check=True)
            assert bare[-1]["penduduk"] == pipe[-1]["penduduk"] + pipe[-1]["dikarantina"]
        compared = compare_counts(bare[-1], pipe[-1])
        med = lambda runs, key: statistics.median(r[key] for r in runs)  # noqa: E731
        row = {
            "baris": rows,
            "format": args.format,
            "bare_s": med(bare, "detik"),
            "bare_proses_s": med(bare, "proses_detik"),
            "bare_rss_mib": max(r["rss_mib"] for r in bare),
            "pipeline_s": med(pipe, "detik"),
            "pipeline_proses_s": med(pipe, "proses_detik"),
            "pipeline_rss_mib": max(r["rss_mib"] for r in pipe),
            "bare_cpu_s": med(bare, "cpu_s"),
            "pipeline_cpu_s": med(pipe, "cpu_s"),
        }
        row["rasio"] = row["pipeline_s"] / row["bare_s"]
        row["rasio_proses"] = row["pipeline_proses_s"] / row["bare_proses_s"]
        row["rasio_cpu"] = row["pipeline_cpu_s"] / row["bare_cpu_s"]
        row["baris_per_s"] = rows / row["pipeline_s"]
        row["langkah"] = pipe[len(pipe) // 2]["langkah"]
        row["referensi_s"] = med(pipe, "referensi_detik")
        row.update(compared)
        table.append(row)
        print(json.dumps(row))
    print(
        "\n| baris | format | bare DuckDB s (proses) | pipeline s (proses) | rasio (proses) "
        "| baris/s pipeline | RSS puncak bare / pipeline MiB "
        "| CPU s proses bare / pipeline (rasio) |"
    )
    print("|---|---|---|---|---|---|---|---|")
    for r in table:
        print(
            f"| {r['baris']:,} | {r['format']} | {r['bare_s']:.2f} ({r['bare_proses_s']:.2f}) "
            f"| {r['pipeline_s']:.2f} ({r['pipeline_proses_s']:.2f}) | {r['rasio']:.2f}× "
            f"({r['rasio_proses']:.2f}×) | {r['baris_per_s']:,.0f} "
            f"| {r['bare_rss_mib']:.0f} / {r['pipeline_rss_mib']:.0f} "
            f"| {r['bare_cpu_s']:.2f} / {r['pipeline_cpu_s']:.2f} ({r['rasio_cpu']:.2f}×) |"
        )
    for r in table:
        print(
            f"{r['baris']:,} baris: {r['sel_berbeda']} dari {r['sel_dibandingkan']} sel hitungan "
            "per kelurahan berbeda antara bare dan pipeline; tabel referensi gudang (dibuat "
            f"sebelum jam pipeline mulai) {r['referensi_s']:.2f} s"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
