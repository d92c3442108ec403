"""The warehouse contract: one YAML file per layer (`sql/kontrak/<layer>.yml`, like dbt's
schema.yml) with each table's description, columns (name, DuckDB type, description, unit) and
tests. It is the one declaration that feeds:

- the Dagster column docs of every conformed, mart and analyst-facing asset (`metadata_tabel`),
- the great-expectations suites (`pipelines/defs/publikasi/suites.py` turns the tests into
expectations),
- the tables and columns of `warehouse/README.md` (`python -m pipelines.gudang.kontrak --tulis`
  rewrites the part between the `kontrak:mulai` and `kontrak:selesai` markers).

Tests a column may carry: `not_null`, `unique`, `accepted_values` (`values: [...]`, or `query:` a
SELECT read from the working warehouse when the suite runs), `accepted_range` (`min_value`,
`max_value`, `strict_min`, `strict_max`), `regex`, `semester` (the name rule of
pipelines/domain/semester.py). Tests of a table: `unique_combination_of_columns`
(its key) and `row_count` (`min_value`, `max_value`). A table's `severity` (`error`, default, or
`warn`) says whether a failing suite blocks publication. `columns_from: <table>` takes another
table's columns (same layer); the table's own `columns` then only add tests or override fields.
"""

from __future__ import annotations

import argparse
import sys
import textwrap
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import dagster as dg
import yaml

from pipelines.config import PROJECT_ROOT, SQL_DIR

KONTRAK_DIR = SQL_DIR / "kontrak"
LAYERS = ("conformed", "mart", "analis")
README = PROJECT_ROOT / "warehouse" / "README.md"
MULAI, SELESAI = "<!-- kontrak:mulai -->", "<!-- kontrak:selesai -->"

COLUMN_TESTS = {"not_null", "unique", "accepted_values", "accepted_range", "regex", "semester"}
TABLE_TESTS = {"unique_combination_of_columns", "row_count"}


@dataclass(frozen=True)
class Uji:
    """One test: its name and arguments (`{}` for not_null/unique)."""

    name: str
    args: dict[str, Any] = field(default_factory=dict)

    def uraian(self) -> str:
        """The test in a few words, for the README and the Dagster column constraints."""
        a = self.args
        if self.name == "accepted_values":
            if "query" in a:
                return f"values from `{a['query']}`"
            return "one of " + ", ".join(f"`{v}`" for v in a["values"])
        if self.name in ("accepted_range", "row_count"):
            low = a.get("min_value")
            high = a.get("max_value")
            bounds = []
            if low is not None:
                bounds.append(f"{'>' if a.get('strict_min') else '≥'} {low}")
            if high is not None:
                bounds.append(f"{'<' if a.get('strict_max') else '≤'} {high}")
            prefix = "rows " if self.name == "row_count" else ""
            return prefix + " and ".join(bounds)
        if self.name == "regex":
            return f"matches `{a['regex']}`"
        if self.name == "semester":
            return "a semester name such as `2023-S2` (`pipelines/domain/semester.py`)"
        if self.name == "unique_combination_of_columns":
            return "key (" + ", ".join(a["columns"]) + ")"
        return self.name.replace("_", " ")


@dataclass(frozen=True)
class Kolom:
    name: str
    type: str
    description: str
    unit: str | None = None
    tests: tuple[Uji, ...] = ()


@dataclass(frozen=True)
class Tabel:
    layer: str
    name: str
    description: str
    columns: tuple[Kolom, ...]
    tests: tuple[Uji, ...] = ()
    blocking: bool = True

    @property
    def key(self) -> str:
        return f"{self.layer}.{self.name}"

    @property
    def tested(self) -> bool:
        return bool(self.tests) or any(c.tests for c in self.columns)


class KontrakError(ValueError):
    """A contract file that does not follow the format above."""


