"""Many offices in one installation (a province, the nation): each office's own pipeline on its own
folders (`raw/<kode>/` -> `warehouse/<kode>/`), run in parallel through Dagster's run queue, and
the rollups of the offices' figures to province and nation (docs/provinsi.md)."""
