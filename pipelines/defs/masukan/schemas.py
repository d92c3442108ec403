"""Every raw input, declared once: its pandera model. A field says how the file prints it
(`col(headers=…)`), its type, its rules and their messages; `Config.metadata` says where its
files lie (pipelines/defs/masukan/deklarasi.py reads it all). The models double as the data
dictionary: field descriptions are shown as column documentation in the Dagster UI.

Row identities are declared only where they hold in real exports; those that published tables
break (e.g. Tabel 8's JUMLAH PENDUDUK vs memiliki + belum) are reported by reconciliation
instead, because the pipeline must never reject or "fix" a source that is merely inconsistent.
"""

from __future__ import annotations

from datetime import date

import pandas as pd
import pandera.pandas as pa
from pandera.typing import Series

from pipelines.defs.masukan.deklarasi import (
    Source,
    col,
    ge,
    gt,
    identity_check,
    isin,
    matches,
    tahun,
)
from pipelines.domain.angka import parse_id_number
from pipelines.domain.semester import POLA_KOLOM, cut_off, is_semester

KODE_KECAMATAN = r"^\d{2}\.\d{2}\.\d{2}$"
KODE_KELURAHAN = r"^\d{2}\.\d{2}\.\d{2}\.\d{4}$"
KODE_DAERAH = r"^\d{2}\.\d{2}$"
KODE_PROGRAM = r"^\d\.\d{2}\.\d{2}$"


def _semester_ended(semester: str) -> bool:
    """DKB is released as of 30 June (S1) and 31 December (S2): a later semester cannot exist."""
    if not is_semester(str(semester)):
        return False  # reported by the format rule
    return cut_off(semester) < date.today()


def _identity(df: pd.DataFrame, total: str, *parts: str) -> pd.Series:
    return df[total] == sum(df[p] for p in parts)


class Daerah(pa.DataFrameModel):
    kode: Series[str] = col(
        matches(KODE_DAERAH), headers=("KODE",), unique=True, description="Kode kab/kota"
    )
    nama: Series[str] = col(headers=("NAMA",), description="Nama kabupaten/kota")
    tingkat: Series[str] = col(
        isin(["kota", "kabupaten"]), headers=("TINGKAT",), description="kota atau kabupaten"
    )
    nama_instansi: Series[str] = col(
        headers=("NAMA INSTANSI",), description="Nama dinas seperti dicetak di laporan"
    )

    class Config:
        name = "daerah"
        description = "Kabupaten/kota yang dilayani dan nama instansinya (satu baris)."
        metadata = {"pattern": "referensi/daerah.csv"}
        strict = True


class Wilayah(pa.DataFrameModel):
    kode: Series[str] = col(
        matches(KODE_KELURAHAN),
        headers=("KODE",),
        unique=True,
        description="Kode kelurahan Kemendagri",
    )
    kecamatan: Series[str] = col(headers=("KECAMATAN",), description="Nama kecamatan")
    kelurahan: Series[str] = col(
        headers=("KELURAHAN", "DESA/KELURAHAN"), description="Nama kelurahan/desa"
    )
    kode_kecamatan: Series[str] = col(
        matches(KODE_KECAMATAN),
        headers=("KODE KECAMATAN",),
        description="Kode Kemendagri kecamatan tempat kelurahan berada",
    )

    @pa.dataframe_check(name="kode_dalam_kecamatan", error="kode diawali kode_kecamatan")
    def kelurahan_in_kecamatan(cls, df: pd.DataFrame) -> pd.Series:
        return df.apply(lambda r: r["kode"].startswith(r["kode_kecamatan"] + "."), axis=1)

    class Config:
        name = "wilayah"
        description = (
            "Kecamatan dan kelurahan dengan kode Kemendagri (Kepmendagri 300.2.2-2138/2025)."
        )
        metadata = {"pattern": "referensi/wilayah.csv"}
        strict = True


