"""The gate, file by file: each bad file in tests/data/bad is rejected with one list of errors
naming file, row (as numbered in the file), column, value and rule, in words and without Python's
own; a refused file reaches the officer as that text and the warehouse stays as it was; each
awkward-but-valid file in tests/data/baik is read to exactly the bundled figures.

Each bad file is checked by calling the reader and the gate as the ingest asset does; two of
them also go through a whole run (a refusal from the reader, one from every stage of the gate).
"""

import hashlib
import re
import shutil
import zipfile
from dataclasses import dataclass
from pathlib import Path

import dagster as dg
import pytest
from openpyxl import load_workbook

from pipelines.defs.masukan import sumber as S
from pipelines.defs.masukan.assets import _constants, _expected
from pipelines.defs.masukan.gerbang import validate_table
from pipelines.defs.masukan.readers import read_raw
from pipelines.domain.penolakan import InputRejected
from tests.berkas import AWKWARD_DKB, PENDUDUK_KOTA, dkb_kecamatan_source
from tests.conftest import BUNDLED_SEMESTER, Pipeline, copy_pipeline
from tests.test_gerbang_schemas import RAW, _known, _regions

DATA = Path(__file__).parent / "data"
DKB = "dkb/2023-S2/agregat_kecamatan.csv"
DKB_KUPANG = dkb_kecamatan_source(RAW)
SOURCES = {s.name: s for s in S.UNPARTITIONED_SOURCES} | {S.DKB_AGREGAT: DKB_KUPANG}


@dataclass(frozen=True)
class Case:
    bad_file: str
    replaces: str  # path under raw/ (any file with the same stem is taken out first)
    table: str  # raw table that must stay exactly as it was
    lines: tuple[str, ...]  # every line of the report after the heading

    @property
    def target(self) -> str:
        return str(Path(self.replaces).with_suffix(Path(self.bad_file).suffix))

    @property
    def source(self) -> S.Source:
        return SOURCES[self.table.removeprefix("raw.")]


def _whole_file(rule: str) -> tuple[str]:
    return (f"seluruh file: {rule}",)


_UNCACHED = "rumus tanpa nilai tersimpan: buka dan simpan ulang di Excel, atau tempel sebagai nilai"
_TOO_BIG = "angka terlalu besar: melebihi batas wajar"
_UNKNOWN_REGION = (
    "nama wilayah tidak ada di referensi Kemendagri maupun tabel alias (tambahkan ejaan ini ke "
    "raw/referensi/wilayah_alias.csv bila benar)"
)


