"""Shared fixtures: the whole graph materialised in-process into a temporary warehouse.

A whole run costs 10-40 s, so tests share them: `bundled` (one run of the bundled inputs, read
only), `awkward` and `edited` (one run each, carrying edits that do not interfere, each checked
by its own test) and `bundled_copy` (the bundled run's files copied, for a test that changes
inputs and runs again). Behaviour that needs no run is tested by calling its function."""

from __future__ import annotations

import fcntl
import json
import os
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import dagster as dg
import duckdb
import pytest
from berkas import (
    KUPANG,
    add_unrecomputable_figure,
    awkward_dkb_folder,
    formula_like_names,
    lower_kia_target,
)

from pipelines.config import INSTANCE_CONFIG, Paths
from pipelines.definitions import current_resources, defs
from pipelines.gudang.db import Warehouse

# Runs in tests skip the LAKIP document's PDF conversion (LibreOffice, ~10-25 s a run);
# tests/test_dokumen.py converts the bundled document once. CLI subprocesses inherit it.
os.environ.setdefault("DUKCAPIL_PDF", "tidak")

BUNDLED_SEMESTER = "2023-S2"

# Seconds each test file took in a quick-tier run (`make test` on 2 cores), to hand the files to
# the workers heaviest first: xdist hands them out biggest test count first, so a file of a few
# whole-job runs (test_iku_hilang.py) came last and kept one core busy while the other idled.
# Refresh after adding or changing a heavy test: the command of `make test` with --tulis-durasi.
DURASI = Path(__file__).parent / "durasi.json"


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--tulis-durasi", action="store_true", help=f"write each file's duration to {DURASI}"
    )


def pytest_configure(config: pytest.Config) -> None:
    # Hand the files out in collection order (sorted below), not by their number of tests.
    if getattr(config.option, "dist", "no") == "loadfile":
        config.option.loadscopereorder = False


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    weights = json.loads(DURASI.read_text()) if DURASI.is_file() else {}
    # heaviest file first; stable, so a file's tests keep their order; unmeasured files last
    items.sort(key=lambda item: -weights.get(item.nodeid.split("::")[0], 0))


_measured: dict[str, float] = {}  # file -> seconds of its tests' setup, call and teardown


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    file = report.nodeid.split("::")[0]
    _measured[file] = _measured.get(file, 0) + report.duration


def pytest_sessionfinish(session: pytest.Session) -> None:
    worker = hasattr(session.config, "workerinput")  # the xdist controller sees every report
    if session.config.getoption("--tulis-durasi") and _measured and not worker:
        ordered = sorted(_measured.items(), key=lambda x: -x[1])
        DURASI.write_text(json.dumps({f: round(d, 1) for f, d in ordered}, indent=1) + "\n")


@dataclass
class Pipeline:
    """A private copy of raw/ and a warehouse folder, with a helper to run the main job."""

    paths: Paths
    instance: dg.DagsterInstance

    @property
    def warehouse(self) -> Warehouse:
        return Warehouse(
            raw_dir=str(self.paths.raw_dir), warehouse_dir=str(self.paths.warehouse_dir)
        )

    def run(self, semester: str = BUNDLED_SEMESTER, **kwargs) -> dg.ExecuteInProcessResult:
        """Every asset and check in one run, as the UI's "Materialize all" does (the officer's
        flow is two runs, ingestion then refresh: pipelines/defs/otomasi/jobs.py)."""
        self.instance.add_dynamic_partitions("semester", [semester])
        return defs.resolve_implicit_global_asset_job_def().execute_in_process(
            instance=self.instance,
            partition_key=semester,
            resources=current_resources(self.warehouse),
            **kwargs,
        )

    def published(self) -> duckdb.DuckDBPyConnection:
        return duckdb.connect(str(self.paths.published_db), read_only=True)

    def build(self) -> duckdb.DuckDBPyConnection:
        return duckdb.connect(str(self.paths.build_db), read_only=True)


def make_pipeline(tmp: Path, instance: dg.DagsterInstance | None = None) -> Pipeline:
    raw = tmp / "raw"
    shutil.copytree(KUPANG, raw)
    return Pipeline(
        Paths(raw_dir=raw, warehouse_dir=tmp / "warehouse"),
        instance or dg.DagsterInstance.ephemeral(),
    )


def copy_pipeline(source: Pipeline, tmp: Path) -> Pipeline:
    """A private copy of a pipeline's raw/ and warehouse/ as its last run left them, with a new,
    empty Dagster instance: the state after a run, for tests that change inputs and run again,
    without running the whole job once more (~10-40 s). Archive paths recorded in
    raw.berkas_diterima are moved with the copy, so its lineage points at its own files."""
    shutil.copytree(source.paths.raw_dir, tmp / "raw", symlinks=True)
    shutil.copytree(source.paths.warehouse_dir, tmp / "warehouse", symlinks=True)
    pipe = Pipeline(
        Paths(raw_dir=tmp / "raw", warehouse_dir=tmp / "warehouse"), dg.DagsterInstance.ephemeral()
    )
    with duckdb.connect(str(pipe.paths.build_db)) as con:
        con.execute(
            "UPDATE raw.berkas_diterima SET arsip = replace(arsip, ?, ?)",
            [str(source.paths.warehouse_dir), str(pipe.paths.warehouse_dir)],
        )
    return pipe


