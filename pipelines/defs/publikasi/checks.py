"""Blocking asset checks written as SQL: each `sql/checks/<layer>__<table>__<name>.sql` selects
the offending rows, and the check passes when there are none. A failing check stops
publication, so analysts keep the previous good warehouse. Besides the working file, a check can
read `iku_terbit` (the IKU analysts see now, `publication.muat_iku_terbit`); a column `pesan`
in its result becomes the check's message, shown in the UI and by the command line. A check
whose header says `-- blocking: tidak` lists what is incomplete (a year in progress) as a
warning and never stops publication."""

import dagster as dg
import pandas as pd

from pipelines.config import SQL_DIR
from pipelines.defs.publikasi.gudang_analis import muat_iku_terbit
from pipelines.defs.publikasi.gx_checks import build_data_docs
from pipelines.defs.transformasi.audit_sel_kecil import audit_connection
from pipelines.gudang.db import Warehouse, load_sql
from pipelines.gudang.lineage import header


def build_sql_check(path) -> dg.AssetChecksDefinition:
    layer, table, name = path.stem.split("__")
    description = path.read_text(encoding="utf-8").splitlines()[0].lstrip("- ").strip()
    blocking = header(path).get("blocking", "ya") != "tidak"

    @dg.asset_check(
        asset=dg.AssetKey([layer, table]), name=name, blocking=blocking, description=description
    )
    def _check(context: dg.AssetCheckExecutionContext, warehouse: Warehouse) -> dg.AssetCheckResult:
        with warehouse.connect(read_only=True) as con:
            muat_iku_terbit(con, warehouse.paths)
            offending = con.execute(load_sql(f"checks/{path.stem}")).df()
        pesan = "\n".join(offending["pesan"]) if "pesan" in offending else None
        if blocking and not offending.empty:
            # publikasi/data_docs will not run after this failure: the suites that ran get their
            # pages now, as after a failed suite
            build_data_docs(warehouse.paths, context.run.run_id)
        return dg.AssetCheckResult(
            passed=offending.empty,
            severity=dg.AssetCheckSeverity.ERROR if blocking else dg.AssetCheckSeverity.WARN,
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


@dg.asset_check(
    asset=dg.AssetKey(["mart", "agregat_kelurahan"]),
    name="audit_sel_kecil",
    blocking=True,
    description="Tidak ada sel kelurahan kecil (1–4) yang dapat dipersempit dari angka terbit.",
)
def audit_sel_kecil(warehouse: Warehouse) -> dg.AssetCheckResult:
    """pipelines/defs/transformasi/audit_sel_kecil.py on the working file, before publication. Only
    codes and range widths go to the metadata, never a count."""
    with warehouse.connect(read_only=True) as con:
        hasil = audit_connection(con)
    temuan = pd.DataFrame(
        [(r.semester, r.kode_kelurahan, r.ukuran, r.lebar) for r in hasil.temuan],
        columns=["semester", "kode_kelurahan", "ukuran", "lebar_rentang"],
    )
    return dg.AssetCheckResult(
        passed=hasil.lulus,
        metadata={
            "sel_diperiksa": len(hasil.rentang),
            "sel_dapat_dipersempit": len(hasil.temuan),
            "lebar_perlindungan": hasil.aturan.lebar_perlindungan,
            "contoh": dg.MetadataValue.md(
                temuan.head(10).to_markdown(index=False) if not temuan.empty else "-"
            ),
        },
    )
