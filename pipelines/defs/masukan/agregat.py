"""The DKB aggregate of a semester, from whichever form the office has, into one long table
raw.dkb_agregat (one row per region × measure, with file, row and printed header):

- `agregat_kecamatan.csv/.xlsx`: one row per kecamatan named in words (the LAKIP's Tabel 4–9);
- `agr_<topik>_<tanggal>_<kode kab/kota>.xlsx`: SIAK's per-topic exports, kab/kota, kecamatan
  and desa/kelurahan rows in one sheet (pipelines/defs/masukan/siak.py).

Headers become measures through raw/referensi/ukuran_header.csv (pipelines/defs/masukan/
ukuran.py), so a new measure reaches the indicators without code. A semester holding both forms
is refused (which one is meant is the officer's call, as for two candidates of one input); a
semester with neither has its rows removed (it may have only the resident extract). Before
anything is written: every file passes the gate; the office's wajib measures and those an active
formula indicator needs are all there, else the refusal names indicator, measure and files read.
"""

from datetime import UTC, datetime
from pathlib import Path

import dagster as dg
import pandas as pd

from pipelines.config import Pengaturan
from pipelines.defs.masukan import sumber as S
from pipelines.defs.masukan.assets import (
    LINEAGE_TYPES,
    _first_received,
    _read_context,
    record_files,
    refusal_as_failure,
)
from pipelines.defs.masukan.berkas import semester_files, semester_folders
from pipelines.defs.masukan.deklarasi import REFERENCE_SETS, REGION_REFERENCE, normalise_label
from pipelines.defs.masukan.gerbang import check_total_rows, validate_table
from pipelines.defs.masukan.partitions import SEMESTER
from pipelines.defs.masukan.readers import read_raw
from pipelines.defs.masukan.siak import (
    TINGKAT,
    is_missing,
    level_breaks,
    parse_name,
    region_code,
    sex_breaks,
    shown_code,
)
from pipelines.defs.masukan.tabel import RawTable
from pipelines.defs.masukan.ukuran import SEMUA_TOPIK, PetaUkuran, needed_measures
from pipelines.domain.angka import format_id_number
from pipelines.domain.data_pribadi import samarkan_nomor
from pipelines.domain.penolakan import Failure, InputRejected
from pipelines.domain.semester import tahun
from pipelines.gudang.db import Warehouse, replace_partition

TABLE = f"raw.{S.DKB_AGREGAT}"
COLUMNS = {
    "semester": ("VARCHAR", "Mis. 2023-S2"),
    "kode_wilayah": ("VARCHAR", "Kode Kemendagri kab/kota, kecamatan atau desa/kelurahan"),
    "tingkat": ("VARCHAR", "kabkota, kecamatan atau kelurahan (dari kode)"),
    "nama_wilayah": ("VARCHAR", "Nama wilayah seperti tertulis di berkas"),
    "ukuran": ("VARCHAR", "Kode ukuran (raw/referensi/ukuran_dkb.csv)"),
    "nilai": ("BIGINT", "Angka seperti tertulis; sel kosong/NULL/'-' tidak menjadi baris"),
    "_berkas": ("VARCHAR", "Berkas di bawah raw/"),
    "_baris": ("BIGINT", "Baris di berkas"),
    "_kolom": ("VARCHAR", "Judul kolom seperti tercetak"),
    "_sha256": ("VARCHAR", "SHA-256 berkas"),
    "_diterima_pada": ("TIMESTAMP", "Saat berkas pertama diterima"),
}


_DTYPE = {"VARCHAR": "string", "BIGINT": "int64", "TIMESTAMP": "datetime64[us]"}


def _unknown_headers(table: RawTable, ignored: set[str], topik: str) -> list[str]:
    return [
        f"{table.path}: kolom '{h}' tidak dikenal untuk topik {topik} dan tidak dibaca; "
        "petakan ke ukuran di raw/referensi/ukuran_header.csv (atau '-' bila memang diabaikan)."
        for h in table.unmatched_headers
        if normalise_label(h) not in ignored
    ]


