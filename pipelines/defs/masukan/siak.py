"""What a SIAK "agregat" workbook says beyond its cells: the topic, snapshot date and kab/kota code
in its name, each row's region from KODE (with or without dots or spaces) or NO_PROP … NO_KEL,
and the identities between its levels and sexes, which exports do not always keep: every break
is reported (file, row, column, values), never "fixed"."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pandas as pd

from pipelines.defs.masukan.gerbang import total_checks

# agr_<topik>_[<periode YYYYMM>_]<tanggal DDMMYYYY|DDMMYY>_<kode kab/kota>.xlsx
_NAME = re.compile(r"^agr_(?P<topik>[a-z_]+?)(?:_\d{6})?_(?P<tanggal>\d{6}|\d{8})_(?P<kab>\d{4})$")
_EMPTY = re.compile(r"^\s*(NULL|-|—|–)?\s*$", re.IGNORECASE)
TINGKAT = {2: "kabkota", 3: "kecamatan", 4: "kelurahan"}  # by the number of code segments
_WIDTHS = (2, 2, 2, 4)  # province, kab/kota, kecamatan, desa/kelurahan


@dataclass(frozen=True)
class NamaBerkas:
    topik: str
    tanggal: date | None
    kode_kab: str  # '82.07'


def parse_name(path: Path) -> NamaBerkas | None:
    """The parts of an export's name, or None when it does not follow the SIAK pattern."""
    match = _NAME.match(path.stem.casefold())
    if not match:
        return None
    digits = match["tanggal"]
    day, month, year = int(digits[:2]), int(digits[2:4]), int(digits[4:])
    year += 2000 if len(digits) == 6 else 0
    try:
        tanggal = date(year, month, day)
    except ValueError:
        tanggal = None
    kab = match["kab"]
    return NamaBerkas(match["topik"], tanggal, f"{kab[:2]}.{kab[2:]}")


def is_missing(cell: object) -> bool:
    """An empty, NULL or '-' cell: a figure the export does not have, never 0."""
    return cell is None or (isinstance(cell, str) and bool(_EMPTY.match(cell)))


def region_code(kode: object, parts: tuple[object, ...]) -> str | None:
    """'82.07.01.2001' from KODE as printed ('82.07.01.2001', '8207012001', '82 07 01 2001') or
    from NO_PROP … NO_KEL; None when neither gives a well-formed code."""
    if _given(kode):
        text = str(kode).strip()
        segments = re.split(r"[.\s]+", text)
        if len(segments) == 1 and segments[0].isdigit():
            digits, segments = segments[0], []
            for width in _WIDTHS:
                if digits:
                    segments.append(digits[:width])
                    digits = digits[width:]
            if digits:
                return None
    else:
        segments = [str(p).strip() for p in parts if _given(p)]
        segments = [s.zfill(w) for s, w in zip(segments, _WIDTHS, strict=False)]
    if not segments or not all(
        s.isdigit() and len(s) == w for s, w in zip(segments, _WIDTHS, strict=False)
    ):
        return None
    return ".".join(segments)


def _given(cell: object) -> bool:
    return (
        cell is not None
        and not (isinstance(cell, float) and pd.isna(cell))
        and bool(str(cell).strip())
    )


def shown_code(kode: object, parts: tuple[object, ...]) -> str:
    """The code as the file prints it, for messages."""
    if _given(kode):
        return str(kode)
    return ".".join(str(p) for p in parts if _given(p))


def level_breaks(long: pd.DataFrame, headers: dict[str, str]) -> pd.DataFrame:
    """Each kab/kota row against the sum of its kecamatan rows and of its desa rows, and each
    kecamatan row against the sum of its desa rows, per measure, in the shape of
    raw.cek_baris_total (every comparison, the equal ones too). `long`: one file's rows
    (kode_wilayah, tingkat, ukuran, nilai, baris). A sum over a missing cell is not compared."""
    # every row's figure added, in one pass, to each region above it ('82.08.01.2001' to
    # '82.08.01' and '82.08'): a province's hundreds of offices pass through here, so no
    # filtering of the lower rows once per upper row
    sums: dict[tuple[str, str, str], list] = {}  # (ukuran, upper code, lower level) -> [Σ, NA]
    for ukuran, tingkat, kode, nilai in long[
        ["ukuran", "tingkat", "kode_wilayah", "nilai"]
    ].itertuples(index=False):
        missing = pd.isna(nilai)
        for dot in (i for i, c in enumerate(kode) if c == "."):
            total = sums.setdefault((ukuran, kode[:dot], tingkat), [0, False])
            total[1] = total[1] or missing
            total[0] += 0 if missing else nilai
    records = []
    for ukuran, group in long.groupby("ukuran", sort=False):
        by_level = {t: g for t, g in group.groupby("tingkat")}
        for upper, lower in (
            ("kabkota", "kecamatan"),
            ("kabkota", "kelurahan"),
            ("kecamatan", "kelurahan"),
        ):
            if upper not in by_level or lower not in by_level:
                continue
            for row in by_level[upper].itertuples():
                below = sums.get((ukuran, row.kode_wilayah, lower))
                if below is None or pd.isna(row.nilai) or below[1]:
                    continue
                records.append(
                    {
                        "baris": int(row.baris),
                        "kolom": f"{headers.get(ukuran, ukuran)} ({ukuran}): "
                        f"{_WORDS[upper]} = Σ {_WORDS[lower]}",
                        "nilai_tercetak": float(row.nilai),
                        "jumlah_baris": float(below[0]),
                    }
                )
    return total_checks(records)


def sex_breaks(
    long: pd.DataFrame, parts: dict[str, tuple[str, str]], headers: dict[str, str]
) -> pd.DataFrame:
    """Every row where a measure and both its sex parts are printed: total vs L + P."""
    wide = long.pivot_table(index="baris", columns="ukuran", values="nilai", aggfunc="first")
    records = []
    for total, (laki, perempuan) in parts.items():
        if not {total, laki, perempuan} <= set(wide.columns):
            continue
        both = wide[[total, laki, perempuan]].dropna()
        for baris, row in both.iterrows():
            records.append(
                {
                    "baris": int(baris),
                    "kolom": f"{headers.get(total, total)} ({total}) = "
                    f"{headers.get(laki, laki)} + {headers.get(perempuan, perempuan)}",
                    "nilai_tercetak": float(row[total]),
                    "jumlah_baris": float(row[laki] + row[perempuan]),
                }
            )
    return total_checks(records)


_WORDS = {"kabkota": "baris kab/kota", "kecamatan": "kecamatan", "kelurahan": "desa/kelurahan"}