CASES = [
    Case(
        "dkb_kolom_hilang.csv",
        DKB,
        "raw.dkb_agregat",
        (
            "baris 1, kolom BELUM REKAM KTP-EL (ktp_el_belum_rekam), nilai '(tidak ada)': "
            "kolom wajib tidak ada di baris judul (cek ejaan judul kolom)",
        ),
    ),
    Case(
        "dkb_kecamatan_tidak_dikenal.csv",
        DKB,
        "raw.dkb_agregat",
        (f"baris 4, kolom KECAMATAN (kecamatan), nilai 'KELAPA LIMMA': {_UNKNOWN_REGION}",),
    ),
    Case(
        "dkb_kecamatan_ganda.csv",
        DKB,
        "raw.dkb_agregat",
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
        "raw.dkb_agregat",
        (
            "baris 3, kolom JUMLAH PENDUDUK (penduduk), nilai '1,02547E+05': notasi ilmiah: "
            "Excel sudah membulatkan angka ini; format sel sebagai angka penuh atau teks lalu "
            "ekspor ulang",
        ),
    ),
    Case(
        "dkb_teks_di_angka.csv",
        DKB,
        "raw.dkb_agregat",
        (
            "baris 2, kolom WAJIB KIA (wajib_kia), nilai '22.074 anak': "
            "bukan angka berformat Indonesia (ribuan '.', desimal ',')",
        ),
    ),
    Case(
        "dkb_baris_jumlah_rusak.csv",
        DKB,
        "raw.dkb_agregat",
        (
            "baris 8, kolom JUMLAH PENDUDUK (penduduk), nilai '#REF!': "
            "galat rumus Excel, bukan angka: perbaiki rumus di file sumber",
        ),
    ),
    Case(
        "dkb_identitas_ktp_el.csv",
        DKB,
        "raw.dkb_agregat",
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
        "raw.dkb_agregat",
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
    # Files that hold no readable table: named as a whole, in words.
    Case("dkb_kosong.csv", DKB, "raw.dkb_agregat", _whole_file("file kosong (0 byte)")),
    Case(
        "dkb_spasi_saja.csv",
        DKB,
        "raw.dkb_agregat",
        _whole_file("file tidak berisi apa pun selain spasi atau baris kosong"),
    ),
    Case(
        # was AttributeError("Can only use .str accessor with string values!")
        "dkb_judul_saja.csv",
        DKB,
        "raw.dkb_agregat",
        _whole_file("tidak ada baris data di bawah baris judul (baris 1)"),
    ),
    Case(
        "dkb_tanpa_baris_judul.csv",
        DKB,
        "raw.dkb_agregat",
        _whole_file(
            "baris judul kolom tidak ditemukan di 30 baris pertama; judul yang diharapkan: "
            + ", ".join(c.headers[0] for c in DKB_KUPANG.columns if c.required)
        ),
    ),
    Case(
        "dkb_utf16_tanpa_bom.csv",
        DKB,
        "raw.dkb_agregat",
        _whole_file(
            "berisi byte nol: bukan CSV teks, atau pengodean UTF-16 tanpa BOM; simpan ulang "
            "sebagai CSV UTF-8"
        ),
    ),
    # Workbooks that are not what their name says (was "File is not a zip file", unnamed).
    Case("dkb_kosong.xlsx", DKB, "raw.dkb_agregat", _whole_file("file kosong (0 byte)")),
    Case(
        "dkb_rusak.xlsx",
        DKB,
        "raw.dkb_agregat",
        _whole_file("bukan file Excel yang sah / rusak: buka di Excel lalu simpan ulang (.xlsx)"),
    ),
    Case(
        "dkb_csv_bernama_xlsx.xlsx",
        DKB,
        "raw.dkb_agregat",
        _whole_file(
            "bukan file Excel yang sah: isinya teks (CSV?); simpan ulang sebagai .xlsx atau "
            "beri ekstensi .csv"
        ),
    ),
    Case(
        "dkb_format_lama.xls",
        DKB,
        "raw.dkb_agregat",
        _whole_file(
            "format Excel lama (.xls): buka di Excel lalu simpan sebagai Excel Workbook (.xlsx)"
        ),
    ),
    Case(
        "dkb_dikunci_sandi.xlsx",
        DKB,
        "raw.dkb_agregat",
        _whole_file(
            "file Excel dilindungi kata sandi: buka di Excel, hapus kata sandinya, "
            "lalu simpan ulang"
        ),
    ),
    Case(
        # written by a program: formulas with no value stored, which openpyxl reads as empty
        "dkb_rumus_tanpa_nilai.xlsx",
        DKB,
        "raw.dkb_agregat",
        tuple(
            f"baris {r}, kolom WAJIB KTP-EL (wajib_ktp_el), nilai '=F{r}+G{r}': sel E{r}: "
            + _UNCACHED
            for r in range(2, 8)
        )
        + (f"baris 8, kolom JUMLAH PENDUDUK (penduduk), nilai '=SUM(C2:C7)': sel C8: {_UNCACHED}",),
    ),
    Case(
        # 2^63 wrapped around to -9223372036854775808 "tidak boleh negatif"
        "dkb_angka_terlalu_besar.csv",
        DKB,
        "raw.dkb_agregat",
        (
            "baris 2, kolom JUMLAH PENDUDUK (penduduk), nilai '9.223.372.036.854.775.808': "
            f"{_TOO_BIG} 1.000.000.000 (salah ketik atau salah ekspor?)",
            "baris 3, kolom PENDUDUK 17+ KAWIN (penduduk_17_kawin), nilai '1.500.000.000': "
            f"{_TOO_BIG} 1.000.000.000 (salah ketik atau salah ekspor?)",
        ),
    ),
    Case(
        # typing, region and pandera errors of one file in one list, in file order
        "dkb_semua_tahap.csv",
        DKB,
        "raw.dkb_agregat",
        (
            "baris 2, kolom WAJIB KIA (wajib_kia), nilai '22.074 anak': "
            "bukan angka berformat Indonesia (ribuan '.', desimal ',')",
            f"baris 4, kolom KECAMATAN (kecamatan), nilai 'KELAPA LIMMA': {_UNKNOWN_REGION}",
            "baris 6, kolom ktp_el_belum_rekam, ktp_el_sudah_rekam, wajib_ktp_el, nilai "
            "'ktp_el_belum_rekam=1.955, ktp_el_sudah_rekam=43.058, wajib_ktp_el=44.013': "
            "wajib_ktp_el = ktp_el_sudah_rekam + ktp_el_belum_rekam",
        ),
    ),
]
# A refusal from the reader and one from every stage of the gate also go through a whole run.
WHOLE_RUN = [c for c in CASES if c.bad_file in ("dkb_rusak.xlsx", "dkb_semua_tahap.csv")]


def _gate(source: S.Source, path: Path) -> object:
    """What the ingest asset does with one file before anything is written."""
    partition = BUNDLED_SEMESTER if source.partitioned else None
    return validate_table(
        read_raw(path, source),
        source,
        known=_known(),
        regions=_regions(),
        constants={"semester": partition} if source.partitioned else _constants(source, path),
        expected=_expected(source, path),
    )


def _refusal(source: S.Source, path: Path) -> tuple[str, list[str]]:
    with pytest.raises(InputRejected) as caught:
        _gate(source, path)
    heading, *lines = str(caught.value).splitlines()
    return heading, [line.strip() for line in lines]


def _heading(path: Path, n: int) -> str:
    return (
        f"File {path} ditolak: {n} kesalahan ditemukan; tidak ada data yang ditulis ke gudang data."
    )


@pytest.mark.parametrize("case", CASES, ids=[c.bad_file for c in CASES])
def test_bad_file_is_refused_with_every_error_in_words(tmp_path: Path, case: Case):
    path = tmp_path / "raw" / case.target
    path.parent.mkdir(parents=True)
    shutil.copy(DATA / "bad" / case.bad_file, path)
    heading, lines = _refusal(case.source, path)
    assert heading == _heading(path, len(case.lines))
    assert lines == list(case.lines)


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _rejection(result: dg.ExecuteInProcessResult) -> str:
    """The gate's report, as the officer sees it at the end of the failed step."""
    messages = []
    for event in result.all_events:
        if event.is_step_failure:  # a refusal is a dg.Failure carrying the report, no stack
            failure = event.step_failure_data
            assert failure.error.cls_name == "Failure", failure.error.message
            messages.append(failure.user_failure_data.description)
    (message,) = messages
    return message


def _snapshot(pipe: Pipeline, table: str) -> list[tuple]:
    with pipe.build() as con:
        return con.execute(f"SELECT * FROM {table} ORDER BY ALL").fetchall()


@pytest.fixture(scope="module")
def published(bundled, tmp_path_factory) -> Pipeline:
    """Bundled inputs run once and published (the bundled run, copied): the state every
    rejected file must leave alone."""
    return copy_pipeline(bundled, tmp_path_factory.mktemp("gerbang"))


@pytest.mark.parametrize("case", WHOLE_RUN, ids=[c.bad_file for c in WHOLE_RUN])
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
    assert heading == _heading(raw / case.target, len(case.lines))
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
            "SELECT count(*) FROM raw.dkb_agregat WHERE semester = '2099-S1'"
        ).fetchone() == (0,)


