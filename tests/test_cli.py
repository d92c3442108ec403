"""The officer's command: progress, a summary, and a readable error when a file is rejected."""

import shutil

import dagster as dg
from berkas import settle_all

from pipelines.cli import main
from pipelines.config import INSTANCE_CONFIG
from pipelines.definitions import defs
from pipelines.orchestration.schedules import masa_rilis


def use(pipeline, tmp_path, monkeypatch):
    home = tmp_path / "dagster_home"
    home.mkdir()
    shutil.copy(INSTANCE_CONFIG, home / "dagster.yaml")
    monkeypatch.setenv("DAGSTER_HOME", str(home))
    monkeypatch.setenv("DUKCAPIL_RAW_DIR", str(pipeline.paths.raw_dir))
    monkeypatch.setenv("DUKCAPIL_WAREHOUSE_DIR", str(pipeline.paths.warehouse_dir))


def test_ingest_shows_progress_summary_and_tabel3(pipeline, tmp_path, monkeypatch, capsys):
    use(pipeline, tmp_path, monkeypatch)
    assert main(["ingest", "--semester", "2023-S2"]) == 0
    out = capsys.readouterr().out
    total = len(defs.resolve_job_def("lakip").asset_layer.executable_asset_keys)
    assert f"[ 1/{total}] ✓" in out and f"[{total}/{total}] ✓" in out
    assert "✓ publikasi/gudang_analis" in out
    assert "== Semester 2023-S2: BERHASIL" in out
    assert f"aset diperbarui: {total} dari {total}" in out
    # The printed TOTAL of the PK budget differs from its rows: reported, not fixed.
    assert "456.066.892 ≠ jumlah baris 456.006.892" in out
    assert "97,56 %   139,38 %" in out  # Tabel 3, indicator 2a


def test_rejected_file_exits_non_zero_with_file_row_column_value(
    pipeline, tmp_path, monkeypatch, capsys
):
    use(pipeline, tmp_path, monkeypatch)
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
    use(pipeline, tmp_path, monkeypatch)
    assert main(["ingest", "--semester", "2024-1"]) == 1
    assert "TAHUN-S1 atau TAHUN-S2" in capsys.readouterr().err


def test_a_release_run_by_hand_is_not_run_again_by_the_schedule(pipeline, tmp_path, monkeypatch):
    settle_all(pipeline.paths.raw_dir)
    use(pipeline, tmp_path, monkeypatch)
    with (
        dg.DagsterInstance.get() as instance,
        dg.build_schedule_context(
            instance=instance, resources={"warehouse": pipeline.warehouse}
        ) as context,
    ):
        assert [r.partition_key for r in masa_rilis(context)] == ["2023-S2"]
        assert main(["ingest", "--semester", "2023-S2"]) == 0
        assert isinstance(masa_rilis(context), dg.SkipReason)
