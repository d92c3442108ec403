"""Record-level DKB extract (one row per resident): read, validate every rule, quarantine,
pseudonymise, persist to the restricted store, aggregate per kelurahan. All in DuckDB, so a
province-sized file is routine on one machine; Python only orchestrates.

Input contract (CSV with a header row, or Parquet), `raw/dkb/<semester>/penduduk.csv|.parquet`,
columns as SIAK exports name them; the rules are `pipelines/validate/rekaman.py`. Other columns
(NAMA_LGKP, TMPT_LHR, …) are allowed and never read, so names never leave this step.

Bad rows do not block a semester: each failed rule of each row goes to the quarantine table
(file, row as numbered in the file, column, rule, value) and the row is left out of the
aggregates. The run fails, writing nothing, when a rule marked fatal in
`raw/referensi/aturan_rekaman.csv` fails or the rejected share passes the threshold
(`DUKCAPIL_BATAS_KARANTINA`).
"""

from __future__ import annotations

import os
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import pandas as pd
import pyarrow as pa

from pipelines.ingest.berkas import one_file, semester_files
from pipelines.ingest.readers import file_sha256
from pipelines.ingest.sources import ATURAN_REKAMAN, EKSTRAK_PENDUDUK, SIAK_KODE
from pipelines.orchestration.partitions import cut_off
from pipelines.validate.errors import Failure, InputRejected
from pipelines.validate.rekaman import Aturan, Konteks, compile_rules, schema
from pipelines.warehouse.db import install_macros, load_sql


def find_extract(raw_dir: Path, semester: str) -> Path | None:
    """The record-level file of a semester, or None when the semester has only aggregates;
    FolderRejected when the semester has neither (see pipelines/ingest/berkas.py)."""
    files = semester_files(raw_dir, semester)[EKSTRAK_PENDUDUK.name].files
    return files[0] if files else None


def load_konteks(con: duckdb.DuckDBPyConnection, raw_dir: Path, semester: str) -> Konteks:
    """Reference lists for the rules: regions from the warehouse, SIAK codes from raw/referensi."""
    codes: dict[str, list[str]] = {}
    for domain, kode in con.execute(
        "SELECT domain, kode FROM read_csv(?, all_varchar=true)",
        [str(one_file(SIAK_KODE, raw_dir))],
    ).fetchall():
        codes.setdefault(domain, []).append(kode)
    return Konteks(
        cutoff=cut_off(semester),
        kode_daerah=tuple(r[0] for r in con.execute("SELECT kode FROM raw.daerah").fetchall()),
        kelurahan=tuple(r[0] for r in con.execute("SELECT kode FROM raw.wilayah").fetchall()),
        kode={d: tuple(v) for d, v in codes.items()},
    )


def load_severity(raw_dir: Path) -> dict[str, str]:
    """Rule id -> 'fatal' | 'karantina' (rules not listed are 'karantina')."""
    con = duckdb.connect()
    rows = con.execute(
        "SELECT aturan, tingkat FROM read_csv(?, all_varchar=true)",
        [str(one_file(ATURAN_REKAMAN, raw_dir))],
    ).fetchall()
    return dict(rows)


@dataclass
class Hasil:
    """Outcome of one extract: counts for the run summary and the per-kelurahan aggregates."""

    berkas: str
    sha256: str
    baris: int
    diterima: int
    dikarantina: int  # rows (a row failing two rules counts once)
    pelanggaran: pd.DataFrame  # aturan, kolom, tingkat, jumlah
    agregat: pd.DataFrame  # long form, conformed.dkb_agregat columns
    detik: dict[str, float] = field(default_factory=dict)  # seconds per step
    hmac_native: bool = True  # False: pseudonyms came from hashlib one by one (slow path)

    @property
    def porsi_karantina(self) -> float:
        return self.dikarantina / self.baris if self.baris else 0.0


def _quoted(path: Path) -> str:
    """A file path as a SQL string literal."""
    return "'" + str(path).replace("'", "''") + "'"


