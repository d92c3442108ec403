"""Synthetic record-level DKB extract (one row per resident), deterministic for a given seed.

The population is drawn per kecamatan with the proportions of an aggregate DKB file (by default
the bundled `raw/dkb/2023-S2/agregat_kecamatan.csv`, i.e. Tabel 4–9 of the LAKIP), so that the
record-level path, run on ~445k rows, lands close to the published per-kecamatan figures.
Kecamatan missing from the calibration file take the kab/kota-wide proportions. Every value is
invented: NIK/KK follow the real layout (kode kecamatan + tanggal lahir + nomor urut) but name
nobody. It writes only where it is told to, never into the bundled `raw/`.

    python -m pipelines.synthetic.penduduk --baris 450000 --keluar /tmp/penduduk.csv
"""

from __future__ import annotations

import argparse
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

import duckdb
import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

from pipelines.config import PROJECT_ROOT
from pipelines.defs.masukan.gerbang import RegionResolver
from pipelines.defs.masukan.readers import read_raw
from pipelines.defs.masukan.sumber import DKB_AGREGAT_KECAMATAN
from pipelines.defs.masukan.ukuran import SEMUA_TOPIK, PetaUkuran
from pipelines.domain import wilayah as nasional
from pipelines.domain.angka import parse_id_number
from pipelines.domain.semester import cut_off

KOLOM = (
    "NIK NO_KK NAMA_LGKP JENIS_KLMIN TMPT_LHR TGL_LHR AGAMA STAT_KWN STAT_HBKEL PDDK_AKH "
    "JENIS_PKRJN NO_PROP NO_KAB NO_KEC NO_KEL STATUS_KTP TGL_CETAK_KTP TGL_CETAK_KIA "
    "NO_AKTA_LHR NO_AKTA_KWN"
).split()

NAMA_DEPAN = np.array(
    "YOHANES MARIA YOSEF MARTHA PAULUS AGUSTINA ABRAHAM DOROTHEA MARKUS ELISABETH YAKOB "
    "FRANSISKA DANIEL KORNELIA PETRUS SELFINA SAMUEL REGINA ARNOLDUS MAGDALENA".split()
)
NAMA_BELAKANG = np.array(
    "FANGGIDAE NDOLU LAOE TOENLIOE MESAKH BENU HAUTEAS RATU KOLO SINLAE TALLO LEDE NUBATONIS "
    "SEO BIRE MANAFE TEFA LAKAPU RIWU NALLE".split()
)
# NTT: mostly Kristen and Katolik (agama codes of raw/referensi/siak_kode.csv).
AGAMA = ([1, 2, 3, 4, 5, 7], [0.12, 0.62, 0.24, 0.01, 0.005, 0.005])
PENDIDIKAN_DEWASA = (list(range(1, 11)), [4, 6, 14, 14, 38, 3, 5, 14, 1.6, 0.4])
PEKERJAAN_DEWASA = (
    [1, 2, 4, 5, 8, 9, 11, 15, 19, 65, 84, 88, 89],
    [8, 18, 3, 7, 5, 4, 2, 18, 8, 3, 4, 14, 6],
)


@dataclass(frozen=True)
class Kelurahan:
    kode: str  # Kemendagri 'PP.KK.CC.DDDD'
    kode_kecamatan: str


def office_code(raw_dir: Path) -> str:
    """The kab/kota code the office of raw_dir set in referensi/daerah.csv."""
    return (
        duckdb.connect()
        .execute(
            "SELECT kode FROM read_csv(?, all_varchar=true) LIMIT 1",
            [str(raw_dir / "referensi/daerah.csv")],
        )
        .fetchone()[0]
    )


def load_regions(raw_dir: Path, kode_daerah: str | None) -> tuple[str, list[Kelurahan]]:
    """The kab/kota's desa/kelurahan from the national Kemendagri list (by default the kab/kota
    of raw/referensi/daerah.csv)."""
    kode_daerah = kode_daerah or office_code(raw_dir)
    rows = [
        Kelurahan(r.kode, r.kode_induk)
        for r in nasional.regions_of(kode_daerah)
        if r.tingkat in ("kelurahan", "desa")
    ]
    if not rows:
        raise ValueError(
            f"Tidak ada kelurahan berkode {kode_daerah}.* di daftar wilayah Kemendagri."
        )
    return kode_daerah, rows


