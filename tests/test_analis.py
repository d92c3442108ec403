"""Analyst access: the documented views and every example query in sql/analyst/contoh/ run on
the published file, read-only, and give the report's figures."""

import pytest

from pipelines.config import SQL_DIR

EXAMPLES = sorted((SQL_DIR / "analyst" / "contoh").glob("*.sql"))


def run_example(analyst, name: str) -> list[tuple]:
    return analyst.sql((SQL_DIR / "analyst" / "contoh" / name).read_text()).fetchall()


@pytest.mark.parametrize("path", EXAMPLES, ids=[p.stem for p in EXAMPLES])
def test_every_example_query_runs_read_only(analyst, path):
    analyst.sql(path.read_text()).fetchall()


def test_analyst_file_holds_only_marts_and_views(analyst):
    schemas = {r[0] for r in analyst.execute("SELECT schema_name FROM duckdb_tables()").fetchall()}
    assert schemas == {"mart"}  # no raw or conformed layer, so no record-level data
    views = {
        r[0]
        for r in analyst.execute(
            "SELECT view_name FROM duckdb_views() WHERE schema_name = 'analis'"
        ).fetchall()
    }
    assert {
        "iku_tahunan",
        "iku_per_kecamatan",
        "agregat_kelurahan",
        "agregat_wilayah",
        "perbandingan_tahun_lalu",
        "tren_rpjmd",
        "anggaran",
        "ringkasan_kinerja",
    } <= views


def test_ktp_el_per_kecamatan_lowest_first(analyst):
    """Tabel 5: Kelapa Lima 52.948 of 55.089 wajib KTP-el (96,11 %) is the lowest."""
    rows = run_example(analyst, "02_ktp_el_per_kecamatan.sql")
    assert len(rows) == 6
    assert rows[0] == ("KELAPA LIMA", 52948, 55089, 96.11)
    assert rows[-1] == ("KOTA LAMA", 27049, 27087, 99.85)


def test_dkb_per_kecamatan_pivot(analyst):
    """Tabel 4/5/6, Alak: 80.931 penduduk, 58.018 rekam KTP-el, 10.210 memiliki KIA."""
    rows = {r[0]: r for r in run_example(analyst, "07_dkb_per_kecamatan.sql")}
    assert rows["ALAK"] == ("ALAK", 10210, 58018, 80931, 22074, 59271)
    assert sum(r[3] for r in rows.values()) == 444661


def test_tabel10_comparison_words(analyst):
    rows = {r[1]: r for r in run_example(analyst, "06_perbandingan_tahun_lalu.sql")}
    assert rows["Rasio Bayi ber-Akta Kelahiran"][2:] == (117.0, 118.8, "lebih tinggi")
    assert rows["Cakupan Penerbitan Akta Kelahiran"][2:] == (144.92, 49.8, "lebih rendah")


def test_budget_and_efficiency_2023(analyst):
    """Tabel 13: 476.120.800 of 492.601.328 absorbed (96,65 %); mean capaian 123,91."""
    row = run_example(analyst, "04_serapan_anggaran.sql")[-1]
    assert row == (2023, 492601328.0, 476120800.0, 96.65, 123.91, 1.28)


def test_kelurahan_view_is_empty_for_kecamatan_level_data(analyst):
    """The bundled DKB is per kecamatan: nothing may be invented per kelurahan."""
    assert analyst.execute("SELECT count(*) FROM analis.agregat_kelurahan").fetchone() == (0,)
    assert run_example(analyst, "05_kia_per_kelurahan.sql") == []
