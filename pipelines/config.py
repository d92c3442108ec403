"""The one place that reads configuration from the environment.

Every path the pipeline touches is derived from two folders: where the inputs are dropped
(`raw/`) and where the warehouse files are written (`warehouse/`). Tests point both at
temporary folders.

Runs get their settings as Dagster resources (`Pengaturan` here, `Warehouse` in
`pipelines/gudang/db.py`) configured with `dg.EnvVar`: Dagster reads the variable when the run
starts and the UI shows only its name, never its value (the pseudonym key). The command line
and the tests use the plain functions below, which apply the same checks with the same messages.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import dagster as dg

PROJECT_ROOT = Path(__file__).resolve().parent.parent
SQL_DIR = PROJECT_ROOT / "sql"
# Dagster instance settings (run queue of one: the working DuckDB file has a single writer).
INSTANCE_CONFIG = PROJECT_ROOT / "pipelines/dagster.yaml"


@dataclass(frozen=True)
class Paths:
    raw_dir: Path
    warehouse_dir: Path

    @property
    def build_db(self) -> Path:
        """Working warehouse: written by runs only, holds every layer (restricted)."""
        return self.warehouse_dir / "build" / "kerja.duckdb"

    @property
    def published_db(self) -> Path:
        """Analyst warehouse: replaced atomically by publication, never written in place."""
        return self.warehouse_dir / "dukcapil.duckdb"

    @property
    def restricted_dir(self) -> Path:
        """Record-level store (pseudonymised residents, quarantine), Parquet per semester:
        personal data, never published, readable only by the data officers (mode 0700)."""
        return self.warehouse_dir / "terbatas"

    @property
    def versions_dir(self) -> Path:
        return self.warehouse_dir / "versi"

    @property
    def reports_dir(self) -> Path:
        return self.warehouse_dir / "laporan"

    @property
    def gx_dir(self) -> Path:
        """great-expectations project of the warehouse checks, with its Data Docs (HTML)."""
        return self.warehouse_dir / "gx"


def paths_from_env() -> Paths:
    return Paths(
        raw_dir=Path(os.environ.get("DUKCAPIL_RAW_DIR", PROJECT_ROOT / "raw")).resolve(),
        warehouse_dir=Path(
            os.environ.get("DUKCAPIL_WAREHOUSE_DIR", PROJECT_ROOT / "warehouse")
        ).resolve(),
    )


def env_or(variable: str, default: str) -> str:
    """`dg.EnvVar(variable)` when the variable is set (read by Dagster when a run starts, shown
    in the UI by name only), the default otherwise: an unset `dg.EnvVar` would fail every run,
    also the ones that never need the setting."""
    return dg.EnvVar(variable) if variable in os.environ else default


def pseudonym_key() -> bytes:
    return check_pseudonym_key(os.environ.get("DUKCAPIL_PSEUDONYM_KEY", ""))


def check_pseudonym_key(key: str) -> bytes:
    """Key of the keyed hash (HMAC-SHA256) that pseudonymises NIK and KK numbers.

    Needed only when a record-level extract is ingested; without a key a plain hash of a NIK
    could be reversed in seconds (region code + birth date + 4-digit serial). A trivially weak
    key is refused with the reason, never with the key itself."""
    if not key:
        weakness = "belum diisi"
    elif not key.strip():
        weakness = "hanya berisi spasi"
    elif key != key.strip():
        weakness = "diawali atau diakhiri spasi (sering terbawa saat menyalin)"
    elif len(key) < 16:
        weakness = f"hanya {len(key)} karakter"
    elif len(set(key)) == 1:
        weakness = "satu karakter yang diulang"
    elif len(set(key)) < 8:
        weakness = f"hanya {len(set(key))} karakter berbeda"
    else:
        return key.encode("utf-8")
    raise RuntimeError(
        f"DUKCAPIL_PSEUDONYM_KEY ditolak: {weakness}. Kunci rahasia untuk pseudonimisasi "
        "NIK/KK pada data rekaman penduduk harus minimal 16 karakter dengan sedikitnya 8 "
        "karakter berbeda, tanpa spasi di awal/akhir. Simpan di luar repositori, "
        "mis. `export DUKCAPIL_PSEUDONYM_KEY=$(cat /etc/dukcapil/kunci_pseudonim)`."
    )


def quarantine_threshold() -> float:
    return check_quarantine_threshold(os.environ.get("DUKCAPIL_BATAS_KARANTINA", ""))


def check_quarantine_threshold(value: str) -> float:
    """Largest share of rejected resident rows that still lets a semester through: a fraction
    from 0 to 1 (`0.01`, `0,01`) or, written with `%`, a percentage (`1%`, `0,5%`). Unset or
    empty: 1 %. Anything else stops the run naming the variable, its value and the form."""
    name = "DUKCAPIL_BATAS_KARANTINA"
    text = value.strip().replace(",", ".")
    if not text:
        return 0.01
    try:
        share = float(text.removesuffix("%")) / (100 if text.endswith("%") else 1)
    except ValueError:
        share = float("nan")
    if not 0 <= share <= 1:  # also refuses nan and inf
        raise ValueError(
            f"Pengaturan {name}={value!r} tidak sah: isi pecahan 0 sampai 1 (0.01 = 1 %) "
            "atau persen dengan tanda % (1%), mis. `export DUKCAPIL_BATAS_KARANTINA=0.01`."
        )
    return share


_MEMORY_UNITS = {"KB": 10**3, "MB": 10**6, "GB": 10**9, "TB": 10**12}
_MEMORY_UNITS |= {"KIB": 2**10, "MIB": 2**20, "GIB": 2**30, "TIB": 2**40}


def duckdb_memory_limit() -> str:
    return check_duckdb_memory_limit(os.environ.get("DUKCAPIL_DUCKDB_MEMORY", ""))


def check_duckdb_memory_limit(value: str) -> str:
    """Memory DuckDB may use for record-level work before spilling to disk: a number and a
    unit, at least 100MB (`2GB`, `512MB`, `1.5GiB`). Unset or empty: 2GB. The value goes into
    DuckDB's SET, so it is checked here, whole, before any run uses it."""
    name = "DUKCAPIL_DUCKDB_MEMORY"
    text = value.replace(" ", "").upper()
    if not text:
        return "2GB"
    unit = next((u for u in _MEMORY_UNITS if text.endswith(u)), "")
    number = text.removesuffix(unit)
    digits = number.replace(".", "", 1)  # digits with at most one point
    if unit and digits.isascii() and digits.isdigit():
        if float(number) * _MEMORY_UNITS[unit] >= 100 * 10**6:
            return f"{number}{unit}"
    raise ValueError(
        f"Pengaturan {name}={value!r} tidak sah: isi angka dengan satuan KB, MB, GB atau TB "
        "(atau KiB, MiB, GiB, TiB), paling sedikit 100MB, mis. `export DUKCAPIL_DUCKDB_MEMORY=2GB`."
    )


