"""Lineage read from the SQL itself: the tables a SELECT reads, found by DuckDB's own parser
(`json_serialize_sql`), so no dependency list is typed beside the SQL (as dbt's `ref()` does).
A macro of `sql/macros/` that reads a table counts as reading it wherever it is called."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from functools import cache
from pathlib import Path

import duckdb

from pipelines.config import SQL_DIR

# `-- key: value` lines in the opening comment of a SQL file declare its asset (or, in
# sql/checks/, whether the check blocks publication: `-- blocking: tidak`).
HEADER_KEYS = ("description", "partitioned", "build", "writes", "blocking")
_HEADER = re.compile(rf"--\s*({'|'.join(HEADER_KEYS)}):\s*(.*?)\s*$")


class SqlLineageError(ValueError):
    """A SELECT that DuckDB's parser cannot read."""


def header(path: Path) -> dict[str, str]:
    """The `-- key: value` lines of a SQL file's opening comment (keys in HEADER_KEYS)."""
    fields: dict[str, str] = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.startswith("--"):
            break
        if match := _HEADER.match(line):
            fields[match.group(1)] = match.group(2)
    return fields


def _nodes(tree: object) -> Iterator[dict]:
    if isinstance(tree, dict):
        yield tree
        for value in tree.values():
            yield from _nodes(value)
    elif isinstance(tree, list):
        for item in tree:
            yield from _nodes(item)


def _parse(con: duckdb.DuckDBPyConnection, select: str) -> dict:
    parsed = json.loads(con.execute("SELECT json_serialize_sql(?)", [select]).fetchone()[0])
    if parsed["error"]:
        raise SqlLineageError(parsed["error_message"])
    return parsed


def _refs(con: duckdb.DuckDBPyConnection, select: str) -> tuple[set[str], set[str]]:
    """Tables `select` names (its CTEs excluded) and the functions it calls."""
    tables, ctes, calls = set(), set(), set()
    for node in _nodes(_parse(con, select)):
        if isinstance(node.get("cte_map"), dict):
            ctes |= {entry["key"] for entry in node["cte_map"].get("map", [])}
        if node.get("type") == "BASE_TABLE":
            tables.add((node["schema_name"], node["table_name"]))
        elif node.get("type") == "FUNCTION":
            calls.add(node["function_name"])
    named = {f"{schema}.{table}" if schema else table for schema, table in tables}
    return named - {t for s, t in tables if not s and t in ctes}, calls


# One macro per file of sql/macros/: `CREATE [OR REPLACE] MACRO name(params) AS [TABLE] body`.
_MACRO = re.compile(
    r"CREATE\s+(?:OR\s+REPLACE\s+)?MACRO\s+(\w+)\s*\(.*?\)\s+AS\s+(TABLE\s+)?(.*)",
    re.IGNORECASE | re.DOTALL,
)


@cache
def _macros(folder: Path) -> dict[str, frozenset[str]]:
    """Every macro of `folder` with the tables its body reads, through the macros it calls.
    Read from the text: DuckDB binds a macro's tables when it is created, so a macro that reads
    a table could not be installed before the table exists."""
    con = duckdb.connect()
    refs = {}
    for path in sorted(folder.glob("*.sql")):
        match = _MACRO.search(path.read_text(encoding="utf-8"))
        if match:
            name, table, body = match.groups()
            body = body.strip().rstrip(";")
            refs[name] = _refs(con, body if table else f"SELECT {body}")
    con.close()

    def reads(name: str, seen: frozenset[str]) -> set[str]:
        tables, calls = refs[name]
        for called in (calls & refs.keys()) - seen:
            tables = tables | reads(called, seen | {called})
        return tables

    return {name: frozenset(reads(name, frozenset({name}))) for name in refs}


def tables_read(select: str, macro_folder: Path = SQL_DIR / "macros") -> set[str]:
    """`schema.table` of every table `select` reads, its CTEs excluded, through the macros of
    `macro_folder` too. A table named without its schema is returned bare (no warehouse table)."""
    macros = _macros(macro_folder)
    con = duckdb.connect()
    try:
        tables, calls = _refs(con, select)
    finally:
        con.close()
    for name in calls & macros.keys():
        tables |= macros[name]
    return tables


def sql_files(*layers: str) -> list[Path]:
    return [p for layer in layers for p in sorted((SQL_DIR / layer).glob("*.sql"))]
