"""How an input is declared: once, as its pandera model (pipelines/defs/masukan/schemas.py).

A field's `metadata` holds what only the reader needs (the headers an export prints for it, the
set of known values it must belong to, whether a JUMLAH row sums it); its kind and whether the
file may leave it out follow from its dtype and nullability. The model's `Config.metadata`
holds what is not a column (where the files lie, partitioning, …). `Source.of(model)` turns a
model into what the reader, the gate, the warehouse writer and the Dagster asset read, so
adding an input is one model and its files. Checks carry their rule in the officer's words as
pandera's `error`, which the gate reports as it is. The reader matches a file's headers only
through `Column.headers`, so the DKB measures and their spellings kept in data files
(raw/referensi/ukuran_*.csv) are added per file by `Source.with_measures` without touching the
reader or the gate.

Pure: imports nothing of the pipeline but its settings (pipelines/config.py), so the readers
and the gate build on it and nothing here looks back up (the import contract in pyproject.toml).
"""

from __future__ import annotations

import copy
import dataclasses
import functools
import re
from dataclasses import dataclass
from typing import Any, Literal

import duckdb
import pandas as pd
import pandera.pandas as pa
from pandera.api.dataframe.model_components import FieldInfo

from pipelines.config import SQL_DIR

Kind = Literal["text", "int", "decimal"]
# Size class of a file, each with its own limit (pipelines/config.py: max_file_bytes).
SizeClass = Literal["tabel", "rekaman"]


def normalise_label(value: object) -> str:
    """Header/name comparison key: upper case, single spaces, no surrounding punctuation."""
    text = "" if value is None else str(value)
    text = re.sub(r"\s+", " ", text.replace("\u00a0", " ")).strip().upper()
    return text.strip(" .:")


# --- Field declarations -------------------------------------------------------------------


def col(
    *checks: pa.Check,
    headers: tuple[str, ...] = (),
    references: str | None = None,
    additive: bool = True,
    **field: Any,
) -> FieldInfo:
    """A pandera Field that is also a column of the file: `headers` are the spellings an export
    prints (the canonical name is always accepted too); `references` names a set of known
    values (`REFERENCE_SETS`) the cell must belong to; `additive=False` for percentages and the
    like, which a JUMLAH row does not sum. A field without headers is not read from the file
    (it is filled by the gate: the semester, a region code, the budget year of the folder)."""
    metadata = {"headers": headers, "references": references, "additive": additive}
    info = pa.Field(metadata=metadata if headers else None, **field)
    info.checks = [*info.checks, *checks]
    return info


# Built-in checks with their rule in the officer's words; pandera's own name stays in brackets
# so that the report also says which check it is.


def _said(check: pa.Check, words: str) -> pa.Check:
    check.error = f"{words} [{check.error}]"
    return check


def ge(value: float) -> pa.Check:
    words = "tidak boleh negatif (harus ≥ 0)" if value == 0 else f"harus ≥ {value}"
    return _said(pa.Check.ge(value), words)


def gt(value: float) -> pa.Check:
    return _said(pa.Check.gt(value), f"harus > {value}")


def le(value: float) -> pa.Check:
    return _said(pa.Check.le(value), f"harus ≤ {value}")


def isin(values: list[str]) -> pa.Check:
    return _said(pa.Check.isin(values), f"bukan salah satu nilai yang diizinkan {values}")


def matches(pattern: str) -> pa.Check:
    return _said(pa.Check.str_matches(pattern), f"format tidak sesuai pola {pattern}")


def tahun() -> tuple[pa.Check, pa.Check]:
    """A year this pipeline can mean: a typo (1899, 20023) is refused."""
    return ge(2000), le(2100)


# --- Reference sets -----------------------------------------------------------------------


@dataclass(frozen=True)
class ReferenceSet:
    """Values a cell may take, read from inputs ingested before (their assets come first)."""

    inputs: tuple[str, ...]
    # one column of values over the `raw` tables of `inputs`; with `per`, two: (scope, value)
    sql: str
    # A column of the same row that scopes the set: a program code must be in the budget of
    # the row's own year, not of any year.
    per: str | None = None


