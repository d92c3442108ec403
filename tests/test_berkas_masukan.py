"""Exactly the files an input declares (pipelines/defs/masukan/berkas.py): a backup copy beside the
DKB
file is named and never read, the file renamed in capitals is still read, a second candidate,
a symlink, a pipe or an oversized file is refused before reading, and a semester folder that is
missing or empty is an error naming the folder: never a "BERHASIL" run with wrong or no data."""

import logging
import os
import shutil
from pathlib import Path

import dagster as dg
import pytest

from pipelines.config import Pengaturan
from pipelines.definitions import defs
from pipelines.defs.masukan import sumber as S
from pipelines.defs.masukan.berkas import (
    FolderRejected,
    find_files,
    semester_files,
    semester_folders,
)
from pipelines.defs.otomasi.rilis import scan
from pipelines.domain.angka import format_id_number
from pipelines.domain.penolakan import InputRejected
from tests.berkas import AWKWARD_DKB, BACKUP, KUPANG
from tests.conftest import BUNDLED_SEMESTER, Pipeline
from tests.test_tabel3 import TABEL_3

RAW = KUPANG
DKB = RAW / "dkb" / BUNDLED_SEMESTER / "agregat_kecamatan.csv"
COPIES = [
    "agregat_kecamatan.csv.bak",
    "agregat_kecamatan.csv~",
    "agregat_kecamatan.tmp",
    "Copy of agregat_kecamatan.csv",
    "Salinan agregat_kecamatan.csv",
    "agregat_kecamatan (1).csv",
    "agregat_kecamatan - Salinan.csv",
    "~$agregat_kecamatan.xlsx",
    ".agregat_kecamatan.csv.swp",
]


def _semester(tmp_path: Path, *names: str, semester: str = BUNDLED_SEMESTER) -> Path:
    """raw/dkb/<semester>/ holding a copy of the bundled DKB file under each name."""
    folder = tmp_path / "raw" / "dkb" / semester
    folder.mkdir(parents=True)
    for name in names:
        shutil.copy(DKB, folder / name)
    return tmp_path / "raw"


def test_name_in_capitals_is_read_and_every_copy_is_named_not_read(tmp_path):
    raw = _semester(tmp_path, "AGREGAT_KECAMATAN.CSV", *COPIES, "catatan petugas.txt")
    (raw / "dkb" / BUNDLED_SEMESTER / "lama").mkdir()

    found = semester_files(raw, BUNDLED_SEMESTER)

    folder = raw / "dkb" / BUNDLED_SEMESTER
    assert found["dkb_agregat_kecamatan"].files == [folder / "AGREGAT_KECAMATAN.CSV"]
    assert found["dkb_penduduk"].files == []
    warnings = found["dkb_agregat_kecamatan"].ignored
    # each stranger named in exactly one warning, by the input that reports the folder
    for name in [*COPIES, "catatan petugas.txt", "lama"]:
        assert sum(f"{folder / name} diabaikan" in w for w in warnings) == 1, name
    assert len(warnings) == len(COPIES) + 2
    assert found["dkb_penduduk"].ignored == []
    assert "salinan, cadangan atau file sementara" in next(w for w in warnings if ".bak" in w)
    assert "agregat_kecamatan.csv/.xlsx, agr_*.xlsx, penduduk.csv/.parquet" in warnings[0]


def test_record_level_extract_alone_is_a_semester(tmp_path):
    raw = _semester(tmp_path)
    extract = raw / "dkb" / BUNDLED_SEMESTER / "Penduduk.PARQUET"
    extract.write_bytes(b"PAR1")
    found = semester_files(raw, BUNDLED_SEMESTER)
    assert found["dkb_penduduk"].files == [extract]
    assert found["dkb_agregat_kecamatan"].files == []


def test_second_format_of_the_same_input_is_refused_naming_both(tmp_path):
    raw = _semester(tmp_path, "agregat_kecamatan.csv", "agregat_kecamatan.XLSX")
    with pytest.raises(InputRejected) as caught:
        find_files(S.DKB_AGREGAT_KECAMATAN.files, raw, BUNDLED_SEMESTER)
    message = str(caught.value)
    assert "ditolak: 2 kesalahan" in message
    both = "2 file untuk satu input (agregat_kecamatan.XLSX dan agregat_kecamatan.csv)"
    assert message.count(both) == 2
    assert "nilai 'agregat_kecamatan.csv'" in message
    assert "nilai 'agregat_kecamatan.XLSX'" in message


