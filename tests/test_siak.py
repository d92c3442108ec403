"""A second office, from the files offices really have: the synthetic Kabupaten Pulau Taliabu of
tests/data/siak/ (8 kecamatan, 71 desa, real Kemendagri codes) whose DKB arrives as SIAK agregat
workbooks with the faults real exports have, its measures and KK-tercetak indicator as data.

One run of the whole job over its raw/ tree is shared; the expected figures are computed here
with pandas from tests/data/siak/angka.csv (the true counts per desa the workbooks were built
from), never read back from the warehouse."""

from __future__ import annotations

import shutil
from pathlib import Path

import dagster as dg
import pandas as pd
import pytest
from berkas import KUPANG
from conftest import BUNDLED_SEMESTER, SIAK, Pipeline, copy_pipeline

from pipelines.config import Pengaturan
from pipelines.defs.masukan.agregat import ingest_dkb, read_kecamatan_file, read_siak_file
from pipelines.defs.masukan.deklarasi import REGION_REFERENCE, normalise_label
from pipelines.defs.masukan.ukuran import PetaUkuran
from pipelines.domain import wilayah as nasional
from pipelines.domain.angka import format_id_number
from pipelines.domain.penolakan import InputRejected
from pipelines.gudang.db import Warehouse
from tests.test_gerbang_schemas import _regions

DKB = Path("dkb") / BUNDLED_SEMESTER
KAB = "82.08"
# tests/data/siak/buat_siak.py: the kab row's REKAM printed 7 too many (BLM_REKAM 7 too few)
KAB_REKAM_SELISIH = 7


@pytest.fixture(scope="module")
def angka() -> pd.DataFrame:
    return pd.read_csv(SIAK / "angka.csv", dtype={"kode": str})


def _tabel3(pipe: Pipeline) -> pd.DataFrame:
    """Tabel 3 at full precision (analis.iku_tahunan shows it under the display rule)."""
    with pipe.build() as con:
        return con.execute(
            "SELECT kode_indikator, realisasi, target, capaian, kategori "
            "FROM mart.pengukuran_kinerja WHERE tahun = 2023"
        ).df()


def _expected_tabel3(angka: pd.DataFrame) -> pd.DataFrame:
    """Tabel 3 by the definitions of the office's data files, over the true desa counts."""
    raw = SIAK / "raw" / "indikator"
    definisi = pd.read_csv(raw / "definisi_indikator.csv")
    target = pd.read_csv(raw / "target.csv").query("tahun == 2023 and dokumen == 'PK'")
    total = angka.groupby("ukuran")["nilai"].sum()
    out = definisi.merge(target, on="kode_indikator")
    out["realisasi"] = [
        total[p] / total[q] * k
        for p, q, k in zip(out["pembilang"], out["penyebut"], out["pengali"], strict=True)
    ]
    out["capaian"] = out["realisasi"] / out["target"] * 100
    return out.set_index("kode_indikator")[["realisasi", "target", "capaian"]]


def test_tabel3_of_the_second_office_equals_an_independent_computation(kabupaten, angka):
    got = _tabel3(kabupaten).set_index("kode_indikator").sort_index()
    expected = _expected_tabel3(angka).sort_index()
    assert list(got.index) == list(expected.index)
    assert len(got) == 4
    for column in ("realisasi", "target", "capaian"):
        assert got[column].tolist() == pytest.approx(expected[column].tolist(), rel=1e-12)


def test_kk_tercetak_indicator_added_by_data_only_appears_with_its_value(kabupaten, angka):
    """The KK measures and the indicator are rows of the office's data files; the value is the
    latest snapshot's (the older agr_kk_20122023 printed half the KK tercetak)."""
    row = _tabel3(kabupaten).set_index("kode_indikator").loc["kk_tercetak"]
    total = angka.groupby("ukuran")["nilai"].sum()
    assert row["realisasi"] == pytest.approx(total["kk_tercetak"] / total["jumlah_kk"] * 100)
    assert row["target"] == 85
    assert row["kategori"] == "SANGAT MEMUASKAN"
    with kabupaten.build() as con:
        files = {r[0] for r in con.execute("SELECT berkas FROM raw.berkas_diterima").fetchall()}
    assert str(DKB / "agr_kk_05012024_8208.xlsx") in files
    assert str(DKB / "agr_kk_20122023_8208.xlsx") not in files


