"""Semester partitions ('2023-S2'). Dynamic, so a new DKB release needs no code change: the
release sensor (or `make ingest`) registers each folder found under raw/dkb/."""

import re

import dagster as dg

SEMESTER = dg.DynamicPartitionsDefinition(name="semester")
SEMESTER_PATTERN = re.compile(r"^(\d{4})-S([12])$")


def is_semester(name: str) -> bool:
    return SEMESTER_PATTERN.match(name) is not None