def _long(rows: pd.DataFrame, table: RawTable, measures: list[str]) -> pd.DataFrame:
    """The validated wide rows (index = row in file) as one row per region × measure; missing
    figures stay NA here (the identities skip them) and are dropped when stored."""
    frame = rows.rename_axis("_baris").reset_index()
    frame = frame.melt(
        id_vars=["_baris", "semester", "kode_wilayah", "tingkat", "nama_wilayah"],
        value_vars=measures,
        var_name="ukuran",
        value_name="nilai",
    )
    frame["_kolom"] = frame["ukuran"].map(table.headers)
    return frame


def read_kecamatan_file(path: Path, peta: PetaUkuran, semester: str, known, regions, explain):
    """(long rows, JUMLAH-row checks, warnings) of an agregat_kecamatan file."""
    source = peta.source(S.DKB_AGREGAT_KECAMATAN, "agregat_kecamatan", SEMUA_TOPIK, nullable=False)
    table = read_raw(path, source)
    warnings = _unknown_headers(table, peta.ignored("agregat_kecamatan", SEMUA_TOPIK), "-")
    rows = validate_table(
        table,
        source,
        known=known,
        regions=regions,
        constants={"semester": semester},
        explain=explain,
    )
    measures = [m.name for m in source.columns if m.kind == "int" and m.name in rows]
    totals = check_total_rows(table, source, rows)
    rows = rows.assign(
        kode_wilayah=rows["kode_kecamatan"], tingkat="kecamatan", nama_wilayah=rows["kecamatan"]
    )
    return _long(rows, table, measures), totals, warnings, table


def read_siak_file(
    path: Path, peta: PetaUkuran, semester: str, kode_daerah: str, wilayah: set, explain
):
    """(long rows, level and sex checks, warnings) of one SIAK agregat workbook."""
    name = parse_name(path)
    file = str(path)
    if name.kode_kab != kode_daerah:
        rule = (
            f"kode kab/kota di nama berkas ({name.kode_kab}) bukan kode kantor ini "
            f"({kode_daerah}, raw/referensi/daerah.csv): berkas kab/kota lain?"
        )
        raise InputRejected(path, [Failure(file, None, "", "", rule)])
    source = peta.source(S.SIAK_AGREGAT, "siak_agregat", name.topik, nullable=True)
    measures = [c.name for c in source.columns if c.kind == "int"]
    table = read_raw(path, source)
    warnings = _unknown_headers(table, peta.ignored("siak_agregat", name.topik), name.topik)
    present = [m for m in measures if m in table.body.columns]
    if not present:
        known = ", ".join(peta.topics("siak_agregat"))
        rule = (
            f"tidak ada judul kolom ukuran yang dikenal untuk topik '{name.topik}' (judul: "
            f"{', '.join(table.unmatched_headers)}); topik yang dipetakan: {known}. Tambahkan "
            "barisnya ke raw/referensi/ukuran_header.csv"
        )
        raise InputRejected(path, [Failure(file, None, "", "", rule)])
    for m in present:  # NULL or '-': a figure the export does not have, never 0
        table.body[m] = table.body[m].map(lambda cell: None if is_missing(cell) else cell)
    rows = validate_table(table, source, constants={"semester": semester})

    failures, codes = [], {}
    where = "kode" if "kode" in table.body.columns else "no_prop"
    for baris, r in rows.iterrows():
        parts = tuple(r.get(c) for c in ("no_prop", "no_kab", "no_kec", "no_kel"))
        code = region_code(r.get("kode"), parts)
        shown = shown_code(r.get("kode"), parts)
        if code is None:
            rule = "kode wilayah tidak terbaca (KODE atau NO_PROP/NO_KAB/NO_KEC/NO_KEL)"
            failures.append(Failure(file, int(baris), table.label(where), shown, rule))
        elif code.count(".") == 0:
            continue  # the province row above the kab/kota: outside the office
        elif code not in wilayah:
            why = explain[REGION_REFERENCE](code) if explain else None
            rule = why or "kode wilayah tidak ada di daftar wilayah kab/kota ini (Kemendagri)"
            failures.append(Failure(file, int(baris), table.label(where), shown, rule))
        else:
            codes[baris] = code
    if failures:
        raise InputRejected(path, failures)
    rows = rows.loc[list(codes)]
    kode = pd.Series(codes)
    rows = rows.assign(
        kode_wilayah=kode,
        tingkat=kode.map(lambda c: TINGKAT[c.count(".") + 1]),
        nama_wilayah=rows.get("wilayah"),  # a file may print codes only
    )
    long = _long(rows, table, present)
    printed = {m: table.headers.get(m, m) for m in present}
    by_row = long.rename(columns={"_baris": "baris"})
    found = [level_breaks(by_row, printed), sex_breaks(by_row, peta.jenis_kelamin, printed)]
    checks = pd.concat([c for c in found if not c.empty] or found[:1], ignore_index=True)
    return long, checks, warnings, table


