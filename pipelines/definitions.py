"""Everything Dagster loads: every asset, check, job, sensor and schedule defined at module level
under `pipelines/defs/` (one folder per feature, the way `dg` projects load a defs folder), with
the resources configured from the environment."""

import warnings

import dagster as dg

import pipelines.defs
from pipelines.config import Pengaturan
from pipelines.gudang.db import Warehouse


def current_resources(warehouse: Warehouse | None = None) -> dict[str, dg.ConfigurableResource]:
    """The resources as the environment sets them now (a run started in-process after a change
    of the environment, e.g. by the command line, passes these; the UI's runs load them anew)."""
    return {"warehouse": warehouse or Warehouse.from_env(), "pengaturan": Pengaturan.from_env()}


# dg.load_from_defs_folder needs a `dg` project file ([tool.dg]); this is the same discovery,
# marked preview in Dagster 1.13.
with warnings.catch_warnings():
    warnings.simplefilter("ignore", dg.PreviewWarning)
    defs = dg.load_definitions_from_package_module(
        pipelines.defs, resources=current_resources(), executor=dg.in_process_executor
    )
