"""great-expectations suites on the conformed and mart tables, written as data.

Which rule lives where: row-level rules that need several tables or the indicator formula stay
in SQL (`sql/checks/`: kab/kota = sum of kecamatan, capaian = realisasi / target x 100, one IKU
row per key, every formula indicator computed, every targeted indicator present). The suites
below hold the column rules GX expresses well: not-null, ranges, sets of allowed values, key
uniqueness of every other table. A suite is blocking when publishing a failure would print a
wrong or empty figure; the reconciliation suite only warns, because the differences it lists
are the point of the table.

Each expectation is (GX expectation class name, keyword arguments). A value `Dari(sql)` is
read from the warehouse at check time, so e.g. the category words follow raw.kategori_capaian.
"""

from __future__ import annotations

from dataclasses import dataclass

from pipelines.semester import POLA_KOLOM


@dataclass(frozen=True)
class Dari:
    """A value set read from the working warehouse when the suite runs."""

    sql: str


@dataclass(frozen=True)
class Suite:
    table: str  # "layer.name", also the Dagster asset key
    blocking: bool
    expectations: tuple[tuple[str, dict], ...]


KATEGORI = Dari("SELECT DISTINCT kategori FROM raw.kategori_capaian")
UKURAN = Dari("SELECT DISTINCT ukuran FROM conformed.dkb_agregat")
INDIKATOR = Dari("SELECT kode_indikator FROM raw.indikator_definisi")
TINGKAT = ["kota", "kabupaten", "kecamatan", "kelurahan"]


def _not_null(*columns: str) -> tuple[tuple[str, dict], ...]:
    return tuple(("ExpectColumnValuesToNotBeNull", {"column": c}) for c in columns)


def _unique(*columns: str) -> tuple[str, dict]:
    return ("ExpectCompoundColumnsToBeUnique", {"column_list": list(columns)})


def _between(column: str, low: float | None = None, high: float | None = None, **kw):
    return (
        "ExpectColumnValuesToBeBetween",
        {"column": column, "min_value": low, "max_value": high, **kw},
    )


def _in(column: str, values) -> tuple[str, dict]:
    return ("ExpectColumnValuesToBeInSet", {"column": column, "value_set": values})


SUITES: tuple[Suite, ...] = (
    Suite(
        "conformed.wilayah",
        blocking=True,
        expectations=(
            *_not_null("kode", "nama", "tingkat"),
            ("ExpectColumnValuesToBeUnique", {"column": "kode"}),
            (
                "ExpectColumnValuesToMatchRegex",
                {"column": "kode", "regex": r"^\d{2}\.\d{2}(?:\.\d{2}(?:\.\d{4})?)?$"},
            ),
            _in("tingkat", TINGKAT),
        ),
    ),
    Suite(
        "conformed.target_tahunan",
        blocking=True,
        expectations=(
            *_not_null("kode_indikator", "tahun", "target"),
            _unique("kode_indikator", "tahun"),
            _between("target", 0, None, strict_min=True),
            _in("kode_indikator", INDIKATOR),
        ),
    ),
    Suite(
        "mart.agregat_wilayah",
        blocking=True,
        expectations=(
            *_not_null("semester", "kode_wilayah", "nama_wilayah", "ukuran", "nilai"),
            _unique("semester", "kode_wilayah", "ukuran"),
            _between("nilai", 0),
            _in("ukuran", UKURAN),
            _in("tingkat", TINGKAT),
            ("ExpectColumnValuesToMatchRegex", {"column": "semester", "regex": POLA_KOLOM}),
        ),
    ),
    Suite(
        "mart.iku",
        blocking=True,
        expectations=(
            *_not_null("tahun", "kode_wilayah", "kode_indikator", "nama_indikator"),
            _between("realisasi", 0),
            _between("capaian", 0),
            _in("kategori", KATEGORI),
            _in("jenis", ["rumus", "dilaporkan"]),
            _in("arah", ["naik", "turun"]),
        ),
    ),
    Suite(
        "mart.pengukuran_kinerja",
        blocking=True,
        expectations=(
            *_not_null("target", "realisasi", "capaian", "kategori"),
            _unique("tahun", "kode_indikator"),
            _between("realisasi", 0),
            _in("kategori", KATEGORI),
        ),
    ),
    Suite(
        "mart.perbandingan_tahun_lalu",
        blocking=True,
        expectations=(
            _unique("tahun", "kode_indikator"),
            _in("dibanding_tahun_lalu", ["lebih tinggi", "lebih rendah", "sama"]),
        ),
    ),
    Suite(
        "mart.tren_rpjmd",
        blocking=True,
        expectations=(
            *_not_null("target", "realisasi", "capaian", "capaian_hitung"),
            _unique("tahun", "kode_indikator"),
            _between("target", 0, None, strict_min=True),
            _between("capaian_hitung", 0),
        ),
    ),
    Suite(
        "mart.realisasi_anggaran",
        blocking=True,
        expectations=(
            # a program in the PK without a realisation row (or the reverse) would print blanks
            *_not_null("kode_program", "anggaran_pk", "anggaran", "realisasi"),
            _unique("tahun", "kode_program"),
            _between("sisa", 0),
            _between("serapan", 0, 100),
        ),
    ),
    Suite(
        "mart.ringkasan_kinerja",
        blocking=True,
        expectations=(
            *_not_null("tahun", "jumlah_indikator", "rata_rata_capaian", "kategori"),
            ("ExpectColumnValuesToBeUnique", {"column": "tahun"}),
            _between("jumlah_indikator", 1),
            _between("serapan_anggaran", 0, 100),
        ),
    ),
    Suite(
        "mart.rekonsiliasi",
        blocking=False,
        expectations=(
            # every published figure must find its recomputed counterpart
            _in("kelas", ["sama", "pembulatan tampilan", "material"]),
            *_not_null("pemeriksaan", "uraian", "nilai_terbit"),
        ),
    ),
)
