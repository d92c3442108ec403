"""The LAKIP Word document, LAKIP_<tahun>_<kode daerah>.docx, in the structure of the LAKIP 2023
(cover, kata pengantar, ikhtisar, Bab I–IV) on a template the office restyles in Word.

Generated parts print only figures of the warehouse, through the same queries and display rule
as the workbook; each figure is also recorded with its key (table, year, region, indicator or
program, column) in the shape of raw/terbitan, and `periksa` passes them through the
reconciliation's own SQL. A document with a figure that is not `sama` is not written. The
author's text lives in raw/naskah/<tahun>/<bagian>.md (templates/dokumen.toml), created with a
placeholder once and never overwritten."""

from __future__ import annotations

import csv
import re
import shutil
import subprocess
import tempfile
from dataclasses import astuple, dataclass, field
from pathlib import Path
from zipfile import BadZipFile

import duckdb
import pandas as pd
from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK
from docx.opc.exceptions import PackageNotFoundError
from docx.shared import Cm, Pt

from pipelines.defs.laporan.bersama import (
    TEMPLATES_DIR,
    angka_id,
    kelengkapan,
    konteks,
    per_kecamatan,
    query,
    template,
    tulis_atomik,
)
from pipelines.defs.laporan.grafik import LEBAR_A4, tulis_grafik_kelompok
from pipelines.defs.laporan.lakip_tabel import (
    GABUNG_ATAS,
    GABUNG_KIRI,
    baris_tabel,
    spec_per_tahun,
    tabel_periode,
)
from pipelines.defs.laporan.narasi import _isi, kalimat_indikator
from pipelines.gudang.db import load_sql

TEMPLAT = TEMPLATES_DIR / "lakip_dokumen.docx"
LEBAR_IKU = [7, 30, 60, 12]  # NO., SASARAN, INDIKATOR, TARGET of Tabel 1 and 2
LEBAR_TABEL_3 = [7, 19, 38, 12, 15, 13, 17]
ANGKA = re.compile(r"-?\d{1,3}(\.\d{3})*(,\d+)?\*?")  # a printed figure: right-aligned
KATA_BANDING = {"lebih tinggi dari": "lebih tinggi", "lebih rendah dari": "lebih rendah"}
KATA_BANDING["sama dengan"] = "sama"


class TemplatDitolak(Exception):
    """The office's Word template cannot be opened; the message is the officer's."""


@dataclass
class Angka:
    """One printed figure or comparison word, keyed like a row of raw/terbitan."""

    tabel: str
    tahun: int
    kode_wilayah: str
    baris_tercetak: str
    kunci: str
    kolom: str
    nilai_terbit: str


@dataclass
class Naskah:
    """The author's section files of one year."""

    folder: Path
    bagian: dict[str, str] = field(default_factory=dict)

    @classmethod
    def siapkan(cls, raw_dir: Path, tahun: int) -> Naskah:
        """Create every missing section file with its placeholder; never touch an existing one."""
        folder = raw_dir / "naskah" / str(tahun)
        folder.mkdir(parents=True, exist_ok=True)
        naskah = cls(folder)
        for n in template("dokumen.toml")["naskah"]:
            path = folder / f"{n['bagian']}.md"
            if not path.exists():
                path.write_text(n["isi"] + "\n", encoding="utf-8")
            naskah.bagian[n["bagian"]] = path.read_text(encoding="utf-8")
        return naskah


