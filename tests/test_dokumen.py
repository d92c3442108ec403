"""The LAKIP Word document: read back with python-docx, it holds the report's tables with the
figures of the LAKIP 2023 (where the warehouse recomputes them), Bab III A–F, a chart per
indicator group, no internal table names; every figure it prints is `sama` in the
reconciliation; the author's own text survives a re-generation."""

from __future__ import annotations

import shutil
from pathlib import Path

import duckdb
import pytest
from conftest import use_cli_instance
from docx import Document
from docx.table import Table

from pipelines.cli import main
from pipelines.defs.laporan.dokumen import (
    Angka,
    Naskah,
    ke_pdf,
    periksa,
    pesan_gagal,
    tulis_dokumen,
)


@pytest.fixture(scope="module")
def dokumen(bundled):
    path = bundled.paths.reports_dir / "2023" / "LAKIP_2023_53.71.docx"
    assert path.exists()
    return Document(str(path))


@pytest.fixture(scope="module")
def tabel(dokumen) -> dict[str, list[list[str]]]:
    return tabel_dokumen(dokumen)


def tabel_dokumen(dokumen) -> dict[str, list[list[str]]]:
    """Each table under its caption ("Tabel. 3"), as rows of cell texts."""
    out, judul = {}, None
    for el in dokumen.element.body.iterchildren():
        if el.tag.endswith("}p"):
            teks = "".join(t.text or "" for t in el.iter() if t.tag.endswith("}t")).strip()
            if teks.upper().startswith("TABEL. "):
                judul = teks.title()
        elif el.tag.endswith("}tbl") and judul:
            rows = Table(el, dokumen).rows
            out[judul] = [[c.text for c in r.cells] for r in rows]
            judul = None
    return out


def baris(rows: list[list[str]], awal: str) -> list[str]:
    return next(r for r in rows if any(c.startswith(awal) for c in r[:3]))


def teks_semua(doc) -> str:
    sel = [c.text for t in doc.tables for r in t.rows for c in r.cells]
    return "\n".join([p.text for p in doc.paragraphs] + sel)


def test_tabel_1_2_rkt_dan_pk_dengan_anggaran(tabel):
    t1 = tabel["Tabel. 1"]
    assert baris(t1, "1. Rasio Penduduk ber KTP-EL")[-1] == "70"
    assert baris(t1, "8. Persentase Ketersediaan Data Base")[-1] == "80"
    t2 = tabel["Tabel. 2"]
    assert baris(t2, "4. Cakupan Penerbitan Akta Kelahiran")[-1] == "70"
    # the PK budget follows in its own table (no caption of its own, as in the report)
    assert len(t1) == len(t2) == 11


def test_tabel_2_anggaran_total_dijumlah_dari_program(dokumen):
    anggaran = next(t for t in dokumen.tables if t.rows[0].cells[-1].text == "ANGGARAN (Rp)")
    rows = [[c.text for c in r.cells] for r in anggaran.rows]
    assert rows[1] == ["1.", "Program Pendaftaran Penduduk", "234.326.592"]
    # the report prints 456.066.892; its four programs sum to 456.006.892
    assert rows[-1][1:] == ["TOTAL", "456.006.892"]


def test_tabel_12_dari_berkas_dinas(tabel):
    # raw/naskah/2023/sarana_prasarana.csv: the office's own list, printed as written
    t12 = tabel["Tabel. 12"]
    assert len(t12) == 1 + 25
    assert t12[12] == ["12.", "Komputer/PC Client", "37", "Unit"]


def test_tabel_3_angka_dan_kategori_seperti_lakip_2023(tabel):
    t3 = tabel["Tabel. 3"]
    assert baris(t3, "1. Rasio Penduduk ber KTP-EL")[3:] == [
        "70",
        "204,54",
        "292,20",
        "SANGAT MEMUASKAN",
    ]
    assert baris(t3, "Peningkatan Persentase Kepemilikan KIA")[3:] == [
        "70",
        "46,27",
        "66,10",
        "KURANG MEMUASKAN",
    ]
    assert baris(t3, "5. Rasio Pasangan")[3:6] == ["70", "100", "142,85"]


