"""Record-level DKB extract (one row per resident): read, validate every rule, quarantine,
pseudonymise, persist to the restricted store, aggregate per kelurahan. All in DuckDB, so a
province-sized file is routine on one machine; Python only orchestrates.

Input contract (CSV with a header row, or Parquet), `raw/dkb/<semester>/penduduk.csv|.parquet`,
columns as SIAK exports name them; the rules are `pipelines/defs/rekaman/aturan.py`. Other columns
(NAMA_LGKP, TMPT_LHR, …) are allowed and never read, so names never leave this step.

Bad rows do not block a semester: each failed rule of each row goes to the quarantine table
(file, row as numbered in the file, column, rule, value) and the row is left out of the
aggregates. The run fails, writing nothing, when a rule marked fatal in
`raw/referensi/aturan_rekaman.csv` fails or the rejected share passes the threshold
(`DUKCAPIL_BATAS_KARANTINA`).
"""

from __future__ import annotations

import csv
import hashlib
import os
import re
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd

from pipelines.config import BatasUkuran, max_file_bytes
from pipelines.defs.masukan.berkas import one_file, semester_files
from pipelines.defs.masukan.sumber import ATURAN_REKAMAN, EKSTRAK_PENDUDUK, SIAK_KODE
from pipelines.defs.rekaman.aturan import (
    KOLOM_WILAYAH,
    Aturan,
    Konteks,
    compile_rules,
    declare_references,
    schema,
)
from pipelines.domain.data_pribadi import SPILL, lindungi
from pipelines.domain.kunci import sidik_file, tulis_sidik
from pipelines.domain.penolakan import Failure, InputRejected
from pipelines.domain.semester import cut_off
from pipelines.gudang.db import install_macros, load_sql


def find_extract(
    raw_dir: Path, semester: str, max_bytes: BatasUkuran = max_file_bytes
) -> Path | None:
    """The record-level file of a semester, or None when the semester has only aggregates;
    FolderRejected when the semester has neither (see pipelines/defs/masukan/berkas.py)."""
    files = semester_files(raw_dir, semester, max_bytes)[EKSTRAK_PENDUDUK.name].files
    return files[0] if files else None


def load_konteks(
    con: duckdb.DuckDBPyConnection,
    raw_dir: Path,
    semester: str,
    max_bytes: BatasUkuran = max_file_bytes,
) -> Konteks:
    """Reference lists for the rules: regions from the warehouse, SIAK codes from raw/referensi."""
    codes: dict[str, list[str]] = {}
    for domain, kode in con.execute(
        "SELECT domain, kode FROM read_csv(?, all_varchar=true)",
        [str(one_file(SIAK_KODE, raw_dir, max_bytes))],
    ).fetchall():
        codes.setdefault(domain, []).append(kode)
    return Konteks(
        cutoff=cut_off(semester),
        kode_daerah=tuple(r[0] for r in con.execute("SELECT kode FROM raw.daerah").fetchall()),
        kelurahan=tuple(r[0] for r in con.execute("SELECT kode FROM raw.wilayah").fetchall()),
        kode={d: tuple(v) for d, v in codes.items()},
    )


