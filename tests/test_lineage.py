"""Lineage comes from the SQL: the asset graph Dagster draws is what each SELECT reads, and the
layers keep one rule (raw -> conformed -> mart; marts read only conformed and mart tables)."""

import json
import shutil

import dagster as dg
import duckdb
import pytest

from pipelines.config import SQL_DIR
from pipelines.definitions import defs
from pipelines.defs.transformasi.assets import BUILDERS, SQL_TABLES, read_sql_table
from pipelines.gudang.db import install_macros, load_sql
from pipelines.gudang.lineage import header, tables_read

# What each layer may read.
MAY_READ = {"conformed": {"raw", "conformed"}, "mart": {"conformed", "mart"}}


def layer_violations(layer: str, select: str) -> set[str]:
    return {t for t in tables_read(select) if t.split(".")[0] not in MAY_READ[layer]}


def _key(name: str) -> dg.AssetKey:
    return dg.AssetKey(name.split("."))


def test_parser_finds_tables_through_ctes_subqueries_and_unpivot():
    select = """
        WITH RECURSIVE turun(kode) AS (
            SELECT kode FROM conformed.wilayah
            UNION ALL
            SELECT w.kode FROM turun JOIN conformed.wilayah AS w ON w.kode_induk = turun.kode
        ),
        lebar AS (
            UNPIVOT (SELECT * FROM raw.dkb_agregat_kecamatan) ON COLUMNS(*) INTO NAME u VALUE n
        )
        SELECT tampil(1) FROM turun, lebar
        WHERE EXISTS (SELECT 1 FROM mart.iku WHERE kode_wilayah IN (SELECT kode FROM raw.daerah))
    """
    assert tables_read(select) == {
        "conformed.wilayah",
        "raw.dkb_agregat_kecamatan",
        "mart.iku",
        "raw.daerah",
    }


def test_a_macro_that_reads_a_table_counts_where_it_is_called(tmp_path):
    (tmp_path / "a.sql").write_text(
        "CREATE OR REPLACE MACRO skala() AS TABLE SELECT * FROM conformed.kategori_capaian"
    )
    # a scalar macro calling the table macro: read through both
    (tmp_path / "b.sql").write_text(
        "CREATE OR REPLACE MACRO kategori(x) AS "
        "(SELECT kategori FROM skala() WHERE x >= batas_bawah LIMIT 1)"
    )
    assert tables_read("SELECT kategori(90)", tmp_path) == {"conformed.kategori_capaian"}
    assert tables_read("SELECT * FROM skala()", tmp_path) == {"conformed.kategori_capaian"}


def test_every_sql_file_is_an_asset_whose_dagster_deps_are_what_its_sql_reads():
    graph = defs.resolve_asset_graph()
    files = [p for layer in ("conformed", "mart") for p in (SQL_DIR / layer).glob("*.sql")]
    assert {(t.layer, t.name) for t in SQL_TABLES} == {(p.parent.name, p.stem) for p in files}
    for path in files:
        fields = header(path)
        assert fields.get("description"), f"{path.name}: no '-- description:' line"
        writes = {w.strip() for w in fields.get("writes", "").split(",") if w.strip()}
        extra = set(BUILDERS[fields["build"]][1]) if "build" in fields else set()
        expected = (tables_read(path.read_text(encoding="utf-8")) | extra) - writes
        key = dg.AssetKey([path.parent.name, path.stem])
        assert graph.get(key).parent_keys == {_key(t) for t in expected}, path.name
        assert all(graph.has(_key(t)) for t in expected), f"{path.name} reads a non-asset"
        assert (graph.get(key).partitions_def is not None) == (
            fields.get("partitioned") == "semester"
        )


def test_marts_read_only_conformed_and_mart_tables():
    for t in SQL_TABLES:
        assert layer_violations(t.layer, load_sql(t.sql)) == set(), t.sql
    # the rule bites: a mart reading the published history straight from raw
    assert layer_violations("mart", "SELECT * FROM raw.riwayat_capaian") == {"raw.riwayat_capaian"}


def test_a_sql_asset_reading_a_new_table_gets_the_dep_without_an_edit_elsewhere(tmp_path):
    mart = tmp_path / "mart"
    mart.mkdir()
    shutil.copy(SQL_DIR / "mart" / "pengukuran_kinerja.sql", mart)
    path = mart / "pengukuran_kinerja.sql"
    original = read_sql_table(path)
    path.write_text(
        path.read_text(encoding="utf-8").replace(
            "SELECT * FROM mart.iku",
            "SELECT * FROM mart.iku JOIN conformed.indikator USING (urutan)",
        ),
        encoding="utf-8",
    )
    assert original.deps == ("mart.iku",)
    assert read_sql_table(path).deps == ("conformed.indikator", "mart.iku")