def _latest_snapshots(paths: list[Path]) -> tuple[list[Path], list[str], list[Failure]]:
    """One workbook per topic: the latest snapshot; older ones are named in a warning. A name
    outside the SIAK pattern, or two files of one topic and date, is refused."""
    failures, by_topic = [], {}
    for path in paths:
        name = parse_name(path)
        if name is None or name.tanggal is None:
            rule = (
                "nama berkas SIAK tidak dikenali: yang diharapkan agr_<topik>_<tanggal DDMMYYYY "
                "atau DDMMYY>_<kode kab/kota 4 angka>.xlsx, mis. agr_kia_280226_8207.xlsx"
            )
            failures.append(Failure(str(path), None, "", "", rule))
            continue
        by_topic.setdefault(name.topik, []).append((name.tanggal, path))
    chosen, warnings = [], []
    for topik, dated in sorted(by_topic.items()):
        dated.sort()
        latest = dated[-1][0]
        same = [p for d, p in dated if d == latest]
        if len(same) > 1:
            rule = f"{len(same)} berkas topik {topik} bertanggal sama; sisakan satu"
            failures += [Failure(str(p), None, "", "", rule) for p in same]
        chosen.append(same[-1])
        warnings += [
            f"{p}: snapshot topik {topik} tanggal {d:%d-%m-%Y} tidak dibaca; yang dibaca "
            f"{same[-1].name} ({latest:%d-%m-%Y}, yang terbaru)."
            for d, p in dated
            if d != latest
        ]
    return chosen, warnings, failures


def _duplicates(long: pd.DataFrame) -> list[Failure]:
    """One measure of one region printed twice (two topics) with different figures: ambiguous."""
    given = long.dropna(subset=["nilai"])
    # only the region × measure pairs printed with two figures are looked at one by one (a
    # province's hundreds of offices pass through here: no Python loop over every pair)
    distinct = given.groupby(["kode_wilayah", "ukuran"])["nilai"].transform("nunique")
    failures = []
    for (kode, ukuran), group in given[distinct > 1].groupby(["kode_wilayah", "ukuran"]):
        seen = "; ".join(
            f"{r['_berkas']} baris {r['_baris']} = {format_id_number(r['nilai'])}"
            for r in group.to_dict("records")
        )
        rule = f"ukuran {ukuran} wilayah {kode} tercetak berbeda di dua berkas: {seen}"
        failures.append(Failure(group["_berkas"].iloc[0], None, ukuran, kode, rule))
    return failures


def _missing_measures(long, peta, needed, folder: Path, read: list[str]) -> list[Failure]:
    present = set(long.dropna(subset=["nilai"])["ukuran"])
    files = ", ".join(read)
    failures = [
        Failure(
            str(folder),
            None,
            ukuran,
            "(tidak ada)",
            f"indikator {kode} membutuhkan ukuran {ukuran} ({peran}), yang tidak ada di berkas "
            f"yang dibaca: {files}",
        )
        for kode, peran, ukuran in needed
        if ukuran not in present
    ]
    failures += [
        Failure(
            str(folder),
            None,
            ukuran,
            "(tidak ada)",
            f"ukuran wajib {ukuran} (raw/referensi/ukuran_dkb.csv) tidak ada di berkas yang "
            f"dibaca: {files}",
        )
        for ukuran in sorted(peta.wajib - present)
        if ukuran not in {n[2] for n in needed}
    ]
    return failures