class WilayahAlias(pa.DataFrameModel):
    alias: Series[str] = col(
        headers=("ALIAS", "NAMA"), unique=True, description="Ejaan yang ditemui di ekspor"
    )
    kode: Series[str] = col(
        headers=("KODE",), references="wilayah", description="Kode Kemendagri yang dimaksud"
    )
    catatan: Series[str] = col(
        headers=("CATATAN",), nullable=True, description="Catatan asal ejaan lain (opsional)"
    )

    class Config:
        name = "wilayah_alias"
        description = "Ejaan nama wilayah yang ditemui di ekspor, dipetakan ke kode Kemendagri."
        metadata = {"pattern": "referensi/wilayah_alias.csv", "allow_empty": True}
        strict = "filter"


class IndikatorDefinisi(pa.DataFrameModel):
    kode_indikator: Series[str] = col(
        matches(r"^[a-z0-9_]+$"),
        headers=("KODE INDIKATOR",),
        unique=True,
        description="Identitas tetap (bertahan saat ganti nama)",
    )
    urutan: Series[int] = col(
        ge(1), headers=("URUTAN",), unique=True, description="Urutan baris di Tabel 3"
    )
    nomor: Series[str] = col(
        headers=("NOMOR", "NO"), nullable=True, description="Nomor seperti dicetak"
    )
    sasaran: Series[str] = col(
        headers=("SASARAN", "SASARAN STRATEGIS"),
        description="Sasaran strategis yang diukur indikator",
    )
    nama_indikator: Series[str] = col(
        headers=("NAMA INDIKATOR", "INDIKATOR KINERJA"),
        description="Nama indikator seperti dicetak",
    )
    satuan: Series[str] = col(headers=("SATUAN",), description="Satuan indikator, mis. %")
    arah: Series[str] = col(
        isin(["naik", "turun"]), headers=("ARAH",), description="naik = makin tinggi makin baik"
    )
    jenis: Series[str] = col(
        isin(["rumus", "dilaporkan"]),
        headers=("JENIS",),
        description="rumus atas agregat DKB, atau dilaporkan dinas",
    )
    pembilang: Series[str] = col(
        headers=("PEMBILANG",), nullable=True, description="Ukuran DKB pembilang"
    )
    penyebut: Series[str] = col(
        headers=("PENYEBUT",), nullable=True, description="Ukuran DKB penyebut"
    )
    pengali: Series[float] = col(
        gt(0),
        headers=("PENGALI",),
        nullable=True,
        description="Pengali rumus, mis. 100 untuk persen (indikator rumus)",
    )
    rumus_tercetak: Series[str] = col(
        headers=("RUMUS TERCETAK", "RUMUS"),
        nullable=True,
        description="Rumus seperti tercetak di laporan",
    )
    tahun_akhir: Series[pd.Int64Dtype] = col(
        *tahun(),
        headers=("TAHUN AKHIR",),
        nullable=True,
        coerce=True,
        description="Tahun terakhir indikator dilaporkan (kosong = masih berlaku); mengisinya "
        "menyatakan bahwa indikator yang sudah terbit untuk tahun sesudahnya memang dipensiunkan",
    )

    @pa.dataframe_check(
        name="rumus_lengkap",
        error="indikator jenis rumus wajib punya pembilang, penyebut, pengali",
    )
    def formula_complete(cls, df: pd.DataFrame) -> pd.Series:
        has_formula = df["pembilang"].notna() & df["penyebut"].notna() & df["pengali"].notna()
        return (df["jenis"] != "rumus") | has_formula

    class Config:
        name = "indikator_definisi"
        description = (
            "Definisi IKU: nama tercetak, arah, jenis (rumus/dilaporkan), pembilang, penyebut."
        )
        metadata = {"pattern": "indikator/definisi_indikator.csv"}
        strict = True
        add_missing_columns = True  # optional columns (e.g. tahun_akhir) may be left out


class KategoriCapaian(pa.DataFrameModel):
    batas_bawah: Series[float] = col(
        ge(0),
        headers=("BATAS BAWAH",),
        unique=True,
        description="Batas bawah capaian kategori ini (inklusif), persen",
    )
    batas_atas: Series[float] = col(
        headers=("BATAS ATAS",),
        nullable=True,
        description="Batas atas capaian (eksklusif; kosong untuk kategori teratas)",
    )
    kategori: Series[str] = col(
        headers=("KATEGORI",), description="Kategori yang tercetak, mis. SANGAT MEMUASKAN"
    )
    keterangan: Series[str] = col(
        headers=("KETERANGAN",), nullable=True, description="Rentang seperti ditulis laporan"
    )

    @pa.dataframe_check(name="batas_urut", error="batas_bawah < batas_atas")
    def ordered(cls, df: pd.DataFrame) -> pd.Series:
        return df["batas_atas"].isna() | (df["batas_bawah"] < df["batas_atas"])

    class Config:
        name = "kategori_capaian"
        description = "Skala interpretasi capaian (batas bawah inklusif, batas atas eksklusif)."
        metadata = {"pattern": "indikator/kategori_capaian.csv"}
        strict = True