def load_calibration(raw_dir: Path, path: Path) -> dict[str, dict[str, float]]:
    """Counts per kecamatan code from an aggregate DKB file of the office of raw_dir (the same
    loader the pipeline uses), whichever kab/kota is generated."""
    office = nasional.regions_of(office_code(raw_dir))
    names = {r.nama: r.kode for r in office if r.tingkat == "kecamatan"}
    aliases = dict(
        duckdb.connect()
        .execute(
            "SELECT alias, kode FROM read_csv(?, all_varchar=true)",
            [str(raw_dir / "referensi/wilayah_alias.csv")],
        )
        .fetchall()
    )
    resolver = RegionResolver.from_tables(names, aliases)
    source = PetaUkuran.from_files(raw_dir).source(
        DKB_AGREGAT_KECAMATAN, "agregat_kecamatan", SEMUA_TOPIK, nullable=False
    )
    table = read_raw(path, source)
    counts = {}
    for _, row in table.body.iterrows():
        kode = resolver.resolve(row["kecamatan"])
        if kode:
            counts[kode] = {
                c.name: parse_id_number(row[c.name])
                for c in source.columns
                if c.kind == "int" and c.name in table.body
            }
    return counts


def rates(c: dict[str, float]) -> dict[str, float]:
    """Shares that reproduce Tabel 4–9 of one kecamatan (see sql/rekaman/agregat_kelurahan.sql)."""

    def share(a: float, b: float) -> float:
        return float(min(max(a / b, 0.0), 1.0)) if b else 0.0

    dewasa = c["penduduk"] - c["anak_0_17"]
    return {
        "umur_bawah_17": share(c["wajib_kia"], c["penduduk"]),
        "umur_17": share(c["anak_0_17"] - c["wajib_kia"], c["penduduk"]),
        "pernah_kawin": share(c["penduduk_17_kawin"], c["wajib_ktp_el"]),
        "masih_kawin": share(c["perkawinan_dilaporkan"], c["penduduk_17_kawin"]),
        "akta_kawin": share(c["akta_perkawinan_terbit"], c["perkawinan_dilaporkan"]),
        "rekam": share(c["ktp_el_sudah_rekam"], c["wajib_ktp_el"]),
        "cetak": share(c["ktp_el_cetak"], c["ktp_el_sudah_rekam"]),
        "kia": share(c["kia_memiliki"], c["wajib_kia"]),
        "akta_anak": share(c["anak_akta_kelahiran_memiliki"], c["anak_0_17"]),
        "akta_dewasa": share(
            c["penduduk_akta_kelahiran_memiliki"] - c["anak_akta_kelahiran_memiliki"], dewasa
        ),
    }


