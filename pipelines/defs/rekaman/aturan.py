"""Rules of the record-level DKB extract (one row per resident), written once as a pandera schema
and run where the data is.

A province extract has millions of rows, so the rules are not run row by row in pandas: the
pandera (polars backend) schema below is the rule language and the data dictionary, and
`compile_rules` translates each of its checks into a DuckDB predicate that the record-level
ingestion evaluates over the whole file in one SQL pass (`pipelines/defs/rekaman/ekstrak.py`). A
cross-column rule is written once, in SQL; pandera runs that same SQL through DuckDB when it
validates a small extract itself (`schema(...).validate(lf)`), so the two engines cannot
disagree on it. Severity (karantina or fatal) is data: `raw/referensi/aturan_rekaman.csv`.

Every value arrives as text, exactly as exported, so that a rejected cell is reported as it was
in the file (a NIK mangled by Excel to `5.37101E+15` is shown as such).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import date

import duckdb
import pandera.polars as pa
import polars as pl

DIGITS_16 = r"^[0-9]{16}$"
ISO_DATE = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$"
# status_ktp codes (raw/referensi/siak_kode.csv) meaning "not (yet) recorded": 1 BELUM REKAM,
# 8 BELUM WAJIB. Every other status implies the biometrics were recorded.
STATUS_KTP_BELUM_REKAM = ("1", "8")


def zfill_sql(column: str, width: int) -> str:
    """Polars' str.zfill in DuckDB: pad with zeros to `width`, never cut. (lpad cuts: '10011'
    padded to 4 would become kelurahan '1001' and pass a rule pandera fails.)"""
    return f"lpad({column}, CAST(greatest(length({column}), {width}) AS INTEGER), '0')"


# The columns of a resident's region. A rule that reads nothing else gives the same outcome on
# every row with the same four texts: the ingestion evaluates it once per distinct tuple (a few
# hundred per office) instead of once per row, where building the kelurahan key cost about a
# third of the rules' CPU (benchmarks/README.md).
KOLOM_WILAYAH = ("NO_PROP", "NO_KAB", "NO_KEC", "NO_KEL")

KODE_KELURAHAN_SQL = " || '.' || ".join(
    zfill_sql(c, w) for c, w in (("NO_PROP", 2), ("NO_KAB", 2), ("NO_KEC", 2), ("NO_KEL", 4))
)


@dataclass(frozen=True)
class Konteks:
    """What the rules of one semester depend on: cut-off date and the reference lists."""

    cutoff: date
    kode_daerah: tuple[str, ...]  # kab/kota served, 'PP.KK'
    kelurahan: tuple[str, ...]  # 'PP.KK.CC.DDDD'
    kode: dict[str, tuple[str, ...]]  # SIAK domain -> codes


@dataclass(frozen=True)
class Aturan:
    """One rule compiled for DuckDB: rows where `gagal` is true fail it."""

    nama: str
    kolom: str
    keterangan: str
    gagal: str  # SQL predicate over the columns as exported (text)
    nilai: str  # SQL expression shown as the offending value
    # For a uniqueness rule: the column, compared on its staged (typed) copy `lower(kolom)`
    # once every row is staged; `gagal` is then unused.
    unik: str | None = None
    # True when `gagal` and `nilai` read only KOLOM_WILAYAH (set by compile_rules): evaluated
    # once per distinct region tuple after staging, not inside the reading statement.
    per_wilayah: bool = False


def _sql_literal(value: object) -> str:
    return "'" + str(value).replace("'", "''") + "'"


def _run_sql(sql: str, frame: pl.LazyFrame, k: Konteks) -> pl.LazyFrame:
    """`sql` (true = valid) on every row of `frame`, in its order, for pandera's polars backend:
    the same condition, over the same tables, that the ingestion compiles into its one pass."""
    con = duckdb.connect()
    try:
        con.register("_data", frame.collect().with_row_index("_r"))
        declare_references(con, k)
        return (
            con.execute(f"SELECT coalesce({sql}, false) AS ok FROM _data ORDER BY _r").pl().lazy()
        )
    finally:
        con.close()


def declare_references(con: duckdb.DuckDBPyConnection, k: Konteks) -> None:
    """The reference lists a rule's SQL looks values up in, on `con`. The known kelurahan are an
    ENUM type: `TRY_CAST(kode AS kelurahan_dikenal)` is a hash lookup inside the row's own
    expression, where `kode IN (SELECT …)` would be a join, and a join lets DuckDB reorder the
    rows of the one statement that reads the extract (their file row is their rowid there)."""
    con.execute(
        "CREATE OR REPLACE TYPE kelurahan_dikenal AS ENUM ("
        "SELECT DISTINCT kode FROM (SELECT unnest(?::VARCHAR[]) AS kode) WHERE kode IS NOT NULL)",
        [list(k.kelurahan)],
    )


def _custom(k: Konteks, name: str, description: str, sql: str, nilai: str | None = None):
    """A cross-column rule, written once as a DuckDB condition over the columns as exported
    (true = valid); `nilai` is the SQL of the value the quarantine shows."""
    return pa.Check(
        lambda data: _run_sql(sql, data.lazyframe, k),
        name=name,
        description=description,
        statistics={"sql": sql, "nilai": nilai},
    )


def schema(k: Konteks) -> pa.DataFrameSchema:
    """The record-level extract as pandera sees it (columns as SIAK exports name them)."""
    cutoff = k.cutoff.isoformat()

    def code(column: str, domain: str, description: str, nullable: bool = False) -> pa.Column:
        return pa.Column(
            str,
            pa.Check.isin(list(k.kode[domain]), name=f"{column.lower()}_kode_siak"),
            nullable=nullable,
            description=f"{description} (kode SIAK '{domain}')",
        )

    def region(column: str, width: int, description: str) -> pa.Column:
        return pa.Column(
            str,
            pa.Check.str_matches(rf"^[0-9]{{1,{width}}}$", name=f"{column.lower()}_angka"),
            description=description,
        )

    def optional_date(column: str, description: str, checks: Iterable[pa.Check] = ()):
        return pa.Column(
            str,
            [
                pa.Check.str_matches(ISO_DATE, name=f"{column.lower()}_format"),
                pa.Check.le(cutoff),
                *checks,
            ],
            nullable=True,
            description=description,
        )

    return pa.DataFrameSchema(
        {
            "NIK": pa.Column(
                str,
                pa.Check.str_matches(DIGITS_16, name="nik_16_digit"),
                unique=True,
                description="Nomor Induk Kependudukan, 16 digit teks; dipseudonimkan (HMAC)",
            ),
            "NO_KK": pa.Column(
                str,
                pa.Check.str_matches(DIGITS_16, name="no_kk_16_digit"),
                description="Nomor Kartu Keluarga, 16 digit teks; dipseudonimkan (HMAC)",
            ),
            "JENIS_KLMIN": code("JENIS_KLMIN", "sex", "Jenis kelamin"),
            "TGL_LHR": pa.Column(
                str,
                [
                    pa.Check.str_matches(ISO_DATE, name="tgl_lhr_format"),
                    _custom(
                        k,
                        "tgl_lhr_wajar",
                        f"tanggal lahir ada di kalender, tidak sebelum 1900 dan tidak setelah "
                        f"cut-off {cutoff}",
                        f"TRY_CAST(TGL_LHR AS DATE) BETWEEN DATE '1900-01-01' AND DATE '{cutoff}'",
                    ),
                ],
                description="Tanggal lahir, YYYY-MM-DD; umur dihitung pada tanggal cut-off",
            ),
            "AGAMA": code("AGAMA", "agama", "Agama"),
            "STAT_KWN": code("STAT_KWN", "kawin", "Status perkawinan"),
            "STAT_HBKEL": code("STAT_HBKEL", "hubungan", "Hubungan dalam keluarga"),
            "PDDK_AKH": code("PDDK_AKH", "pendidikan_kk", "Pendidikan terakhir"),
            "JENIS_PKRJN": code("JENIS_PKRJN", "pekerjaan", "Jenis pekerjaan"),
            "NO_PROP": region("NO_PROP", 2, "Kode provinsi"),
            "NO_KAB": pa.Column(
                str,
                [
                    pa.Check.str_matches(r"^[0-9]{1,2}$", name="no_kab_angka"),
                    _custom(
                        k,
                        "kab_kota_dilayani",
                        "baris milik kab/kota yang dilayani (raw/referensi/daerah.csv)",
                        f"{zfill_sql('NO_PROP', 2)} || '.' || {zfill_sql('NO_KAB', 2)} IN ("
                        + ", ".join(_sql_literal(c) for c in k.kode_daerah)
                        + ")",
                        nilai="NO_PROP || '.' || NO_KAB",
                    ),
                ],
                description="Kode kabupaten/kota",
            ),
            "NO_KEC": region("NO_KEC", 2, "Kode kecamatan"),
            "NO_KEL": pa.Column(
                str,
                [
                    pa.Check.str_matches(r"^[0-9]{1,4}$", name="no_kel_angka"),
                    _custom(
                        k,
                        "kelurahan_dikenal",
                        "kode kelurahan ada di referensi wilayah Kemendagri",
                        f"TRY_CAST({KODE_KELURAHAN_SQL} AS kelurahan_dikenal) IS NOT NULL",
                        nilai=KODE_KELURAHAN_SQL,
                    ),
                ],
                description="Kode kelurahan/desa (4 digit)",
            ),
            "STATUS_KTP": code("STATUS_KTP", "status_ktp", "Status perekaman KTP-el"),
            "TGL_CETAK_KTP": optional_date(
                "TGL_CETAK_KTP",
                "Tanggal cetak KTP-el (kosong bila belum dicetak)",
                [
                    _custom(
                        k,
                        "cetak_berarti_rekam",
                        "KTP-el yang sudah dicetak pasti sudah direkam",
                        "TGL_CETAK_KTP IS NULL OR STATUS_KTP NOT IN ("
                        + ", ".join(_sql_literal(c) for c in STATUS_KTP_BELUM_REKAM)
                        + ")",
                        nilai="'STATUS_KTP=' || STATUS_KTP || ', TGL_CETAK_KTP=' || TGL_CETAK_KTP",
                    )
                ],
            ),
            "TGL_CETAK_KIA": optional_date(
                "TGL_CETAK_KIA", "Tanggal cetak KIA (kosong bila belum memiliki)"
            ),
            "NO_AKTA_LHR": pa.Column(
                str, nullable=True, description="Nomor akta kelahiran (kosong bila belum)"
            ),
            "NO_AKTA_KWN": pa.Column(
                str,
                _custom(
                    k,
                    "akta_kawin_berarti_pernah_kawin",
                    "akta perkawinan hanya untuk penduduk berstatus kawin/cerai",
                    "NO_AKTA_KWN IS NULL OR STAT_KWN <> '1'",
                    nilai="'STAT_KWN=' || STAT_KWN || ', NO_AKTA_KWN=' || NO_AKTA_KWN",
                ),
                nullable=True,
                description="Nomor akta perkawinan (kosong bila belum)",
            ),
        },
        # Names, places of birth and any other column are never read, so they never leave here.
        strict="filter",
        name="dkb_penduduk",
    )


# One piece of a fixed-width pattern: a bracket class of ASCII characters and ranges (no
# negation, no escapes) or one plain character, with an optional exact count `{n}`.
_GLOB_PIECE = re.compile(
    r"(\[(?:[A-Za-z0-9](?:-[A-Za-z0-9])?)+\]|[A-Za-z0-9 _,:/-])"  # ('.' is not plain)
    r"(?:\{(\d+)\})?"
)


def glob_of(pattern: str) -> str | None:
    """The GLOB that matches exactly the strings the anchored regex `pattern` matches, when the
    pattern is a fixed-width run of classes and plain characters (`^[0-9]{16}$`,
    `^[0-9]{4}-[0-9]{2}-[0-9]{2}$`); otherwise None. GLOB costs DuckDB about a third less
    CPU than the regex engine per value (benchmarks/README.md), and a province's extract has
    tens of millions of such values."""
    if not (pattern.startswith("^") and pattern.endswith("$")):
        return None
    body, glob, at = pattern[1:-1], [], 0
    while at < len(body):
        piece = _GLOB_PIECE.match(body, at)
        if piece is None:
            return None
        glob.append(piece[1] * int(piece[2] or 1))
        at = piece.end()
    return "".join(glob) or None


def _predicate(column: str, check: pa.Check) -> str:
    """DuckDB condition under which a value PASSES the check."""
    stats = check.statistics or {}
    if "sql" in stats:
        return stats["sql"]
    if "pattern" in stats:  # pandera matches from the start of the string (re.match)
        pattern = stats["pattern"]
        glob = glob_of(pattern)
        if glob is not None:
            return f"{column} GLOB {_sql_literal(glob)}"
        pattern = pattern if pattern.startswith("^") else f"^(?:{pattern})"
        return f"regexp_matches({column}, {_sql_literal(pattern)})"
    if "allowed_values" in stats:  # list_contains: ~4x faster than a long IN (...) in DuckDB
        values = ", ".join(_sql_literal(v) for v in stats["allowed_values"])
        return f"list_contains([{values}], {column})"
    if check.name == "less_than_or_equal_to":
        return f"{column} <= {_sql_literal(stats['max_value'])}"
    raise NotImplementedError(f"Cek pandera '{check.name}' belum punya padanan SQL.")


def _reads_only_region(schema: pa.DataFrameSchema, *sql: str) -> bool:
    """Whether the SQL names no schema column outside KOLOM_WILAYAH. A column's name inside a
    string literal counts as read: wrongly so only in the safe direction (evaluated per row)."""
    text = " ".join(sql)
    read = {c for c in schema.columns if re.search(rf"\b{re.escape(c)}\b", text, re.IGNORECASE)}
    return bool(read) and read <= set(KOLOM_WILAYAH)


def compile_rules(schema: pa.DataFrameSchema) -> list[Aturan]:
    """Each pandera check -> one DuckDB rule. Built-in checks skip NULLs (pandera's ignore_na);
    non-nullable columns get an explicit `<kolom>_wajib_diisi` rule; `unique` -> `<kolom>_unik`.
    Rules that read only the region columns are marked `per_wilayah`."""
    return [
        r if r.unik else replace(r, per_wilayah=_reads_only_region(schema, r.gagal, r.nilai))
        for r in _compile(schema)
    ]


def _compile(schema: pa.DataFrameSchema) -> list[Aturan]:
    rules: list[Aturan] = []
    for column, spec in schema.columns.items():
        if not spec.nullable:
            rules.append(
                Aturan(
                    f"{column.lower()}_wajib_diisi",
                    column,
                    "kolom ini wajib diisi",
                    f"{column} IS NULL",
                    column,
                )
            )
        if spec.unique:
            # Needs the whole column: evaluated after staging, on the staged copy of the column.
            rules.append(
                Aturan(
                    f"{column.lower()}_unik",
                    column,
                    "satu baris per nilai (tidak boleh ganda)",
                    "false",
                    column,
                    unik=column,
                )
            )
        for check in spec.checks:
            stats = check.statistics or {}
            if "sql" in stats:
                gagal = f"NOT coalesce({stats['sql']}, false)"
            else:
                gagal = f"{column} IS NOT NULL AND NOT ({_predicate(column, check)})"
            # pa.Check.le keeps pandera's own name (the compiler needs it); give it a rule id.
            name = check.name
            if name == "less_than_or_equal_to":
                name = f"{column.lower()}_tidak_setelah_cut_off"
            rules.append(
                Aturan(
                    name,
                    column,
                    check.description or check.error or check.name,
                    gagal,
                    stats.get("nilai") or column,
                )
            )
    return rules


def expected_columns(schema: pa.DataFrameSchema) -> list[str]:
    return list(schema.columns)
