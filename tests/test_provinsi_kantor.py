"""Many offices in one installation, without the daemon: which folders under raw/ are offices
(and what a tired officer leaves beside them), and one office's refused file failing only that
office's partition of `kantor/lakip` while another office's figures come out right."""

from __future__ import annotations

import fcntl
import shutil
import time
from pathlib import Path

import dagster as dg
import pytest
from kantor_sintetis import SEMESTER, assert_figures_match, buat_provinsi, rusak_jk

from pipelines.provinsi import cli
from pipelines.provinsi.definitions import defs
from pipelines.provinsi.gabungan import GudangGabungan
from pipelines.provinsi.kantor import Instalasi, KantorDitolak, kantor, temukan_kantor
from pipelines.provinsi.otomasi import requests_for, rollup_request
from pipelines.provinsi.partisi import KANTOR, SEMESTER_KANTOR, kunci_partisi
from pipelines.synthetic.kantor import buat_kantor

TAG_PARTISI = "dagster/partition"


@pytest.fixture(scope="module")
def provinsi(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict]:
    """Three clean offices in raw/<kode>/ (two provinces), built once: tests copy it."""
    raw = tmp_path_factory.mktemp("provinsi") / "raw"
    return raw, buat_provinsi(raw)


def test_discovery_finds_each_office_folder_with_its_own_warehouse(provinsi, tmp_path):
    raw, _ = provinsi
    found = temukan_kantor(raw, tmp_path / "warehouse")
    assert list(found.kantor) == ["53.10", "53.12", "82.08"]
    assert found.kantor["82.08"].nama == "Kabupaten Pulau Taliabu"
    assert found.kantor["53.12"].raw_dir == raw / "53.12"
    assert found.kantor["53.12"].warehouse_dir == tmp_path / "warehouse" / "53.12"
    assert found.kantor["53.12"].dagster_home == tmp_path / "warehouse" / "53.12" / "dagster"
    assert not found.ditolak and not found.peringatan and not found.tunggal


def test_what_a_tired_officer_leaves_is_ignored_by_name_never_merged(provinsi, tmp_path):
    raw = tmp_path / "raw"
    shutil.copytree(provinsi[0], raw)
    shutil.copytree(raw / "53.10", raw / "53.10 - Copy")
    shutil.copytree(raw / "53.10", raw / "53.10.bak")
    shutil.copytree(raw / "53.12", raw / "5312")
    (raw / "53.13").write_text("not a folder")
    (raw / "53.14").mkdir()
    (raw / "README.md").write_text("where each office's files came from")
    found = temukan_kantor(raw, tmp_path / "warehouse")
    assert list(found.kantor) == ["53.10", "53.12", "82.08"]
    assert not found.ditolak
    warnings = "\n".join(found.peringatan)
    assert len(found.peringatan) == 5, warnings
    for entry in ("53.10 - Copy", "53.10.bak", "5312", "53.13", "53.14"):
        assert str(raw / entry) + " diabaikan" in warnings
    assert "salinan folder kantor 53.10" in warnings
    assert "ganti nama menjadi 53.12" in warnings
    assert f"File {raw / '53.13'} diabaikan" in warnings
    assert f"Folder {raw / '53.14'} diabaikan: masih kosong" in warnings


def test_an_office_folder_naming_another_code_is_refused_naming_folder_and_value(
    provinsi, tmp_path
):
    raw = tmp_path / "raw"
    shutil.copytree(provinsi[0], raw)
    shutil.copytree(raw / "53.10", raw / "53.11")  # daerah.csv still says 53.10
    shutil.copytree(raw / "53.10", raw / "53.99")  # no such kab/kota
    shutil.copytree(raw / "53.10", raw / "53.00")
    found = temukan_kantor(raw, tmp_path / "warehouse")
    assert list(found.kantor) == ["53.10", "53.12", "82.08"]
    assert set(found.ditolak) == {"53.11", "53.99", "53.00"}
    assert found.ditolak["53.11"].startswith(f"Folder kantor {raw / '53.11'} ditolak: ")
    assert "referensi/daerah.csv berisi kode '53.10', bukan 53.11" in found.ditolak["53.11"]
    assert "'53.99' bukan kode kabupaten/kota" in found.ditolak["53.99"]
    assert str(raw / "53.99") in found.ditolak["53.99"]
    with pytest.raises(KantorDitolak, match="berisi kode '53.10', bukan 53.11"):
        kantor(raw, tmp_path / "warehouse", "53.11")


