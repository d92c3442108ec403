"""One loader for every tabular raw file an officer drops into `raw/` (CSV or XLSX).

It finds the header row under any title rows (one row, or the two rows of a merged xlsx
header), maps the printed headers to canonical column names, sets aside trailing JUMLAH/TOTAL
rows (checked against the sum, never ingested as a region), skips footers, and returns the
cells untouched: typing is the validator's job, so that every rejected value can still be
shown exactly as it was in the file. A file that cannot be read as a table at all (empty,
binary, not a real workbook, no header row) is refused here, in words, naming the file.
"""

from __future__ import annotations

import codecs
import csv
import hashlib
import io
import re
from pathlib import Path

import pandas as pd
from openpyxl import load_workbook

from pipelines.defs.masukan.deklarasi import Source, normalise_label
from pipelines.defs.masukan.tabel import RawTable, UncachedFormula
from pipelines.domain.penolakan import Failure, InputRejected

HEADER_SEARCH_ROWS = 30
_DELIMITERS = (";", ",", "\t", "|")
_TOTAL_LABEL = re.compile(r"^(JUMLAH|TOTAL)\b")


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


_ZIP = b"PK\x03\x04"  # every .xlsx is a zip archive
_OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # old .xls, and any password-protected workbook


def _refuse(path: Path, rule: str) -> InputRejected:
    return InputRejected(path, [Failure(str(path), None, "", "", rule)])


_EXCEL_SUFFIXES = (".xlsx", ".xlsm", ".xls")


def _format_problem(path: Path, data: bytes) -> str | None:
    """Why these bytes cannot be what the file's name says, before any parser sees them."""
    excel = path.suffix.lower() in _EXCEL_SUFFIXES
    if not data:
        return "file kosong (0 byte)"
    if data.startswith(_OLE2):
        # A password-protected .xlsx is an OLE2 container holding an "EncryptedPackage" stream.
        if "EncryptedPackage".encode("utf-16-le") in data:
            return (
                "file Excel dilindungi kata sandi: buka di Excel, hapus kata sandinya, "
                "lalu simpan ulang"
            )
        return "format Excel lama (.xls): buka di Excel lalu simpan sebagai Excel Workbook (.xlsx)"
    if data.startswith(_ZIP):
        return None if excel else "ini file Excel, bukan CSV teks: beri ekstensi .xlsx"
    if excel:
        return (
            "bukan file Excel yang sah: isinya teks (CSV?); simpan ulang sebagai .xlsx "
            "atau beri ekstensi .csv"
        )
    return None


def _decode(path: Path, data: bytes) -> str:
    # Excel's "Unicode Text" and some SIAK exports are UTF-16/32 with a byte-order mark.
    for bom, encoding in (
        (codecs.BOM_UTF32_LE, "utf-32"),
        (codecs.BOM_UTF32_BE, "utf-32"),
        (codecs.BOM_UTF16_LE, "utf-16"),
        (codecs.BOM_UTF16_BE, "utf-16"),
    ):
        if data.startswith(bom):
            try:
                return data.decode(encoding)
            except UnicodeDecodeError:
                raise _refuse(
                    path,
                    f"teks {encoding.upper()} (ada BOM) yang rusak atau terpotong: ekspor ulang",
                ) from None
    if b"\x00" in data:
        raise _refuse(
            path,
            "berisi byte nol: bukan CSV teks, atau pengodean UTF-16 tanpa BOM; "
            "simpan ulang sebagai CSV UTF-8",
        )
    # Otherwise UTF-8 (often with a BOM from Excel) or a Windows code page; latin-1 takes any.
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    return data.decode("latin-1")


def _csv_tables(path: Path, data: bytes) -> list[list[list[object]]]:
    """The file split by each plausible delimiter; the caller keeps the one whose header fits.

    (csv.Sniffer guesses wrong when title or footer lines above/below the table have no or
    other separators, which hand-made exports often have.)
    """
    text = _decode(path, data)
    tables = []
    for delimiter in _DELIMITERS:
        reader = csv.reader(io.StringIO(text), delimiter=delimiter)
        try:
            tables.append([list(row) for row in reader])
        except csv.Error:  # e.g. a cell longer than csv's field limit: no table to read
            raise _refuse(
                path, f"baris {reader.line_num} tidak terbaca sebagai CSV (sel terlalu panjang?)"
            ) from None
    return tables


def _sheet_cells(path: Path, data: bytes, data_only: bool) -> list[list]:
    try:
        # from bytes: openpyxl would refuse an .xlsx renamed .xls by its name alone
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=data_only)
    except Exception:  # a damaged archive fails with many exception types
        raise _refuse(
            path, "bukan file Excel yang sah / rusak: buka di Excel lalu simpan ulang (.xlsx)"
        ) from None
    try:
        return [list(row) for row in workbook.worksheets[0].iter_rows()]
    finally:
        workbook.close()


def _xlsx_rows(path: Path, data: bytes) -> list[list[object]]:
    formulas = _sheet_cells(path, data, data_only=False)
    if not any(cell.data_type == "f" for row in formulas for cell in row):
        return [[cell.value for cell in row] for row in formulas]
    # Formula cells take the value Excel stored with them; where none was stored, keep the
    # formula so that the gate names the cell instead of reading it as empty.
    values = _sheet_cells(path, data, data_only=True)
    return [
        [
            UncachedFormula(str(f.value), f.coordinate)
            if f.data_type == "f" and v.value is None
            else v.value
            for f, v in zip(formula_row, value_row, strict=True)
        ]
        for formula_row, value_row in zip(formulas, values, strict=True)
    ]