def restricted_file(store: Path, table: str, semester: str) -> Path:
    """One Parquet file per table and semester, Hive-style, so a province or the country can
    later be read (or written) partitioned by any engine that reads Parquet."""
    return store / table / f"semester={semester}" / f"{table}.parquet"


def write_parquet(
    con: duckdb.DuckDBPyConnection, query: str, params: dict, target: Path
) -> tuple[Path, int]:
    """Write one restricted partition beside its place, as `<table>.parquet.tmp`; returns that
    file and its row count. The caller renames it into place (`os.replace`) only once every
    file of the extract is written, so a reader or a crash sees the previous files or the new
    ones, never half of one, and never a new penduduk beside an old karantina."""
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_suffix(".parquet.tmp")
    con.execute(f"COPY ({query}) TO {_quoted(partial)} (FORMAT parquet)", params)
    rows = con.execute("SELECT count(*) FROM read_parquet(?)", [str(partial)]).fetchone()[0]
    return partial, rows


def _source(con: duckdb.DuckDBPyConnection, path: Path, columns: list[str]) -> tuple[str, int]:
    """SELECT of the schema's columns of the file, all as text; and the row number of its first
    data row as a person sees it (CSV: the header is row 1; Parquet: the first row is 1)."""
    if path.suffix == ".parquet":
        reader, first_row = f"read_parquet({_quoted(path)})", 1
    else:
        reader, first_row = f"read_csv({_quoted(path)}, all_varchar=true, header=true)", 2
    present = {r[0] for r in con.execute(f"DESCRIBE SELECT * FROM {reader}").fetchall()}
    missing = [c for c in columns if c not in present]
    if missing:
        raise InputRejected(
            path,
            [Failure(str(path), 1, c, "(tidak ada)", "kolom wajib tidak ada") for c in missing],
        )
    cells = ", ".join(f"CAST({c} AS VARCHAR) AS {c}" for c in columns)
    return f"(SELECT {cells} FROM {reader})", first_row


def _stage(
    con: duckdb.DuckDBPyConnection, path: Path, columns: list[str], rules: list[Aturan]
) -> tuple[int, int]:
    """One read of the file into temp table `_stg` (sql/rekaman/tahap.sql), then the rows that
    failed a rule expanded to one `_pelanggaran` row per (row, rule) with the exported value.
    Returns the row count and the file's row number of staged rowid 0."""
    source, first_row = _source(con, path, columns)
    if len(rules) > 62:
        raise ValueError("lebih dari 62 aturan: bitmask _gagal perlu dipecah")
    gagal = " + ".join(f"CASE WHEN {r.gagal} THEN {1 << k} ELSE 0 END" for k, r in enumerate(rules))
    mentah = "to_json(struct_pack(" + ", ".join(columns) + "))"
    select = load_sql("rekaman/tahap").format(
        sumber=source, gagal=f"CAST({gagal} AS BIGINT)", mentah=mentah
    )
    # Insertion order is preserved (DuckDB default), so rowid follows the file's row order: the
    # row as numbered in the file is `rowid + first_row`, computed where it is read (a stored
    # column would cost an UPDATE of every row, and every later scan would merge that update).
    con.execute(f"CREATE OR REPLACE TEMP TABLE _stg AS {select}")
    for k, rule in enumerate(rules):
        if rule.unik:  # every row holding a repeated value fails (SIAK must say which is right)
            typed = rule.unik.lower()
            con.execute(
                "CREATE OR REPLACE TEMP TABLE _ganda AS "
                f"SELECT {typed} AS nilai FROM _stg WHERE {typed} IS NOT NULL "
                "GROUP BY ALL HAVING count(*) > 1"
            )
            if not con.execute("SELECT count(*) FROM _ganda").fetchone()[0]:
                continue  # the usual case: no second scan, no update
            # A row failing only this rule has no raw JSON yet: its value is the staged one
            # (a valid NIK/KK has no leading zero, so the text is exact).
            con.execute(
                f"""
                UPDATE _stg SET
                    _gagal = _gagal | {1 << k},
                    _mentah = coalesce(
                        _mentah, to_json(struct_pack({rule.unik} := CAST({typed} AS VARCHAR)))
                    )
                WHERE {typed} IN (SELECT nilai FROM _ganda)
                """
            )

    shape = "{" + ", ".join(f'"{c}": "VARCHAR"' for c in columns) + "}"
    con.execute(
        "CREATE OR REPLACE TEMP TABLE _gagal_baris AS "
        f"SELECT rowid + {first_row} AS _baris, _gagal, unnest(from_json(_mentah, '{shape}')) "
        "FROM _stg WHERE _gagal <> 0"
    )
    selects = [
        f"SELECT _baris AS baris, '{r.kolom}' AS kolom, '{r.nama}' AS aturan, "
        f"CAST({r.nilai} AS VARCHAR) AS nilai FROM _gagal_baris WHERE (_gagal >> {k}) & 1 = 1"
        for k, r in enumerate(rules)
    ]
    con.execute("CREATE OR REPLACE TEMP TABLE _pelanggaran AS " + "\nUNION ALL\n".join(selects))
    return con.execute("SELECT count(*) FROM _stg").fetchone()[0], first_row


