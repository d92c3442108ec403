"""The standard Bab III paragraphs, generated from the marts with the sentences of
`templates/narasi_bab3.toml`. The queries decide every comparison word and category, so the
text says what the numbers next to it say."""

from __future__ import annotations

from pathlib import Path

import duckdb

from pipelines.defs.laporan.bersama import angka_id, instansi, query, template, tulis_atomik


def _isi(teks: str, row: dict) -> str:
    # Years stay as they are (2023, not 2.023); every other number is printed the Indonesian way.
    return teks.format_map(
        {
            k: v if k.startswith("tahun") or isinstance(v, str) else angka_id(v)
            for k, v in row.items()
        }
    )


def kalimat_indikator(row: dict) -> str:
    """Which sentence of narasi_bab3.toml states an indicator: `indikator` (realisasi against
    target, capaian), or, for a figure the year has not yet, `tanpa_target` or
    `tanpa_realisasi`, which say so instead of comparing with nothing."""
    if not row["kosong"]:
        return "indikator"
    return "tanpa_target" if row["realisasi"] is not None else "tanpa_realisasi"


def paragraf(con: duckdb.DuckDBPyConnection, tahun: int) -> list[str]:
    """The Markdown paragraphs of one year: one per Tabel 3 indicator, then the closing one."""
    t = template("narasi_bab3.toml")
    kantor = instansi(con)
    out = []
    for row in query(con, "lakip/narasi", tahun).to_dict("records"):
        row = {**kantor, **row}
        kalimat = [_isi(t[kalimat_indikator(row)], row)]
        if row["capaian_tahun_lalu"] is not None:
            kalimat.append(_isi(t["tahun_lalu"], row))
        if row["realisasi"] is not None:
            kalimat.append(_isi(t["jenis"][row["jenis"]], row))
        out.append(" ".join(kalimat))
    for row in query(con, "lakip/ringkasan", tahun).to_dict("records"):
        if row["rata_rata_capaian"] is not None:  # no capaian measured yet: no mean
            out.append(_isi(t["penutup"]["rata_rata"], {**kantor, **row}))
    return out


def tulis_narasi(con: duckdb.DuckDBPyConnection, tahun: int, folder: Path) -> list[Path]:
    """Write narasi_bab3.md (bold as in the LAKIP) and narasi_bab3.txt (plain, to paste)."""
    t = template("narasi_bab3.toml")
    konteks = {**instansi(con), "tahun": tahun}
    judul, pembuka = t["judul"].format(**konteks), t["pembuka"].format(**konteks)
    badan = paragraf(con, tahun)
    md = "\n\n".join([f"# {judul}", pembuka, *(f"- {p}" for p in badan)]) + "\n"
    txt = "\n\n".join([judul, pembuka, *badan]).replace("**", "") + "\n"
    return [
        tulis_atomik(folder / "narasi_bab3.md", lambda p: p.write_text(md, encoding="utf-8")),
        tulis_atomik(folder / "narasi_bab3.txt", lambda p: p.write_text(txt, encoding="utf-8")),
    ]