def test_awkward_but_valid_export_gives_the_bundled_figures(awkward, analyst):
    """The run of tests/conftest.py `awkward`: the DKB file in the Tabel 4-9 layout (merged
    two-row header, tests/data/baik/agregat_kecamatan_dua_baris.xlsx)."""
    pipe, _ = awkward
    good_file = AWKWARD_DKB.name
    query = "SELECT * FROM mart.agregat_wilayah ORDER BY ALL"
    with pipe.published() as con:
        assert con.execute(query).fetchall() == analyst.execute(query).fetchall()
    with pipe.build() as con:
        rows = con.execute(
            "SELECT DISTINCT nama_wilayah, _baris FROM raw.dkb_agregat ORDER BY _baris"
        ).fetchall()
    assert [r[0] for r in rows][:2] == ["ALAK", "MAULafa"]
    assert rows[0][1] == (6 if good_file.lower().endswith(".xlsx") else 5)  # row as in the file


def test_budget_folder_not_named_as_a_year_is_named(tmp_path: Path):
    # was "invalid literal for int() with base 10: '2023 revisi'"
    folder = tmp_path / "raw" / "anggaran" / "2023 revisi"
    folder.mkdir(parents=True)
    rule = (
        "folder '2023 revisi/' bukan tahun anggaran: letakkan file di folder bernama tahun "
        "empat angka, mis. raw/anggaran/2023/"
    )
    for source, name in (
        (S.REALISASI_ANGGARAN, "realisasi_anggaran_2023.xlsx"),
        (S.ANGGARAN_PK, "anggaran_pk.csv"),
    ):
        shutil.copy(RAW / "anggaran/2023" / name, folder / name)
        heading, lines = _refusal(source, folder / name)
        assert heading == _heading(folder / name, 1)
        assert lines == [f"seluruh file: {rule}"]


