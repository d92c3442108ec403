"""The charts of the DAFTAR GRAFIK as PNG files (matplotlib, no display needed): capaian per
indicator against target, the five-year trend, coverage per kecamatan, budget absorption.
Titles and series are in `templates/grafik.toml`; figures come from the same queries as the
workbook, under the same display rule."""

from __future__ import annotations

import textwrap
from pathlib import Path

import duckdb
import matplotlib
import matplotlib.ticker

matplotlib.use("Agg")  # files only: runs headless in Dagster and CI

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402

from pipelines.defs.laporan.bersama import (  # noqa: E402
    angka_id,
    instansi,
    konteks,
    per_kecamatan,
    periode,
    persen,
    query,
    template,
    tulis_atomik,
)

DPI = 200  # 16 cm wide at 200 dpi: sharp in print at A4 column width
# Okabe-Ito: distinguishable with the common colour-vision deficiencies and in greyscale print
WARNA_TARGET, WARNA_REALISASI = "#BBBBBB", "#0072B2"
OKABE_ITO = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00"]
# A4 text column (16 cm) in inches: a chart placed at this width prints at 100 %, fonts as set
LEBAR_A4 = 6.3


def _label(teks: str, lebar: int = 38) -> str:
    return "\n".join(textwrap.wrap(teks, lebar))


def _simpan(fig: plt.Figure, path: Path, judul: str, instansi: str) -> Path:
    """The PNG, its title and office also in the file's metadata (Title, Author): a chart
    copied out of the report still says what and whose it is."""
    fig.tight_layout()
    metadata = {"Title": judul, "Author": instansi, "Software": None}
    tulis_atomik(path, lambda p: fig.savefig(p, format="png", dpi=DPI, metadata=metadata))
    plt.close(fig)
    return path


def capaian_indikator(con: duckdb.DuckDBPyConnection, tahun: int, judul: str) -> plt.Figure | None:
    """Target and realisasi bars per indicator with a realisation, the capaian beside them; an
    indicator without a target yet has its realisation only, and the words why."""
    rows = query(con, "lakip/narasi", tahun).dropna(subset=["realisasi"])
    if rows.empty:
        return None
    y = np.arange(len(rows))[::-1]
    ada_target = rows["target"].notna().to_numpy()
    target = rows["target"].astype(float).to_numpy()
    realisasi = rows["realisasi"].astype(float).to_numpy()
    fig, ax = plt.subplots(figsize=(LEBAR_A4, 0.55 * len(rows) + 1.4))
    if ada_target.any():
        ax.barh(
            y[ada_target] + 0.2,
            target[ada_target],
            height=0.4,
            label="Target (%)",
            color=WARNA_TARGET,
        )
    ax.barh(y - 0.2, realisasi, height=0.4, label="Realisasi (%)", color=WARNA_REALISASI)
    for yi, r, t, a in zip(y, rows.itertuples(), target, realisasi, strict=True):
        ax.text(
            np.nanmax([t, a]) + 3,
            yi,
            r.kosong if r.kosong else f"capaian {angka_id(r.capaian)}% – {r.kategori}",
            va="center",
            fontsize=6,
        )
    ax.set_yticks(y, [_label(n, 30) for n in rows["nama_indikator"]], fontsize=6)
    ax.set_xlim(0, np.nanmax(np.concatenate([realisasi, target])) * 1.75)
    ax.xaxis.set_major_formatter(matplotlib.ticker.FuncFormatter(lambda v, _: angka_id(v)))
    ax.tick_params(axis="x", labelsize=6)
    ax.set_xlabel("%", fontsize=6)
    ax.set_title(_label(judul, 70), fontsize=8.5)
    ax.legend(loc="lower right", fontsize=6, frameon=False)
    return fig


def data_tren(con: duckdb.DuckDBPyConnection, tahun: int) -> pd.DataFrame:
    """The trend chart's figures: the years of Tabel 11's planning period up to `tahun`."""
    return query(con, "lakip/grafik_tren", tahun, awal=periode(con, tahun)["tahun_awal"])


