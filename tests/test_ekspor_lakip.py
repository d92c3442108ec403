"""LAKIP exports written by the main run: the workbook (Tabel 3–11, 13, efficiency) figure for
figure against the report, the charts as real PNG files, and the Bab III paragraphs, whose
comparison words and categories are checked here against the numbers they sit next to."""

import csv
import math
import re
from pathlib import Path

import openpyxl
import pytest
from berkas import KUPANG
from PIL import Image

TAHUN = 2023

# Tabel 3 as printed: (start of the indicator name, target, realisasi, capaian).
TABEL_3 = [
    ("1. Rasio Penduduk ber KTP-EL", 70, 204.54, 292.20),
    ("Rasio Anak yang memiliki Kartu Identitas Anak", 70, 86.13, 123.04),
    ("2. Peningkatan Persentase Kepemilikan KTP-EL", 70, 97.56, 139.38),
    ("Peningkatan Persentase Kepemilikan KIA", 70, 46.27, 66.10),
    ("3. Rasio Bayi ber-Akta Kelahiran", 70, 83.16, 118.8),
    ("4. Cakupan Penerbitan Akta Kelahiran", 70, 34.86, 49.80),
    ("5. Rasio Pasangan ber-Akta Nikah", 70, 100, 142.85),
    ("6. Peningkatan Persentase Kepemilikan Akta Kependudukan", 70, 57.61, 82.3),
    ("7. Persentase Pemanfaatan Data Kependudukan", 70, 70, 100),
    ("8. Persentase Ketersediaan Data Base Kependudukan yang Valid", 80, 99.73, 124.66),
]
KATEGORI_TABEL_3 = ["SANGAT MEMUASKAN"] * 3 + ["KURANG MEMUASKAN", "SANGAT MEMUASKAN"]
KATEGORI_TABEL_3 += ["KURANG MEMUASKAN"] + ["SANGAT MEMUASKAN"] * 4


def laporan(pipe) -> Path:
    return pipe.paths.reports_dir / str(TAHUN)


@pytest.fixture(scope="module")
def workbook(bundled):
    return openpyxl.load_workbook(laporan(bundled) / f"LAKIP_{TAHUN}_tabel.xlsx")


def row_of(ws, column: int, starts: str) -> list:
    """The cells of the first body row whose `column` (1-based) starts with `starts`."""
    for row in ws.iter_rows():
        value = row[column - 1].value
        if isinstance(value, str) and value.startswith(starts):
            return list(row)
    raise AssertionError(f"{ws.title}: no row starting with {starts!r} in column {column}")


def values(cells: list) -> list:
    return [c.value for c in cells]


# --- workbook --------------------------------------------------------------------------------


def test_workbook_has_one_sheet_per_table_in_print_order(workbook):
    tabel = [f"Tabel {n}" for n in (3, 4, 5, 6, 7, 8, 9, 10, 11, 13)]
    assert workbook.sheetnames == [*tabel, "Efisiensi"]  # Bab III F per program, after Tabel 13
    assert workbook["Tabel 3"]["A2"].value == "PENGUKURAN CAPAIAN KINERJA SASARAN TAHUN 2023"


@pytest.mark.parametrize(("nama", "target", "realisasi", "capaian"), TABEL_3)
def test_workbook_tabel3_figure(workbook, nama, target, realisasi, capaian):
    cells = row_of(workbook["Tabel 3"], 3, nama)
    assert values(cells[3:6]) == pytest.approx([target, realisasi, capaian])
    # real numbers shown with two decimals (96,65 under an Indonesian locale), not text
    assert all(isinstance(c.value, int | float) for c in cells[3:6])
    assert {c.number_format for c in cells[3:6]} == {'#,##0.00" %"'}


def test_workbook_tabel3_layout_as_printed(workbook):
    ws = workbook["Tabel 3"]
    assert values(ws[4]) == [
        "NO.",
        "SASARAN STRATEGIS",
        "INDIKATOR KINERJA",
        "TARGET",
        None,
        "CAPAIAN",
    ]
    assert values(ws[5])[3:5] == ["TARGET", "REALISASI"]
    merged = {str(r) for r in ws.merged_cells.ranges}
    assert {"D4:E4", "A4:A5", "F4:F5"} <= merged
    assert {"A6:A15", "B6:B15"} <= merged  # one sasaran printed beside its ten indicators
    assert not any(ws.cell(r, 3).font.b for r in range(6, 16))
    first = row_of(ws, 2, "Terwujudnya Pelayanan Publik yang Prima")
    assert first[0].value == "1."
    body = [r for r in ws.iter_rows(min_row=6, values_only=True) if r[2]]
    assert len(body) == 10


