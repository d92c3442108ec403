"""Benchmark of the pseudonym function (pipelines/domain/pseudonim.py) on NIK-like numbers.

In one process, after a warm-up (numba's cache loaded or compiled), each repetition times in
turn: the compiled loop over the project's own SHA-256 block function (`pseudonyms`, the
function the ingestion calls) and the hashlib reference (`hmac.new` per value, on a sample: it
is ~20× slower). Prints medians of wall and CPU seconds (CPU = all threads: steadier on a
shared machine), values/s, and the ratio; checks first that both agree value for value.
The comparison with the OpenSSL loop this replaced ran at commit a354662 (benchmarks/README.md).

    python -m benchmarks.pseudonim --nilai 5500000 --threads 2 --ulang 3
"""

from __future__ import annotations

import argparse
import hashlib
import hmac
import statistics
import sys
import time

import numpy as np

from pipelines.domain import pseudonim

KEY = b"kunci-benchmark-bukan-rahasia"


def nik_like(n: int, seed: int = 1) -> np.ndarray:
    """16-digit numbers shaped like NIK (province 11–94 first), as the ingestion passes them."""
    rng = np.random.default_rng(seed)
    return rng.integers(1_100_000_000_000_000, 9_500_000_000_000_000, n, dtype=np.int64)


def timed(fn) -> tuple[float, float, object]:
    wall, cpu = time.perf_counter(), time.process_time()
    result = fn()
    return time.perf_counter() - wall, time.process_time() - cpu, result


def reference(nomor: np.ndarray) -> list[bytes]:
    return [hmac.new(KEY, str(v).encode(), hashlib.sha256).digest()[:16] for v in nomor.tolist()]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--nilai", type=int, default=5_500_000, help="values hashed per path")
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--ulang", type=int, default=3, help="repetitions (median)")
    parser.add_argument("--sampel-hashlib", type=int, default=300_000)
    args = parser.parse_args(argv)

    nomor = nik_like(args.nilai)
    sample = nomor[: args.sampel_hashlib]

    start = time.perf_counter()
    pseudonim.prepare()
    print(f"numba: muat/kompilasi {time.perf_counter() - start:.2f} s; native={pseudonim.native()}")
    # both must agree before their speed means anything
    check = nomor[:5000]
    want = reference(check)
    got = [u.bytes for u in pseudonim.pseudonyms(check, KEY, threads=args.threads).to_pylist()]
    assert got == want, "numba berbeda dari hmac"

    runs: dict[str, list[tuple[float, float]]] = {"numba": [], "hashlib": []}
    for _ in range(args.ulang):
        wall, cpu, _ = timed(lambda: pseudonim.pseudonyms(nomor, KEY, threads=args.threads))
        runs["numba"].append((wall, cpu))
        wall, cpu, _ = timed(lambda: reference(sample))
        runs["hashlib"].append((wall * len(nomor) / len(sample), cpu * len(nomor) / len(sample)))

    med = {
        k: (statistics.median(w for w, _ in v), statistics.median(c for _, c in v))
        for k, v in runs.items()
    }
    print(
        f"\n{args.nilai:,} nilai, {args.threads} thread, median dari {args.ulang} "
        f"(hashlib: sampel {len(sample):,}, diskalakan)"
    )
    print("| jalur | dinding s | CPU s | nilai/s | hashlib / jalur (dinding / CPU) |")
    print("|---|---|---|---|---|")
    for name, (wall, cpu) in med.items():
        print(
            f"| {name} | {wall:.3f} | {cpu:.3f} | {args.nilai / wall:,.0f} "
            f"| {med['hashlib'][0] / wall:.1f}× / {med['hashlib'][1] / cpu:.1f}× |"
        )
    print("semua:", {k: [(round(w, 3), round(c, 3)) for w, c in v] for k, v in runs.items()})
    return 0


if __name__ == "__main__":
    sys.exit(main())