class PeriodePerencanaan(pa.DataFrameModel):
    dokumen: Series[str] = col(
        isin(["RPJMD", "RPD"]),
        headers=("DOKUMEN",),
        description="Dokumen perencanaan jangka menengah daerah: RPJMD, atau RPD di masa transisi",
    )
    tahun_awal: Series[int] = col(
        *tahun(), headers=("TAHUN AWAL",), unique=True, description="Tahun pertama periode"
    )
    tahun_akhir: Series[int] = col(
        *tahun(), headers=("TAHUN AKHIR",), description="Tahun terakhir periode (inklusif)"
    )
    sumber: Series[str] = col(headers=("SUMBER",), description="Dokumen/halaman asal periode")

    @pa.dataframe_check(name="periode_urut", error="tahun_awal ≤ tahun_akhir")
    def ordered(cls, df: pd.DataFrame) -> pd.Series:
        return df["tahun_awal"] <= df["tahun_akhir"]

    class Config:
        name = "periode_perencanaan"
        description = "Periode RPJMD/RPD (tahun awal–akhir) yang direntang Tabel 11."
        metadata = {"pattern": "indikator/periode_perencanaan.csv"}
        strict = True


class IndikatorTarget(pa.DataFrameModel):
    kode_indikator: Series[str] = col(
        headers=("KODE INDIKATOR",),
        references="indikator",
        description="Kode indikator (definisi_indikator.csv)",
    )
    tahun: Series[int] = col(*tahun(), headers=("TAHUN",), description="Tahun target")
    dokumen: Series[str] = col(
        isin(["RPJMD", "RENSTRA", "RKT", "PK"]),
        headers=("DOKUMEN",),
        description="Dokumen perencanaan asal target (RPJMD, RENSTRA, RKT, PK)",
    )
    target: Series[float] = col(
        gt(0), headers=("TARGET",), description="Target dalam satuan indikator"
    )
    sumber: Series[str] = col(headers=("SUMBER",), description="Dokumen/halaman asal angka")

    class Config:
        name = "indikator_target"
        description = "Target per indikator per tahun menurut dokumen (RPJMD, Renstra, RKT, PK)."
        # allow_empty: an office with published figures but no targets yet still runs, its
        # realisations reconciled (mart.kelengkapan_tahun lists the missing targets)
        metadata = {"pattern": "indikator/target.csv", "allow_empty": True}
        strict = True
        unique = ["kode_indikator", "tahun", "dokumen"]


class RealisasiDilaporkan(pa.DataFrameModel):
    kode_indikator: Series[str] = col(
        headers=("KODE INDIKATOR",),
        references="indikator",
        description="Kode indikator (definisi_indikator.csv)",
    )
    tahun: Series[int] = col(*tahun(), headers=("TAHUN",), description="Tahun realisasi")
    realisasi: Series[float] = col(
        ge(0), headers=("REALISASI",), description="Realisasi yang dilaporkan dinas"
    )
    sumber: Series[str] = col(headers=("SUMBER",), description="Dokumen/laporan asal angka")

    class Config:
        name = "realisasi_dilaporkan"
        description = "Realisasi indikator yang dilaporkan dinas (bukan hasil rumus atas DKB)."
        # allow_empty: an office whose IKU are all computed from DKB reports none
        metadata = {"pattern": "indikator/realisasi_dilaporkan.csv", "allow_empty": True}
        strict = True
        unique = ["kode_indikator", "tahun"]


