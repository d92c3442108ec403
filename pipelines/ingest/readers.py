"""One loader for every tabular raw file an officer drops into `raw/` (CSV or XLSX).

It finds the header row under any title rows, maps the printed headers to canonical column
names, sets aside trailing JUMLAH/TOTAL rows (checked against the sum, never ingested as a
region), skips footers, and returns the cells untouched: typing is the validator's job, so
that every rejected value can still be shown exactly as it was in the file.
"""

from __future__ import annotations

import csv
import hashlib
import io
import re
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
from openpyxl import load_workbook

from pipelines.ingest.sources import Source, normalise_label

HEADER_SEARCH_ROWS = 30
_TOTAL_LABEL = re.compile(r"^(JUMLAH|TOTAL)\b")


@dataclass
class RawTable:
    """Cells of one file as received, indexed by the row number a person sees in the file."""

    path: Path
    sha256: str
    header_row: int
    body: pd.DataFrame  # canonical columns, object dtype, index = row number in file
    total_rows: pd.DataFrame  # the JUMLAH/TOTAL rows, same columns
    headers: dict[str, str] = field(default_factory=dict)  # canonical name -> printed header
    missing_columns: list[str] = field(default_factory=list)

    def label(self, column: str) -> str:
        printed = self.headers.get(column)
        return f"{printed} ({column})" if printed and printed != column else column


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _decode(data: bytes) -> str:
    # Exports come as UTF-8 (often with a BOM from Excel) or as Windows code pages.
    for encoding in ("utf-8-sig", "cp1252", "latin-1"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise AssertionError("latin-1 decodes every byte sequence")


def _csv_rows(path: Path) -> list[list[object]]:
    text = _decode(path.read_bytes())
    sample = "\n".join(text.splitlines()[:HEADER_SEARCH_ROWS])
    try:
        dialect = csv.Sniffer().sniff(sample, delimiters=";,\t|")
        delimiter = dialect.delimiter
    except csv.Error:
        delimiter = ","
    return [list(row) for row in csv.reader(io.StringIO(text), delimiter=delimiter)]


def _xlsx_rows(path: Path) -> list[list[object]]:
    workbook = load_workbook(path, read_only=True, data_only=True)
    try:
        sheet = workbook.worksheets[0]
        return [list(row) for row in sheet.iter_rows(values_only=True)]
    finally:
        workbook.close()


def _find_header(rows: list[list[object]], source: Source) -> tuple[int, dict[int, str]]:
    """Return (0-based header row, {cell position: canonical column}) of the best match."""
    wanted = {label: col.name for col in source.columns for label in col.header_keys}
    best: tuple[int, dict[int, str]] = (-1, {})
    for i, row in enumerate(rows[:HEADER_SEARCH_ROWS]):
        mapping = {}
        for j, cell in enumerate(row):
            name = wanted.get(normalise_label(cell))
            if name is not None and name not in mapping.values():
                mapping[j] = name
        if len(mapping) > len(best[1]):
            best = (i, mapping)
    return best


def _is_blank(value: object) -> bool:
    return value is None or (isinstance(value, str) and value.strip() == "")


def read_raw(path: Path, source: Source) -> RawTable:
    """Read `path` as `source` describes it; raises nothing for bad cells (the validator does)."""
    rows = _xlsx_rows(path) if path.suffix.lower() in (".xlsx", ".xlsm") else _csv_rows(path)
    header_index, mapping = _find_header(rows, source)
    found = set(mapping.values())
    missing = [c.name for c in source.columns if c.required and c.name not in found]
    columns = [c.name for c in source.columns if c.name in found]

    records: list[dict[str, object]] = []
    row_numbers: list[int] = []
    totals: list[dict[str, object]] = []
    total_numbers: list[int] = []
    for i in range(header_index + 1, len(rows)):
        row = rows[i]
        record = {name: (row[j] if j < len(row) else None) for j, name in mapping.items()}
        if all(_is_blank(v) for v in record.values()):
            continue  # empty line or a footer note outside the table's columns
        label_cells = [record.get(c) for c in source.total_label_columns]
        if any(_TOTAL_LABEL.match(normalise_label(v)) for v in label_cells if not _is_blank(v)):
            totals.append(record)
            total_numbers.append(i + 1)
            continue
        records.append(record)
        row_numbers.append(i + 1)  # files count rows from 1

    body = pd.DataFrame(records, index=pd.Index(row_numbers, name="baris"), columns=columns)
    total_rows = pd.DataFrame(totals, index=pd.Index(total_numbers, name="baris"), columns=columns)
    return RawTable(
        path=path,
        sha256=file_sha256(path),
        header_row=header_index + 1,
        body=body.astype(object),
        total_rows=total_rows.astype(object),
        headers={name: str(rows[header_index][j]).strip() for j, name in mapping.items()}
        if header_index >= 0
        else {},
        missing_columns=missing,
    )