def test_workbook_tabel4_counts_and_total(workbook):
    ws = workbook["Tabel 4"]
    alak = row_of(ws, 2, "ALAK")
    assert values(alak) == ["1.", "ALAK", 29732, 59271, 58018, 1253, 58018]
    assert alak[2].number_format == "#,##0"
    total = row_of(ws, 2, "TOTAL")
    assert values(total)[2:] == [161764, 339130, 330876, 8254, 330876]
    assert total[2].font.b and not alak[2].font.b
    assert ws.cell(ws.max_row, 1).value == (
        "Sumber: DKB Semester II 2023 (per 31 Desember 2023) Ditjen Dukcapil Kemendagri RI, diolah"
    )


@pytest.mark.parametrize(
    ("tabel", "kecamatan", "printed"),
    [
        ("Tabel 5", "ALAK", [22074, 10210, 11864, 86.05]),  # memiliki / BELUM memiliki KIA
        ("Tabel 5", "JUMLAH", [108920, 50402, 58518, 86.13]),
        ("Tabel 6", "ALAK", [59271, 58018, 10210, 22074, 46.25]),
        ("Tabel 6", "OEBOBO", [76855, 74899, 10706, 22257, 48.1]),
        ("Tabel 6", "JUMLAH", [339130, 330876, 50402, 108920, 46.27]),
        ("Tabel 7", "JUMLAH", [116716, 97068, 20548, 83.16]),
        ("Tabel 8", "ALAK", [80931, 32508, 47325, 40.16]),
        ("Tabel 8", "JUMLAH", [444661, 155024, 288051, 34.86]),
        ("Tabel 9", "KOTA LAMA", [6794, 6794, 100]),
        ("Tabel 9", "JUMLAH", [96890, 96890, 100]),
    ],
)
def test_workbook_kecamatan_tables_as_printed(workbook, tabel, kecamatan, printed):
    assert values(row_of(workbook[tabel], 2, kecamatan))[2:] == pytest.approx(printed)


def test_workbook_tabel7_percent_follows_the_display_rule_not_the_print(workbook):
    """Tabel 7 prints whole numbers (ALAK 85); the export computes 20.139 / 23.745 = 84,81…"""
    assert row_of(workbook["Tabel 7"], 2, "ALAK")[5].value == math.trunc(20139 / 23745 * 1e4) / 100


def test_workbook_tabel10_previous_year_and_average(workbook):
    ws = workbook["Tabel 10"]
    assert values(row_of(ws, 3, "1. Rasio Penduduk ber KTP-EL"))[3:] == pytest.approx(
        [114.01, 70, 204.54, 292.20]
    )
    assert values(row_of(ws, 3, "4. Cakupan Penerbitan Akta Kelahiran"))[3] == 144.92
    assert values(row_of(ws, 3, "Cakupan Penerbitan Kartu Tanda Penduduk"))[3:] == [
        120.11,
        None,
        None,
        None,
    ]
    rata = values(row_of(ws, 2, "RATA - RATA"))
    # 2022: 125,87 as printed; 2023: the true mean of the ten capaian (the report prints 154,89,
    # which is their sum divided by 8)
    assert rata[3] == 125.87
    assert rata[6] == pytest.approx(math.trunc(sum(t[3] for t in TABEL_3) / 10 * 100) / 100)


def test_workbook_tabel11_five_years(workbook):
    ws = workbook["Tabel 11"]
    assert [ws.cell(4, c).value for c in (4, 7, 10, 13, 16)] == [
        f"Tahun {y}" for y in range(2019, 2024)
    ]
    ktp = values(row_of(ws, 2, "Rasio Penduduk ber KTP-EL"))
    assert ktp[3:] == pytest.approx(
        [78, 86, 110.26, 83, 88, 106.02, 86, 198, 309.03, 89, 101.47, 114.01, 70, 204.54, 292.20]
    )