def ingest_dkb(
    context: dg.AssetExecutionContext, warehouse: Warehouse, pengaturan: Pengaturan
) -> dg.MaterializeResult:
    """The semester's aggregate DKB through the gate into raw.dkb_agregat (office pipeline
    and combined route alike)."""
    try:
        return _ingest_dkb(context, warehouse, pengaturan)
    except InputRejected as error:
        # The refusal reaches Dagster's storage, the console and the combined analyst file: a
        # NIK or KK number pasted into a count cell is masked there (`from None`: the unmasked
        # text is not kept as the cause either).
        raise samarkan_nomor(error) from None


def _ingest_dkb(
    context: dg.AssetExecutionContext, warehouse: Warehouse, pengaturan: Pengaturan
) -> dg.MaterializeResult:
    semester = context.partition_key
    raw_dir = warehouse.paths.raw_dir
    folder = raw_dir / "dkb" / semester
    found = semester_files(raw_dir, semester, pengaturan.max_file_bytes)
    kecamatan, siak = found[S.DKB_AGREGAT_KECAMATAN.name], found[S.SIAK_AGREGAT.name]
    for warning in [*semester_folders(raw_dir)[1], *kecamatan.ignored, *siak.ignored]:
        context.log.warning(warning)
    if kecamatan.files and siak.files:
        names = ", ".join(p.name for p in [*kecamatan.files, *siak.files])
        rule = (
            f"semester ini berisi agregat per kecamatan dan ekspor SIAK agr_*.xlsx ({names}); "
            "angka mana yang berlaku tidak dapat ditebak: sisakan satu jenis di folder ini"
        )
        failures = [Failure(str(p), None, "-", p.name, rule) for p in kecamatan.files]
        raise InputRejected(kecamatan.files[0], failures)

    with warehouse.connect() as con:
        peta = PetaUkuran.from_warehouse(con)
        needed = needed_measures(con, tahun(semester))
        kode_daerah = con.execute("SELECT kode FROM raw.daerah").fetchone()[0]
        wilayah = {r[0] for r in con.execute(REFERENCE_SETS["wilayah"].sql).fetchall()}
    known, regions, explain = _read_context(warehouse, S.DKB_AGREGAT_KECAMATAN)

    if not kecamatan.files and not siak.files:  # a semester of resident extracts only
        with warehouse.connect() as con:
            _ensure_table(con)
            replace_partition(
                con, TABLE, "semester", semester, f"SELECT * FROM {TABLE} WHERE false"
            )
        return dg.MaterializeResult(metadata={"jumlah_baris": 0, "dagster/row_count": 0})

    chosen, warnings, failures = _latest_snapshots(siak.files)
    if failures:
        raise InputRejected(Path(failures[0].file), failures)
    now = datetime.now(UTC).replace(tzinfo=None)
    frames, checks, receipts = [], [], []
    for path in [*kecamatan.files, *chosen]:
        if path in kecamatan.files:
            long, check, file_warnings, table = read_kecamatan_file(
                path, peta, semester, known, regions, explain
            )
        else:
            long, check, file_warnings, table = read_siak_file(
                path, peta, semester, kode_daerah, wilayah, explain
            )
        warnings += file_warnings
        relative = str(path.relative_to(raw_dir))
        received_at = _first_received(warehouse, relative, table.sha256) or now
        frames.append(
            long.assign(_berkas=relative, _sha256=table.sha256, _diterima_pada=received_at)
        )
        checks.append(check.assign(_berkas=relative, _sha256=table.sha256))
        n_rows = long["_baris"].nunique()
        receipts.append((relative, table.sha256, path.stat().st_size, n_rows, path, received_at))
    long = pd.concat(frames, ignore_index=True)
    read = [r[0] for r in receipts]
    failures = _duplicates(long) + _missing_measures(long, peta, needed, folder, read)
    if failures:
        raise InputRejected(folder, failures)

    stored = long.dropna(subset=["nilai"]).drop_duplicates(["kode_wilayah", "ukuran"])
    # typed as declared, so that the first semester written creates the table right
    stored = stored[list(COLUMNS)].astype({n: _DTYPE[k] for n, (k, _) in COLUMNS.items()})
    total_checks = pd.concat([c for c in checks if not c.empty] or checks[:1], ignore_index=True)
    total_checks = total_checks.assign(sumber=S.DKB_AGREGAT).astype(LINEAGE_TYPES)
    with warehouse.connect() as con:
        count = replace_partition(con, TABLE, "semester", semester, stored.reset_index(drop=True))
        record_files(con, warehouse, S.DKB_AGREGAT, semester, receipts, total_checks)
    for warning in warnings:
        context.log.warning(warning)
    breaks = total_checks[total_checks.selisih.abs() > 1e-6]
    for b in breaks.to_dict("records"):
        context.log.warning(
            f"{b['_berkas']} baris {b['baris']}, kolom {b['kolom']}: tercetak "
            f"{format_id_number(b['nilai_tercetak'])} ≠ jumlah "
            f"{format_id_number(b['jumlah_baris'])} (selisih {format_id_number(b['selisih'])}); "
            "angka tidak diubah, dicatat untuk rekonsiliasi."
        )
    missing = long[long["nilai"].isna()]
    for m in missing.to_dict("records"):
        context.log.warning(
            f"{m['_berkas']} baris {m['_baris']}, kolom {m['_kolom']}: sel kosong/NULL/'-' "
            "dibaca sebagai angka yang tidak ada (bukan 0)."
        )
    return dg.MaterializeResult(
        metadata={
            "jumlah_baris": count,
            "berkas": dg.MetadataValue.md(
                "\n".join(f"- `{r[0]}` sha256 `{r[1][:16]}…`" for r in receipts)
            ),
            "ukuran": ", ".join(sorted(stored["ukuran"].unique())),
            "selisih_baris_total": len(breaks),
            # unknown headers and snapshots not read, also in the UI (not only the run's log)
            "peringatan": dg.MetadataValue.md("\n".join(f"- {w}" for w in warnings) or "-"),
            "sel_tidak_ada": len(missing),
            "dagster/row_count": count,
        }
    )


