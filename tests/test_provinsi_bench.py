"""Smoke test of benchmark (a) (benchmarks/provinsi_rekaman.py) at a tiny size: two
record-level offices, one worker then two, through the real daemon and queue."""

from __future__ import annotations

import json

import pytest

from benchmarks.provinsi_rekaman import main, offices

pytestmark = pytest.mark.lambat  # four whole office runs through real processes


def test_offices_are_sized_in_proportion_to_their_desa_and_sum_to_the_province():
    sizes = offices(22, 5_500_000)
    assert len(sizes) == 22 and list(sizes)[-1] == "53.71"  # the 21 kabupaten, then Kupang
    assert 5_499_000 <= sum(sizes.values()) <= 5_500_000


def test_the_benchmark_prints_time_speed_up_and_peak_rss_per_worker(tmp_path, capsys):
    assert main(["--kantor", "2", "--penduduk", "4000", "--pekerja", "1", "2",
                 "--dir", str(tmp_path)]) == 0  # fmt: skip
    out = capsys.readouterr().out
    table = json.loads(out.strip().splitlines()[-1])
    assert [r["pekerja"] for r in table] == [1, 2]
    assert all(r["kantor"] == 2 and r["detik"] > r["detik_run"] > 0 for r in table)
    assert table[0]["percepatan"] == pytest.approx(1.0)
    assert table[1]["percepatan"] == pytest.approx(table[0]["detik"] / table[1]["detik"])
    assert all(100 < r["rss_puncak_mib"] < 3 * 1024 for r in table)
    assert "| pekerja | kantor | detik (run saja) | percepatan |" in out