class RiwayatCapaian(pa.DataFrameModel):
    kode_indikator: Series[str] = col(
        headers=("KODE INDIKATOR",),
        references="indikator",
        description="Kode indikator (definisi_indikator.csv)",
    )
    tahun: Series[int] = col(*tahun(), headers=("TAHUN",), description="Tahun angka")
    nama_tercetak: Series[str] = col(
        headers=("NAMA TERCETAK",), description="Nama indikator seperti dicetak tahun itu"
    )
    target: Series[float] = col(gt(0), headers=("TARGET",), description="Target seperti tercetak")
    realisasi: Series[float] = col(
        ge(0), headers=("REALISASI",), description="Realisasi seperti tercetak"
    )
    capaian: Series[float] = col(
        ge(0), headers=("CAPAIAN",), description="Capaian seperti diterbitkan"
    )
    sumber: Series[str] = col(headers=("SUMBER",), description="Dokumen tempat angka tercetak")

    class Config:
        name = "riwayat_capaian"
        description = "Target, realisasi dan capaian yang telah diterbitkan pada LAKIP tahun lalu."
        metadata = {"pattern": "indikator/riwayat_capaian.csv"}
        strict = True
        unique = ["kode_indikator", "tahun"]


class AnggaranPK(pa.DataFrameModel):
    tahun: Series[int] = col(*tahun(), headers=("TAHUN",), description="Tahun anggaran")
    kode_program: Series[str] = col(
        matches(KODE_PROGRAM),
        headers=("KODE PROGRAM", "KODE"),
        description="Kode program (Permendagri 90/2019), mis. 2.12.02",
    )
    nama_program: Series[str] = col(
        headers=("NAMA PROGRAM", "PROGRAM"),
        description="Nama program seperti di Perjanjian Kinerja",
    )
    anggaran: Series[float] = col(
        ge(0), headers=("ANGGARAN", "ANGGARAN (RP)"), description="Rupiah"
    )

    class Config:
        name = "anggaran_pk"
        description = "Anggaran per program dalam Perjanjian Kinerja (PK)."
        metadata = {
            "pattern": "anggaran/*/anggaran_pk.csv",
            "total_label_columns": ("nama_program",),
            "period_folder": "tahun",
        }
        strict = True
        unique = ["tahun", "kode_program"]


class RealisasiAnggaran(pa.DataFrameModel):
    # Not in the file: the year of the folder anggaran/<tahun>/ it lies in.
    tahun: Series[int] = col(*tahun(), description="Tahun anggaran (dari nama folder)")
    kode_program: Series[str] = col(
        matches(KODE_PROGRAM),
        headers=("KODE", "KODE PROGRAM"),
        description="Kode program (Permendagri 90/2019)",
    )
    nama_program: Series[str] = col(
        headers=("PROGRAM", "URAIAN"), description="Nama program seperti di ekspor realisasi"
    )
    anggaran: Series[float] = col(
        ge(0),
        headers=("ANGGARAN (RP)", "TARGET (RP)", "PAGU (RP)", "ANGGARAN"),
        description="Pagu setelah perubahan, rupiah",
    )
    realisasi: Series[float] = col(
        ge(0), headers=("REALISASI (RP)", "REALISASI"), description="Rupiah"
    )
    capaian_tercetak: Series[float] = col(
        headers=("CAPAIAN %", "PERSEN %", "%"),
        additive=False,
        nullable=True,
        description="% seperti tercetak",
    )

    @pa.dataframe_check(name="dalam_anggaran", error="realisasi <= anggaran")
    def within_budget(cls, df: pd.DataFrame) -> pd.Series:
        return df["realisasi"] <= df["anggaran"]

    class Config:
        name = "realisasi_anggaran"
        description = "Ekspor realisasi anggaran per program (pagu setelah perubahan, realisasi)."
        metadata = {
            "pattern": "anggaran/*/realisasi_anggaran_*.xlsx",
            "total_label_columns": ("nama_program",),
        }
        strict = True
        unique = ["tahun", "kode_program"]


def _count(header: str, description: str) -> pa.Field:
    return col(ge(0), headers=(header,), description=description)


