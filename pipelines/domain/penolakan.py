"""A rejected input is reported as one list: file, row, column, value, rule."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Failure:
    file: str
    row: int | None  # row number as a person sees it in the file (header included)
    column: str  # the header as printed in the file, with the canonical name
    value: str
    rule: str

    def line(self) -> str:
        if self.row is None and not self.column:  # the file as a whole (empty, not Excel, …)
            return f"  seluruh file: {self.rule}"
        where = f"baris {self.row}" if self.row is not None else "seluruh file"
        return f"  {where}, kolom {self.column}, nilai {self.value!r}: {self.rule}"


class InputRejected(Exception):
    """Raised before anything is written, so the warehouse keeps its previous good state."""

    def __init__(self, path: Path, failures: list[Failure]):
        self.path = path
        self.failures = failures
        head = (
            f"File {path} ditolak: {len(failures)} kesalahan ditemukan; "
            "tidak ada data yang ditulis ke gudang data."
        )
        shown = [f.line() for f in failures[:50]]
        if len(failures) > 50:
            shown.append(f"  … dan {len(failures) - 50} kesalahan lain")
        super().__init__("\n".join([head, *shown]))
