"""Bab III F, efficiency per program (issue 11): the mean capaian of the indicators the office
maps to a program (raw/indikator/program_indikator.csv) against the program's absorption,
checked against an independent computation with pandas over the input files themselves; the
workbook sheet, the Word document's table and its reconciliation; the gate's rules of the
mapping file."""

import csv
import math
from pathlib import Path

import dagster as dg
import duckdb
import openpyxl
import pandas as pd
import pytest
from berkas import KOLOM_DKB, KUPANG
from docx import Document
from docx.table import Table

from pipelines.definitions import current_resources
from pipelines.defs.laporan.dokumen import Angka, periksa, susun
from pipelines.defs.masukan import sumber as S
from pipelines.defs.masukan.assets import build_ingest_asset
from pipelines.defs.masukan.gerbang import validate_table
from pipelines.defs.masukan.readers import read_raw
from pipelines.domain.penolakan import InputRejected

TAHUN = 2023
RAW = KUPANG
PETA = RAW / "indikator" / "program_indikator.csv"


def _angka(teks: str) -> float:
    """Indonesian number as printed: 1.234.567 / 57,61 / 328.349.528,-"""
    return float(str(teks).removesuffix(",-").replace(".", "").replace(",", "."))


def _potong(x: float) -> float:
    """The display rule: truncated (not rounded) to two decimals."""
    return math.trunc(round(x * 100, 6)) / 100


def hitung_mandiri() -> pd.DataFrame:
    """Per program of 2023: serapan, mean capaian of its mapped indicators and their ratio,
    from raw/ alone: DKB counts summed over the kecamatan rows, formulas of
    definisi_indikator.csv, PK targets, reported realisations, the budget export."""
    dkb = pd.read_csv(RAW / "dkb/2023-S2/agregat_kecamatan.csv", sep=";", dtype=str)
    dkb = dkb[dkb["KECAMATAN"] != "JUMLAH"]
    jumlah = {m: dkb[k].map(_angka).sum() for m, k in KOLOM_DKB.items()}
    definisi = pd.read_csv(RAW / "indikator/definisi_indikator.csv", dtype=str)
    target = pd.read_csv(RAW / "indikator/target.csv", dtype=str)
    target = target[(target["tahun"] == str(TAHUN)) & (target["dokumen"] == "PK")]
    target = dict(zip(target["kode_indikator"], target["target"].map(_angka), strict=True))
    lapor = pd.read_csv(RAW / "indikator/realisasi_dilaporkan.csv", dtype=str)
    lapor = lapor[lapor["tahun"] == str(TAHUN)]
    lapor = dict(zip(lapor["kode_indikator"], lapor["realisasi"].map(_angka), strict=True))
    capaian = {}
    for d in definisi.itertuples():
        if d.kode_indikator not in target:
            continue
        if d.jenis == "rumus":
            realisasi = jumlah[d.pembilang] / jumlah[d.penyebut] * float(d.pengali)
        else:
            realisasi = lapor[d.kode_indikator]
        capaian[d.kode_indikator] = realisasi / target[d.kode_indikator] * 100

    wb = openpyxl.load_workbook(RAW / f"anggaran/{TAHUN}/realisasi_anggaran_{TAHUN}.xlsx")
    program = {
        r[1]: (_angka(r[3]), _angka(r[4]))
        for r in wb.active.iter_rows(min_row=7, values_only=True)
        if r[1]
    }
    peta = pd.read_csv(PETA, dtype=str)
    peta = peta[peta["tahun"] == str(TAHUN)]
    rows = []
    for kode, (anggaran, realisasi) in sorted(program.items()):
        serapan = realisasi / anggaran * 100
        nilai = [capaian[k] for k in peta.loc[peta["kode_program"] == kode, "kode_indikator"]]
        rata = sum(nilai) / len(nilai) if nilai else None
        rows.append((kode, serapan, len(nilai), rata, rata / serapan if nilai else None))
    semua = sum(capaian.values()) / len(capaian)
    total = sum(r for _, r in program.values()) / sum(a for a, _ in program.values()) * 100
    rows.append(("TOTAL", total, len(capaian), semua, semua / total))
    return pd.DataFrame(rows, columns=["kunci", "serapan", "jumlah", "rata_rata_capaian", "indeks"])


@pytest.fixture(scope="module")
def mandiri() -> pd.DataFrame:
    return hitung_mandiri()


