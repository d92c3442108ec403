"""The office in every output (issue 10 item 6): the run of the second office (tests/conftest.py
`kabupaten`: Kabupaten Pulau Taliabu, whose daerah.csv gives its name without its region) carries
that office and region in every LAKIP output, and nothing of Kupang. The code, SQL and templates
name no region at all: only the bundled data under raw/ is Kupang's."""

import re
import zipfile
from pathlib import Path

import duckdb
import openpyxl
import pytest
from conftest import SIAK
from docx import Document
from PIL import Image

from pipelines.config import PROJECT_ROOT
from pipelines.defs.laporan.bersama import instansi

TAHUN = 2023
# as tests/data/siak/raw/referensi/daerah.csv and the national list name the second office
KODE_LAIN = "82.08"
NAMA_DAERAH_LAIN = "KABUPATEN PULAU TALIABU"
INSTANSI_LAIN = "Dinas Kependudukan dan Pencatatan Sipil"
INSTANSI_DAERAH_LAIN = "Dinas Kependudukan dan Pencatatan Sipil Kabupaten Pulau Taliabu"
KUPANG = re.compile(r"kupang", re.IGNORECASE)


@pytest.fixture(scope="module")
def laporan(kabupaten) -> Path:
    return kabupaten.paths.reports_dir / str(TAHUN)


def test_workbook_titles_and_page_headers_name_the_office(laporan):
    wb = openpyxl.load_workbook(laporan / f"LAKIP_{TAHUN}_tabel.xlsx")
    assert INSTANSI_DAERAH_LAIN in wb.properties.title
    for ws in wb.worksheets:
        titles = [ws.cell(r, 1).value for r in range(1, 5)]
        # the office's line sits right above the header row, under the table's own title
        header_top = int(ws.print_title_rows.split(":")[0].strip("$"))
        assert ws.cell(header_top - 1, 1).value == INSTANSI_DAERAH_LAIN, (ws.title, titles)
        assert ws.oddHeader.center.text == f"LAKIP {TAHUN} · {INSTANSI_DAERAH_LAIN}"
    assert wb["Tabel 3"]["A2"].value == "PENGUKURAN CAPAIAN KINERJA SASARAN TAHUN 2023"


def test_chart_titles_name_the_office(laporan):
    for png in sorted((laporan / "grafik").glob("*.png")):
        info = Image.open(png).info
        assert info["Author"] == INSTANSI_DAERAH_LAIN, png.name
        assert "Kabupaten Pulau Taliabu" in info["Title"], png.name
    judul = Image.open(laporan / "grafik" / "grafik_3_cakupan_kecamatan.png").info["Title"]
    assert judul.startswith(
        "Cakupan dokumen kependudukan per kecamatan, Kabupaten Pulau Taliabu, DKB"
    )


def test_paragraphs_name_the_office(laporan):
    md = (laporan / "narasi_bab3.md").read_text(encoding="utf-8")
    first, pembuka = md.splitlines()[0], md.split("\n\n")[1]
    assert first == f"# Capaian Kinerja Organisasi {INSTANSI_DAERAH_LAIN} Tahun {TAHUN}"
    assert pembuka.startswith(f"Hasil capaian kinerja {INSTANSI_DAERAH_LAIN} antara target")
    assert f"Pencapaian kinerja sasaran {INSTANSI_DAERAH_LAIN} Tahun {TAHUN}" in md


