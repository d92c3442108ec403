"""Record-level DKB extracts: rules, quarantine, pseudonyms, counts per kelurahan."""
