"""Record-level DKB extract (one row per resident): read, validate every rule, quarantine,
pseudonymise, persist to the restricted store, aggregate per kelurahan. The file is read once,
by DuckDB, and its rows stream to a second DuckDB that writes them; Python only adds the
pseudonyms to each batch, so a province-sized file is routine on one machine.

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
import itertools
import os
import re
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

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
    # Dictionaries only for columns with few values per row group (codes, lineage): the
    # writer's attempt at one for the pseudonyms (all distinct) and dates cost ≈ 0.6 CPU s per
    # 5.5M rows and saved < 1 % of the file (benchmarks/README.md).
    con.execute(
        f"COPY ({query}) TO {_quoted(partial)} (FORMAT parquet, DICTIONARY_SIZE_LIMIT 1000)",
        params,
    )
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


def _bitmask(rules: list[tuple[int, Aturan]]) -> str:
    """SQL of the failed-rules bitmask: bit k set when rule k's `gagal` holds."""
    bits = " + ".join(f"CASE WHEN {r.gagal} THEN {1 << k} ELSE 0 END" for k, r in rules)
    return f"CAST({bits or 0} AS BIGINT)"


def _add_cells(pairs: str) -> str:
    """`_mentah` of a row failing a rule checked after reading: the cells `pairs`
    (`NAME := expr`) merged into the row's exported cells, which win where both exist."""
    return f"json_merge_patch(to_json(struct_pack({pairs})), coalesce(_mentah, '{{}}'))"


# SQL of a row's four region texts joined by '|'. A key the known spellings hold has exactly
# three '|' (their parts are digits), so it cannot be met by texts that hold one.
_REGION_KEY = " || '|' || ".join(KOLOM_WILAYAH)


def _spellings(part: str) -> set[str]:
    """'0011' -> {'0011', '011', '11'}: a code part with any number of its leading zeros left
    out, as SIAK and spreadsheets write them."""
    return {part[i:] for i in range(len(part)) if i == 0 or part[i - 1] == "0"}


def _declare_known_regions(
    con: duckdb.DuckDBPyConnection, rules: list[tuple[int, Aturan]], konteks: Konteks
) -> None:
    """ENUM `wilayah_teks_sah`: the spellings of the office's kelurahan (each code part with or
    without leading zeros, `_REGION_KEY`) that pass every rule checked per region, evaluated
    here by those rules' own SQL. A row spelled one of them passes those rules by one hash
    lookup while the file is read; any other row gets the rules themselves afterwards
    (`_check_regions`). A spelling missing here costs time, never a wrong verdict."""
    keys = sorted(
        {
            "|".join(parts)
            for code in konteks.kelurahan
            if len(code.split(".")) == len(KOLOM_WILAYAH)
            for parts in itertools.product(*(sorted(_spellings(p)) for p in code.split(".")))
        }
    )
    split = ", ".join(f"split_part(k, '|', {i + 1}) AS {c}" for i, c in enumerate(KOLOM_WILAYAH))
    passing = [
        k
        for (k,) in con.execute(
            f"SELECT k FROM (SELECT {_bitmask(rules)} AS _gagal, k FROM "
            f"(SELECT k, {split} FROM (SELECT unnest(?::VARCHAR[]) AS k))) WHERE _gagal = 0",
            [keys],
        ).fetchall()
    ]
    # No '|' in '-': no row's key (three '|' at least) can equal it when none passes.
    con.execute(
        "CREATE OR REPLACE TYPE wilayah_teks_sah AS ENUM (SELECT unnest(?::VARCHAR[]))",
        [passing or ["-"]],
    )


def _check_regions(con: duckdb.DuckDBPyConnection, rules: list[tuple[int, Aturan]]) -> None:
    """The rules that read only the region columns, on the rows of `_kotor` whose region is
    spelled in no known way, once per distinct tuple of their four texts (as exported, from
    `_mentah`). The rows of a failing tuple get its bits."""
    if not rules:
        return
    texts = ", ".join(f"(_mentah->>'{c}') AS {c}" for c in KOLOM_WILAYAH)
    con.execute(
        f"CREATE OR REPLACE TEMP TABLE _wilayah AS SELECT {_bitmask(rules)} AS _gagal, * "
        f"FROM (SELECT DISTINCT {texts} FROM _kotor WHERE _wilayah_lain)"
    )
    if not con.execute("SELECT count(*) FROM _wilayah WHERE _gagal <> 0").fetchone()[0]:
        return
    same = " AND ".join(
        f"(_kotor._mentah->>'{c}') IS NOT DISTINCT FROM w.{c}" for c in KOLOM_WILAYAH
    )
    con.execute(
        f"""
        UPDATE _kotor SET _gagal = _kotor._gagal | w._gagal
        FROM _wilayah AS w WHERE _kotor._wilayah_lain AND w._gagal <> 0 AND {same}
        """
    )