class Penyusun:
    """Builds one year's document and records every figure it prints."""

    def __init__(self, con: duckdb.DuckDBPyConnection, tahun: int, raw_dir: Path, grafik: Path):
        self.con, self.tahun = con, tahun
        self.ctx = konteks(con, tahun)
        self.kode_daerah, self.nama_daerah = self.ctx["kode_daerah"], self.ctx["daerah"]
        self.instansi = self.ctx["instansi"]
        self.naskah = Naskah.siapkan(raw_dir, tahun)
        self.grafik_dir = grafik
        kustom = raw_dir / "naskah" / "templat_lakip.docx"
        try:
            self.doc = Document(str(kustom if kustom.exists() else TEMPLAT))
        except (PackageNotFoundError, BadZipFile, KeyError, ValueError) as e:
            raise TemplatDitolak(
                f"Templat {kustom.relative_to(raw_dir.parent)} ditolak: bukan dokumen Word "
                ".docx yang dapat dibuka (simpan ulang dari Word sebagai .docx, atau hapus "
                "berkas itu untuk memakai templat bawaan); dokumen LAKIP tidak ditulis."
            ) from e
        self.angka: list[Angka] = []

    # figures -----------------------------------------------------------------------------
    def a(
        self,
        nilai,
        tabel: str,
        kunci: str,
        kolom: str,
        kosong: str | None = None,
        tahun: int | None = None,
        wilayah: str | None = None,
        baris: str = "",
    ) -> str:
        """The figure as printed (angka_id), recorded for the reconciliation; without a figure,
        the words `kosong` say why ("belum ada target"), or "-"."""
        teks = angka_id(nilai) if nilai is not None or not kosong else kosong
        if nilai is not None:
            self.angka.append(
                Angka(
                    tabel,
                    tahun or self.tahun,
                    wilayah or self.kode_daerah,
                    baris,
                    kunci,
                    kolom,
                    teks,
                )
            )
        return teks

    def kelengkapan(self, kurang: list[str]) -> None:
        """What the year still lacks (mart.kelengkapan_tahun), one bullet each; nothing for a
        complete year."""
        if not kurang:
            return
        self.paragraf(f"Data tahun {self.tahun} belum lengkap:", tebal=True)
        for pesan in kurang:
            self.paragraf(pesan, style="List Bullet")

    def kata(self, teks: str, tabel: str, kunci: str, kolom: str, tahun: int | None = None) -> str:
        """A category or comparison word, recorded in the reconciliation's vocabulary."""
        if teks:
            self.angka.append(
                Angka(
                    tabel,
                    tahun or self.tahun,
                    self.kode_daerah,
                    "",
                    kunci,
                    kolom,
                    KATA_BANDING.get(teks, teks),
                )
            )
        return teks or "-"

    # document parts ----------------------------------------------------------------------
    def judul(self, teks: str, level: int = 1) -> None:
        self.doc.add_heading(teks, level)

    def paragraf(self, teks: str, tebal: bool = False, style: str | None = None) -> None:
        """A paragraph; **bold** runs as in the narrative templates."""
        p = self.doc.add_paragraph(style=style)
        for i, potong in enumerate(teks.split("**")):
            if potong:
                p.add_run(potong).bold = tebal or i % 2 == 1

    def tulisan(self, bagian: str) -> None:
        """The author's own section, as written in raw/naskah/<tahun>/<bagian>.md."""
        for blok in self.naskah.bagian[bagian].strip().split("\n\n"):
            for baris in blok.splitlines() if blok.lstrip().startswith("- ") else [blok]:
                if baris.lstrip().startswith("- "):
                    self.paragraf(baris.lstrip()[2:], style="List Bullet")
                elif baris.strip():
                    self.paragraf(" ".join(baris.split()))

    def kepala_halaman(self) -> None:
        """The year and the office at the top of every page after the cover (later sections
        inherit the header); the office restyles it through the template's "Header" style."""
        pertama = self.doc.sections[0]
        pertama.different_first_page_header_footer = True
        p = pertama.header.paragraphs[0]
        p.text = f"LAKIP {self.tahun} · {self.ctx['instansi_daerah']}"
        p.alignment = WD_ALIGN_PARAGRAPH.RIGHT

    def ganti_halaman(self) -> None:
        self.doc.add_paragraph().add_run().add_break(WD_BREAK.PAGE)

    def tabel(
        self,
        judul: list[str],
        header: list[list[str]],
        rows: list[list[str]],
        catatan: str | None = None,
        tebal: set[int] = frozenset(),
        lebar: list[float] | None = None,
        gabung_ke_bawah: list[int] = (),
    ) -> None:
        """A table as the report prints it: title lines, header rows with the layout spec's
        merges ("<" left, "^" up), body rows (text already formatted), source line; relative
        column widths `lebar` (the spec's) over the text width; the 1-based columns
        `gabung_ke_bawah` merge a cell with the empty cells below it (one sasaran, many IKU)."""
        for line in judul:
            p = self.doc.add_paragraph(line.format(**self.ctx), style="Caption")
            p.alignment = WD_ALIGN_PARAGRAPH.CENTER
            p.paragraph_format.keep_with_next = True  # a title never ends a page alone
        n_kolom = len(header[0])
        t = self.doc.add_table(rows=len(header) + len(rows), cols=n_kolom)
        t.style = "Table Grid"
        t.alignment = WD_TABLE_ALIGNMENT.CENTER
        # one look-up of each row's cells: Table.cell() re-reads the whole grid on every call
        grid = [row.cells for row in t.rows]
        if lebar:
            bagian = self.doc.sections[-1]
            teks = bagian.page_width - bagian.left_margin - bagian.right_margin
            t.autofit = False
            for c, w in enumerate(lebar):
                t.columns[c].width = int(teks * w / sum(lebar))
                for row in grid:
                    row[c].width = t.columns[c].width
        for r, cells in enumerate(header):
            t.rows[r].repeat_header = True  # header repeated on every printed page
            for c, teks in enumerate(cells):
                if teks not in (GABUNG_KIRI, GABUNG_ATAS):
                    self._isi_sel(grid[r][c], teks.format(**self.ctx), tebal=True, tengah=True)
        for i, values in enumerate(rows):
            for c, teks in enumerate(values):
                self._isi_sel(grid[len(header) + i][c], teks, tebal=i in tebal)
        for r, cells in enumerate(header):
            for c, teks in enumerate(cells):
                if teks in (GABUNG_KIRI, GABUNG_ATAS):
                    continue
                kanan, bawah = c, r
                while kanan + 1 < n_kolom and cells[kanan + 1] == GABUNG_KIRI:
                    kanan += 1
                while bawah + 1 < len(header) and header[bawah + 1][c] == GABUNG_ATAS:
                    bawah += 1
                if (kanan, bawah) != (c, r):
                    grid[r][c].merge(grid[bawah][kanan])
        for c in gabung_ke_bawah:
            awal = None
            for i, values in enumerate([*rows, None]):
                akhir = values is None or values[c - 1] is not None or i in tebal
                if akhir and awal is not None and i - 1 > awal:
                    h = len(header)
                    grid[h + awal][c - 1].merge(grid[h + i - 1][c - 1])
                if akhir:
                    awal = i if values is not None and values[c - 1] is not None else None
        if len(grid) <= 20:  # a short table stays on one page, with its title
            for cells in grid[:-1]:
                for cell in cells:
                    for par in cell.paragraphs:
                        par.paragraph_format.keep_with_next = True
        if catatan:
            p = self.doc.add_paragraph()
            run = p.add_run(catatan.format(**self.ctx))
            run.italic, run.font.size = True, Pt(8)

    @staticmethod
    def _isi_sel(cell, teks: str | None, tebal: bool = False, tengah: bool = False) -> None:
        p = cell.paragraphs[0]
        run = p.add_run("" if teks is None else str(teks))
        run.bold, run.font.size = tebal, Pt(8)
        if tengah:
            p.alignment = WD_ALIGN_PARAGRAPH.CENTER
        elif ANGKA.fullmatch(run.text):
            p.alignment = WD_ALIGN_PARAGRAPH.RIGHT

    def gambar(self, path: Path, keterangan: str) -> None:
        self.doc.add_picture(str(path), width=Cm(LEBAR_A4 * 2.54))
        self.doc.add_paragraph(keterangan, style="Caption").alignment = WD_ALIGN_PARAGRAPH.CENTER

    def halaman(self, lanskap: bool) -> None:
        """Start a new section in portrait or landscape A4 (Tabel 11: three columns a year)."""
        s = self.doc.add_section()
        lebar, tinggi = sorted((s.page_width, s.page_height))
        s.orientation = WD_ORIENT.LANDSCAPE if lanskap else WD_ORIENT.PORTRAIT
        s.page_width, s.page_height = (tinggi, lebar) if lanskap else (lebar, tinggi)