def test_workbook_tabel13_budget(workbook):
    ws = workbook["Tabel 13"]
    assert values(row_of(ws, 2, "Program Pendaftaran Penduduk"))[2:] == [
        328349528,
        312020400,
        95.02,
    ]
    total = row_of(ws, 2, "TOTAL ANGGARAN")
    # realisasi summed from the rows: 476.120.800 (the report prints 476.120.700)
    assert values(total)[2:] == [492601328, 476120800, 96.65]
    # no literal ",-": under an English locale it read "328,349,528,-"
    assert total[2].number_format == "#,##0"


@pytest.mark.parametrize(
    ("lembar", "orientasi", "judul"),
    [
        ("Tabel 4", "portrait", "$4:$5"),
        ("Tabel 11", "landscape", "$4:$5"),
        ("Tabel 13", "portrait", "$4:$4"),
    ],
)
def test_workbook_print_setup(workbook, lembar, orientasi, judul):
    ws = workbook[lembar]
    assert str(ws.page_setup.paperSize) == ws.PAPERSIZE_A4  # "9", A4 in the xlsx standard
    assert ws.page_setup.orientation == orientasi
    assert (ws.page_setup.fitToWidth, ws.page_setup.fitToHeight) == (1, 0)
    assert ws.sheet_properties.pageSetUpPr.fitToPage
    assert ws.print_title_rows == judul


# --- charts ----------------------------------------------------------------------------------


def test_charts_are_png_images(bundled):
    # grafik_indikator_*.png belong to the Word document (tests/test_dokumen.py)
    pngs = sorted((laporan(bundled) / "grafik").glob("grafik_[0-9]_*.png"))
    assert [p.name for p in pngs] == [
        "grafik_1_capaian_indikator.png",
        "grafik_2_tren_capaian.png",
        "grafik_3_cakupan_kecamatan.png",
        "grafik_4_serapan_anggaran.png",
    ]
    for png in pngs:
        with Image.open(png) as img:
            img.verify()
        with Image.open(png) as img:
            assert img.format == "PNG"
            assert img.width >= 1000 and img.height >= 500
            # not a blank canvas: a drawn chart has many colours
            assert len(img.convert("RGB").getcolors(maxcolors=1 << 16) or range(1 << 16)) > 50
    assert not list(laporan(bundled).rglob("*.tmp")), "a temporary file was left behind"


# --- paragraphs ------------------------------------------------------------------------------

INDIKATOR = re.compile(
    r"indikator kinerja \*\*(?P<nama>.+?)\*\* sebesar (?P<realisasi>[\d.,]+)% atau "
    r"(?P<banding>lebih tinggi dari|lebih rendah dari|sama dengan) target yang telah "
    r"ditetapkan sebesar (?P<target>[\d.,]+)%, sehingga capaian kinerjanya sebesar "
    r"(?P<capaian>[\d.,]+)% atau bermakna \*\*(?P<kategori>[A-Z ]+)\*\*"
)
TAHUN_LALU = re.compile(
    r"tahun (?P<lalu>\d{4}) sebesar (?P<capaian_lalu>[\d.,]+)%, maka capaian kinerja tahun "
    r"(?P<ini>\d{4}) ini (?P<banding>lebih tinggi dari|lebih rendah dari|sama dengan) tahun"
)
RUMUS = re.compile(r"yaitu (?P<a>[\d.]+) / (?P<b>[\d.]+) × 100 = (?P<hasil>[\d.,]+)%")
RATA_RATA = re.compile(r"sebesar (?P<rata>[\d.,]+)% bermakna \*\*(?P<kategori>[A-Z ]+)\*\*")


def angka(teks: str) -> float:
    """Indonesian number text: 330.876 -> 330876; 204,54 -> 204.54."""
    return float(teks.replace(".", "").replace(",", "."))


def banding(a: float, b: float) -> str:
    return "lebih tinggi dari" if a > b else "lebih rendah dari" if a < b else "sama dengan"


def kategori_skala(capaian: float) -> str:
    """The category scale read straight from the officer's data file."""
    with (KUPANG / "indikator" / "kategori_capaian.csv").open() as f:
        for r in csv.DictReader(f):
            if capaian >= float(r["batas_bawah"]) and (
                not r["batas_atas"] or capaian < float(r["batas_atas"])
            ):
                return r["kategori"]
    raise AssertionError(capaian)


