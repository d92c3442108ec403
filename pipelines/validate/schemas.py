"""Pandera models of every raw input, after cells are typed. They double as the data dictionary:
field descriptions are shown as column documentation in the Dagster UI.

Row identities are declared only where they hold in real exports; those that published tables
break (e.g. Tabel 8's JUMLAH PENDUDUK vs memiliki + belum) are reported by reconciliation
instead, because the pipeline must never reject or "fix" a source that is merely inconsistent.
"""

from __future__ import annotations

from datetime import date

import pandas as pd
import pandera.pandas as pa
from pandera.typing import Series

from pipelines.semester import POLA_KOLOM, cut_off, is_semester
from pipelines.validate.numbers import parse_id_number

KODE_KECAMATAN = r"^\d{2}\.\d{2}\.\d{2}$"
KODE_KELURAHAN = r"^\d{2}\.\d{2}\.\d{2}\.\d{4}$"
KODE_DAERAH = r"^\d{2}\.\d{2}$"
KODE_PROGRAM = r"^\d\.\d{2}\.\d{2}$"
TAHUN = {"ge": 2000, "le": 2100}


def _semester_ended(semester: str) -> bool:
    """DKB is released as of 30 June (S1) and 31 December (S2): a later semester cannot exist."""
    if not is_semester(str(semester)):
        return False  # reported by the format rule
    return cut_off(semester) < date.today()


def _identity(df: pd.DataFrame, total: str, *parts: str) -> pd.Series:
    return df[total] == sum(df[p] for p in parts)


class Daerah(pa.DataFrameModel):
    kode: Series[str] = pa.Field(str_matches=KODE_DAERAH, unique=True, description="Kode kab/kota")
    nama: Series[str] = pa.Field(description="Nama kabupaten/kota")
    tingkat: Series[str] = pa.Field(isin=["kota", "kabupaten"])
    nama_instansi: Series[str] = pa.Field(description="Nama dinas seperti dicetak di laporan")

    class Config:
        strict = True


class Wilayah(pa.DataFrameModel):
    kode: Series[str] = pa.Field(
        str_matches=KODE_KELURAHAN, unique=True, description="Kode kelurahan Kemendagri"
    )
    kecamatan: Series[str] = pa.Field(description="Nama kecamatan")
    kelurahan: Series[str] = pa.Field(description="Nama kelurahan/desa")
    kode_kecamatan: Series[str] = pa.Field(str_matches=KODE_KECAMATAN)

    @pa.dataframe_check(name="kode diawali kode_kecamatan")
    def kelurahan_in_kecamatan(cls, df: pd.DataFrame) -> pd.Series:
        return df.apply(lambda r: r["kode"].startswith(r["kode_kecamatan"] + "."), axis=1)

    class Config:
        strict = True


class WilayahAlias(pa.DataFrameModel):
    alias: Series[str] = pa.Field(unique=True, description="Ejaan yang ditemui di ekspor")
    kode: Series[str] = pa.Field(description="Kode Kemendagri yang dimaksud")
    catatan: Series[str] = pa.Field(nullable=True)

    class Config:
        strict = "filter"


class IndikatorDefinisi(pa.DataFrameModel):
    kode_indikator: Series[str] = pa.Field(
        unique=True,
        str_matches=r"^[a-z0-9_]+$",
        description="Identitas tetap (bertahan saat ganti nama)",
    )
    urutan: Series[int] = pa.Field(ge=1, unique=True, description="Urutan baris di Tabel 3")
    nomor: Series[str] = pa.Field(nullable=True, description="Nomor seperti dicetak")
    sasaran: Series[str]
    nama_indikator: Series[str] = pa.Field(description="Nama indikator seperti dicetak")
    satuan: Series[str]
    arah: Series[str] = pa.Field(
        isin=["naik", "turun"], description="naik = makin tinggi makin baik"
    )
    jenis: Series[str] = pa.Field(
        isin=["rumus", "dilaporkan"], description="rumus atas agregat DKB, atau dilaporkan dinas"
    )
    pembilang: Series[str] = pa.Field(nullable=True, description="Ukuran DKB pembilang")
    penyebut: Series[str] = pa.Field(nullable=True, description="Ukuran DKB penyebut")
    pengali: Series[float] = pa.Field(nullable=True, gt=0)
    rumus_tercetak: Series[str] = pa.Field(nullable=True)
    tahun_akhir: Series[pd.Int64Dtype] = pa.Field(
        nullable=True,
        coerce=True,
        **TAHUN,
        description="Tahun terakhir indikator dilaporkan (kosong = masih berlaku); mengisinya "
        "menyatakan bahwa indikator yang sudah terbit untuk tahun sesudahnya memang dipensiunkan",
    )

    @pa.dataframe_check(name="indikator jenis rumus wajib punya pembilang, penyebut, pengali")
    def formula_complete(cls, df: pd.DataFrame) -> pd.Series:
        has_formula = df["pembilang"].notna() & df["penyebut"].notna() & df["pengali"].notna()
        return (df["jenis"] != "rumus") | has_formula

    class Config:
        strict = True
        add_missing_columns = True  # optional columns (e.g. tahun_akhir) may be left out


