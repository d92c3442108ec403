"""Record-level DKB path: the resident extract of a semester becomes per-kelurahan counts in
`raw.dkb_penduduk_kelurahan`; the pseudonymised rows and the quarantine stay in the restricted
store (`warehouse/terbatas/`, Parquet per semester), which publication never reads."""

from datetime import UTC, datetime

import dagster as dg

from pipelines.config import Pengaturan
from pipelines.defs.masukan.assets import log_receipt, refusal_as_failure
from pipelines.defs.masukan.partitions import SEMESTER
from pipelines.defs.rekaman.ekstrak import find_extract, ingest_extract, load_konteks, load_severity
from pipelines.domain.data_pribadi import bersihkan_sementara
from pipelines.domain.kunci import TAG_KUNCI_ULANG, pastikan_kunci_sama
from pipelines.gudang.db import Warehouse, replace_partition
from pipelines.gudang.kontrak import metadata_tabel

TABLE = "raw.dkb_penduduk_kelurahan"
# Same columns as conformed.dkb_agregat, so both DKB paths meet there unchanged.
_DDL = f"""
CREATE TABLE IF NOT EXISTS {TABLE} (
    semester VARCHAR, tanggal_data DATE, kode_wilayah VARCHAR, tingkat VARCHAR,
    ukuran VARCHAR, nilai BIGINT, jalur VARCHAR, sumber_berkas VARCHAR, sumber_baris BIGINT
)
"""


@dg.asset(
    key=["raw", "dkb_penduduk_kelurahan"],
    group_name="ingest",
    partitions_def=SEMESTER,
    deps=[dg.AssetKey(["raw", "daerah"]), dg.AssetKey(["raw", "wilayah"])],
    kinds={"duckdb", "pandera"},
    description="Rekaman DKB per penduduk: validasi, karantina, pseudonim, hitungan per kelurahan.",
    metadata={
        "sumber": "dkb/{semester}/penduduk.csv|.parquet",
        "terbatas": "terbatas/",
        # Its table has the shape of conformed.dkb_jalur's rekaman rows: the same column docs.
        "dagster/column_schema": metadata_tabel("conformed", "dkb_jalur")["dagster/column_schema"],
    },
)
@refusal_as_failure()  # every refusal of this step, incl. a missing or empty semester folder
def dkb_penduduk_kelurahan(
    context: dg.AssetExecutionContext, warehouse: Warehouse, pengaturan: Pengaturan
) -> dg.MaterializeResult:
    semester = context.partition_key
    paths = warehouse.paths
    # Whatever semester runs: a killed run's temporaries hold personal data.
    removed = bersihkan_sementara(paths.restricted_dir)
    if removed:
        context.log.warning(
            f"{len(removed)} berkas sementara dari run yang terhenti dihapus dari terbatas/."
        )
    path = find_extract(paths.raw_dir, semester, pengaturan.max_file_bytes)
    with warehouse.connect() as con:
        con.execute(_DDL)
        if path is None:
            replace_partition(
                con, TABLE, "semester", semester, f"SELECT * FROM {TABLE} WHERE false"
            )
            return dg.MaterializeResult(
                metadata={
                    "ekstrak": "tidak ada (semester ini dari agregat)",
                    "dagster/row_count": 0,
                }
            )
        konteks = load_konteks(con, paths.raw_dir, semester, pengaturan.max_file_bytes)
    relative = str(path.relative_to(paths.raw_dir))
    received_at = datetime.now(UTC).replace(tzinfo=None)
    key = pengaturan.pseudonym_key()
    if context.run.tags.get(TAG_KUNCI_ULANG) != "ya":  # re-keying replaces the fingerprint
        pastikan_kunci_sama(paths.restricted_dir, key)
    hasil = ingest_extract(
        path,
        semester=semester,
        berkas=relative,
        konteks=konteks,
        severity=load_severity(paths.raw_dir, pengaturan.max_file_bytes),
        key=key,
        store=paths.restricted_dir,
        threshold=pengaturan.quarantine_threshold(),
        memory_limit=pengaturan.duckdb_memory_limit(),
    )
    with warehouse.connect() as con:
        count = replace_partition(con, TABLE, "semester", semester, hasil.agregat)
        # The extract itself is personal data: it is not copied to warehouse/arsip/.
        log_receipt(
            con,
            relative,
            hasil.sha256,
            path.stat().st_size,
            hasil.diterima,
            "dkb_penduduk",
            semester,
            None,
            received_at,
        )
    if hasil.dikarantina:
        context.log.warning(
            f"{relative}: {hasil.dikarantina} dari {hasil.baris} baris dikarantina "
            f"({hasil.porsi_karantina:.3%}); lihat terbatas/karantina/semester={semester}/."
        )
    if not hasil.hmac_native:
        context.log.warning(
            "Pseudonim NIK/KK dihitung dengan hashlib satu per satu (lambat): loop terkompilasi "
            "tidak tersedia (numba gagal mengompilasi atau memuatnya). Hasilnya sama; "
            "lihat pipelines/domain/pseudonim.py."
        )
    return dg.MaterializeResult(
        metadata={
            "baris_ekstrak": hasil.baris,
            "baris_diterima": hasil.diterima,
            "baris_dikarantina": hasil.dikarantina,
            "porsi_karantina": hasil.porsi_karantina,
            "pelanggaran": dg.MetadataValue.md(
                hasil.pelanggaran.to_markdown(index=False) if len(hasil.pelanggaran) else "-"
            ),
            "detik_per_langkah": dg.MetadataValue.json(
                {k: round(v, 2) for k, v in hasil.detik.items()}
            ),
            "pseudonim_hmac": "numba" if hasil.hmac_native else "hashlib (lambat)",
            "dagster/row_count": count,
        }
    )
