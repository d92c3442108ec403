"""great-expectations suites (pipelines/defs/publikasi/suites.py, generated from the contract in
sql/kontrak/) run as Dagster asset checks.

GX runs against the working file, in a file-backed GX project under `warehouse/gx/`, so every
run leaves Data Docs (HTML an officer can open) at `warehouse/gx/data_docs/index.html`.
"""

import os
import threading
from pathlib import Path

import dagster as dg
import duckdb

from pipelines.config import Paths
from pipelines.defs.publikasi.suites import SUITES, Dari, Suite
from pipelines.gudang.db import Warehouse

# GX would otherwise try to send usage statistics; the office network is offline.
os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")

_GX_LOCK = threading.Lock()  # one writer of the GX project files at a time


def data_docs_index(paths: Paths) -> Path:
    return paths.gx_dir / "data_docs" / "index.html"


def _context(paths: Paths):
    import great_expectations as gx  # slow import, only when a check runs
    from great_expectations.data_context.types.base import ProgressBarsConfig

    root = paths.gx_dir
    context = gx.get_context(mode="file", project_root_dir=str(root))
    context.variables.progress_bars = ProgressBarsConfig(globally=False)
    context.variables.save()
    context.update_data_docs_site(
        "local_site",
        {
            "class_name": "SiteBuilder",
            "show_how_to_buttons": False,
            "store_backend": {
                "class_name": "TupleFilesystemStoreBackend",
                "base_directory": str(root / "data_docs"),
            },
            "site_index_builder": {"class_name": "DefaultSiteIndexBuilder"},
        },
    )
    return context


def _resolve(con: duckdb.DuckDBPyConnection, kwargs: dict) -> dict:
    return {
        k: sorted(r[0] for r in con.execute(v.sql).fetchall()) if isinstance(v, Dari) else v
        for k, v in kwargs.items()
    }


def run_suite(suite: Suite, paths: Paths, con: duckdb.DuckDBPyConnection):
    """Validate one table with its suite; returns the GX validation result (docs updated)."""
    import great_expectations as gx

    frame = con.execute(f"SELECT * FROM {suite.table}").df()
    with _GX_LOCK:
        context = _context(paths)
        source = context.data_sources.add_or_update_pandas("gudang_kerja")
        asset = next((a for a in source.assets if a.name == suite.table), None)
        asset = asset or source.add_dataframe_asset(suite.table)
        batch = next(iter(asset.batch_definitions), None)
        batch = batch or asset.add_batch_definition_whole_dataframe("seluruh_tabel")
        expectations = gx.ExpectationSuite(name=suite.table)
        for name, kwargs in suite.expectations:
            expectations.add_expectation(getattr(gx.expectations, name)(**_resolve(con, kwargs)))
        expectations = context.suites.add_or_update(expectations)
        definition = context.validation_definitions.add_or_update(
            gx.ValidationDefinition(name=suite.table, data=batch, suite=expectations)
        )
        checkpoint = context.checkpoints.add_or_update(
            gx.Checkpoint(
                name=suite.table,
                validation_definitions=[definition],
                actions=[gx.checkpoint.UpdateDataDocsAction(name="data_docs")],
            )
        )
        result = checkpoint.run(batch_parameters={"dataframe": frame})
    return next(iter(result.run_results.values()))


def _failures_md(validation) -> str:
    lines = []
    for r in validation.results:
        if not r.success:
            cfg = r.expectation_config
            column = cfg.kwargs.get("column") or cfg.kwargs.get("column_list")
            sample = r.result.get("partial_unexpected_list", [])[:5]
            count = r.result.get("unexpected_count")
            lines.append(f"- `{cfg.type}` `{column}`: {count} baris, contoh {sample}")
    return "\n".join(lines) or "-"


def build_gx_check(suite: Suite) -> dg.AssetChecksDefinition:
    layer, table = suite.table.split(".")

    @dg.asset_check(
        asset=dg.AssetKey([layer, table]),
        name="gx_suite",
        blocking=suite.blocking,
        description=f"Suite great-expectations {suite.table}: {len(suite.expectations)} ekspektasi "
        f"dari kontrak sql/kontrak/{layer}.yml",
    )
    def _check(warehouse: Warehouse) -> dg.AssetCheckResult:
        with warehouse.connect(read_only=True) as con:
            validation = run_suite(suite, warehouse.paths, con)
        failed = sum(1 for r in validation.results if not r.success)
        return dg.AssetCheckResult(
            passed=bool(validation.success),
            severity=dg.AssetCheckSeverity.ERROR if suite.blocking else dg.AssetCheckSeverity.WARN,
            metadata={
                "ekspektasi": len(validation.results),
                "ekspektasi_gagal": failed,
                "gagal": dg.MetadataValue.md(_failures_md(validation)),
                "data_docs": dg.MetadataValue.path(str(data_docs_index(warehouse.paths))),
            },
        )

    return _check


GX_CHECKS = [build_gx_check(s) for s in SUITES]