def _spec(lembar: str) -> dict:
    return next(t for t in template("lakip_tabel.toml")["tabel"] if t["lembar"] == lembar)


def susun(con: duckdb.DuckDBPyConnection, tahun: int, raw_dir: Path, grafik: Path) -> Penyusun:
    """The whole document of one year, in memory; figures recorded in `.angka`."""
    d = Penyusun(con, tahun, raw_dir, grafik)
    t = template("narasi_bab3.toml")
    ind = query(con, "lakip/narasi", tahun)
    ringkasan = query(con, "lakip/ringkasan", tahun).to_dict("records")
    serapan = ringkasan[0]["serapan_anggaran"] if ringkasan else None
    # a year without a measured capaian yet (no target) has no mean to state
    ringkas = next((r for r in ringkasan if r["rata_rata_capaian"] is not None), None)
    kurang = kelengkapan(con, tahun)

    # Sampul, kata pengantar ----------------------------------------------------------------
    for teks, ukuran in [
        ("LAKIP", 28),
        ("LAPORAN AKUNTABILITAS KINERJA INSTANSI PEMERINTAH", 14),
        (str(tahun), 20),
        (f"PEMERINTAH {d.nama_daerah}", 12),
        (d.instansi.upper(), 12),
    ]:
        p = d.doc.add_paragraph()
        p.alignment = WD_ALIGN_PARAGRAPH.CENTER
        run = p.add_run(teks)
        run.bold, run.font.size = True, Pt(ukuran)
    d.tulisan("sampul")
    d.ganti_halaman()
    d.judul("KATA PENGANTAR")
    d.tulisan("kata_pengantar")
    d.ganti_halaman()

    # Ikhtisar eksekutif: the key figures ---------------------------------------------------
    d.judul("IKHTISAR EKSEKUTIF")
    if ringkas:
        per_kategori = ind.groupby("kategori").size().to_dict()
        rincian = ", ".join(f"{n} indikator {k}" for k, n in sorted(per_kategori.items()))
        d.paragraf(
            f"Pada tahun {tahun} {d.instansi} mengukur {ringkas['jumlah_indikator']} indikator "
            f"kinerja utama: {rincian}. Rata-rata capaian "
            f"{d.a(ringkas['rata_rata_capaian'], 'Ikhtisar', 'RATA-RATA', 'rata_rata_capaian')}% "
            f"bermakna **{d.kata(ringkas['kategori'], 'Ikhtisar', 'RATA-RATA', 'kategori')}**."
        )
    if serapan is not None:
        d.paragraf(f"Serapan anggaran program: {d.a(serapan, 'Ikhtisar', 'TOTAL', 'serapan')}%.")
    d.kelengkapan(kurang)
    d.tulisan("ikhtisar")
    d.ganti_halaman()

    # Bab I ---------------------------------------------------------------------------------
    d.judul("BAB I PENDAHULUAN")
    d.tulisan("bab1_pendahuluan")
    d.ganti_halaman()

    # Bab II: Tabel 1 (RKT) and Tabel 2 (PK and its budget) -------------------------------------
    d.judul("BAB II PERENCANAAN KINERJA")
    d.judul("A. Gambaran Singkat Rencana Strategis", 2)
    d.tulisan("bab2_renstra")
    d.judul(f"B. Rencana Kinerja Tahunan (RKT) Tahun {tahun}", 2)
    header_ind = [["NO.", "SASARAN STRATEGIS", "INDIKATOR KINERJA", "TARGET (%)"]]
    rkt = query(con, "lakip/rencana_kinerja_tahunan", tahun)
    d.tabel(
        ["Tabel. 1", "RENCANA KINERJA TAHUNAN (RKT)", "TAHUN {tahun}"],
        header_ind,
        _baris_indikator(rkt, lambda r: r.kosong or angka_id(r.target)),
        "Sumber: Rencana Kinerja Tahunan {tahun}.",
        lebar=LEBAR_IKU,
        gabung_ke_bawah=[1, 2],
    )
    d.judul(f"C. Perjanjian Kinerja (PK) Tahun {tahun}", 2)
    d.tabel(
        ["Tabel. 2", "PERJANJIAN KINERJA (PK)", "TAHUN {tahun}"],
        header_ind,
        _baris_indikator(
            ind, lambda r: d.a(r.target, "Tabel 2", r.kode_indikator, "target", r.kosong)
        ),
        # a paragraph between the two parts: Word joins adjacent tables into one
        "Sumber: Perjanjian Kinerja {tahun}.",
        lebar=LEBAR_IKU,
        gabung_ke_bawah=[1, 2],
    )
    anggaran_pk = query(con, "lakip/perjanjian_kinerja_anggaran", tahun)
    rows, nomor = [], 0
    for r in anggaran_pk.itertuples():
        total = r.kunci == "TOTAL"
        nomor += not total
        rows.append(
            [
                None if total else f"{nomor}.",
                r.program,
                d.a(r.anggaran_pk, "Tabel 2", r.kunci, "anggaran_pk", baris=r.program),
            ]
        )
    d.tabel(
        [],
        [["NO.", "PROGRAM", "ANGGARAN (Rp)"]],
        rows,
        "Sumber: Perjanjian Kinerja {tahun}; TOTAL dijumlah dari baris program.",
        tebal={len(rows) - 1},
        lebar=[5, 60, 20],
    )
    d.ganti_halaman()

    # Bab III A: Tabel 3 with the category, and the scale -----------------------------------------
    d.judul("BAB III AKUNTABILITAS KINERJA")
    d.judul("A. Pengukuran Kinerja", 2)
    s3 = _spec("Tabel 3")
    header3 = [[*s3["header"][0], "KATEGORI"], [*s3["header"][1], GABUNG_ATAS]]
    d.kelengkapan(kurang)
    d.tabel(
        s3["judul"],
        header3,
        _baris_indikator(
            ind,
            lambda r: [
                d.a(r.target, "Tabel 3", r.kode_indikator, "target", r.kosong),
                d.a(r.realisasi, "Tabel 3", r.kode_indikator, "realisasi", r.kosong),
                d.a(r.capaian, "Tabel 3", r.kode_indikator, "capaian", r.kosong),
                d.kata(r.kategori, "Tabel 3", r.kode_indikator, "kategori"),
            ],
        ),
        s3["catatan"],
        # narrower names than the workbook: every figure and "MEMUASKAN" on one line at 8 pt;
        # wider figure columns where some say "belum ada target" (on two lines, not four)
        lebar=[7, 17, 28, 17, 15, 17, 17] if ind["kosong"].notna().any() else LEBAR_TABEL_3,
        gabung_ke_bawah=[1, 2],
    )
    skala = con.execute(
        "SELECT batas_bawah, batas_atas, kategori FROM conformed.kategori_capaian"
        " ORDER BY batas_bawah DESC"
    ).fetchall()
    d.tabel(
        ["SKALA KATEGORI CAPAIAN"],
        [["CAPAIAN (%)", "KATEGORI"]],
        [
            [f"{angka_id(lo)} s.d. < {angka_id(hi)}" if hi is not None else f"≥ {angka_id(lo)}", k]
            for lo, hi, k in skala
        ],
        "Sumber: skala kategori yang ditetapkan dinas.",
    )

    # Bab III B: per indicator ---------------------------------------------------------------
    d.judul("B. Capaian Kinerja Organisasi", 2)
    d.paragraf(t["pembuka"].format(**d.ctx))
    tabel_kec = {
        s["indikator"]: s for s in template("lakip_tabel.toml")["tabel"] if "indikator" in s
    }
    grafik_kelompok = tulis_grafik_kelompok(con, tahun, grafik)
    kelompok_akhir = {}  # the last indicator of each numbered group gets the group's chart
    nomor = None
    for r in ind.itertuples():
        nomor = r.nomor or nomor
        kelompok_akhir[nomor] = r.kode_indikator
    nomor = None
    for r in ind.itertuples():
        nomor = r.nomor or nomor
        k = r.kode_indikator
        d.judul(f"{r.nomor + '. ' if r.nomor else ''}{r.nama_indikator}", 3)
        baris = dict(r._asdict())
        kalimat_ini = kalimat_indikator(baris)  # on the figures, before they become text
        baris.update(
            realisasi=d.a(r.realisasi, "Bab III B", k, "realisasi"),
            target=d.a(r.target, "Bab III B", k, "target"),
            capaian=d.a(r.capaian, "Bab III B", k, "capaian"),
            kategori=d.kata(r.kategori, "Bab III B", k, "kategori"),
            dibanding_target=d.kata(r.dibanding_target, "Bab III B", k, "dibanding_target"),
        )
        kalimat = [_isi(t[kalimat_ini], baris)]
        if r.capaian_tahun_lalu is not None:
            baris.update(
                capaian_tahun_lalu=d.a(
                    r.capaian_tahun_lalu, "Bab III B", k, "capaian", tahun=tahun - 1
                ),
                dibanding_tahun_lalu=d.kata(
                    r.dibanding_tahun_lalu, "Bab III B", k, "dibanding_tahun_lalu"
                ),
            )
            kalimat.append(_isi(t["tahun_lalu"], baris))
        d.paragraf(" ".join(kalimat))
        if r.jenis == "rumus" and r.realisasi is not None:
            d.paragraf("Rumus perhitungan:", tebal=True)
            d.paragraf(
                f"{r.rumus_tercetak.replace(' x ', ' × ')} = "
                f"{d.a(r.pembilang, 'Bab III B', k, 'pembilang')} / "
                f"{d.a(r.penyebut, 'Bab III B', k, 'penyebut')} × {angka_id(r.pengali)} = "
                f"{baris['realisasi']}%"
            )
        else:
            d.paragraf("Realisasi indikator ini dilaporkan dinas; tidak dihitung dari DKB.")
        if k in tabel_kec:
            _tabel_kecamatan(d, tabel_kec[k], tahun)
        if kelompok_akhir.get(nomor) == k and nomor in grafik_kelompok:
            d.gambar(grafik_kelompok[nomor], f"Grafik indikator {nomor}")
    d.tulisan("bab3_b_analisis")
    s10 = _spec("Tabel 10")
    rows, tebal = [], set()
    tabel10 = query(con, "lakip/perbandingan_tahun_lalu", tahun)
    for i, r in enumerate(tabel10.to_dict("records")):
        kunci = r["_kunci"]
        kol = "rata_rata_capaian" if kunci == "RATA-RATA" else "capaian"
        if kunci == "RATA-RATA":
            tebal.add(i)
        rows.append(
            [
                r["no"],
                r["sasaran_strategis"],
                r["indikator_kinerja"],
                d.a(r["capaian_tahun_lalu"], "Tabel 10", kunci, kol, tahun=tahun - 1),
                d.a(r["target"], "Tabel 10", kunci, "target", r["_kosong"]),
                d.a(r["realisasi"], "Tabel 10", kunci, "realisasi", r["_kosong"]),
                d.a(r["capaian"], "Tabel 10", kunci, kol, r["_kosong"]),
            ]
        )
    lebar10 = [7, *s10["lebar"][1:]]  # "NO." on one line
    if tabel10["_kosong"].notna().any():  # "belum ada target" on two lines, not five
        lebar10 = [8, 22, 39, 14, 17, 17, 17]
    d.tabel(s10["judul"], s10["header"], rows, s10["catatan"], tebal, lebar10, [1, 2])

    # Bab III C: the planning period (Tabel 11), landscape ---------------------------------------
    d.halaman(lanskap=True)
    d.judul(
        "C. Perbandingan Realisasi Kinerja sampai dengan Tahun ini dengan Target Jangka Menengah", 2
    )
    daftar_tahun, tabel11 = tabel_periode(con, tahun)
    s11 = spec_per_tahun(_spec("Tabel 11"), daftar_tahun, tahun)
    rows, ditandai = [], False
    for r in tabel11:
        row = [r["no"], r["indikator_kinerja"], r["satuan"]]
        for th in daftar_tahun:
            f = r["per_tahun"].get(th, {})
            row += [
                d.a(f.get("target"), "Tabel 11", r["_kunci"], "target", tahun=th),
                d.a(f.get("realisasi"), "Tabel 11", r["_kunci"], "realisasi", tahun=th),
            ]
            # the capaian recomputed from the two figures beside it; marked where the
            # published report printed another figure
            teks = d.a(f.get("_hitung"), "Tabel 11", r["_kunci"], "capaian", tahun=th)
            if f.get("_hitung") is not None and f["_hitung"] != f["capaian"]:
                teks, ditandai = teks + "*", True
            row.append(teks)
        rows.append(row)
    catatan = s11["catatan"].replace("capaian sebagaimana tercetak", "capaian dihitung ulang")
    if ditandai:
        catatan += " * berbeda dengan angka yang dicetak LAKIP terbit (lihat daftar rekonsiliasi)."
    # narrower name, wider figures than the workbook: "230,23*" on one line on a landscape page
    lebar = [6, 36, 6, *[8, 10, 11] * len(daftar_tahun)]
    d.tabel(s11["judul"], s11["header"], rows, catatan, lebar=lebar)
    d.halaman(lanskap=False)

    # Bab III D, E ------------------------------------------------------------------------------
    d.judul("D. Perbandingan Realisasi Kinerja dengan Standar Nasional", 2)
    d.tulisan("bab3_d_nasional")
    d.judul("E. Analisis Penyebab Keberhasilan/Kegagalan dan Alternatif Solusi", 2)
    if ringkas:
        d.paragraf(
            _isi(
                t["penutup"]["rata_rata"],
                {
                    **d.ctx,
                    **ringkas,
                    "rata_rata_capaian": d.a(
                        ringkas["rata_rata_capaian"], "Bab III E", "RATA-RATA", "rata_rata_capaian"
                    ),
                    "kategori": d.kata(ringkas["kategori"], "Bab III E", "RATA-RATA", "kategori"),
                },
            )
        )
        d.paragraf(
            "Cara membaca: rata-rata ini adalah rata-rata sederhana capaian semua indikator "
            "yang berisi angka pada tahun ini (setiap indikator berbobot sama); capaian di atas "
            "100% tidak dibatasi, sehingga satu indikator yang jauh melampaui target dapat "
            "menutupi indikator yang KURANG MEMUASKAN. Lihat kategori tiap indikator di Tabel 3."
        )
    d.tulisan("bab3_e_analisis")

    # Bab III F: sarana prasarana (Tabel 12), budget (Tabel 13), efficiency ------------------------
    d.judul("F. Analisis atas Efisiensi Penggunaan Sumber Daya", 2)
    _tabel_12(d, raw_dir, tahun)
    d.tulisan("bab3_f_sumber_daya")
    s13 = _spec("Tabel 13")
    rows = []
    for r in query(con, "lakip/realisasi_anggaran", tahun).to_dict("records"):
        kunci, nama = r["_kunci"], r["program"]
        rows.append(
            [
                r["no"],
                nama,
                d.a(r["anggaran"], "Tabel 13", kunci, "anggaran", baris=nama),
                d.a(r["realisasi"], "Tabel 13", kunci, "realisasi", baris=nama),
                d.a(r["capaian"], "Tabel 13", kunci, "serapan", baris=nama),
            ]
        )
    if rows:
        d.tabel(s13["judul"], s13["header"], rows, s13["catatan"], {len(rows) - 1}, s13["lebar"])
        _tabel_efisiensi(d, tahun)
    d.ganti_halaman()

    # Bab IV ----------------------------------------------------------------------------------
    d.judul("BAB IV PENUTUP")
    d.tulisan("bab4_penutup")
    d.doc.core_properties.title = f"LAKIP {tahun} {d.ctx['instansi_daerah']}"
    d.doc.core_properties.author = d.instansi
    d.kepala_halaman()
    return d


