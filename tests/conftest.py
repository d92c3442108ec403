"""Shared fixtures: the whole graph materialised in-process into a temporary warehouse."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import dagster as dg
import duckdb
import pytest

from pipelines.config import INSTANCE_CONFIG, PROJECT_ROOT, Paths
from pipelines.definitions import current_resources, defs
from pipelines.gudang.db import Warehouse

BUNDLED_SEMESTER = "2023-S2"


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


def make_pipeline(tmp: Path) -> Pipeline:
    raw = tmp / "raw"
    shutil.copytree(PROJECT_ROOT / "raw", raw)
    return Pipeline(
        Paths(raw_dir=raw, warehouse_dir=tmp / "warehouse"), dg.DagsterInstance.ephemeral()
    )


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


@pytest.fixture(scope="session")
def bundled(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Pipeline]:
    """The bundled inputs run once through the whole graph; read-only for tests."""
    pipe = make_pipeline(tmp_path_factory.mktemp("bundled"))
    result = pipe.run()
    assert result.success
    yield pipe


@pytest.fixture(scope="session")
def analyst(bundled: Pipeline) -> Iterator[duckdb.DuckDBPyConnection]:
    con = bundled.published()
    yield con
    con.close()
