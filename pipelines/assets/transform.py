"""SQL assets: every conformed and mart table is one SELECT in `sql/<layer>/<name>.sql`, run
into the warehouse by the same writer. The list below is the data flow the UI draws."""

from collections.abc import Callable
from dataclasses import dataclass

import dagster as dg
import duckdb

from pipelines.orchestration.partitions import SEMESTER
from pipelines.validate.kontrak import metadata_tabel
from pipelines.warehouse.db import Warehouse, load_sql, replace_partition, replace_table
from pipelines.warehouse.sel_ditekan import bangun_dengan_penekanan


@dataclass(frozen=True)
class SqlTable:
    layer: str
    name: str
    description: str
    deps: tuple[str, ...]  # "layer.name" of the tables the SELECT reads
    partitioned: bool = False
    # writes the table instead of a plain replace (con, table, SELECT) -> row count
    build: Callable[[duckdb.DuckDBPyConnection, str, str], int] = replace_table

    @property
    def key(self) -> dg.AssetKey:
        return dg.AssetKey([self.layer, self.name])


SQL_TABLES = (
    SqlTable(
        "conformed",
        "wilayah",
        "Wilayah kab/kota, kecamatan, kelurahan per kode Kemendagri.",
        ("raw.daerah", "raw.wilayah"),
    ),
    SqlTable(
        "conformed",
        "dkb_agregat",
        "Agregat DKB per semester dalam bentuk panjang (wilayah, ukuran).",
        ("raw.dkb_agregat_kecamatan", "raw.dkb_penduduk_kelurahan"),
        partitioned=True,
    ),
    SqlTable(
        "conformed",
        "target_tahunan",
        "Target yang berlaku per indikator per tahun (PK > RKT > RPJMD).",
        ("raw.indikator_target",),
    ),
    SqlTable(
        "conformed",
        "anggaran_program",
        "Anggaran PK, pagu dan realisasi per program per tahun.",
        ("raw.anggaran_pk", "raw.realisasi_anggaran"),
    ),
    SqlTable(
        "mart",
        "agregat_wilayah",
        "Agregat DKB per wilayah (kecamatan dan kota) per semester.",
        ("conformed.dkb_agregat", "conformed.wilayah"),
    ),
    SqlTable(
        "mart",
        "agregat_kelurahan",
        "Agregat DKB per kelurahan (jalur rekaman), sel kecil disamarkan; blok yang tetap "
        "terkunci ditekan (mart.sel_ditekan, ditulis oleh aset ini).",
        ("conformed.dkb_agregat", "conformed.wilayah", "mart.agregat_wilayah"),
        build=bangun_dengan_penekanan,
    ),
    SqlTable(
        "mart",
        "selisih_jalur_dkb",
        "Agregat file vs hitungan rekaman per kecamatan, bila semester punya keduanya.",
        ("raw.dkb_agregat_kecamatan", "raw.dkb_penduduk_kelurahan", "conformed.wilayah"),
    ),
    SqlTable(
        "mart",
        "iku",
        "Tabel IKU per periode, wilayah, indikator: realisasi, target, capaian.",
        (
            "mart.agregat_wilayah",
            "raw.indikator_definisi",
            "raw.realisasi_dilaporkan",
            "conformed.target_tahunan",
            "raw.kategori_capaian",
            "conformed.wilayah",
        ),
    ),
    SqlTable(
        "mart",
        "pengukuran_kinerja",
        "Tabel 3: pengukuran capaian kinerja sasaran per tahun.",
        ("mart.iku",),
    ),
    SqlTable(
        "mart",
        "perbandingan_tahun_lalu",
        "Tabel 10: capaian tahun ini dibanding tahun lalu.",
        ("mart.pengukuran_kinerja", "raw.riwayat_capaian", "raw.indikator_definisi"),
    ),
    SqlTable(
        "mart",
        "tren_rpjmd",
        "Tabel 11: target, realisasi, capaian per tahun sejak awal RPJMD.",
        ("mart.pengukuran_kinerja", "raw.riwayat_capaian", "raw.indikator_definisi"),
    ),
    SqlTable(
        "mart",
        "realisasi_anggaran",
        "Tabel 13: realisasi dan serapan anggaran per program.",
        ("conformed.anggaran_program",),
    ),
    SqlTable(
        "mart",
        "ringkasan_kinerja",
        "Rata-rata capaian, serapan anggaran dan indeks efisiensi per tahun.",
        (
            "mart.pengukuran_kinerja",
            "raw.riwayat_capaian",
            "mart.realisasi_anggaran",
            "raw.kategori_capaian",
        ),
    ),
    SqlTable(
        "mart",
        "rekonsiliasi",
        "Angka LAKIP terbit vs hitung ulang dari masukan: selisih dan kelasnya.",
        (
            "raw.terbitan",
            "mart.agregat_wilayah",
            "mart.iku",
            "mart.tren_rpjmd",
            "mart.pengukuran_kinerja",
            "mart.perbandingan_tahun_lalu",
            "mart.realisasi_anggaran",
            "mart.ringkasan_kinerja",
            "raw.kategori_capaian",
            "conformed.wilayah",
            # raw.cek_baris_total is written by these ingestion assets
            "raw.anggaran_pk",
            "raw.realisasi_anggaran",
            "raw.dkb_agregat_kecamatan",
        ),
    ),
)


def build_sql_asset(table: SqlTable) -> dg.AssetsDefinition:
    @dg.asset(
        key=table.key,
        group_name=table.layer,
        description=table.description,
        deps=[dg.AssetKey(d.split(".")) for d in table.deps],
        partitions_def=SEMESTER if table.partitioned else None,
        kinds={"duckdb", "sql"},
        metadata={
            "sql": f"sql/{table.layer}/{table.name}.sql",
            **metadata_tabel(table.layer, table.name),
        },
    )
    def _sql(context: dg.AssetExecutionContext, warehouse: Warehouse) -> dg.MaterializeResult:
        select = load_sql(f"{table.layer}/{table.name}")
        target = f"{table.layer}.{table.name}"
        with warehouse.connect() as con:
            if table.partitioned:
                count = replace_partition(
                    con,
                    target,
                    "semester",
                    context.partition_key,
                    select,
                    {"semester": context.partition_key},
                )
            else:
                count = table.build(con, target, select)
        return dg.MaterializeResult(metadata={"dagster/row_count": count})

    return _sql


SQL_ASSETS = [build_sql_asset(t) for t in SQL_TABLES]
