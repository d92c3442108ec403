"""Reconciliation of the bundled LAKIP 2023 (raw/terbitan/lakip_2023.csv) against its inputs.

The expected differences are recomputed here independently of the pipeline: straight from the
raw files with the csv module, openpyxl and Decimal, without the SQL, the loader or the gate.
"""

import csv
from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal
from pathlib import Path

import duckdb
import pytest
from berkas import KOLOM_DKB, KUPANG
from openpyxl import load_workbook

from pipelines.cli import print_rekonsiliasi
from pipelines.config import Paths
from pipelines.gudang.db import install_macros

RAW = KUPANG
D = Decimal


def number(text) -> Decimal:
    text = str(text).strip().removesuffix(",-")
    return D(text.replace(".", "").replace(",", "."))


def rows(path: Path, delimiter: str = ","):
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle, delimiter=delimiter))


def dkb() -> dict[str, dict[str, Decimal]]:
    """Kecamatan row of the DKB file by printed name, plus the JUMLAH row."""
    out = {}
    for row in rows(RAW / "dkb/2023-S2/agregat_kecamatan.csv", ";"):
        name = row.pop("KECAMATAN").upper()
        row.pop("NO")
        out[name] = {k: number(v) for k, v in row.items()}
    return out


def pct(a: Decimal, b: Decimal) -> Decimal:
    return a / b * 100


def printed_matches(printed: str, value: Decimal) -> bool:
    """Does the printed figure equal `value` truncated or rounded to the printed decimals?"""
    decimals = len(printed.split(",")[1]) if "," in printed else 0
    quantum = D(1).scaleb(-decimals)
    shown = number(printed)
    return shown in (
        value.quantize(quantum, ROUND_DOWN),
        value.quantize(quantum, ROUND_HALF_UP),
    )


