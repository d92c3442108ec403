"""Dagster definitions by feature, loaded whole by pipelines/definitions.py."""
