"""Helpers that change inputs the way an officer does: drop a new release, revise a file."""

import os
import shutil
import time
from pathlib import Path

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