REFERENCE_SETS = {
    # Every kab/kota of the national Kemendagri list: the codes an office may configure.
    "kabkota": ReferenceSet(
        ("wilayah_kemendagri",),
        "SELECT kode FROM raw.wilayah_kemendagri WHERE tingkat IN ('kabupaten', 'kota')",
    ),
    # Every Kemendagri code the office reports on: the kab/kota, its kecamatan and kelurahan.
    "wilayah": ReferenceSet(
        ("daerah", "wilayah"),
        "SELECT kode FROM raw.daerah UNION SELECT kode_kecamatan FROM raw.wilayah "
        "UNION SELECT kode FROM raw.wilayah",
    ),
    "indikator": ReferenceSet(
        ("indikator_definisi",), "SELECT kode_indikator FROM raw.indikator_definisi"
    ),
    # The programs of each year's budget: in the PK or in the realisation export.
    "program": ReferenceSet(
        ("anggaran_pk", "realisasi_anggaran"),
        "SELECT tahun, kode_program FROM raw.anggaran_pk "
        "UNION SELECT tahun, kode_program FROM raw.realisasi_anggaran",
        per="tahun",
    ),
    # Every DKB measure the office declared (raw/referensi/ukuran_dkb.csv); '-' marks a header
    # that is known and deliberately not read (NO, PERSEN …).
    "ukuran": ReferenceSet(("ukuran_dkb",), "SELECT ukuran FROM raw.ukuran_dkb UNION SELECT '-'"),
}
# The reference set of the office's region codes: a code outside it that the national list
# knows is refused naming the kab/kota it belongs to (pipelines/domain/wilayah.py).
REGION_REFERENCE = "wilayah"
OFFICE_SQL = "SELECT min(kode) FROM raw.daerah"
# A column of kecamatan names is resolved to codes through these inputs (names, then aliases).
REGION_INPUTS = ("daerah", "wilayah", "wilayah_alias")
REGION_NAMES_SQL = "SELECT DISTINCT kecamatan, kode_kecamatan FROM raw.wilayah"
REGION_ALIASES_SQL = "SELECT alias, kode FROM raw.wilayah_alias"


# --- What the pipeline reads from a declaration ---------------------------------------------


@dataclass(frozen=True)
class Measure:
    """A DKB measure as one file prints it: the headers raw/referensi/ukuran_header.csv maps to
    it for this file's variant and topic."""

    ukuran: str
    headers: tuple[str, ...]
    description: str = ""
    required: bool = False  # True: the file must print it (refused like a missing column)


@dataclass(frozen=True)
class Column:
    name: str
    headers: tuple[str, ...]
    kind: Kind = "text"
    required: bool = True  # False: the file may leave the column out
    references: str | None = None
    additive: bool = True
    description: str = ""

    @property
    def header_keys(self) -> tuple[str, ...]:
        return tuple(normalise_label(h) for h in (self.name, *self.headers))


@dataclass(frozen=True)
class Files:
    """The files one input accepts under raw/; pipelines/defs/masukan/berkas.py finds them (name and
    extension in any case) and ignores, with a warning, anything else in the folder."""

    name: str
    # folder/name under raw/: `{semester}` is filled for DKB inputs, `*` in the folder part is any
    # one folder (anggaran/<tahun>), `*` in the name any text; `.*`: one of `extensions`.
    pattern: str
    extensions: tuple[str, ...]
    multiple: bool = False  # False: two candidates in one folder are refused, naming both
    size: SizeClass = "tabel"

    @property
    def folder(self) -> str:
        return self.pattern.rpartition("/")[0]

    @property
    def stem(self) -> str:
        return self.pattern.rpartition("/")[2].rpartition(".")[0]

    @property
    def expected(self) -> str:
        """The accepted names as an officer reads them: 'agregat_kecamatan.csv/.xlsx'."""
        return f"{self.stem}." + "/.".join(self.extensions)


def _kind(dtype: object) -> Kind:
    name = str(dtype).lower()
    if name.startswith(("int", "uint")):
        return "int"
    if name.startswith("float"):
        return "decimal"
    return "text"