def _staging_select(
    con: duckdb.DuckDBPyConnection, path: Path, columns: list[str], rules: list[Aturan]
) -> tuple[str, int, int]:
    """The one SELECT that reads the file (sql/rekaman/tahap.sql), the number of fields every
    CSV row must have (0 for Parquet) and the number of the file's first data row.

    A streamed row's file row is its position plus that number. That holds because the
    statement is one scan of one source with projections only (no join, no window), which
    DuckDB returns in the file's order on every thread (its documented order preservation,
    with batch indexes: the same statement stored would be planned as BATCH_CREATE_TABLE_AS);
    this is checked on the plan before reading, so a rule whose SQL brought a join
    (`IN (SELECT …)`: it once numbered file rows 101…601 as rows ~30,000 apart) stops the run
    instead of naming other residents. Reference lists are looked up without a join
    (`declare_references`, `_declare_known_regions`)."""
    source, fields, first = _source(con, path, columns)
    if len(rules) > 62:
        raise ValueError("lebih dari 62 aturan: bitmask _gagal perlu dipecah")
    select = load_sql("rekaman/tahap").format(
        sumber=source,
        gagal=_bitmask([(k, r) for k, r in enumerate(rules) if not r.per_wilayah]),
        wilayah_lain=f"TRY_CAST({_REGION_KEY} AS wilayah_teks_sah) IS NULL",
        mentah="to_json(struct_pack(" + ", ".join(columns) + "))",
    )
    plan = con.execute(f"EXPLAIN CREATE TEMP TABLE _urutan AS {select}").fetchall()[0][1]
    if "BATCH_CREATE_TABLE_AS" not in plan:
        raise RuntimeError(
            "tahap rekaman tidak dijamin menjaga urutan file (rencana DuckDB tanpa "
            "BATCH_CREATE_TABLE_AS): nomor baris tidak bisa diturunkan dari urutan baris"
        )
    return select, fields, first


# Columns of the staging select that stay in ingest_extract (with `_baris`): the rows the rules
# set aside, as `_kotor`.
_KOTOR = pa.schema(
    [
        ("_baris", pa.int64()),
        ("_gagal", pa.int64()),
        ("_wilayah_lain", pa.bool_()),
        ("_mentah", pa.string()),
    ]
)


@dataclass
class _Arus:
    """The file's rows as they stream from the reading to the writer, batch by batch: each
    row's file row counted, the rows failing a rule checked per row kept aside (`kotor`, with
    their exported cells) instead of written, the rows whose region is spelled in no known way
    written and also kept aside (their region rules come after), the columns of the uniqueness
    rules kept for after, NIK and KK replaced by their pseudonyms."""

    first: int  # file row of the first data row
    key: bytes
    unik: tuple[str, ...]  # staged columns whose values must not repeat
    n: int = 0
    kotor: list[pa.RecordBatch] = field(default_factory=list)
    nilai: dict[str, list[pa.Array]] = field(default_factory=dict)
    gagal: BaseException | None = None  # what stopped the stream (DuckDB sees only its text)

    def batches(self, reader: pa.RecordBatchReader) -> Iterator[pa.RecordBatch]:
        try:
            for batch in reader:
                yield self._accept(batch)
        except BaseException as error:
            self.gagal = error
            raise

    def schema(self, staged: pa.Schema) -> pa.Schema:
        """The written stream's columns: the staged typed ones, `_baris`, the pseudonyms."""
        kept = [f for f in staged if f.name not in (*_VERDICT, "nik", "no_kk")]
        return pa.schema(
            [
                pa.field("_baris", pa.int64()),
                *kept,
                pa.field("nik_pseudonim", pa.uuid()),
                pa.field("kk_pseudonim", pa.uuid()),
            ]
        )

    def _accept(self, batch: pa.RecordBatch) -> pa.RecordBatch:
        from pipelines.domain.pseudonim import pseudonyms

        size = batch.num_rows
        baris = pa.array(np.arange(self.n, self.n + size, dtype=np.int64) + self.first)
        self.n += size
        for column in self.unik:
            self.nilai.setdefault(column, []).append(batch.column(column))
        failed = pc.not_equal(batch.column("_gagal"), 0)
        aside = pc.or_(failed, batch.column("_wilayah_lain"))
        if pc.any(aside).as_py():
            self.kotor.append(
                pa.RecordBatch.from_arrays(
                    [
                        baris,
                        batch.column("_gagal"),
                        batch.column("_wilayah_lain"),
                        batch.column("_mentah").cast(pa.string()),
                    ],
                    schema=_KOTOR,
                ).filter(aside)
            )
        columns = {"_baris": baris, **{f.name: batch.column(f.name) for f in batch.schema}}
        if pc.any(failed).as_py():
            keep = pc.invert(failed)
            columns = {k: pc.filter(v, keep) for k, v in columns.items()}
        for column in _VERDICT:
            columns.pop(column)
        # Accepted rows passed the 16-digit rules: every number is present.
        columns["nik_pseudonim"] = pseudonyms(columns.pop("nik").to_numpy(), self.key, threads=1)
        columns["kk_pseudonim"] = pseudonyms(columns.pop("no_kk").to_numpy(), self.key, threads=1)
        return pa.RecordBatch.from_arrays(list(columns.values()), names=list(columns))