def test_tabel_10_11_13(tabel):
    t10 = tabel["Tabel. 10"]
    assert baris(t10, "4. Cakupan Penerbitan Akta Kelahiran")[3:] == [
        "144,92",
        "70",
        "34,86",
        "49,80",
    ]
    rata = next(r for r in t10 if r[1] == "RATA - RATA")
    # the true mean of the ten capaian, not the printed 154,89
    assert (rata[3], rata[-1]) == ("125,87", "123,91")
    ktp = baris(tabel["Tabel. 11"], "Rasio Penduduk ber KTP-EL")
    assert ktp[3:6] == ["78", "86", "110,25*"]  # 86 / 78 truncated; the report rounded: 110.26
    assert ktp[9:12] == ["86", "198", "230,23*"]  # printed 309,03: marked, recomputed
    assert ktp[15:] == ["70", "204,54", "292,20"]
    t13 = tabel["Tabel. 13"]
    assert t13[1][1:] == ["Program Pendaftaran Penduduk", "328.349.528", "312.020.400", "95,02"]
    assert t13[-1][1:] == ["TOTAL ANGGARAN", "492.601.328", "476.120.800", "96,65"]


def test_bab_iii_a_sampai_f_dan_grafik_per_kelompok(dokumen, bundled):
    judul = [p.text for p in dokumen.paragraphs if p.style.name == "Heading 2"]
    bab3 = judul[judul.index("A. Pengukuran Kinerja") :]
    assert [j[:2] for j in bab3[:6]] == ["A.", "B.", "C.", "D.", "E.", "F."]
    with duckdb.connect(str(bundled.paths.build_db), read_only=True) as con:
        kelompok = con.execute(
            "SELECT count(DISTINCT nomor) FROM mart.pengukuran_kinerja WHERE tahun = 2023"
        ).fetchone()[0]
    assert kelompok == 8
    assert len(dokumen.inline_shapes) == kelompok
    assert all(
        (bundled.paths.reports_dir / "2023" / "grafik" / f"grafik_indikator_{n}.png").exists()
        for n in range(1, 9)
    )


def test_tanpa_nama_tabel_internal(dokumen):
    teks = teks_semua(dokumen)
    for nama in ("mart.", "conformed.", "raw.", "gudang data ("):
        assert nama not in teks


def test_setiap_angka_dokumen_sama_di_rekonsiliasi(bundled, dokumen, tmp_path):
    naskah = tmp_path / "raw"
    shutil.copytree(bundled.paths.raw_dir / "naskah", naskah / "naskah")
    with duckdb.connect(str(bundled.paths.build_db), read_only=True) as con:
        path, hasil, d = tulis_dokumen(con, 2023, tmp_path / "laporan", naskah)
        assert path is not None
        assert len(hasil) == len(d.angka) > 400
        assert (hasil["kelas_dokumen"] == "sama").all()
        # the recorded figures are those printed in the delivered document
        teks = teks_semua(dokumen)
        assert all(a.nilai_terbit in teks for a in d.angka)
        # the published report's Tabel 13 total, printed in a document, would block it
        salah = Angka("Tabel 13", 2023, "53.71", "TOTAL", "TOTAL", "realisasi", "476.120.700")
        cek = periksa(con, [*d.angka, salah], "uji.docx")
    gagal = cek[cek["kelas_dokumen"] != "sama"]
    assert gagal[["kunci", "kolom", "kelas"]].values.tolist() == [
        ["TOTAL", "realisasi", "material"]
    ]
    pesan = pesan_gagal(cek, Path("LAKIP_2023_53.71.docx"))
    assert "tercetak 476.120.700, dihitung ulang 476.120.800 (material)" in pesan
    assert pesan.startswith("Dokumen LAKIP_2023_53.71.docx tidak ditulis: 1 angka")


