"""Text from an input never becomes a formula in an export.

A program or indicator name such as `=HYPERLINK("http://…","klik")` or `=cmd|' /C calc'!A0`
would run when the head of office opens the LAKIP workbook; `+`, `-`, `@`, tab and carriage
return start a formula too once a cell is edited or the sheet is saved as CSV. Such text is
written as a text cell, kept exactly as typed (no quote added to the value), with Excel's
"quote prefix" set so that Excel and LibreOffice keep treating it as text when it is edited.
Any future writer of officer-facing files (a .docx of Bab III, a CSV) uses `awal_formula` too.
"""

from __future__ import annotations

from openpyxl.cell.cell import Cell
from openpyxl.worksheet.worksheet import Worksheet

# What spreadsheet programs read as the start of a formula (OWASP "CSV injection").
AWAL_FORMULA = ("=", "+", "-", "@", "\t", "\r")


def awal_formula(value: object) -> bool:
    """True for text a spreadsheet program could take as a formula."""
    return isinstance(value, str) and value.startswith(AWAL_FORMULA)


def isi_sel(cell: Cell, value: object) -> Cell:
    """Put `value` in `cell`: numbers stay numbers; text that looks like a formula stays text."""
    if value is None:
        return cell  # as ws.cell(): an empty cell, possibly part of a merge, is left alone
    cell.value = value
    if awal_formula(value):
        cell.data_type = "s"  # openpyxl made "=…" a formula: write it as a string instead
        cell.quotePrefix = True
    return cell


def tulis_sel(ws: Worksheet, row: int, column: int, value: object) -> Cell:
    """`ws.cell(row, column, value)` with `isi_sel`'s guarantee."""
    return isi_sel(ws.cell(row, column), value)
