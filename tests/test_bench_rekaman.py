"""Smoke test of the record-level benchmark (`make bench`, benchmarks/rekaman.py) at a tiny size:
it runs as an officer would start it, prints its figures, and its two sides (the pipeline and
the bare DuckDB query) count the same residents as a plain-Python reading of the file."""

import json
import subprocess
import sys
from collections import Counter
from datetime import date
from pathlib import Path

from test_rekaman import independent_counts

from pipelines.config import PROJECT_ROOT

ROWS = 2000
CUTOFF = date(2023, 12, 31)  # the benchmark's semester, 2023-S2
HEADER = (
    "| baris | format | bare DuckDB s (proses) | pipeline s (proses) | rasio (proses) "
    "| baris/s pipeline | RSS puncak bare / pipeline MiB | CPU s proses bare / pipeline (rasio) |"
)


def test_benchmark_prints_its_figures_and_both_sides_count_what_the_file_holds(tmp_path: Path):
    printed = subprocess.run(
        [sys.executable, "-m", "benchmarks.rekaman", "--baris", str(ROWS), "--ulang", "1"]
        + ["--dir", str(tmp_path)],
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
        check=True,
        timeout=300,
    ).stdout
    lines = printed.splitlines()
    (result,) = [json.loads(line) for line in lines if line.startswith("{")]
    assert HEADER in lines
    (row,) = [line for line in lines if line.startswith(f"| {ROWS:,} | csv |")]
    cells = [c.strip() for c in row.strip("|").split("|")]
    assert len(cells) == 8
    assert cells[2].startswith(f"{result['bare_s']:.2f} (") and result["bare_s"] > 0
    assert cells[3].startswith(f"{result['pipeline_s']:.2f} (") and result["pipeline_s"] > 0
    assert cells[4].startswith(f"{result['pipeline_s'] / result['bare_s']:.2f}× (")
    assert result["pipeline_rss_mib"] > 0 and result["bare_cpu_s"] > 0

    # The file the benchmark generated, counted here row by row: every row is valid, so both
    # sides must hold exactly these counts, cell by cell (the script compares the cells).
    counts = independent_counts(tmp_path / f"penduduk_{ROWS}.csv", cutoff=CUTOFF, skip=set())
    cells_nonzero = {cell: n for cell, n in counts.items() if n}
    totals: Counter = Counter()
    for (_, ukuran), n in cells_nonzero.items():
        totals[ukuran] += n
    assert totals["penduduk"] == ROWS
    assert result["total"]["bare"] == result["total"]["pipeline"] == dict(totals)
    assert (result["sel_dibandingkan"], result["sel_berbeda"]) == (len(cells_nonzero), 0)
    assert f"{ROWS:,} baris: 0 dari {len(cells_nonzero)} sel hitungan" in printed
