"""Every file a run reads under `raw/`. An input read through the gate is declared once, as its
pandera model in `pipelines/defs/masukan/schemas.py` (headers, kinds, rules, where its files lie);
this module names them for the assets and adds the files read without a model.
"""

from __future__ import annotations

from pipelines.defs.masukan.deklarasi import Files, Source
from pipelines.defs.masukan.schemas import SOURCES

__all__ = ["SOURCES", "Files", "Source"]

DAERAH = SOURCES["daerah"]
WILAYAH_ALIAS = SOURCES["wilayah_alias"]
INDIKATOR = SOURCES["indikator_definisi"]
KATEGORI = SOURCES["kategori_capaian"]
TARGET = SOURCES["indikator_target"]
REALISASI_DILAPORKAN = SOURCES["realisasi_dilaporkan"]
RIWAYAT = SOURCES["riwayat_capaian"]
ANGGARAN_PK = SOURCES["anggaran_pk"]
REALISASI_ANGGARAN = SOURCES["realisasi_anggaran"]
PROGRAM_INDIKATOR = SOURCES["program_indikator"]
TERBITAN = SOURCES["terbitan"]
UKURAN_DKB = SOURCES["ukuran_dkb"]
UKURAN_HEADER = SOURCES["ukuran_header"]
# The DKB aggregate arrives as one of these per semester (never both): the measures of each
# are added per file from the mapping (pipelines/defs/masukan/ukuran.py), and both are stored in
# one long table, raw.dkb_agregat (pipelines/defs/masukan/agregat.py).
DKB_AGREGAT_KECAMATAN = SOURCES["dkb_agregat_kecamatan"]
SIAK_AGREGAT = SOURCES["dkb_siak_agregat"]
DKB_AGREGAT = "dkb_agregat"  # the asset and raw table both feed

UNPARTITIONED_SOURCES = tuple(s for s in SOURCES.values() if not s.partitioned)
PARTITIONED_SOURCES = tuple(s for s in SOURCES.values() if s.partitioned)

# Files read without a pandera Source: the record-level extract and the reference lists its
# rules use (pipelines/defs/rekaman/ekstrak.py).
EKSTRAK_PENDUDUK = Files(
    "dkb_penduduk", "dkb/{semester}/penduduk.*", ("csv", "parquet"), size="rekaman"
)
ATURAN_REKAMAN = Files("aturan_rekaman", "referensi/aturan_rekaman.csv", ("csv",))
SIAK_KODE = Files("siak_kode", "referensi/siak_kode.csv", ("csv",))

# Every file a run reads, in order: the first input declared for a folder reports whatever else
# lies in that folder.
DKB_FILES = (*(s.files for s in PARTITIONED_SOURCES), EKSTRAK_PENDUDUK)
SHARED_FILES = (*(s.files for s in UNPARTITIONED_SOURCES), ATURAN_REKAMAN, SIAK_KODE)
ALL_FILES = (*SHARED_FILES, *DKB_FILES)