def _ensure_table(con) -> None:
    columns = ", ".join(f"{name} {kind}" for name, (kind, _) in COLUMNS.items())
    con.execute(f"CREATE TABLE IF NOT EXISTS {TABLE} ({columns})")


@dg.asset(
    name=S.DKB_AGREGAT,
    key_prefix="raw",
    group_name="ingest",
    description="Agregat DKB satu semester, bentuk panjang (wilayah × ukuran), dari "
    "agregat_kecamatan.* atau ekspor SIAK agr_*.xlsx.",
    deps=[
        dg.AssetKey(["raw", name])
        for name in ("daerah", "wilayah", "wilayah_alias", "ukuran_dkb", "ukuran_header")
        + ("indikator_definisi",)
    ],
    partitions_def=SEMESTER,
    metadata={
        "dagster/column_schema": dg.TableSchema(
            columns=[dg.TableColumn(n, k, description=d) for n, (k, d) in COLUMNS.items()]
        ),
        "sumber": "dkb/<semester>/agregat_kecamatan.csv/.xlsx atau agr_*.xlsx",
    },
    kinds={"duckdb", "pandera"},
)
def dkb_agregat(
    context: dg.AssetExecutionContext, warehouse: Warehouse, pengaturan: Pengaturan
) -> dg.MaterializeResult:
    with refusal_as_failure():
        return ingest_dkb(context, warehouse, pengaturan)
