"""What the LAKIP exports share: which years to report, the SELECTs under sql/lakip/, the
printed context of a year (semester, date), Indonesian number text, and atomic file writes.

Figures reach the exports already under the display rule: every query applies the SQL macro
`tampil()` (sql/macros/tampil.sql), and `persen()` below runs that same macro, so the rule has
one definition.
"""

from __future__ import annotations

import os
import re
import tomllib
from collections.abc import Callable
from pathlib import Path

import duckdb
import pandas as pd

from pipelines.domain.semester import romawi
from pipelines.gudang.db import load_sql

TEMPLATES_DIR = Path(__file__).resolve().parent / "templates"
BULAN = (
    "Januari Februari Maret April Mei Juni Juli Agustus September Oktober November Desember"
).split()


def template(name: str) -> dict:
    with (TEMPLATES_DIR / name).open("rb") as f:
        return tomllib.load(f)


def _iku_laporan(con: duckdb.DuckDBPyConnection) -> None:
    """The indicators a year's report lists (sql/lakip/iku_laporan.sql), as a temporary view:
    one definition for every query that lists them, nothing added to the warehouse."""
    con.execute(f"CREATE TEMP VIEW IF NOT EXISTS iku_laporan AS {load_sql('lakip/iku_laporan')}")


def tahun_laporan(con: duckdb.DuckDBPyConnection) -> list[int]:
    """Every year with data for a Tabel 3: with targets, or with realisations only."""
    _iku_laporan(con)
    return [
        r[0]
        for r in con.execute("SELECT DISTINCT tahun FROM iku_laporan ORDER BY tahun").fetchall()
    ]


def kelengkapan(con: duckdb.DuckDBPyConnection, tahun: int) -> list[str]:
    """What the year still lacks, in the officer's sentences of mart.kelengkapan_tahun
    (targets, realisations, budget, Semester II); empty for a complete year."""
    return [r[0] for r in query(con, "lakip/kelengkapan_tahun", tahun).itertuples(index=False)]


def query(con: duckdb.DuckDBPyConnection, name: str, tahun: int, **params) -> pd.DataFrame:
    """Run `sql/<name>.sql` for one year (and any other `$name` it takes); SQL NULLs come back
    as None."""
    _iku_laporan(con)
    df = con.execute(load_sql(name), {"tahun": tahun, **params}).df()
    return df.astype(object).where(df.notna(), None)


def periode(con: duckdb.DuckDBPyConnection, tahun: int) -> dict:
    """The planning period `tahun` falls in (sql/lakip/periode_perencanaan.sql): {dokumen},
    {tahun_awal}, {tahun_akhir}, and its years in order ({daftar_tahun}), the years Tabel 11 and
    the trend chart span."""
    p = query(con, "lakip/periode_perencanaan", tahun).to_dict("records")[0]
    return {**p, "daftar_tahun": list(range(p["tahun_awal"], p["tahun_akhir"] + 1))}


def per_kecamatan(con: duckdb.DuckDBPyConnection, tahun: int) -> pd.DataFrame:
    """DKB counts of the year's last semester, one row per kecamatan then the kab/kota total
    (column `total`), one column per measure."""
    long = query(con, "lakip/kecamatan", tahun)
    wide = long.pivot_table(
        index=["kode_wilayah", "nama_wilayah", "tingkat"],
        columns="ukuran",
        values="nilai",
        aggfunc="sum",
    ).reset_index()
    wide["total"] = wide["tingkat"] != "kecamatan"
    return wide.sort_values(["total", "kode_wilayah"]).reset_index(drop=True)


def persen(con: duckdb.DuckDBPyConnection, pembilang: pd.Series, penyebut: pd.Series) -> list:
    """pembilang / penyebut x 100 under the display rule (the SQL macro), None when undefined."""
    pairs = [
        [float(a), float(b)] if pd.notna(a) and pd.notna(b) and b != 0 else None
        for a, b in zip(pembilang, penyebut, strict=True)
    ]
    shown = con.execute(
        "SELECT list_transform($p, x -> tampil(x[1] / x[2] * 100))", {"p": pairs}
    ).fetchone()[0]
    return list(shown)


def instansi(con: duckdb.DuckDBPyConnection) -> dict:
    """The office the outputs are about (raw/referensi/daerah.csv): {kode_daerah}, {daerah}
    (as written there, e.g. "KOTA X"), {nama_daerah} ("Kota X"), {instansi} and
    {instansi_daerah}, the office's name followed by its region's unless it already says it."""
    row = con.execute(load_sql("lakip/instansi")).fetchone()
    if row is None:
        raise ValueError("raw/referensi/daerah.csv tidak berisi kabupaten/kota yang dilayani")
    kode, nama, _, nama_instansi = row
    wilayah = " ".join(nama.split()).title()
    # "Dinas … Kab. Timor Tengah Selatan" already says "KABUPATEN TIMOR TENGAH SELATAN"
    inti = re.sub(r"^(KOTA|KABUPATEN|KAB\.?)\s+", "", wilayah.upper())
    lengkap = (
        nama_instansi
        if inti.casefold() in nama_instansi.casefold()
        else f"{nama_instansi} {wilayah}"
    )
    return {
        "kode_daerah": kode,
        "daerah": nama,
        "nama_daerah": wilayah,
        "instansi": nama_instansi,
        "instansi_daerah": lengkap,
    }


def konteks(con: duckdb.DuckDBPyConnection, tahun: int) -> dict:
    """Placeholders of titles and source lines: {tahun}, {tahun_1}…{tahun_4}, the planning
    period in force ({periode}) and its years before this one ({tahun_riwayat}), the last DKB
    semester of the year in words
    ({semester_romawi}) and its date ({tanggal_data}), and the office (`instansi`)."""
    row = con.execute(
        "SELECT max(semester), max(tanggal_data) FROM mart.agregat_wilayah WHERE tahun = ?",
        [tahun],
    ).fetchone()
    semester, tanggal = row if row and row[0] else (None, None)
    p = periode(con, tahun)
    return {
        **instansi(con),
        "tahun": tahun,
        "periode": (
            f"{p['dokumen']} {p['tahun_awal']}–{p['tahun_akhir']}"
            if p["dokumen"]
            else f"{p['tahun_awal']}–{p['tahun_akhir']} (tanpa periode perencanaan tercatat)"
        ),
        "tahun_riwayat": (
            f"{p['tahun_awal']}–{tahun - 1}" if p["tahun_awal"] < tahun - 1 else str(tahun - 1)
        ),
        **{f"tahun_{n}": tahun - n for n in range(1, 5)},
        "semester_romawi": romawi(semester) if semester else "?",
        "tanggal_data": (
            f"{tanggal.day} {BULAN[tanggal.month - 1]} {tanggal.year}" if tanggal else "?"
        ),
    }


def angka_id(x: float | int | None) -> str:
    """A figure as the report prints it: 330.876, 204,54, 70. The value is not rounded here:
    percentages arrive already truncated by the display rule."""
    if x is None:
        return "-"
    if float(x).is_integer():
        return f"{int(x):,}".replace(",", ".")
    return f"{x:,.2f}".replace(",", "_").replace(".", ",").replace("_", ".")


def tulis_atomik(path: Path, tulis: Callable[[Path], None]) -> Path:
    """Write through a temporary file in the same folder, then rename: a reader never opens a
    half-written export, and a failed run leaves the previous one."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp")
    try:
        tulis(tmp)
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)
    return path


def folder_tahun(reports_dir: Path, tahun: int) -> Path:
    return reports_dir / str(tahun)
