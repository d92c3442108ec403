"""Pure domain logic: plain functions over the office's concepts. Imports nothing from the rest of
`pipelines` and nothing from Dagster (the import contract in pyproject.toml keeps it so)."""