def _baris_indikator(df: pd.DataFrame, nilai) -> list[list]:
    """Rows of Tabel 1–3: sasaran numbered on its first row, the indicator's number in front of
    its name, then the figure cells `nilai(row)` gives."""
    rows, sasaran_lalu, no = [], None, 0
    for r in df.itertuples():
        baru = r.sasaran != sasaran_lalu
        no += baru
        sasaran_lalu = r.sasaran
        cells = nilai(r)
        rows.append(
            [
                f"{no}." if baru else None,
                r.sasaran if baru else None,
                f"{r.nomor + '. ' if r.nomor else ''}{r.nama_indikator}",
                *(cells if isinstance(cells, list) else [cells]),
            ]
        )
    return rows


def _tabel_kecamatan(d: Penyusun, spec: dict, tahun: int) -> None:
    """Tabel 4–9 from the workbook's own rows, each figure recorded under its region."""
    rows = baris_tabel(d.con, spec, tahun)
    if not rows:
        return
    kode = per_kecamatan(d.con, tahun)["kode_wilayah"].tolist()
    out = []
    for wilayah, values in zip(kode, rows, strict=True):
        cells = values[:2]
        for k, v in zip(spec["kolom"], values[2:], strict=True):
            if "ukuran" in k:
                cells.append(
                    d.a(v, spec["lembar"], k["ukuran"], "jumlah", wilayah=wilayah, baris=values[1])
                )
            else:
                cells.append(
                    d.a(
                        v,
                        spec["lembar"],
                        spec["indikator"],
                        "realisasi",
                        wilayah=wilayah,
                        baris=values[1],
                    )
                )
        out.append(cells)
    d.tabel(spec["judul"], spec["header"], out, spec["catatan"], {len(out) - 1}, spec["lebar"])