def test_side_tables_are_assets_downstream_of_every_writer():
    graph = defs.resolve_asset_graph()
    ingest = {k for k in graph.get_all_asset_keys() if graph.get(k).group_name == "ingest"}
    side = {_key("raw.cek_baris_total"), _key("raw.berkas_diterima")}
    # the national region list and the office's cut of it read no file under raw/: no receipt
    national = {_key("raw.wilayah_kemendagri"), _key("raw.wilayah")}
    writers = ingest - side - national
    assert graph.get(_key("raw.berkas_diterima")).parent_keys == writers
    assert graph.get(_key("raw.cek_baris_total")).parent_keys == writers - {
        _key("raw.dkb_penduduk_kelurahan")  # the record-level step sets no total rows aside
    }
    assert graph.get(_key("mart.rekonsiliasi")).parent_keys >= {_key("conformed.cek_baris_total")}
    # mart.sel_ditekan is written by the asset of mart.agregat_kelurahan, which reads it
    assert graph.get(_key("mart.sel_ditekan")).parent_keys == set()


def _scanned(plan: list[dict]) -> set[str]:
    found = set()
    for node in plan:
        table = node.get("extra_info", {}).get("Table")
        if table:
            found.add(table.split(".", 1)[1])  # drop the catalog
        found |= _scanned(node.get("children", []))
    return found


def test_deps_agree_with_the_tables_duckdbs_binder_scans(bundled):
    """An independent reading: the plan DuckDB binds on the bundled warehouse (optimizer off,
    so no scan is pruned by the data) scans exactly the declared deps."""
    with bundled.build() as con:
        con.execute("PRAGMA disable_optimizer")
        for t in SQL_TABLES:
            params = {"semester": "2023-S2"} if t.partitioned else None
            plan = con.execute(f"EXPLAIN (FORMAT JSON) {load_sql(t.sql)}", params).fetchall()
            scanned = _scanned(json.loads(plan[0][1])) - set(t.writes)
            assert scanned == set(t.deps) - set(t.python_reads), t.sql


@pytest.fixture
def gudang_salinan(bundled, tmp_path) -> duckdb.DuckDBPyConnection:
    """A writable copy of the bundled working warehouse."""
    path = tmp_path / "kerja.duckdb"
    shutil.copy(bundled.paths.build_db, path)
    con = duckdb.connect(str(path))
    install_macros(con)
    yield con
    con.close()


CEK_CAPAIAN = "checks/mart__iku__capaian_sesuai_rumus"


def test_capaian_check_passes_on_the_bundled_iku(gudang_salinan):
    assert gudang_salinan.execute(load_sql(CEK_CAPAIAN)).fetchall() == []


def test_capaian_check_fails_on_a_planted_wrong_formula(gudang_salinan):
    """iku.sql with numerator and denominator swapped: realisasi, capaian and the old check's
    own formula over mart.iku's columns all stay consistent; the recomputation does not."""
    benar = "pembilang.nilai / nullif(penyebut.nilai, 0) * d.pengali"
    salah = "penyebut.nilai / nullif(pembilang.nilai, 0) * d.pengali"
    iku_sql = load_sql("mart/iku")
    assert iku_sql.count(benar) == 1
    # a swap changes realisasi wherever the two counts differ
    berubah = gudang_salinan.execute(
        "SELECT DISTINCT kode_indikator FROM mart.iku "
        "WHERE jenis = 'rumus' AND pembilang <> penyebut"
    ).fetchall()
    gudang_salinan.execute(f"CREATE OR REPLACE TABLE mart.iku AS {iku_sql.replace(benar, salah)}")

    still_consistent = gudang_salinan.execute(
        "SELECT count(*) FROM mart.iku WHERE target IS NOT NULL AND realisasi IS NOT NULL "
        "AND abs(capaian - CASE arah WHEN 'naik' THEN realisasi / target * 100 "
        "ELSE (2 * target - realisasi) / target * 100 END) > 1e-9"
    ).fetchone()[0]
    assert still_consistent == 0

    offending = gudang_salinan.execute(load_sql(CEK_CAPAIAN)).df()
    assert len(berubah) >= 6
    assert set(offending.kode_indikator) == {r[0] for r in berubah}
    kota = offending[(offending.kode_indikator == "kepemilikan_ktp_el") & (offending.tahun == 2023)]
    kota = kota[kota.kode_wilayah == kota.kode_wilayah.min()]
    # 339.130 / 330.876 x 100 = 102,49... against the target of 70: capaian 146,41...
    assert kota.capaian.iloc[0] == pytest.approx(339130 / 330876 * 100 / 70 * 100)
    # the recomputation is the printed Tabel 3 figure, 97,566... / 70
    assert kota.capaian_hitung.iloc[0] == pytest.approx(330876 / 339130 * 100 / 70 * 100)