def test_single_office_layout_is_one_office_with_the_warehouse_as_today(tmp_path):
    raw = tmp_path / "raw"
    buat_kantor(raw, "53.12", SEMESTER, penduduk=2000)
    found = temukan_kantor(raw, tmp_path / "warehouse")
    assert found.tunggal
    assert list(found.kantor) == ["53.12"]
    assert found.kantor["53.12"].raw_dir == raw
    assert found.kantor["53.12"].warehouse_dir == tmp_path / "warehouse"


def test_both_layouts_at_once_are_refused_whole(tmp_path):
    raw = tmp_path / "raw"
    buat_kantor(raw, "53.12", SEMESTER, penduduk=2000)
    buat_kantor(raw / "53.10", "53.10", SEMESTER, penduduk=2000)
    with pytest.raises(KantorDitolak, match=r"dua susunan sekaligus.*folder kantor 53\.10"):
        temukan_kantor(raw, tmp_path / "warehouse")


# A whole office run in-process (~40 s): slow tier, beside the daemon test of the same rule.
@pytest.mark.lambat
def test_a_refused_file_fails_only_its_office_and_the_other_office_is_right(provinsi, tmp_path):
    raw = tmp_path / "raw"
    raw.mkdir()
    for kode in ("53.12", "82.08"):
        shutil.copytree(provinsi[0] / kode, raw / kode)
    name, row = rusak_jk(raw / "53.12")
    instance = dg.DagsterInstance.ephemeral()
    instance.add_dynamic_partitions(KANTOR.name, ["53.12", "82.08"])
    instance.add_dynamic_partitions(SEMESTER_KANTOR.name, [SEMESTER])
    instalasi = Instalasi(raw_dir=str(raw), warehouse_dir=str(tmp_path / "warehouse"))
    job = defs.resolve_job_def("kantor_lakip")
    results = {
        kode: job.execute_in_process(
            instance=instance,
            partition_key=kunci_partisi(kode, SEMESTER),
            resources={"instalasi": instalasi},
            raise_on_error=False,
        )
        for kode in ("53.12", "82.08")
    }

    assert not results["53.12"].success
    (failure,) = [e for e in results["53.12"].all_events if e.is_step_failure]
    error = failure.step_failure_data.user_failure_data
    first = error.description.splitlines()[0]
    assert first.startswith(f"File {raw / '53.12' / 'dkb' / SEMESTER / name} ditolak:")
    assert f"baris {row}, kolom" in error.description
    assert error.metadata["kode_kantor"].value == "53.12"
    assert not (tmp_path / "warehouse" / "53.12" / "dukcapil.duckdb").exists()

    assert results["82.08"].success
    (materialization,) = results["82.08"].asset_materializations_for_node("kantor__lakip")
    meta = materialization.metadata
    assert meta["nama_kantor"].value == "Kabupaten Pulau Taliabu"
    assert meta["aset_selesai"].value == meta["aset_seluruhnya"].value > 40
    published = tmp_path / "warehouse" / "82.08" / "dukcapil.duckdb"
    assert meta["berkas_terbit"].value == str(published)
    assert_figures_match(published, provinsi[1]["82.08"])
    # the office's own Dagster history holds its two runs, apart from the province's
    office = dg.DagsterInstance.from_config(str(tmp_path / "warehouse" / "82.08" / "dagster"))
    assert {r.job_name for r in office.get_runs()} == {"lakip", "lakip_segarkan"}


