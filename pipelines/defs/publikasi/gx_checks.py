"""great-expectations suites (pipelines/defs/publikasi/suites.py, generated from the contract in
sql/kontrak/) run as Dagster asset checks.

GX runs against the working file, in a file-backed GX project under `warehouse/gx/`, so every
run leaves Data Docs (HTML an officer can open) at `warehouse/gx/data_docs/index.html`. The
suites only store their results; the asset `publikasi/data_docs` builds the Data Docs once, after
every suite of the refresh ran (building them per suite cost ~1 s each: GX recompiles its page
templates and re-lists every stored validation for the index on each build).
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


# One context per GX project and process: opening one reads and rewrites its YAML (~0.5 s),
# once per suite before. Opened again when the project folder was removed meanwhile.
_CONTEXTS: dict[Path, object] = {}


def _context(paths: Paths):
    root = paths.gx_dir.resolve()
    if root not in _CONTEXTS or not (root / "gx" / "great_expectations.yml").is_file():
        _CONTEXTS[root] = _open_context(root)
    return _CONTEXTS[root]


def _open_context(root: Path):
    import great_expectations as gx  # slow import, only when a check runs
    from great_expectations.data_context.types.base import ProgressBarsConfig

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


def run_suite(
    suite: Suite, paths: Paths, con: duckdb.DuckDBPyConnection, run_name: str | None = None
):
    """Validate one table with its suite; returns the GX validation result, stored in the GX
    project under `run_name` (the Dagster run) for build_data_docs."""
    import great_expectations as gx
    from great_expectations.core.run_identifier import RunIdentifier

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
                actions=[],  # the Data Docs are built once per refresh: build_data_docs
            )
        )
        result = checkpoint.run(
            batch_parameters={"dataframe": frame}, run_id=RunIdentifier(run_name=run_name)
        )
    return next(iter(result.run_results.values()))


def build_data_docs(paths: Paths, run_name: str) -> Path:
    """The Data Docs pages of the validations stored under `run_name` (and of their suites),
    and the index of every validation kept; returns the index."""
    with _GX_LOCK:
        context = _context(paths)
        validations = [
            k for k in context.validation_results_store.list_keys() if k.run_id.run_name == run_name
        ]
        suites = {k.expectation_suite_identifier for k in validations}
        context.build_data_docs(
            site_names=["local_site"], resource_identifiers=[*validations, *suites]
        )
    return data_docs_index(paths)


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
        # Every suite is blocking so that publikasi/data_docs runs after all of them; only an
        # ERROR stops what is downstream, so the reconciliation's suite (WARN) still never does.
        blocking=True,
        description=f"Suite great-expectations {suite.table}: {len(suite.expectations)} ekspektasi "
        f"dari kontrak sql/kontrak/{layer}.yml",
    )
    def _check(context: dg.AssetCheckExecutionContext, warehouse: Warehouse) -> dg.AssetCheckResult:
        with warehouse.connect(read_only=True) as con:
            validation = run_suite(suite, warehouse.paths, con, context.run.run_id)
        failed = sum(1 for r in validation.results if not r.success)
        if failed and suite.blocking:
            # publikasi/data_docs will not run after this failure: the officer gets the page
            # of the failed suite now (with those of the suites that ran before it).
            build_data_docs(warehouse.paths, context.run.run_id)
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


@dg.asset(
    key=["publikasi", "data_docs"],
    group_name="publikasi",
    deps=[dg.AssetKey(s.table.split(".")) for s in SUITES],
    kinds={"html"},
    description="Data Docs great-expectations (warehouse/gx/data_docs/index.html): hasil setiap "
    "suite pada penyegaran ini.",
)
def data_docs(context: dg.AssetExecutionContext, warehouse: Warehouse) -> dg.MaterializeResult:
    index = build_data_docs(warehouse.paths, context.run.run_id)
    return dg.MaterializeResult(metadata={"data_docs": dg.MetadataValue.path(str(index))})
