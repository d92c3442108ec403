"""great-expectations suites run as asset checks in the main run; a blocking failure stops
publication and leaves the analysts' file as it was."""

import hashlib
import shutil

import dagster as dg
import duckdb

from pipelines.config import Paths
from pipelines.defs.publikasi.gx_checks import data_docs_index, run_suite
from pipelines.defs.publikasi.suites import SUITES, Dari


def _check_evaluations(instance: dg.DagsterInstance, run_id: str) -> dict:
    events = instance.all_logs(run_id, of_type=dg.DagsterEventType.ASSET_CHECK_EVALUATION)
    return {
        (
            e.dagster_event.event_specific_data.asset_key.to_user_string(),
            e.dagster_event.event_specific_data.check_name,
        ): e.dagster_event.event_specific_data
        for e in events
    }


def _sha256(path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_every_suite_ran_and_passed_in_the_main_run(bundled):
    (run,) = bundled.instance.get_runs()
    evaluations = _check_evaluations(bundled.instance, run.run_id)
    for suite in SUITES:
        evaluation = evaluations[(suite.table.replace(".", "/"), "gx_suite")]
        assert evaluation.passed, suite.table
        assert evaluation.metadata["ekspektasi"].value == len(suite.expectations)


def _validation_pages(index, run_id: str) -> set[str]:
    """The suites with a Data Docs validation page of this Dagster run."""
    pages = (index.parent / "validations").rglob("*.html")
    parts = [p.relative_to(index.parent / "validations").parts for p in pages]
    return {f"{layer}.{table}" for layer, table, run, *_ in parts if run == run_id}


def test_data_docs_html_is_written_for_every_suite(bundled):
    """Built once, after every suite of the run (publikasi/data_docs): a page per suite, under
    the run's id, and the index lists them."""
    index = data_docs_index(bundled.paths)
    html = index.read_text(encoding="utf-8")
    for suite in SUITES:
        assert suite.table in html
    (run,) = bundled.instance.get_runs()
    assert _validation_pages(index, run.run_id) == {s.table for s in SUITES}


def test_suites_are_the_contract_tests():
    """sql/kontrak/mart.yml, Tabel 13: the key, the not-null program code and serapan 0–100
    become expectations (the amounts may be empty for a year whose budget file has not arrived:
    sql/checks/mart__realisasi_anggaran__program_lengkap.sql); the category words are read from
    raw.kategori_capaian; only the reconciliation warns; tables without tests
    (mart.sel_ditekan) get no suite."""
    suites = {s.table: s for s in SUITES}
    tabel13 = suites["mart.realisasi_anggaran"].expectations
    assert (
        "ExpectCompoundColumnsToBeUnique",
        {"column_list": ["tahun", "kode_program"]},
    ) in tabel13
    assert ("ExpectColumnValuesToNotBeNull", {"column": "kode_program"}) in tabel13
    for column in ("anggaran_pk", "anggaran", "realisasi"):
        assert ("ExpectColumnValuesToNotBeNull", {"column": column}) not in tabel13
    assert (
        "ExpectColumnValuesToBeBetween",
        {"column": "serapan", "min_value": 0, "max_value": 100},
    ) in tabel13
    assert (
        "ExpectColumnValuesToBeInSet",
        {
            "column": "kategori",
            "value_set": Dari("SELECT DISTINCT kategori FROM raw.kategori_capaian"),
        },
    ) in suites["mart.pengukuran_kinerja"].expectations
    assert [t for t, s in suites.items() if not s.blocking] == ["mart.rekonsiliasi"]
    assert "mart.sel_ditekan" not in suites


def test_a_column_renamed_in_the_sql_fails_the_suite(bundled, tmp_path):
    """A SQL edit renames Tabel 13's `serapan`: the suite expects the contract's columns in
    order, so the run's check fails before anything is published."""
    paths = Paths(raw_dir=bundled.paths.raw_dir, warehouse_dir=tmp_path)
    paths.build_db.parent.mkdir(parents=True)
    shutil.copy(bundled.paths.build_db, paths.build_db)
    with duckdb.connect(str(paths.build_db)) as con:
        con.execute("ALTER TABLE mart.realisasi_anggaran RENAME COLUMN serapan TO serapan_persen")
        suite = next(s for s in SUITES if s.table == "mart.realisasi_anggaran")
        validation = run_suite(suite, paths, con)
    assert not validation.success
    failed = {r.expectation_config.type for r in validation.results if not r.success}
    assert "expect_table_columns_to_match_ordered_list" in failed


def test_pk_program_without_realisation_blocks_publication(bundled_copy):
    """Tabel 2 lists a program that the realisation export lacks: Tabel 13 would print an empty
    row, so the blocking check on mart.realisasi_anggaran fails, naming the program, and nothing
    is published (a year without its realisation file at all is only listed as incomplete)."""
    pipeline = bundled_copy  # published once, by the bundled run
    published = pipeline.paths.published_db
    before = _sha256(published)

    pk = pipeline.paths.raw_dir / "anggaran/2023/anggaran_pk.csv"
    lines = pk.read_text(encoding="utf-8").splitlines()
    lines.insert(-1, "2023,2.12.06,Program Uji Tanpa Realisasi,10.000.000")
    pk.write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = pipeline.run(raise_on_error=False)

    assert not result.success
    evaluation = _check_evaluations(pipeline.instance, result.run_id)[
        ("mart/realisasi_anggaran", "program_lengkap")
    ]
    assert not evaluation.passed
    assert evaluation.description == (
        "Anggaran 2023, program 2.12.06: tidak ada di berkas realisasi anggaran"
    )
    materialized = {e.asset_key.to_user_string() for e in result.get_asset_materialization_events()}
    assert "mart/realisasi_anggaran" in materialized  # written to the working file, then checked
    assert "publikasi/gudang_analis" not in materialized
    assert _sha256(published) == before
    with pipeline.published() as con:
        assert con.execute(
            "SELECT count(*) FROM mart.realisasi_anggaran WHERE kode_program = '2.12.06'"
        ).fetchone() == (0,)
    # publikasi/data_docs did not run after the failure: the failed suite built the docs itself
    assert "publikasi/data_docs" not in materialized
    index = data_docs_index(pipeline.paths)
    assert "mart.realisasi_anggaran" in _validation_pages(index, result.run_id)


def test_unrecomputable_published_figure_warns_but_publishes(edited):
    """A published figure with no recomputed counterpart is listed, not hidden: the
    reconciliation suite only warns, so the office still gets its warehouse. (The run of
    tests/conftest.py `edited`, whose other edit only moves a target.)"""
    pipeline, result = edited

    assert result.success
    evaluation = _check_evaluations(pipeline.instance, result.run_id)[
        ("mart/rekonsiliasi", "gx_suite")
    ]
    assert not evaluation.passed
    assert evaluation.severity == dg.AssetCheckSeverity.WARN
    with pipeline.published() as con:
        assert con.execute(
            "SELECT kelas FROM mart.rekonsiliasi WHERE kunci = 'komputer_pc_client'"
        ).fetchall() == [("tidak dapat dihitung",)]
