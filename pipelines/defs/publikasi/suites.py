"""great-expectations suites on the conformed and mart tables, generated from the warehouse
contract (`sql/kontrak/<layer>.yml`, read by pipelines/gudang/kontrak.py).

Which rule lives where: column and key rules (not-null, unique, ranges, sets of allowed values,
regex, row counts, key uniqueness) are tests in the contract and become expectations here; rules
that need several tables or the indicator formula stay in SQL (`sql/checks/`: kab/kota = sum of
kecamatan, capaian recomputed from the counts, one IKU row per key, every formula indicator
computed, every targeted indicator present). Every table whose contract has tests gets a suite,
which also expects the table's columns in the contract's order, so a SQL change that drops or
renames a column is caught on the run, before publication. A suite is blocking unless its
table's contract says `severity: warn` (the reconciliation: the differences it lists are the
point of the table).

Each expectation is (GX expectation class name, keyword arguments). A value `Dari(sql)` is read
from the warehouse at check time, so e.g. the category words follow raw.kategori_capaian.
"""

from __future__ import annotations

from dataclasses import dataclass

from pipelines.domain.semester import POLA_KOLOM
from pipelines.gudang.kontrak import Tabel, Uji, kontrak


@dataclass(frozen=True)
class Dari:
    """A value set read from the working warehouse when the suite runs."""

    sql: str


@dataclass(frozen=True)
class Suite:
    table: str  # "layer.name", also the Dagster asset key
    blocking: bool
    expectations: tuple[tuple[str, dict], ...]


def expectation(uji: Uji, column: str | None = None) -> tuple[str, dict]:
    """One contract test as a GX expectation (class name, keyword arguments)."""
    a = uji.args
    on = {"column": column} if column else {}
    match uji.name:
        case "not_null":
            return ("ExpectColumnValuesToNotBeNull", on)
        case "unique":
            return ("ExpectColumnValuesToBeUnique", on)
        case "accepted_values":
            values = Dari(a["query"]) if "query" in a else list(a["values"])
            return ("ExpectColumnValuesToBeInSet", {**on, "value_set": values})
        case "accepted_range":
            return ("ExpectColumnValuesToBeBetween", {**on, **_bounds(a)})
        case "regex":
            return ("ExpectColumnValuesToMatchRegex", {**on, "regex": a["regex"]})
        case "semester":  # the one semester rule, pipelines/domain/semester.py
            return ("ExpectColumnValuesToMatchRegex", {**on, "regex": POLA_KOLOM})
        case "unique_combination_of_columns":
            return ("ExpectCompoundColumnsToBeUnique", {"column_list": list(a["columns"])})
        case "row_count":
            return ("ExpectTableRowCountToBeBetween", _bounds(a))
    raise ValueError(f"uji kontrak tanpa ekspektasi GX: {uji.name}")


def _bounds(args: dict) -> dict:
    return {
        "min_value": args.get("min_value"),
        "max_value": args.get("max_value"),
        **{k: args[k] for k in ("strict_min", "strict_max") if k in args},
    }


def suite(table: Tabel) -> Suite:
    columns = [c.name for c in table.columns]
    return Suite(
        table.key,
        blocking=table.blocking,
        expectations=(
            ("ExpectTableColumnsToMatchOrderedList", {"column_list": columns}),
            *(expectation(t) for t in table.tests),
            *(expectation(t, c.name) for c in table.columns for t in c.tests),
        ),
    )


SUITES: tuple[Suite, ...] = tuple(
    suite(t) for t in kontrak().values() if t.layer in ("conformed", "mart") and t.tested
)