def test_independent_computation_matches_the_report_where_it_prints(mandiri):
    # guards the test's own arithmetic: Tabel 13 and Tabel 10's RATA-RATA as the seed prints
    # them (truncated), 10 indicators, the seed's 2.12.02 absorption 95,02
    seri = mandiri.set_index("kunci")
    assert _potong(seri.at["2.12.02", "serapan"]) == 95.02
    assert _potong(seri.at["TOTAL", "serapan"]) == 96.65
    assert seri.at["TOTAL", "jumlah"] == 10


def test_efficiency_mart_per_program_equals_independent_computation(bundled, mandiri):
    with bundled.published() as con:
        mart = con.execute(
            "SELECT kode_program, serapan, jumlah_indikator, rata_rata_capaian, "
            "indeks_efisiensi FROM mart.efisiensi_program WHERE tahun = ? ORDER BY kode_program",
            [TAHUN],
        ).fetchall()
    expected = mandiri[mandiri["kunci"] != "TOTAL"]
    assert [r[0] for r in mart] == expected["kunci"].tolist()
    for got, want in zip(mart, expected.itertuples(), strict=True):
        assert got[1] == pytest.approx(want.serapan)
        assert got[2] == want.jumlah
        if want.jumlah:
            assert got[3] == pytest.approx(want.rata_rata_capaian)
            assert got[4] == pytest.approx(want.indeks)
        else:  # Program Pengelolaan Profil Kependudukan: no indicator mapped, kept
            assert got[3] is None and got[4] is None


def test_workbook_efficiency_sheet_as_displayed(bundled, mandiri):
    wb = openpyxl.load_workbook(
        bundled.paths.reports_dir / str(TAHUN) / f"LAKIP_{TAHUN}_tabel.xlsx"
    )
    assert wb.sheetnames[-1] == "Efisiensi"
    ws = wb["Efisiensi"]
    body = [
        [c.value for c in row]
        for row in ws.iter_rows(min_row=5)
        if row[1].value and row[1].value.startswith(("Program", "TOTAL"))
    ]
    assert len(body) == 5
    for row, want in zip(body, mandiri.itertuples(), strict=True):
        assert row[2] == _potong(want.serapan)
        assert row[3] == want.jumlah
        if want.rata_rata_capaian is None or pd.isna(want.rata_rata_capaian):
            assert row[4] is None and row[5] is None
            assert "Belum ada indikator kinerja yang dipetakan" in row[6]
        else:
            assert row[4] == _potong(want.rata_rata_capaian)
            assert row[5] == _potong(want.indeks)
    # the seed's figures: 1. Program Pendaftaran Penduduk, capaian 292,20 123,04 139,38 66,10
    assert body[0][:6] == ["1.", "Program Pendaftaran Penduduk", 95.02, 4, 155.18, 1.63]
    assert body[-1][1:6] == ["TOTAL", 96.65, 10, 123.91, 1.28]


def _tabel_dokumen(doc, judul: str) -> list[list[str]]:
    """The rows of the first table after the paragraph `judul`."""
    lihat = False
    for el in doc.element.body.iterchildren():
        if el.tag.endswith("}p"):
            teks = "".join(t.text or "" for t in el.iter() if t.tag.endswith("}t"))
            lihat = lihat or teks.strip() == judul
        elif el.tag.endswith("}tbl") and lihat:
            return [[c.text for c in r.cells] for r in Table(el, doc).rows]
    raise AssertionError(judul)


def test_document_bab3f_table_and_every_figure_reconciles(bundled, mandiri):
    path = bundled.paths.reports_dir / str(TAHUN) / f"LAKIP_{TAHUN}_53.71.docx"
    rows = _tabel_dokumen(Document(str(path)), "EFISIENSI PENGGUNAAN ANGGARAN PER PROGRAM")
    assert rows[0][:6] == [
        "NO.",
        "PROGRAM",
        "SERAPAN (%)",
        "JUMLAH IKU",
        "RATA-RATA CAPAIAN IKU (%)",
        "INDEKS EFISIENSI",
    ]
    assert rows[1][1:6] == ["Program Pendaftaran Penduduk", "95,02", "4", "155,18", "1,63"]
    assert rows[2][1:6] == ["Program Pencatatan Sipil", "99,96", "4", "98,44", "0,98"]
    assert rows[4][1:6] == ["Program Pengelolaan Profil Kependudukan", "99,86", "0", "-", "-"]
    assert rows[4][6].startswith("Belum ada indikator kinerja yang dipetakan")
    assert rows[5][1:6] == ["TOTAL", "96,65", "10", "123,91", "1,28"]
    # independent: 98,44 is the full-precision mean, not the mean of the printed capaian
    assert _potong(mandiri.at[1, "rata_rata_capaian"]) == 98.44


