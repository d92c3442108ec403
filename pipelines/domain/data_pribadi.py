"""Personal data of the record-level path never leaves the restricted store.

- `samarkan`: the one masking rule for a value shown outside the store (messages, logs, Dagster
  events): NIK/KK-like numbers keep their first and last 4 characters (`1234••••••••5678`),
  names show nothing. The quarantine Parquet keeps the raw value: it is inside the store.
- `lindungi`: wraps the ingestion so a refusal leaves it with masked values and any other
  exception (DuckDB quotes whole CSV lines, names included) leaves it as a neutral message; the
  original text goes to a file in the store (`galat/`), never to Dagster's run storage.
- Files are created 0600 in 0700 folders (umask around the ingestion: DuckDB creates its spill
  files itself), and temporaries left by a killed run are removed when any semester runs.
"""

from __future__ import annotations

import functools
import os
import re
import stat
import traceback
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

from pipelines.domain.penolakan import Failure, InputRejected

TITIK = "•"
# Columns whose value identifies a person by number: shown as first 4 + last 4 characters.
KOLOM_NOMOR = frozenset({"NIK", "NO_KK", "NO_AKTA_LHR", "NO_AKTA_KWN"})
# Any run of 12+ digits in a value of another column is a NIK/KK too (e.g. in a CSV line).
_NOMOR_PANJANG = re.compile(r"\d{12,}")
# A value made of several cells, as the cross-column rules show it: "STATUS_KTP=1, TGL_…=…".
_SEL = r"[A-Z][A-Z0-9_]*="
_BAGIAN = re.compile(rf"({_SEL[:-1]})=(.*?)(?=, {_SEL}|$)")

SPILL = "spill"  # DuckDB's temp_directory under the store
GALAT = "galat"  # original text of neutralised exceptions


def _tutup(teks: str) -> str:
    """First and last 4 characters of a 12+ character number, a quarter each side of a shorter
    one (never more than half of it): idempotent, so masking twice changes nothing."""
    keep = 4 if len(teks) >= 12 else len(teks) // 4
    return teks[:keep] + TITIK * (len(teks) - 2 * keep) + teks[len(teks) - keep :]


def kolom_nama(kolom: str) -> bool:
    return "NAMA" in kolom.upper()


def samarkan(kolom: str, nilai: object) -> str:
    """A value of `kolom` as it may be shown outside the restricted store."""
    if nilai is None:
        return ""
    teks = str(nilai)
    if kolom_nama(kolom):
        return "(nama disamarkan)" if teks else ""
    if re.match(_SEL, teks):
        return ", ".join(f"{k}={samarkan(k, v)}" for k, v in _BAGIAN.findall(teks))
    if kolom.upper() in KOLOM_NOMOR:
        return _tutup(teks)
    return _NOMOR_PANJANG.sub(lambda m: _tutup(m.group()), teks)


def samarkan_penolakan(error: InputRejected) -> InputRejected:
    """The same refusal with every value masked by its column."""
    return InputRejected(
        error.path,
        [
            Failure(f.file, f.row, f.column, samarkan(f.column, f.value), f.rule)
            for f in error.failures
        ],
    )


def samarkan_nomor(error: InputRejected) -> InputRejected:
    """A refusal of a table of counts with every run of 12+ digits in a value or rule masked:
    no count is that large, so it is a NIK or KK number pasted into a cell. The same refusal
    (its own type and wording) when there is none."""
    failures = [
        Failure(f.file, f.row, f.column, samarkan("", f.value), samarkan("", f.rule))
        for f in error.failures
    ]
    return error if failures == error.failures else InputRejected(error.path, failures)


class GagalRekaman(RuntimeError):
    """A failure inside the record-level step whose own text may quote personal data."""


def _simpan_galat(store: Path, semester: str, error: BaseException) -> Path:
    folder = store / GALAT
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%f")
    path = folder / f"{stamp}-{semester}.txt"
    path.write_text("".join(traceback.format_exception(error)), encoding="utf-8")
    os.chmod(path, 0o600)
    return path


@contextmanager
def umask_terbatas() -> Iterator[None]:
    """Files created meanwhile are 0600 and folders 0700. The umask is per process: files that
    other threads create meanwhile (Dagster's logs) are only made more private."""
    previous = os.umask(0o077)
    try:
        yield
    finally:
        os.umask(previous)


def lindungi(fn: Callable) -> Callable:
    """Decorator of the ingestion (keyword arguments `store`, `semester`, `berkas`): files under
    a private umask; a refusal with masked values; any other exception replaced by a neutral
    one (`from None`: no cause or context is kept, so Dagster stores none of its text)."""

    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        store: Path = kwargs["store"]
        try:
            with umask_terbatas():
                return fn(*args, **kwargs)
        except InputRejected as error:
            raise samarkan_penolakan(error) from None
        except Exception as error:
            with umask_terbatas():
                detail = _simpan_galat(store, kwargs["semester"], error)
            raise GagalRekaman(
                f"Ekstrak {kwargs['berkas']} semester {kwargs['semester']} gagal diproses "
                f"({type(error).__name__}); pesan aslinya tidak ditampilkan karena dapat memuat "
                f"NIK/KK/nama. Rinciannya (hanya untuk petugas data): {detail}"
            ) from None

    return wrapper


def bersihkan_sementara(store: Path) -> list[Path]:
    """Remove what a killed run left in the store (`*.tmp`, DuckDB spill files), whatever its
    semester, and make every folder 0700 and file 0600 (also those of older versions). Called at
    the start of every run's record-level step; runs are queued one at a time (dagster.yaml), so
    no other run is writing here. Returns what was removed."""
    if not store.exists():
        return []
    removed = []
    for path in sorted(store.rglob("*")):
        if path.is_symlink():
            continue
        mode = path.lstat().st_mode
        if stat.S_ISREG(mode) and (path.suffix == ".tmp" or SPILL in path.relative_to(store).parts):
            path.unlink()
            removed.append(path)
        elif stat.S_ISDIR(mode):
            os.chmod(path, 0o700)
        elif stat.S_ISREG(mode):
            os.chmod(path, 0o600)
    os.chmod(store, 0o700)
    return removed