def tren(rows: pd.DataFrame, judul: str) -> plt.Figure | None:
    """One small panel per indicator (no legend to decode), the line broken where the basis
    changes (published under one plan, computed under another), recomputed figures that the
    published report printed differently marked with a cross."""
    if rows.empty:
        return None
    daftar_tahun = range(int(rows["tahun"].min()), int(rows["tahun"].max()) + 1)
    panel = list(rows.groupby(["urutan", "nama_indikator"], sort=True))
    kolom = 2
    baris = -(-len(panel) // kolom)
    fig, axes = plt.subplots(
        baris, kolom, figsize=(LEBAR_A4, 1.7 * baris + 0.9), sharex=True, squeeze=False
    )
    ada_tanda = False
    for ax, ((_, nama), seri) in zip(axes.flat, panel, strict=False):
        seri = seri.reset_index(drop=True)
        potongan = (seri["basis"] != seri["basis"].shift()).cumsum()
        for _, bagian in seri.groupby(potongan):
            ax.plot(
                bagian["tahun"],
                bagian["capaian"].astype(float),
                color=WARNA_REALISASI,
                marker="o",
                markersize=3,
                linewidth=1.2,
            )
        for r in seri.itertuples():
            if r.ditandai:
                ada_tanda = True
                ax.plot(r.tahun, float(r.capaian), marker="x", color="#D55E00", markersize=7)
            ax.annotate(
                angka_id(r.capaian),
                (r.tahun, float(r.capaian)),
                fontsize=5.5,
                textcoords="offset points",
                xytext=(0, 4),
                ha="center",
            )
        ax.axhline(100, color="#888888", linestyle=":", linewidth=0.8)
        ax.set_title(_label(nama, 45), fontsize=6.5)
        ax.set_ylim(0, max(110, seri["capaian"].astype(float).max() * 1.2))
        ax.yaxis.set_major_formatter(matplotlib.ticker.FuncFormatter(lambda v, _: angka_id(v)))
        ax.tick_params(labelsize=6, labelbottom=True)
        ax.spines[["top", "right"]].set_visible(False)
        ax.set_xticks(daftar_tahun)
    for ax in list(axes.flat)[len(panel) :]:
        ax.axis("off")
    catatan = "Garis terputus: dasar angka berubah (LAKIP terbit/dihitung, dokumen target)."
    if ada_tanda:
        catatan += " ×: dihitung ulang; LAKIP terbit mencetak angka lain."
    fig.suptitle(_label(judul, 70), fontsize=8.5)
    fig.text(0.01, 0.005, catatan, fontsize=6)
    return fig


def cakupan_kecamatan(
    con: duckdb.DuckDBPyConnection, tahun: int, judul: str, seri: list[dict]
) -> plt.Figure | None:
    wide = per_kecamatan(con, tahun)
    # a series whose measures the office's DKB has not (they are data) is left out
    seri = [s for s in seri if set(s["persen"]) <= set(wide.columns)]
    if wide.empty or not seri:
        return None
    x = np.arange(len(wide))
    lebar = 0.8 / len(seri)
    fig, ax = plt.subplots(figsize=(LEBAR_A4, 3.6))
    for i, s in enumerate(seri):
        nilai = persen(con, wide[s["persen"][0]], wide[s["persen"][1]])
        bars = ax.bar(
            x + (i - (len(seri) - 1) / 2) * lebar,
            nilai,
            lebar,
            label=s["label"],
            color=OKABE_ITO[i % len(OKABE_ITO)],
        )
        ax.bar_label(bars, labels=[angka_id(v) for v in nilai], fontsize=5, rotation=90, padding=2)
    names = [
        n if not t else f"{n}\n(total)"
        for n, t in zip(wide["nama_wilayah"], wide["total"], strict=True)
    ]
    ax.set_xticks(x, names, fontsize=6)
    ax.set_ylim(0, 115)
    ax.tick_params(axis="y", labelsize=6)
    ax.set_ylabel("%", fontsize=6)
    ax.set_title(_label(judul, 70), fontsize=8.5)
    ax.legend(
        fontsize=6, loc="upper center", bbox_to_anchor=(0.5, -0.14), ncol=len(seri), frameon=False
    )
    return fig


def serapan_anggaran(con: duckdb.DuckDBPyConnection, tahun: int, judul: str) -> plt.Figure | None:
    rows = query(con, "lakip/realisasi_anggaran", tahun)
    program = rows[rows["no"].notna()]
    # only the PK of the year so far, no realisation workbook: nothing to draw (the run
    # summary lists the workbook as missing, mart.kelengkapan_tahun)
    if program.empty or program["anggaran"].isna().all():
        return None
    total = rows[rows["no"].isna()].iloc[0]
    y = np.arange(len(program))[::-1]
    juta = 1_000_000
    fig, ax = plt.subplots(figsize=(LEBAR_A4, 3.2))
    anggaran, realisasi = program["anggaran"] / juta, program["realisasi"] / juta
    ax.barh(y + 0.2, anggaran, 0.4, label="Anggaran (Rp juta)", color=WARNA_TARGET)
    ax.barh(y - 0.2, realisasi, 0.4, label="Realisasi (Rp juta)", color=WARNA_REALISASI)
    for yi, r in zip(y, program.itertuples(), strict=True):
        ax.text(
            r.anggaran / juta + 3, yi, f"serapan {angka_id(r.capaian)}%", va="center", fontsize=6
        )
    ax.set_yticks(y, [_label(p, 30) for p in program["program"]], fontsize=6)
    ax.set_xlim(0, program["anggaran"].max() / juta * 1.45)
    ax.xaxis.set_major_formatter(matplotlib.ticker.FuncFormatter(lambda v, _: angka_id(v)))
    ax.tick_params(axis="x", labelsize=6)
    ax.set_xlabel("Rp juta", fontsize=6)
    ax.set_title(_label(f"{judul} (total serapan {angka_id(total['capaian'])}%)", 70), fontsize=8.5)
    ax.legend(fontsize=6, loc="lower right", frameon=False)
    return fig


def _kelompok(rows) -> list[tuple[str, object]]:
    """Indicators grouped as the report numbers them (1, 1b under 1, 2, …)."""
    kelompok, kunci = [], None
    for r in rows.itertuples():
        if r.nomor is not None or kunci is None:
            kunci = r.nomor or str(r.urutan)
            kelompok.append((kunci, []))
        kelompok[-1][1].append(r)
    return kelompok


def capaian_kelompok(rows: list, judul: str) -> plt.Figure:
    """One indicator group: target against realisasi per indicator, the figures written on the
    bars in the report's format, the capaian and category beside them (one message: where the
    realisasi stands against the target)."""
    y = np.arange(len(rows))[::-1]
    fig, ax = plt.subplots(figsize=(LEBAR_A4, 0.9 * len(rows) + 1.3))
    target = [float(r.target) for r in rows]
    realisasi = [float(r.realisasi) for r in rows]
    b1 = ax.barh(y + 0.19, target, 0.38, label="Target", color=WARNA_TARGET)
    b2 = ax.barh(y - 0.19, realisasi, 0.38, label="Realisasi", color=WARNA_REALISASI)
    ax.bar_label(b1, labels=[f"{angka_id(v)}%" for v in target], fontsize=7, padding=2)
    ax.bar_label(b2, labels=[f"{angka_id(v)}%" for v in realisasi], fontsize=7, padding=2)
    ax.set_yticks(y, [_label(r.nama_indikator, 28) for r in rows], fontsize=7)
    ax.set_xlim(0, max(target + realisasi) * 1.25)
    ax.xaxis.set_major_formatter(matplotlib.ticker.FuncFormatter(lambda v, _: angka_id(v)))
    ax.tick_params(axis="x", labelsize=7)
    ax.spines[["top", "right"]].set_visible(False)
    ax.set_title(_label(judul, 70), fontsize=8.5)
    # legend under the axis, never over a bar's label
    ax.legend(fontsize=7, loc="upper center", bbox_to_anchor=(0.5, -0.28), ncol=2, frameon=False)
    return fig


def tulis_grafik_kelompok(
    con: duckdb.DuckDBPyConnection, tahun: int, folder: Path
) -> dict[str, Path]:
    """One chart per indicator group of Tabel 3 for the Word document, keyed by the group's
    number; the title states the comparison the query decided (lebih tinggi/rendah dari)."""
    rows = query(con, "lakip/narasi", tahun).dropna(subset=["target", "realisasi"])
    kantor = instansi(con)["instansi_daerah"]
    out = {}
    for nomor, kelompok in _kelompok(rows):
        bagian = [
            f"{r.nama_indikator}: realisasi {angka_id(r.realisasi)}% {r.dibanding_target} "
            f"target {angka_id(r.target)}%"
            for r in kelompok
        ]
        judul = "; ".join(bagian)
        fig = capaian_kelompok(kelompok, judul)
        out[nomor] = _simpan(
            fig, folder / f"grafik_indikator_{nomor}.png", f"{judul} ({kantor} {tahun})", kantor
        )
    return out


def tulis_grafik(con: duckdb.DuckDBPyConnection, tahun: int, folder: Path) -> list[Path]:
    """Write the charts of one year into `folder`; a chart without data (e.g. no budget file
    for the year yet) is not drawn, and an older file of it is removed rather than left stale."""
    t = template("grafik.toml")
    ctx = konteks(con, tahun)
    rows_tren = data_tren(con, tahun)
    # the trend's title states the years it plots (the planning period's, up to this year)
    if not rows_tren.empty:
        awal, akhir = int(rows_tren["tahun"].min()), int(rows_tren["tahun"].max())
        ctx["tahun_tren"] = f"{awal}–{akhir}" if awal < akhir else str(akhir)

    def judul(nama: str) -> str:
        return t[nama]["judul"].format(**ctx)

    figures = {
        "capaian_indikator": capaian_indikator(con, tahun, judul("capaian_indikator")),
        "tren": tren(rows_tren, judul("tren")) if not rows_tren.empty else None,
        "cakupan_kecamatan": cakupan_kecamatan(
            con, tahun, judul("cakupan_kecamatan"), t["cakupan_kecamatan"]["seri"]
        ),
        "serapan_anggaran": serapan_anggaran(con, tahun, judul("serapan_anggaran")),
    }
    written = []
    for nama, fig in figures.items():
        path = folder / t[nama]["berkas"]
        if fig is None:
            path.unlink(missing_ok=True)
        else:
            written.append(_simpan(fig, path, judul(nama), ctx["instansi_daerah"]))
    return written
