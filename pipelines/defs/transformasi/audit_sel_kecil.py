"""Disclosure audit of the published kelurahan counts: what can an analyst holding only the
analyst file learn about a small cell?

Per semester and kecamatan, one integer program with a variable per kelurahan × ukuran cell
and everything the analyst file says about them: each cell's published range (batas_bawah ..
batas_atas), the exact kecamatan totals of `mart.agregat_wilayah` (Σ kelurahan = kecamatan),
every identity of `identitas_ukuran()` and every inequality of `ketaksamaan_ukuran()` inside a
kelurahan, non-negativity, integrality. For every cell that may hold a small count (its
published range meets 1..sel_kecil_maks) it minimises and maximises the cell (scipy's `milp`,
HiGHS). A cell whose feasible range is narrower than `lebar_perlindungan` of
`aturan_sel_kecil()` is a finding, unless the range is [0, 0] (then it holds nobody).

The kab/kota totals add nothing per kecamatan (they are the sum of the exact kecamatan totals).
A kecamatan with a single kelurahan whose figures are withheld is reported apart: its
kelurahan figure is the kecamatan total, which the LAKIP publishes; no kelurahan table can
protect it. A lone kelurahan that does show figures is audited like any other.

    python -m pipelines.defs.transformasi.audit_sel_kecil [warehouse/dukcapil.duckdb]
"""

from __future__ import annotations

import sys
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd

from pipelines.config import paths_from_env


@dataclass(frozen=True)
class Aturan:
    sel_kecil_maks: int
    lebar_perlindungan: int


@dataclass(frozen=True)
class Rentang:
    """The feasible range of one protected cell, given everything published."""

    semester: str
    kode_kecamatan: str
    kode_kelurahan: str
    ukuran: str
    minimum: int
    maksimum: int

    @property
    def lebar(self) -> int:
        return self.maksimum - self.minimum

    def pesan(self, lebar: int) -> str:
        return (
            f"Sel kelurahan {self.kode_kelurahan}, ukuran {self.ukuran}, semester "
            f"{self.semester}: dari berkas terbit saja nilainya terbatas pada "
            f"{self.minimum}..{self.maksimum} (lebar {self.lebar}, perlindungan minimal {lebar})"
        )


@dataclass(frozen=True)
class HasilAudit:
    rentang: list[Rentang]  # every protected cell
    temuan: list[Rentang]  # those an analyst can narrow below the protection width
    kecamatan_tunggal: list[tuple[str, str]]  # (semester, kecamatan) with one kelurahan
    aturan: Aturan

    @property
    def lulus(self) -> bool:
        return not self.temuan


def _is_small(aturan: Aturan, lo: float, hi: float) -> bool:
    return lo <= aturan.sel_kecil_maks and hi >= 1


def _kecamatan_program(
    cells: pd.DataFrame,
    totals: dict[str, int],
    identities: list[tuple[str, str, str]],
    inequalities: list[tuple[str, str]],
    aturan: Aturan,
) -> Iterable[tuple[int, int, int]]:
    """(row index in `cells`, min, max) for each protected cell of one kecamatan."""
    # slow imports, only when an audit runs (not when Dagster loads its definitions)
    from scipy.optimize import Bounds, LinearConstraint, milp
    from scipy.sparse import lil_matrix

    cells = cells.reset_index()
    keys = zip(cells.kode_kelurahan, cells.ukuran, strict=True)
    index = {key: i for i, key in enumerate(keys)}
    n = len(cells)
    # a hidden cell with no published range is bounded by its kecamatan total
    ceiling = cells.ukuran.map(totals).fillna(np.inf).to_numpy(dtype=float)
    lower = cells.batas_bawah.fillna(0).to_numpy(dtype=float)
    upper = cells.batas_atas.astype(float).fillna(pd.Series(ceiling)).to_numpy(dtype=float)
    rows: list[tuple[dict[int, float], float, float]] = []
    for ukuran, total in totals.items():
        members = [index[(k, u)] for k, u in index if u == ukuran]
        if members:
            rows.append(({i: 1.0 for i in members}, total, total))
    for kelurahan in cells.kode_kelurahan.unique():
        for total, a, b in identities:
            keys = [(kelurahan, m) for m in (total, a, b)]
            if all(k in index for k in keys):
                t, ia, ib = (index[k] for k in keys)
                rows.append(({t: 1.0, ia: -1.0, ib: -1.0}, 0.0, 0.0))
        for kecil, besar in inequalities:
            if (kelurahan, kecil) in index and (kelurahan, besar) in index:
                rows.append(
                    ({index[(kelurahan, kecil)]: 1.0, index[(kelurahan, besar)]: -1.0}, -np.inf, 0)
                )
    matrix = lil_matrix((len(rows), n))
    for r, (coefficients, _, _) in enumerate(rows):
        for i, c in coefficients.items():
            matrix[r, i] = c
    constraints = LinearConstraint(
        matrix.tocsr(), [lo for _, lo, _ in rows], [hi for _, _, hi in rows]
    )
    bounds = Bounds(lower, upper)
    integrality = np.ones(n)

    def solve(objective: np.ndarray) -> np.ndarray:
        result = milp(objective, integrality=integrality, bounds=bounds, constraints=constraints)
        if not result.success:
            raise ValueError(
                f"Berkas terbit tidak konsisten untuk kecamatan "
                f"{cells.kode_kecamatan.iloc[0]}: {result.message}"
            )
        return np.round(result.x)

    protected = [i for i in range(n) if _is_small(aturan, lower[i], upper[i])]
    if not protected:
        return
    # Every solution is a table the analyst cannot rule out. Two solves pushing all protected
    # cells down, then up, put most of them at a bound of their published range, which is
    # then their exact minimum or maximum; only the other ends need a solve of their own.
    push = np.zeros(n)
    push[protected] = 1.0
    seen = [solve(push), solve(-push)]
    for i in protected:
        ends = []
        for sign, bound in ((1.0, lower[i]), (-1.0, upper[i])):
            if not any(s[i] == bound for s in seen):
                objective = np.zeros(n)
                objective[i] = sign
                seen.append(solve(objective))
            pick = min if sign > 0 else max
            ends.append(pick(s[i] for s in seen))
        yield int(cells["index"].iloc[i]), int(ends[0]), int(ends[1])