def _tabel_efisiensi(d: Penyusun, tahun: int) -> None:
    """Bab III F efficiency per program (the workbook's "Efisiensi" sheet): absorption, the
    mean capaian of the program's mapped indicators and their ratio; every figure recorded
    for the reconciliation (the TOTAL's mean capaian is Tabel 10's RATA-RATA)."""
    spec = _spec("Efisiensi")
    rows = []
    for r in query(d.con, spec["sumber"], tahun).to_dict("records"):
        kunci, program = r["_kunci"], r["program"]
        rows.append(
            [
                r["no"],
                program,
                d.a(r["serapan"], "Bab III F", kunci, "serapan", baris=program),
                angka_id(r["jumlah_indikator"]),
                d.a(
                    r["rata_rata_capaian"],
                    "Bab III F",
                    "RATA-RATA" if kunci == "TOTAL" else kunci,
                    "rata_rata_capaian",
                    baris=program,
                ),
                d.a(r["indeks_efisiensi"], "Bab III F", kunci, "indeks_efisiensi", baris=program),
                r["keterangan"],
            ]
        )
    if not rows:
        return
    d.tabel(spec["judul"], spec["header"], rows, spec["catatan"], {len(rows) - 1}, spec["lebar"])
    _, _, serapan, _, capaian, indeks, _ = rows[-1]
    d.paragraf(
        f"Secara keseluruhan rata-rata capaian indikator {capaian}% dicapai dengan serapan "
        f"anggaran {serapan}% (indeks efisiensi {indeks}); capaian kinerja melampaui serapan "
        "anggaran bila indeksnya di atas 1."
    )


