"""Everything Dagster loads, assembled in one place."""

import dagster as dg

from pipelines.assets.checks import SQL_CHECKS
from pipelines.assets.ingest import INGEST_ASSETS
from pipelines.assets.publish import gudang_analis
from pipelines.assets.rekaman import dkb_penduduk_kelurahan
from pipelines.assets.transform import SQL_ASSETS
from pipelines.orchestration.jobs import lakip_job
from pipelines.warehouse.db import Warehouse

defs = dg.Definitions(
    assets=[*INGEST_ASSETS, dkb_penduduk_kelurahan, *SQL_ASSETS, gudang_analis],
    asset_checks=SQL_CHECKS,
    jobs=[lakip_job],
    resources={"warehouse": Warehouse.from_env()},
    executor=dg.in_process_executor,
)
