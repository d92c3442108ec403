"""Blocking asset checks written as SQL: each `sql/checks/<layer>__<table>__<name>.sql` selects
the offending rows, and the check passes when there are none. A failing check stops
publication, so analysts keep the previous good warehouse. Besides the working file, a check can
read `iku_terbit` (the IKU analysts see now, `publication.muat_iku_terbit`); a column `pesan`
in its result becomes the check's message, shown in the UI and by the command line."""

import dagster as dg

from pipelines.config import SQL_DIR
from pipelines.publish.publication import muat_iku_terbit
from pipelines.warehouse.db import Warehouse, load_sql


def build_sql_check(path) -> dg.AssetChecksDefinition:
    layer, table, name = path.stem.split("__")
    description = path.read_text(encoding="utf-8").splitlines()[0].lstrip("- ").strip()

    @dg.asset_check(
        asset=dg.AssetKey([layer, table]), name=name, blocking=True, description=description
    )
    def _check(warehouse: Warehouse) -> dg.AssetCheckResult:
        with warehouse.connect(read_only=True) as con:
            muat_iku_terbit(con, warehouse.paths)
            offending = con.execute(load_sql(f"checks/{path.stem}")).df()
        pesan = "\n".join(offending["pesan"]) if "pesan" in offending else None
        return dg.AssetCheckResult(
            passed=offending.empty,
            description=pesan or None,
            metadata={
                "jumlah_baris_bermasalah": len(offending),
                "contoh": dg.MetadataValue.md(
                    offending.head(10).to_markdown(index=False) if not offending.empty else "-"
                ),
            },
        )

    return _check


SQL_CHECKS = [build_sql_check(p) for p in sorted((SQL_DIR / "checks").glob("*.sql"))]
