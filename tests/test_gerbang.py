"""The gate, file by file: each bad file in tests/data/bad is rejected with an error naming file,
row (as numbered in the file), column, value and rule, and the warehouse stays as it was; each
awkward-but-valid file in tests/data/baik is read to exactly the bundled figures."""

import hashlib
import shutil
from dataclasses import dataclass
from pathlib import Path

import dagster as dg
import pytest

from tests.conftest import Pipeline, make_pipeline

DATA = Path(__file__).parent / "data"
DKB = "dkb/2023-S2/agregat_kecamatan.csv"


@dataclass(frozen=True)
class Case:
    bad_file: str
    replaces: str  # path under raw/ (any file with the same stem is taken out first)
    table: str  # raw table that must stay exactly as it was
    lines: tuple[str, ...]  # every line of the report after the heading

    @property
    def target(self) -> str:
        return str(Path(self.replaces).with_suffix(Path(self.bad_file).suffix))


CASES = [
    Case(
        "dkb_kolom_hilang.csv",
        DKB,
        "raw.dkb_agregat_kecamatan",
        (
            "baris 1, kolom BELUM REKAM KTP-EL (ktp_el_belum_rekam), nilai '(tidak ada)': "
            "kolom wajib tidak ada di baris judul (cek ejaan judul kolom)",
        ),
    ),
    Case(
        "dkb_kecamatan_tidak_dikenal.csv",
        DKB,
        "raw.dkb_agregat_kecamatan",
        (
            "baris 4, kolom KECAMATAN (kecamatan), nilai 'KELAPA LIMMA': nama wilayah tidak ada "
            "di referensi Kemendagri maupun tabel alias (tambahkan ejaan ini ke "
            "raw/referensi/wilayah_alias.csv bila benar)",
        ),
    ),
    Case(
        "dkb_kecamatan_ganda.csv",
        DKB,
        "raw.dkb_agregat_kecamatan",
        (
            "baris 5, kolom kode_kecamatan, nilai 'OEOBOBO → 53.71.04': "
            "duplikat: kode_kecamatan yang sama juga ada di baris 6",
            "baris 6, kolom kode_kecamatan, nilai 'OEBOBO → 53.71.04': "
            "duplikat: kode_kecamatan yang sama juga ada di baris 5",
        ),
    ),
    Case(
        "dkb_notasi_ilmiah.csv",
        DKB,
        "raw.dkb_agregat_kecamatan",
        (
            "baris 3, kolom JUMLAH PENDUDUK (penduduk), nilai '1,02547E+05': notasi ilmiah: "
            "Excel sudah membulatkan angka ini; format sel sebagai angka penuh atau teks lalu "
            "ekspor ulang",
        ),
    ),
    Case(
        "dkb_teks_di_angka.csv",
        DKB,
        "raw.dkb_agregat_kecamatan",
        (
            "baris 2, kolom WAJIB KIA (wajib_kia), nilai '22.074 anak': "
            "bukan angka berformat Indonesia (ribuan '.', desimal ',')",
        ),
    ),
    Case(
        "dkb_baris_jumlah_rusak.csv",
        DKB,
        "raw.dkb_agregat_kecamatan",
        (
            "baris 8, kolom JUMLAH PENDUDUK (penduduk), nilai '#REF!': "
            "galat rumus Excel, bukan angka: perbaiki rumus di file sumber",
        ),
    ),
    Case(
        "dkb_identitas_ktp_el.csv",
        DKB,
        "raw.dkb_agregat_kecamatan",
        (
            "baris 6, kolom ktp_el_belum_rekam, ktp_el_sudah_rekam, wajib_ktp_el, nilai "
            "'ktp_el_belum_rekam=1.955, ktp_el_sudah_rekam=43.058, wajib_ktp_el=44.013': "
            "wajib_ktp_el = ktp_el_sudah_rekam + ktp_el_belum_rekam",
        ),
    ),
    Case(
        # merged two-row header, title and footer rows: the row number is the sheet's
        "dkb_dua_baris_negatif.xlsx",
        DKB,
        "raw.dkb_agregat_kecamatan",
        (
            "baris 11, kolom KTP-EL / CETAK (ktp_el_cetak), nilai '-27049': "
            "tidak boleh negatif (harus ≥ 0) [greater_than_or_equal_to(0)]",
        ),
    ),
    Case(
        "anggaran_pk_tahun_lain.csv",
        "anggaran/2023/anggaran_pk.csv",
        "raw.anggaran_pk",
        (
            "baris 5, kolom tahun, nilai '2022': tidak sesuai folder '2023/' tempat file ini "
            "diletakkan (periode lain?)",
        ),
    ),
    Case(
        "wilayah_alias_kode_tidak_ada.csv",
        "referensi/wilayah_alias.csv",
        "raw.wilayah_alias",
        (
            "baris 6, kolom kode, nilai '53.71.07': "
            "tidak dikenal: bukan salah satu nilai wilayah yang terdaftar",
        ),
    ),
    Case(
        # Tabel 11 prints 2019 as "110.26"; the transcription must use the Indonesian comma
        "terbitan_titik_desimal.csv",
        "terbitan/lakip_2023.csv",
        "raw.terbitan",
        (
            "baris 276, kolom kolom, nilai_terbit, nilai 'kolom=capaian, nilai_terbit=110.26': "
            "nilai_terbit kolom angka harus angka berformat Indonesia",
        ),
    ),
]


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _rejection(result: dg.ExecuteInProcessResult) -> str:
    """The gate's report, as the officer sees it at the end of the failed step."""
    messages = []
    for event in result.all_events:
        if event.is_step_failure:
            error = event.step_failure_data.error
            while error.cause is not None:
                error = error.cause
            assert error.cls_name == "InputRejected", error.message
            prefix = "pipelines.validate.errors.InputRejected: "
            messages.append(error.message.strip().removeprefix(prefix))
    (message,) = messages
    return message