def audit(
    cells: pd.DataFrame,
    totals: pd.DataFrame,
    identities: list[tuple[str, str, str]],
    inequalities: list[tuple[str, str]],
    aturan: Aturan,
) -> HasilAudit:
    """cells: semester, kode_kecamatan, kode_kelurahan, ukuran, batas_bawah, batas_atas (empty
    = hidden); totals: semester, kode_wilayah (kecamatan), ukuran, nilai."""
    exact = {
        (s, k): dict(zip(g.ukuran, g.nilai.astype(int), strict=True))
        for (s, k), g in totals.groupby(["semester", "kode_wilayah"])
    }
    rentang: list[Rentang] = []
    tunggal: list[tuple[str, str]] = []
    for (semester, kecamatan), group in cells.groupby(["semester", "kode_kecamatan"]):
        # a lone kelurahan that publishes no figure (its kecamatan's, in agregat_wilayah)
        withheld = group.batas_bawah.isna().all() and group.batas_atas.isna().all()
        if group.kode_kelurahan.nunique() == 1 and withheld:
            tunggal.append((semester, kecamatan))
            continue
        for i, lo, hi in _kecamatan_program(
            group, exact.get((semester, kecamatan), {}), identities, inequalities, aturan
        ):
            row = cells.loc[i]
            rentang.append(Rentang(semester, kecamatan, row.kode_kelurahan, row.ukuran, lo, hi))
    temuan = [r for r in rentang if r.maksimum > 0 and r.lebar < aturan.lebar_perlindungan]
    return HasilAudit(rentang, temuan, tunggal, aturan)


def audit_connection(con: duckdb.DuckDBPyConnection) -> HasilAudit:
    """The audit of what a warehouse file publishes: mart.agregat_kelurahan (the table behind
    analis.agregat_kelurahan), mart.agregat_wilayah and the rules shipped with them."""
    cells = con.execute(
        "SELECT semester, kode_kecamatan, kode_wilayah AS kode_kelurahan, ukuran, batas_bawah, "
        "batas_atas FROM mart.agregat_kelurahan"
    ).df()
    return audit_cells(con, cells)


def audit_cells(
    con: duckdb.DuckDBPyConnection, cells: pd.DataFrame, aturan: Aturan | None = None
) -> HasilAudit:
    """The audit of these published cells against the file's kecamatan totals, identities and
    inequalities (and its own rule parameters unless `aturan` is given)."""
    totals = con.execute(
        "SELECT semester, kode_wilayah, ukuran, nilai FROM mart.agregat_wilayah "
        "WHERE tingkat = 'kecamatan'"
    ).df()
    identities = con.execute("SELECT total, bagian_1, bagian_2 FROM identitas_ukuran()")
    identities = [tuple(r) for r in identities.fetchall()]
    inequalities = [tuple(r) for r in con.execute("FROM ketaksamaan_ukuran()").fetchall()]
    if aturan is None:
        maks, lebar = con.execute(
            "SELECT sel_kecil_maks, lebar_perlindungan FROM aturan_sel_kecil()"
        ).fetchone()
        aturan = Aturan(maks, lebar)
    return audit(cells, totals, identities, inequalities, aturan)


def audit_file(path: Path | str) -> HasilAudit:
    """The audit from the published analyst file alone (opened read-only)."""
    with duckdb.connect(str(path), read_only=True) as con:
        return audit_connection(con)


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    path = Path(args[0]) if args else paths_from_env().published_db
    hasil = audit_file(path)
    lebar = hasil.aturan.lebar_perlindungan
    print(
        f"Audit sel kecil {path}: {len(hasil.rentang)} sel yang mungkin kecil diperiksa, "
        f"{len(hasil.temuan)} dapat dipersempit di bawah lebar perlindungan {lebar}."
    )
    for semester, kecamatan in hasil.kecamatan_tunggal:
        print(
            f"  Kecamatan {kecamatan} ({semester}) hanya punya satu kelurahan: angkanya sama "
            "dengan total kecamatan yang terbit; tidak dilindungi di tabel kelurahan."
        )
    for r in hasil.temuan[:50]:
        print("  " + r.pesan(lebar))
    return 0 if hasil.lulus else 1


if __name__ == "__main__":
    raise SystemExit(main())
