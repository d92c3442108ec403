"""Issue 12's Done-when, for real: three small offices in two provinces under raw/<kode>/, one
with a refused file, run by `dagster-daemon` through the province's run queue (two workers, one
run per office at a time, each run its own process). Each good office's Tabel 3 and kecamatan
counts equal the sums of the generator's true counts; the bad office's run fails with its
refusal and its warehouse keeps the state of its previous good run. The combined route's runs
and the rollup the sensor requests after them publish per-office, province and national tables
equal to independent sums of the true counts, without the refused office."""

from __future__ import annotations

import os
import time
from pathlib import Path

import dagster as dg
import duckdb
import pytest
from kantor_sintetis import SEMESTER, assert_figures_match, buat_provinsi, rusak_jk, sha256

from pipelines.provinsi.cli import (
    daemon,
    live_members,
    status_lines,
    wait_for,
    wait_for_rollup,
    write_instance_config,
)
from pipelines.provinsi.kantor import Instalasi, run_office
from pipelines.provinsi.otomasi import kantor_lakip_job, requests_for
from pipelines.provinsi.partisi import TAG_KANTOR

pytestmark = pytest.mark.lambat  # three whole office runs through real processes: minutes


def _settled(raw: Path) -> None:
    """Files as if copied an hour ago: the sensor waits for files still being copied."""
    past = time.time() - 3600
    for path in raw.rglob("*"):
        os.utime(path, (past, past))


def _outcome(instance: dg.DagsterInstance, run: dg.DagsterRun) -> tuple[str, dict]:
    """(first error or '', the office step's metadata) of a finished run."""
    for entry in instance.all_logs(run.run_id):
        event = entry.dagster_event
        if event is None:
            continue
        if event.event_type_value == "ASSET_MATERIALIZATION":
            metadata = event.event_specific_data.materialization.metadata
            return "", {k: v.value for k, v in metadata.items()}
        if event.is_step_failure:
            failure = event.step_failure_data.user_failure_data
            return failure.description, {k: v.value for k, v in failure.metadata.items()}
    raise AssertionError(f"run {run.run_id} has neither materialization nor failure")


