"""The offices of an installation, found under `raw/`: one folder per office named by its
kab/kota code (`raw/53.10/`, the office's tree in the single-office layout), whose warehouse is
`warehouse/<kode>/`. The single-office layout (`raw/referensi/`, `raw/dkb/` at the top) is one
office whose warehouse is `warehouse/` itself, as `make run` has it.

What a tired officer leaves beside the office folders is never merged into an office: a backup
copy (`53.10 - Copy`, `53.10.bak`), a file where a folder is expected, an empty folder, a code
written another way (`5310`) are ignored with a warning naming them; a folder named by a code
that is no kab/kota, or whose referensi/daerah.csv names another office, is refused with the
folder and the value, and only that office is not run."""

import os
import re
import resource
import shutil
import time
from dataclasses import dataclass, field
from pathlib import Path

import dagster as dg

from pipelines import runs
from pipelines.config import INSTANCE_CONFIG, Paths
from pipelines.defs.masukan.berkas import one_file
from pipelines.defs.masukan.readers import read_raw
from pipelines.defs.masukan.sumber import DAERAH
from pipelines.defs.otomasi.rilis import release_tags, scan
from pipelines.domain import wilayah as nasional
from pipelines.domain.penolakan import InputRejected
from pipelines.gudang.db import Warehouse
from pipelines.provinsi.partisi import DIMENSI_KANTOR, DIMENSI_SEMESTER, KANTOR_X_SEMESTER

KODE_KANTOR = re.compile(r"\d{2}\.\d{2}")
# A folder of the office tree at the top of raw/: the single-office layout.
_TUNGGAL = ("referensi", "dkb")
# '53.10 - Copy', '53.10.bak', '53.10 (2)', 'Salinan 53.10': an office folder's copy.
_SALINAN = re.compile(r"(?<![\d.])\d{2}\.\d{2}(?![\d])")
# '5310', '53 10', '53_10', '53-10': a kab/kota code written without its dot.
_TANPA_TITIK = re.compile(r"(\d{2})[ _-]?(\d{2})")


class KantorDitolak(ValueError):
    """An office folder (or the layout of raw/ as a whole) that cannot be run as it is."""


@dataclass(frozen=True)
class Kantor:
    """One office: its kab/kota code, name in the national list, and its own folders."""

    kode: str
    nama: str  # 'Kabupaten Manggarai', as Kepmendagri writes it
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
        # '53.00' is how some write the province itself: say so rather than "tidak ada"
        region = region or nasional.by_code().get(kode.removesuffix(".00"))
        what = f"{region.tingkat} {region.nama.upper()}" if region else "tidak ada"
        raise KantorDitolak(
            f"Folder {raw_dir} ditolak: '{kode}' bukan kode kabupaten/kota dalam daftar "
            f"Kemendagri ({nasional.KEPUTUSAN}: {what}); folder kantor harus bernama kode "
            "kab/kota bertitik, mis. 53.10."
        )
    try:
        codes = kode_daerah(raw_dir)
    except InputRejected as refusal:
        raise KantorDitolak(f"Folder kantor {raw_dir} ditolak: {refusal}") from None
    if codes and set(codes) == {kode} and len(codes) > 1:
        # the right code typed on several rows: not "another office", just one row too many
        raise KantorDitolak(
            f"Folder kantor {raw_dir} ditolak: referensi/daerah.csv menulis kode {kode} "
            f"{len(codes)} kali; isi tepat satu baris. Kantor ini tidak dijalankan."
        )
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
            found.peringatan.append(f"{kind} {path} diabaikan: {_why_ignored(name, raw_dir)}")
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


def _why_ignored(name: str, raw_dir: Path) -> str:
    bare = name.strip()
    if bare != name and KODE_KANTOR.fullmatch(bare):
        # '53.10 ' (a space typed or pasted at the end) is the office itself, not a copy; the
        # space is invisible in the path, so the name is quoted
        fix = _rename_to(bare, raw_dir)
        return f"nama {name!r} berisi spasi atau baris baru di awal/akhir; {fix}"
    copy = _SALINAN.search(name)
    if copy:
        return (
            f"tampak seperti salinan folder kantor {copy.group()}; hanya folder bernama tepat "
            f"kode kab/kota (mis. {copy.group()}) yang dibaca. Pindahkan salinan ke luar raw/."
        )
    short = _TANPA_TITIK.fullmatch(name)
    if short:
        kode = f"{short.group(1)}.{short.group(2)}"
        return "nama folder kantor harus kode kab/kota bertitik; " + _rename_to(kode, raw_dir)
    return "bukan folder kantor: nama folder kantor adalah kode kab/kota bertitik (mis. 53.10)."


