"""The pseudonym key's fingerprint, recorded with each semester's restricted data.

Pseudonyms link a resident across semesters only if every semester was keyed alike; a new key
silently breaks that. So each semester's store folder holds `sidik_kunci.json`: the key's
fingerprint (HMAC-SHA256 of a fixed label under the key: it identifies the key without
revealing it) and the checksum of the extract it was made from. A run under another key is
refused unless the officer re-keys every semester (`python -m pipelines.cli kunci-ulang`).
"""

from __future__ import annotations

import hashlib
import hmac
import json
from dataclasses import dataclass
from pathlib import Path

LABEL = b"dukcapil-kinerja/sidik-kunci/v1"
NAMA_BERKAS = "sidik_kunci.json"
TAG_KUNCI_ULANG = "dukcapil/kunci_ulang"  # run tag: this run re-keys its semester


class KunciBerbeda(RuntimeError):
    """The key differs from the one recorded with restricted data of some semester."""


def sidik_kunci(key: bytes) -> str:
    return hmac.new(key, LABEL, hashlib.sha256).hexdigest()


def sidik_file(store: Path, semester: str) -> Path:
    """Beside the semester's penduduk.parquet (restricted_file(store, 'penduduk', semester))."""
    return store / "penduduk" / f"semester={semester}" / NAMA_BERKAS


@dataclass(frozen=True)
class Catatan:
    """What a semester's restricted data was made with; sidik None: written before fingerprints
    were recorded."""

    semester: str
    sidik: str | None
    sha256: str | None
    berkas: str | None


def tulis_sidik(target: Path, key: bytes, sha256: str, berkas: str) -> Path:
    """Written as `<target>.tmp`; the caller renames it into place with the semester's files."""
    partial = target.with_name(target.name + ".tmp")
    record = {"sidik_kunci": sidik_kunci(key), "label": LABEL.decode(), "sha256": sha256}
    partial.write_text(json.dumps(record | {"berkas": berkas}, indent=1), encoding="utf-8")
    return partial


def catatan(store: Path) -> list[Catatan]:
    """Every semester with resident rows in the store, with its recorded key fingerprint."""
    found = []
    for folder in sorted((store / "penduduk").glob("semester=*")):
        if not (folder / "penduduk.parquet").exists():
            continue
        semester = folder.name.removeprefix("semester=")
        path = folder / NAMA_BERKAS
        record = json.loads(path.read_text(encoding="utf-8")) if path.exists() else {}
        found.append(
            Catatan(semester, record.get("sidik_kunci"), record.get("sha256"), record.get("berkas"))
        )
    return found


def pastikan_kunci_sama(store: Path, key: bytes) -> None:
    """Refuse, naming them, when semesters in the store were keyed otherwise."""
    mine = sidik_kunci(key)
    other = [c.semester for c in catatan(store) if c.sidik is not None and c.sidik != mine]
    if other:
        raise KunciBerbeda(
            "Kunci pseudonim (DUKCAPIL_PSEUDONYM_KEY) berbeda dari kunci yang dipakai untuk data "
            f"terbatas semester {', '.join(other)} (sidik kunci tidak cocok; kunci tidak "
            "ditampilkan). Pseudonim NIK/KK dengan kunci berbeda tidak dapat ditautkan "
            "antarsemester, jadi tidak ada yang ditulis. Pakai kunci yang lama, atau ganti kunci "
            "untuk semua semester dengan `make kunci-ulang` (python -m pipelines.cli kunci-ulang)."
        )
