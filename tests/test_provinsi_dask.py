"""Many machines: with DUKCAPIL_DASK_SCHEDULER set, the province job's office step runs on a
dask.distributed worker (dagster-dask's executor), shown here with a LocalCluster of two worker
processes standing in for two machines."""

from __future__ import annotations

import os

import dagster as dg
import pytest
from distributed import Client, LocalCluster
from kantor_sintetis import SEMESTER, assert_figures_match, buat_provinsi

from pipelines.provinsi.definitions import build_defs
from pipelines.provinsi.partisi import KANTOR, SEMESTER_KANTOR, kunci_partisi

pytestmark = pytest.mark.lambat  # a dask cluster and a whole office run: about a minute


def kantor_lakip_dask() -> dg.JobDefinition:
    """The province job as a dask worker rebuilds it (the executor is chosen from the
    environment when the definitions are built)."""
    return build_defs().resolve_job_def("kantor_lakip")


def test_an_office_step_runs_in_a_dask_worker_process(tmp_path, monkeypatch):
    raw, warehouse = tmp_path / "raw", tmp_path / "warehouse"
    angka = buat_provinsi(raw, kantor=("82.08",))
    monkeypatch.setenv("DUKCAPIL_RAW_DIR", str(raw))
    monkeypatch.setenv("DUKCAPIL_WAREHOUSE_DIR", str(warehouse))
    monkeypatch.setenv("DUKCAPIL_PDF", "tidak")
    (tmp_path / "dagster").mkdir()
    with (
        LocalCluster(
            n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
        ) as cluster,
        Client(cluster) as client,
        dg.DagsterInstance.from_config(str(tmp_path / "dagster")) as instance,
    ):
        monkeypatch.setenv("DUKCAPIL_DASK_SCHEDULER", cluster.scheduler_address)
        assert kantor_lakip_dask().executor_def.name == "dask"
        workers = set(client.run(os.getpid).values())
        instance.add_dynamic_partitions(KANTOR.name, ["82.08"])
        instance.add_dynamic_partitions(SEMESTER_KANTOR.name, [SEMESTER])
        key = kunci_partisi("82.08", SEMESTER)
        result = dg.execute_job(
            dg.reconstructable(kantor_lakip_dask),
            instance=instance,
            tags={
                "dagster/partition": str(key),
                **{f"dagster/partition/{d}": v for d, v in key.keys_by_dimension.items()},
            },
        )
        assert result.success
        (materialization,) = result.asset_materializations_for_node("kantor__lakip")
    pid = materialization.metadata["pid"].value
    assert pid in workers and pid != os.getpid()
    assert_figures_match(warehouse / "82.08" / "dukcapil.duckdb", angka["82.08"])