class Pengaturan(dg.ConfigurableResource):
    """Settings of the record-level path and the LAKIP document, as the office sets them in its
    environment. Empty: the default (no key: refused when an extract is ingested). Checked when
    the run uses them, with the messages of the functions above."""

    kunci_pseudonim: str = ""  # DUKCAPIL_PSEUDONYM_KEY
    batas_karantina: str = ""  # DUKCAPIL_BATAS_KARANTINA
    memori_duckdb: str = ""  # DUKCAPIL_DUCKDB_MEMORY
    pdf: str = ""  # DUKCAPIL_PDF
    ukuran_maks_mb: str = ""  # DUKCAPIL_UKURAN_MAKS_MB
    ukuran_maks_rekaman_mb: str = ""  # DUKCAPIL_UKURAN_MAKS_REKAMAN_MB

    @classmethod
    def from_env(cls) -> Pengaturan:
        return cls(
            kunci_pseudonim=env_or("DUKCAPIL_PSEUDONYM_KEY", ""),
            batas_karantina=env_or("DUKCAPIL_BATAS_KARANTINA", ""),
            memori_duckdb=env_or("DUKCAPIL_DUCKDB_MEMORY", ""),
            pdf=env_or("DUKCAPIL_PDF", ""),
            ukuran_maks_mb=env_or(UKURAN_MAKS["tabel"][0], ""),
            ukuran_maks_rekaman_mb=env_or(UKURAN_MAKS["rekaman"][0], ""),
        )

    def pseudonym_key(self) -> bytes:
        return check_pseudonym_key(self.kunci_pseudonim)

    def quarantine_threshold(self) -> float:
        return check_quarantine_threshold(self.batas_karantina)

    def duckdb_memory_limit(self) -> str:
        return check_duckdb_memory_limit(self.memori_duckdb)

    def make_pdf(self) -> bool:
        return check_make_pdf(self.pdf)

    def max_file_bytes(self, size_class: str) -> int:
        setting = {"tabel": self.ukuran_maks_mb, "rekaman": self.ukuran_maks_rekaman_mb}
        return check_max_file_bytes(size_class, setting[size_class])


# Largest file accepted per size class, in MB (10^6 bytes): a tabular export of a province is a
# few MB, a national record-level extract tens of GB. Larger is refused before reading.
UKURAN_MAKS = {
    "tabel": ("DUKCAPIL_UKURAN_MAKS_MB", 50),
    "rekaman": ("DUKCAPIL_UKURAN_MAKS_REKAMAN_MB", 20_000),
}
# A size class ('tabel' or 'rekaman') -> its limit in bytes: `Pengaturan.max_file_bytes` in a
# run, `max_file_bytes` (the environment) on the command line and in tests.
BatasUkuran = Callable[[str], int]


def max_file_bytes(size_class: str) -> int:
    return check_max_file_bytes(size_class, os.environ.get(UKURAN_MAKS[size_class][0], ""))


def check_max_file_bytes(size_class: str, value: str) -> int:
    """Size limit of a raw file of this class ('tabel' or 'rekaman'), in bytes. Unset or empty:
    the class's default."""
    variable, default = UKURAN_MAKS[size_class]
    text = value.strip() or str(default)
    try:
        megabytes = float(text)
    except ValueError:
        megabytes = -1.0
    if not megabytes > 0:
        raise ValueError(
            f"Pengaturan {variable}={text!r} tidak valid: isi dengan angka MB lebih dari 0, "
            f"mis. {default}."
        )
    return int(megabytes * 1_000_000)


def check_make_pdf(value: str) -> bool:
    """DUKCAPIL_PDF: `ya` (default) converts each LAKIP .docx to PDF when LibreOffice is
    installed; `tidak` skips it (the conversion costs ~10-25 s a run; the test suite turns it
    off and converts once, in its own test)."""
    text = (value or "ya").strip().lower()
    if text in ("ya", "1", "true"):
        return True
    if text in ("tidak", "0", "false"):
        return False
    raise ValueError(f"Pengaturan DUKCAPIL_PDF={text!r} tidak valid: isi `ya` atau `tidak`.")


def dask_scheduler() -> str | None:
    """DUKCAPIL_DASK_SCHEDULER: the dask scheduler (`tcp://host:8786`) whose workers run the
    province's office steps (docs/provinsi.md); unset: each run executes its step in its own
    process, as the run launcher started it."""
    return os.environ.get("DUKCAPIL_DASK_SCHEDULER", "").strip() or None