def test_two_budget_realisations_of_one_year_refused_published_figures_may_be_many(tmp_path):
    raw = tmp_path / "raw"
    shutil.copytree(RAW / "anggaran", raw / "anggaran")
    shutil.copytree(RAW / "terbitan", raw / "terbitan")
    year = raw / "anggaran" / "2023"
    shutil.copy(year / "realisasi_anggaran_2023.xlsx", year / "REALISASI_ANGGARAN_2023_revisi.xlsx")
    with pytest.raises(InputRejected, match="REALISASI_ANGGARAN_2023_revisi.xlsx dan "):
        find_files(S.REALISASI_ANGGARAN.files, raw)

    published = raw / "terbitan"
    shutil.copy(published / "lakip_2023.csv", published / "lakip_2024.csv")
    shutil.copy(published / "lakip_2023.csv", published / "Copy of lakip_2023.csv")
    found = find_files(S.TERBITAN.files, raw)
    assert [p.name for p in found.files] == ["lakip_2023.csv", "lakip_2024.csv"]
    (warning,) = found.ignored  # README.md beside them is documentation, not a stranger
    assert "Copy of lakip_2023.csv diabaikan" in warning


def test_symlinks_and_pipes_are_refused_without_being_opened(tmp_path):
    raw = _semester(tmp_path)
    folder = raw / "dkb" / BUNDLED_SEMESTER
    outside = tmp_path / "di_luar.csv"
    shutil.copy(DKB, outside)
    (folder / "agregat_kecamatan.csv").symlink_to(outside)
    os.mkfifo(folder / "penduduk.csv")  # opening it would block the run for ever
    os.mkfifo(folder / "sampah.fifo")  # not an input name: ignored, never opened either

    with pytest.raises(InputRejected) as link:
        find_files(S.DKB_AGREGAT_KECAMATAN.files, raw, BUNDLED_SEMESTER)
    with pytest.raises(InputRejected) as pipe:
        find_files(S.EKSTRAK_PENDUDUK, raw, BUNDLED_SEMESTER)

    assert f"File {folder / 'agregat_kecamatan.csv'} ditolak" in str(link.value)
    assert "bukan file biasa (tautan simbolik)" in str(link.value)
    assert f"File {folder / 'penduduk.csv'} ditolak" in str(pipe.value)
    assert "bukan file biasa (pipe, perangkat atau soket)" in str(pipe.value)


def test_a_folder_linked_out_of_raw_is_refused(tmp_path):
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    shutil.copy(DKB, elsewhere / "agregat_kecamatan.csv")
    raw = tmp_path / "raw"
    (raw / "dkb").mkdir(parents=True)
    (raw / "dkb" / BUNDLED_SEMESTER).symlink_to(elsewhere)
    with pytest.raises(InputRejected, match="berada di luar raw/"):
        find_files(S.DKB_AGREGAT_KECAMATAN.files, raw, BUNDLED_SEMESTER)


def test_file_above_the_size_limit_is_refused_and_the_limit_is_a_setting(tmp_path, monkeypatch):
    raw = _semester(tmp_path, "agregat_kecamatan.csv")
    monkeypatch.setenv("DUKCAPIL_UKURAN_MAKS_MB", "0.001")
    with pytest.raises(InputRejected) as caught:
        find_files(S.DKB_AGREGAT_KECAMATAN.files, raw, BUNDLED_SEMESTER)
    assert (
        f"nilai 'agregat_kecamatan.csv': ukuran {format_id_number(DKB.stat().st_size)} byte "
        "melebihi batas 1.000 byte (DUKCAPIL_UKURAN_MAKS_MB, dalam MB)" in str(caught.value)
    )
    # the record-level extract has its own, larger limit
    assert find_files(S.EKSTRAK_PENDUDUK, raw, BUNDLED_SEMESTER).files == []
    monkeypatch.setenv("DUKCAPIL_UKURAN_MAKS_MB", "50MB")
    with pytest.raises(ValueError, match=r"DUKCAPIL_UKURAN_MAKS_MB='50MB' tidak valid"):
        find_files(S.DKB_AGREGAT_KECAMATAN.files, raw, BUNDLED_SEMESTER)


