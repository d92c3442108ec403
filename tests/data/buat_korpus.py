"""Writes the files of tests/data/bad and tests/data/baik from the bundled inputs (run once;
the files are committed). Each bad file breaks one rule the gate must catch; each good file is
the bundled DKB in an awkward but legitimate shape the reader must accept."""

from pathlib import Path

from openpyxl import Workbook

HERE = Path(__file__).parent
RAW = HERE.parent.parent / "raw"
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


# --- accepted -------------------------------------------------------------------------------
TITLE = "JUMLAH PENDUDUK DAN DOKUMEN KEPENDUDUKAN PER KECAMATAN;;\nDKB Semester II 2023;;\n;;\n"
FOOTER = ";;\nSumber: DKB Semester II 2023 – Ditjen Dukcapil Kemendagri RI;;\n"
write("baik/agregat_kecamatan_bom.csv", "\ufeff" + TITLE + DKB + FOOTER, "utf-8")
write("baik/agregat_kecamatan_cp1252.csv", TITLE + DKB + FOOTER, "cp1252")

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
