"""The warehouse contract (sql/kontrak/*.yml): a built warehouse has exactly the contract's tables,
views, columns and types; every column is described; the Dagster assets carry the contract as
column docs; warehouse/README.md is the contract's rendering; analysts open the file by name."""

import duckdb
import pytest

from pipelines.config import SQL_DIR
from pipelines.definitions import defs
from pipelines.gudang import kontrak as K


def _columns(con: duckdb.DuckDBPyConnection, schemas: tuple[str, ...]) -> dict[str, list]:
    rows = con.execute(
        "SELECT table_schema || '.' || table_name, column_name, data_type "
        "FROM information_schema.columns WHERE table_schema IN ? "
        "ORDER BY table_schema, table_name, ordinal_position",
        [list(schemas)],
    ).fetchall()
    found: dict[str, list] = {}
    for table, column, type_ in rows:
        found.setdefault(table, []).append((column, type_))
    return found


def _contract(layers: tuple[str, ...]) -> dict[str, list]:
    return {
        key: [(c.name, c.type) for c in t.columns]
        for key, t in K.kontrak().items()
        if t.layer in layers
    }


def test_every_built_column_is_in_the_contract_and_no_contract_column_is_missing(bundled):
    with bundled.build() as con:
        working = _columns(con, ("conformed", "mart"))
    with bundled.published() as con:
        published = _columns(con, ("mart", "analis"))
    assert working == _contract(("conformed", "mart"))
    # the analyst file: the same mart tables plus one view per sql/analyst/views/*.sql
    assert published == _contract(("mart", "analis"))
    views = {f"analis.{p.stem}" for p in (SQL_DIR / "analyst" / "views").glob("*.sql")}
    assert {k for k in published if k.startswith("analis.")} == views
    for table in K.kontrak().values():
        assert table.description, table.key
        for column in table.columns:
            assert column.description.strip(), f"{table.key}.{column.name}"


def test_every_table_asset_shows_its_columns_with_descriptions():
    specs = {s.key.to_user_string(): s for s in defs.resolve_all_asset_specs()}
    tables = [k for k in specs if k.split("/")[0] in ("conformed", "mart")]
    contracted = {k.replace(".", "/") for k, t in K.kontrak().items() if t.layer != "analis"}
    # every contracted table is an asset; mart.sel_ditekan is written by mart/agregat_kelurahan
    assert set(tables) >= contracted - {"mart/sel_ditekan"}
    for name in tables:
        metadata = specs[name].metadata
        table = K.kontrak()[name.replace("/", ".")]
        schema = metadata["dagster/column_schema"]
        assert [(c.name, c.type) for c in schema.columns] == [
            (c.name, c.type) for c in table.columns
        ], name
        assert all(c.description for c in schema.columns), name
        assert metadata["dagster/table_name"] == name.replace("/", ".")
    # raw tables: their columns come from the input declarations (pipelines/defs/masukan/schemas.py)
    # or, for the side tables, from the asset that lists them; every one is described too
    for name in (k for k in specs if k.startswith("raw/")):
        schema = specs[name].metadata["dagster/column_schema"]
        assert schema.columns and all(c.description for c in schema.columns), name
    # Tabel 3: the key and the not-null rules show as constraints in the Columns tab
    tabel3 = specs["mart/pengukuran_kinerja"].metadata["dagster/column_schema"]
    # no row count: an office without targets yet has an empty Tabel 3 (mart.kelengkapan_tahun)
    assert tabel3.constraints.other == ["key (tahun, kode_indikator)"]
    target = next(c for c in tabel3.columns if c.name == "target")
    assert (target.constraints.nullable, target.tags) == (False, {"satuan": "satuan indikator"})

    # the analyst file: one schema per analis view, with the view's described columns
    published = specs["publikasi/gudang_analis"].metadata
    views = {k for k, t in K.kontrak().items() if t.layer == "analis"}
    assert {k for k in published if k.startswith("analis.")} == views
    iku_tahunan = published["analis.iku_tahunan"].schema
    assert [c.name for c in iku_tahunan.columns][:4] == [
        "tahun",
        "urutan",
        "nomor",
        "nama_indikator",
    ]
    assert all(c.description for c in iku_tahunan.columns)


def test_readme_is_the_rendering_of_the_contract():
    text = K.README.read_text(encoding="utf-8")
    assert K.readme_baru(text) == text, "jalankan python -m pipelines.gudang.kontrak --tulis"
    assert K.main([]) == 0
    # the prose around the generated part is kept, and a hand edit inside it is overwritten
    edited = text.replace("| nilai | BIGINT | orang | count |", "| nilai | BIGINT | | jumlah |", 1)
    assert edited != text
    assert K.readme_baru(edited) == text
    for key in K.readme_terbitan():
        assert f"\n## {key}\n" in text
    assert text.startswith("# The analyst warehouse: `warehouse/dukcapil.duckdb`")


def test_a_malformed_contract_is_refused_naming_table_and_column(tmp_path):
    path = tmp_path / "mart.yml"
    path.write_text(
        "tables:\n"
        "  - name: iku\n"
        "    description: IKU\n"
        "    columns:\n"
        "      - {name: tahun, type: BIGINT, description: year, tests: [not_nul]}\n",
        encoding="utf-8",
    )
    with pytest.raises(K.KontrakError, match="tabel iku, kolom tahun: uji 'not_nul' tidak dikenal"):
        K.load_layer("mart", path)
    path.write_text(
        "tables:\n"
        "  - name: iku\n"
        "    description: IKU\n"
        "    columns:\n"
        "      - {name: tahun, type: BIGINT}\n",
        encoding="utf-8",
    )
    with pytest.raises(K.KontrakError, match="tabel iku, kolom tahun: description kosong"):
        K.load_layer("mart", path)


def test_analyst_selects_the_iku_table_by_name_read_only(bundled):
    con = duckdb.connect(str(bundled.paths.published_db), read_only=True)
    try:
        count = con.execute("SELECT count(*) FROM mart.iku WHERE tahun = 2023").fetchone()[0]
        # 7 formula indicators x (kota + 6 kecamatan) + 3 reported indicators for the kota
        assert count == 7 * 7 + 3
        schemas = {
            r[0] for r in con.execute("SELECT DISTINCT schema_name FROM duckdb_tables()").fetchall()
        }
        assert schemas == {"mart"}, "raw and conformed layers stay in the restricted working file"
    finally:
        con.close()
