"""Blocking asset checks written as SQL: each `sql/checks/<layer>__<table>__<name>.sql` selects
the offending rows, and the check passes when there are none. A failing check stops
publication, so analysts keep the previous good warehouse."""

import dagster as dg

from pipelines.config import SQL_DIR
from pipelines.warehouse.db import Warehouse, load_sql


def build_sql_check(path) -> dg.AssetChecksDefinition:
    layer, table, name = path.stem.split("__")
    description = path.read_text(encoding="utf-8").splitlines()[0].lstrip("- ").strip()

    @dg.asset_check(
        asset=dg.AssetKey([layer, table]), name=name, blocking=True, description=description
    )
    def _check(warehouse: Warehouse) -> dg.AssetCheckResult:
        with warehouse.connect(read_only=True) as con:
            offending = con.execute(load_sql(f"checks/{path.stem}")).df()
        return dg.AssetCheckResult(
            passed=offending.empty,
            metadata={
                "jumlah_baris_bermasalah": len(offending),
                "contoh": dg.MetadataValue.md(
                    offending.head(10).to_markdown(index=False) if not offending.empty else "-"
                ),
            },
        )

    return _check


SQL_CHECKS = [build_sql_check(p) for p in sorted((SQL_DIR / "checks").glob("*.sql"))]
