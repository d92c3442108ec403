"""Shared fixtures: the whole graph materialised in-process into a temporary warehouse."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import dagster as dg
import duckdb
import pytest

from pipelines.config import PROJECT_ROOT, Paths
from pipelines.definitions import defs
from pipelines.warehouse.db import Warehouse

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
        self.instance.add_dynamic_partitions("semester", [semester])
        return defs.resolve_job_def("lakip").execute_in_process(
            instance=self.instance,
            partition_key=semester,
            resources={"warehouse": self.warehouse},
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
