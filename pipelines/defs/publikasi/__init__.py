"""Checks that block publication; the analyst file, its versions and rollback."""