def independent_material() -> dict[tuple, Decimal | str]:
    """(pemeriksaan, tabel, tahun, baris_tercetak, kolom) -> recomputed value."""
    k = dkb()
    total = k["JUMLAH"]
    sums = {c: sum(v[c] for n, v in k.items() if n != "JUMLAH") for c in total}
    targets = {
        (r["kode_indikator"], int(r["tahun"])): number(r["target"])
        for r in rows(RAW / "indikator/target.csv")
        if r["dokumen"] in ("PK", "RPJMD")
    }
    reported = {
        r["kode_indikator"]: number(r["realisasi"])
        for r in rows(RAW / "indikator/realisasi_dilaporkan.csv")
    }
    formulas = {
        r["kode_indikator"]: (r["pembilang"], r["penyebut"])
        for r in rows(RAW / "indikator/definisi_indikator.csv")
        if r["jenis"] == "rumus"
    }
    realisasi = {
        kode: pct(sums[_header(a)], sums[_header(b)]) for kode, (a, b) in formulas.items()
    } | reported
    capaian = {kode: r / targets[(kode, 2023)] * 100 for kode, r in realisasi.items()}
    mean = sum(capaian.values()) / len(capaian)

    sheet = load_workbook(RAW / "anggaran/2023/realisasi_anggaran_2023.xlsx").worksheets[0]
    programs = [r for r in sheet.iter_rows(values_only=True) if r[1] and str(r[1])[:1] == "2"]
    realisasi_total = sum(number(r[4]) for r in programs)
    pk_total = sum(
        number(r["anggaran"])
        for r in rows(RAW / "anggaran/2023/anggaran_pk.csv")
        if r["kode_program"]
    )
    riwayat = {
        (r["kode_indikator"], int(r["tahun"])): r
        for r in rows(RAW / "indikator/riwayat_capaian.csv")
    }
    ktp_2021 = riwayat[("rasio_ktp_el", 2021)]

    T = "terbitan vs hitung ulang"
    IDENT = "identitas baris terbitan"
    F = "baris total berkas masukan"
    anak = ("ANAK MEMILIKI AKTA KELAHIRAN", "ANAK BELUM MEMILIKI AKTA KELAHIRAN")
    akta = ("PENDUDUK MEMILIKI AKTA KELAHIRAN", "PENDUDUK BELUM MEMILIKI AKTA KELAHIRAN")
    expected = {
        (T, "Bab III B (narasi)", 2023, "rasio_akta_nikah", "dibanding_target"): "lebih tinggi"
        if realisasi["rasio_akta_nikah"] > 70
        else "lebih rendah",
        (T, "Bab III B (narasi)", 2023, "rasio_akta_nikah", "kategori"): "SANGAT MEMUASKAN"
        if capaian["rasio_akta_nikah"] >= 80
        else "?",
        (T, "Bab III C (narasi)", 2023, "database_valid", "target"): targets[
            ("database_valid", 2023)
        ],
        (T, "Bab III E (narasi)", 2023, "nilai rata-rata", "rata_rata_capaian"): mean,
        (T, "Tabel 10", 2023, "RATA - RATA", "rata_rata_capaian"): mean,
        (T, "Bab III F (narasi)", 2023, "realisasi anggaran", "realisasi"): realisasi_total,
        (T, "Tabel 13", 2023, "TOTAL ANGGARAN", "realisasi"): realisasi_total,
        (T, "Tabel 2", 2023, "TOTAL", "anggaran_pk"): pk_total,
        (T, "Tabel 11", 2021, "rasio_ktp_el", "capaian"): pct(
            number(ktp_2021["realisasi"]), number(ktp_2021["target"])
        ),
        (T, "Tabel 7", 2023, "KELAPA LIMA", "realisasi"): pct(
            k["KELAPA LIMA"][anak[0]], k["KELAPA LIMA"]["JUMLAH ANAK 0-17"]
        ),
        (T, "Tabel 7", 2023, "KOTA LAMA", "realisasi"): pct(
            k["KOTA LAMA"][anak[0]], k["KOTA LAMA"]["JUMLAH ANAK 0-17"]
        ),
        # The budget TOTAL rows: printed in Tabel 2 / Tabel 13 and in the input files.
        ("jumlah kolom terbitan", "Tabel 2", 2023, "TOTAL", "anggaran_pk"): pk_total,
        ("jumlah kolom terbitan", "Tabel 13", 2023, "TOTAL ANGGARAN", "realisasi"): realisasi_total,
        (F, "anggaran/2023/anggaran_pk.csv", None, "baris 6", "anggaran"): pk_total,
        (F, "anggaran/2023/realisasi_anggaran_2023.xlsx", None, "baris 11", "realisasi"): (
            realisasi_total
        ),
    }
    # Printed percentages that contradict the counts printed beside them (same table, year,
    # region): the indicator's numerator over its denominator, both as printed.
    terbit = rows(RAW / "terbitan/lakip_2023.csv")
    printed = {
        (r["tabel"], r["tahun"], r["kode_wilayah"], r["kunci"]): r["nilai_terbit"]
        for r in terbit
        if r["kolom"] == "jumlah"
    }
    for r in terbit:
        if r["kolom"] != "realisasi" or r["kunci"] not in formulas:
            continue
        where = (r["tabel"], r["tahun"], r["kode_wilayah"])
        a, b = (printed.get((*where, m)) for m in formulas[r["kunci"]])
        if a is None or b is None:
            continue
        own = pct(number(a), number(b))
        if not printed_matches(r["nilai_terbit"], own):
            key = ("persentase terbitan vs angkanya", r["tabel"], int(r["tahun"]))
            expected[(*key, r["baris_tercetak"], "realisasi")] = own
    # Row identities the printed tables break (Tabel 7: jumlah anak; Tabel 8: jumlah penduduk).
    # Row labels as the two tables print them (the DKB file spells Oebobo "OEOBOBO").
    printed_label = {
        "Tabel 7": {"OEOBOBO": "OEBOBO"},
        "Tabel 8": {"OEOBOBO": "OEBOBO", "MAULAFA": "MAULafa"},
    }
    for name, values in k.items():
        for tabel, whole, parts in (
            ("Tabel 7", "JUMLAH ANAK 0-17", anak),
            ("Tabel 8", "JUMLAH PENDUDUK", akta),
        ):
            if values[whole] != values[parts[0]] + values[parts[1]]:
                label = printed_label[tabel].get(name, name)
                kolom = f"jumlah = {_header(parts[0])} + {_header(parts[1])}"
                expected[(IDENT, tabel, 2023, label, kolom)] = values[parts[0]] + values[parts[1]]
    return expected


def _header(name: str) -> str:
    """Measure name <-> printed DKB header, both ways."""
    reverse = {v: k for k, v in KOLOM_DKB.items()}
    return KOLOM_DKB.get(name) or reverse[name]


@pytest.fixture(scope="module")
def rekonsiliasi(analyst):
    return analyst.execute(
        "SELECT pemeriksaan, tabel, tahun, baris_tercetak, kolom, nilai_terbit, angka_hitung, "
        "teks_hitung, kelas FROM mart.rekonsiliasi"
    ).fetchall()


