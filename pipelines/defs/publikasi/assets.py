"""Publication asset: runs only after every blocking check upstream has passed."""

import dagster as dg

from pipelines.defs.publikasi.gudang_analis import publish
from pipelines.defs.transformasi.assets import SQL_TABLES
from pipelines.gudang.db import Warehouse
from pipelines.gudang.kontrak import metadata_analis


@dg.asset(
    key=["publikasi", "gudang_analis"],
    group_name="publikasi",
    deps=[t.key for t in SQL_TABLES if t.layer == "mart"],
    kinds={"duckdb"},
    description="Gudang data analis (warehouse/dukcapil.duckdb), diganti secara atomik.",
    metadata=metadata_analis(),  # the analis.* views' columns, from sql/kontrak/analis.yml
)
def gudang_analis(context: dg.AssetExecutionContext, warehouse: Warehouse) -> dg.MaterializeResult:
    path, objects = publish(warehouse.paths, run_id=context.run.run_id)
    return dg.MaterializeResult(
        metadata={
            "berkas": str(path),
            "objek": dg.MetadataValue.md("\n".join(f"- `{o}`" for o in objects)),
        }
    )
