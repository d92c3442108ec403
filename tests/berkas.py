"""Helpers that change inputs the way an officer does: drop a new release, revise a file."""

import csv
import os
import shutil
import time
from pathlib import Path

import openpyxl

# The bundled Kupang inputs as the tests know them, a copy of raw/ (tests/README.md): an office
# that puts its own inputs in raw/ still gets a green suite.
KUPANG = Path(__file__).resolve().parent / "data" / "kupang"
BUNDLED_FILE = Path("dkb/2023-S2/agregat_kecamatan.csv")
PENDUDUK_KOTA = 444661  # Tabel 4, JUMLAH PENDUDUK


def settle(path: Path) -> None:
    """Give a file an mtime well in the past, as if copied an hour ago."""
    past = time.time() - 3600
    os.utime(path, (past, past))


def revise_penduduk(raw_dir: Path, added: int, relative: Path = BUNDLED_FILE) -> int:
    """A revised DKB file: ALAK gains `added` residents, the JUMLAH row is kept consistent.
    Returns the new city total."""
    path = raw_dir / relative
    text = path.read_text(encoding="utf-8")
    new_total = PENDUDUK_KOTA + added
    text = text.replace("1;ALAK;80.931;", f"1;ALAK;{80931 + added:,};".replace(",", "."))
    text = text.replace(";JUMLAH;444.661;", f";JUMLAH;{new_total:,};".replace(",", "."))
    path.write_text(text, encoding="utf-8")
    settle(path)
    return new_total


def new_semester(raw_dir: Path, semester: str) -> Path:
    """A new release folder holding a copy of the bundled DKB file."""
    folder = raw_dir / "dkb" / semester
    folder.mkdir(parents=True)
    target = folder / BUNDLED_FILE.name
    shutil.copy2(raw_dir / BUNDLED_FILE, target)
    settle(target)
    return target


def settle_all(raw_dir: Path) -> None:
    """A fresh clone has just-written files; the sensor waits for files to settle."""
    for path in raw_dir.rglob("*"):
        if path.is_file():
            settle(path)


# Names that a spreadsheet would take as formulas: program names of Tabel 13 (budget workbook)
# and indicator names of Tabel 3 (definitions).
HYPERLINK = '=HYPERLINK("http://x","klik")'
CMD = "=cmd|' /C calc'!A0"
PROGRAM = [HYPERLINK, CMD, "+1+1", "-2+3"]
INDIKATOR = {"rasio_kia": "@SUM(A1)", "kepemilikan_kia": HYPERLINK}
AWKWARD_DKB = Path("dkb/2023-S2/AGREGAT_KECAMATAN.XLSX")
BACKUP = Path("dkb/2023-S2/agregat_kecamatan.csv.bak")


def formula_like_names(raw_dir: Path) -> None:
    """The budget export's four program names and two indicator names become PROGRAM and
    INDIKATOR, as typed text (no figure changes)."""
    budget = raw_dir / "anggaran" / "2023" / "realisasi_anggaran_2023.xlsx"
    wb = openpyxl.load_workbook(budget)
    rows = [r for r in wb.active.iter_rows(min_row=7) if r[1].value]  # the four program rows
    for row, name in zip(rows, PROGRAM, strict=True):
        row[2].value = name
        row[2].data_type = "s"  # a text cell of the export, not a formula of the officer's
    wb.save(budget)

    definisi = raw_dir / "indikator" / "definisi_indikator.csv"
    with definisi.open(encoding="utf-8", newline="") as f:
        records = list(csv.DictReader(f))
    for r in records:
        r["nama_indikator"] = INDIKATOR.get(r["kode_indikator"], r["nama_indikator"])
    with definisi.open("w", encoding="utf-8", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=list(records[0]))
        writer.writeheader()
        writer.writerows(records)


def awkward_dkb_folder(raw_dir: Path) -> None:
    """The DKB file as an officer may really drop it: a workbook in the Tabel 4-9 layout (merged
    two-row header, title rows; tests/data/baik) named in capitals, with a backup copy of the
    old CSV beside it. Same figures as the bundled file."""
    shutil.copy(raw_dir / BUNDLED_FILE, raw_dir / BACKUP)
    (raw_dir / BUNDLED_FILE).unlink()
    good = Path(__file__).parent / "data" / "baik" / "agregat_kecamatan_dua_baris.xlsx"
    shutil.copy(good, raw_dir / AWKWARD_DKB)


def lower_kia_target(raw_dir: Path) -> None:
    """The PK target of 'Kepemilikan KIA' (realisasi 46,27) lowered from 70 to 40."""
    target = raw_dir / "indikator" / "target.csv"
    text = target.read_text(encoding="utf-8")
    changed = text.replace("kepemilikan_kia,2023,PK,70,", "kepemilikan_kia,2023,PK,40,")
    assert changed != text
    target.write_text(changed, encoding="utf-8")


def add_unrecomputable_figure(raw_dir: Path) -> None:
    """A published figure (Tabel 12, computers) that no input lets the pipeline recompute."""
    terbitan = raw_dir / "terbitan/lakip_2023.csv"
    with terbitan.open("a", encoding="utf-8") as handle:
        handle.write(
            "LAKIP 2023 Dinas Dukcapil Kota Kupang,Tabel 12,2023,53.71,Komputer,"
            "komputer_pc_client,jumlah,37,sarana prasarana: tidak ada masukannya\n"
        )


def dkb_kecamatan_source(raw_dir: Path):
    """The agregat_kecamatan input with the measures raw_dir's ukuran_header.csv maps, as the
    DKB step reads it (pipelines/defs/masukan/agregat.py)."""
    from pipelines.defs.masukan.sumber import DKB_AGREGAT_KECAMATAN
    from pipelines.defs.masukan.ukuran import SEMUA_TOPIK, PetaUkuran

    peta = PetaUkuran.from_files(raw_dir)
    return peta.source(DKB_AGREGAT_KECAMATAN, "agregat_kecamatan", SEMUA_TOPIK, nullable=False)


# The bundled export's header of each DKB measure (raw/dkb/2023-S2/agregat_kecamatan.csv), typed
# here apart from raw/referensi/ukuran_header.csv, which the pipeline reads.
KOLOM_DKB = {
    "penduduk": "JUMLAH PENDUDUK",
    "penduduk_17_kawin": "PENDUDUK 17+ KAWIN",
    "wajib_ktp_el": "WAJIB KTP-EL",
    "ktp_el_sudah_rekam": "SUDAH REKAM KTP-EL",
    "wajib_kia": "WAJIB KIA",
    "kia_memiliki": "MEMILIKI KIA",
    "kia_belum_memiliki": "BELUM MEMILIKI KIA",
    "anak_0_17": "JUMLAH ANAK 0-17",
    "anak_akta_kelahiran_memiliki": "ANAK MEMILIKI AKTA KELAHIRAN",
    "anak_akta_kelahiran_belum": "ANAK BELUM MEMILIKI AKTA KELAHIRAN",
    "penduduk_akta_kelahiran_memiliki": "PENDUDUK MEMILIKI AKTA KELAHIRAN",
    "penduduk_akta_kelahiran_belum": "PENDUDUK BELUM MEMILIKI AKTA KELAHIRAN",
    "perkawinan_dilaporkan": "PERKAWINAN DILAPORKAN",
    "akta_perkawinan_terbit": "AKTA PERKAWINAN TERBIT",
}
