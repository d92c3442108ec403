"""Writes the files of tests/data/bad and tests/data/baik from the bundled inputs (run once;
the files are committed). Each bad file breaks one rule the gate must catch; each good file is
the bundled DKB in an awkward but legitimate shape the reader must accept.

The old-format .xls and the password-protected .xlsx need `xlwt` and `msoffcrypto-tool`, which
are not project dependencies (`pip install --target /tmp/alat xlwt msoffcrypto-tool`, then run
with PYTHONPATH=/tmp/alat); without them those two committed files are left as they are."""

import io
from pathlib import Path

from openpyxl import Workbook

HERE = Path(__file__).parent
RAW = HERE / "kupang"  # the bundled inputs, as the tests know them
DKB = (RAW / "dkb/2023-S2/agregat_kecamatan.csv").read_text(encoding="utf-8")


def dkb_with(old: str, new: str) -> str:
    assert old in DKB, old
    return DKB.replace(old, new, 1)


def write(name: str, text: str, encoding: str = "utf-8") -> None:
    (HERE / name).write_text(text, encoding=encoding, newline="")


# --- rejected -------------------------------------------------------------------------------
header, *body = DKB.splitlines(keepends=True)
cols = header.rstrip("\n").split(";")
drop = cols.index("BELUM REKAM KTP-EL")
write(
    "bad/dkb_kolom_hilang.csv",
    "".join(
        ";".join(c for i, c in enumerate(line.rstrip("\n").split(";")) if i != drop) + "\n"
        for line in DKB.splitlines(keepends=True)
    ),
)
write("bad/dkb_kecamatan_tidak_dikenal.csv", dkb_with("3;KELAPA LIMA;", "3;KELAPA LIMMA;"))
write("bad/dkb_kecamatan_ganda.csv", dkb_with("5;KOTA RAJA;", "5;OEBOBO;"))
write("bad/dkb_notasi_ilmiah.csv", dkb_with("2;MAULafa;102.547;", "2;MAULafa;1,02547E+05;"))
write("bad/dkb_teks_di_angka.csv", dkb_with("22.074;10.210", "22.074 anak;10.210"))
write("bad/dkb_baris_jumlah_rusak.csv", dkb_with(";JUMLAH;444.661;", ";JUMLAH;#REF!;"))
write("bad/dkb_identitas_ktp_el.csv", dkb_with("44.013;43.058;955;", "44.013;43.058;1.955;"))
write(
    "bad/anggaran_pk_tahun_lain.csv",
    (RAW / "anggaran/2023/anggaran_pk.csv")
    .read_text(encoding="utf-8")
    .replace("2023,2.12.05,", "2022,2.12.05,"),
)
write(
    "bad/wilayah_alias_kode_tidak_ada.csv",
    (RAW / "referensi/wilayah_alias.csv").read_text(encoding="utf-8")
    + "KOTA BARU,53.71.07,kecamatan yang tidak ada di Kepmendagri\n",
)
terbitan = (RAW / "terbitan/lakip_2023.csv").read_text(encoding="utf-8")
write(
    "bad/terbitan_titik_desimal.csv",
    terbitan.replace(
        'Tabel 11,2019,53.71,rasio_ktp_el,rasio_ktp_el,capaian,"110,26"',
        "Tabel 11,2019,53.71,rasio_ktp_el,rasio_ktp_el,capaian,110.26",
    ),
)

# Files that hold no readable table, or hold it in a form the reader must refuse in words.
write("bad/dkb_kosong.csv", "")
write("bad/dkb_spasi_saja.csv", " \r\n\r\n\t \r\n")
write("bad/dkb_judul_saja.csv", header)
write("bad/dkb_tanpa_baris_judul.csv", "".join(body))
write("bad/dkb_utf16_tanpa_bom.csv", DKB, "utf-16-le")
write("bad/dkb_csv_bernama_xlsx.xlsx", DKB)
(HERE / "bad/dkb_kosong.xlsx").write_bytes(b"")
write(
    "bad/dkb_angka_terlalu_besar.csv",
    dkb_with("1;ALAK;80.931;", "1;ALAK;9.223.372.036.854.775.808;").replace(
        "2;MAULafa;102.547;36.646;", "2;MAULafa;102.547;1.500.000.000;", 1
    ),
)
# One error from each stage of the gate: a cell that is not a number, a region name that is
# not in the reference, a row breaking a pandera rule; all must be listed together.
write(
    "bad/dkb_semua_tahap.csv",
    dkb_with("22.074;10.210", "22.074 anak;10.210")
    .replace("3;KELAPA LIMA;", "3;KELAPA LIMMA;", 1)
    .replace("44.013;43.058;955;", "44.013;43.058;1.955;", 1),
)


def xlsx_formulas_never_calculated(path: Path) -> None:
    """The DKB table as a program writes it: WAJIB KTP-EL and the JUMLAH population as formulas
    with no value stored (openpyxl, like most export libraries, does not calculate)."""
    book = Workbook()
    sheet = book.active
    sheet.append(cols)
    for r, line in enumerate(body, start=2):
        cells = [
            int(v.replace(".", "")) if v.replace(".", "").isdigit() else v
            for v in line.rstrip("\n").split(";")
        ]
        if cells[1] == "JUMLAH":
            cells[0] = None
            cells[2] = f"=SUM(C2:C{r - 1})"
        else:
            cells[4] = f"=F{r}+G{r}"
        sheet.append(cells)
    book.save(path)