def _tabel_12(d: Penyusun, raw_dir: Path, tahun: int) -> None:
    """Tabel 12 from the office's own file, printed as written (not a warehouse figure)."""
    t = template("dokumen.toml")["sarana_prasarana"]
    path = raw_dir / "naskah" / str(tahun) / t["berkas"]
    if not path.exists():
        d.paragraf(t["kosong"].format(tahun=tahun))
        return
    with path.open(encoding="utf-8-sig", newline="") as f:
        rows = [
            [f"{i}.", r.get("uraian", ""), r.get("jumlah", ""), r.get("satuan", "")]
            for i, r in enumerate(csv.DictReader(f), start=1)
        ]
    d.tabel(
        t["judul"],
        [["NO.", "URAIAN", "JUMLAH", "SATUAN"]],
        rows,
        "Sumber: inventaris sarana dan prasarana dinas {tahun}.",
        lebar=[7, 60, 14, 14],
    )


def periksa(con: duckdb.DuckDBPyConnection, angka: list[Angka], dokumen: str) -> pd.DataFrame:
    """Every recorded figure through the reconciliation's own SQL (sql/mart/rekonsiliasi.sql),
    with the document in place of the published reports. A figure is `sama` when it equals the
    recomputed figure under the display rule (the document prints only that); anything else
    (material, a different rounding, no counterpart) blocks the document."""
    sql = load_sql("mart/rekonsiliasi")
    if sql.count("FROM conformed.terbitan") != 1:
        raise RuntimeError("sql/mart/rekonsiliasi.sql: sumber terbitan tidak ditemukan")
    df = pd.DataFrame([astuple(x) for x in angka], columns=list(Angka.__dataclass_fields__))
    df.insert(0, "dokumen", dokumen)
    df["keterangan"] = None
    df["sumber_berkas"] = dokumen
    df["sumber_baris"] = range(1, len(df) + 1)
    con.register("_angka_dokumen", df)
    try:
        con.execute("CREATE OR REPLACE TEMP TABLE angka_dokumen AS SELECT * FROM _angka_dokumen")
        hasil = con.execute(f"""
            SELECT *,
                CASE WHEN kelas = 'sama' OR (angka_hitung IS NOT NULL
                          AND abs(angka_terbit - tampil(angka_hitung)) < 1e-9)
                     THEN 'sama' ELSE kelas END AS kelas_dokumen
            FROM ({sql.replace("FROM conformed.terbitan", "FROM temp.angka_dokumen")})
            WHERE pemeriksaan = 'terbitan vs hitung ulang'
        """).df()
    finally:
        con.unregister("_angka_dokumen")
        con.execute("DROP TABLE IF EXISTS temp.angka_dokumen")
    return hasil