def test_regenerasi_menyimpan_teks_penyusun(bundled, tmp_path):
    raw = tmp_path / "raw"
    Naskah.siapkan(raw, 2023)
    berkas = raw / "naskah" / "2023" / "kata_pengantar.md"
    assert berkas.read_text(encoding="utf-8").startswith("[Diisi penyusun")
    teks = "Laporan ini disusun oleh Bidang Perencanaan.\n\n- Terima kasih kepada semua pihak."
    berkas.write_text(teks, encoding="utf-8")
    (raw / "naskah" / "2023" / "sarana_prasarana.csv").write_text(
        "uraian,jumlah,satuan\nKomputer/PC Client,37,Unit\n", encoding="utf-8"
    )
    with duckdb.connect(str(bundled.paths.build_db), read_only=True) as con:
        path, _, _ = tulis_dokumen(con, 2023, tmp_path / "laporan", raw)
    assert berkas.read_text(encoding="utf-8") == teks
    doc = Document(str(path))
    paragraf = [p.text for p in doc.paragraphs]
    assert "Laporan ini disusun oleh Bidang Perencanaan." in paragraf
    assert "Terima kasih kepada semua pihak." in paragraf
    sarana = next(t for t in doc.tables if t.rows[0].cells[1].text == "URAIAN")
    assert [c.text for c in sarana.rows[1].cells] == ["1.", "Komputer/PC Client", "37", "Unit"]


def test_templat_rusak_menahan_dokumen_bukan_gudang_data(pipeline, tmp_path, monkeypatch, capsys):
    # an office's restyled template saved wrongly (here: a text file named .docx), run as an
    # officer does, through the command line
    templat = pipeline.paths.raw_dir / "naskah" / "templat_lakip.docx"
    templat.write_text("bukan dokumen Word", encoding="utf-8")
    use_cli_instance(pipeline, tmp_path, monkeypatch)
    assert main(["ingest", "--semester", "2023-S2"]) == 1
    out, err = capsys.readouterr()
    assert err.strip().startswith(
        "Templat raw/naskah/templat_lakip.docx ditolak: bukan dokumen Word .docx yang dapat "
        "dibuka (simpan ulang dari Word sebagai .docx, atau hapus berkas itu untuk memakai "
        "templat bawaan); dokumen LAKIP tidak ditulis."
    )
    assert "✗ publikasi__lakip_docx GAGAL" in out
    # the analyst warehouse and the other exports are published all the same, and said so
    assert "Gudang data analis SUDAH diperbarui" in out and "TIDAK diubah" not in out
    with pipeline.published() as con:
        assert con.execute("SELECT count(*) FROM analis.iku_tahunan").fetchone()[0] > 0
    laporan = pipeline.paths.reports_dir / "2023"
    assert (laporan / "LAKIP_2023_tabel.xlsx").exists()
    assert not (laporan / "LAKIP_2023_53.71.docx").exists()


def test_pdf_dari_dokumen_bila_libreoffice_ada(bundled, tmp_path):
    # The suite's runs skip the PDF (DUKCAPIL_PDF=tidak, tests/conftest.py); this converts the
    # bundled document once, as `make run` does.
    docx = bundled.paths.reports_dir / "2023" / "LAKIP_2023_53.71.docx"
    salinan = tmp_path / docx.name
    shutil.copy(docx, salinan)
    if shutil.which("soffice") is None and shutil.which("libreoffice") is None:
        pdf, pesan = ke_pdf(salinan)
        assert pdf is None and "tidak terpasang" in pesan
        return
    pdf, pesan = ke_pdf(salinan)
    assert pdf == salinan.with_suffix(".pdf") and pdf.read_bytes()[:5] == b"%PDF-"
    assert pesan == f"PDF ditulis: {pdf.name}"
