"""Which files under `raw/` a run reads: exactly those an input declares (`sources.Files`),
name and extension in any case. Every input, the record-level extract and the release sensor's
fingerprint find their files here, so the sensor sees what a run reads.

Anything else in an input folder (backup and editor copies, "Copy of …", Excel's `~$` lock
files, hidden files, sub-folders) is never read: it is returned as a warning naming it. A file
that is an input but cannot be read safely (two candidates for one input, a symlink, a pipe or
device, a file above the size limit) is refused before it is opened, naming it.
"""

from __future__ import annotations

import os
import re
import stat
from dataclasses import dataclass, field
from fnmatch import fnmatchcase
from pathlib import Path

from pipelines.config import UKURAN_MAKS, BatasUkuran, max_file_bytes
from pipelines.defs.masukan.sumber import ALL_FILES, DKB_FILES, Files
from pipelines.domain.angka import format_id_number
from pipelines.domain.penolakan import Failure, InputRejected
from pipelines.domain.semester import is_semester

# Copies an officer's tools leave beside a file: editor backups, Excel lock files, Windows,
# macOS and Indonesian-locale copies ("Salinan …", "… - Salinan"), downloads in progress.
_COPY = re.compile(
    r"^(~\$|\.|copy of |salinan |salinan dari )"
    r"|(~|\.bak|\.tmp|\.temp|\.old|\.orig|\.swp|\.part|\.crdownload)$"
    r"|( \(\d+\)| - copy| - salinan| copy|_copy|-copy)(\.[^.]*)?$",
    re.IGNORECASE,
)


class FolderRejected(InputRejected):
    """A semester folder that is missing or holds no DKB input: nothing of it is written."""

    def __init__(self, folder: Path, rule: str):
        self.path = folder
        self.failures = [Failure(str(folder), None, "-", "-", rule)]
        Exception.__init__(
            self, f"Folder {folder} ditolak: {rule}. Tidak ada data yang ditulis ke gudang data."
        )


@dataclass
class Found:
    files: list[Path] = field(default_factory=list)  # to read, sorted
    ignored: list[str] = field(default_factory=list)  # warnings, each naming a file not read


def _matches(spec: Files, name: str) -> bool:
    stem, dot, extension = name.casefold().rpartition(".")
    if not dot or _COPY.search(name):
        return False
    return extension in spec.extensions and fnmatchcase(stem, spec.stem.casefold())


def _is_documentation(name: str) -> bool:
    return name.casefold().startswith("readme")


def _folders(raw_dir: Path, pattern: str) -> list[Path]:
    if "*" not in pattern:
        folder = raw_dir / pattern
        return [folder] if folder.is_dir() else []
    return sorted(p for p in raw_dir.glob(pattern) if p.is_dir())


def _refusal(path: Path, raw_dir: Path, size_class: str, max_bytes: BatasUkuran) -> str | None:
    """Why `path` may not be read, from its lstat alone (a FIFO is never opened: it blocks)."""
    info = os.lstat(path)
    if stat.S_ISLNK(info.st_mode):
        return "bukan file biasa (tautan simbolik); salin file aslinya ke folder ini"
    if not stat.S_ISREG(info.st_mode):
        return "bukan file biasa (pipe, perangkat atau soket); tidak dibaca"
    if not path.resolve().is_relative_to(raw_dir.resolve()):
        return "berada di luar raw/ (lewat folder tautan); salin file aslinya ke raw/"
    limit = max_bytes(size_class)
    if info.st_size > limit:
        return (
            f"ukuran {format_id_number(info.st_size)} byte melebihi batas "
            f"{format_id_number(limit)} byte ({UKURAN_MAKS[size_class][0]}, dalam MB); "
            "periksa filenya, atau naikkan batas itu"
        )
    return None