def _header_labels(rows: list[list[object]], i: int, two_rows: bool) -> list[list[tuple]]:
    """Candidate labels of each cell position when the header is row i (and i+1).

    A merged two-row header prints a group label once over several sub-labels ("KTP-EL" over
    "WAJIB", "SUDAH REKAM" …; openpyxl gives the merged cells as empty), so each position below
    a group is also tried as "group sub" and "sub group"; a cell merged down two rows keeps its
    own label. Each candidate is (comparison key, label as printed).
    """
    top = rows[i]
    if not two_rows:
        return [[(normalise_label(c), str(c).strip())] for c in top]
    bottom = rows[i + 1]
    labels, group = [], None
    for j in range(max(len(top), len(bottom))):
        upper = top[j] if j < len(top) else None
        lower = bottom[j] if j < len(bottom) else None
        group = upper if not _is_blank(upper) else group
        if _is_blank(lower):
            labels.append([(normalise_label(upper), str(upper).strip())])
        else:
            g, b = normalise_label(group), normalise_label(lower)
            shown = f"{str(group).strip()} / {str(lower).strip()}" if group else str(lower)
            labels.append([(b, shown), (f"{g} {b}".strip(), shown), (f"{b} {g}".strip(), shown)])
    return labels


def _find_header(
    rows: list[list[object]], source: Source
) -> tuple[int, dict[int, str], dict, list[str]]:
    """Return (0-based last header row, {cell position: canonical column}, {column: label},
    [printed headers of the other cells of the header row])."""
    wanted = {label: col.name for col in source.columns for label in col.header_keys}
    best: tuple[int, dict[int, str], dict[str, str], list[str]] = (-1, {}, {}, [])
    for i in range(min(HEADER_SEARCH_ROWS, len(rows))):
        for two_rows in (False, True):
            if two_rows and i + 1 >= len(rows):
                continue
            mapping: dict[int, str] = {}
            printed: dict[str, str] = {}
            others: list[str] = []
            for j, candidates in enumerate(_header_labels(rows, i, two_rows)):
                match = next(((wanted[k], shown) for k, shown in candidates if k in wanted), None)
                if match is not None and match[0] not in printed:
                    mapping[j] = match[0]
                    printed[match[0]] = match[1]
                elif candidates[0][0] not in ("", "NONE"):
                    others.append(candidates[0][1])
            if len(mapping) > len(best[1]):
                best = (i + int(two_rows), mapping, printed, others)
    return best


def _is_blank(value: object) -> bool:
    return value is None or (isinstance(value, str) and value.strip() == "")


def read_raw(path: Path, source: Source) -> RawTable:
    """Read `path` as `source` describes it; raises nothing for bad cells (the validator does),
    InputRejected for a file that holds no readable table."""
    try:
        data = path.read_bytes()
    except OSError:  # a folder with a file's name, no permission, a share gone away
        raise _refuse(path, "file tidak dapat dibuka untuk dibaca (folder? izin akses?)") from None
    problem = _format_problem(path, data)
    if problem:
        raise _refuse(path, problem)
    if path.suffix.lower() in _EXCEL_SUFFIXES:
        tables = [_xlsx_rows(path, data)]
    else:
        tables = _csv_tables(path, data)
    if not any(not _is_blank(cell) for table in tables for row in table for cell in row):
        raise _refuse(path, "file tidak berisi apa pun selain spasi atau baris kosong")
    # first table with the most recognised headers (ties keep the delimiter order above)
    rows, (header_index, mapping, printed, unmatched) = max(
        ((t, _find_header(t, source)) for t in tables), key=lambda tf: len(tf[1][1])
    )
    if not mapping:
        expected = ", ".join(c.headers[0] for c in source.columns if c.required)
        raise _refuse(
            path,
            f"baris judul kolom tidak ditemukan di {HEADER_SEARCH_ROWS} baris pertama; "
            f"judul yang diharapkan: {expected}",
        )
    found = set(mapping.values())
    missing = [c.name for c in source.columns if c.required and c.name not in found]
    columns = [c.name for c in source.columns if c.name in found]

    records: list[dict[str, object]] = []
    row_numbers: list[int] = []
    totals: list[dict[str, object]] = []
    total_numbers: list[int] = []
    for i in range(header_index + 1, len(rows)):
        row = rows[i]
        record = {name: (row[j] if j < len(row) else None) for j, name in mapping.items()}
        if all(_is_blank(v) for v in record.values()):
            continue  # empty line or a footer note outside the table's columns
        label_cells = [record.get(c) for c in source.total_label_columns]
        if any(_TOTAL_LABEL.match(normalise_label(v)) for v in label_cells if not _is_blank(v)):
            totals.append(record)
            total_numbers.append(i + 1)
            continue
        records.append(record)
        row_numbers.append(i + 1)  # files count rows from 1

    if not records and not source.allow_empty:
        raise _refuse(path, f"tidak ada baris data di bawah baris judul (baris {header_index + 1})")
    body = pd.DataFrame(records, index=pd.Index(row_numbers, name="baris"), columns=columns)
    total_rows = pd.DataFrame(totals, index=pd.Index(total_numbers, name="baris"), columns=columns)
    return RawTable(
        path=path,
        sha256=hashlib.sha256(data).hexdigest(),  # of the very bytes read
        header_row=header_index + 1,
        body=body.astype(object),
        total_rows=total_rows.astype(object),
        headers=printed,
        missing_columns=missing,
        unmatched_headers=unmatched,
    )
