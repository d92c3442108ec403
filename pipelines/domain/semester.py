"""A DKB semester, written '2023-S2': the one place that says what a semester name is, its year,
the date its data is as of (Semester I: 30 June, Semester II: 31 December) and its Roman
numeral. The name sorts chronologically as text ('2023-S2' < '2024-S1'), which `sorted` and
SQL's `max(semester)` rely on. SQL has the same rules as the macros `semester_tahun` and
`semester_tanggal` (sql/macros/), checked against this module by tests/test_semester.py."""

import re
from datetime import date

# ASCII digits only (Python's \d also takes '٢٠٢٤'). Used with fullmatch only: `$` also matches
# before a trailing newline, and a partition created for '2024-S1\n' would stay for good.
POLA_TEKS = r"[0-9]{4}-S[12]"
POLA = re.compile(POLA_TEKS)
# The same rule for pandera (`str_matches`) and great-expectations (`regex`).
POLA_KOLOM = f"^{POLA_TEKS}$"
ROMAWI = {"1": "I", "2": "II"}


def is_semester(name: str) -> bool:
    return POLA.fullmatch(name) is not None


def _bagian(semester: str) -> tuple[int, str]:
    if not is_semester(semester):
        raise ValueError(
            f"Semester '{semester}' tidak valid: gunakan bentuk TAHUN-S1 atau TAHUN-S2."
        )
    return int(semester[:4]), semester[-1]


def tahun(semester: str) -> int:
    return _bagian(semester)[0]


def cut_off(semester: str) -> date:
    """DKB is consolidated as of 30 June (S1) or 31 December (S2) of the year."""
    year, half = _bagian(semester)
    return date(year, 6, 30) if half == "1" else date(year, 12, 31)


def romawi(semester: str) -> str:
    """'I' or 'II', as the report writes "Semester II"."""
    return ROMAWI[_bagian(semester)[1]]