# Staged columns never written (nor are NIK and KK: their pseudonyms are): the rules' verdict,
# the region flag, the exported cells.
_VERDICT = ("_gagal", "_wilayah_lain", "_mentah")


def _set_aside(con: duckdb.DuckDBPyConnection, arus: _Arus) -> None:
    """Temp table `_kotor`: the rows set aside while reading (`_tertulis`: whether the row went
    to the written file, i.e. failed no rule checked per row)."""
    con.register("_kotor_arrow", pa.Table.from_batches(arus.kotor, schema=_KOTOR))
    con.execute(
        "CREATE OR REPLACE TEMP TABLE _kotor AS SELECT *, _gagal = 0 AS _tertulis FROM _kotor_arrow"
    )
    con.unregister("_kotor_arrow")


def _repeated(values: list[pa.Array], first: int) -> tuple[np.ndarray, np.ndarray]:
    """File rows and values of the rows whose value (NULLs aside) is found on more than one
    row. Sorted by NumPy (a vectorised sort): DuckDB's hash aggregate over millions of nearly
    all distinct keys took ≈ 1.3 CPU s per 5.5M rows, the sort ≈ 0.1–0.2
    (benchmarks/README.md)."""
    column = pa.chunked_array(values, pa.int64()).combine_chunks()
    present = column.is_valid().to_numpy(zero_copy_only=False)
    numbers = column.fill_null(0).to_numpy()
    ordered = np.sort(numbers[present])
    twice = np.unique(ordered[1:][ordered[1:] == ordered[:-1]])
    rows = np.flatnonzero(present & np.isin(numbers, twice)) if len(twice) else np.array([], int)
    return rows + first, numbers[rows]


def _check_unique(con: duckdb.DuckDBPyConnection, rules: list[Aturan], arus: _Arus) -> None:
    """Every row holding a repeated value fails its uniqueness rule (SIAK must say which is
    right); a row failing only that rule joins `_kotor`, its value the staged one (a valid
    NIK/KK has no leading zero, so the text is exact)."""
    for k, rule in enumerate(rules):
        if not rule.unik:
            continue
        rows, numbers = _repeated(arus.nilai[rule.unik.lower()], arus.first)
        if not len(rows):
            continue  # the usual case
        con.register("_ganda_arrow", pa.table({"_baris": rows, "nilai": numbers}))
        con.execute(
            "INSERT INTO _kotor SELECT _baris, 0, false, NULL, true FROM _ganda_arrow "
            "WHERE _baris NOT IN (SELECT _baris FROM _kotor)"
        )
        con.execute(
            f"""
            UPDATE _kotor SET
                _gagal = _gagal | {1 << k},
                _mentah = {_add_cells(f"{rule.unik} := CAST(g.nilai AS VARCHAR)")}
            FROM _ganda_arrow AS g WHERE _kotor._baris = g._baris
            """
        )
        con.unregister("_ganda_arrow")