def find_files(
    spec: Files,
    raw_dir: Path,
    semester: str | None = None,
    max_bytes: BatasUkuran = max_file_bytes,
) -> Found:
    """The files of `spec` under raw_dir (for a DKB input, in `semester`'s folder), or
    InputRejected naming every file that is an input but cannot be read (`max_bytes`: the size
    limits, in a run those of the Pengaturan resource)."""
    pattern = spec.pattern.format(semester=semester)
    folder_pattern = pattern.rpartition("/")[0]
    neighbours = [s for s in ALL_FILES if s.folder == spec.folder]
    # One input per folder reports the strangers, so each is named once per run.
    reports_strangers = neighbours[0] == spec
    expected = ", ".join(s.expected for s in neighbours)
    found, failures = Found(), []
    for folder in _folders(raw_dir, folder_pattern):
        candidates = []
        for entry in sorted(os.scandir(folder), key=lambda e: e.name):
            path = Path(entry.path)
            if _matches(spec, entry.name):
                candidates.append(path)
            elif any(_matches(s, entry.name) for s in neighbours) or _is_documentation(entry.name):
                continue
            elif reports_strangers:
                if entry.is_dir(follow_symlinks=False):
                    why = "folder di dalam folder input"
                elif _COPY.search(entry.name):
                    why = f"salinan, cadangan atau file sementara (yang dibaca: {expected})"
                else:
                    why = f"bukan nama file yang dikenali di folder ini (yang dibaca: {expected})"
                found.ignored.append(f"File {path} diabaikan, tidak dibaca: {why}.")
        for path in candidates:
            why = _refusal(path, raw_dir, spec.size, max_bytes)
            if why:
                failures.append(Failure(str(path), None, "-", path.name, why))
        if len(candidates) > 1 and not spec.multiple:
            names = " dan ".join(p.name for p in candidates)
            why = f"{len(candidates)} file untuk satu input ({names}); sisakan satu di folder ini"
            failures += [Failure(str(p), None, "-", p.name, why) for p in candidates]
        found.files += candidates
    if failures:
        raise InputRejected(Path(failures[0].file), failures)
    return found


def one_file(spec: Files, raw_dir: Path, max_bytes: BatasUkuran = max_file_bytes) -> Path:
    """The file of a single-file input that every run needs (e.g. referensi/siak_kode.csv)."""
    files = find_files(spec, raw_dir, max_bytes=max_bytes).files
    if not files:
        raise FolderRejected(raw_dir / spec.folder, f"tidak ada file {spec.expected}")
    return files[0]


def semester_files(
    raw_dir: Path, semester: str, max_bytes: BatasUkuran = max_file_bytes
) -> dict[str, Found]:
    """The DKB files of a semester, per input name; FolderRejected when the semester has no
    folder, or a folder with neither the aggregate nor the record-level file (a semester may
    have only one of them)."""
    folder = raw_dir / "dkb" / semester
    expected = " dan/atau ".join(s.expected for s in DKB_FILES)
    if not folder.is_dir():
        raise FolderRejected(
            folder, f"folder semester {semester} tidak ada; letakkan di sana {expected}"
        )
    found = {spec.name: find_files(spec, raw_dir, semester, max_bytes) for spec in DKB_FILES}
    if not any(f.files for f in found.values()):
        raise FolderRejected(
            folder,
            f"tidak ada file DKB yang dikenali; yang diharapkan {expected} "
            "(huruf besar/kecil tidak berpengaruh)",
        )
    return found


def semester_folders(raw_dir: Path) -> tuple[list[str], list[str]]:
    """Semester folders under raw/dkb/ ('2023-S2'), oldest first, and a warning for every
    other entry there (e.g. '2024-s1', '2024-S1 (revisi)'), which no run reads."""
    dkb = raw_dir / "dkb"
    if not dkb.is_dir():
        return [], []
    semesters, strangers = [], []
    for entry in sorted(os.scandir(dkb), key=lambda e: e.name):
        if entry.is_dir() and is_semester(entry.name):
            semesters.append(entry.name)
        elif not _is_documentation(entry.name):
            kind = "folder" if entry.is_dir() else "file"
            strangers.append(
                f"{kind.capitalize()} {entry.path} diabaikan, tidak dibaca: nama {kind} di "
                "raw/dkb/ harus semester berbentuk TAHUN-S1 atau TAHUN-S2 (mis. 2024-S1)."
            )
    return semesters, strangers