class Generator:
    def __init__(
        self,
        raw_dir: Path = PROJECT_ROOT / "raw",
        semester: str = "2023-S2",
        seed: int = 2023,
        kode_daerah: str | None = None,
        kalibrasi: Path | None = None,
    ):
        self.cutoff = cut_off(semester)
        self.kode_daerah, self.kelurahan = load_regions(raw_dir, kode_daerah)
        kalibrasi = kalibrasi or raw_dir / "dkb/2023-S2/agregat_kecamatan.csv"
        counts = load_calibration(raw_dir, kalibrasi)
        kota = {k: sum(c[k] for c in counts.values()) for k in next(iter(counts.values()))}
        self.kecamatan = sorted({k.kode_kecamatan for k in self.kelurahan})
        self.rates = {k: rates(counts.get(k, kota)) for k in self.kecamatan}
        # Population weight per kelurahan: kecamatan share split unevenly but reproducibly.
        rng = np.random.default_rng(seed)
        # Kecamatan shares as calibrated; within a kecamatan, kelurahan of unequal size.
        pop = np.array([counts.get(k.kode_kecamatan, kota)["penduduk"] for k in self.kelurahan])
        spread = rng.uniform(0.6, 1.4, len(self.kelurahan))
        kec_of = np.array([k.kode_kecamatan for k in self.kelurahan])
        spread_sum = np.array([spread[kec_of == k].sum() for k in kec_of])
        weight = pop * spread / spread_sum
        self.p_kelurahan = weight / weight.sum()
        self.kec_index = np.array([self.kecamatan.index(k.kode_kecamatan) for k in self.kelurahan])
        self.seed = seed
        # Birth-date window per age: (cut-off minus age+1 years, cut-off minus age years].
        self.max_age = 100
        self.age_start = np.array(
            [self._years_before(a + 1) + timedelta(days=1) for a in range(self.max_age + 1)],
            dtype="datetime64[D]",
        )
        self.age_end = np.array(
            [self._years_before(a) for a in range(self.max_age + 1)], dtype="datetime64[D]"
        )
        self.serial = np.zeros((len(self.kecamatan), 100, 13, 72), dtype=np.int32)
        self.kk_counter = 0

    def _years_before(self, years: int) -> date:
        c = self.cutoff
        return date(c.year - years, c.month, c.day)

    def _rate(self, name: str, kec: np.ndarray) -> np.ndarray:
        return np.array([self.rates[k][name] for k in self.kecamatan])[kec]

    def chunk(self, n: int, index: int) -> pa.Table:
        rng = np.random.default_rng([self.seed, index])
        kel = rng.choice(len(self.kelurahan), size=n, p=self.p_kelurahan)
        kel.sort()  # households live together: rows of a kelurahan are adjacent
        kec = self.kec_index[kel]
        u = rng.random((8, n))

        # Age: under 17 and exactly 17 from the calibration; adults 18–100, fewer with age.
        p_anak, p_17 = self._rate("umur_bawah_17", kec), self._rate("umur_17", kec)
        adult_w = np.exp(-np.arange(18, self.max_age + 1) / 22.0)
        adult_age = rng.choice(np.arange(18, self.max_age + 1), size=n, p=adult_w / adult_w.sum())
        age = np.where(
            u[0] < p_anak,
            (u[1] * 17).astype(int),
            np.where(u[0] < p_anak + p_17, 17, adult_age),
        )
        span = (self.age_end[age] - self.age_start[age]).astype(int) + 1
        birth = self.age_start[age] + (u[2] * span).astype(int)
        sex = rng.integers(1, 3, n)

        dewasa = age >= 17
        pernah = dewasa & (u[3] < self._rate("pernah_kawin", kec))
        masih = pernah & (u[4] < self._rate("masih_kawin", kec))
        stat_kwn = np.where(~pernah, 1, np.where(masih, 2, np.where(u[4] > 0.97, 3, 4)))
        akta_kawin = masih & (u[5] < self._rate("akta_kawin", kec))
        rekam = dewasa & (u[5] < self._rate("rekam", kec))
        cetak = rekam & (u[6] < self._rate("cetak", kec))
        # status_ktp codes: 8 belum wajib, 1 belum rekam, 2 sudah rekam, 7 card issued
        status_ktp = np.where(~dewasa, 8, np.where(~rekam, 1, np.where(cetak, 7, 2)))
        kia = (age < 17) & (u[6] < self._rate("kia", kec))
        akta_lahir = np.where(
            age < 18, u[7] < self._rate("akta_anak", kec), u[7] < self._rate("akta_dewasa", kec)
        )

        # NIK = kode kecamatan (6) + DDMMYY (DD + 40 for women) + nomor urut (4): the serial
        # counts residents sharing the first 12 digits, so every NIK is unique.
        month_start = birth.astype("datetime64[M]")
        dd = (birth - month_start).astype(int) + 1 + np.where(sex == 2, 40, 0)
        mm = (month_start - birth.astype("datetime64[Y]")).astype(int) + 1
        yy = (birth.astype("datetime64[Y]").astype(int) + 1970) % 100
        flat = np.ravel_multi_index((kec, yy, mm, dd), self.serial.shape)
        order = np.argsort(flat, kind="stable")
        sorted_flat = flat[order]
        starts = np.r_[0, np.flatnonzero(np.diff(sorted_flat)) + 1]
        rank_sorted = np.arange(n) - np.repeat(starts, np.diff(np.r_[starts, n]))
        rank = np.empty(n, dtype=np.int64)
        rank[order] = rank_sorted
        serial = self.serial.reshape(-1)[flat] + rank + 1
        np.add.at(self.serial.reshape(-1), flat, 1)
        kec6 = np.array([int(k.replace(".", "")) for k in self.kecamatan], dtype=np.int64)[kec]
        nik = kec6 * 10**10 + dd * 10**8 + mm * 10**6 + yy * 10**4 + serial
        household = self.kk_counter + np.arange(n) // 4
        self.kk_counter = int(household[-1]) + 1
        no_kk = kec6 * 10**10 + household % 10**10

        parts = np.array([[int(p) for p in k.kode.split(".")] for k in self.kelurahan])[kel]
        cutoff = np.datetime64(self.cutoff, "D")
        pendidikan = np.where(
            age < 7,
            1,
            np.where(
                age < 13,
                2,
                np.where(
                    age < 19,
                    rng.choice([3, 4], n),
                    rng.choice(
                        PENDIDIKAN_DEWASA[0],
                        n,
                        p=np.array(PENDIDIKAN_DEWASA[1]) / sum(PENDIDIKAN_DEWASA[1]),
                    ),
                ),
            ),
        )
        pekerjaan = np.where(
            age < 5,
            1,
            np.where(
                age < 19,
                3,
                rng.choice(
                    PEKERJAAN_DEWASA[0],
                    n,
                    p=np.array(PEKERJAAN_DEWASA[1]) / sum(PEKERJAAN_DEWASA[1]),
                ),
            ),
        )
        hubungan = np.where(
            age < 18, 4, rng.choice([1, 2, 3, 4, 7, 9], n, p=[0.4, 0.05, 0.3, 0.15, 0.05, 0.05])
        )

        def text(values: np.ndarray) -> pa.Array:
            return pc.cast(pa.array(values), pa.string())

        def optional(mask: np.ndarray, values: pa.Array) -> pa.Array:
            return pc.if_else(pa.array(mask), values, pa.scalar(None, pa.string()))

        issued = np.minimum(birth + 17 * 365 + (u[1] * 2000).astype(int), cutoff)
        kia_date = np.minimum(birth + (u[2] * 3000).astype(int) + 30, cutoff)
        seq = text(np.arange(n) + index * 10_000_000)
        names = pc.binary_join_element_wise(
            pa.array(NAMA_DEPAN[rng.integers(0, len(NAMA_DEPAN), n)]),
            pa.array(NAMA_BELAKANG[rng.integers(0, len(NAMA_BELAKANG), n)]),
            " ",
        )
        akta = self.kode_daerah.replace(".", "")  # akta numbers start with the kab/kota code
        columns = {
            "NIK": text(nik),
            "NO_KK": text(no_kk),
            "NAMA_LGKP": names,
            "JENIS_KLMIN": text(sex),
            # place of birth: personal text the pipeline never reads, only its shape matters
            "TMPT_LHR": pa.array(np.where(u[1] < 0.8, "TEMPAT LAHIR A", "TEMPAT LAHIR B")),
            "TGL_LHR": text(birth),
            "AGAMA": text(rng.choice(AGAMA[0], n, p=AGAMA[1])),
            "STAT_KWN": text(stat_kwn),
            "STAT_HBKEL": text(hubungan),
            "PDDK_AKH": text(pendidikan),
            "JENIS_PKRJN": text(pekerjaan),
            "NO_PROP": text(parts[:, 0]),
            "NO_KAB": text(parts[:, 1]),
            "NO_KEC": text(parts[:, 2]),
            "NO_KEL": text(parts[:, 3]),
            "STATUS_KTP": text(status_ktp),
            "TGL_CETAK_KTP": optional(cetak, text(issued)),
            "TGL_CETAK_KIA": optional(kia, text(kia_date)),
            "NO_AKTA_LHR": optional(
                akta_lahir, pc.binary_join_element_wise(akta + "-LT-", seq, "")
            ),
            "NO_AKTA_KWN": optional(
                akta_kawin, pc.binary_join_element_wise(akta + "-KW-", seq, "")
            ),
        }
        return pa.table(columns)

    def write(self, rows: int, out: Path, chunk_rows: int = 1_000_000) -> Path:
        """Write `rows` residents to `out` (.csv or .parquet), chunk by chunk (bounded memory)."""
        out.parent.mkdir(parents=True, exist_ok=True)
        parquet = out.suffix == ".parquet"
        writer = None
        try:
            for index, start in enumerate(range(0, rows, chunk_rows)):
                table = self.chunk(min(chunk_rows, rows - start), index)
                if writer is None:
                    writer = (
                        pq.ParquetWriter(out, table.schema)
                        if parquet
                        else pacsv.CSVWriter(
                            out,
                            table.schema,
                            write_options=pacsv.WriteOptions(quoting_style="none"),
                        )
                    )
                writer.write_table(table)
        finally:
            if writer is not None:
                writer.close()
        return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--baris", type=int, default=450_000, help="jumlah penduduk (baris)")
    parser.add_argument("--keluar", type=Path, required=True, help="file .csv atau .parquet")
    parser.add_argument("--semester", default="2023-S2")
    parser.add_argument("--seed", type=int, default=2023)
    parser.add_argument(
        "--kode-daerah", help="kode kab/kota di referensi (bawaan: raw/referensi/daerah.csv)"
    )
    parser.add_argument("--raw-dir", type=Path, default=PROJECT_ROOT / "raw")
    args = parser.parse_args(argv)
    generator = Generator(args.raw_dir, args.semester, args.seed, args.kode_daerah)
    generator.write(args.baris, args.keluar)
    print(f"{args.baris} baris ditulis ke {args.keluar}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