def test_budget_amount_beyond_plausible_names_row_column_value(tmp_path: Path):
    path = tmp_path / "raw" / "anggaran" / "2023" / "realisasi_anggaran_2023.xlsx"
    path.parent.mkdir(parents=True)
    shutil.copy(RAW / "anggaran/2023/realisasi_anggaran_2023.xlsx", path)
    book = load_workbook(path)
    book.active["E7"] = "3.120.204.000.000.000,-"  # Pendaftaran Penduduk: 312.020.400 mistyped
    book.save(path)
    heading, lines = _refusal(S.REALISASI_ANGGARAN, path)
    assert heading == _heading(path, 1)
    assert lines == [
        "baris 7, kolom REALISASI (Rp) (realisasi), nilai '3.120.204.000.000.000,-': "
        f"{_TOO_BIG} 1.000.000.000.000.000 (salah ketik atau salah ekspor?)"
    ]


@pytest.mark.parametrize(
    ("good_file", "first_row"),
    [
        ("agregat_kecamatan_bom.csv", 5),  # UTF-8 with BOM, title rows above, source note below
        ("agregat_kecamatan_cp1252.csv", 5),  # Windows-1252 export (the en dash in the footer)
        ("agregat_kecamatan_dua_baris.xlsx", 6),  # Tabel 4-9 layout: merged two-row header
        ("agregat_kecamatan_utf16le.csv", 2),  # Excel's "Unicode Text": UTF-16 LE, tabs
        ("agregat_kecamatan_utf16be.csv", 5),  # UTF-16 BE with title rows above
    ],
)
def test_awkward_export_is_read_to_the_bundled_rows(tmp_path: Path, good_file: str, first_row: int):
    """The gate's rows equal the bundled file's, so every figure downstream is the same (one
    of them also goes through a whole run above)."""
    path = tmp_path / "raw" / DKB.replace(".csv", Path(good_file).suffix)
    path.parent.mkdir(parents=True)
    shutil.copy(DATA / "baik" / good_file, path)
    rows = _gate(DKB_KUPANG, path)
    bundled = _gate(DKB_KUPANG, RAW / DKB)
    assert rows.index[0] == first_row  # the row a person sees in the file
    assert rows.reset_index(drop=True).equals(bundled.reset_index(drop=True))
    assert rows["penduduk"].sum() == PENDUDUK_KOTA


