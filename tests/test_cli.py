"""The officer's command: progress, a summary, and a readable error when a file is rejected."""

import asyncio
import contextlib
import io
import logging
import os
import re
import shutil
import subprocess
import sys

import dagster as dg
import pytest
from berkas import settle_all
from conftest import Pipeline, copy_pipeline, make_pipeline, use_cli_instance
from dagster._core.loader import LoadingContextForTest
from dagster._core.storage.asset_check_execution_record import (
    AssetCheckExecutionResolvedStatus as Status,
)

from pipelines.cli import main
from pipelines.config import INSTANCE_CONFIG, PROJECT_ROOT
from pipelines.definitions import current_resources, defs
from pipelines.defs.otomasi.rilis import TAG_DKB, TAG_SHARED
from pipelines.defs.otomasi.schedules import masa_rilis

JOBS = ("lakip", "lakip_segarkan")  # ingestion, then the refresh


def check_history(instance: dg.DagsterInstance) -> dict[dg.AssetCheckKey, list]:
    """Every check's executions, newest first, as (run id, status resolved as the UI does it:
    a check still planned in a finished failed run is "Execution failed")."""
    context = LoadingContextForTest(instance)
    return {
        key: [
            (r.run_id, asyncio.run(r.resolve_status(context)))
            for r in instance.event_log_storage.get_asset_check_execution_history(key, limit=50)
        ]
        for key in defs.resolve_asset_graph().asset_check_keys
    }


@pytest.fixture(scope="module")
def ingested(tmp_path_factory: pytest.TempPathFactory):
    """One good ingestion of the bundled inputs through the command line (both jobs), with what
    it printed and its Dagster home: read by the progress test, continued from a copy by the
    refusal test (one CLI run of the whole job fewer, ~20 s of CPU)."""
    tmp = tmp_path_factory.mktemp("cli")
    pipe, out = make_pipeline(tmp), io.StringIO()
    with pytest.MonkeyPatch.context() as monkeypatch, contextlib.redirect_stdout(out):
        home = use_cli_instance(pipe, tmp, monkeypatch)
        code = main(["ingest", "--semester", "2023-S2"])
    return pipe, home, code, out.getvalue()


def test_ingest_shows_progress_summary_and_tabel3(ingested):
    _, home, code, out = ingested
    assert code == 0
    per_job = [len(defs.resolve_job_def(j).asset_layer.executable_asset_keys) for j in JOBS]
    total = sum(per_job)
    assert total == len(defs.resolve_asset_graph().get_all_asset_keys())  # nothing left out
    assert f"[ 1/{total}] ✓" in out and f"[{total}/{total}] ✓" in out
    assert "✓ publikasi/gudang_analis" in out
    assert "== Semester 2023-S2: BERHASIL" in out
    assert f"aset diperbarui: {total} dari {total}" in out
    # The printed TOTAL of the PK budget differs from its rows: reported, not fixed.
    assert "456.066.892 ≠ jumlah baris 456.006.892" in out
    assert "97,56 %   139,38 %" in out  # Tabel 3, indicator 2a

    # Two runs: the ingestion, then the refresh of the same semester, with the same release
    # tags and a link back; every check ran in the refresh, and passed.
    with dg.DagsterInstance.from_config(str(home)) as instance:
        refresh, ingestion = instance.get_runs()  # newest first
        history = check_history(instance)
    assert (ingestion.job_name, refresh.job_name) == JOBS
    assert ingestion.status == refresh.status == dg.DagsterRunStatus.SUCCESS
    assert refresh.tags["dagster/partition"] == ingestion.tags["dagster/partition"] == "2023-S2"
    for tag in (TAG_DKB, TAG_SHARED):
        assert refresh.tags[tag] == ingestion.tags[tag] and tag in ingestion.tags
    assert refresh.tags["dukcapil/run_masukan"] == ingestion.run_id
    assert f"run {ingestion.run_id}, {refresh.run_id}" in out
    assert len(history) == len(defs.resolve_asset_graph().asset_check_keys) >= 20
    assert all(runs == [(refresh.run_id, Status.SUCCEEDED)] for runs in history.values())


def test_rejected_file_exits_non_zero_with_file_row_column_value(
    pipeline, tmp_path, monkeypatch, capsys
):
    use_cli_instance(pipeline, tmp_path, monkeypatch)
    path = pipeline.paths.raw_dir / "dkb/2023-S2/agregat_kecamatan.csv"
    path.write_text(path.read_text().replace("1;ALAK;80.931;", "1;ALAK;80.9x1;"))
    assert main(["ingest", "--semester", "2023-S2"]) == 1
    captured = capsys.readouterr()
    assert f"File {path} ditolak: 1 kesalahan" in captured.err
    assert "baris 2, kolom JUMLAH PENDUDUK (penduduk), nilai '80.9x1'" in captured.err
    assert "Traceback" not in captured.err and "Stack Trace" not in captured.err
    assert "== Semester 2023-S2: GAGAL" in captured.out
    assert "TIDAK diubah" in captured.out
    assert not pipeline.paths.published_db.exists()