def test_document_efficiency_figures_go_through_the_reconciliation(bundled, tmp_path):
    with bundled.build() as con:
        raw = tmp_path / "raw"
        (raw / "naskah").mkdir(parents=True)
        d = susun(con, TAHUN, raw, tmp_path / "grafik")
        f = [a for a in d.angka if a.tabel == "Bab III F"]
        hasil = periksa(con, f, "uji.docx")
    kolom = {(a.kunci, a.kolom) for a in f}
    assert ("2.12.02", "indeks_efisiensi") in kolom
    assert ("2.12.03", "rata_rata_capaian") in kolom
    assert ("TOTAL", "indeks_efisiensi") in kolom
    assert ("RATA-RATA", "rata_rata_capaian") in kolom
    assert len(hasil) == len(f) == 5 + 4 + 4  # serapan ×5, mean capaian ×4, index ×4
    assert set(hasil["kelas_dokumen"]) == {"sama"}
    assert hasil["angka_hitung"].notna().all()


def test_a_wrong_efficiency_figure_blocks_the_document(bundled):
    with bundled.build() as con:
        hasil = periksa(
            con,
            [Angka("Bab III F", TAHUN, "53.71", "", "2.12.02", "indeks_efisiensi", "1,64")],
            "uji.docx",
        )
    assert hasil["kelas_dokumen"].tolist() == ["material"]


# --- the gate of the mapping file ------------------------------------------------------------


def _known() -> dict:
    definisi = csv.DictReader((RAW / "indikator/definisi_indikator.csv").open())
    pk = csv.DictReader((RAW / f"anggaran/{TAHUN}/anggaran_pk.csv").open())
    return {
        "indikator": {d["kode_indikator"] for d in definisi},
        "program": {(int(p["tahun"]), p["kode_program"]) for p in pk if p["tahun"]},
    }


def _tulis(tmp: Path, baris: list[str]) -> Path:
    path = tmp / "program_indikator.csv"
    lines = PETA.read_text(encoding="utf-8").splitlines()
    path.write_text("\n".join([lines[0], *baris]) + "\n", encoding="utf-8")
    return path


def test_bundled_mapping_is_accepted():
    rows = validate_table(read_raw(PETA, S.PROGRAM_INDIKATOR), S.PROGRAM_INDIKATOR, known=_known())
    assert sorted(set(rows["kode_program"])) == ["2.12.02", "2.12.03", "2.12.04"]


@pytest.mark.parametrize(
    ("baris", "kolom", "nilai", "aturan"),
    [
        # a program of the 2023 budget, mapped for 2022 (no 2022 budget)
        ("2022,2.12.02,rasio_ktp_el,x", "kode_program", "2.12.02", "untuk tahun 2022"),
        ("2023,2.12.09,rasio_ktp_el,x", "kode_program", "2.12.09", "tidak dikenal"),
        ("2023,2.12.02,rasio_ktp,x", "kode_indikator", "rasio_ktp", "tidak dikenal"),
    ],
)
def test_mapping_gate_names_file_row_column_value(tmp_path, baris, kolom, nilai, aturan):
    path = _tulis(tmp_path, ["2023,2.12.03,rasio_akta_nikah,ok", baris])
    with pytest.raises(InputRejected) as caught:
        validate_table(read_raw(path, S.PROGRAM_INDIKATOR), S.PROGRAM_INDIKATOR, known=_known())
    (failure,) = caught.value.failures
    assert (failure.row, failure.value) == (3, nilai)
    assert kolom in failure.column and aturan in failure.rule
    assert str(path) in str(caught.value)


def test_missing_mapping_file_gives_an_empty_mapping_not_a_failed_run(pipeline):
    """An office that has not filled program_indikator.csv yet: its ingestion writes an empty
    table (every program then shows the note) instead of failing the run."""
    (pipeline.paths.raw_dir / "indikator" / "program_indikator.csv").unlink()
    # the indicator definitions name DKB measures (ukuran_dkb.csv) before programs map to them
    sources = [S.UKURAN_DKB, S.INDIKATOR, S.ANGGARAN_PK, S.REALISASI_ANGGARAN, S.PROGRAM_INDIKATOR]
    assets = [build_ingest_asset(s) for s in sources]
    result = dg.materialize(
        assets, instance=pipeline.instance, resources=current_resources(pipeline.warehouse)
    )
    assert result.success
    with duckdb.connect(str(pipeline.paths.build_db), read_only=True) as con:
        assert con.execute("SELECT count(*) FROM raw.program_indikator").fetchone() == (0,)
        kolom = [r[0] for r in con.execute("DESCRIBE raw.program_indikator").fetchall()]
    assert kolom[:4] == ["tahun", "kode_program", "kode_indikator", "sumber"]