def load_severity(raw_dir: Path, max_bytes: BatasUkuran = max_file_bytes) -> dict[str, str]:
    """Rule id -> 'fatal' | 'karantina' (rules not listed are 'karantina')."""
    con = duckdb.connect()
    rows = con.execute(
        "SELECT aturan, tingkat FROM read_csv(?, all_varchar=true)",
        [str(one_file(ATURAN_REKAMAN, raw_dir, max_bytes))],
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


def _quoted(text: Path | str) -> str:
    """A file path (or any text) as a SQL string literal."""
    return "'" + str(text).replace("'", "''") + "'"


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


CSV_DELIMITERS = (",", ";", "\t", "|")


def _refused(path: Path, rule: str, row: int | None = None, column: str = "-") -> InputRejected:
    """A whole-file refusal. The value is never shown: a row of an extract holds NIK and names."""
    return InputRejected(path, [Failure(str(path), row, column, "(tidak ditampilkan)", rule)])


def _csv_header(path: Path, columns: list[str]) -> tuple[str, list[str]]:
    """Delimiter and column names of a CSV extract, from its first line (the file's own words,
    before DuckDB reads a row: its sniffer, misled by one ragged row, would see one column).
    Refuses, naming the file, what cannot be an UTF-8 CSV with the schema's columns."""
    with path.open("rb") as handle:
        head = handle.read(1 << 20)
    if not head:
        raise _refused(path, "file kosong (0 byte); ekspor ulang dari SIAK")
    if head[:2] in (b"\xff\xfe", b"\xfe\xff"):
        raise _refused(path, "file tersimpan sebagai UTF-16; simpan ulang sebagai CSV UTF-8")
    if head.startswith(b"PK\x03\x04"):
        raise _refused(
            path, "file ini buku kerja Excel (xlsx), bukan CSV; simpan sebagai CSV UTF-8"
        )
    if b"\x00" in head:
        raise _refused(
            path,
            "file bukan teks CSV (berisi byte NUL, mis. UTF-16 tanpa BOM); simpan ulang "
            "sebagai CSV UTF-8",
        )
    first = head.split(b"\n", 1)[0].rstrip(b"\r")
    try:
        line = first.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise _refused(
            path, "baris judul bukan teks UTF-8; simpan ulang sebagai CSV UTF-8", row=1
        ) from None
    # The delimiter is the one that makes the most of the schema's names appear in the header.
    best: list[str] = []
    delimiter = ","
    for candidate in CSV_DELIMITERS:
        names = [n.strip() for n in next(csv.reader([line], delimiter=candidate), [])]
        if len(set(names) & set(columns)) > len(set(best) & set(columns)):
            best, delimiter = names, candidate
    missing = [c for c in columns if c not in best]
    if missing:
        raise InputRejected(
            path,
            [Failure(str(path), 1, c, "(tidak ada)", "kolom wajib tidak ada") for c in missing],
        )
    twice = sorted({c for c in columns if best.count(c) > 1})
    if twice:
        raise InputRejected(
            path,
            [Failure(str(path), 1, c, "(ganda)", "kolom wajib muncul dua kali") for c in twice],
        )
    # Unread columns only need distinct names for DuckDB.
    names = [n if n in columns else f"_kolom_{i + 1}" for i, n in enumerate(best)]
    return delimiter, names


def _source(con: duckdb.DuckDBPyConnection, path: Path, columns: list[str]) -> tuple[str, int, int]:
    """SELECT of the schema's columns of the file, all as text; the number of fields every CSV
    row must have (0 for Parquet); and the number a person gives the file's first data row
    (CSV: 2, the header is row 1; Parquet: 1). The staged row `rowid` is that row's file row
    minus this number: see `_stage` for why the order holds."""
    if path.suffix == ".parquet":
        try:
            present = {
                r[0]
                for r in con.execute(
                    f"DESCRIBE SELECT * FROM read_parquet({_quoted(path)})"
                ).fetchall()
            }
        except duckdb.Error:
            raise _refused(
                path, "bukan file Parquet yang utuh (kosong atau rusak); ekspor ulang dari SIAK"
            ) from None
        missing = [c for c in columns if c not in present]
        if missing:
            raise InputRejected(
                path,
                [Failure(str(path), 1, c, "(tidak ada)", "kolom wajib tidak ada") for c in missing],
            )
        reader, fields, first = f"read_parquet({_quoted(path)})", 0, 1
    else:
        delimiter, names = _csv_header(path, columns)
        shape = ", ".join(f"{_quoted(n)}: 'VARCHAR'" for n in names)
        # Dialect fixed from the header; a row with the wrong number of fields or an open quote
        # is set aside in `_tolak_baris` (with its line) instead of stopping the read, so the
        # refusal can name every such row (`_csv_rejects`; 10,000 kept, the message shows 50).
        reader = (
            f"read_csv({_quoted(path)}, columns = {{{shape}}}, header = true, "
            f"auto_detect = false, delim = {_quoted(delimiter)}, quote = '\"', escape = '\"', "
            "store_rejects = true, rejects_table = '_tolak_baris', "
            "rejects_scan = '_tolak_pindai', rejects_limit = 10000)"
        )
        fields, first = len(names), 2
    cells = ", ".join(f"CAST({c} AS VARCHAR) AS {c}" for c in columns)
    return f"(SELECT {cells} FROM {reader})", fields, first


# An empty line, LF or CRLF: "\n\n" or "\n\r\n". One regex pass finds both, faster than one
# bytes.find of "\n\n" alone (0.06 vs 0.12 CPU s per 1M rows: find steps byte by byte).
_BLANK_LINE = re.compile(rb"\n\r?\n")


def _checksum_and_blank_line(
    path: Path, csv_file: bool, chunk_size: int = 1 << 24
) -> tuple[str, int | None]:
    """The file's SHA-256 (its lineage) and, for a CSV, the line of the first empty line that
    has a record after it, or None; one read of the file. DuckDB skips empty lines, so every
    row after one would be numbered one too low (and name another resident): such a file is
    refused instead. Empty lines at the end change no number and are allowed. Runs beside the
    staging; lines are counted only once an empty line is found."""
    digest = hashlib.sha256()
    buffer = bytearray(chunk_size)  # reused: no fresh 16 MiB allocation per chunk
    start, tail = 0, b""  # file offset of the chunk; the 2 bytes before it
    blank = None  # file offset of the first empty line's first "\n"
    with path.open("rb") as handle:
        while size := handle.readinto(buffer):
            chunk = memoryview(buffer)[:size]
            digest.update(chunk)
            if not csv_file:
                continue
            if blank is None:
                # a match straddling two chunks lies in the previous tail + this chunk's head
                edge = _BLANK_LINE.search(tail + bytes(chunk[:2]))
                hit = edge or _BLANK_LINE.search(chunk)
                if edge:
                    blank = start - len(tail) + edge.start()
                elif hit:
                    blank = start + hit.start()
                if blank is not None:  # does a record follow, in this chunk?
                    after = max(blank - start, 0)
                    if bytes(chunk[after:]).strip(b"\r\n"):
                        csv_file = False  # found and confirmed: only the checksum is left
                        blank = _line_number(path, blank)
            elif bytes(chunk).strip(b"\r\n"):  # a record after an earlier empty line
                csv_file, blank = False, _line_number(path, blank)
            tail = (tail + bytes(chunk[-2:]))[-2:]
            start += size
    if csv_file:  # no empty line, or only line ends after it: the end of the file
        blank = None
    return digest.hexdigest(), blank


def _line_number(path: Path, offset: int) -> int:
    """Line (from 1) of the empty line whose preceding "\n" is at byte `offset`."""
    newlines, left = 0, offset + 1
    with path.open("rb") as handle:
        while left > 0 and (chunk := handle.read(min(left, 1 << 24))):
            newlines += chunk.count(b"\n")
            left -= len(chunk)
    return newlines + 1


def _csv_rejects(con: duckdb.DuckDBPyConnection, path: Path, expected: int) -> None:
    """Refuse the file when DuckDB set CSV rows aside: each named by its row, never its content."""
    rows = con.execute(
        """
        SELECT line, error_type, min(column_idx), max(column_idx) FROM _tolak_baris
        GROUP BY ALL ORDER BY line
        """
    ).fetchall()
    failures = []
    for line, kind, low, high in rows:
        if kind == "TOO MANY COLUMNS":  # one entry per extra field, numbered from 1
            rule = f"jumlah kolom {high}, seharusnya {expected}"
        elif kind == "MISSING COLUMNS":  # one entry per absent field, from the first absent
            rule = f"jumlah kolom {low}, seharusnya {expected}"
        elif kind == "UNQUOTED VALUE":
            rule = "tanda kutip tidak ditutup"
        elif kind in ("INVALID ENCODING", "INVALID UNICODE"):
            rule = "bukan teks UTF-8 (mis. disimpan sebagai ANSI); simpan ulang sebagai CSV UTF-8"
        else:
            rule = "baris tidak dapat dibaca sebagai CSV"
        failures.append(Failure(str(path), line, "-", "(tidak ditampilkan)", rule))
    if failures:
        raise InputRejected(path, failures)


# Prefix of the staged copies of the region columns' texts, for the rules checked per region.
_TEKS = "_teks_"


def _bitmask(rules: list[tuple[int, Aturan]]) -> str:
    """SQL of the failed-rules bitmask: bit k set when rule k's `gagal` holds."""
    bits = " + ".join(f"CASE WHEN {r.gagal} THEN {1 << k} ELSE 0 END" for k, r in rules)
    return f"CAST({bits or 0} AS BIGINT)"


def _add_cells(pairs: str) -> str:
    """`_mentah` of a row failing a rule checked after staging: the cells `pairs`
    (`NAME := expr`) merged into the row's exported cells, which win where both exist."""
    return f"json_merge_patch(to_json(struct_pack({pairs})), coalesce(_mentah, '{{}}'))"


def _check_per_region(con: duckdb.DuckDBPyConnection, rules: list[tuple[int, Aturan]]) -> None:
    """The rules that read only the region columns, evaluated once per distinct tuple of their
    texts (`_wilayah`, a few hundred rows) instead of once per resident. The rows of a failing
    tuple get its bits and, as the values to show, their region cells as exported."""
    if not rules:
        return
    texts = ", ".join(f"{_TEKS}{c} AS {c}" for c in KOLOM_WILAYAH)
    con.execute(
        f"CREATE OR REPLACE TEMP TABLE _wilayah AS SELECT {_bitmask(rules)} AS _gagal, * "
        f"FROM (SELECT DISTINCT {texts} FROM _stg)"
    )
    if not con.execute("SELECT count(*) FROM _wilayah WHERE _gagal <> 0").fetchone()[0]:
        return  # the usual case: every region known, nothing to update
    same = " AND ".join(f"_stg.{_TEKS}{c} IS NOT DISTINCT FROM w.{c}" for c in KOLOM_WILAYAH)
    cells = ", ".join(f"{c} := _stg.{_TEKS}{c}" for c in KOLOM_WILAYAH)
    con.execute(
        f"""
        UPDATE _stg SET _gagal = _stg._gagal | w._gagal, _mentah = {_add_cells(cells)}
        FROM _wilayah AS w WHERE w._gagal <> 0 AND {same}
        """
    )


def _repeated(con: duckdb.DuckDBPyConnection, column: str) -> np.ndarray:
    """The values of staged `column` found on more than one row (NULLs aside). Sorted by NumPy
    (a vectorised sort): DuckDB's hash aggregate over millions of nearly all distinct keys took
    ≈ 1.3 CPU s per 5.5M rows, the sort ≈ 0.1–0.2 (benchmarks/README.md)."""
    values = con.execute(f"SELECT {column} FROM _stg WHERE {column} IS NOT NULL").fetchnumpy()
    ordered = np.sort(np.asarray(values[column]))
    return np.unique(ordered[1:][ordered[1:] == ordered[:-1]])


def _stage(
    con: duckdb.DuckDBPyConnection, path: Path, columns: list[str], rules: list[Aturan]
) -> int:
    """One read of the file into temp table `_stg` (sql/rekaman/tahap.sql), seen with its file
    row `_baris` through view `_tahap`; then the rows that failed a rule expanded to one
    `_pelanggaran` row per (row, rule) with the exported value. Returns the row count. Refuses
    the file when a row cannot be read or there is none.

    The file row is the staged rowid plus the first data row's number. That holds because the
    statement that reads the file is one scan of one source with projections only (no join,
    no window), which DuckDB writes in the file's order on every thread (its documented order
    preservation, planned as BATCH_CREATE_TABLE_AS); this is checked on the plan before
    reading, so a rule whose SQL brought a join (`IN (SELECT …)`: it once numbered file rows
    101…601 as rows ~30,000 apart) stops the run instead of naming other residents. Reference
    lists are looked up without a join (`declare_references`)."""
    source, fields, first = _source(con, path, columns)
    if len(rules) > 62:
        raise ValueError("lebih dari 62 aturan: bitmask _gagal perlu dipecah")
    per_row = [(k, r) for k, r in enumerate(rules) if not r.per_wilayah]
    mentah = "to_json(struct_pack(" + ", ".join(columns) + "))"
    select = load_sql("rekaman/tahap").format(
        sumber=source,
        gagal=_bitmask(per_row),
        mentah=mentah,
        teks_wilayah="".join(f"{c} AS {_TEKS}{c}, " for c in KOLOM_WILAYAH),
    )
    statement = f"CREATE OR REPLACE TEMP TABLE _stg AS {select}"
    plan = con.execute(f"EXPLAIN {statement}").fetchall()[0][1]
    if "BATCH_CREATE_TABLE_AS" not in plan:
        raise RuntimeError(
            "tahap rekaman tidak dijamin menyimpan urutan file (rencana DuckDB tanpa "
            "BATCH_CREATE_TABLE_AS): nomor baris tidak bisa diturunkan dari rowid"
        )
    con.execute(statement)
    con.execute(
        f"CREATE OR REPLACE TEMP VIEW _tahap AS SELECT rowid + {first} AS _baris, * FROM _stg"
    )
    if fields:
        _csv_rejects(con, path, fields)
    n = con.execute("SELECT count(*) FROM _stg").fetchone()[0]
    if not n:
        raise _refused(path, "file tidak berisi baris data (hanya baris judul, atau kosong)")
    _check_per_region(con, [(k, r) for k, r in enumerate(rules) if r.per_wilayah])
    for k, rule in enumerate(rules):
        if rule.unik:  # every row holding a repeated value fails (SIAK must say which is right)
            typed = rule.unik.lower()
            twice = _repeated(con, typed)
            if not len(twice):
                continue  # the usual case: no update
            con.register("_ganda_nilai", pd.DataFrame({"nilai": twice}))
            con.execute("CREATE OR REPLACE TEMP TABLE _ganda AS FROM _ganda_nilai")
            con.unregister("_ganda_nilai")
            # A row failing only this rule has no raw cells yet: its value is the staged one
            # (a valid NIK/KK has no leading zero, so the text is exact).
            con.execute(
                f"""
                UPDATE _stg SET
                    _gagal = _gagal | {1 << k},
                    _mentah = {_add_cells(f"{rule.unik} := CAST({typed} AS VARCHAR)")}
                WHERE {typed} IN (SELECT nilai FROM _ganda)
                """
            )

    shape = "{" + ", ".join(f'"{c}": "VARCHAR"' for c in columns) + "}"
    con.execute(
        "CREATE OR REPLACE TEMP TABLE _gagal_baris AS "
        f"SELECT _baris, _gagal, unnest(from_json(_mentah, '{shape}')) "
        "FROM _tahap WHERE _gagal <> 0"
    )
    selects = [
        f"SELECT _baris AS baris, '{r.kolom}' AS kolom, '{r.nama}' AS aturan, "
        f"CAST({r.nilai} AS VARCHAR) AS nilai FROM _gagal_baris WHERE (_gagal >> {k}) & 1 = 1"
        for k, r in enumerate(rules)
    ]
    con.execute("CREATE OR REPLACE TEMP TABLE _pelanggaran AS " + "\nUNION ALL\n".join(selects))
    return n


def _prepare_pseudonyms() -> bool:
    from pipelines.domain import pseudonim  # numba: imported only for extracts

    return pseudonim.prepare()


def _pseudonymise(con: duckdb.DuckDBPyConnection, key: bytes) -> None:
    """Arrow table `_diterima`: the accepted staged rows (typed, with their file row `_baris`)
    with the HMAC pseudonyms of their NIK and KK (pipelines/domain/pseudonim.py) appended as
    columns in the same order, in place of the raw numbers; read by
    sql/rekaman/penduduk_terbatas.sql. Fetched once and never joined back on a key: the same CPU
    as the join on rowid it replaces (benchmarks/README.md), and the staging table can be
    dropped before the write."""
    from pipelines.domain.pseudonim import pseudonyms

    staged_only = ", ".join(["_gagal", "_mentah", *(f"{_TEKS}{c}" for c in KOLOM_WILAYAH)])
    rows = con.execute(f"SELECT * EXCLUDE ({staged_only}) FROM _tahap WHERE _gagal = 0")
    table = rows.to_arrow_table()
    con.execute("DROP VIEW _tahap; DROP TABLE _stg")  # held twice otherwise while writing
    for column, pseudonym in (("nik", "nik_pseudonim"), ("no_kk", "kk_pseudonim")):
        nomor = table.column(column).to_numpy()  # accepted rows: every number is present
        table = table.drop_columns(column).append_column(pseudonym, pseudonyms(nomor, key))
    con.register("_diterima", table)


@lindungi  # masked values in refusals, no exception text, files 0600 in 0700 folders
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
    are rejected; the store then keeps its previous state. Values leave masked, and any other
    failure as GagalRekaman (`lindungi`, pipelines/domain/data_pribadi.py)."""
    spill = store / SPILL  # spilled pages hold personal data too: keep them here
    spill.mkdir(parents=True, exist_ok=True)
    os.chmod(store, 0o700)
    clock = {"mulai": time.perf_counter()}

    def step(name: str) -> None:
        clock[name] = time.perf_counter()

    # While DuckDB stages the file (no GIL), two threads: one read of the file for the
    # checksum (lineage; hashlib releases the GIL on large buffers) and, for CSV, the search for
    # an empty line that would shift the row numbers after it; and the pseudonym loop's import
    # and load from numba's cache (~0.5 s otherwise spent after staging).
    background = ThreadPoolExecutor(max_workers=2)
    scanned = background.submit(_checksum_and_blank_line, path, path.suffix != ".parquet")
    hmac_ready = background.submit(_prepare_pseudonyms)
    # Stage and validate in memory (spilling under the restricted folder); the store is written
    # only once the extract has passed, so a rejected file leaves it exactly as it was.
    con = duckdb.connect()
    try:
        con.execute(f"SET memory_limit = '{memory_limit}'")
        con.execute(f"SET temp_directory = {_quoted(spill)}")
        model = schema(konteks)
        rules = compile_rules(model)
        declare_references(con, konteks)
        n = _stage(con, path, list(model.columns), rules)
        sha256, line = scanned.result()
        if line:
            raise _refused(
                path,
                "baris kosong di tengah file; hapus baris itu (nomor baris sesudahnya bergeser)",
                row=line,
            )
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
        # The file's lineage is one value per column for every row: as an ENUM the Parquet
        # writer takes each row's from the dictionary index instead of hashing the text per row
        # (≈ 1 CPU s per 5.5M rows); the file still holds plain strings.
        con.execute(
            "CREATE OR REPLACE TYPE konstanta_berkas AS ENUM ("
            "SELECT DISTINCT unnest(?::VARCHAR[]))",
            [[semester, berkas, sha256]],
        )
        params = {
            "semester": semester,
            "cutoff": konteks.cutoff,
            "berkas": berkas,
            "sha256": sha256,
        }
        penduduk = restricted_file(store, "penduduk", semester)
        karantina = restricted_file(store, "karantina", semester)
        penduduk_baru, accepted = write_parquet(
            con, load_sql("rekaman/penduduk_terbatas"), params, penduduk
        )
        if accepted != n - rejected:  # nothing accepted lost on the way to the file
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
        sidik = sidik_file(store, semester)  # the key's fingerprint (pipelines/domain/kunci.py)
        sidik_baru = tulis_sidik(sidik, key, sha256, berkas)
        # Everything succeeded: the new pair replaces the previous one, renames back to back.
        os.replace(penduduk_baru, penduduk)
        os.replace(karantina_baru, karantina)
        os.replace(sidik_baru, sidik)
    finally:
        con.close()
        background.shutdown(wait=True, cancel_futures=True)
        for table in ("penduduk", "karantina"):  # leftovers of a failed run (personal data)
            restricted_file(store, table, semester).with_suffix(".parquet.tmp").unlink(
                missing_ok=True
            )
        sidik_file(store, semester).with_suffix(".json.tmp").unlink(missing_ok=True)
    names = list(clock)
    detik = {b: clock[b] - clock[a] for a, b in zip(names, names[1:], strict=False)}
    return Hasil(berkas, sha256, n, accepted, rejected, summary, agregat, detik, native)
