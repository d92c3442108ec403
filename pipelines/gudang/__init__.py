"""The warehouse connection (the data folder is `warehouse/`)."""