def _snapshot(pipe: Pipeline, table: str) -> list[tuple]:
    with pipe.build() as con:
        return con.execute(f"SELECT * FROM {table} ORDER BY ALL").fetchall()


@pytest.fixture(scope="module")
def published(tmp_path_factory) -> Pipeline:
    """Bundled inputs run once and published: the state every rejected file must leave alone."""
    pipe = make_pipeline(tmp_path_factory.mktemp("gerbang"))
    assert pipe.run().success
    return pipe


@pytest.mark.parametrize("case", CASES, ids=[c.bad_file for c in CASES])
def test_bad_file_is_rejected_and_warehouse_unchanged(published: Pipeline, case: Case):
    raw = published.paths.raw_dir
    before_file = _sha256(published.paths.published_db)
    before_table = _snapshot(published, case.table)
    replaced = {
        p: p.read_bytes()
        for p in (raw / case.replaces).parent.glob(Path(case.replaces).stem + ".*")
    }
    for path in replaced:
        path.unlink()
    shutil.copy(DATA / "bad" / case.bad_file, raw / case.target)
    try:
        result = published.run(raise_on_error=False)
    finally:
        (raw / case.target).unlink()
        for path, content in replaced.items():
            path.write_bytes(content)

    assert not result.success
    heading, *lines = _rejection(result).splitlines()
    assert heading == (
        f"File {raw / case.target} ditolak: {len(case.lines)} kesalahan ditemukan; "
        "tidak ada data yang ditulis ke gudang data."
    )
    assert [line.strip() for line in lines] == list(case.lines)
    materialized = {e.asset_key.to_user_string() for e in result.get_asset_materialization_events()}
    assert case.table.replace(".", "/") not in materialized
    assert "publikasi/gudang_analis" not in materialized
    assert _sha256(published.paths.published_db) == before_file
    assert _snapshot(published, case.table) == before_table


def test_semester_that_has_not_ended_is_rejected(published: Pipeline):
    folder = published.paths.raw_dir / "dkb" / "2099-S1"
    folder.mkdir()
    shutil.copy(published.paths.raw_dir / DKB, folder / "agregat_kecamatan.csv")
    before = _sha256(published.paths.published_db)
    try:
        result = published.run("2099-S1", raise_on_error=False)
    finally:
        shutil.rmtree(folder)
    assert not result.success
    heading, first, *_ = _rejection(result).splitlines()
    assert "ditolak: 6 kesalahan" in heading
    assert first.strip() == (
        "baris 2, kolom semester, nilai '2099-S1': "
        "semester belum berakhir: DKB semester ini belum mungkin ada"
    )
    assert _sha256(published.paths.published_db) == before
    with published.build() as con:
        assert con.execute(
            "SELECT count(*) FROM raw.dkb_agregat_kecamatan WHERE semester = '2099-S1'"
        ).fetchone() == (0,)


@pytest.mark.parametrize(
    "good_file",
    [
        "agregat_kecamatan_bom.csv",  # UTF-8 with BOM, title rows above, source note below
        "agregat_kecamatan_cp1252.csv",  # Windows-1252 export (the en dash in the footer)
        "agregat_kecamatan_dua_baris.xlsx",  # Tabel 4-9 layout: merged two-row header
    ],
)
def test_awkward_but_valid_export_gives_the_bundled_figures(tmp_path, analyst, good_file):
    pipe = make_pipeline(tmp_path)
    (pipe.paths.raw_dir / DKB).unlink()
    target = pipe.paths.raw_dir / "dkb/2023-S2" / ("agregat_kecamatan" + Path(good_file).suffix)
    shutil.copy(DATA / "baik" / good_file, target)
    assert pipe.run().success
    query = "SELECT * FROM mart.agregat_wilayah ORDER BY ALL"
    with pipe.published() as con:
        assert con.execute(query).fetchall() == analyst.execute(query).fetchall()
    with pipe.build() as con:
        rows = con.execute(
            "SELECT kecamatan, _baris FROM raw.dkb_agregat_kecamatan ORDER BY _baris"
        ).fetchall()
    assert [r[0] for r in rows][:2] == ["ALAK", "MAULafa"]
    assert rows[0][1] == (6 if good_file.endswith(".xlsx") else 5)  # row as seen in the file