class KategoriCapaian(pa.DataFrameModel):
    batas_bawah: Series[float] = pa.Field(ge=0, unique=True)
    batas_atas: Series[float] = pa.Field(nullable=True)
    kategori: Series[str]
    keterangan: Series[str] = pa.Field(nullable=True)

    @pa.dataframe_check(name="batas_bawah < batas_atas")
    def ordered(cls, df: pd.DataFrame) -> pd.Series:
        return df["batas_atas"].isna() | (df["batas_bawah"] < df["batas_atas"])

    class Config:
        strict = True


class IndikatorTarget(pa.DataFrameModel):
    kode_indikator: Series[str]
    tahun: Series[int] = pa.Field(**TAHUN)
    dokumen: Series[str] = pa.Field(isin=["RPJMD", "RENSTRA", "RKT", "PK"])
    target: Series[float] = pa.Field(gt=0, description="Target dalam satuan indikator")
    sumber: Series[str]

    class Config:
        strict = True
        unique = ["kode_indikator", "tahun", "dokumen"]


class RealisasiDilaporkan(pa.DataFrameModel):
    kode_indikator: Series[str]
    tahun: Series[int] = pa.Field(**TAHUN)
    realisasi: Series[float] = pa.Field(ge=0)
    sumber: Series[str] = pa.Field(description="Dokumen/laporan asal angka")

    class Config:
        strict = True
        unique = ["kode_indikator", "tahun"]


class RiwayatCapaian(pa.DataFrameModel):
    kode_indikator: Series[str]
    tahun: Series[int] = pa.Field(**TAHUN)
    nama_tercetak: Series[str] = pa.Field(description="Nama indikator seperti dicetak tahun itu")
    target: Series[float] = pa.Field(gt=0)
    realisasi: Series[float] = pa.Field(ge=0)
    capaian: Series[float] = pa.Field(ge=0, description="Capaian seperti diterbitkan")
    sumber: Series[str]

    class Config:
        strict = True
        unique = ["kode_indikator", "tahun"]


class AnggaranPK(pa.DataFrameModel):
    tahun: Series[int] = pa.Field(**TAHUN)
    kode_program: Series[str] = pa.Field(str_matches=KODE_PROGRAM)
    nama_program: Series[str]
    anggaran: Series[float] = pa.Field(ge=0, description="Rupiah")

    class Config:
        strict = True
        unique = ["tahun", "kode_program"]


class RealisasiAnggaran(pa.DataFrameModel):
    tahun: Series[int] = pa.Field(**TAHUN, description="Tahun anggaran (dari nama folder)")
    kode_program: Series[str] = pa.Field(str_matches=KODE_PROGRAM)
    nama_program: Series[str]
    anggaran: Series[float] = pa.Field(ge=0, description="Pagu setelah perubahan, rupiah")
    realisasi: Series[float] = pa.Field(ge=0, description="Rupiah")
    capaian_tercetak: Series[float] = pa.Field(nullable=True, description="% seperti tercetak")

    @pa.dataframe_check(name="realisasi <= anggaran")
    def within_budget(cls, df: pd.DataFrame) -> pd.Series:
        return df["realisasi"] <= df["anggaran"]

    class Config:
        strict = True
        unique = ["tahun", "kode_program"]


