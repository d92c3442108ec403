"""The province's partitions: office × semester. Both dimensions are dynamic, so a new office
folder (`raw/<kode>/`) or a new DKB semester needs no code change: the province sensor
(otomasi.py) registers what it finds.

The semester dimension has its own name (`semester_kantor`), not the office pipeline's
`semester`: the office pipeline keeps its partitions in each office's own Dagster instance, and
an installation that loads both code locations into one instance must not see a province
semester appear as an office partition."""

from __future__ import annotations

import dagster as dg

KANTOR = dg.DynamicPartitionsDefinition(name="kantor")
SEMESTER_KANTOR = dg.DynamicPartitionsDefinition(name="semester_kantor")

# Dimension names are the run tags' suffixes: `dagster/partition/kantor` carries the office,
# and the run queue's per-office limit (pipelines/dagster_provinsi.yaml) is set on it.
DIMENSI_KANTOR = "kantor"
DIMENSI_SEMESTER = "semester"
KANTOR_X_SEMESTER = dg.MultiPartitionsDefinition(
    {DIMENSI_KANTOR: KANTOR, DIMENSI_SEMESTER: SEMESTER_KANTOR}
)
TAG_KANTOR = f"dagster/partition/{DIMENSI_KANTOR}"
TAG_SEMESTER = f"dagster/partition/{DIMENSI_SEMESTER}"


def kunci_partisi(kode: str, semester: str) -> dg.MultiPartitionKey:
    """The partition of one office's semester."""
    return dg.MultiPartitionKey({DIMENSI_KANTOR: kode, DIMENSI_SEMESTER: semester})
