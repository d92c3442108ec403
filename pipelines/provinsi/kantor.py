"""The offices of an installation, found under `raw/`: one folder per office named by its
kab/kota code (`raw/53.71/`, the office's tree in the single-office layout), whose warehouse is
`warehouse/<kode>/`. The single-office layout (`raw/referensi/`, `raw/dkb/` at the top) is one
office whose warehouse is `warehouse/` itself, as `make run` has it.

What a tired officer leaves beside the office folders is never merged into an office: a backup
copy (`53.71 - Copy`, `53.71.bak`), a file where a folder is expected, an empty folder, a code
written another way (`5371`) are ignored with a warning naming them; a folder named by a code
that is no kab/kota, or whose referensi/daerah.csv names another office, is refused with the
folder and the value, and only that office is not run."""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from pathlib import Path

from pipelines.config import Paths
from pipelines.defs.masukan.berkas import one_file
from pipelines.defs.masukan.readers import read_raw
from pipelines.defs.masukan.sumber import DAERAH
from pipelines.domain import wilayah as nasional
from pipelines.domain.penolakan import InputRejected

KODE_KANTOR = re.compile(r"\d{2}\.\d{2}")
# A folder of the office tree at the top of raw/: the single-office layout.
_TUNGGAL = ("referensi", "dkb")
# '53.71 - Copy', '53.71.bak', '53.71 (2)', 'Salinan 53.71': an office folder's copy.
_SALINAN = re.compile(r"(?<![\d.])\d{2}\.\d{2}(?![\d])")
# '5371', '53 71', '53_71', '53-71': a kab/kota code written without its dot.
_TANPA_TITIK = re.compile(r"(\d{2})[ _-]?(\d{2})")


class KantorDitolak(ValueError):
    """An office folder (or the layout of raw/ as a whole) that cannot be run as it is."""


@dataclass(frozen=True)
class Kantor:
    """One office: its kab/kota code, name in the national list, and its own folders."""

    kode: str
    nama: str  # 'Kota Kupang', as Kepmendagri writes it
    raw_dir: Path
    warehouse_dir: Path

    @property
    def paths(self) -> Paths:
        return Paths(raw_dir=self.raw_dir, warehouse_dir=self.warehouse_dir)

    @property
    def dagster_home(self) -> Path:
        """The office's own Dagster instance: its runs and partitions, apart from the others'."""
        return self.warehouse_dir / "dagster"


@dataclass
class Penemuan:
    """What discovery found under raw/: the offices to run (by code), the office folders
    refused (folder -> why), and a warning for every entry ignored."""

    kantor: dict[str, Kantor] = field(default_factory=dict)
    ditolak: dict[str, str] = field(default_factory=dict)
    peringatan: list[str] = field(default_factory=list)
    tunggal: bool = False  # the single-office layout


def _diam(name: str) -> bool:
    """Entries nobody means as an office: hidden files, the folder's README."""
    return name.startswith(".") or name.casefold().startswith("readme")


def _is_single(raw_dir: Path) -> bool:
    return any((raw_dir / name).is_dir() for name in _TUNGGAL)


def kode_daerah(raw_dir: Path) -> list[str]:
    """The codes referensi/daerah.csv of an office tree names, read by the gate's own reader
    (any case, BOM, cp1252, .xlsx); InputRejected (or FolderRejected, when missing) as the gate
    words it. The office's run validates the file in full."""
    table = read_raw(one_file(DAERAH.files, raw_dir), DAERAH)
    codes = table.body["kode"] if "kode" in table.body else []
    return [str(c).strip() for c in codes if c is not None and str(c).strip()]


def _check_code(raw_dir: Path, kode: str) -> str:
    """The office's name when referensi/daerah.csv under raw_dir names exactly `kode`;
    KantorDitolak naming the folder and the value otherwise."""
    region = nasional.by_code().get(kode)
    if region is None or region.tingkat not in ("kabupaten", "kota"):
        what = f"{region.tingkat} {region.nama.upper()}" if region else "tidak ada"
        raise KantorDitolak(
            f"Folder {raw_dir} ditolak: '{kode}' bukan kode kabupaten/kota dalam daftar "
            f"Kemendagri ({nasional.KEPUTUSAN}: {what}); folder kantor harus bernama kode "
            "kab/kota bertitik, mis. 53.71."
        )
    try:
        codes = kode_daerah(raw_dir)
    except InputRejected as refusal:
        raise KantorDitolak(f"Folder kantor {raw_dir} ditolak: {refusal}") from None
    if codes != [kode]:
        named = ", ".join(repr(c) for c in codes) or "(kosong)"
        raise KantorDitolak(
            f"Folder kantor {raw_dir} ditolak: referensi/daerah.csv berisi kode {named}, "
            f"bukan {kode} seperti nama foldernya. Perbaiki daerah.csv atau pindahkan file "
            "ke folder kantor yang benar; kantor ini tidak dijalankan."
        )
    return region.nama