def test_kelurahan_counts_are_protected_as_on_the_record_level_path(kabupaten, angka):
    """Desa rows reach mart.agregat_kelurahan rounded to the basis, the true count inside the
    published range, every small count (1..4) disguised."""
    with kabupaten.published() as con:
        mart = con.execute(
            "SELECT kode_kelurahan AS kode_wilayah, ukuran, nilai, disamarkan, batas_bawah, "
            "batas_atas FROM analis.agregat_kelurahan"
        ).df()
    # penduduk_laki_laki: one desa printed 3 too many (a reported fault): not the true count
    mart = mart[mart["ukuran"] != "penduduk_laki_laki"]
    true = angka.rename(columns={"kode": "kode_wilayah", "nilai": "benar"})
    both = mart.merge(true, on=["kode_wilayah", "ukuran"])
    assert len(both) == len(mart) > 71 * 10
    shown = both.dropna(subset=["nilai"])
    assert (shown["nilai"] % 10 == 0).all()
    bounded = both.dropna(subset=["batas_bawah"])
    assert (bounded["benar"] >= bounded["batas_bawah"]).all()
    assert (bounded["benar"] <= bounded["batas_atas"]).all()
    small = both[both["benar"].between(1, 4)]
    assert len(small) > 0 and small["disamarkan"].all()


def test_faults_that_do_not_stop_the_run_are_recorded_and_no_figure_is_fixed(kabupaten):
    with kabupaten.build() as con:
        breaks = con.execute(
            "SELECT _berkas, baris, kolom, nilai_tercetak, jumlah_baris FROM raw.cek_baris_total "
            "WHERE sumber = 'dkb_agregat' AND selisih <> 0 ORDER BY ALL"
        ).fetchall()
        stored = con.execute(
            "SELECT ukuran, tingkat, count(*) FROM raw.dkb_agregat GROUP BY ALL ORDER BY ALL"
        ).fetchall()
        kab_rekam = con.execute(
            "SELECT nilai FROM raw.dkb_agregat WHERE kode_wilayah = ? AND ukuran = ?",
            [KAB, "ktp_el_sudah_rekam"],
        ).fetchone()[0]
    rekam = str(DKB / "agr_rekam_cetak_ektp_05012024_8208.xlsx")
    kab_rows = [b for b in breaks if b[0] == rekam]
    assert [b[2] for b in kab_rows] == [
        "BLM_REKAM (ktp_el_belum_rekam): baris kab/kota = Σ desa/kelurahan",
        "BLM_REKAM (ktp_el_belum_rekam): baris kab/kota = Σ kecamatan",
        "REKAM (ktp_el_sudah_rekam): baris kab/kota = Σ desa/kelurahan",
        "REKAM (ktp_el_sudah_rekam): baris kab/kota = Σ kecamatan",
    ]
    assert {b[3] - b[4] for b in kab_rows} == {KAB_REKAM_SELISIH, -KAB_REKAM_SELISIH}
    # the kab row is kept as printed (it is checked, not used: the tables sum the desa)
    assert kab_rekam == kab_rows[2][3]
    jk = [b for b in breaks if b[0].endswith("agr_jk_05012024_8208.xlsx")]
    assert "JML (penduduk) = L + P" in {b[2] for b in jk}
    # NULL and '-' are missing figures: one desa fewer, never a 0
    counts = {(u, t): n for u, t, n in stored}
    assert counts[("kk_belum_tercetak", "kelurahan")] == 70
    assert counts[("penduduk_akta_kelahiran_belum", "kelurahan")] == 70
    assert counts[("kk_tercetak", "kelurahan")] == 71
    assert counts[("penduduk", "kabkota")] == 1


def _peta_dan_wilayah() -> tuple[PetaUkuran, set[str]]:
    return PetaUkuran.from_files(SIAK / "raw"), {KAB, *(r.kode for r in nasional.regions_of(KAB))}


# A code of another kab/kota is named as such (pipelines/domain/wilayah.py).
ELSEWHERE = {REGION_REFERENCE: nasional.Elsewhere(KAB, normalise_label, "kecamatan").code}


def _refusal(path: Path) -> list[str]:
    peta, wilayah = _peta_dan_wilayah()
    with pytest.raises(InputRejected) as caught:
        read_siak_file(path, peta, BUNDLED_SEMESTER, KAB, wilayah, ELSEWHERE)
    heading, *lines = str(caught.value).splitlines()
    assert heading.startswith(f"File {path} ditolak:")
    return [line.strip() for line in lines]


