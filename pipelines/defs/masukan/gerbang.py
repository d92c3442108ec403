"""The gate: type every cell, resolve region names, run the pandera model, or reject the file.

All failures of a file are collected and raised together as `InputRejected` before anything is
written, each naming file, row, column, value and rule: cells that cannot be typed, unknown
region names and pandera's rules (on the rows whose cells could be typed) in one list.
"""

from __future__ import annotations

import numbers
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass

import pandas as pd
import pandera.pandas as pa

from pipelines.defs.masukan.deklarasi import REFERENCE_SETS, Column, Source, normalise_label
from pipelines.defs.masukan.tabel import RawTable, UncachedFormula
from pipelines.domain.angka import format_id_number, parse_id_number
from pipelines.domain.penolakan import Failure, InputRejected

# Why a value outside the office's reference set is refused, when more can be said than
# "unknown": e.g. the region code or name of another kab/kota (pipelines/domain/wilayah.py).
Explain = Callable[[object], str | None]

_UNKNOWN_REGION = (
    "nama wilayah tidak ada di referensi Kemendagri maupun tabel alias "
    "(tambahkan ejaan ini ke raw/referensi/wilayah_alias.csv bila benar)"
)


@dataclass(frozen=True)
class RegionResolver:
    """Kecamatan name (as exported) -> Kemendagri code, via reference names then aliases; the
    office's own kecamatan codes are taken as written. `elsewhere` says where a name that is
    not the office's lies in the rest of the country."""

    by_name: Mapping[str, str]
    elsewhere: Explain | None = None

    @classmethod
    def from_tables(
        cls,
        names: Mapping[str, str],
        aliases: Mapping[str, str],
        elsewhere: Explain | None = None,
    ) -> RegionResolver:
        lookup = {normalise_label(k): v for k, v in aliases.items()}
        lookup.update({normalise_label(k): v for k, v in names.items()})
        lookup.update({v: v for v in names.values()})
        return cls(lookup, elsewhere)

    def resolve(self, name: object) -> str | None:
        return self.by_name.get(normalise_label(name))

    def unknown(self, name: object) -> str:
        """The rule an unresolved name breaks, in the officer's words."""
        return (self.elsewhere and self.elsewhere(name)) or _UNKNOWN_REGION


def _text(value: object) -> str | None:
    if value is None or (isinstance(value, float) and value != value):  # NaN: pandas' empty cell
        return None
    if isinstance(value, float) and value.is_integer():
        value = int(value)  # an Excel cell holding 2023 arrives as 2023.0
    text = str(value).strip()
    return text or None


# Beyond these a figure is a typing or export error, not data: no kab/kota, province or country
# counts 10^9 people or documents, no office budget reaches 10^15 rupiah. They also keep every
# value inside int64 and float precision, so a huge number can never wrap around to a negative.
_PLAUSIBLE_MAX = {"int": 10**9, "decimal": 10**15}


def _parse_cell(
    col: Column,
    cell: object,
    nullable: bool,
    known: Mapping[str, set[str]],
    explain: Mapping[str, Explain] | None = None,
) -> tuple[object, str | None]:
    """(typed value, None), or (None, the rule the cell breaks in the officer's words)."""
    if isinstance(cell, UncachedFormula):
        return None, cell.rule
    if col.kind in ("int", "decimal"):
        try:
            number = parse_id_number(cell)
        except ValueError as exc:
            return None, str(exc)
        if number is None:
            return None, None if nullable else "sel kosong; kolom ini wajib diisi"
        limit = _PLAUSIBLE_MAX[col.kind]
        if not abs(number) <= limit:  # `not <=` also catches inf from a very long digit string
            return None, (
                f"angka terlalu besar: melebihi batas wajar {format_id_number(limit)} "
                "(salah ketik atau salah ekspor?)"
            )
        if col.kind == "int" and not number.is_integer():
            return None, "harus bilangan bulat"
        return number, None
    text = _text(cell)
    if text is None and not nullable:
        return None, "sel kosong; kolom ini wajib diisi"
    scoped = col.references and REFERENCE_SETS[col.references].per
    if text is not None and col.references and not scoped and text not in known[col.references]:
        why = (explain or {}).get(col.references)
        return None, (why and why(text)) or (
            f"tidak dikenal: bukan salah satu nilai {col.references} yang terdaftar"
        )
    return text, None