def _violations(con: duckdb.DuckDBPyConnection, columns: list[str], rules: list[Aturan]) -> None:
    """Temp table `_pelanggaran`: one row per (row, failed rule) with the value as exported."""
    shape = "{" + ", ".join(f'"{c}": "VARCHAR"' for c in columns) + "}"
    con.execute(
        "CREATE OR REPLACE TEMP TABLE _gagal_baris AS "
        f"SELECT _baris, _gagal, unnest(from_json(_mentah, '{shape}')) "
        "FROM _kotor WHERE _gagal <> 0"
    )
    selects = [
        f"SELECT _baris AS baris, '{r.kolom}' AS kolom, '{r.nama}' AS aturan, "
        f"CAST({r.nilai} AS VARCHAR) AS nilai FROM _gagal_baris WHERE (_gagal >> {k}) & 1 = 1"
        for k, r in enumerate(rules)
    ]
    con.execute("CREATE OR REPLACE TEMP TABLE _pelanggaran AS " + "\nUNION ALL\n".join(selects))


def _drop_rows(writer: duckdb.DuckDBPyConnection, written: Path, rows: list[int]) -> int:
    """Take `rows` (file rows found failing a rule after the file was read) out of the written
    file: written again without them, in file-row order. Only when such rows exist."""
    again = written.with_suffix(".ulang.tmp")
    writer.register("_dibuang", pa.table({"_baris": pa.array(rows, pa.int64())}))
    writer.execute(
        f"COPY (SELECT * FROM read_parquet({_quoted(written)}) "
        "WHERE _baris NOT IN (SELECT _baris FROM _dibuang) ORDER BY _baris) "
        f"TO {_quoted(again)} (FORMAT parquet)"
    )
    writer.unregister("_dibuang")
    os.replace(again, written)
    return writer.execute("SELECT count(*) FROM read_parquet(?)", [str(written)]).fetchone()[0]


def _prepare_pseudonyms() -> bool:
    from pipelines.domain import pseudonim  # numba: imported only for extracts

    return pseudonim.prepare()


def _connect(memory_limit: str, spill: Path) -> duckdb.DuckDBPyConnection:
    """A DuckDB of its own (its own threads), spilling under the restricted folder: spilled
    pages hold personal data too."""
    spill.mkdir(parents=True, exist_ok=True)
    con = duckdb.connect()
    con.execute(f"SET memory_limit = '{memory_limit}'")
    con.execute(f"SET temp_directory = {_quoted(spill)}")
    return con