REKAM = "agr_rekam_cetak_ektp_05012024_8208.xlsx"


@pytest.mark.parametrize(
    ("case", "name", "lines"),
    [
        (
            "kode_asing",
            REKAM,
            [
                "baris 4, kolom KODE (kode), nilai '82.07.01.2001': 82.07.01.2001 adalah desa "
                "GOTALAMO di KABUPATEN PULAU MOROTAI (82.07), bukan KABUPATEN PULAU TALIABU"
            ],
        ),
        (
            "kode_rusak",
            REKAM,
            [
                "baris 4, kolom KODE (kode), nilai '82.08.1': kode wilayah tidak terbaca (KODE "
                "atau NO_PROP/NO_KAB/NO_KEC/NO_KEL)"
            ],
        ),
        (
            "kab_lain",
            "agr_rekam_cetak_ektp_05012024_8207.xlsx",
            [
                "seluruh file: kode kab/kota di nama berkas (82.07) bukan kode kantor ini "
                "(82.08, raw/referensi/daerah.csv): berkas kab/kota lain?"
            ],
        ),
    ],
)
def test_each_refused_fault_names_file_row_column_and_value(case, name, lines):
    assert _refusal(SIAK / "salah" / case / name) == lines


def test_a_row_that_breaks_an_identity_of_the_measures_is_refused_in_the_gate_words(angka):
    """wajib = memiliki + belum: sql/macros/identitas_ukuran.sql, the CSV's rule and message;
    the fault: the first kecamatan's BLM_REKAM printed one too many (sheet row 3)."""
    kecamatan = angka[angka["kode"].str.startswith("82.08.01.")].groupby("ukuran")["nilai"].sum()
    belum, sudah, wajib = (
        kecamatan["ktp_el_belum_rekam"] + 1,
        kecamatan["ktp_el_sudah_rekam"],
        kecamatan["wajib_ktp_el"],
    )
    assert _refusal(SIAK / "salah" / "identitas" / REKAM) == [
        "baris 3, kolom wajib_ktp_el, ktp_el_sudah_rekam, ktp_el_belum_rekam, nilai "
        f"'wajib_ktp_el={format_id_number(wajib)}, ktp_el_sudah_rekam={format_id_number(sudah)}, "
        f"ktp_el_belum_rekam={format_id_number(belum)}'"
        ": wajib_ktp_el = ktp_el_sudah_rekam + ktp_el_belum_rekam"
    ]


def test_a_topic_without_mapping_names_its_headers_and_the_mapped_topics():
    (line,) = _refusal(SIAK / "salah" / "topik_asing" / "agr_stat_kwn_05012024_8208.xlsx")
    assert line.startswith(
        "seluruh file: tidak ada judul kolom ukuran yang dikenal untuk topik 'stat_kwn' "
        "(judul: BELUM_KAWIN, KAWIN); topik yang dipetakan: akta_lahir_all,"
    )
    assert line.endswith("Tambahkan barisnya ke raw/referensi/ukuran_header.csv")


def test_an_unknown_header_is_named_in_a_warning_not_dropped_silently():
    peta, wilayah = _peta_dan_wilayah()
    path = SIAK / "raw" / DKB / "agr_akta_lahir_all_05012024_8208.xlsx"
    *_, warnings, _ = read_siak_file(path, peta, BUNDLED_SEMESTER, KAB, wilayah, ELSEWHERE)
    assert warnings == [
        f"{path}: kolom 'MMLK_LUAR_NEGERI' tidak dikenal untuk topik akta_lahir_all dan tidak "
        "dibaca; petakan ke ukuran di raw/referensi/ukuran_header.csv (atau '-' bila memang "
        "diabaikan)."
    ]