def test_invalid_semester_name_is_refused(pipeline, tmp_path, monkeypatch, capsys):
    use_cli_instance(pipeline, tmp_path, monkeypatch)
    assert main(["ingest", "--semester", "2024-1"]) == 2
    assert "TAHUN-S1 atau TAHUN-S2" in capsys.readouterr().err


@pytest.mark.parametrize(
    "semester", ["2024-S1\n", " 2024-S1", "2024-S1 ", "2024-S1\t", "2024-S1; touch x", "٢٠٢٤-S1"]
)
def test_semester_with_whitespace_or_more_is_refused_before_any_partition(
    pipeline, tmp_path, monkeypatch, capsys, semester
):
    use_cli_instance(pipeline, tmp_path, monkeypatch)
    assert main(["ingest", "--semester", semester]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"Semester {semester!r} tidak valid") and "Traceback" not in err
    with dg.DagsterInstance.get() as instance:
        assert instance.get_dynamic_partitions("semester") == []
        assert instance.get_runs() == []


def test_semester_without_folder_is_refused_before_any_partition(
    pipeline, tmp_path, monkeypatch, capsys
):
    use_cli_instance(pipeline, tmp_path, monkeypatch)
    assert main(["ingest", "--semester", "2031-S1"]) == 1
    err = capsys.readouterr().err
    folder = pipeline.paths.raw_dir / "dkb" / "2031-S1"
    assert err.startswith(f"Folder {folder} ditolak: folder semester 2031-S1 tidak ada")
    with dg.DagsterInstance.get() as instance:
        assert instance.get_dynamic_partitions("semester") == []
        assert instance.get_runs() == []


def test_sql_runs_a_query_file_read_only_and_refuses_what_is_not_a_file(
    bundled, tmp_path, monkeypatch, capsys
):
    monkeypatch.setenv("DUKCAPIL_WAREHOUSE_DIR", str(bundled.paths.warehouse_dir))
    published = bundled.paths.published_db.read_bytes()
    query = tmp_path / "iku_2a.sql"
    query.write_text(
        "SELECT tampil(realisasi) AS r, tampil(capaian) AS c FROM analis.iku_tahunan "
        "WHERE tahun = 2023 AND nama_indikator LIKE 'Peningkatan Persentase Kepemilikan KTP-EL'"
    )
    assert main(["sql", str(query)]) == 0
    assert re.search(r"│\s+97\.56\s+│\s+139\.38\s+│", capsys.readouterr().out)  # Tabel 3, 2a
    for bad, why in [
        (str(tmp_path), "bukan file biasa"),
        (str(tmp_path / "tidak_ada.sql"), "tidak ada"),
        (f"{query}; touch {tmp_path / 'x'}", "tidak boleh berisi spasi"),
    ]:
        assert main(["sql", bad]) == 2
        assert why in capsys.readouterr().err
    assert bundled.paths.published_db.read_bytes() == published


@pytest.mark.parametrize("versi", ["2024 0815", "20240815\n", "../dukcapil", "'; touch x"])
def test_pulihkan_refuses_a_value_that_is_not_a_version_stamp(
    pipeline, tmp_path, monkeypatch, capsys, versi
):
    use_cli_instance(pipeline, tmp_path, monkeypatch)
    assert main(["pulihkan", "--versi", versi]) == 2
    assert capsys.readouterr().err.startswith(f"Versi {versi!r} tidak valid")


def test_makefile_never_pastes_an_argument_into_a_shell_command_line():
    recipes = [
        line
        for line in (PROJECT_ROOT / "Makefile").read_text().splitlines()
        if line.startswith("\t")
    ]
    arguments = ("SEMESTER", "FILE", "VERSI", "ALASAN", "FORMAT", "ULANG", "KELUAR", "BARIS")
    for name in (*arguments, "PEKERJA"):
        pasted = [r for r in recipes if re.search(rf"\$[({{]{name}[)}}]", r)]
        assert pasted == [], pasted
        used = [r for r in recipes if f"$${name}" in r]
        if name == "BARIS":  # a list: split by the shell, with globbing off, never evaluated
            assert used and all(r.lstrip().startswith("set -f;") for r in used)
            continue
        # Each is read by the shell from the environment, inside double quotes only.
        assert used and all(re.sub(rf'"\$\${name}"', "", r).count(f"$${name}") == 0 for r in used)