def _layouts(raw_dir: Path) -> bool:
    """True for the single-office layout; KantorDitolak when raw/ holds both layouts."""
    single = _is_single(raw_dir)
    offices = sorted(
        e.name for e in os.scandir(raw_dir) if e.is_dir() and KODE_KANTOR.fullmatch(e.name)
    )
    if single and offices:
        raise KantorDitolak(
            f"Folder {raw_dir} berisi dua susunan sekaligus: satu kantor (referensi/ dan dkb/ "
            f"langsung di {raw_dir.name}/) dan folder kantor {', '.join(offices)}. Pindahkan "
            f"isi kantor tunggal ke {raw_dir.name}/<kode kab/kota>/, atau pindahkan folder "
            "kantor itu keluar; tidak ada kantor yang dijalankan."
        )
    return single


def kantor(raw_dir: Path, warehouse_dir: Path, kode: str) -> Kantor:
    """One office of the installation, checked as discovery checks it (a run of one office
    needs only its own folder read); KantorDitolak naming folder and value otherwise."""
    raw_dir, warehouse_dir = Path(raw_dir), Path(warehouse_dir)
    if _layouts(raw_dir):
        return Kantor(kode, _check_code(raw_dir, kode), raw_dir, warehouse_dir)
    folder = raw_dir / kode
    if not KODE_KANTOR.fullmatch(kode) or not folder.is_dir():
        raise KantorDitolak(f"Folder kantor {folder} tidak ada (atau bukan folder).")
    return Kantor(kode, _check_code(folder, kode), folder, warehouse_dir / kode)


def temukan_kantor(raw_dir: Path, warehouse_dir: Path) -> Penemuan:
    """Every office under raw_dir; KantorDitolak when raw/ holds both layouts at once."""
    raw_dir, warehouse_dir = Path(raw_dir), Path(warehouse_dir)
    found = Penemuan()
    if not raw_dir.is_dir():
        raise KantorDitolak(f"Folder masukan {raw_dir} tidak ada.")
    if _layouts(raw_dir):
        found.tunggal = True
        try:
            codes = kode_daerah(raw_dir)
        except InputRejected as refusal:
            found.ditolak[raw_dir.name] = str(refusal)
            return found
        if len(codes) != 1:
            named = ", ".join(repr(c) for c in codes) or "(kosong)"
            found.ditolak[raw_dir.name] = (
                f"{raw_dir}/referensi/daerah.csv harus berisi tepat satu kode kab/kota; "
                f"berisi {named}."
            )
            return found
        try:
            found.kantor[codes[0]] = kantor(raw_dir, warehouse_dir, codes[0])
        except KantorDitolak as refusal:
            found.ditolak[raw_dir.name] = str(refusal)
        return found
    for entry in sorted(os.scandir(raw_dir), key=lambda e: e.name):
        name, path = entry.name, Path(entry.path)
        if _diam(name):
            continue
        kind = "Folder" if entry.is_dir() else "File"
        if not KODE_KANTOR.fullmatch(name):
            found.peringatan.append(f"{kind} {path} diabaikan: {_why_ignored(name)}")
        elif not entry.is_dir() or entry.is_symlink():
            found.peringatan.append(
                f"{kind} {path} diabaikan: kantor {name} harus berupa folder {name}/ berisi "
                "referensi/, dkb/, indikator/ … (bukan file atau tautan)."
            )
        elif not any(not _diam(e) for e in os.listdir(path)):
            found.peringatan.append(
                f"Folder {path} diabaikan: masih kosong; isi dengan berkas kantor {name} "
                "(referensi/daerah.csv, dkb/<semester>/ …)."
            )
        else:
            try:
                found.kantor[name] = kantor(raw_dir, warehouse_dir, name)
            except KantorDitolak as refusal:
                found.ditolak[name] = str(refusal)
    return found


def _why_ignored(name: str) -> str:
    copy = _SALINAN.search(name)
    if copy:
        return (
            f"tampak seperti salinan folder kantor {copy.group()}; hanya folder bernama tepat "
            f"kode kab/kota (mis. {copy.group()}) yang dibaca. Pindahkan salinan ke luar raw/."
        )
    short = _TANPA_TITIK.fullmatch(name)
    if short:
        kode = f"{short.group(1)}.{short.group(2)}"
        return (
            f"nama folder kantor harus kode kab/kota bertitik: ganti nama menjadi {kode} "
            "bila ini kantor itu."
        )
    return "bukan folder kantor: nama folder kantor adalah kode kab/kota bertitik (mis. 53.71)."
