"""Synthetic offices of a province for the province tests (pipelines/synthetic/kantor.py), a
file that breaks one of them, and the figures expected from the generator's TRUE counts,
computed here from those counts alone (never from the pipeline's tables)."""

from __future__ import annotations

import hashlib
from collections import defaultdict
from pathlib import Path

import duckdb
from openpyxl import load_workbook

from pipelines.synthetic.kantor import INDIKATOR, buat_kantor

SEMESTER = "2023-S2"
# Three small offices in two provinces: Manggarai and Sumba Barat (NTT), Pulau Taliabu (Malut).
KANTOR = ("53.10", "53.12", "82.08")


def buat_provinsi(raw: Path, kantor=KANTOR, penduduk: int = 20_000) -> dict[str, dict]:
    """raw/<kode>/ for every office; kode -> the generator's true counts per desa."""
    return {k: buat_kantor(raw / k, k, SEMESTER, penduduk=penduduk)["angka"] for k in kantor}


def rusak_jk(raw_kantor: Path) -> tuple[str, int]:
    """Break the sex workbook of one office as a typist does: the first desa's L gets a
    letter O for a zero ('12O'). Returns (file name, the row as the officer sees it) that the
    gate's refusal must name."""
    path = next((raw_kantor / "dkb" / SEMESTER).glob("agr_jk_*.xlsx"))
    book = load_workbook(path)
    sheet = book.active
    header = [c.value for c in sheet[1]]
    for row in sheet.iter_rows(min_row=2):
        if str(row[1].value).count(".") == 3:  # a desa/kelurahan code
            row[header.index("L")].value = f"{row[header.index('L')].value}O"
            book.save(path)
            return path.name, row[0].row
    raise AssertionError("no desa row")


def tabel3(angka: dict[str, dict[str, int]]) -> dict[str, tuple[float, float]]:
    """kode_indikator -> (realisasi, capaian) from the summed true counts: numerator over
    denominator × 100 over every desa, capaian against the PK target."""
    out = {}
    for kode, _, pembilang, penyebut, target in INDIKATOR:
        realisasi = (
            100
            * sum(a[pembilang] for a in angka.values())
            / sum(a[penyebut] for a in angka.values())
        )
        out[kode] = (realisasi, realisasi / target * 100)
    return out


def per_kecamatan(angka: dict[str, dict[str, int]]) -> dict[tuple[str, str], int]:
    """(kode kecamatan, ukuran) -> the true count summed over the kecamatan's desa."""
    out: dict[tuple[str, str], int] = defaultdict(int)
    for desa, measures in angka.items():
        for ukuran, nilai in measures.items():
            out[desa.rpartition(".")[0], ukuran] += nilai
    return dict(out)


def published_tabel3(published: Path) -> dict[str, tuple[float, float]]:
    with duckdb.connect(str(published), read_only=True) as con:
        rows = con.execute(
            "SELECT kode_indikator, realisasi, capaian FROM mart.pengukuran_kinerja"
        ).fetchall()
    return {k: (r, c) for k, r, c in rows}


def published_kecamatan(published: Path) -> dict[tuple[str, str], int]:
    with duckdb.connect(str(published), read_only=True) as con:
        rows = con.execute(
            "SELECT kode_wilayah, ukuran, nilai FROM mart.agregat_wilayah "
            "WHERE tingkat = 'kecamatan'"
        ).fetchall()
    return {(k, u): n for k, u, n in rows}


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def assert_figures_match(published: Path, angka: dict[str, dict[str, int]]) -> None:
    expected = tabel3(angka)
    found = published_tabel3(published)
    assert found.keys() == expected.keys()
    for kode, (realisasi, capaian) in expected.items():
        assert abs(found[kode][0] - realisasi) < 1e-9, kode
        assert abs(found[kode][1] - capaian) < 1e-9, kode
    kecamatan = per_kecamatan(angka)
    published_counts = published_kecamatan(published)
    assert {k: v for k, v in published_counts.items() if k in kecamatan} == kecamatan