class DkbAgregatKecamatan(pa.DataFrameModel):
    semester: Series[str] = pa.Field(str_matches=POLA_KOLOM, description="Mis. 2023-S2")

    kecamatan: Series[str] = pa.Field(description="Nama kecamatan seperti tertulis di file")
    kode_kecamatan: Series[str] = pa.Field(
        str_matches=KODE_KECAMATAN, unique=True, description="Kode Kemendagri hasil pencocokan nama"
    )
    penduduk: Series[int] = pa.Field(ge=0, description="Jumlah penduduk")
    penduduk_17_kawin: Series[int] = pa.Field(ge=0, description="Penduduk 17+ berstatus kawin")
    wajib_ktp_el: Series[int] = pa.Field(ge=0, description="Penduduk wajib KTP-el")
    ktp_el_sudah_rekam: Series[int] = pa.Field(ge=0, description="Wajib KTP-el sudah rekam")
    ktp_el_belum_rekam: Series[int] = pa.Field(ge=0, description="Wajib KTP-el belum rekam")
    ktp_el_cetak: Series[int] = pa.Field(ge=0, description="KTP-el tercetak")
    wajib_kia: Series[int] = pa.Field(ge=0, description="Anak wajib KIA")
    kia_memiliki: Series[int] = pa.Field(ge=0, description="Anak memiliki KIA")
    kia_belum_memiliki: Series[int] = pa.Field(ge=0, description="Anak belum memiliki KIA")
    anak_0_17: Series[int] = pa.Field(ge=0, description="Anak usia 0–17 (17 tahun kurang 1 hari)")
    anak_akta_kelahiran_memiliki: Series[int] = pa.Field(ge=0, description="Anak ber-akta lahir")
    anak_akta_kelahiran_belum: Series[int] = pa.Field(ge=0, description="Anak belum ber-akta lahir")
    penduduk_akta_kelahiran_memiliki: Series[int] = pa.Field(ge=0, description="Penduduk ber-akta")
    penduduk_akta_kelahiran_belum: Series[int] = pa.Field(
        ge=0, description="Penduduk belum ber-akta"
    )
    perkawinan_dilaporkan: Series[int] = pa.Field(ge=0, description="Perkawinan yang dilaporkan")
    akta_perkawinan_terbit: Series[int] = pa.Field(ge=0, description="Akta perkawinan diterbitkan")

    @pa.check("semester", name="semester belum berakhir: DKB semester ini belum mungkin ada")
    def semester_ended(cls, semester: pd.Series) -> pd.Series:
        return semester.map(_semester_ended)

    @pa.dataframe_check(name="wajib_ktp_el = ktp_el_sudah_rekam + ktp_el_belum_rekam")
    def ktp_el_rekam(cls, df: pd.DataFrame) -> pd.Series:
        return _identity(df, "wajib_ktp_el", "ktp_el_sudah_rekam", "ktp_el_belum_rekam")

    @pa.dataframe_check(name="wajib_kia = kia_memiliki + kia_belum_memiliki")
    def kia(cls, df: pd.DataFrame) -> pd.Series:
        return _identity(df, "wajib_kia", "kia_memiliki", "kia_belum_memiliki")

    @pa.dataframe_check(name="ktp_el_cetak <= ktp_el_sudah_rekam")
    def cetak_after_rekam(cls, df: pd.DataFrame) -> pd.Series:
        return df["ktp_el_cetak"] <= df["ktp_el_sudah_rekam"]

    @pa.dataframe_check(name="anak_akta_kelahiran_memiliki <= anak_0_17")
    def akta_anak_within(cls, df: pd.DataFrame) -> pd.Series:
        return df["anak_akta_kelahiran_memiliki"] <= df["anak_0_17"]

    @pa.dataframe_check(name="penduduk_akta_kelahiran_memiliki <= penduduk")
    def akta_within(cls, df: pd.DataFrame) -> pd.Series:
        return df["penduduk_akta_kelahiran_memiliki"] <= df["penduduk"]

    @pa.dataframe_check(name="akta_perkawinan_terbit <= perkawinan_dilaporkan")
    def akta_kawin_within(cls, df: pd.DataFrame) -> pd.Series:
        return df["akta_perkawinan_terbit"] <= df["perkawinan_dilaporkan"]

    class Config:
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
    dokumen: Series[str] = pa.Field(description="Laporan yang memuat angka, mis. LAKIP 2023")
    tabel: Series[str] = pa.Field(description="Tempat angka dicetak: Tabel 3, Bab III B (narasi)")
    tahun: Series[int] = pa.Field(**TAHUN, description="Tahun yang diukur angka itu")
    kode_wilayah: Series[str] = pa.Field(description="Kode Kemendagri wilayah baris itu")
    baris_tercetak: Series[str] = pa.Field(nullable=True, description="Label baris seperti dicetak")
    kunci: Series[str] = pa.Field(description="ukuran DKB, kode_indikator, kode_program, TOTAL")
    kolom: Series[str] = pa.Field(isin=[*KOLOM_TERBITAN_ANGKA, *KOLOM_TERBITAN_TEKS])
    nilai_terbit: Series[str] = pa.Field(description="Nilai persis seperti dicetak")
    keterangan: Series[str] = pa.Field(nullable=True)

    @pa.dataframe_check(name="nilai_terbit kolom angka harus angka berformat Indonesia")
    def numeric_printed(cls, df: pd.DataFrame) -> pd.Series:
        numeric = df["kolom"].isin(KOLOM_TERBITAN_ANGKA)
        return ~numeric | df["nilai_terbit"].map(_is_id_number)

    class Config:
        strict = True
        unique = ["dokumen", "tabel", "tahun", "kode_wilayah", "kunci", "kolom"]


SCHEMAS: dict[str, type[pa.DataFrameModel]] = {
    "daerah": Daerah,
    "wilayah": Wilayah,
    "wilayah_alias": WilayahAlias,
    "indikator_definisi": IndikatorDefinisi,
    "kategori_capaian": KategoriCapaian,
    "indikator_target": IndikatorTarget,
    "realisasi_dilaporkan": RealisasiDilaporkan,
    "riwayat_capaian": RiwayatCapaian,
    "anggaran_pk": AnggaranPK,
    "realisasi_anggaran": RealisasiAnggaran,
    "dkb_agregat_kecamatan": DkbAgregatKecamatan,
    "terbitan": Terbitan,
}