def test_three_offices_run_in_parallel_workers_and_a_bad_file_stops_only_its_office(
    tmp_path, monkeypatch
):
    raw, warehouse, home = tmp_path / "raw", tmp_path / "warehouse", tmp_path / "dagster"
    angka = buat_provinsi(raw)
    instalasi = Instalasi(raw_dir=str(raw), warehouse_dir=str(warehouse))
    # The bad office had a good semester before: its published state must survive.
    before = run_office(instalasi.kantor("53.12"), SEMESTER, echo=lambda _: None)
    assert before.ok
    bad = instalasi.kantor("53.12").paths
    published_before = sha256(bad.published_db)
    versions_before = sorted(p.name for p in bad.versions_dir.iterdir())
    name, row = rusak_jk(raw / "53.12")
    _settled(raw)

    monkeypatch.setenv("DUKCAPIL_RAW_DIR", str(raw))
    monkeypatch.setenv("DUKCAPIL_WAREHOUSE_DIR", str(warehouse))
    monkeypatch.setenv("DUKCAPIL_PDF", "tidak")
    write_instance_config(home, pekerja=2)
    with dg.DagsterInstance.from_config(str(home)) as instance:
        requests = requests_for(instance, instalasi, settle_seconds=0).requests
        assert sorted((r.partition_key, r.job_name) for r in requests) == [
            (f"{kode}|2023-S2", job)
            for kode in ("53.10", "53.12", "82.08")
            for job in ("gabungan_kantor", "kantor_lakip")
        ]
        since = time.time()
        with daemon(home, tmp_path / "daemon.log") as process:
            group = process.pid
            done = wait_for(instance, requests, timeout=1200, process=process)
            rollup = done and wait_for_rollup(instance, since, timeout=600, process=process)
        assert live_members(group) == []  # the daemon, its code server, its runs: stopped
        assert done, (tmp_path / "daemon.log").read_text()[-3000:]
        assert rollup and rollup.status == dg.DagsterRunStatus.SUCCESS, rollup

        finished = {
            r.tags[TAG_KANTOR]: r
            for r in instance.get_runs(dg.RunsFilter(job_name=kantor_lakip_job.name))
        }
        assert set(finished) == {"53.10", "53.12", "82.08"}
        outcomes = {kode: _outcome(instance, run) for kode, run in finished.items()}
        assert finished["53.10"].status == finished["82.08"].status == dg.DagsterRunStatus.SUCCESS
        assert finished["53.12"].status == dg.DagsterRunStatus.FAILURE

        # Each run in its own worker process (not the test's, not the daemon's) ...
        pids = {kode: meta["pid"] for kode, (_, meta) in outcomes.items()}
        assert len(set(pids.values())) == 3
        assert not {os.getpid(), group} & set(pids.values())
        # ... at least two at once, never more than the two workers.
        spans = sorted((meta["mulai"], meta["selesai"]) for _, meta in outcomes.values())
        overlaps = [a[1] > b[0] for a, b in zip(spans, spans[1:], strict=False)]
        assert any(overlaps), spans
        assert not (spans[0][1] > spans[2][0] and spans[1][1] > spans[2][0]), spans

        # The bad office: its refusal, file and row, as its first line; nothing published.
        error, meta = outcomes["53.12"]
        first = error.splitlines()[0]
        assert first.startswith(f"File {raw / '53.12' / 'dkb' / SEMESTER / name} ditolak:")
        assert f"baris {row}, kolom" in error
        assert meta["kode_kantor"] == "53.12"
        assert sha256(bad.published_db) == published_before
        assert sorted(p.name for p in bad.versions_dir.iterdir()) == versions_before

        # The good offices: their figures from the true counts; their own marts apart.
        for kode in ("53.10", "82.08"):
            _, meta = outcomes[kode]
            assert meta["kode_kantor"] == kode
            assert meta["berkas_terbit"] == str(warehouse / kode / "dukcapil.duckdb")
            assert_figures_match(warehouse / kode / "dukcapil.duckdb", angka[kode])

        lines, ok = status_lines(instance, instalasi)
        assert not ok
        assert [line.split()[0] for line in lines] == ["53.10", "53.12", "82.08"]
        assert "BERHASIL" in lines[0] and "BERHASIL" in lines[2]
        assert "GAGAL" in lines[1] and f"{name} ditolak" in lines[1]

        # The combined route: the refused office is listed, the rollups are sums of the others.
        _assert_rollups(warehouse / "gabungan" / "dukcapil.duckdb", angka, bad="53.12")


def _assert_rollups(published: Path, angka: dict[str, dict], bad: str) -> None:
    """Per office, per province and national counts in the combined file against sums of the
    generator's true counts of the accepted offices (computed here, not read back)."""
    good = {k: a for k, a in angka.items() if k != bad}

    def total(offices) -> dict[str, int]:
        out: dict[str, int] = {}
        for office in offices:
            for measures in office.values():
                for ukuran, nilai in measures.items():
                    out[ukuran] = out.get(ukuran, 0) + nilai
        return out

    with duckdb.connect(str(published), read_only=True) as con:
        status = dict(con.execute("SELECT kode_kantor, status FROM gabungan.kantor").fetchall())
        assert {k: status[k] for k in angka} == {
            "53.10": "diterima", "53.12": "ditolak", "82.08": "diterima"
        }  # fmt: skip
        for kode, office in good.items():
            got = dict(
                con.execute(
                    "SELECT ukuran, nilai FROM gabungan.agregat_wilayah "
                    "WHERE kode_kantor = ? AND tingkat = 'kabkota'",
                    [kode],
                ).fetchall()
            )
            assert got == total([office])
        for prov in ("53", "82"):
            got = dict(
                con.execute(
                    "SELECT ukuran, nilai FROM gabungan.agregat_provinsi WHERE kode_provinsi = ?",
                    [prov],
                ).fetchall()
            )
            assert got == total(a for k, a in good.items() if k.startswith(prov))
        national = dict(
            con.execute("SELECT ukuran, nilai FROM gabungan.agregat_nasional").fetchall()
        )
        assert national == total(good.values())
        ktp = con.execute(
            "SELECT nilai FROM gabungan.indikator "
            "WHERE tingkat = 'nasional' AND kode_indikator = 'kepemilikan_ktp_el'"
        ).fetchone()[0]
        summed = total(good.values())
        assert ktp == pytest.approx(100 * summed["ktp_el_sudah_rekam"] / summed["wajib_ktp_el"])