def _type_cells(
    raw: RawTable,
    source: Source,
    known: Mapping[str, set[str]],
    explain: Mapping[str, Explain] | None = None,
):
    schema = source.schema
    failures: list[Failure] = []
    columns: dict[str, list[object]] = {}
    for col in source.columns:
        if col.name not in raw.body.columns:
            continue
        nullable = schema.columns[col.name].nullable if col.name in schema.columns else True
        values: list[object] = []
        for row, cell in raw.body[col.name].items():
            value, rule = _parse_cell(col, cell, nullable, known, explain)
            if rule is not None:
                failures.append(
                    Failure(str(raw.path), row, raw.label(col.name), _text(cell) or "", rule)
                )
            values.append(value)
        columns[col.name] = values
    return pd.DataFrame(columns, index=raw.body.index), failures


def _total_row_failures(raw: RawTable, source: Source) -> list[Failure]:
    """Printed JUMLAH/TOTAL cells that are not numbers (they are compared with the sum later)."""
    failures = []
    for row, total in raw.total_rows.iterrows():
        for col in source.columns:
            if col.kind in ("int", "decimal") and col.additive and col.name in total:
                _, rule = _parse_cell(col, total[col.name], True, {})
                if rule is not None:
                    cell = _text(total[col.name]) or ""
                    failures.append(
                        Failure(str(raw.path), int(row), raw.label(col.name), cell, rule)
                    )
    return failures


def _with_dtypes(frame: pd.DataFrame, source: Source) -> pd.DataFrame:
    for col in source.columns:
        if col.kind == "int" and col.name in frame and frame[col.name].notna().all():
            frame[col.name] = frame[col.name].astype("int64")
        elif col.kind == "decimal" and col.name in frame:
            frame[col.name] = frame[col.name].astype("float64")
    return frame


def _duplicate_rule(typed: pd.DataFrame, row: int, columns: list[str]) -> str:
    same = (typed[columns] == typed.loc[row, columns]).all(axis=1)
    others = [str(r) for r in typed.index[same] if r != row]
    key = ", ".join(columns)
    return f"duplikat: {key} yang sama juga ada di baris {', '.join(others)}"


def _pandera_failures(
    exc: pa.errors.SchemaErrors, raw: RawTable, typed: pd.DataFrame, source: Source
) -> list[Failure]:
    file = str(raw.path)
    cases = exc.failure_cases
    failures: list[Failure] = []
    row_level = cases[cases["schema_context"] == "DataFrameSchema"]
    for _, case in cases[cases["schema_context"] != "DataFrameSchema"].iterrows():
        row = None if pd.isna(case["index"]) else int(case["index"])
        column, value = str(case["column"]), str(case["failure_case"])
        rule = str(case["check"])  # the check's `error`: its rule in the officer's words
        if case["check"] == "field_uniqueness" and row is not None:
            rule = _duplicate_rule(typed, row, [column])
        if column == "kode_kecamatan" and source.region_name_column and row is not None:
            value = f"{typed.at[row, source.region_name_column]} → {value}"
        failures.append(Failure(file, row, raw.label(column), value, rule))
    # A row-level rule fails once per row: show every column it involves.
    for (row, check), group in row_level.groupby(["index", "check"], dropna=False, sort=True):
        names = [str(c) for c in group["column"] if c in typed.columns]
        # pandera blames every column for a dataframe check; keep those the rule names
        named = [c for c in names if re.search(rf"\b{re.escape(c)}\b", str(check))]
        names = named or names
        values = (
            ", ".join(f"{c}={_show(typed.at[row, c])}" for c in names) if row in typed.index else ""
        )
        row_number = None if pd.isna(row) else int(row)
        rule = str(check)
        if check == "multiple_fields_uniqueness" and row_number is not None:
            rule = _duplicate_rule(typed, row_number, names)
        failures.append(Failure(file, row_number, ", ".join(names) or "-", values, rule))
    return failures


def _show(value: object) -> str:
    if isinstance(value, numbers.Real) and not isinstance(value, bool):
        return format_id_number(value, 0 if float(value).is_integer() else 2)
    return str(value)


