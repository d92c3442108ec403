"""LAKIP exports: the workbook, the charts and the Bab III paragraphs of every year with data
(with its targets or not yet), read from the marts of the working warehouse once their checks
have passed, written under warehouse/laporan/<tahun>/."""

from collections.abc import Iterator

import dagster as dg

from pipelines.config import Pengaturan
from pipelines.defs.laporan.bersama import folder_tahun, tahun_laporan
from pipelines.defs.laporan.dokumen import TemplatDitolak, ke_pdf, pesan_gagal, tulis_dokumen
from pipelines.defs.laporan.grafik import tulis_grafik
from pipelines.defs.laporan.lakip_tabel import tulis_workbook
from pipelines.defs.laporan.narasi import tulis_narasi
from pipelines.defs.transformasi.assets import SQL_TABLES
from pipelines.gudang.db import Warehouse

MARTS = [t.key for t in SQL_TABLES if t.layer == "mart"]


def _daftar(paths: list) -> dg.MetadataValue:
    return dg.MetadataValue.md("\n".join(f"- `{p}`" for p in paths) or "-")


def _per_tahun(warehouse: Warehouse) -> Iterator[tuple]:
    """(read-only connection, report year, its folder under the reports folder) per year."""
    with warehouse.connect(read_only=True) as con:
        for tahun in tahun_laporan(con):
            yield con, tahun, folder_tahun(warehouse.paths.reports_dir, tahun)


@dg.asset(
    key=["publikasi", "lakip_xlsx"],
    group_name="publikasi",
    deps=MARTS,
    kinds={"excel"},
    description="Tabel 3–11 dan 13 LAKIP dalam satu workbook .xlsx per tahun, tata letak laporan.",
)
def lakip_xlsx(warehouse: Warehouse) -> dg.MaterializeResult:
    written, rows = [], {}
    for con, tahun, folder in _per_tahun(warehouse):
        path = folder / f"LAKIP_{tahun}_tabel.xlsx"
        rows = tulis_workbook(con, tahun, path)
        written.append(path)
    return dg.MaterializeResult(
        metadata={"berkas": _daftar(written), "baris_per_tabel": dg.MetadataValue.json(rows)}
    )


@dg.asset(
    key=["publikasi", "grafik"],
    group_name="publikasi",
    deps=MARTS,
    kinds={"matplotlib"},
    description="Grafik LAKIP (PNG): capaian per indikator, tren RPJMD/RPD, kecamatan, anggaran.",
)
def grafik(warehouse: Warehouse) -> dg.MaterializeResult:
    written = []
    for con, tahun, folder in _per_tahun(warehouse):
        written += tulis_grafik(con, tahun, folder / "grafik")
    return dg.MaterializeResult(metadata={"berkas": _daftar(written)})


@dg.asset(
    key=["publikasi", "narasi"],
    group_name="publikasi",
    deps=MARTS,
    kinds={"markdown"},
    description="Paragraf standar Bab III (capaian per indikator) dari data, .md dan .txt.",
)
def narasi(warehouse: Warehouse) -> dg.MaterializeResult:
    written = []
    for con, tahun, folder in _per_tahun(warehouse):
        written += tulis_narasi(con, tahun, folder)
    return dg.MaterializeResult(
        metadata={
            "berkas": _daftar(written),
            "pratinjau": dg.MetadataValue.md(written[0].read_text(encoding="utf-8"))
            if written
            else "-",
        }
    )


@dg.asset(
    key=["publikasi", "lakip_docx"],
    group_name="publikasi",
    deps=MARTS,
    kinds={"word"},
    description="Dokumen LAKIP .docx (Bab I–IV) per tahun, angkanya diperiksa rekonsiliasi; PDF.",
)
def lakip_docx(
    context: dg.AssetExecutionContext, warehouse: Warehouse, pengaturan: Pengaturan
) -> dg.MaterializeResult:
    # Not upstream of the analyst file: a document that fails its check blocks itself only.
    written, diperiksa = [], 0
    for con, tahun, folder in _per_tahun(warehouse):
        try:
            path, hasil, _ = tulis_dokumen(con, tahun, folder, warehouse.paths.raw_dir)
        except TemplatDitolak as e:
            raise dg.Failure(description=str(e)) from None
        if path is None:
            raise dg.Failure(description=pesan_gagal(hasil, folder / f"LAKIP_{tahun}.docx"))
        diperiksa += len(hasil)
        if pengaturan.make_pdf():
            pdf, pesan = ke_pdf(path)
        else:
            pdf, pesan = None, "PDF tidak dibuat (DUKCAPIL_PDF=tidak)."
        context.log.info(pesan)
        written += [path] + ([pdf] if pdf else [])
    return dg.MaterializeResult(
        metadata={"berkas": _daftar(written), "angka_diperiksa_sama": diperiksa}
    )


EXPORT_ASSETS = [lakip_xlsx, grafik, narasi, lakip_docx]
