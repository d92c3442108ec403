"""The LAKIP workbook: one sheet per table (Tabel 3–11, 13) in the report's layout, laid out
from `templates/lakip_tabel.toml`. Figures are numeric cells; the number formats make Excel
show them the way the report prints them (1.234.567 and 96,65 under an Indonesian locale).
Every cell goes through `sel_aman`, so no text from an input becomes a formula."""

from __future__ import annotations

from pathlib import Path

import duckdb
from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from pipelines.defs.laporan.bersama import (
    kelengkapan,
    konteks,
    per_kecamatan,
    periode,
    persen,
    query,
    template,
    tulis_atomik,
)
from pipelines.defs.laporan.sel_aman import isi_sel, tulis_sel

# Number formats. A format cannot fix the separators: Excel takes them from the viewer's locale,
# so 1.234.567 / 96,65 appear under an Indonesian locale and 1,234,567 / 96.65 under an English
# one. Storing text instead would fix the look but break sums and sorting for every analyst, so
# the cells stay numbers and no format adds literal punctuation that reads wrong in a locale
# (the former '#,##0",-"' showed "328,349,528,-"); the Word document prints Indonesian text.
FORMAT_ANGKA = {
    "teks": "@",
    "angka": "#,##0",
    "persen": "#,##0.00",
    "persen_tanda": '#,##0.00" %"',  # where the report prints the sign in the cell (Tabel 3)
    "rupiah": "#,##0",
}
GARIS = Side(style="thin")
KOTAK = Border(left=GARIS, right=GARIS, top=GARIS, bottom=GARIS)
TEBAL = Font(bold=True)
LATAR_HEADER = PatternFill("solid", fgColor="D9E1F2")
GABUNG_KIRI, GABUNG_ATAS = "<", "^"
WARNA_KOSONG = "7F7F7F"  # the words in a cell without its figure: grey, unlike a figure


def tabel_periode(con: duckdb.DuckDBPyConnection, tahun: int) -> tuple[list[int], list[dict]]:
    """Tabel 11 of one year: the years of its planning period (bersama.periode), and per
    indicator in print order its printed name cells and, per year with figures, that year's
    row of sql/lakip/tren_rpjmd.sql (target, realisasi, capaian, _hitung)."""
    p = periode(con, tahun)
    indikator: dict[str, dict] = {}
    for r in query(con, "lakip/tren_rpjmd", tahun, awal=p["tahun_awal"]).to_dict("records"):
        baris = indikator.setdefault(
            r["_kunci"], {k: r[k] for k in ("no", "indikator_kinerja", "satuan", "_kunci")}
        )
        baris.setdefault("per_tahun", {})[r["tahun"]] = r
    return p["daftar_tahun"], list(indikator.values())


def spec_per_tahun(spec: dict, daftar_tahun: list[int], tahun: int) -> dict:
    """A table with one block of columns per year (`blok_tahun`: Tabel 11) laid out for these
    years: its fixed columns, then the block once per year, "{tahun_kolom}" being the year;
    the source line without earlier years when `tahun` opens the period."""
    blok = spec["blok_tahun"]
    return {
        **spec,
        "catatan": spec["catatan"] if daftar_tahun[0] < tahun else spec["catatan_awal_periode"],
        "header": [
            tetap + [sel.replace("{tahun_kolom}", str(th)) for th in daftar_tahun for sel in per]
            for tetap, per in zip(spec["header"], blok["header"], strict=True)
        ],
        "format": spec["format"] + blok["format"] * len(daftar_tahun),
        "lebar": spec["lebar"] + blok["lebar"] * len(daftar_tahun),
    }