def use_cli_instance(pipe: Pipeline, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Point the command line (`pipelines.cli.main`, or a subprocess given this environment) at
    the pipeline's raw/ and warehouse folders and a Dagster home of its own; returns the home."""
    home = tmp_path / "dagster_home"
    home.mkdir()
    shutil.copy(INSTANCE_CONFIG, home / "dagster.yaml")
    monkeypatch.setenv("DAGSTER_HOME", str(home))
    monkeypatch.setenv("DUKCAPIL_RAW_DIR", str(pipe.paths.raw_dir))
    monkeypatch.setenv("DUKCAPIL_WAREHOUSE_DIR", str(pipe.paths.warehouse_dir))
    return home


@pytest.fixture
def pipeline(tmp_path: Path) -> Pipeline:
    """A fresh pipeline over a copy of the bundled inputs (tests may edit the copy)."""
    return make_pipeline(tmp_path)


def _shared_run(
    tmp_path_factory: pytest.TempPathFactory, worker_id: str, name: str, raw: Path
) -> Pipeline:
    """A whole run over a copy of `raw`, made once per session for every worker. Under xdist
    the first worker that needs it makes the run, in the session's shared temporary folder with
    a Dagster instance on disk; the others wait for it and open the same files and run history
    (one whole run fewer per extra worker). Read-only for tests."""
    if worker_id == "master":  # not distributed
        tmp = tmp_path_factory.mktemp(name)
        shutil.copytree(raw, tmp / "raw")
        pipe = Pipeline(
            Paths(raw_dir=tmp / "raw", warehouse_dir=tmp / "warehouse"),
            dg.DagsterInstance.ephemeral(),
        )
        assert pipe.run().success
        return pipe
    shared = tmp_path_factory.getbasetemp().parent / name  # one per session
    home = shared / "dagster"
    paths = Paths(raw_dir=shared / "raw", warehouse_dir=shared / "warehouse")
    with (shared.parent / f"{name}.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # released when the file closes
        if not (shared / "selesai").exists():
            shutil.rmtree(shared, ignore_errors=True)  # a failed attempt of another worker
            home.mkdir(parents=True)
            shutil.copy(INSTANCE_CONFIG, home / "dagster.yaml")
            shutil.copytree(raw, paths.raw_dir)
            pipe = Pipeline(paths, dg.DagsterInstance.from_config(str(home)))
            assert pipe.run().success
            (shared / "selesai").touch()
            return pipe
    return Pipeline(paths, dg.DagsterInstance.from_config(str(home)))


@pytest.fixture(scope="session")
def bundled(tmp_path_factory: pytest.TempPathFactory, worker_id: str) -> Pipeline:
    """The bundled inputs (tests/data/kupang) run once through the whole graph."""
    return _shared_run(tmp_path_factory, worker_id, "bundled", KUPANG)


@pytest.fixture(scope="session")
def awkward(
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[tuple[Pipeline, dg.ExecuteInProcessResult]]:
    """One run of the bundled figures delivered awkwardly, shared by the tests of each trait
    (none changes a figure): the DKB file as a two-row-header workbook named in capitals with
    a backup copy beside it (tests/berkas.py `awkward_dkb_folder`), program and indicator
    names that look like formulas (`formula_like_names`)."""
    pipe = make_pipeline(tmp_path_factory.mktemp("awkward"))
    awkward_dkb_folder(pipe.paths.raw_dir)
    formula_like_names(pipe.paths.raw_dir)
    result = pipe.run()
    assert result.success
    yield pipe, result


@pytest.fixture(scope="session")
def edited(
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[tuple[Pipeline, dg.ExecuteInProcessResult]]:
    """One run with two independent edits, each checked by its own test: the KIA PK target
    lowered to 40 (`lower_kia_target`), a published figure nothing can recompute
    (`add_unrecomputable_figure`). The run's result is returned, success or not."""
    pipe = make_pipeline(tmp_path_factory.mktemp("edited"))
    lower_kia_target(pipe.paths.raw_dir)
    add_unrecomputable_figure(pipe.paths.raw_dir)
    yield pipe, pipe.run(raise_on_error=False)


@pytest.fixture
def bundled_copy(bundled: Pipeline, tmp_path: Path) -> Pipeline:
    """The bundled run's state (published, one version), copied: tests may edit and run it."""
    return copy_pipeline(bundled, tmp_path)


@pytest.fixture(scope="session")
def analyst(bundled: Pipeline) -> Iterator[duckdb.DuckDBPyConnection]:
    con = bundled.published()
    yield con
    con.close()


# The second office the suite needs (issue 10): a synthetic Kabupaten Pulau Taliabu (82.08)
# delivered as SIAK agregat workbooks, built by tests/data/siak/buat_siak.py.
SIAK = Path(__file__).parent / "data" / "siak"


@pytest.fixture(scope="session")
def kabupaten(tmp_path_factory: pytest.TempPathFactory, worker_id: str) -> Pipeline:
    """One end-to-end run of the second office, shared by the tests that only read it."""
    return _shared_run(tmp_path_factory, worker_id, "kabupaten", SIAK / "raw")
