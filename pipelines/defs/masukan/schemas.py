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
    at_most_check,
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
        matches(KODE_DAERAH),
        headers=("KODE", "KODE DAERAH"),
        references="kabkota",
        unique=True,
        description="Kode Kemendagri kab/kota yang dilayani: satu-satunya pengaturan wilayah",
    )
    # Not read from the file: the national list (pipelines/domain/wilayah.py) gives them by code.
    nama: Series[str] = col(description="Nama kabupaten/kota menurut daftar Kemendagri")
    tingkat: Series[str] = col(
        isin(["kota", "kabupaten"]), description="kota atau kabupaten (dari daftar Kemendagri)"
    )
    nama_instansi: Series[str] = col(
        headers=("NAMA INSTANSI",), description="Nama dinas seperti dicetak di laporan"
    )

    class Config:
        name = "daerah"
        description = (
            "Kabupaten/kota yang dilayani (kode Kemendagri) dan nama instansinya (satu baris); "
            "nama dan tingkat dari daftar Kemendagri."
        )
        metadata = {"pattern": "referensi/daerah.csv"}
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
        headers=("PEMBILANG",),
        references="ukuran",
        nullable=True,
        description="Ukuran DKB pembilang (raw/referensi/ukuran_dkb.csv)",
    )
    penyebut: Series[str] = col(
        headers=("PENYEBUT",),
        references="ukuran",
        nullable=True,
        description="Ukuran DKB penyebut (raw/referensi/ukuran_dkb.csv)",
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


class ProgramIndikator(pa.DataFrameModel):
    tahun: Series[int] = col(*tahun(), headers=("TAHUN",), description="Tahun anggaran")
    kode_program: Series[str] = col(
        matches(KODE_PROGRAM),
        headers=("KODE PROGRAM",),
        references="program",
        description="Kode program yang ada di anggaran tahun itu (anggaran_pk / realisasi)",
    )
    kode_indikator: Series[str] = col(
        headers=("KODE INDIKATOR",),
        references="indikator",
        description="Kode indikator (definisi_indikator.csv) yang didukung program itu",
    )
    sumber: Series[str] = col(
        headers=("SUMBER",), description="Dasar pemetaan: dokumen dan alasan (Renstra, PK, …)"
    )

    class Config:
        name = "program_indikator"
        description = (
            "Indikator kinerja yang didukung tiap program per tahun, untuk efisiensi per "
            "program (Bab III F): diisi dinas."
        )
        # optional, allow_empty: an office that has not mapped its programs yet still gets its
        # report; every program then shows that no indicator is mapped to it
        metadata = {
            "pattern": "indikator/program_indikator.csv",
            "allow_empty": True,
            "optional": True,
        }
        strict = True
        unique = ["tahun", "kode_program", "kode_indikator"]


class _AturanUkuranDkb(pa.DataFrameModel):
    """What every DKB aggregate input shares: the semester of the run and the rules between
    measures. The measures themselves are data (raw/referensi/ukuran_dkb.csv, headers in
    ukuran_header.csv: pipelines/defs/masukan/ukuran.py adds them per file), so each rule below
    runs where its measures are in the file."""

    # Not in the file: the semester of the run.
    semester: Series[str] = col(matches(POLA_KOLOM), description="Mis. 2023-S2")

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
    cetak_setelah_rekam = at_most_check("cetak_setelah_rekam", "ktp_el_cetak", "ktp_el_sudah_rekam")
    akta_anak_dalam_anak = at_most_check(
        "akta_anak_dalam_anak", "anak_akta_kelahiran_memiliki", "anak_0_17"
    )
    akta_dalam_penduduk = at_most_check(
        "akta_dalam_penduduk", "penduduk_akta_kelahiran_memiliki", "penduduk"
    )
    akta_kawin_dalam_perkawinan = at_most_check(
        "akta_kawin_dalam_perkawinan", "akta_perkawinan_terbit", "perkawinan_dilaporkan"
    )
    kk_tercetak_dalam_kk = at_most_check("kk_tercetak_dalam_kk", "kk_tercetak", "jumlah_kk")


class DkbAgregatKecamatan(_AturanUkuranDkb):
    # Not in the file: the code the kecamatan name resolves to.
    kecamatan: Series[str] = col(
        headers=("KECAMATAN", "NAMA KECAMATAN"),
        description="Nama kecamatan seperti tertulis di file",
    )
    kode_kecamatan: Series[str] = col(
        matches(KODE_KECAMATAN), unique=True, description="Kode Kemendagri hasil pencocokan nama"
    )

    class Config:
        name = "dkb_agregat_kecamatan"
        description = (
            "Agregat DKB per kecamatan satu semester (angka Tabel 4–9 LAKIP); kolom ukuran "
            "menurut raw/referensi/ukuran_header.csv, varian agregat_kecamatan."
        )
        metadata = {
            "pattern": "dkb/{semester}/agregat_kecamatan.*",
            "total_label_columns": ("kecamatan",),
            "region_name_column": "kecamatan",
            "partitioned": True,
        }
        strict = True


class SiakAgregat(_AturanUkuranDkb):
    """Each region's row is located by its code (KODE, or NO_PROP … NO_KEL); the level printed in
    IDEM/LEVEL is kept as printed, the level used is the code's (a file starting at the province
    shifts IDEM by one). Each column is optional: a file has KODE or NO_PROP … NO_KEL."""

    tingkat_tercetak: Series[str] | None = col(
        headers=("IDEM", "LEVEL", "TINGKAT"), nullable=True, description="Level seperti dicetak"
    )
    kode: Series[str] | None = col(
        headers=("KODE", "KODE_WILAYAH", "KODE WILAYAH", "KODE_WIL"),
        nullable=True,
        description="Kode Kemendagri, dengan atau tanpa titik/spasi",
    )
    no_prop: Series[str] | None = col(
        headers=("NO_PROP",), nullable=True, description="Kode provinsi"
    )
    no_kab: Series[str] | None = col(
        headers=("NO_KAB",), nullable=True, description="Kode kab/kota"
    )
    no_kec: Series[str] | None = col(
        headers=("NO_KEC",), nullable=True, description="Kode kecamatan"
    )
    no_kel: Series[str] | None = col(
        headers=("NO_KEL",), nullable=True, description="Kode desa/kel"
    )
    wilayah: Series[str] | None = col(
        headers=("WILAYAH", "NAMA_WILAYAH", "NAMA WILAYAH"),
        nullable=True,
        description="Nama wilayah seperti dicetak",
    )

    class Config:
        name = "dkb_siak_agregat"
        description = (
            "Ekspor agregat SIAK per topik (agr_<topik>_<tanggal>_<kode kab/kota>.xlsx): baris "
            "kab/kota, kecamatan dan desa/kelurahan; kolom ukuran menurut "
            "raw/referensi/ukuran_header.csv, varian siak_agregat."
        )
        metadata = {"pattern": "dkb/{semester}/agr_*.xlsx", "partitioned": True, "multiple": True}
        strict = True


class UkuranDkb(pa.DataFrameModel):
    ukuran: Series[str] = col(
        matches(r"^[a-z0-9_]+$"),
        headers=("UKURAN",),
        unique=True,
        description="Kode ukuran DKB, dipakai pembilang/penyebut indikator",
    )
    deskripsi: Series[str] = col(headers=("DESKRIPSI",), description="Apa yang dihitung")
    wajib: Series[str] = col(
        isin(["ya", "tidak"]),
        headers=("WAJIB",),
        description="ya: setiap agregat DKB semester wajib memuatnya (else opsional, kecuali "
        "dipakai indikator yang masih berlaku)",
    )
    laki_laki: Series[str] = col(
        headers=("LAKI_LAKI", "LAKI-LAKI"),
        nullable=True,
        description="Ukuran bagian laki-laki: ukuran ini = laki_laki + perempuan (diperiksa)",
    )
    perempuan: Series[str] = col(
        headers=("PEREMPUAN",), nullable=True, description="Ukuran bagian perempuan"
    )

    @pa.dataframe_check(
        name="jenis_kelamin_berpasangan", error="laki_laki dan perempuan diisi keduanya atau tidak"
    )
    def sex_paired(cls, df: pd.DataFrame) -> pd.Series:
        return df["laki_laki"].isna() == df["perempuan"].isna()

    class Config:
        name = "ukuran_dkb"
        description = "Ukuran DKB yang dikenal kantor ini: kode, arti, wajib atau opsional."
        metadata = {"pattern": "referensi/ukuran_dkb.csv"}
        strict = True
        add_missing_columns = True  # laki_laki/perempuan may be left out


class UkuranHeader(pa.DataFrameModel):
    varian: Series[str] = col(
        isin(["agregat_kecamatan", "siak_agregat"]),
        headers=("VARIAN",),
        description="Jenis berkas: agregat_kecamatan (CSV/XLSX per kecamatan) atau "
        "siak_agregat (agr_*.xlsx)",
    )
    topik: Series[str] = col(
        headers=("TOPIK",),
        description="Topik di nama berkas agr_<topik>_… (mis. kia, rekam_cetak_ektp); * = semua",
    )
    header: Series[str] = col(
        headers=("HEADER", "JUDUL KOLOM"), description="Judul kolom seperti dicetak ekspor"
    )
    ukuran: Series[str] = col(
        headers=("UKURAN",),
        references="ukuran",
        description="Kode ukuran (ukuran_dkb.csv), atau - untuk kolom yang sengaja tidak dibaca",
    )

    class Config:
        name = "ukuran_header"
        description = "Judul kolom ekspor DKB per varian dan topik, dipetakan ke kode ukuran."
        metadata = {"pattern": "referensi/ukuran_header.csv"}
        strict = True
        unique = ["varian", "topik", "header"]


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
    "indeks_efisiensi",
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
            WilayahAlias,
            UkuranDkb,
            UkuranHeader,
            IndikatorDefinisi,
            KategoriCapaian,
            PeriodePerencanaan,
            IndikatorTarget,
            RealisasiDilaporkan,
            RiwayatCapaian,
            AnggaranPK,
            RealisasiAnggaran,
            ProgramIndikator,
            Terbitan,
            DkbAgregatKecamatan,
            SiakAgregat,
        ),
    )
}