def baris_tabel(con: duckdb.DuckDBPyConnection, spec: dict, tahun: int) -> list[list]:
    """The body rows of one table, total rows included, in print order."""
    if "blok_tahun" in spec:
        daftar_tahun, indikator = tabel_periode(con, tahun)
        return [
            [i["no"], i["indikator_kinerja"], i["satuan"]]
            + [
                i["per_tahun"].get(th, {}).get(k)
                for th in daftar_tahun
                for k in spec["blok_tahun"]["kolom"]
            ]
            for i in indikator
        ]
    if spec["sumber"] != "kecamatan":
        df = query(con, spec["sumber"], tahun)
        # columns named "_…" key the rows for the document's reconciliation; not printed
        rows = df[[c for c in df.columns if not c.startswith("_")]].values.tolist()
        # a figure the year has not yet (no target, no realisation): its cell says so in
        # words, never 0, and a column sum in Excel skips it
        for c in spec.get("kolom_kosong", []):
            for row, kosong in zip(rows, df["_kosong"], strict=True):
                if row[c - 1] is None and kosong:
                    row[c - 1] = kosong
        return rows
    wide = per_kecamatan(con, tahun)
    measures = {u for k in spec["kolom"] for u in ([k["ukuran"]] if "ukuran" in k else k["persen"])}
    # no DKB semester for the year yet, or an office whose DKB has not these measures (they are
    # data: raw/referensi/ukuran_dkb.csv): header and source line only
    if wide.empty or not measures <= set(wide.columns):
        return []
    kolom = []
    for k in spec["kolom"]:
        if "ukuran" in k:
            kolom.append(wide[k["ukuran"]].tolist())
        else:
            pembilang, penyebut = k["persen"]
            kolom.append(persen(con, wide[pembilang], wide[penyebut]))
    rows = []
    nomor = 0
    for i, r in wide.iterrows():
        if r["total"]:
            head = [None, spec["total"]]
        else:
            nomor += 1
            head = [f"{nomor}.", r["nama_wilayah"]]
        rows.append(head + [c[i] for c in kolom])
    return rows


def _header(ws: Worksheet, header: list[list[str]], top: int, ctx: dict) -> None:
    for dr, cells in enumerate(header):
        for dc, text in enumerate(cells):
            cell = ws.cell(top + dr, 1 + dc)
            cell.border, cell.font, cell.fill = KOTAK, TEBAL, LATAR_HEADER
            cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
            if text not in (GABUNG_KIRI, GABUNG_ATAS):
                isi_sel(cell, text.format(**ctx))
    # Merge each printed cell with the "<" to its right and the "^" below it.
    for dr, cells in enumerate(header):
        for dc, text in enumerate(cells):
            if text in (GABUNG_KIRI, GABUNG_ATAS):
                continue
            right = dc
            while right + 1 < len(cells) and cells[right + 1] == GABUNG_KIRI:
                right += 1
            down = dr
            while down + 1 < len(header) and header[down + 1][dc] == GABUNG_ATAS:
                down += 1
            if (right, down) != (dc, dr):
                ws.merge_cells(
                    start_row=top + dr,
                    start_column=1 + dc,
                    end_row=top + down,
                    end_column=1 + right,
                )


def _total(spec: dict, values: list) -> bool:
    return "total" in spec and values[1] == spec["total"]


def _gabung_ke_bawah(ws: Worksheet, spec: dict, rows: list[list], top: int) -> None:
    """Merge a cell of the columns `gabung_ke_bawah` with the empty cells below it, as the
    report prints one sasaran beside all its indicators; a total row ends the group."""
    for col in spec.get("gabung_ke_bawah", []):
        start = None
        for i, values in enumerate([*rows, None]):
            ends = values is None or values[col - 1] is not None or _total(spec, values)
            if ends and start is not None and i - 1 > start:
                ws.merge_cells(
                    start_row=top + start, start_column=col, end_row=top + i - 1, end_column=col
                )
            if ends:
                start = i if values is not None and values[col - 1] is not None else None


