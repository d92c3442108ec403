"""Everything Dagster loads, assembled in one place."""

import dagster as dg

from pipelines.config import Pengaturan
from pipelines.defs.laporan.assets import EXPORT_ASSETS
from pipelines.defs.masukan.assets import INGEST_ASSETS, build_side_asset
from pipelines.defs.otomasi.jobs import lakip_job, segarkan_job
from pipelines.defs.otomasi.schedules import masa_rilis
from pipelines.defs.otomasi.sensors import masukan_gagal, rilis_baru, segarkan_setelah_masukan
from pipelines.defs.publikasi.assets import gudang_analis
from pipelines.defs.publikasi.checks import SQL_CHECKS, audit_sel_kecil
from pipelines.defs.publikasi.gx_checks import GX_CHECKS
from pipelines.defs.rekaman.assets import dkb_penduduk_kelurahan
from pipelines.defs.transformasi.assets import SQL_ASSETS
from pipelines.gudang.db import Warehouse


def current_resources(warehouse: Warehouse | None = None) -> dict[str, dg.ConfigurableResource]:
    """The resources as the environment sets them now (a run started in-process after a change
    of the environment, e.g. by the command line, passes these; the UI's runs load them anew)."""
    return {"warehouse": warehouse or Warehouse.from_env(), "pengaturan": Pengaturan.from_env()}


SIDE_ASSETS = [
    build_side_asset("cek_baris_total", INGEST_ASSETS),
    build_side_asset("berkas_diterima", [*INGEST_ASSETS, dkb_penduduk_kelurahan]),
]

defs = dg.Definitions(
    assets=[
        *INGEST_ASSETS,
        dkb_penduduk_kelurahan,
        *SIDE_ASSETS,
        *SQL_ASSETS,
        gudang_analis,
        *EXPORT_ASSETS,
    ],
    asset_checks=[*SQL_CHECKS, audit_sel_kecil, *GX_CHECKS],
    jobs=[lakip_job, segarkan_job],
    sensors=[rilis_baru, segarkan_setelah_masukan, masukan_gagal],
    schedules=[masa_rilis],
    resources=current_resources(),
    executor=dg.in_process_executor,
)
