"""The main job: every asset, for one semester partition (unpartitioned assets run whole)."""

import dagster as dg

lakip_job = dg.define_asset_job(
    "lakip",
    selection=dg.AssetSelection.all(),
    description="Ingest one DKB semester and refresh every table downstream of it.",
)