def tulis_lembar(
    ws: Worksheet,
    spec: dict,
    rows: list[list],
    ctx: dict,
    judul_instansi: str = "",
    kelengkapan: list[str] = (),
) -> None:
    """One sheet: the table's title lines, then `judul_instansi` in the row before the header
    (the office: a sheet pasted or printed on its own still says whose figures they are),
    header, body, source line, then what the year still lacks (`kelengkapan`), if anything."""
    width = len(spec["format"])
    r = 1
    for line in spec["judul"]:
        tulis_sel(ws, r, 1, line.format(**ctx)).font = TEBAL
        ws.cell(r, 1).alignment = Alignment(horizontal="center")
        ws.merge_cells(start_row=r, start_column=1, end_row=r, end_column=width)
        r += 1
    if judul_instansi:
        tulis_sel(ws, r, 1, judul_instansi).font = Font(italic=True)
        ws.cell(r, 1).alignment = Alignment(horizontal="center")
        ws.merge_cells(start_row=r, start_column=1, end_row=r, end_column=width)
    r += 1
    _header(ws, spec["header"], r, ctx)
    r += len(spec["header"])
    ws.freeze_panes = ws.cell(r, 1)
    _gabung_ke_bawah(ws, spec, rows, r)
    for values in rows:
        is_total = _total(spec, values)
        for c, (value, fmt) in enumerate(zip(values, spec["format"], strict=True), start=1):
            cell = tulis_sel(ws, r, c, value)
            cell.number_format = FORMAT_ANGKA[fmt]
            cell.border = KOTAK
            cell.alignment = Alignment(vertical="top", wrap_text=fmt == "teks")
            if is_total:
                cell.font = TEBAL
            elif fmt != "teks" and isinstance(value, str):  # "belum ada target"
                cell.font = Font(italic=True, color=WARNA_KOSONG)
                cell.alignment = Alignment(horizontal="right", vertical="top", wrap_text=True)
        r += 1
    tulis_sel(ws, r + 1, 1, spec["catatan"].format(**ctx)).font = Font(italic=True, size=9)
    if kelengkapan:
        tulis_sel(ws, r + 2, 1, ctx["judul_kelengkapan"]).font = Font(bold=True, size=9)
        for i, pesan in enumerate(kelengkapan, start=r + 3):
            tulis_sel(ws, i, 1, f"• {pesan}").font = Font(size=9)
    for c, w in enumerate(spec["lebar"], start=1):
        ws.column_dimensions[get_column_letter(c)].width = w
    _siap_cetak(ws, spec, top=len(spec["judul"]) + 2, kepala=ctx.get("kepala_halaman", ""))


def _siap_cetak(ws: Worksheet, spec: dict, top: int, kepala: str = "") -> None:
    """A4, one page wide (landscape when the table is wider than a portrait page), header rows
    repeated on every printed page, the office and year in the page header."""
    if kepala:
        ws.oddHeader.center.text = kepala
        ws.oddHeader.center.size = 8
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.orientation = "landscape" if sum(spec["lebar"]) > 110 else "portrait"
    ws.page_setup.fitToWidth, ws.page_setup.fitToHeight = 1, 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_title_rows = f"{top}:{top + len(spec['header']) - 1}"
    ws.print_options.horizontalCentered = True


def tulis_workbook(con: duckdb.DuckDBPyConnection, tahun: int, path: Path) -> dict[str, int]:
    """Write the workbook of one year; returns the number of body rows per sheet."""
    ctx = konteks(con, tahun)
    t = template("lakip_tabel.toml")
    ctx["kepala_halaman"] = t["kepala_halaman"].format(**ctx)
    ctx["judul_kelengkapan"] = t["judul_kelengkapan"].format(**ctx)
    judul_instansi = t["judul_instansi"].format(**ctx)
    kurang = kelengkapan(con, tahun)
    wb = Workbook()
    wb.remove(wb.active)
    counts = {}
    for spec in t["tabel"]:
        if "blok_tahun" in spec:
            spec = spec_per_tahun(spec, periode(con, tahun)["daftar_tahun"], tahun)
        rows = baris_tabel(con, spec, tahun)
        tulis_lembar(
            wb.create_sheet(spec["lembar"]),
            spec,
            rows,
            ctx,
            judul_instansi,
            kurang if spec.get("kelengkapan") else (),
        )
        counts[spec["lembar"]] = len(rows)
    wb.properties.title = f"LAKIP {tahun} {ctx['instansi_daerah']}: tabel Bab III"
    wb.properties.creator = ctx["instansi"]
    wb.properties.language = "id-ID"
    tulis_atomik(path, wb.save)
    return counts