# How far the reading may run ahead of the writing, and rows per streamed batch (DuckDB's row
# group). With DuckDB's default 1 MB the reading waited for the writer and the two together used
# ~1.1 of 2 cores; with this, ~1.8 (benchmarks/README.md).
_RUN_AHEAD = "64MB"
_BATCH = 122_880


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
    """Validate `path` and write its rows and quarantine to `store`; the written files replace
    the previous ones only once the extract has passed. Raises InputRejected, with
    file/row/column/value, when a fatal rule fails or too many rows are rejected; the store
    then keeps its previous state. Values leave masked, and any other failure as GagalRekaman
    (`lindungi`, pipelines/domain/data_pribadi.py).

    One read of the file: DuckDB reads, types and checks each row (the rules of one row) and
    streams the rows to a second DuckDB that writes them, pseudonymised, to a `.tmp` beside
    the restricted file. The rules that need the whole file (NIK uniqueness; the region rules
    of rows spelled in no known way) come after; their rows are then taken out of the written
    file. Nothing is staged whole in memory: the staged table, its copy for the pseudonyms and
    the second pass over it cost a third of the CPU of the whole ingestion
    (benchmarks/README.md)."""
    spill = store / SPILL
    spill.mkdir(parents=True, exist_ok=True)
    os.chmod(store, 0o700)
    clock = {"mulai": time.perf_counter()}

    def step(name: str) -> None:
        clock[name] = time.perf_counter()

    # Beside the reading (DuckDB releases the GIL), two threads: one read of the file for the
    # checksum (lineage; hashlib releases the GIL on large buffers) and, for CSV, the search for
    # an empty line that would shift the row numbers after it; and the pseudonym loop's import
    # and load from numba's cache.
    background = ThreadPoolExecutor(max_workers=2)
    scanned = background.submit(_checksum_and_blank_line, path, path.suffix != ".parquet")
    hmac_ready = background.submit(_prepare_pseudonyms)
    con = _connect(memory_limit, spill / "baca")
    writer = _connect(memory_limit, spill / "tulis")
    # Half the cores write (one of two here): the reading and checking is the larger part, and
    # with as many writing threads as reading ones the 2-core run took ≈ 0.5 s longer in four
    # alternating pairs (benchmarks/README.md).
    writer.execute(f"SET threads = {max(1, len(os.sched_getaffinity(0)) // 2)}")
    penduduk = restricted_file(store, "penduduk", semester)
    karantina = restricted_file(store, "karantina", semester)
    try:
        con.execute(f"SET streaming_buffer_size = '{_RUN_AHEAD}'")
        model = schema(konteks)
        columns = list(model.columns)
        rules = compile_rules(model)
        per_region = [(k, r) for k, r in enumerate(rules) if r.per_wilayah]
        declare_references(con, konteks)
        _declare_known_regions(con, per_region, konteks)
        select, fields, first = _staging_select(con, path, columns, rules)
        reader = con.execute(select).to_arrow_reader(_BATCH)
        arus = _Arus(first, key, tuple(r.unik.lower() for r in rules if r.unik))
        # The file's lineage is one value per column for every row: as an ENUM the Parquet
        # writer takes each row's from the dictionary index instead of hashing the text per row
        # (≈ 1 CPU s per 5.5M rows); the file still holds plain strings. The checksum is needed
        # before the first row is written; meanwhile DuckDB reads ahead (_RUN_AHEAD).
        sha256, line = scanned.result()
        writer.execute(
            "CREATE OR REPLACE TYPE konstanta_berkas AS ENUM ("
            "SELECT DISTINCT unnest(?::VARCHAR[]))",
            [[semester, berkas, sha256]],
        )
        native = hmac_ready.result()
        writer.register(
            "_diterima",
            pa.RecordBatchReader.from_batches(arus.schema(reader.schema), arus.batches(reader)),
        )
        params = {
            "semester": semester,
            "cutoff": konteks.cutoff,
            "berkas": berkas,
            "sha256": sha256,
        }
        try:
            penduduk_baru, written = write_parquet(
                writer, load_sql("rekaman/penduduk_terbatas"), params, penduduk
            )
        except duckdb.Error:
            if arus.gagal is not None:  # the stream's own failure, not DuckDB's text of it
                raise arus.gagal from None
            raise
        writer.unregister("_diterima")
        step("baca_tulis")

        if fields:
            _csv_rejects(con, path, fields)
        if not arus.n:
            raise _refused(path, "file tidak berisi baris data (hanya baris judul, atau kosong)")
        n = arus.n
        _set_aside(con, arus)
        _check_regions(con, per_region)
        _check_unique(con, rules, arus)
        _violations(con, columns, rules)
        if line:
            raise _refused(
                path,
                "baris kosong di tengah file; hapus baris itu (nomor baris sesudahnya bergeser)",
                row=line,
            )
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
        step("periksa")
        late = [
            b
            for (b,) in con.execute(
                "SELECT _baris FROM _kotor WHERE _gagal <> 0 AND _tertulis ORDER BY _baris"
            ).fetchall()
        ]
        if late:  # written while the file was read, failed a rule that needed all of it
            written = _drop_rows(writer, penduduk_baru, late)
            step("tulis_ulang")
        accepted = written
        if accepted != n - rejected:  # nothing accepted lost on the way to the file
            raise RuntimeError(f"{penduduk}: {accepted} baris tersimpan, {n - rejected} diterima")
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
        install_macros(con)
        con.execute(
            f"CREATE OR REPLACE TEMP VIEW penduduk AS FROM read_parquet({_quoted(penduduk_baru)})"
        )
        agregat = con.execute(
            load_sql("rekaman/agregat_kelurahan"),
            {"semester": semester, "cutoff": konteks.cutoff},
        ).df()
        step("agregat")
        con.close()  # releases the files before they are renamed
        writer.close()
        sidik = sidik_file(store, semester)  # the key's fingerprint (pipelines/domain/kunci.py)
        sidik_baru = tulis_sidik(sidik, key, sha256, berkas)
        # Everything succeeded: the new pair replaces the previous one, renames back to back.
        os.replace(penduduk_baru, penduduk)
        os.replace(karantina_baru, karantina)
        os.replace(sidik_baru, sidik)
    finally:
        con.close()
        writer.close()
        background.shutdown(wait=True, cancel_futures=True)
        for table in ("penduduk", "karantina"):  # leftovers of a failed run (personal data)
            for leftover in (".parquet.tmp", ".parquet.ulang.tmp"):
                restricted_file(store, table, semester).with_suffix(leftover).unlink(
                    missing_ok=True
                )
        sidik_file(store, semester).with_suffix(".json.tmp").unlink(missing_ok=True)
    names = list(clock)
    detik = {b: clock[b] - clock[a] for a, b in zip(names, names[1:], strict=False)}
    return Hasil(berkas, sha256, n, accepted, rejected, summary, agregat, detik, native)