def test_runs_take_the_size_limits_from_the_settings_resource(tmp_path, monkeypatch):
    """The limits are settings of the Pengaturan resource (dg.EnvVar, same variables, same
    messages): a run refuses by the limit its resource was given, whatever the environment
    holds when the step runs; every step that looks for raw files is given the resource."""
    raw = _semester(tmp_path, "agregat_kecamatan.csv")
    monkeypatch.setenv("DUKCAPIL_UKURAN_MAKS_MB", "0.001")
    with dg.build_resources({"pengaturan": Pengaturan.from_env()}) as resources:
        limit = resources.pengaturan.max_file_bytes
    monkeypatch.delenv("DUKCAPIL_UKURAN_MAKS_MB")
    refused = r"melebihi batas 1\.000 byte \(DUKCAPIL_UKURAN_MAKS_MB,"
    with pytest.raises(InputRejected, match=refused):
        find_files(S.DKB_AGREGAT_KECAMATAN.files, raw, BUNDLED_SEMESTER, limit)
    assert find_files(S.DKB_AGREGAT_KECAMATAN.files, raw, BUNDLED_SEMESTER).files  # default 50 MB
    assert limit("rekaman") == 20_000 * 10**6
    assert Pengaturan(ukuran_maks_rekaman_mb="0.5").max_file_bytes("rekaman") == 500_000
    with pytest.raises(ValueError, match=r"DUKCAPIL_UKURAN_MAKS_REKAMAN_MB='-1' tidak valid"):
        Pengaturan(ukuran_maks_rekaman_mb="-1").max_file_bytes("rekaman")
    graph = defs.resolve_asset_graph()
    readers = [k for k in graph.get_all_asset_keys() if k.path[0] == "raw"]
    # every shared input, the DKB aggregate step (its CSV or SIAK workbooks) and the extract
    names = {*S.SOURCES, S.DKB_AGREGAT, "dkb_penduduk_kelurahan"}
    readers = [k for k in readers if k.path[1] in names]
    assert len(readers) == len(S.UNPARTITIONED_SOURCES) + 2
    for key in readers:
        assert "pengaturan" in defs.get_assets_def(key).required_resource_keys, key
    assert "pengaturan" in defs.resolve_sensor_def("rilis_baru").required_resource_keys
    assert "pengaturan" in defs.resolve_schedule_def("masa_rilis").required_resource_keys


def test_semester_without_folder_or_without_dkb_file_is_an_error_naming_the_folder(tmp_path):
    raw = _semester(tmp_path, "agregat_kecamatan.csv.bak")
    with pytest.raises(FolderRejected) as empty:
        semester_files(raw, BUNDLED_SEMESTER)
    assert str(empty.value) == (
        f"Folder {raw / 'dkb' / BUNDLED_SEMESTER} ditolak: tidak ada file DKB yang dikenali; "
        "yang diharapkan agregat_kecamatan.csv/.xlsx dan/atau agr_*.xlsx dan/atau "
        "penduduk.csv/.parquet "
        "(huruf besar/kecil tidak berpengaruh). Tidak ada data yang ditulis ke gudang data."
    )
    with pytest.raises(FolderRejected) as missing:
        semester_files(raw, "2024-S1")
    assert str(missing.value).startswith(
        f"Folder {raw / 'dkb' / '2024-S1'} ditolak: folder semester 2024-S1 tidak ada; "
        "letakkan di sana agregat_kecamatan.csv/.xlsx dan/atau agr_*.xlsx dan/atau "
        "penduduk.csv/.parquet."
    )


def test_folders_not_named_as_a_semester_are_reported(tmp_path):
    raw = _semester(tmp_path, "agregat_kecamatan.csv")
    for name in ("2024-s1", "2024 S1", "2024-S1 (revisi)"):
        (raw / "dkb" / name).mkdir()
    shutil.copy(DKB, raw / "dkb" / "agregat_kecamatan.csv")  # dropped one level too high

    semesters, warnings = semester_folders(raw)

    assert semesters == [BUNDLED_SEMESTER]
    assert len(warnings) == 4
    for name in ("2024-s1", "2024 S1", "2024-S1 (revisi)", "agregat_kecamatan.csv"):
        (warning,) = [w for w in warnings if f"{raw / 'dkb' / name} diabaikan" in w]
        assert "harus semester berbentuk TAHUN-S1 atau TAHUN-S2 (mis. 2024-S1)" in warning