def _uji(raw: Any, allowed: set[str], where: str) -> Uji:
    if isinstance(raw, str):
        name, args = raw, {}
    elif isinstance(raw, dict) and len(raw) == 1:
        ((name, args),) = raw.items()
        # the key of a table is a plain list of its columns
        args = {"columns": args} if isinstance(args, list) else dict(args or {})
    else:
        raise KontrakError(f"{where}: uji tidak dikenal {raw!r}")
    if name not in allowed:
        raise KontrakError(f"{where}: uji '{name}' tidak dikenal (boleh: {sorted(allowed)})")
    return Uji(name, args)


def _kolom(raw: dict, where: str, base: Kolom | None = None) -> Kolom:
    where = f"{where}, kolom {raw.get('name')}"
    fields = {
        "name": raw.get("name"),
        "type": raw.get("type", base.type if base else None),
        "description": raw.get("description", base.description if base else None),
        "unit": raw.get("unit", base.unit if base else None),
    }
    missing = [k for k, v in fields.items() if k != "unit" and not v]
    if missing:
        raise KontrakError(f"{where}: {', '.join(missing)} kosong")
    tests = tuple(_uji(t, COLUMN_TESTS, where) for t in raw.get("tests", []))
    return Kolom(**fields, tests=tests)


def load_layer(layer: str, path: Path | None = None) -> dict[str, Tabel]:
    """The tables of one layer's contract, in file order, keyed by "layer.name"."""
    path = path or KONTRAK_DIR / f"{layer}.yml"
    doc = yaml.safe_load(path.read_text(encoding="utf-8"))
    tables: dict[str, Tabel] = {}
    for raw in doc["tables"]:
        where = f"{path.name}, tabel {raw.get('name')}"
        own = {c["name"]: c for c in raw.get("columns", [])}
        if "columns_from" in raw:
            base = tables[f"{layer}.{raw['columns_from']}"]
            unknown = set(own) - {c.name for c in base.columns}
            if unknown:
                raise KontrakError(f"{where}: kolom {sorted(unknown)} tidak ada di columns_from")
            columns = tuple(
                _kolom({**own.get(c.name, {}), "name": c.name}, where, base=c) for c in base.columns
            )
        else:
            columns = tuple(_kolom(c, where) for c in raw.get("columns", []))
        if not raw.get("description") or not columns:
            raise KontrakError(f"{where}: description dan columns wajib")
        names = [c.name for c in columns]
        if len(set(names)) < len(names):
            raise KontrakError(f"{where}: nama kolom ganda")
        if raw.get("severity", "error") not in ("error", "warn"):
            raise KontrakError(f"{where}: severity harus error atau warn")
        tests = tuple(_uji(t, TABLE_TESTS, where) for t in raw.get("tests", []))
        for t in tests:
            if t.name == "unique_combination_of_columns" and set(t.args["columns"]) - set(names):
                raise KontrakError(f"{where}: kunci {t.args['columns']} bukan kolom tabel")
        table = Tabel(
            layer=layer,
            name=raw["name"],
            description=raw["description"].strip(),
            columns=columns,
            tests=tests,
            blocking=raw.get("severity", "error") == "error",
        )
        tables[table.key] = table
    return tables


@cache
def kontrak() -> dict[str, Tabel]:
    """Every table of every layer's contract, keyed by "layer.name"."""
    return {k: t for layer in LAYERS for k, t in load_layer(layer).items()}


# --- Dagster -------------------------------------------------------------------------------


def table_schema(table: Tabel) -> dg.TableSchema:
    """The contract as Dagster column docs: description, type, unit as a tag, tests as
    constraints (shown in the asset's Columns tab)."""
    columns = []
    for c in table.columns:
        names = {t.name for t in c.tests}
        columns.append(
            dg.TableColumn(
                c.name,
                c.type,
                description=c.description + (f" [{c.unit}]" if c.unit else ""),
                constraints=dg.TableColumnConstraints(
                    nullable="not_null" not in names,
                    unique="unique" in names,
                    other=[t.uraian() for t in c.tests if t.name not in ("not_null", "unique")],
                ),
                tags={"satuan": c.unit} if c.unit else None,
            )
        )
    return dg.TableSchema(
        columns=columns, constraints=dg.TableConstraints(other=[t.uraian() for t in table.tests])
    )


