"""The region reference: the national Kemendagri list in the warehouse (`raw.wilayah_kemendagri`),
and the office's own kecamatan and desa/kelurahan (`raw.wilayah`) cut from it by the kab/kota
code of raw/referensi/daerah.csv. Nothing is typed by hand; an office sets only its code."""

from collections import Counter

import dagster as dg
import pandas as pd

from pipelines.domain import wilayah as nasional
from pipelines.gudang.db import Warehouse, load_sql, replace_table
from pipelines.gudang.lineage import tables_read

_SUMBER = f"{nasional.PAKET}=={nasional.VERSI} ({nasional.KEPUTUSAN})"
_WILAYAH_SQL = "masukan/wilayah"


def _kolom(*columns: tuple[str, str]) -> dg.TableSchema:
    return dg.TableSchema(
        columns=[dg.TableColumn(name, "VARCHAR", description=d) for name, d in columns]
    )


def national_frame() -> pd.DataFrame:
    """The national list as a raw table, each row with the package file it comes from."""
    regions = nasional.national_list()
    provenance = nasional.provenance()
    files = {depth: "desa.json.gz" if depth == 3 else "wilayah.json.gz" for depth in range(4)}
    berkas = [f"{provenance['paket']}:lokal/data/{files[r.kode.count('.')]}" for r in regions]
    sha = [provenance[f"sha256 lokal/data/{files[r.kode.count('.')]}"] for r in regions]
    return pd.DataFrame(
        {
            "kode": [r.kode for r in regions],
            "nama": [r.nama for r in regions],
            "tingkat": [r.tingkat for r in regions],
            "kode_induk": [r.kode_induk for r in regions],
            "_berkas": berkas,
            "_sha256": sha,
        },
        dtype="string",
    )


def write_office_regions(con) -> int:
    """raw.wilayah from raw.daerah and raw.wilayah_kemendagri (also the province route's)."""
    return replace_table(con, "raw.wilayah", load_sql(_WILAYAH_SQL))


@dg.asset(
    key=["raw", "wilayah_kemendagri"],
    group_name="ingest",
    description=f"Daftar wilayah Kemendagri seluruh Indonesia ({nasional.KEPUTUSAN}).",
    kinds={"duckdb"},
    metadata={
        "sumber": _SUMBER,
        "dagster/column_schema": _kolom(
            ("kode", "Kode Kemendagri bertitik: PP, PP.KK, PP.KK.CC, PP.KK.CC.DDDD"),
            ("nama", "Nama seperti dalam keputusan"),
            ("tingkat", "provinsi, kabupaten, kota, kecamatan, kelurahan atau desa"),
            ("kode_induk", "Kode wilayah satu tingkat di atasnya (kosong untuk provinsi)"),
            ("_berkas", "Paket dan berkas data asal baris"),
            ("_sha256", "SHA-256 berkas data asal baris"),
        ),
    },
)
def wilayah_kemendagri(warehouse: Warehouse) -> dg.MaterializeResult:
    try:
        frame = national_frame()
    except RuntimeError as changed:  # installed list is not the pinned one: say so, no trace
        raise dg.Failure(description=str(changed), allow_retries=False) from None
    with warehouse.connect() as con:
        count = replace_table(con, "raw.wilayah_kemendagri", frame)
    per_tingkat = Counter(frame["tingkat"])
    return dg.MaterializeResult(
        metadata={
            **nasional.provenance(),
            "provinsi": per_tingkat["provinsi"],
            "kabupaten/kota": per_tingkat["kabupaten"] + per_tingkat["kota"],
            "kecamatan": per_tingkat["kecamatan"],
            "desa/kelurahan": per_tingkat["desa"] + per_tingkat["kelurahan"],
            "dagster/row_count": count,
        }
    )


@dg.asset(
    key=["raw", "wilayah"],
    group_name="ingest",
    description="Kecamatan dan desa/kelurahan kab/kota yang dilayani, dari daftar Kemendagri.",
    # what its SQL reads (raw.daerah, raw.wilayah_kemendagri), as for the SQL layers
    deps=[dg.AssetKey(t.split(".")) for t in sorted(tables_read(load_sql(_WILAYAH_SQL)))],
    kinds={"duckdb"},
    metadata={
        "sumber": f"{_SUMBER}, disaring dengan kode di referensi/daerah.csv",
        "dagster/column_schema": _kolom(
            ("kode", "Kode Kemendagri desa/kelurahan"),
            ("kecamatan", "Nama kecamatan"),
            ("kelurahan", "Nama desa/kelurahan"),
            ("kode_kecamatan", "Kode Kemendagri kecamatan tempat desa/kelurahan berada"),
            ("tingkat", "kelurahan atau desa"),
            ("_berkas", "Paket dan berkas data asal baris"),
            ("_sha256", "SHA-256 berkas data asal baris"),
        ),
    },
)
def wilayah(warehouse: Warehouse) -> dg.MaterializeResult:
    with warehouse.connect() as con:
        count = write_office_regions(con)
        daerah, kecamatan = con.execute(
            "SELECT string_agg(DISTINCT left(kode, 5), ', '), count(DISTINCT kode_kecamatan) "
            "FROM raw.wilayah"
        ).fetchone()
    return dg.MaterializeResult(
        metadata={
            "kab/kota": daerah or "",
            "kecamatan": kecamatan,
            "desa/kelurahan": count,
            "dagster/row_count": count,
        }
    )