def test_a_semester_with_both_the_kecamatan_file_and_workbooks_is_refused(tmp_path):
    raw = tmp_path / "raw"
    shutil.copytree(SIAK / "raw" / DKB, raw / DKB)
    shutil.copy(KUPANG / DKB / "agregat_kecamatan.csv", raw / DKB)
    warehouse = Warehouse(raw_dir=str(raw), warehouse_dir=str(tmp_path / "warehouse"))
    context = dg.build_asset_context(partition_key=BUNDLED_SEMESTER)
    with pytest.raises(InputRejected) as caught:
        ingest_dkb(context, warehouse, Pengaturan())
    (failure,) = caught.value.failures
    assert failure.file == str(raw / DKB / "agregat_kecamatan.csv")
    assert failure.rule.startswith(
        "semester ini berisi agregat per kecamatan dan ekspor SIAK agr_*.xlsx (agregat_kecamatan"
        ".csv, agr_akta_lahir_all_05012024_8208.xlsx,"
    )
    assert failure.rule.endswith("sisakan satu jenis di folder ini")


def test_a_measure_an_indicator_needs_names_indicator_measure_and_files(kabupaten, tmp_path):
    pipe = copy_pipeline(kabupaten, tmp_path)
    for path in (pipe.paths.raw_dir / DKB).glob("agr_kk_*.xlsx"):
        path.unlink()
    result = pipe.run(BUNDLED_SEMESTER, raise_on_error=False)
    assert not result.success
    (failure,) = [e for e in result.all_events if e.is_step_failure]
    assert failure.step_key == "raw__dkb_agregat"
    heading, *lines = failure.step_failure_data.user_failure_data.description.splitlines()
    assert heading.startswith(f"File {pipe.paths.raw_dir / DKB} ditolak: 2 kesalahan")
    read = ", ".join(
        str(DKB / n)
        for n in (
            "agr_akta_lahir_all_05012024_8208.xlsx",
            "agr_jk_05012024_8208.xlsx",
            "agr_kia_202312_050124_8208.xlsx",
            "agr_rekam_cetak_ektp_05012024_8208.xlsx",
        )
    )
    assert [line.strip() for line in lines] == [
        f"seluruh file, kolom {u}, nilai '(tidak ada)': indikator kk_tercetak membutuhkan "
        f"ukuran {u} ({peran}), yang tidak ada di berkas yang dibaca: {read}"
        for u, peran in (("kk_tercetak", "pembilang"), ("jumlah_kk", "penyebut"))
    ]


def test_a_new_measure_in_the_kecamatan_file_is_read_once_the_data_files_name_it(tmp_path):
    """Kupang's agregat_kecamatan.csv with two more columns: JUMLAH KK is already mapped
    (jumlah_kk), AKTA KEMATIAN is not: named in a warning and not read, until a row in
    ukuran_dkb.csv and one in ukuran_header.csv make it the measure akta_kematian."""
    raw = tmp_path / "raw"
    shutil.copytree(KUPANG / "referensi", raw / "referensi")
    lines = (KUPANG / DKB / "agregat_kecamatan.csv").read_text().splitlines()
    kk = [f"{20000 + i}" for i in range(len(lines) - 2)]
    mati = [f"{100 + i}" for i in range(len(lines) - 2)]
    body = [f"{line};{a};{b}" for line, a, b in zip(lines[1:-1], kk, mati, strict=True)]
    path = raw / DKB / "agregat_kecamatan.csv"
    path.parent.mkdir(parents=True)
    path.write_text("\n".join([f"{lines[0]};JUMLAH KK;AKTA KEMATIAN", *body]) + "\n")

    def read():
        peta = PetaUkuran.from_files(raw)
        return read_kecamatan_file(path, peta, BUNDLED_SEMESTER, {}, _regions(), None)

    long, _, warnings, _ = read()
    assert warnings == [
        f"{path}: kolom 'AKTA KEMATIAN' tidak dikenal untuk topik - dan tidak dibaca; petakan ke "
        "ukuran di raw/referensi/ukuran_header.csv (atau '-' bila memang diabaikan)."
    ]
    assert long.loc[long["ukuran"] == "jumlah_kk", "nilai"].tolist() == [int(v) for v in kk]
    assert "akta_kematian" not in set(long["ukuran"])

    with (raw / "referensi" / "ukuran_dkb.csv").open("a") as f:
        f.write("akta_kematian,Akta kematian terbit,tidak,,\n")
    with (raw / "referensi" / "ukuran_header.csv").open("a") as f:
        f.write("agregat_kecamatan,*,AKTA KEMATIAN,akta_kematian\n")
    long, _, warnings, _ = read()
    assert warnings == []
    assert long.loc[long["ukuran"] == "akta_kematian", "nilai"].tolist() == [int(v) for v in mati]
