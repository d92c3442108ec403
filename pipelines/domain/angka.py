"""Indonesian number format: `1.234.567` is one million two hundred …, `96,65` is a decimal.

A dot is only ever a thousands separator, so `110.26` is not a number in this format and is
rejected rather than guessed (it could be 110,26 or a mistyped 110.260).
"""

from __future__ import annotations

import math
import re

_ID_NUMBER = re.compile(r"^[-+]?(\d{1,3}(\.\d{3})+|\d+)(,\d+)?$")
# Rupiah amounts are printed as `312.020.400,-` and percentages as `96,65 %`.
_DECORATIONS = re.compile(r"^(RP\.?)|(,-)$|(%)$", re.IGNORECASE)
_SCIENTIFIC = re.compile(r"^[-+]?\d+([.,]\d+)?E[-+]?\d+$", re.IGNORECASE)
_EXCEL_ERROR = re.compile(r"^#(REF!|VALUE!|DIV/0!|N/A|NAME\?|NUM!|NULL!)$", re.IGNORECASE)


def parse_id_number(value: object) -> float | None:
    """Parse one cell; None for an empty cell, ValueError for anything not a number."""
    if value is None:
        return None
    if isinstance(value, bool):
        raise ValueError("bukan angka")
    if isinstance(value, int | float):
        if isinstance(value, float) and math.isnan(value):
            return None
        return float(value)
    text = str(value).replace("\u00a0", "").replace(" ", "").strip()
    if text == "":
        return None
    if _SCIENTIFIC.match(text):
        raise ValueError(
            "notasi ilmiah: Excel sudah membulatkan angka ini; format sel sebagai angka penuh "
            "atau teks lalu ekspor ulang"
        )
    if _EXCEL_ERROR.match(text):
        raise ValueError("galat rumus Excel, bukan angka: perbaiki rumus di file sumber")
    text = _DECORATIONS.sub("", text)
    if not _ID_NUMBER.match(text):
        raise ValueError("bukan angka berformat Indonesia (ribuan '.', desimal ',')")
    return float(text.replace(".", "").replace(",", "."))


def format_id_number(value: float | int | None, decimals: int = 0) -> str:
    """The inverse, for messages and exports: 1234567.5 -> '1.234.567,50'."""
    if value is None:
        return ""
    text = f"{value:,.{decimals}f}"
    return text.replace(",", "\x00").replace(".", ",").replace("\x00", ".")