def test_header_only_alias_file_is_accepted_as_no_alias(tmp_path: Path):
    """Some inputs may be empty (an office whose exports spell every name right)."""
    path = tmp_path / "raw" / "referensi" / "wilayah_alias.csv"
    path.parent.mkdir(parents=True)
    path.write_text((RAW / "referensi/wilayah_alias.csv").read_text().splitlines()[0] + "\n")
    assert list(_gate(S.WILAYAH_ALIAS, path).columns) == ["alias", "kode", "catatan"]
    assert len(_gate(S.WILAYAH_ALIAS, path)) == 0


def test_missing_column_is_listed_with_the_other_columns_errors(tmp_path: Path):
    path = tmp_path / "raw" / DKB
    path.parent.mkdir(parents=True)
    text = (DATA / "bad/dkb_kolom_hilang.csv").read_text(encoding="utf-8")
    path.write_text(text.replace("2;MAULafa;102.547;", "2;MAULafa;102.547 jiwa;", 1))
    heading, lines = _refusal(DKB_KUPANG, path)
    assert heading == _heading(path, 2)
    assert lines == [
        "baris 1, kolom BELUM REKAM KTP-EL (ktp_el_belum_rekam), nilai '(tidak ada)': "
        "kolom wajib tidak ada di baris judul (cek ejaan judul kolom)",
        "baris 3, kolom JUMLAH PENDUDUK (penduduk), nilai '102.547 jiwa': "
        "bukan angka berformat Indonesia (ribuan '.', desimal ',')",
    ]


def test_folder_named_like_the_file_is_refused_in_words(tmp_path: Path):
    path = tmp_path / "raw" / DKB
    path.mkdir(parents=True)  # e.g. an archive unpacked under the file's own name
    heading, lines = _refusal(DKB_KUPANG, path)
    assert heading == _heading(path, 1)
    assert lines == ["seluruh file: file tidak dapat dibuka untuk dibaca (folder? izin akses?)"]


def test_formulas_with_stored_values_are_read_as_those_values(tmp_path: Path):
    """The same workbook once Excel has calculated and saved it: each formula keeps its value."""
    bad = DATA / "bad/dkb_rumus_tanpa_nilai.xlsx"
    sheet = load_workbook(bad).active
    values = {}
    for r in range(2, 8):
        values[f"E{r}"] = sheet[f"F{r}"].value + sheet[f"G{r}"].value  # =F{r}+G{r}
    values["C8"] = sum(sheet[f"C{r}"].value for r in range(2, 8))  # =SUM(C2:C7)
    path = tmp_path / "raw" / "dkb/2023-S2/agregat_kecamatan.xlsx"
    path.parent.mkdir(parents=True)
    with zipfile.ZipFile(bad) as source, zipfile.ZipFile(path, "w") as target:
        for item in source.infolist():
            data = source.read(item)
            if item.filename == "xl/worksheets/sheet1.xml":
                data = re.sub(
                    rb'(<c r="([A-Z]+\d+)"><f>[^<]*</f>)<v\s*/>',
                    lambda m: m.group(1) + b"<v>%d</v>" % values[m.group(2).decode()],
                    data,
                )
            target.writestr(item, data)
    rows = _gate(DKB_KUPANG, path)
    bundled = _gate(DKB_KUPANG, RAW / DKB)
    assert rows.equals(bundled)
    assert rows["wajib_ktp_el"].tolist() == [59271, 76815, 55089, 76855, 44013, 27087]  # Tabel 5


def test_utf16_file_cut_short_is_refused_in_words(tmp_path: Path):
    path = tmp_path / "raw" / DKB
    path.parent.mkdir(parents=True)
    whole = (DATA / "baik/agregat_kecamatan_utf16le.csv").read_bytes()
    path.write_bytes(whole[:-1])  # an odd number of bytes: the last character lost half of it
    heading, lines = _refusal(DKB_KUPANG, path)
    assert heading == _heading(path, 1)
    assert lines == ["seluruh file: teks UTF-16 (ada BOM) yang rusak atau terpotong: ekspor ulang"]
