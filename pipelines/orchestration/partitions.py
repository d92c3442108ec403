"""Semester partitions ('2023-S2'). Dynamic, so a new DKB release needs no code change: the
release sensor (or `make ingest`) registers each folder found under raw/dkb/."""

import re
from datetime import date

import dagster as dg

SEMESTER = dg.DynamicPartitionsDefinition(name="semester")
# Used with fullmatch only: `$` also matches before a trailing newline, and a partition created
# for '2024-S1\n' would stay in the instance for good.
SEMESTER_PATTERN = re.compile(r"([0-9]{4})-S([12])")


def is_semester(name: str) -> bool:
    return SEMESTER_PATTERN.fullmatch(name) is not None


def cut_off(semester: str) -> date:
    """DKB is consolidated as of 30 June (S1) or 31 December (S2) of the year."""
    match = SEMESTER_PATTERN.fullmatch(semester)
    if not match:
        raise ValueError(
            f"Semester '{semester}' tidak valid: gunakan bentuk TAHUN-S1 atau TAHUN-S2."
        )
    year = int(match.group(1))
    return date(year, 6, 30) if match.group(2) == "1" else date(year, 12, 31)
