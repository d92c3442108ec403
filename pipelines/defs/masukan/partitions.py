"""Semester partitions ('2023-S2'). Dynamic, so a new DKB release needs no code change: the
release sensor (or `make ingest`) registers each folder found under raw/dkb/. What a semester
name may be is pipelines/domain/semester.py's to say."""

import dagster as dg

SEMESTER = dg.DynamicPartitionsDefinition(name="semester")