class DkbAgregatKecamatan(pa.DataFrameModel):
    # Not in the file: the semester of the run, and the code the kecamatan name resolves to.
    semester: Series[str] = col(matches(POLA_KOLOM), description="Mis. 2023-S2")

    kecamatan: Series[str] = col(
        headers=("KECAMATAN", "NAMA KECAMATAN"),
        description="Nama kecamatan seperti tertulis di file",
    )
    kode_kecamatan: Series[str] = col(
        matches(KODE_KECAMATAN), unique=True, description="Kode Kemendagri hasil pencocokan nama"
    )
    penduduk: Series[int] = _count("JUMLAH PENDUDUK", "Jumlah penduduk")
    penduduk_17_kawin: Series[int] = _count("PENDUDUK 17+ KAWIN", "Penduduk 17+ berstatus kawin")
    wajib_ktp_el: Series[int] = _count("WAJIB KTP-EL", "Penduduk wajib KTP-el")
    ktp_el_sudah_rekam: Series[int] = _count("SUDAH REKAM KTP-EL", "Wajib KTP-el sudah rekam")
    ktp_el_belum_rekam: Series[int] = _count("BELUM REKAM KTP-EL", "Wajib KTP-el belum rekam")
    ktp_el_cetak: Series[int] = _count("CETAK KTP-EL", "KTP-el tercetak")
    wajib_kia: Series[int] = _count("WAJIB KIA", "Anak wajib KIA")
    kia_memiliki: Series[int] = _count("MEMILIKI KIA", "Anak memiliki KIA")
    kia_belum_memiliki: Series[int] = _count("BELUM MEMILIKI KIA", "Anak belum memiliki KIA")
    anak_0_17: Series[int] = _count("JUMLAH ANAK 0-17", "Anak usia 0–17 (17 tahun kurang 1 hari)")
    anak_akta_kelahiran_memiliki: Series[int] = _count(
        "ANAK MEMILIKI AKTA KELAHIRAN", "Anak ber-akta lahir"
    )
    anak_akta_kelahiran_belum: Series[int] = _count(
        "ANAK BELUM MEMILIKI AKTA KELAHIRAN", "Anak belum ber-akta lahir"
    )
    penduduk_akta_kelahiran_memiliki: Series[int] = _count(
        "PENDUDUK MEMILIKI AKTA KELAHIRAN", "Penduduk ber-akta"
    )
    penduduk_akta_kelahiran_belum: Series[int] = _count(
        "PENDUDUK BELUM MEMILIKI AKTA KELAHIRAN", "Penduduk belum ber-akta"
    )
    perkawinan_dilaporkan: Series[int] = _count(
        "PERKAWINAN DILAPORKAN", "Perkawinan yang dilaporkan"
    )
    akta_perkawinan_terbit: Series[int] = _count(
        "AKTA PERKAWINAN TERBIT", "Akta perkawinan diterbitkan"
    )

    @pa.check(
        "semester",
        name="semester_berakhir",
        error="semester belum berakhir: DKB semester ini belum mungkin ada",
    )
    def semester_ended(cls, semester: pd.Series) -> pd.Series:
        return semester.map(_semester_ended)

    # The identities of sql/macros/identitas_ukuran.sql that real exports keep; the others
    # (penduduk = memiliki + belum akta, …) are broken by published tables and left to the
    # reconciliation.
    rekam_ktp_el = identity_check("rekam_ktp_el")
    kia = identity_check("kia")

    @pa.dataframe_check(name="cetak_setelah_rekam", error="ktp_el_cetak <= ktp_el_sudah_rekam")
    def cetak_after_rekam(cls, df: pd.DataFrame) -> pd.Series:
        return df["ktp_el_cetak"] <= df["ktp_el_sudah_rekam"]

    @pa.dataframe_check(
        name="akta_anak_dalam_anak", error="anak_akta_kelahiran_memiliki <= anak_0_17"
    )
    def akta_anak_within(cls, df: pd.DataFrame) -> pd.Series:
        return df["anak_akta_kelahiran_memiliki"] <= df["anak_0_17"]

    @pa.dataframe_check(
        name="akta_dalam_penduduk", error="penduduk_akta_kelahiran_memiliki <= penduduk"
    )
    def akta_within(cls, df: pd.DataFrame) -> pd.Series:
        return df["penduduk_akta_kelahiran_memiliki"] <= df["penduduk"]

    @pa.dataframe_check(
        name="akta_kawin_dalam_perkawinan", error="akta_perkawinan_terbit <= perkawinan_dilaporkan"
    )
    def akta_kawin_within(cls, df: pd.DataFrame) -> pd.Series:
        return df["akta_perkawinan_terbit"] <= df["perkawinan_dilaporkan"]

    class Config:
        name = "dkb_agregat_kecamatan"
        description = "Agregat DKB per kecamatan satu semester (angka Tabel 4–9 LAKIP)."
        metadata = {
            "pattern": "dkb/{semester}/agregat_kecamatan.*",
            "total_label_columns": ("kecamatan",),
            "region_name_column": "kecamatan",
            "partitioned": True,
        }
        strict = True