def test_sensor_fingerprints_what_a_run_reads_and_names_the_copy(tmp_path):
    raw = tmp_path / "raw"
    shutil.copytree(RAW, raw)
    before = scan(raw, settle_seconds=0)
    folder = raw / "dkb" / BUNDLED_SEMESTER
    shutil.copy(folder / "agregat_kecamatan.csv", folder / "agregat_kecamatan.csv.bak")

    with_copy = scan(raw, settle_seconds=0)
    assert with_copy.semesters == before.semesters  # a backup copy is not a new release
    assert with_copy.warnings == [
        f"File {folder / 'agregat_kecamatan.csv.bak'} diabaikan, tidak dibaca: salinan, cadangan "
        "atau file sementara (yang dibaca: agregat_kecamatan.csv/.xlsx, agr_*.xlsx, "
        "penduduk.csv/.parquet)."
    ]
    (folder / "agregat_kecamatan.csv").rename(folder / "AGREGAT_KECAMATAN.CSV")
    renamed = scan(raw, settle_seconds=0)
    assert renamed.semesters[BUNDLED_SEMESTER] != before.semesters[BUNDLED_SEMESTER]
    assert f"dkb/{BUNDLED_SEMESTER}/AGREGAT_KECAMATAN.CSV" in renamed.hashes

    # a second format is refused, unread; the refusal changes the fingerprint, so one run
    # reports it; a folder not named as a semester is named in the sensor's log
    os.mkfifo(folder / "agregat_kecamatan.xlsx")
    (raw / "dkb" / "2024-S1 (revisi)").mkdir()
    refused = scan(raw, settle_seconds=0)
    assert refused.semesters[BUNDLED_SEMESTER] != renamed.semesters[BUNDLED_SEMESTER]
    assert list(refused.semesters) == [BUNDLED_SEMESTER]
    assert any(
        w.startswith(f"File {folder / 'agregat_kecamatan.xlsx'} ditolak: 3 kesalahan")
        and "bukan file biasa (pipe" in w
        for w in refused.warnings
    )
    assert any(f"{raw / 'dkb' / '2024-S1 (revisi)'} diabaikan" in w for w in refused.warnings)


# One whole run: the DKB file named in capitals, a backup copy beside it (the run of
# tests/conftest.py `awkward`, tests/berkas.py `awkward_dkb_folder`).
@pytest.fixture(scope="module")
def renamed(awkward) -> tuple[Pipeline, object]:
    pipe, result = awkward
    assert (pipe.paths.raw_dir / AWKWARD_DKB).exists() and AWKWARD_DKB.name.isupper()
    return pipe, result


def test_run_reads_the_capitalised_file_once_and_names_the_backup(renamed):
    pipe, result = renamed
    with pipe.published() as con:
        shown = con.execute(
            "SELECT m.kode_indikator, a.target, a.realisasi, a.capaian, a.kategori "
            "FROM analis.iku_tahunan a JOIN mart.pengukuran_kinerja m "
            "ON m.tahun = a.tahun AND m.urutan = a.urutan WHERE a.tahun = 2023 ORDER BY a.urutan"
        ).fetchall()
        (realisasi,) = con.execute(
            "SELECT realisasi FROM mart.pengukuran_kinerja WHERE tahun = 2023 "
            "AND kode_indikator = 'kepemilikan_ktp_el'"
        ).fetchone()
    # all ten rows of Tabel 3, as printed: neither doubled by the copy nor emptied by the name
    assert len(shown) == len(TABEL_3)
    for row, printed in zip(shown, TABEL_3, strict=True):
        assert row == pytest.approx(printed)
    assert realisasi == pytest.approx(330876 / 339130 * 100, rel=1e-12)

    backup = pipe.paths.raw_dir / BACKUP
    warnings = [
        e.user_message
        for e in pipe.instance.all_logs(result.run_id)
        if e.dagster_event is None and e.level == logging.WARNING
    ]
    assert sum(f"File {backup} diabaikan, tidak dibaca" in w for w in warnings) == 1


def test_empty_semester_folder_fails_naming_it_and_published_file_is_unchanged(bundled_copy):
    pipe = bundled_copy  # published once, by the bundled run
    published = pipe.paths.published_db.read_bytes()
    folder = pipe.paths.raw_dir / "dkb" / "2024-S1"
    folder.mkdir()
    result = pipe.run("2024-S1", raise_on_error=False)

    assert not result.success
    refusals = set()
    for event in result.all_events:
        if event.is_step_failure:  # a refusal is a dg.Failure whose description is the text
            refusals.add(event.step_failure_data.user_failure_data.description)
    assert refusals == {
        f"Folder {folder} ditolak: tidak ada file DKB yang dikenali; yang diharapkan "
        "agregat_kecamatan.csv/.xlsx dan/atau agr_*.xlsx dan/atau penduduk.csv/.parquet "
        "(huruf besar/kecil tidak "
        "berpengaruh). Tidak ada data yang ditulis ke gudang data."
    }
    assert pipe.paths.published_db.read_bytes() == published
