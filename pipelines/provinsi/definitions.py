"""What the province's Dagster code location loads (workspace_provinsi.yaml): the office ×
semester job with its sensors, and the rollups of the offices' figures
(`pipelines.provinsi.gabungan`), with the installation's folders as a resource.

Each office run is one process started by the run launcher; with DUKCAPIL_DASK_SCHEDULER set,
its step goes to that dask cluster's workers instead (many machines, docs/provinsi.md)."""

from __future__ import annotations

import dagster as dg
from dagster_dask import dask_executor

from pipelines.config import dask_scheduler
from pipelines.provinsi import gabungan
from pipelines.provinsi.kantor import Instalasi, lakip
from pipelines.provinsi.otomasi import (
    gabungan_setelah_kantor,
    gabungan_setelah_kantor_gagal,
    kantor_lakip_job,
    rilis_kantor,
)


def executor() -> dg.ExecutorDefinition:
    address = dask_scheduler()
    if address is None:
        # the run is already its own process: a step in a second one would only cost a start
        return dg.in_process_executor
    return dask_executor.configured({"cluster": {"existing": {"address": address}}})


def build_defs() -> dg.Definitions:
    own = dg.Definitions(
        assets=[lakip],
        jobs=[kantor_lakip_job],
        sensors=[rilis_kantor, gabungan_setelah_kantor, gabungan_setelah_kantor_gagal],
        resources={"instalasi": Instalasi.from_env()},
        executor=executor(),
    )
    return dg.Definitions.merge(own, gabungan.defs)


defs = build_defs()