def pesan_gagal(hasil: pd.DataFrame, path: Path) -> str:
    """The officer's message for a document whose figures do not reconcile."""
    salah = hasil[hasil["kelas_dokumen"] != "sama"]
    baris = [
        f"  {r.uraian}: tercetak {r.nilai_terbit}, dihitung ulang "
        f"{angka_id(r.angka_hitung) if pd.notna(r.angka_hitung) else (r.teks_hitung or '-')} "
        f"({r.kelas_dokumen})"
        for r in salah.itertuples()
    ]
    return (
        f"Dokumen {path.name} tidak ditulis: {len(salah)} angka tidak sama dengan hitungan "
        "gudang data; gudang data analis tetap diterbitkan.\n" + "\n".join(baris)
    )


def ke_pdf(path: Path) -> tuple[Path | None, str]:
    """PDF beside the .docx through LibreOffice when installed; otherwise a message."""
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        return None, "LibreOffice (soffice) tidak terpasang: PDF tidak dibuat; buka .docx di Word."
    with tempfile.TemporaryDirectory() as profil:
        # a private profile: two conversions (or a user's open LibreOffice) never collide
        proses = subprocess.run(
            [
                soffice,
                f"-env:UserInstallation=file://{profil}",
                "--headless",
                "--convert-to",
                "pdf",
                "--outdir",
                str(path.parent),
                str(path),
            ],
            capture_output=True,
            timeout=300,
            check=False,
        )
    pdf = path.with_suffix(".pdf")
    if proses.returncode != 0 or not pdf.exists():
        return None, f"Konversi PDF oleh LibreOffice gagal (kode {proses.returncode})."
    return pdf, f"PDF ditulis: {pdf.name}"


def tulis_dokumen(
    con: duckdb.DuckDBPyConnection, tahun: int, folder: Path, raw_dir: Path
) -> tuple[Path | None, pd.DataFrame, Penyusun]:
    """Build, check and (only when every figure is `sama`) write the document of one year."""
    d = susun(con, tahun, raw_dir, folder / "grafik")
    path = folder / f"LAKIP_{tahun}_{d.kode_daerah}.docx"
    hasil = periksa(con, d.angka, path.name)
    if (hasil["kelas_dokumen"] != "sama").any():
        path.unlink(missing_ok=True)
        return None, hasil, d
    tulis_atomik(path, lambda p: d.doc.save(str(p)))
    return path, hasil, d