def test_the_sensor_requests_each_office_release_once_and_a_revised_file_again(provinsi, tmp_path):
    raw = tmp_path / "raw"
    shutil.copytree(provinsi[0], raw)
    instalasi = Instalasi(raw_dir=str(raw), warehouse_dir=str(tmp_path / "warehouse"))
    instance = dg.DagsterInstance.ephemeral()
    plan = requests_for(instance, instalasi, settle_seconds=0)
    # each office-semester twice: its whole pipeline and its DKB through the combined route
    assert [(r.job_name, r.partition_key) for r in plan.requests] == [
        (job, f"{kode}|2023-S2")
        for kode in ("53.10", "53.12", "82.08")
        for job in ("kantor_lakip", "gabungan_kantor")
    ]
    assert plan.kantor_baru == ["53.10", "53.12", "82.08"]
    assert plan.semester_baru == [SEMESTER]
    assert all(
        r.run_key.removeprefix("gabungan:").startswith(r.partition_key.split("|")[0] + ":")
        for r in plan.requests
    )
    assert len({r.run_key for r in plan.requests}) == 6
    # Each office request becomes a run carrying its tags, as the daemon makes it.
    job = defs.resolve_job_def("kantor_lakip")
    for request in plan.requests:
        if request.job_name != job.name:
            continue
        keys = request.partition_key.keys_by_dimension
        tags = {f"{TAG_PARTISI}/{d}": v for d, v in keys.items()}
        instance.create_run_for_job(job, tags={**request.tags, **tags})
    assert requests_for(instance, instalasi, settle_seconds=0).requests == []
    # A revised file of one office: only that office's semester, under new run keys.
    rusak_jk(raw / "82.08")
    again = requests_for(instance, instalasi, settle_seconds=0).requests
    assert [(r.job_name, r.partition_key) for r in again] == [
        ("kantor_lakip", "82.08|2023-S2"),
        ("gabungan_kantor", "82.08|2023-S2"),
    ]
    assert not {r.run_key for r in again} & {r.run_key for r in plan.requests}
    # A file still being copied (modified seconds ago) waits for the next tick.
    assert requests_for(instance, instalasi).requests == []


def test_the_rollup_is_requested_after_the_last_combined_route_run_only():
    """gabungan_setelah_kantor: a finished combined-route run requests the rollup only when no
    other run of the route is still queued or running (one rollup for a batch of releases)."""
    instance = dg.DagsterInstance.ephemeral()
    job = defs.resolve_job_def("gabungan_kantor")
    first = instance.create_run_for_job(job, status=dg.DagsterRunStatus.SUCCESS)
    running = instance.create_run_for_job(job, status=dg.DagsterRunStatus.STARTED)
    assert rollup_request(instance, first.run_id) is None
    instance.report_run_failed(running)
    request = rollup_request(instance, first.run_id)
    assert request is not None
    assert (request.job_name, request.run_key) == ("gabungan_terbit", f"terbit:{first.run_id}")