# What a published figure may be: `jumlah` of a DKB measure (kunci = ukuran), a figure of an
# indicator (kunci = kode_indikator), of a budget program or its TOTAL, or the RATA-RATA row.
KOLOM_TERBITAN_ANGKA = (
    "jumlah",
    "target",
    "realisasi",
    "capaian",
    "pembilang",
    "penyebut",
    "anggaran_pk",
    "anggaran",
    "serapan",
    "rata_rata_capaian",
)
KOLOM_TERBITAN_TEKS = ("kategori", "dibanding_target", "dibanding_tahun_lalu")


def _is_id_number(value: str) -> bool:
    try:
        return parse_id_number(value) is not None
    except ValueError:
        return False


class Terbitan(pa.DataFrameModel):
    dokumen: Series[str] = col(
        headers=("DOKUMEN",), description="Laporan yang memuat angka, mis. LAKIP 2023"
    )
    tabel: Series[str] = col(
        headers=("TABEL",), description="Tempat angka dicetak: Tabel 3, Bab III B (narasi)"
    )
    tahun: Series[int] = col(
        *tahun(), headers=("TAHUN",), description="Tahun yang diukur angka itu"
    )
    kode_wilayah: Series[str] = col(
        headers=("KODE WILAYAH",),
        references="wilayah",
        description="Kode Kemendagri wilayah baris itu",
    )
    baris_tercetak: Series[str] = col(
        headers=("BARIS TERCETAK", "BARIS"),
        nullable=True,
        description="Label baris seperti dicetak",
    )
    kunci: Series[str] = col(
        headers=("KUNCI",), description="ukuran DKB, kode_indikator, kode_program, TOTAL"
    )
    kolom: Series[str] = col(
        isin([*KOLOM_TERBITAN_ANGKA, *KOLOM_TERBITAN_TEKS]),
        headers=("KOLOM",),
        description="Kolom tabel tercetak, mis. target, realisasi, capaian",
    )
    # Kept as printed ("96,65", "SANGAT MEMUASKAN"): reconciliation needs the printed digits.
    nilai_terbit: Series[str] = col(
        headers=("NILAI TERBIT", "NILAI"), description="Nilai persis seperti dicetak"
    )
    keterangan: Series[str] = col(
        headers=("KETERANGAN",), nullable=True, description="Catatan atas angka (opsional)"
    )

    @pa.dataframe_check(
        name="nilai_terbit_angka", error="nilai_terbit kolom angka harus angka berformat Indonesia"
    )
    def numeric_printed(cls, df: pd.DataFrame) -> pd.Series:
        numeric = df["kolom"].isin(KOLOM_TERBITAN_ANGKA)
        return ~numeric | df["nilai_terbit"].map(_is_id_number)

    class Config:
        name = "terbitan"
        description = "Angka yang diterbitkan dalam LAKIP (tabel dan narasi), untuk rekonsiliasi."
        metadata = {"pattern": "terbitan/*.csv", "multiple": True}
        strict = True
        unique = ["dokumen", "tabel", "tahun", "kode_wilayah", "kunci", "kolom"]


# Every input read through the gate, in the order their assets are declared.
SOURCES: dict[str, Source] = {
    s.name: s
    for s in map(
        Source.of,
        (
            Daerah,
            Wilayah,
            WilayahAlias,
            IndikatorDefinisi,
            KategoriCapaian,
            PeriodePerencanaan,
            IndikatorTarget,
            RealisasiDilaporkan,
            RiwayatCapaian,
            AnggaranPK,
            RealisasiAnggaran,
            Terbitan,
            DkbAgregatKecamatan,
        ),
    )
}
