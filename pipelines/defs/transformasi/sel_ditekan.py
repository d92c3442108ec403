"""Secondary suppression of kelurahan blocks, the fallback of the small-cell rule.

Rounding (sql/mart/agregat_kelurahan.sql) protects most cells, but on a small or sparse
population the exact kecamatan totals can still pin a rounded cell (two kelurahan shown 0, i.e.
0..4, in a kecamatan of 8: both are 4). Blocking publication for ever would leave the officer no
way out, so the table is built in rounds: build, audit
(pipelines/defs/transformasi/audit_sel_kecil.py),
list the kecamatan × ukuran × semester block of every pinned cell in `mart.sel_ditekan`, which
the SQL then publishes as unknown in 0..kecamatan total, and build again until nothing is
pinned. A pinned cell in a block already suppressed (the identities and inequalities tie it to
other measures) suppresses every block of its kecamatan and semester; with every measure
suppressed and two or more kelurahan nothing can be pinned (the whole kecamatan may sit in any
one kelurahan), so the rounds end. The blocking check `audit_sel_kecil` stays the guard.
"""

from __future__ import annotations

import duckdb

from pipelines.defs.transformasi.audit_sel_kecil import HasilAudit, audit_connection
from pipelines.gudang.db import replace_table

TABLE = "mart.sel_ditekan"
Blok = tuple[str, str, str]  # semester, kode_kecamatan, ukuran


def blok_berikutnya(
    hasil: HasilAudit, ditekan: set[Blok], ukuran_per_kecamatan: dict[tuple[str, str], set[str]]
) -> dict[Blok, str]:
    """The blocks to suppress after an audit, each with its reason (codes only, no count)."""
    baru: dict[Blok, str] = {}
    for r in hasil.temuan:
        blok = (r.semester, r.kode_kecamatan, r.ukuran)
        if blok not in ditekan:
            baru.setdefault(blok, "sel terkunci oleh angka terbit")
            continue
        for ukuran in ukuran_per_kecamatan[(r.semester, r.kode_kecamatan)]:
            lain = (r.semester, r.kode_kecamatan, ukuran)
            if lain not in ditekan:
                baru.setdefault(lain, f"blok {r.ukuran} yang sudah ditekan masih terkunci")
    return baru


def bangun_dengan_penekanan(con: duckdb.DuckDBPyConnection, target: str, select: str) -> int:
    """Build `target` from `select` (which reads mart.sel_ditekan), suppressing blocks until
    the audit passes; returns the row count. mart.sel_ditekan is rebuilt from scratch."""
    con.execute(
        f"CREATE OR REPLACE TABLE {TABLE} (semester VARCHAR, kode_kecamatan VARCHAR, "
        "ukuran VARCHAR, putaran INTEGER, alasan VARCHAR)"
    )
    ditekan: set[Blok] = set()
    putaran = 0
    while True:
        count = replace_table(con, target, select)
        hasil = audit_connection(con)
        if hasil.lulus:
            return count
        putaran += 1
        ukuran_per_kecamatan: dict[tuple[str, str], set[str]] = {}
        for semester, kecamatan, ukuran in con.execute(
            f"SELECT DISTINCT semester, kode_kecamatan, ukuran FROM {target}"
        ).fetchall():
            ukuran_per_kecamatan.setdefault((semester, kecamatan), set()).add(ukuran)
        baru = blok_berikutnya(hasil, ditekan, ukuran_per_kecamatan)
        if not baru:
            # cannot happen with two or more kelurahan (see above); the blocking check reports it
            return count
        con.executemany(
            f"INSERT INTO {TABLE} VALUES (?, ?, ?, ?, ?)",
            [(*blok, putaran, alasan) for blok, alasan in sorted(baru.items())],
        )
        ditekan |= set(baru)