def test_a_space_around_an_office_code_or_a_second_spelling_is_told_as_it_is(provinsi, tmp_path):
    """'82.08 ' (a space pasted at the end) is the office itself, not a copy, and its name is
    quoted because a trailing space is invisible in a path; a second spelling of an office
    that exists ('5312' beside '53.12') says which one is read instead of advising a rename
    onto it."""
    raw = tmp_path / "raw"
    shutil.copytree(provinsi[0], raw)
    (raw / "82.08").rename(raw / "82.08 ")
    shutil.copytree(raw / "53.10", raw / "53.10\u00a0")  # a no-break space, beside 53.10
    shutil.copytree(raw / "53.12", raw / "5312")
    found = temukan_kantor(raw, tmp_path / "warehouse")
    assert list(found.kantor) == ["53.10", "53.12"]
    assert not found.ditolak
    warnings = "\n".join(found.peringatan)
    assert len(found.peringatan) == 3, warnings
    assert "salinan" not in warnings
    assert (
        f"Folder {raw / '82.08 '} diabaikan: nama '82.08 ' berisi spasi atau baris baru di "
        "awal/akhir; ganti nama menjadi 82.08 bila ini kantor itu." in warnings
    )
    assert "nama '53.10\\xa0' berisi spasi" in warnings
    for kode, entry in (("53.10", "53.10\u00a0"), ("53.12", "5312")):
        assert (
            f"Folder {raw / entry} diabaikan: " in warnings
            and f"folder {kode} juga ada dan hanya itu yang dibaca" in warnings
        )


def test_a_code_typed_twice_or_the_province_code_is_refused_in_its_own_words(provinsi, tmp_path):
    raw = tmp_path / "raw"
    shutil.copytree(provinsi[0], raw)
    daerah = raw / "53.10" / "referensi" / "daerah.csv"
    header, row = daerah.read_text(encoding="utf-8").splitlines()[:2]
    daerah.write_text(f"{header}\n{row}\n{row}\n", encoding="utf-8")
    shutil.copytree(raw / "53.12", raw / "53.00")
    found = temukan_kantor(raw, tmp_path / "warehouse")
    assert list(found.kantor) == ["53.12", "82.08"]
    assert found.ditolak["53.10"] == (
        f"Folder kantor {raw / '53.10'} ditolak: referensi/daerah.csv menulis kode 53.10 "
        "2 kali; isi tepat satu baris. Kantor ini tidak dijalankan."
    )
    assert "'53.00' bukan kode kabupaten/kota" in found.ditolak["53.00"]
    assert "provinsi NUSA TENGGARA TIMUR" in found.ditolak["53.00"]


def _jalankan(raw: Path, home: Path, capsys) -> tuple[int, str]:
    instalasi = Instalasi(raw_dir=str(raw), warehouse_dir=str(raw.parent / "warehouse"))
    code = cli.jalankan(home, instalasi, pekerja=1, timeout=60)
    out = capsys.readouterr()
    return code, out.out + out.err


def test_make_provinsi_without_any_office_folder_fails_saying_so(provinsi, tmp_path, capsys):
    """An empty raw/, or one holding only leftovers, is no success: the offices are
    elsewhere (no daemon is started: nothing was requested)."""
    raw = tmp_path / "raw"
    raw.mkdir()
    code, out = _jalankan(raw, tmp_path / "home", capsys)
    assert code == 1
    assert f"Tidak ada folder kantor di {raw}: setiap kantor adalah folder bernama" in out
    shutil.copytree(provinsi[0] / "53.10", raw / "53.10 - Copy")
    code, out = _jalankan(raw, tmp_path / "home", capsys)
    assert code == 1
    assert f"! Folder {raw / '53.10 - Copy'} diabaikan: tampak seperti salinan" in out
    assert f"Tidak ada folder kantor di {raw}" in out


def test_a_second_make_provinsi_on_the_same_history_is_refused_untouched(
    provinsi, tmp_path, capsys
):
    """While one command drives the province (its lock held, as `make provinsi` or `make
    ui-provinsi` hold it), a second starts no second daemon and rewrites no settings."""
    raw = tmp_path / "raw"
    shutil.copytree(provinsi[0], raw)
    home = tmp_path / "home"
    home.mkdir()
    with (home / cli.KUNCI).open("a+") as held:
        fcntl.flock(held, fcntl.LOCK_EX)
        held.write("make provinsi pid 4242, dagster-daemon pid 4243")
        held.flush()
        code, out = _jalankan(raw, home, capsys)
    assert code == 1
    assert (
        f"Provinsi sudah dijalankan perintah lain pada riwayat {home} (make provinsi pid 4242, "
        "dagster-daemon pid 4243)" in out
    )
    assert not (home / "dagster.yaml").exists()
    assert "menunggu" not in out