@pytest.mark.lambat
@pytest.mark.skipif(shutil.which("make") is None, reason="make is not installed")
def test_make_with_a_hostile_value_runs_no_command_and_creates_no_partition(tmp_path):
    """The officer's own command, run for real: `make ingest SEMESTER='2024-S1; touch …'`."""
    home = tmp_path / "dagster_home"
    home.mkdir()
    shutil.copy(INSTANCE_CONFIG, home / "dagster.yaml")
    marker = tmp_path / "pwned"
    # Not the flags of an outer `make test` (its variables would be passed on).
    outer = {"MAKEFLAGS", "MFLAGS", "MAKELEVEL", "SEMESTER", "FILE", "VERSI"}
    env = {
        **{k: v for k, v in os.environ.items() if k not in outer},
        "DAGSTER_HOME": str(home),
        "DUKCAPIL_RAW_DIR": str(tmp_path / "raw"),
        "DUKCAPIL_WAREHOUSE_DIR": str(tmp_path / "warehouse"),
    }
    # -o setup: use this interpreter's environment as it is, never rebuild it.
    result = subprocess.run(
        [
            "make", "-k", "-s", "-o", "setup", f"BIN={os.path.dirname(sys.executable)}",
            "ingest", "sql", "pulihkan",
            f"SEMESTER=2024-S1; touch {marker}",
            f"FILE=$(touch {marker})",
            f'VERSI=x"; touch {marker}; "',
        ],
        cwd=PROJECT_ROOT, env=env, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert result.returncode != 0
    assert f"Semester '2024-S1; touch {marker}' tidak valid" in result.stderr
    assert f"File '$(touch {marker})' ditolak" in result.stderr
    assert "Versi 'x\"; touch" in result.stderr
    assert "Traceback" not in result.stderr
    assert not marker.exists()
    with dg.DagsterInstance.from_config(str(home)) as instance:
        assert instance.get_dynamic_partitions("semester") == []


@pytest.mark.lambat
def test_a_release_run_by_hand_is_not_run_again_by_the_schedule(pipeline, tmp_path, monkeypatch):
    settle_all(pipeline.paths.raw_dir)
    use_cli_instance(pipeline, tmp_path, monkeypatch)
    with (
        dg.DagsterInstance.get() as instance,
        dg.build_schedule_context(
            instance=instance, resources=current_resources(pipeline.warehouse)
        ) as context,
    ):
        assert [r.partition_key for r in masa_rilis(context)] == ["2023-S2"]
        assert main(["ingest", "--semester", "2023-S2"]) == 0
        assert isinstance(masa_rilis(context), dg.SkipReason)


def test_refused_file_fails_only_its_ingestion_run_and_leaves_the_last_checks_green(
    ingested, tmp_path, monkeypatch, capsys
):
    """A good semester, then a refused revision of its DKB file. In the runs (what the UI shows):
    the refused run fails at its one refusing step, its first error entry is the refusal, it
    says why nothing downstream ran, and no refresh is started; no check of the instance is
    "Execution failed", and every check still shows the good run's result."""
    good_run, good_home, code, _ = ingested  # the good semester, copied with its run history
    assert code == 0
    pipeline: Pipeline = copy_pipeline(good_run, tmp_path)
    home = use_cli_instance(pipeline, tmp_path, monkeypatch)
    shutil.rmtree(home)
    shutil.copytree(good_home, home)
    published = pipeline.paths.published_db.read_bytes()
    with dg.DagsterInstance.get() as instance:
        good = check_history(instance)
    capsys.readouterr()

    path = pipeline.paths.raw_dir / "dkb/2023-S2/agregat_kecamatan.csv"
    shutil.copy(PROJECT_ROOT / "tests/data/bad/dkb_teks_di_angka.csv", path)
    assert main(["ingest", "--semester", "2023-S2"]) == 1
    refusal = f"File {path} ditolak: 1 kesalahan ditemukan"
    captured = capsys.readouterr()
    assert captured.err.lstrip().startswith(refusal), captured.err[:500]
    assert "nilai '22.074 anak'" in captured.err and "Traceback" not in captured.err
    assert "== Semester 2023-S2: GAGAL" in captured.out and "TIDAK diubah" in captured.out

    with dg.DagsterInstance.get() as instance:
        refused, *earlier = instance.get_runs()
        entries = instance.all_logs(refused.run_id)
        after = check_history(instance)
    assert [r.job_name for r in earlier] == ["lakip_segarkan", "lakip"]  # no second refresh
    assert (refused.job_name, refused.status) == ("lakip", dg.DagsterRunStatus.FAILURE)
    events = [e.dagster_event for e in entries if e.dagster_event]
    failures = [e for e in events if e.is_step_failure]
    assert [e.step_key for e in failures] == ["raw__dkb_agregat"]
    failure = failures[0].step_failure_data
    assert failure.user_failure_data.description.startswith(refusal)
    assert failure.error.cls_name == "Failure" and failure.error.cause is None  # no stack below
    first_error = next(e for e in entries if e.level >= logging.ERROR)
    assert first_error.message.startswith(refusal)
    reason = entries[-1].message  # the last line of the run's page: why nothing followed
    assert reason.startswith("lakip_segarkan (conformed, mart, pemeriksaan, publikasi, ekspor)")
    assert "semester 2023-S2 tidak dijalankan" in reason
    assert not any(e.event_type_value.startswith("ASSET_CHECK") for e in events)

    assert after == good  # no planned, failed or new evaluation on the last good data
    assert all(runs == [(earlier[0].run_id, Status.SUCCEEDED)] for runs in after.values())
    assert pipeline.paths.published_db.read_bytes() == published