def paragraphs(pipe) -> list[str]:
    text = (laporan(pipe) / "narasi_bab3.md").read_text(encoding="utf-8")
    return [p[2:] for p in text.split("\n\n") if p.startswith("- ")]


def test_narasi_one_paragraph_per_tabel3_indicator_plus_closing(bundled):
    paras = paragraphs(bundled)
    assert len(paras) == len(TABEL_3) + 1
    txt = (laporan(bundled) / "narasi_bab3.txt").read_text(encoding="utf-8")
    assert "**" not in txt and "bermakna SANGAT MEMUASKAN" in txt


@pytest.mark.parametrize("i", range(len(TABEL_3)))
def test_narasi_words_follow_the_numbers(bundled, i):
    para = paragraphs(bundled)[i]
    m = INDIKATOR.search(para)
    assert m, para
    realisasi, target, capaian = (angka(m[k]) for k in ("realisasi", "target", "capaian"))
    # the numbers are Tabel 3's …
    _, t3_target, t3_realisasi, t3_capaian = TABEL_3[i]
    assert (target, realisasi, capaian) == pytest.approx((t3_target, t3_realisasi, t3_capaian))
    # … and the words say what the numbers say
    assert m["banding"] == banding(realisasi, target)
    assert m["kategori"] == kategori_skala(capaian) == KATEGORI_TABEL_3[i]
    if lalu := TAHUN_LALU.search(para):
        assert lalu["banding"] == banding(capaian, angka(lalu["capaian_lalu"]))
    if rumus := RUMUS.search(para):
        hasil = math.trunc(angka(rumus["a"]) / angka(rumus["b"]) * 100 * 100) / 100
        assert angka(rumus["hasil"]) == pytest.approx(hasil) == pytest.approx(realisasi)


def test_narasi_compares_with_2022_where_the_report_does(bundled):
    """Tabel 10: 2022 capaian 114,01 (KTP-el), 117 (akta bayi), 144,92 (cakupan akta), 133,33."""
    found = {}
    for para in paragraphs(bundled):
        if lalu := TAHUN_LALU.search(para):
            found[INDIKATOR.search(para)["nama"]] = (angka(lalu["capaian_lalu"]), lalu["banding"])
    assert found == {
        "Rasio Penduduk ber KTP-EL, Penerapan KTP Nasional berbasis NIK": (
            114.01,
            "lebih tinggi dari",
        ),
        "Rasio Bayi ber-Akta Kelahiran": (117, "lebih tinggi dari"),
        "Cakupan Penerbitan Akta Kelahiran": (144.92, "lebih rendah dari"),
        "Rasio Pasangan ber-Akta Nikah": (133.33, "lebih tinggi dari"),
    }


def test_narasi_closing_average(bundled):
    m = RATA_RATA.search(paragraphs(bundled)[-1])
    rata = angka(m["rata"])
    assert rata == pytest.approx(123.91)
    assert m["kategori"] == kategori_skala(rata)


def test_narasi_words_change_when_the_numbers_do(edited):
    """Lower the PK target of 'Kepemilikan KIA' (realisasi 46,27) from 70 to 40 (the run of
    tests/conftest.py `edited`): the sentence must now say 'lebih tinggi dari' and the capaian
    115,68 must read SANGAT MEMUASKAN."""
    pipeline, result = edited
    assert result.success

    para = next(p for p in paragraphs(pipeline) if "Kepemilikan KIA**" in p)
    m = INDIKATOR.search(para)
    assert (angka(m["realisasi"]), angka(m["target"])) == (46.27, 40)
    assert m["banding"] == "lebih tinggi dari"
    assert angka(m["capaian"]) == math.trunc(50402 / 108920 * 100 / 40 * 100 * 100) / 100
    assert m["kategori"] == "SANGAT MEMUASKAN"
    wb = openpyxl.load_workbook(laporan(pipeline) / f"LAKIP_{TAHUN}_tabel.xlsx")
    assert values(row_of(wb["Tabel 3"], 3, "Peningkatan Persentase Kepemilikan KIA"))[3:] == (
        pytest.approx([40, 46.27, 115.68])
    )