@dataclass(frozen=True)
class Source:
    """An input as the pipeline reads it, derived from its pandera model (`Source.of`)."""

    name: str  # asset name and table name in the `raw` schema
    # folder/name under raw/ (see Files.pattern); `{semester}` is filled for partitioned inputs
    pattern: str
    description: str
    columns: tuple[Column, ...]
    model: type[pa.DataFrameModel]
    total_label_columns: tuple[str, ...] = ()
    # A column holding a kecamatan name, resolved to its Kemendagri code via reference + aliases.
    region_name_column: str | None = None
    partitioned: bool = False
    # A column whose value is fixed by the folder the file sits in (anggaran/<tahun>/…).
    period_folder: str | None = None
    # A file holding only its header row is a valid input (e.g. no misspelt region names yet).
    allow_empty: bool = False
    # The file itself may be absent (an office that has not filled it yet): its table is empty.
    optional: bool = False
    # Accepted extensions when the pattern ends in `.*` (the reader takes CSV and XLSX).
    extensions: tuple[str, ...] = ("csv", "xlsx")
    multiple: bool = False  # several files per folder (terbitan/*.csv), else one
    # The schema with the DKB measures a data file maps this file's headers to (`with_measures`).
    measures_schema: pa.DataFrameSchema | None = None

    @classmethod
    def of(cls, model: type[pa.DataFrameModel]) -> Source:
        schema = model.to_schema()
        columns = tuple(
            Column(
                name,
                tuple(column.metadata["headers"]),
                _kind(column.dtype),
                required=not column.nullable,
                references=column.metadata["references"],
                additive=column.metadata["additive"],
                description=column.description or "",
            )
            for name, column in schema.columns.items()
            if column.metadata  # read from the file (see `col`)
        )
        return cls(
            name=schema.name,
            description=schema.description,
            columns=columns,
            model=model,
            **(model.__config__.metadata or {}),
        )

    @property
    def files(self) -> Files:
        suffix = self.pattern.rpartition(".")[2]
        extensions = self.extensions if suffix == "*" else (suffix,)
        return Files(self.name, self.pattern, extensions, self.multiple)

    @property
    def schema(self) -> pa.DataFrameSchema:
        return self.measures_schema or self.model.to_schema()

    def with_measures(self, measures: tuple[Measure, ...], nullable: bool) -> Source:
        """This input with the DKB measures a data file maps its headers to, one integer column
        each. `nullable`: an empty cell is a missing figure (SIAK workbooks print NULL or '-'),
        else it is refused."""
        schema = self.schema.add_columns(
            {
                m.ukuran: pa.Column(
                    "Int64",
                    ge(0),
                    nullable=nullable,
                    coerce=True,
                    required=False,
                    description=m.description,
                )
                for m in measures
            }
        )
        columns = tuple(
            Column(m.ukuran, m.headers, "int", m.required, description=m.description)
            for m in measures
        )
        return dataclasses.replace(self, columns=(*self.columns, *columns), measures_schema=schema)

    def for_file(self, present: set[str]) -> Source:
        """This input as one file has it: the measure rules whose measures the file prints (a
        rule over an absent optional measure cannot be checked)."""
        schema = copy.copy(self.schema)  # the rules list is replaced, not edited
        schema.checks = [c for c in schema.checks if set(RULE_MEASURES.get(c.name, ())) <= present]
        return dataclasses.replace(self, measures_schema=schema)

    @property
    def upstream(self) -> tuple[str, ...]:
        """Inputs this one's gate reads first: its reference sets, the region names."""
        needed = [REFERENCE_SETS[c.references].inputs for c in self.columns if c.references]
        if self.region_name_column:
            needed.append(REGION_INPUTS)
        return tuple(dict.fromkeys(name for inputs in needed for name in inputs))

    def column(self, name: str) -> Column:
        return next(c for c in self.columns if c.name == name)


# --- Row identities -------------------------------------------------------------------------

# The one declaration of the identities between DKB measures (total = bagian_1 + bagian_2): a
# SQL macro, because the warehouse's checks, the small-cell audit and the reconciliation use it
# in SQL; the gate reads the same rows from it here.
IDENTITAS_SQL = SQL_DIR / "macros" / "identitas_ukuran.sql"


@dataclass(frozen=True)
class Identitas:
    identitas: str
    total: str
    bagian_1: str
    bagian_2: str

    @property
    def rule(self) -> str:
        return f"{self.total} = {self.bagian_1} + {self.bagian_2}"


@functools.cache
def identities() -> dict[str, Identitas]:
    con = duckdb.connect()
    try:
        con.execute(IDENTITAS_SQL.read_text(encoding="utf-8"))
        rows = con.execute(
            "SELECT identitas, total, bagian_1, bagian_2 FROM identitas_ukuran()"
        ).fetchall()
    finally:
        con.close()
    return {row[0]: Identitas(*row) for row in rows}


# The measures each measure rule of a model reads: `Source.with_measures` keeps a rule only where
# the file has all of them.
RULE_MEASURES: dict[str, tuple[str, ...]] = {}


def identity_check(name: str) -> classmethod:
    """A model's dataframe check that identity `name` of the macro holds on every row (a row
    missing one of its figures cannot break it)."""
    identity = identities()[name]
    RULE_MEASURES[name] = (identity.total, identity.bagian_1, identity.bagian_2)

    def holds(cls, df: pd.DataFrame) -> pd.Series:
        same = df[identity.total] == df[identity.bagian_1] + df[identity.bagian_2]
        return pd.Series(same, index=df.index, dtype="boolean").fillna(True)

    holds.__name__ = name
    return pa.dataframe_check(name=name, error=identity.rule)(holds)


def at_most_check(name: str, kecil: str, besar: str) -> classmethod:
    """A model's dataframe check kecil <= besar between two measures, on the rows with both."""
    RULE_MEASURES[name] = (kecil, besar)

    def holds(cls, df: pd.DataFrame) -> pd.Series:
        return pd.Series(df[kecil] <= df[besar], index=df.index, dtype="boolean").fillna(True)

    holds.__name__ = name
    return pa.dataframe_check(name=name, error=f"{kecil} <= {besar}")(holds)