def _prepare_pseudonyms() -> bool:
    from pipelines.ingest import pseudonim  # numba: imported only for extracts

    return pseudonim.prepare()


def _pseudonymise(con: duckdb.DuckDBPyConnection, key: bytes) -> None:
    """Arrow table `_pseudonim` (rid = the staged row's rowid, HMAC pseudonyms of its NIK and
    KK; pipelines/ingest/pseudonim.py) for the accepted rows, joined back on rowid by
    sql/rekaman/penduduk_terbatas.sql."""
    from pipelines.ingest.pseudonim import pseudonyms

    nomor = con.execute("SELECT rowid AS rid, nik, no_kk FROM _stg WHERE _gagal = 0").fetchnumpy()
    table = pa.table(
        {
            "rid": nomor["rid"],
            "nik_pseudonim": pseudonyms(nomor["nik"], key),
            "kk_pseudonim": pseudonyms(nomor["no_kk"], key),
        }
    )
    con.register("_pseudonim", table)


def ingest_extract(
    path: Path,
    *,
    semester: str,
    berkas: str,
    konteks: Konteks,
    severity: dict[str, str],
    key: bytes,
    store: Path,  # the restricted folder, warehouse/terbatas
    threshold: float,
    memory_limit: str = "2GB",
) -> Hasil:
    """Validate `path`, then (only if it passes) write its rows and quarantine to `store`.
    Raises InputRejected, with file/row/column/value, when a fatal rule fails or too many rows
    are rejected; the store then keeps its previous state."""
    spill = store / "spill"  # spilled pages hold personal data too: keep them here
    spill.mkdir(parents=True, exist_ok=True)
    os.chmod(store, 0o700)
    clock = {"mulai": time.perf_counter()}

    def step(name: str) -> None:
        clock[name] = time.perf_counter()

    # While DuckDB stages the file (no GIL), two threads: the checksum for lineage (hashlib
    # releases the GIL on large buffers; both read the same pages from the OS cache) and the
    # pseudonym loop's import and load from numba's cache (~0.5 s otherwise spent after staging).
    background = ThreadPoolExecutor(max_workers=2)
    sha256_future = background.submit(file_sha256, path)
    hmac_ready = background.submit(_prepare_pseudonyms)
    # Stage and validate in memory (spilling under the restricted folder); the store is written
    # only once the extract has passed, so a rejected file leaves it exactly as it was.
    con = duckdb.connect()
    try:
        con.execute(f"SET memory_limit = '{memory_limit}'")
        con.execute(f"SET temp_directory = {_quoted(spill)}")
        model = schema(konteks)
        rules = compile_rules(model)
        con.execute(
            "CREATE OR REPLACE TEMP TABLE _kelurahan_dikenal AS "
            "SELECT unnest(?::VARCHAR[]) AS kode",
            [list(konteks.kelurahan)],
        )
        n, first_row = _stage(con, path, list(model.columns), rules)
        step("baca_validasi")
        tingkat = {r.nama: severity.get(r.nama, "karantina") for r in rules}
        con.execute(
            "CREATE OR REPLACE TEMP TABLE _tingkat AS "
            "SELECT unnest(?::VARCHAR[]) AS aturan, unnest(?::VARCHAR[]) AS tingkat",
            [list(tingkat), list(tingkat.values())],
        )
        summary = con.execute(
            """
            SELECT p.aturan, p.kolom, t.tingkat, count(*) AS jumlah
            FROM _pelanggaran AS p JOIN _tingkat AS t USING (aturan)
            GROUP BY ALL ORDER BY jumlah DESC, aturan
            """
        ).df()
        rejected = con.execute("SELECT count(DISTINCT baris) FROM _pelanggaran").fetchone()[0]

        fatal = con.execute(
            """
            SELECT baris, kolom, nilai, aturan FROM _pelanggaran JOIN _tingkat USING (aturan)
            WHERE tingkat = 'fatal' ORDER BY baris LIMIT 50
            """
        ).fetchall()
        if fatal:
            raise InputRejected(
                path,
                [Failure(str(path), b, k, v or "", f"{a} (aturan fatal)") for b, k, v, a in fatal],
            )
        if n and rejected / n > threshold:
            sample = con.execute(
                "SELECT baris, kolom, nilai, aturan FROM _pelanggaran ORDER BY baris LIMIT 20"
            ).fetchall()
            raise InputRejected(
                path,
                [
                    Failure(
                        str(path),
                        None,
                        "-",
                        f"{rejected} dari {n} baris",
                        f"porsi baris dikarantina {rejected / n:.2%} melebihi batas "
                        f"{threshold:.2%} (DUKCAPIL_BATAS_KARANTINA)",
                    ),
                    *(Failure(str(path), b, k, v or "", a) for b, k, v, a in sample),
                ],
            )

        install_macros(con)
        native = hmac_ready.result()
        _pseudonymise(con, key)
        step("pseudonim")
        sha256 = sha256_future.result()
        params = {
            "semester": semester,
            "cutoff": konteks.cutoff,
            "berkas": berkas,
            "sha256": sha256,
            "baris_pertama": first_row,
        }
        penduduk = restricted_file(store, "penduduk", semester)
        karantina = restricted_file(store, "karantina", semester)
        penduduk_baru, accepted = write_parquet(
            con, load_sql("rekaman/penduduk_terbatas"), params, penduduk
        )
        if accepted != n - rejected:  # every accepted row has its pseudonyms (inner join)
            raise RuntimeError(f"{penduduk}: {accepted} baris tersimpan, {n - rejected} diterima")
        step("simpan")
        karantina_baru, _ = write_parquet(
            con,
            """
            SELECT $semester AS semester, $berkas AS berkas, p.baris, p.kolom, p.aturan,
                   t.tingkat, p.nilai
            FROM _pelanggaran AS p JOIN _tingkat AS t USING (aturan)
            ORDER BY p.baris, p.aturan
            """,
            {"semester": semester, "berkas": berkas},
            karantina,
        )
        step("karantina_simpan")
        # Aggregate from what was written, so the counts are those of the restricted store.
        con.execute(
            f"CREATE OR REPLACE TEMP VIEW penduduk AS FROM read_parquet({_quoted(penduduk_baru)})"
        )
        agregat = con.execute(
            load_sql("rekaman/agregat_kelurahan"),
            {"semester": semester, "cutoff": konteks.cutoff},
        ).df()
        step("agregat")
        con.close()  # releases the files before they are renamed
        # Everything succeeded: the new pair replaces the previous one, two renames back to back.
        os.replace(penduduk_baru, penduduk)
        os.replace(karantina_baru, karantina)
    finally:
        con.close()
        background.shutdown(wait=True, cancel_futures=True)
        for table in ("penduduk", "karantina"):  # leftovers of a failed run (personal data)
            restricted_file(store, table, semester).with_suffix(".parquet.tmp").unlink(
                missing_ok=True
            )
    names = list(clock)
    detik = {b: clock[b] - clock[a] for a, b in zip(names, names[1:], strict=False)}
    return Hasil(berkas, sha256, n, accepted, rejected, summary, agregat, detik, native)