def _rename_to(kode: str, raw_dir: Path) -> str:
    """The fix for a misnamed office folder; renaming onto an office folder that already
    exists would merge two offices' files, so then the officer is told to choose."""
    if (raw_dir / kode).exists():
        return (
            f"folder {kode} juga ada dan hanya itu yang dibaca; bila yang ini yang benar, "
            f"pindahkan {kode} keluar raw/ lalu ganti nama menjadi {kode}."
        )
    return f"ganti nama menjadi {kode} bila ini kantor itu."


class Instalasi(dg.ConfigurableResource):
    """Where the offices' folders lie: raw/ (one folder per office, or the single office) and
    warehouse/ (warehouse/<kode>/ per office). The office pipeline's own variables."""

    raw_dir: str
    warehouse_dir: str

    @classmethod
    def from_env(cls) -> "Instalasi":
        roots = Warehouse.from_env()  # DUKCAPIL_RAW_DIR, DUKCAPIL_WAREHOUSE_DIR
        return cls(raw_dir=roots.raw_dir, warehouse_dir=roots.warehouse_dir)

    @property
    def paths(self) -> Paths:
        return Warehouse(raw_dir=self.raw_dir, warehouse_dir=self.warehouse_dir).paths

    def kantor(self, kode: str) -> Kantor:
        return kantor(self.paths.raw_dir, self.paths.warehouse_dir, kode)

    def temukan(self) -> Penemuan:
        return temukan_kantor(self.paths.raw_dir, self.paths.warehouse_dir)


def office_instance(office: Kantor) -> dg.DagsterInstance:
    """The office's own Dagster instance (its runs, partitions, checks' history), made on
    first use with the office pipeline's settings."""
    home = office.dagster_home
    home.mkdir(parents=True, exist_ok=True)
    if not (home / "dagster.yaml").exists():
        shutil.copy(INSTANCE_CONFIG, home / "dagster.yaml")
    return dg.DagsterInstance.from_config(str(home))


def run_office(office: Kantor, semester: str, echo: runs.Echo = print) -> runs.HasilSemester:
    """One office's semester as `make run` does it, on the office's own folders and instance;
    its runs are tagged with the release they read, as the office's own sensor tags them."""
    release = scan(office.raw_dir, settle_seconds=0)
    warehouse = Warehouse(raw_dir=str(office.raw_dir), warehouse_dir=str(office.warehouse_dir))
    with office_instance(office) as instance:
        return runs.run_semester(
            semester, instance, {"warehouse": warehouse}, release_tags(release, semester), echo
        )


@dg.asset(
    key=["kantor", "lakip"],
    partitions_def=KANTOR_X_SEMESTER,
    group_name="kantor",
    kinds={"duckdb"},
    description="Satu kantor, satu semester: masukan, penyegaran, publikasi dan ekspor LAKIP "
    "di raw/<kode>/ -> warehouse/<kode>/, dengan riwayat Dagster kantor itu sendiri.",
)
def lakip(context: dg.AssetExecutionContext, instalasi: Instalasi) -> dg.MaterializeResult:
    keys = context.partition_key.keys_by_dimension
    kode, semester = keys[DIMENSI_KANTOR], keys[DIMENSI_SEMESTER]
    started = time.time()
    metadata = {"kode_kantor": kode, "semester": semester, "pid": os.getpid()}
    try:
        office = instalasi.kantor(kode)
    except KantorDitolak as refusal:
        raise dg.Failure(description=str(refusal), metadata=metadata) from None
    result = run_office(office, semester, echo=context.log.info)
    progress = result.progress
    usage = resource.getrusage(resource.RUSAGE_SELF)
    metadata |= {
        "nama_kantor": office.nama,
        "berkas_terbit": dg.MetadataValue.path(str(office.paths.published_db)),
        "aset_selesai": progress.done if progress else 0,
        "aset_seluruhnya": progress.total if progress else 0,
        "run_kantor": ", ".join(result.run_ids),
        "mulai": started,
        "selesai": time.time(),
        # this run's process is one worker: its peak memory and CPU are the worker's
        "rss_puncak_mib": usage.ru_maxrss / 1024,  # Linux: KiB
        "cpu_detik": usage.ru_utime + usage.ru_stime,
    }
    if not result.ok:
        # The office's own words first: the refusal (file, row, column, value) or the check.
        reasons = (
            [result.ditolak] if result.ditolak else list(progress.failures if progress else [])
        )
        if progress and progress.failed_checks:
            reasons.append(f"Pemeriksaan gagal: {', '.join(progress.failed_checks)}")
        published = progress is not None and progress.published
        reasons.append(
            f"Kantor {kode} semester {semester}: "
            + (
                "gudang data analis SUDAH diperbarui; yang gagal hanya langkah sesudahnya."
                if published
                else "gudang data analis kantor ini TIDAK diubah; kantor lain tidak terpengaruh."
            )
        )
        raise dg.Failure(description="\n\n".join(reasons), metadata=metadata)
    return dg.MaterializeResult(metadata=metadata)