def test_every_material_difference_is_real_and_none_is_missed(rekonsiliasi):
    expected = independent_material()
    listed = {r[:5]: r for r in rekonsiliasi if r[8] == "material"}
    assert set(listed) == set(expected)
    for key, value in expected.items():
        printed, angka, teks = listed[key][5], listed[key][6], listed[key][7]
        if isinstance(value, str):
            assert teks == value and printed.upper() != value
        else:
            assert angka == pytest.approx(float(value), rel=1e-12)
            assert not printed_matches(printed, value), f"{key}: {printed} is only display rounding"


def test_tabel_11_ktp_2021_published_309_03_but_198_over_86_is_230_23(rekonsiliasi):
    (row,) = [r for r in rekonsiliasi if r[1:5] == ("Tabel 11", 2021, "rasio_ktp_el", "capaian")]
    assert row[5] == "309,03" and row[6] == pytest.approx(198 / 86 * 100) and row[8] == "material"


def test_display_rounding_is_classed_separately(rekonsiliasi):
    by_key = {r[1:5]: r for r in rekonsiliasi if r[0] == "terbitan vs hitung ulang"}
    # Tabel 6 MAULAFA 11.983 / 26.263 = 45,627…: printed rounded (45,63), not truncated.
    assert by_key[("Tabel 6", 2023, "MAULAFA", "realisasi")][8] == "pembulatan tampilan"
    # Tabel 11 2019: 86 / 78 = 110,256…, printed 110,26 (history years were rounded).
    assert by_key[("Tabel 11", 2019, "rasio_ktp_el", "capaian")][8] == "pembulatan tampilan"
    # Tabel 3: 330.876 x 100 / 161.764 / 70 = 292,2008…, printed 292,20 (truncated).
    assert by_key[("Tabel 3", 2023, "1. rasio_ktp_el", "capaian")][8] == "pembulatan tampilan"
    # Tabel 13 TOTAL serapan: 476.120.800 / 492.601.328 = 96,654…, printed 96,65.
    assert by_key[("Tabel 13", 2023, "TOTAL ANGGARAN", "serapan")][8] == "pembulatan tampilan"
    independent = D(476120800) / D(492601328) * 100
    assert printed_matches("96,65", independent)


def test_every_published_figure_was_recomputed(analyst):
    published = sum(1 for _ in open(RAW / "terbitan/lakip_2023.csv", encoding="utf-8")) - 1
    counts = dict(
        analyst.execute(
            "SELECT kelas, count(*) FROM mart.rekonsiliasi "
            "WHERE pemeriksaan = 'terbitan vs hitung ulang' GROUP BY kelas"
        ).fetchall()
    )
    assert "tidak dapat dihitung" not in counts
    assert sum(counts.values()) == published


def test_summary_names_the_kind_of_check_of_each_material_difference(tmp_path, capsys):
    """One printed figure can fail two kinds of check: Tabel 13's TOTAL realisasi against its
    recomputation and as the sum of its column. The run summary names the kind on each line,
    so the two lines do not read as one figure listed twice."""
    paths = Paths(raw_dir=tmp_path / "raw", warehouse_dir=tmp_path)
    uraian = "Tabel 13, 2023, TOTAL ANGGARAN, TOTAL, realisasi"
    with duckdb.connect(str(paths.published_db)) as con:
        install_macros(con)
        con.execute("CREATE SCHEMA mart")
        con.execute(
            "CREATE TABLE mart.rekonsiliasi (pemeriksaan VARCHAR, kelas VARCHAR, uraian VARCHAR,"
            " nilai_terbit VARCHAR, angka_hitung DOUBLE, teks_hitung VARCHAR, selisih DOUBLE)"
        )
        con.executemany(
            "INSERT INTO mart.rekonsiliasi VALUES (?, 'material', ?, '476.120.700', ?, NULL, ?)",
            [
                ("terbitan vs hitung ulang", uraian, 476120800, -100),
                ("jumlah kolom terbitan", uraian, 476120800, -100),
            ],
        )
    print_rekonsiliasi(paths)
    lines = [line for line in capsys.readouterr().out.splitlines() if uraian in line]
    assert lines == [
        f"  - [terbitan vs hitung ulang] {uraian}: terbit 476.120.700, hitung ulang 476.120.800"
        " (selisih -100)",
        f"  - [jumlah kolom terbitan] {uraian}: terbit 476.120.700, hitung ulang 476.120.800"
        " (selisih -100)",
    ]
