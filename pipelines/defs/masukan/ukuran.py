"""DKB measures as data: which measures the office knows (raw/referensi/ukuran_dkb.csv) and which
header of which export prints each (raw/referensi/ukuran_header.csv: varian, topik, header,
ukuran). A DKB aggregate file is read through the Source this mapping gives for its variant and
topic, so a new measure or an office's own header spelling is a data change.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from pipelines.defs.masukan.berkas import one_file
from pipelines.defs.masukan.deklarasi import Measure, Source, normalise_label
from pipelines.defs.masukan.gerbang import validate_table
from pipelines.defs.masukan.readers import read_raw
from pipelines.defs.masukan.sumber import UKURAN_DKB, UKURAN_HEADER

ABAIKAN = "-"  # ukuran of a header that is known and deliberately not read (NO, PERSEN …)
SEMUA_TOPIK = "*"


@dataclass(frozen=True)
class PetaUkuran:
    ukuran: pd.DataFrame  # the rows of raw.ukuran_dkb
    header: pd.DataFrame  # the rows of raw.ukuran_header

    @classmethod
    def from_warehouse(cls, con) -> PetaUkuran:
        return cls(
            con.execute(f"SELECT * FROM raw.{UKURAN_DKB.name}").df(),
            con.execute(f"SELECT * FROM raw.{UKURAN_HEADER.name}").df(),
        )

    @classmethod
    def from_files(cls, raw_dir: Path) -> PetaUkuran:
        """The mapping read straight from raw/ through the gate (tools and tests)."""
        path = one_file(UKURAN_DKB.files, raw_dir)
        ukuran = validate_table(read_raw(path, UKURAN_DKB), UKURAN_DKB)
        known = {"ukuran": {*ukuran["ukuran"], ABAIKAN}}
        path = one_file(UKURAN_HEADER.files, raw_dir)
        header = validate_table(read_raw(path, UKURAN_HEADER), UKURAN_HEADER, known=known)
        return cls(ukuran.reset_index(drop=True), header.reset_index(drop=True))

    def _rows(self, varian: str, topik: str) -> pd.DataFrame:
        h = self.header
        return h[(h["varian"] == varian) & h["topik"].isin([topik, SEMUA_TOPIK])]

    def measures(self, varian: str, topik: str, *, required: bool) -> tuple[Measure, ...]:
        """The measures a file of this variant and topic may print, with their header spellings
        in file order; `required`: the office's wajib measures must be among its columns."""
        rows = self._rows(varian, topik)
        rows = rows[rows["ukuran"] != ABAIKAN]
        described = dict(zip(self.ukuran["ukuran"], self.ukuran["deskripsi"], strict=True))
        return tuple(
            Measure(
                ukuran,
                tuple(group["header"]),
                described.get(ukuran, ""),
                required and ukuran in self.wajib,
            )
            for ukuran, group in rows.groupby("ukuran", sort=False)
        )

    def ignored(self, varian: str, topik: str) -> set[str]:
        rows = self._rows(varian, topik)
        return {normalise_label(h) for h in rows.loc[rows["ukuran"] == ABAIKAN, "header"]}

    def topics(self, varian: str) -> list[str]:
        return sorted(set(self.header.loc[self.header["varian"] == varian, "topik"]) - {"*"})

    @property
    def wajib(self) -> set[str]:
        return set(self.ukuran.loc[self.ukuran["wajib"] == "ya", "ukuran"])

    @property
    def jenis_kelamin(self) -> dict[str, tuple[str, str]]:
        """Measure -> its (laki-laki, perempuan) parts: total = L + P is checked."""
        rows = self.ukuran.dropna(subset=["laki_laki", "perempuan"])
        return {r.ukuran: (r.laki_laki, r.perempuan) for r in rows.itertuples()}

    def source(self, base: Source, varian: str, topik: str, *, nullable: bool) -> Source:
        return base.with_measures(self.measures(varian, topik, required=not nullable), nullable)


# The measures each active formula indicator needs in a semester (its year within tahun_akhir).
NEEDED_SQL = """
SELECT kode_indikator, 'pembilang' AS peran, pembilang AS ukuran FROM raw.indikator_definisi
WHERE jenis = 'rumus' AND (tahun_akhir IS NULL OR tahun_akhir >= $tahun)
UNION ALL
SELECT kode_indikator, 'penyebut', penyebut FROM raw.indikator_definisi
WHERE jenis = 'rumus' AND (tahun_akhir IS NULL OR tahun_akhir >= $tahun)
ORDER BY 1, 2
"""


def needed_measures(con, tahun: int) -> list[tuple[str, str, str]]:
    """(kode_indikator, pembilang|penyebut, ukuran) of every active formula indicator."""
    return con.execute(NEEDED_SQL, {"tahun": tahun}).fetchall()
