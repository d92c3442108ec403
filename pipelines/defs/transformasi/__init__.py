"""The SQL layers (conformed, mart) and small-cell protection."""