def validate_table(
    raw: RawTable,
    source: Source,
    *,
    known: Mapping[str, set[str]] | None = None,
    regions: RegionResolver | None = None,
    constants: Mapping[str, object] | None = None,
    expected: Mapping[str, tuple[object, str]] | None = None,
    explain: Mapping[str, Explain] | None = None,
) -> pd.DataFrame:
    """Return the typed, validated rows of `raw` (index = row in file) or raise InputRejected.

    `expected` maps a column to (value every row must hold, why), e.g. the budget year of the
    folder the file was dropped in. `explain` maps a reference set to what says why a value
    outside it is refused (a region of another kab/kota), when more than "unknown" can be said.
    """
    file = str(raw.path)
    # A missing column stops only the model (it needs every column); the cells of the columns
    # that are there are still typed and checked, so the officer gets every error at once.
    failures = [
        Failure(
            file,
            raw.header_row or None,
            f"{source.column(name).headers[0]} ({name})",
            "(tidak ada)",
            "kolom wajib tidak ada di baris judul (cek ejaan judul kolom)",
        )
        for name in raw.missing_columns
    ]
    typed, cell_failures = _type_cells(raw, source, known or {}, explain)
    failures += cell_failures + _total_row_failures(raw, source)
    if source.region_name_column in typed:
        assert regions is not None, f"{source.name} needs the region reference"
        codes = []
        for row, name in typed[source.region_name_column].items():
            code = regions.resolve(name)
            if code is None and name is not None:  # an empty cell is already reported
                failures.append(
                    Failure(
                        file,
                        int(row),
                        raw.label(source.region_name_column),
                        str(name),
                        regions.unknown(name),
                    )
                )
            codes.append(code)
        typed.insert(1, "kode_kecamatan", pd.Series(codes, index=typed.index, dtype=object))
    failures += _scoped_reference_failures(raw, source, typed, known or {})
    for name, (value, why) in (expected or {}).items():
        for row, cell in typed.get(name, pd.Series()).items():
            if cell is not None and not pd.isna(cell) and cell != value:
                failures.append(Failure(file, int(row), raw.label(name), _text(cell) or "", why))
    declared = list(source.schema.columns)
    for name, value in (constants or {}).items():
        # at its place in the model, so the raw table keeps the declared column order
        at = declared.index(name) if name in declared else 0
        typed.insert(min(at, len(typed.columns)), name, value)
    # The rows that already failed are left out of the model, so that a broken cell is reported
    # once (not again as a null or a type error) while every other row is still checked.
    failed_rows = {f.row for f in failures}
    checked = _with_dtypes(typed[~typed.index.isin(failed_rows)].copy(), source)
    if not raw.missing_columns:
        try:
            schema = source.for_file(set(checked.columns)).schema
            validated = schema.validate(checked, lazy=True)
        except pa.errors.SchemaErrors as exc:
            failures += _pandera_failures(exc, raw, checked, source)
    if failures:
        # One list in file order, whatever stage found each error.
        failures.sort(key=lambda f: -1 if f.row is None else f.row)
        raise InputRejected(raw.path, failures)
    return validated


def _scoped_reference_failures(
    raw: RawTable, source: Source, typed: pd.DataFrame, known: Mapping[str, set]
) -> list[Failure]:
    """Cells whose reference set is scoped by another column of their row (ReferenceSet.per):
    e.g. a program code that is not in the budget of the row's year."""
    failures = []
    for col in source.columns:
        per = col.references and REFERENCE_SETS[col.references].per
        if not per or col.name not in typed or per not in typed:
            continue
        for row, value in typed[col.name].items():
            scope = typed.at[row, per]
            if value is None or scope is None or pd.isna(scope):
                continue  # an empty cell is already reported
            if (scope, value) not in known[col.references]:
                failures.append(
                    Failure(
                        str(raw.path),
                        int(row),
                        raw.label(col.name),
                        str(value),
                        f"tidak dikenal: bukan {col.references} yang terdaftar untuk "
                        f"{per} {_text(scope)}",
                    )
                )
    return failures


def check_total_rows(raw: RawTable, source: Source, body: pd.DataFrame) -> pd.DataFrame:
    """Compare each printed JUMLAH/TOTAL cell with the sum of the rows above it."""
    records = []
    numeric = [
        c.name
        for c in source.columns
        if c.kind in ("int", "decimal") and c.additive and c.name in body
    ]
    for row, total in raw.total_rows.iterrows():
        for name in numeric:
            # validate_table has already rejected a printed total that is not a number
            printed = parse_id_number(total[name])
            if printed is None:
                continue
            records.append(
                {
                    "baris": int(row),
                    "kolom": name,
                    "nilai_tercetak": printed,
                    "jumlah_baris": float(body[name].sum()),
                }
            )
    return total_checks(records)


# The columns of raw.cek_baris_total, typed even when a file has no total row: the first file
# written creates the table, and an untyped empty frame would make `kolom` a number.
TOTAL_CHECK_TYPES = {
    "baris": "int64",
    "kolom": "string",
    "nilai_tercetak": "float64",
    "jumlah_baris": "float64",
}


def total_checks(records: list[dict]) -> pd.DataFrame:
    """Printed totals against the sum of what they total, in the shape of raw.cek_baris_total."""
    frame = pd.DataFrame(records, columns=list(TOTAL_CHECK_TYPES)).astype(TOTAL_CHECK_TYPES)
    frame["selisih"] = frame["nilai_tercetak"] - frame["jumlah_baris"]
    return frame