def test_the_rollup_also_follows_a_last_combined_route_run_that_failed(tmp_path):
    """A batch whose last run fails (here a partition that is no semester: the step raises)
    still gets its rollup: the success sensor alone would never see a last run, and `make
    provinsi` would wait for the rollup until its time limit."""
    instance = dg.DagsterInstance.ephemeral()
    instance.add_dynamic_partitions(KANTOR.name, ["82.08"])
    instance.add_dynamic_partitions(SEMESTER_KANTOR.name, ["bukan-semester"])
    failed = defs.resolve_job_def("gabungan_kantor").execute_in_process(
        instance=instance,
        partition_key=kunci_partisi("82.08", "bukan-semester"),
        resources={
            "gabungan": GudangGabungan(
                raw_dir=str(tmp_path / "raw"), warehouse_dir=str(tmp_path / "warehouse")
            )
        },
        raise_on_error=False,
    )
    assert not failed.success
    (event,) = [
        e.dagster_event
        for e in instance.all_logs(failed.run_id, of_type=dg.DagsterEventType.RUN_FAILURE)
    ]
    sensor = defs.get_sensor_def("gabungan_setelah_kantor_gagal")
    context = dg.build_run_status_sensor_context(
        sensor_name=sensor.name,
        dagster_event=event,
        dagster_instance=instance,
        dagster_run=instance.get_run_by_id(failed.run_id),
    ).for_run_failure()
    request = sensor(context)
    assert (request.job_name, request.run_key) == ("gabungan_terbit", f"terbit:{failed.run_id}")


@pytest.mark.lambat
def test_make_provinsi_on_the_single_office_layout_does_not_wait_for_a_rollup(
    tmp_path, monkeypatch, capsys
):
    """raw/ in the single-office layout is one office for the province command, with no
    combined-route run: the command ends with that office's line, never waiting for a rollup
    no sensor will request (it used to wait until its time limit, 6 hours by default)."""
    raw, warehouse = tmp_path / "raw", tmp_path / "warehouse"
    buat_kantor(raw, "82.08", SEMESTER, penduduk=2_000)
    rusak_jk(raw)  # refused at the gate: the office's run ends in seconds
    monkeypatch.setenv("DUKCAPIL_RAW_DIR", str(raw))
    monkeypatch.setenv("DUKCAPIL_WAREHOUSE_DIR", str(warehouse))
    instalasi = Instalasi(raw_dir=str(raw), warehouse_dir=str(warehouse))
    started = time.monotonic()
    code = cli.jalankan(tmp_path / "home", instalasi, pekerja=1, timeout=240)
    out = capsys.readouterr()
    assert code == 1
    assert "Belum selesai" not in out.err
    assert "gabungan provinsi/nasional" not in out.out
    (line,) = [x for x in out.out.splitlines() if x.startswith("  82.08")]
    assert " 2023-S2  GAGAL " in line and "agr_jk_" in line and " ditolak: " in line
    assert time.monotonic() - started < 200


@pytest.mark.parametrize("pekerja", ["abc", "", "1.5", "0", "-1"])
def test_a_worker_count_that_is_no_whole_number_is_refused_in_the_officers_words(
    tmp_path, monkeypatch, capsys, pekerja
):
    monkeypatch.setenv("DAGSTER_HOME", str(tmp_path / "home"))
    with pytest.raises(SystemExit) as exit_:
        cli.main(["siapkan", "--pekerja", pekerja])
    assert exit_.value.code == 2
    assert (
        f"PEKERJA={pekerja!r} tidak sah: isi bilangan bulat 1 atau lebih" in capsys.readouterr().err
    )
    assert not (tmp_path / "home" / "dagster.yaml").exists()