xlsx_formulas_never_calculated(HERE / "bad/dkb_rumus_tanpa_nilai.xlsx")
good_xlsx = (HERE / "baik/agregat_kecamatan_dua_baris.xlsx").read_bytes()
(HERE / "bad/dkb_rusak.xlsx").write_bytes(good_xlsx[: len(good_xlsx) // 2])  # cut off in transit
try:
    import xlwt
    from msoffcrypto.format.ooxml import OOXMLFile
except ImportError:
    print("xlwt/msoffcrypto-tool not installed: dkb_format_lama.xls, dkb_dikunci_sandi.xlsx kept")
else:
    old = xlwt.Workbook()
    old_sheet = old.add_sheet("DKB")
    for i, line in enumerate(DKB.splitlines()):
        for j, value in enumerate(line.split(";")):
            old_sheet.write(i, j, value)
    old.save(str(HERE / "bad/dkb_format_lama.xls"))
    locked = io.BytesIO()
    OOXMLFile(io.BytesIO(good_xlsx)).encrypt("rahasia", locked)
    (HERE / "bad/dkb_dikunci_sandi.xlsx").write_bytes(locked.getvalue())


# --- accepted -------------------------------------------------------------------------------
TITLE = "JUMLAH PENDUDUK DAN DOKUMEN KEPENDUDUKAN PER KECAMATAN;;\nDKB Semester II 2023;;\n;;\n"
FOOTER = ";;\nSumber: DKB Semester II 2023 – Ditjen Dukcapil Kemendagri RI;;\n"
write("baik/agregat_kecamatan_bom.csv", "\ufeff" + TITLE + DKB + FOOTER, "utf-8")
write("baik/agregat_kecamatan_cp1252.csv", TITLE + DKB + FOOTER, "cp1252")
# Excel's "Unicode Text": UTF-16 LE with a BOM, tab-separated; and a UTF-16 BE export.
write("baik/agregat_kecamatan_utf16le.csv", "\ufeff" + DKB.replace(";", "\t"), "utf-16-le")
write("baik/agregat_kecamatan_utf16be.csv", "\ufeff" + TITLE + DKB + FOOTER, "utf-16-be")

# Merged two-row header in the layout of Tabel 4-9: group labels over sub-labels.
groups = [
    ("NO", None),
    ("KECAMATAN", None),
    ("JUMLAH PENDUDUK", None),
    ("PENDUDUK 17+ KAWIN", None),
    ("KTP-EL", ["WAJIB", "SUDAH REKAM", "BELUM REKAM", "CETAK"]),
    ("KIA", ["WAJIB", "MEMILIKI", "BELUM MEMILIKI"]),
    ("JUMLAH ANAK 0-17", None),
    ("ANAK", ["MEMILIKI AKTA KELAHIRAN", "BELUM MEMILIKI AKTA KELAHIRAN"]),
    ("PENDUDUK", ["MEMILIKI AKTA KELAHIRAN", "BELUM MEMILIKI AKTA KELAHIRAN"]),
    ("PERKAWINAN DILAPORKAN", None),
    ("AKTA PERKAWINAN TERBIT", None),
]


def xlsx_two_row_header(path: Path, rows: list[list[str]]) -> None:
    book = Workbook()
    sheet = book.active
    sheet.append(["JUMLAH PENDUDUK DAN DOKUMEN KEPENDUDUKAN PER KECAMATAN"])
    sheet.append(["DKB Semester II Tahun 2023 (per 31 Desember 2023)"])
    sheet.append([])
    top, bottom, col = [], [], 1
    for label, subs in groups:
        if subs is None:
            top.append(label)
            bottom.append(None)
            sheet.merge_cells(start_row=4, start_column=col, end_row=5, end_column=col)
            col += 1
        else:
            top += [label] + [None] * (len(subs) - 1)
            bottom += subs
            sheet.merge_cells(
                start_row=4, start_column=col, end_row=4, end_column=col + len(subs) - 1
            )
            col += len(subs)
    for j, value in enumerate(top, start=1):
        if value is not None:
            sheet.cell(row=4, column=j, value=value)
    for j, value in enumerate(bottom, start=1):
        if value is not None:
            sheet.cell(row=5, column=j, value=value)
    for row in rows:
        sheet.append([int(v) if v.isdigit() else v for v in row])
    sheet.append([])
    sheet.append(["Sumber: DKB Semester II Tahun 2023, Ditjen Dukcapil Kemendagri RI"])
    book.save(path)


data = [line.split(";") for line in DKB.splitlines()[1:]]
xlsx_two_row_header(HERE / "baik/agregat_kecamatan_dua_baris.xlsx", data)
negative = [list(r) for r in data]
negative[5][7] = "-27.049"  # KOTA LAMA, CETAK KTP-EL
xlsx_two_row_header(HERE / "bad/dkb_dua_baris_negatif.xlsx", negative)
