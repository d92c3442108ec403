"""What each raw input looks like: where it lives under `raw/`, its printed headers, its types.

Adding an input means adding a `Source` here and a pandera model in
`pipelines/validate/schemas.py`; the loader, the validator and the warehouse writer are shared.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

Kind = Literal["text", "int", "decimal", "code"]
# Size class of a file, each with its own limit (pipelines/config.py: max_file_bytes).
SizeClass = Literal["tabel", "rekaman"]


def normalise_label(value: object) -> str:
    """Header/name comparison key: upper case, single spaces, no surrounding punctuation."""
    text = "" if value is None else str(value)
    text = re.sub(r"\s+", " ", text.replace("\u00a0", " ")).strip().upper()
    return text.strip(" .:")


@dataclass(frozen=True)
class Column:
    name: str
    headers: tuple[str, ...]
    kind: Kind = "text"
    required: bool = True
    # Name of a set of known values (e.g. "indikator") the cell must belong to.
    references: str | None = None
    # False for percentages and the like, which a JUMLAH row does not sum.
    additive: bool = True

    @property
    def header_keys(self) -> tuple[str, ...]:
        return tuple(normalise_label(h) for h in (self.name, *self.headers))


@dataclass(frozen=True)
class Files:
    """The files one input accepts under raw/; pipelines/ingest/berkas.py finds them (name and
    extension in any case) and ignores, with a warning, anything else in the folder."""

    name: str
    # folder/name under raw/: `{semester}` is filled for DKB inputs, `*` in the folder part is any
    # one folder (anggaran/<tahun>), `*` in the name any text; `.*`: one of `extensions`.
    pattern: str
    extensions: tuple[str, ...]
    multiple: bool = False  # False: two candidates in one folder are refused, naming both
    size: SizeClass = "tabel"

    @property
    def folder(self) -> str:
        return self.pattern.rpartition("/")[0]

    @property
    def stem(self) -> str:
        return self.pattern.rpartition("/")[2].rpartition(".")[0]

    @property
    def expected(self) -> str:
        """The accepted names as an officer reads them: 'agregat_kecamatan.csv/.xlsx'."""
        return f"{self.stem}." + "/.".join(self.extensions)


@dataclass(frozen=True)
class Source:
    name: str  # asset name and table name in the `raw` schema
    # folder/name under raw/ (see Files.pattern); `{semester}` is filled for partitioned inputs
    pattern: str
    description: str
    columns: tuple[Column, ...]
    total_label_columns: tuple[str, ...] = ()
    # A column holding a kecamatan name, resolved to its Kemendagri code via reference + aliases.
    region_name_column: str | None = None
    partitioned: bool = False
    # A column whose value is fixed by the folder the file sits in (anggaran/<tahun>/…).
    period_folder: str | None = None
    # A file holding only its header row is a valid input (e.g. no misspelt region names yet).
    allow_empty: bool = False
    # Accepted extensions when the pattern ends in `.*` (the reader takes CSV and XLSX).
    extensions: tuple[str, ...] = ("csv", "xlsx")
    multiple: bool = False  # several files per folder (terbitan/*.csv), else one

    @property
    def files(self) -> Files:
        suffix = self.pattern.rpartition(".")[2]
        extensions = self.extensions if suffix == "*" else (suffix,)
        return Files(self.name, self.pattern, extensions, self.multiple)

    def column(self, name: str) -> Column:
        return next(c for c in self.columns if c.name == name)


def _counts(*pairs: tuple[str, str]) -> tuple[Column, ...]:
    return tuple(Column(name, (header,), "int") for name, header in pairs)


WILAYAH = Source(
    name="wilayah",
    pattern="referensi/wilayah.csv",
    description="Kecamatan dan kelurahan dengan kode Kemendagri (Kepmendagri 300.2.2-2138/2025).",
    columns=(
        Column("kode", ("KODE",), "code"),
        Column("kecamatan", ("KECAMATAN",)),
        Column("kelurahan", ("KELURAHAN", "DESA/KELURAHAN")),
        Column("kode_kecamatan", ("KODE KECAMATAN",), "code"),
    ),
)

DAERAH = Source(
    name="daerah",
    pattern="referensi/daerah.csv",
    description="Kabupaten/kota yang dilayani dan nama instansinya (satu baris).",
    columns=(
        Column("kode", ("KODE",), "code"),
        Column("nama", ("NAMA",)),
        Column("tingkat", ("TINGKAT",)),
        Column("nama_instansi", ("NAMA INSTANSI",)),
    ),
)

WILAYAH_ALIAS = Source(
    name="wilayah_alias",
    pattern="referensi/wilayah_alias.csv",
    description="Ejaan nama wilayah yang ditemui di ekspor, dipetakan ke kode Kemendagri.",
    columns=(
        Column("alias", ("ALIAS", "NAMA")),
        Column("kode", ("KODE",), "code", references="wilayah"),
        Column("catatan", ("CATATAN",), required=False),
    ),
    allow_empty=True,
)

INDIKATOR = Source(
    name="indikator_definisi",
    pattern="indikator/definisi_indikator.csv",
    description="Definisi IKU: nama tercetak, arah, jenis (rumus/dilaporkan), pembilang, penyebut.",
    columns=(
        Column("kode_indikator", ("KODE INDIKATOR",), "code"),
        Column("urutan", ("URUTAN",), "int"),
        Column("nomor", ("NOMOR", "NO"), required=False),
        Column("sasaran", ("SASARAN", "SASARAN STRATEGIS")),
        Column("nama_indikator", ("NAMA INDIKATOR", "INDIKATOR KINERJA")),
        Column("satuan", ("SATUAN",)),
        Column("arah", ("ARAH",)),
        Column("jenis", ("JENIS",)),
        Column("pembilang", ("PEMBILANG",), required=False),
        Column("penyebut", ("PENYEBUT",), required=False),
        Column("pengali", ("PENGALI",), "decimal", required=False),
        Column("rumus_tercetak", ("RUMUS TERCETAK", "RUMUS"), required=False),
        Column("tahun_akhir", ("TAHUN AKHIR",), "int", required=False),
    ),
)

KATEGORI = Source(
    name="kategori_capaian",
    pattern="indikator/kategori_capaian.csv",
    description="Skala interpretasi capaian (batas bawah inklusif, batas atas eksklusif).",
    columns=(
        Column("batas_bawah", ("BATAS BAWAH",), "decimal"),
        Column("batas_atas", ("BATAS ATAS",), "decimal", required=False),
        Column("kategori", ("KATEGORI",)),
        Column("keterangan", ("KETERANGAN",), required=False),
    ),
)

TARGET = Source(
    name="indikator_target",
    pattern="indikator/target.csv",
    description="Target per indikator per tahun menurut dokumen (RPJMD, Renstra, RKT, PK).",
    columns=(
        Column("kode_indikator", ("KODE INDIKATOR",), "code", references="indikator"),
        Column("tahun", ("TAHUN",), "int"),
        Column("dokumen", ("DOKUMEN",)),
        Column("target", ("TARGET",), "decimal"),
        Column("sumber", ("SUMBER",)),
    ),
)

REALISASI_DILAPORKAN = Source(
    name="realisasi_dilaporkan",
    pattern="indikator/realisasi_dilaporkan.csv",
    description="Realisasi indikator yang dilaporkan dinas (bukan hasil rumus atas DKB).",
    columns=(
        Column("kode_indikator", ("KODE INDIKATOR",), "code", references="indikator"),
        Column("tahun", ("TAHUN",), "int"),
        Column("realisasi", ("REALISASI",), "decimal"),
        Column("sumber", ("SUMBER",)),
    ),
    allow_empty=True,  # an office whose IKU are all computed from DKB reports none
)

RIWAYAT = Source(
    name="riwayat_capaian",
    pattern="indikator/riwayat_capaian.csv",
    description="Target, realisasi dan capaian yang telah diterbitkan pada LAKIP tahun lalu.",
    columns=(
        Column("kode_indikator", ("KODE INDIKATOR",), "code", references="indikator"),
        Column("tahun", ("TAHUN",), "int"),
        Column("nama_tercetak", ("NAMA TERCETAK",)),
        Column("target", ("TARGET",), "decimal"),
        Column("realisasi", ("REALISASI",), "decimal"),
        Column("capaian", ("CAPAIAN",), "decimal"),
        Column("sumber", ("SUMBER",)),
    ),
)

ANGGARAN_PK = Source(
    name="anggaran_pk",
    pattern="anggaran/*/anggaran_pk.csv",
    description="Anggaran per program dalam Perjanjian Kinerja (PK).",
    columns=(
        Column("tahun", ("TAHUN",), "int"),
        Column("kode_program", ("KODE PROGRAM", "KODE"), "code"),
        Column("nama_program", ("NAMA PROGRAM", "PROGRAM")),
        Column("anggaran", ("ANGGARAN", "ANGGARAN (RP)"), "decimal"),
    ),
    total_label_columns=("nama_program",),
    period_folder="tahun",
)

REALISASI_ANGGARAN = Source(
    name="realisasi_anggaran",
    pattern="anggaran/*/realisasi_anggaran_*.xlsx",
    description="Ekspor realisasi anggaran per program (pagu setelah perubahan, realisasi).",
    columns=(
        Column("kode_program", ("KODE", "KODE PROGRAM"), "code"),
        Column("nama_program", ("PROGRAM", "URAIAN")),
        Column("anggaran", ("ANGGARAN (RP)", "TARGET (RP)", "PAGU (RP)", "ANGGARAN"), "decimal"),
        Column("realisasi", ("REALISASI (RP)", "REALISASI"), "decimal"),
        Column(
            "capaian_tercetak",
            ("CAPAIAN %", "PERSEN %", "%"),
            "decimal",
            required=False,
            additive=False,
        ),
    ),
    total_label_columns=("nama_program",),
)

DKB_AGREGAT_KECAMATAN = Source(
    name="dkb_agregat_kecamatan",
    pattern="dkb/{semester}/agregat_kecamatan.*",
    description="Agregat DKB per kecamatan satu semester (angka Tabel 4–9 LAKIP).",
    columns=(
        Column("kecamatan", ("KECAMATAN", "NAMA KECAMATAN")),
        *_counts(
            ("penduduk", "JUMLAH PENDUDUK"),
            ("penduduk_17_kawin", "PENDUDUK 17+ KAWIN"),
            ("wajib_ktp_el", "WAJIB KTP-EL"),
            ("ktp_el_sudah_rekam", "SUDAH REKAM KTP-EL"),
            ("ktp_el_belum_rekam", "BELUM REKAM KTP-EL"),
            ("ktp_el_cetak", "CETAK KTP-EL"),
            ("wajib_kia", "WAJIB KIA"),
            ("kia_memiliki", "MEMILIKI KIA"),
            ("kia_belum_memiliki", "BELUM MEMILIKI KIA"),
            ("anak_0_17", "JUMLAH ANAK 0-17"),
            ("anak_akta_kelahiran_memiliki", "ANAK MEMILIKI AKTA KELAHIRAN"),
            ("anak_akta_kelahiran_belum", "ANAK BELUM MEMILIKI AKTA KELAHIRAN"),
            ("penduduk_akta_kelahiran_memiliki", "PENDUDUK MEMILIKI AKTA KELAHIRAN"),
            ("penduduk_akta_kelahiran_belum", "PENDUDUK BELUM MEMILIKI AKTA KELAHIRAN"),
            ("perkawinan_dilaporkan", "PERKAWINAN DILAPORKAN"),
            ("akta_perkawinan_terbit", "AKTA PERKAWINAN TERBIT"),
        ),
    ),
    total_label_columns=("kecamatan",),
    region_name_column="kecamatan",
    partitioned=True,
)

TERBITAN = Source(
    name="terbitan",
    pattern="terbitan/*.csv",
    description="Angka yang diterbitkan dalam LAKIP (tabel dan narasi), untuk rekonsiliasi.",
    multiple=True,
    columns=(
        Column("dokumen", ("DOKUMEN",)),
        Column("tabel", ("TABEL",)),
        Column("tahun", ("TAHUN",), "int"),
        Column("kode_wilayah", ("KODE WILAYAH",), "code", references="wilayah"),
        Column("baris_tercetak", ("BARIS TERCETAK", "BARIS"), required=False),
        Column("kunci", ("KUNCI",)),
        Column("kolom", ("KOLOM",)),
        # Kept as printed ("96,65", "SANGAT MEMUASKAN"): reconciliation needs the printed digits.
        Column("nilai_terbit", ("NILAI TERBIT", "NILAI")),
        Column("keterangan", ("KETERANGAN",), required=False),
    ),
)

UNPARTITIONED_SOURCES = (
    DAERAH,
    WILAYAH,
    WILAYAH_ALIAS,
    INDIKATOR,
    KATEGORI,
    TARGET,
    REALISASI_DILAPORKAN,
    RIWAYAT,
    ANGGARAN_PK,
    REALISASI_ANGGARAN,
    TERBITAN,
)

# Files read without a pandera Source: the record-level extract and the reference lists its
# rules use (pipelines/ingest/rekaman.py).
EKSTRAK_PENDUDUK = Files(
    "dkb_penduduk", "dkb/{semester}/penduduk.*", ("csv", "parquet"), size="rekaman"
)
ATURAN_REKAMAN = Files("aturan_rekaman", "referensi/aturan_rekaman.csv", ("csv",))
SIAK_KODE = Files("siak_kode", "referensi/siak_kode.csv", ("csv",))

# Every file a run reads, in order: the first input declared for a folder reports whatever else
# lies in that folder.
DKB_FILES = (DKB_AGREGAT_KECAMATAN.files, EKSTRAK_PENDUDUK)
SHARED_FILES = (*(s.files for s in UNPARTITIONED_SOURCES), ATURAN_REKAMAN, SIAK_KODE)
ALL_FILES = (*SHARED_FILES, *DKB_FILES)