def test_document_cover_and_page_header_name_the_office(laporan):
    path = laporan / f"LAKIP_{TAHUN}_{KODE_LAIN}.docx"
    doc = Document(str(path))
    sampul = [p.text for p in doc.paragraphs[:6]]
    assert f"PEMERINTAH {NAMA_DAERAH_LAIN}" in sampul
    assert INSTANSI_LAIN.upper() in sampul
    assert doc.sections[0].header.paragraphs[0].text == (f"LAKIP {TAHUN} · {INSTANSI_DAERAH_LAIN}")
    assert doc.core_properties.title == f"LAKIP {TAHUN} {INSTANSI_DAERAH_LAIN}"
    ikhtisar = next(p.text for p in doc.paragraphs if p.text.startswith("Pada tahun"))
    # the indicators of the office's definitions (tests/data/siak), none retired before 2023
    definisi = (SIAK / "raw" / "indikator" / "definisi_indikator.csv").read_text().splitlines()
    assert ikhtisar.startswith(
        f"Pada tahun {TAHUN} {INSTANSI_LAIN} mengukur {len(definisi) - 1} indikator"
    )


def _teks_xlsx(path: Path) -> str:
    wb = openpyxl.load_workbook(path)
    parts = [str(wb.properties.title)]
    for ws in wb.worksheets:
        parts.append(ws.oddHeader.center.text or "")
        parts += [str(c.value) for row in ws.iter_rows() for c in row if c.value is not None]
    return "\n".join(parts)


def test_no_kupang_left_in_any_output(laporan):
    files = [p for p in laporan.rglob("*") if p.is_file()]
    assert {p.suffix for p in files} >= {".xlsx", ".png", ".md", ".txt", ".docx"}
    for path in files:
        if path.suffix == ".xlsx":
            text = _teks_xlsx(path)
        elif path.suffix == ".png":
            text = " ".join(map(str, Image.open(path).info.values()))
        elif path.suffix == ".docx":
            with zipfile.ZipFile(path) as z:
                text = " ".join(
                    z.read(n).decode("utf-8") for n in z.namelist() if n.endswith(".xml")
                )
        else:
            text = path.read_text(encoding="utf-8")
        assert not KUPANG.search(text), path.name


CODE_DIRS = ("pipelines", "sql")


def test_code_sql_and_templates_name_no_region():
    """Nothing Kupang-specific outside the bundled data: no name, no Kemendagri code of Kupang
    (53.71, 5371) in code, SQL, example queries or templates (the Word template included)."""
    pola = re.compile(r"kupang|53\.71|5371", re.IGNORECASE)
    hits = []
    for folder in CODE_DIRS:
        for path in (PROJECT_ROOT / folder).rglob("*"):
            if not path.is_file() or "__pycache__" in path.parts:
                continue
            if path.suffix == ".docx":
                with zipfile.ZipFile(path) as z:
                    text = " ".join(
                        z.read(n).decode("utf-8") for n in z.namelist() if n.endswith(".xml")
                    )
            elif path.suffix in {".py", ".sql", ".toml", ".yml", ".yaml", ".md"}:
                text = path.read_text(encoding="utf-8")
            else:
                continue
            hits += [f"{path.relative_to(PROJECT_ROOT)}: {m}" for m in pola.findall(text)]
    assert hits == []


@pytest.mark.parametrize(
    ("nama", "nama_instansi", "instansi_daerah"),
    [
        ("KOTA KUPANG", "Dinas Kependudukan dan Pencatatan Sipil Kota Kupang", None),
        ("KABUPATEN TIMOR TENGAH SELATAN", "Dinas Dukcapil Kab. Timor Tengah Selatan", None),
        (
            "KABUPATEN  SIKKA",
            "Dinas Kependudukan dan Pencatatan Sipil",
            "Dinas Kependudukan dan Pencatatan Sipil Kabupaten Sikka",
        ),
    ],
)
def test_office_name_gets_its_region_only_when_it_lacks_it(nama, nama_instansi, instansi_daerah):
    with duckdb.connect() as con:
        con.execute("CREATE SCHEMA raw")
        con.execute(
            "CREATE TABLE raw.daerah AS SELECT '53.10' AS kode, ? AS nama, "
            "'kabupaten' AS tingkat, ? AS nama_instansi",
            [nama, nama_instansi],
        )
        got = instansi(con)
    assert got["instansi_daerah"] == (instansi_daerah or nama_instansi)
    assert got["daerah"] == nama and got["kode_daerah"] == "53.10"
