"""Inputs: raw files found, read and validated at the gate, then stored as received."""