def metadata_tabel(layer: str, name: str) -> dict[str, Any]:
    """Definition metadata of the asset that builds `layer.name`: its column schema, its name in
    the warehouse and its description from the contract. A table the contract lacks gets none
    (definitions still load); tests/test_kontrak_gudang.py fails on it."""
    table = kontrak().get(f"{layer}.{name}")
    if table is None:
        return {}
    return {
        "dagster/column_schema": table_schema(table),
        "dagster/table_name": table.key,
        "kontrak": dg.MetadataValue.md(
            f"{table.description}\n\n(`sql/kontrak/{layer}.yml`, `warehouse/README.md`)"
        ),
    }


def metadata_analis() -> dict[str, dg.MetadataValue]:
    """The column schema of every `analis.*` view, for the asset that publishes the analyst
    file (one file, several objects: one schema entry per view)."""
    return {
        key: dg.MetadataValue.table_schema(table_schema(t))
        for key, t in kontrak().items()
        if t.layer == "analis"
    }


# --- warehouse/README.md ---------------------------------------------------------------------


def _wrap(text: str) -> str:
    """Paragraphs wrapped to the README's width (the contract may fold or keep line breaks)."""
    return "\n\n".join(
        textwrap.fill(" ".join(p.split()), 100, break_long_words=False, break_on_hyphens=False)
        for p in text.split("\n\n")
    )


def _cell(text: str) -> str:
    return " ".join(text.split()).replace("|", "\\|")


def markdown(tables: dict[str, Tabel]) -> str:
    """The generated part of warehouse/README.md: one section per table or view."""
    out = [
        MULAI,
        "<!-- Generated from sql/kontrak/mart.yml and analis.yml by "
        "`python -m pipelines.gudang.kontrak --tulis`: edit those files, not this part. -->",
    ]
    for table in tables.values():
        out += ["", f"## {table.key}", _wrap(table.description), ""]
        out += ["| column | type | unit | meaning |", "|---|---|---|---|"]
        for c in table.columns:
            out.append(f"| {c.name} | {c.type} | {c.unit or ''} | {_cell(c.description)} |")
        checks = ["columns as listed", *(t.uraian() for t in table.tests)] + [
            f"`{c.name}` {t.uraian()}" for c in table.columns for t in c.tests
        ]
        if table.tested:  # the tables that have a GX suite
            when = "blocks publication" if table.blocking else "warns"
            out += [
                "",
                _wrap(f"Checked on every run (great-expectations, {when}): " + "; ".join(checks)),
            ]
    out.append(SELESAI)
    return "\n".join(out)


def readme_terbitan() -> dict[str, Tabel]:
    """The objects of the analyst file (mart tables and analis views), as the README lists them."""
    return {k: t for k, t in kontrak().items() if t.layer in ("mart", "analis")}


def readme_baru(text: str) -> str:
    """`text` (the README) with its generated part replaced by the current contract."""
    start, end = text.find(MULAI), text.find(SELESAI)
    if start < 0 or end < start:
        raise KontrakError(f"{README}: penanda {MULAI} / {SELESAI} tidak ditemukan")
    return text[:start] + markdown(readme_terbitan()) + text[end + len(SELESAI) :]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tulis", action="store_true", help="tulis ulang warehouse/README.md")
    args = parser.parse_args(argv)
    current = README.read_text(encoding="utf-8")
    wanted = readme_baru(current)
    if args.tulis:
        README.write_text(wanted, encoding="utf-8")
        print(f"{README.relative_to(PROJECT_ROOT)} ditulis dari sql/kontrak/.")
        return 0
    if wanted != current:
        print(
            f"{README.relative_to(PROJECT_ROOT)} tidak sesuai sql/kontrak/: "
            "jalankan python -m pipelines.gudang.kontrak --tulis"
        )
        return 1
    print(f"{README.relative_to(PROJECT_ROOT)} sesuai sql/kontrak/.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
