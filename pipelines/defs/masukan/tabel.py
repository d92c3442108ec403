"""A file's cells as received: what the reader (pipelines/defs/masukan/readers.py) hands the
gate."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

_UNCACHED_FORMULA = (
    "rumus tanpa nilai tersimpan: buka dan simpan ulang di Excel, atau tempel sebagai nilai"
)


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
    # headers of the header row that name no column of the input (a DKB measure the mapping
    # does not know yet is named in a warning, never dropped silently)
    unmatched_headers: list[str] = field(default_factory=list)

    def label(self, column: str) -> str:
        printed = self.headers.get(column)
        return f"{printed} ({column})" if printed and printed != column else column


class UncachedFormula(str):
    """A formula cell whose workbook holds no computed value (written by a program, never
    opened in Excel): openpyxl reads it as empty, which must not pass as a blank cell."""

    def __new__(cls, formula: str, coordinate: str) -> UncachedFormula:
        cell = super().__new__(cls, formula)
        cell.coordinate = coordinate
        return cell

    @property
    def rule(self) -> str:
        return f"sel {self.coordinate}: {_UNCACHED_FORMULA}"
