"""Every year that has data gets its LAKIP tables; what a year lacks is listed, never blocks the
other years (issue 10, item 4). Runs are shared: `tahun_2024` (a 2024-S1 semester and a 2024
PK budget without its workbook, no 2024 target) and `tahun_2024_lengkap` (the same, then the
2024 targets and reported realisations added, run again)."""

from __future__ import annotations

import csv
import math
import shutil
from pathlib import Path

import dagster as dg
import duckdb
import openpyxl
import pytest
from berkas import BUNDLED_FILE, KOLOM_DKB, settle
from conftest import Pipeline, copy_pipeline, use_cli_instance
from docx import Document
from PIL import Image
from test_dokumen import baris, tabel_dokumen, teks_semua
from test_gx import _check_evaluations

from pipelines.cli import main
from pipelines.definitions import defs
from pipelines.defs.publikasi.gudang_analis import describe_versions

SEMESTER_2024 = "2024-S1"
# Tabel 3 of 2023 as printed in the LAKIP (seed): realisasi and capaian, truncated to 2 decimals.
TABEL3_2023 = {
    "rasio_ktp_el": (204.54, 292.20),
    "kepemilikan_ktp_el": (97.56, 139.38),
    "database_valid": (99.73, 124.66),
}
# Active indicators of 2024: every definition but cakupan_ktp (tahun_akhir 2022).
AKTIF = 10
# 2024-S1: the 2023-S2 figures with, per kecamatan, some residents moved from "belum" to
# "sudah/memiliki" (identities and the JUMLAH row kept).
PINDAH = {
    ("SUDAH REKAM KTP-EL", "BELUM REKAM KTP-EL"): 150,
    ("MEMILIKI KIA", "BELUM MEMILIKI KIA"): 400,
    ("ANAK MEMILIKI AKTA KELAHIRAN", "ANAK BELUM MEMILIKI AKTA KELAHIRAN"): 90,
}
TARGET_2024 = 75.0
DILAPORKAN_2024 = {"kepemilikan_akta_kependudukan": 60.5, "pemanfaatan_data": 72.0}


def truncate(x: float, decimals: int) -> float:
    """As the LAKIP prints: cut, not rounded (the tiny nudge absorbs binary representation)."""
    return math.floor(x * 10**decimals + 1e-9) / 10**decimals


def _angka(text: str) -> int:
    return int(text.replace(".", ""))


def _id(n: int) -> str:
    return f"{n:,}".replace(",", ".")


def _persen_id(x: float) -> str:
    """A percentage as the document prints it: truncated, decimal comma (204,54; 70)."""
    x = truncate(x, 2)
    return _id(int(x)) if x.is_integer() else f"{x:.2f}".replace(".", ",")


def tulis_semester(raw_dir: Path, semester: str = SEMESTER_2024) -> dict[str, int]:
    """raw/dkb/<semester>/ from the bundled file with PINDAH applied to every kecamatan; returns
    the kota totals per export header, computed here from the rows written."""
    lines = (raw_dir / BUNDLED_FILE).read_text(encoding="utf-8").splitlines()
    header = lines[0].split(";")
    rows = [line.split(";") for line in lines[1:]]
    kecamatan = [r for r in rows if r[1] != "JUMLAH"]
    for r in kecamatan:
        for (naik, turun), n in PINDAH.items():
            i, j = header.index(naik), header.index(turun)
            n = min(n, _angka(r[j]))
            r[i], r[j] = _id(_angka(r[i]) + n), _id(_angka(r[j]) - n)
            if naik == "SUDAH REKAM KTP-EL":  # printed = recorded in this export
                r[header.index("CETAK KTP-EL")] = r[i]
    total = {h: sum(_angka(r[k]) for r in kecamatan) for k, h in enumerate(header) if k >= 2}
    jumlah = ["", "JUMLAH", *(_id(total[h]) for h in header[2:])]
    folder = raw_dir / "dkb" / semester
    folder.mkdir(parents=True)
    path = folder / BUNDLED_FILE.name
    path.write_text(
        "\n".join(";".join(r) for r in [header, *kecamatan, jumlah]) + "\n", encoding="utf-8"
    )
    settle(path)
    return total


def tulis_anggaran_pk_2024(raw_dir: Path) -> None:
    folder = raw_dir / "anggaran" / "2024"
    folder.mkdir()
    (folder / "anggaran_pk.csv").write_text(
        "tahun,kode_program,nama_program,anggaran\n"
        "2024,2.12.02,Program Pendaftaran Penduduk,250.000.000\n"
        "2024,2.12.03,Program Pencatatan Sipil,150.000.000\n",
        encoding="utf-8",
    )


def _baca(path: Path) -> list[dict]:
    with path.open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def _tambah(path: Path, rows: list[dict]) -> None:
    fields = list(_baca(path)[0]) if path.stat().st_size else list(rows[0])
    with path.open("a", encoding="utf-8", newline="") as f:
        csv.DictWriter(f, fieldnames=fields).writerows(rows)


def tulis_target_2024(raw_dir: Path, dilaporkan: bool = True) -> None:
    """A 2024 PK target for every active indicator, and (`dilaporkan`) the reported
    realisations."""
    indikator = raw_dir / "indikator"
    aktif = [r for r in _baca(indikator / "definisi_indikator.csv") if not r["tahun_akhir"]]
    _tambah(
        indikator / "target.csv",
        [
            {
                "kode_indikator": r["kode_indikator"],
                "tahun": "2024",
                "dokumen": "PK",
                "target": "75",
                "sumber": "PK 2024 (uji)",
            }
            for r in aktif
        ],
    )
    if not dilaporkan:
        return
    dilaporkan = [r for r in aktif if r["jenis"] == "dilaporkan"]
    _tambah(
        indikator / "realisasi_dilaporkan.csv",
        [
            {
                "kode_indikator": r["kode_indikator"],
                "tahun": "2024",
                "realisasi": str(DILAPORKAN_2024.get(r["kode_indikator"], 90)).replace(".", ","),
                "sumber": "laporan 2024 (uji)",
            }
            for r in dilaporkan
        ],
    )


@pytest.fixture(scope="module")
def tahun_2024(bundled: Pipeline, tmp_path_factory) -> tuple[Pipeline, dict, object]:
    pipe = copy_pipeline(bundled, tmp_path_factory.mktemp("tahun_2024"))
    total = tulis_semester(pipe.paths.raw_dir)
    tulis_anggaran_pk_2024(pipe.paths.raw_dir)
    result = pipe.run(SEMESTER_2024, raise_on_error=False)
    return pipe, total, result


@pytest.fixture(scope="module")
def tahun_2024_lengkap(tahun_2024, tmp_path_factory) -> tuple[Pipeline, dict, object]:
    before, total, _ = tahun_2024
    pipe = copy_pipeline(before, tmp_path_factory.mktemp("tahun_2024_lengkap"))
    tulis_target_2024(pipe.paths.raw_dir)
    # a new plan: an RPD of the transition, 2024–2026 (the RPJMD ended with 2023)
    _tambah(
        pipe.paths.raw_dir / "indikator" / "periode_perencanaan.csv",
        [{"dokumen": "RPD", "tahun_awal": "2024", "tahun_akhir": "2026", "sumber": "RPD (uji)"}],
    )
    result = pipe.run(SEMESTER_2024, raise_on_error=False)
    return pipe, total, result


def _tabel3(con: duckdb.DuckDBPyConnection, tahun: int) -> dict:
    rows = con.execute(
        "SELECT kode_indikator, realisasi, capaian, target FROM mart.pengukuran_kinerja "
        "WHERE tahun = ?",
        [tahun],
    ).fetchall()
    return {k: (r, c, t) for k, r, c, t in rows}


def test_2024_without_targets_publishes_2023_as_before_and_names_what_2024_lacks(tahun_2024):
    pipe, _, result = tahun_2024
    assert result.success
    with pipe.published() as con:
        tabel3 = _tabel3(con, 2023)
        for kode, (realisasi, capaian) in TABEL3_2023.items():
            assert (truncate(tabel3[kode][0], 2), truncate(tabel3[kode][1], 2)) == (
                realisasi,
                capaian,
            )
        lacks = dict(
            con.execute(
                "SELECT kekurangan, jumlah FROM mart.kelengkapan_tahun WHERE tahun = 2024"
            ).fetchall()
        )
        complete_2023 = con.execute(
            "SELECT count(*) FROM mart.kelengkapan_tahun WHERE tahun = 2023"
        ).fetchone()[0]
    assert complete_2023 == 0
    assert lacks["target"] == AKTIF
    assert lacks["realisasi"] == 3  # the reported indicators; the formula ones come from DKB
    assert lacks["realisasi anggaran"] == 1  # the budget workbook of 2024
    assert lacks["semester"] == 1  # 2024-S2
    evaluation = _check_evaluations(pipe.instance, result.run_id)[
        ("mart/kelengkapan_tahun", "tahun_lengkap")
    ]
    assert not evaluation.passed  # a warning: the run succeeded
    assert f"LAKIP 2024: belum ada target untuk {AKTIF} indikator: " in evaluation.description
    assert "LAKIP 2024: belum ada realisasi anggaran (raw/anggaran/2024/" in evaluation.description
    assert "LAKIP 2024: belum ada semester 2024-S2" in evaluation.description
    assert "LAKIP 2023" not in evaluation.description


def test_a_year_without_targets_still_gets_its_realisations(tahun_2024):
    """The formula indicators of 2024 are computed from 2024-S1, equal to the counts written."""
    pipe, total, _ = tahun_2024
    with pipe.published() as con:
        got = dict(
            con.execute(
                "SELECT kode_indikator, realisasi FROM mart.iku WHERE tahun = 2024 "
                "AND tingkat IN ('kota', 'kabupaten')"
            ).fetchall()
        )
    definisi = [
        r
        for r in _baca(pipe.paths.raw_dir / "indikator" / "definisi_indikator.csv")
        if r["jenis"] == "rumus"
    ]
    assert len(definisi) == 7
    for r in definisi:
        kode, pembilang, penyebut = r["kode_indikator"], r["pembilang"], r["penyebut"]
        expected = total[KOLOM_DKB[pembilang]] / total[KOLOM_DKB[penyebut]] * float(r["pengali"])
        assert got[kode] == pytest.approx(expected, rel=1e-12), kode


def test_2024_with_targets_and_realisations_gives_tabel_3_10_11(tahun_2024_lengkap):
    pipe, total, result = tahun_2024_lengkap
    assert result.success
    with pipe.published() as con:
        tabel3 = _tabel3(con, 2024)
        tabel3_2023 = _tabel3(con, 2023)
        tabel10 = {
            k: (lalu, ini)
            for k, lalu, ini in con.execute(
                "SELECT kode_indikator, capaian_tahun_lalu, capaian "
                "FROM mart.perbandingan_tahun_lalu WHERE tahun = 2024"
            ).fetchall()
        }
        tabel11 = {
            (t, k)
            for t, k in con.execute("SELECT tahun, kode_indikator FROM mart.tren_rpjmd").fetchall()
        }
        lacks = con.execute(
            "SELECT kekurangan FROM mart.kelengkapan_tahun WHERE tahun = 2024"
        ).fetchall()
    assert len(tabel3) == AKTIF
    rasio = total[KOLOM_DKB["ktp_el_sudah_rekam"]] / total[KOLOM_DKB["penduduk_17_kawin"]] * 100
    assert tabel3["rasio_ktp_el"][0] == pytest.approx(rasio, rel=1e-12)
    assert tabel3["rasio_ktp_el"][1] == pytest.approx(rasio / TARGET_2024 * 100, rel=1e-12)
    kia = total[KOLOM_DKB["kia_memiliki"]] / total[KOLOM_DKB["wajib_kia"]] * 100
    assert tabel3["kepemilikan_kia"][1] == pytest.approx(kia / TARGET_2024 * 100, rel=1e-12)
    assert tabel3["pemanfaatan_data"][0] == DILAPORKAN_2024["pemanfaatan_data"]
    # Tabel 10 puts 2023's capaian (computed here) beside 2024's
    assert tabel10["rasio_ktp_el"] == pytest.approx(
        (tabel3_2023["rasio_ktp_el"][1], tabel3["rasio_ktp_el"][1])
    )
    assert {("2024", k) for k in tabel3} <= {(str(t), k) for t, k in tabel11}
    assert sorted(r[0] for r in lacks) == ["realisasi anggaran", "semester"]
    assert (pipe.paths.reports_dir / "2024" / "LAKIP_2024_tabel.xlsx").is_file()
    assert (pipe.paths.reports_dir / "2023" / "LAKIP_2023_tabel.xlsx").is_file()


def test_tabel_11_spans_the_planning_period(tahun_2024_lengkap):
    """Tabel 11 has one block of year columns per year of the plan in force, in the workbook
    and the document: 2024 under the RPD 2024–2026 three (2025 and 2026 still empty, the RPJMD
    years out of it), 2023 under the RPJMD 2019–2023 five; the trend chart's title names the
    years it plots."""
    pipe, total, _ = tahun_2024_lengkap
    rasio = total[KOLOM_DKB["ktp_el_sudah_rekam"]] / total[KOLOM_DKB["penduduk_17_kawin"]] * 100
    for tahun, years, tren in (
        (2024, [2024, 2025, 2026], "tahun 2024"),
        (2023, [2019, 2020, 2021, 2022, 2023], "tahun 2019–2023"),
    ):
        folder = pipe.paths.reports_dir / str(tahun)
        ws = openpyxl.load_workbook(folder / f"LAKIP_{tahun}_tabel.xlsx")["Tabel 11"]
        header = [ws.cell(4, c).value for c in range(1, ws.max_column + 1)]
        assert header[:3] == ["No.", "Indikator Kinerja", "Satuan"]
        assert [h for h in header[3:] if h] == [f"Tahun {y}" for y in years]  # merged: None
        assert [ws.cell(5, c).value for c in range(4, 7)] == ["Target %", "Realisasi %", "%"]
        assert ws.max_column == 3 + 3 * len(years)
        (docx,) = folder.glob(f"LAKIP_{tahun}_*.docx")
        rows = tabel_dokumen(Document(str(docx)))["Tabel. 11"]
        assert list(dict.fromkeys(rows[0][3:])) == [f"Tahun {y}" for y in years]
        assert len(rows[0]) == 3 + 3 * len(years)
        judul = Image.open(folder / "grafik" / "grafik_2_tren_capaian.png").info["Title"]
        assert judul.endswith(f" {tren}")
        if tahun == 2024:
            ktp = next(
                r
                for r in ws.iter_rows(min_row=6, values_only=True)
                if r[1] and r[1].startswith("Rasio Penduduk ber KTP-EL")
            )
            assert ktp[3] == TARGET_2024
            assert ktp[4] == pytest.approx(truncate(rasio, 2), abs=1e-9)
            assert ktp[6:] == (None,) * 6  # 2025, 2026: the plan's later years, no figure yet
            ktp_docx = baris(rows, "Rasio Penduduk ber KTP-EL")
            assert ktp_docx[3:5] == ["75", _persen_id(rasio)]
            assert ktp_docx[6:] == ["-"] * 6


def test_a_year_without_targets_gets_its_workbook_and_document(tahun_2024):
    """2024-S1 and no 2024 target: the 2024 workbook and document exist. Their Tabel 3 prints
    every realisation, equal to the counts written, with target and capaian empty of any
    figure and marked "belum ada target" (never 0); the reported indicators, not reported yet,
    are marked as lacking both; what 2024 lacks is listed on the sheet and in the document."""
    pipe, total, _ = tahun_2024
    folder = pipe.paths.reports_dir / "2024"
    aktif = [
        r
        for r in _baca(pipe.paths.raw_dir / "indikator" / "definisi_indikator.csv")
        if not r["tahun_akhir"]
    ]
    assert len(aktif) == AKTIF
    realisasi = {
        r["kode_indikator"]: total[KOLOM_DKB[r["pembilang"]]]
        / total[KOLOM_DKB[r["penyebut"]]]
        * float(r["pengali"])
        for r in aktif
        if r["jenis"] == "rumus"
    }
    tanpa_target, tanpa_keduanya = "belum ada target", "belum ada target dan realisasi"

    def nama(r: dict) -> str:
        return f"{r['nomor']}. {r['nama_indikator']}" if r["nomor"] else r["nama_indikator"]

    ws = openpyxl.load_workbook(folder / "LAKIP_2024_tabel.xlsx")["Tabel 3"]
    tabel3 = {r[2]: r[3:6] for r in ws.iter_rows(min_row=6, values_only=True) if r[2]}
    assert len(tabel3) == AKTIF
    doc = Document(str(next(folder.glob("LAKIP_2024_*.docx"))))
    tabel3_docx = tabel_dokumen(doc)["Tabel. 3"]
    for r in aktif:
        kode = r["kode_indikator"]
        target, angka, capaian = tabel3[nama(r)]
        d_target, d_angka, d_capaian, d_kategori = baris(tabel3_docx, nama(r))[3:7]
        if kode in realisasi:
            assert angka == pytest.approx(truncate(realisasi[kode], 2), abs=1e-9), kode
            assert d_angka == _persen_id(realisasi[kode]), kode
            assert target == capaian == d_target == d_capaian == tanpa_target, kode
        else:  # reported by the office: nothing reported for 2024 yet
            assert {target, angka, capaian, d_target, d_angka, d_capaian} == {tanpa_keduanya}
        assert d_kategori == "-"
    # Tabel 10: 2023's capaian beside what 2024 has
    ws10 = ws.parent["Tabel 10"]
    ktp10 = next(r for r in ws10.iter_rows(min_row=6, values_only=True) if r[2] == nama(aktif[0]))
    assert ktp10[3:] == pytest.approx(
        (
            TABEL3_2023["rasio_ktp_el"][1],
            tanpa_target,
            truncate(realisasi["rasio_ktp_el"], 2),
            tanpa_target,
        )
    )
    # Tabel 11 (no plan recorded for 2024: the five years up to it) shows 2024's realisation
    ktp = realisasi["rasio_ktp_el"]
    assert baris(tabel_dokumen(doc)["Tabel. 11"], "Rasio Penduduk ber KTP-EL")[-3:] == [
        "-",
        _persen_id(ktp),
        "-",
    ]
    lembar = [c for row in ws.iter_rows(values_only=True) for c in row if isinstance(c, str)]
    assert "Data tahun 2024 belum lengkap:" in lembar
    assert any(t.startswith(f"• belum ada target untuk {AKTIF} indikator: ") for t in lembar)
    assert any(t.startswith("• belum ada semester 2024-S2") for t in lembar)
    teks = teks_semua(doc)
    assert "Data tahun 2024 belum lengkap:" in teks
    assert f"belum ada target untuk {AKTIF} indikator: " in teks
    # each paragraph says what is missing instead of comparing with it
    narasi = (folder / "narasi_bab3.txt").read_text(encoding="utf-8")
    for teks_bab3 in (narasi, teks):
        assert teks_bab3.count("target tahun 2024 belum ditetapkan") == len(realisasi)
        assert teks_bab3.count(f"2024 belum tersedia ({tanpa_keduanya})") == AKTIF - len(realisasi)
    assert (folder / "grafik" / "grafik_3_cakupan_kecamatan.png").is_file()
    # 2023 exports as before, beside it
    ws = openpyxl.load_workbook(pipe.paths.reports_dir / "2023" / "LAKIP_2023_tabel.xlsx")[
        "Tabel 3"
    ]
    ktp = next(
        r
        for r in ws.iter_rows(min_row=6, values_only=True)
        if r[2] and r[2].startswith("1. Rasio Penduduk ber KTP-EL")
    )
    assert ktp[3:6] == (70, *TABEL3_2023["rasio_ktp_el"])


def test_targets_before_the_reported_realisations_still_give_the_document(tahun_2024, tmp_path):
    """The 2024 PK is signed, the office's own figures are not reported yet: the document of
    2024 is written (its printed targets reconciled although no realisation stands beside them);
    Tabel 3 prints the target of a reported indicator with "belum ada realisasi", and the
    formula indicators with their capaian."""
    before, total, _ = tahun_2024
    pipe = copy_pipeline(before, tmp_path)
    tulis_target_2024(pipe.paths.raw_dir, dilaporkan=False)
    result = pipe.run(SEMESTER_2024, raise_on_error=False)
    assert result.success
    doc = Document(str(next((pipe.paths.reports_dir / "2024").glob("LAKIP_2024_*.docx"))))
    tabel3 = tabel_dokumen(doc)["Tabel. 3"]
    assert baris(tabel3, "7. Persentase Pemanfaatan Data")[3:7] == [
        "75",
        "belum ada realisasi",
        "belum ada realisasi",
        "-",
    ]
    rasio = total[KOLOM_DKB["ktp_el_sudah_rekam"]] / total[KOLOM_DKB["penduduk_17_kawin"]] * 100
    assert baris(tabel3, "1. Rasio Penduduk ber KTP-EL")[3:6] == [
        "75",
        _persen_id(rasio),
        _persen_id(rasio / TARGET_2024 * 100),
    ]


def test_a_history_year_with_its_semester_is_computed_and_reconciled(bundled, tmp_path):
    """A 2022-S2 semester in the warehouse: Tabel 11's 2022 comes from it, not from the printed
    history (kept for 2019–2021), and the printed 2022 figure is reconciled against it."""
    pipe = copy_pipeline(bundled, tmp_path)
    total = tulis_semester(pipe.paths.raw_dir, "2022-S2")
    result = pipe.run("2022-S2", raise_on_error=False)
    # Published; only the document of 2022 refuses to print, since its Tabel 10 would show
    # 2021's published capaian 309,03, which its own target and realisasi contradict (230,23)
    failed = {e.step_key for e in result.get_step_failure_events()}
    assert failed == {"publikasi__lakip_docx"}
    rasio = total[KOLOM_DKB["ktp_el_sudah_rekam"]] / total[KOLOM_DKB["penduduk_17_kawin"]] * 100
    with pipe.published() as con:
        tren = {
            (t, k): (r, sumber)
            for t, k, r, sumber in con.execute(
                "SELECT tahun, kode_indikator, realisasi, sumber FROM mart.tren_rpjmd "
                "WHERE kode_indikator = 'rasio_ktp_el'"
            ).fetchall()
        }
        (rekon,) = con.execute(
            "SELECT nilai_terbit, angka_hitung, kelas FROM mart.rekonsiliasi "
            "WHERE pemeriksaan = 'terbitan vs hitung ulang' AND tabel = 'Tabel 11' "
            "AND tahun = 2022 AND kunci = 'rasio_ktp_el' AND kolom = 'realisasi'"
        ).fetchall()
    assert tren[(2022, "rasio_ktp_el")][0] == pytest.approx(rasio, rel=1e-12)
    assert tren[(2022, "rasio_ktp_el")][1] == "dihitung"
    assert tren[(2021, "rasio_ktp_el")] == (198, "LAKIP terbit: LAKIP 2023 Tabel 11")
    assert rekon[0] == "101,47" and rekon[1] == pytest.approx(rasio, rel=1e-12)
    assert rekon[2] == "material"


def test_office_with_published_figures_and_no_targets_runs(pipeline):
    """No target at all (press releases only): the run publishes, the realisations are
    reconciled, and a printed percentage that contradicts its own printed counts is material."""
    pipe = pipeline  # never published: nothing analysts saw can vanish
    raw = pipe.paths.raw_dir
    target = raw / "indikator" / "target.csv"
    target.write_text(target.read_text(encoding="utf-8").splitlines()[0] + "\n", encoding="utf-8")
    terbitan = raw / "terbitan" / "lakip_2023.csv"
    text = terbitan.read_text(encoding="utf-8")
    # ALAK, Tabel 5: 10.210 of 22.074 children have a KIA, printed as 86,05 % (their ratio to
    # those without, the LAKIP's rasio_kia); printed instead as 96,05 %.
    printed = '53.71.01,ALAK,rasio_kia,realisasi,"{}"'
    wrong = text.replace(printed.format("86,05"), printed.format("96,05"))
    assert wrong != text
    terbitan.write_text(wrong, encoding="utf-8")
    result = pipe.run(raise_on_error=False)
    assert result.success
    with pipe.published() as con:
        kelas = con.execute(
            "SELECT pemeriksaan, kelas, angka_hitung FROM mart.rekonsiliasi "
            "WHERE tabel = 'Tabel 5' AND kode_wilayah = '53.71.01' AND kunci = 'rasio_kia' "
            "AND kolom = 'realisasi'"
        ).fetchall()
        tabel3_kota = dict(
            con.execute(
                "SELECT kunci, kelas FROM mart.rekonsiliasi WHERE tabel = 'Tabel 3' "
                "AND kolom = 'realisasi' AND pemeriksaan = 'terbitan vs hitung ulang'"
            ).fetchall()
        )
        lacks = con.execute(
            "SELECT jumlah FROM mart.kelengkapan_tahun WHERE tahun = 2023 AND kekurangan = 'target'"
        ).fetchall()
    assert {k for _, k, _ in kelas} == {"material"}
    # its own counts: 10.210 / 11.864 × 100
    own = [a for p, _, a in kelas if p == "persentase terbitan vs angkanya"]
    assert own == [pytest.approx(10210 / 11864 * 100)]
    # the kab/kota realisations of Tabel 3 are recomputed although no target exists
    assert tabel3_kota["rasio_ktp_el"] in ("sama", "pembulatan tampilan")
    assert lacks == [(AKTIF,)]


# End to end through the officer's command twice (run, then hapus-semester with its refresh):
# ~40 s of whole-job runs, in the slow tier with the other command-line runs (CI runs it).
@pytest.mark.lambat
def test_vanished_folder_is_flagged_and_removing_the_semester_is_recorded(
    tahun_2024, tmp_path, monkeypatch, capsys
):
    """The 2024-S1 folder disappears from raw/: the run summary (and the UI's check) says the
    semester is still published. The officer then removes it on purpose: recorded with who and
    why, the warehouse republished without it, 2023 as before."""
    pipe = copy_pipeline(tahun_2024[0], tmp_path / "pipa")
    shutil.rmtree(pipe.paths.raw_dir / "dkb" / SEMESTER_2024)
    use_cli_instance(pipe, tmp_path, monkeypatch)

    assert main(["run"]) == 0
    out = capsys.readouterr().out
    flag = f"Semester {SEMESTER_2024} masih ada di gudang data (dan terbit), tetapi folder"
    assert "! pemeriksaan conformed/dkb_agregat / folder_semester_ada: peringatan" in out
    assert out.count(flag) == 2  # the check's warning during the run, then the summary
    assert "LAKIP 2024: belum ada target untuk 10 indikator" in out

    versions_before = len(describe_versions(pipe.paths))
    alasan = "rilis 2024-S1 ditarik Dukcapil pusat"
    assert (
        main(
            [
                "hapus-semester",
                "--semester",
                SEMESTER_2024,
                "--alasan",
                alasan,
                "--petugas",
                "petugas_uji",
            ]
        )
        == 0
    )
    out = capsys.readouterr().out
    assert f"Semester {SEMESTER_2024} dihapus dari gudang kerja" in out
    with pipe.published() as con:
        semesters = [
            r[0]
            for r in con.execute(
                "SELECT DISTINCT semester FROM mart.agregat_wilayah ORDER BY 1"
            ).fetchall()
        ]
        tabel3 = _tabel3(con, 2023)
    assert semesters == ["2023-S2"]
    assert truncate(tabel3["rasio_ktp_el"][0], 2) == TABEL3_2023["rasio_ktp_el"][0]
    with pipe.build() as con:
        (log,) = con.execute(
            "SELECT semester, petugas, alasan, baris_dihapus, dihapus_pada "
            "FROM raw.semester_dihapus"
        ).fetchall()
        left = con.execute(
            "SELECT count(*) FROM conformed.dkb_agregat WHERE semester = ?", [SEMESTER_2024]
        ).fetchone()[0]
    assert log[:3] == (SEMESTER_2024, "petugas_uji", alasan) and log[3] > 0 and log[4]
    assert left == 0
    assert len(describe_versions(pipe.paths)) == versions_before + 1  # published again
    with dg.DagsterInstance.get() as instance:
        assert SEMESTER_2024 not in instance.get_dynamic_partitions("semester")

    # the last semester left cannot be removed: refused, nothing changed
    assert main(["hapus-semester", "--semester", "2023-S2", "--alasan", "uji"]) == 1
    assert "satu-satunya semester" in capsys.readouterr().err


def test_the_ui_job_removes_a_semester_with_who_and_why(tahun_2024, tmp_path):
    """The UI's way: the job `hapus_semester` with its launchpad config (the refresh that
    republishes follows by the sensor `segarkan_setelah_hapus`, as after an ingestion)."""
    pipe = copy_pipeline(tahun_2024[0], tmp_path)
    pipe.instance.add_dynamic_partitions("semester", ["2023-S2", SEMESTER_2024])
    # resident rows of both semesters in the restricted store (stand-ins: no extract here)
    terbatas = pipe.paths.restricted_dir / "penduduk"
    for semester in ("2023-S2", SEMESTER_2024):
        (terbatas / f"semester={semester}").mkdir(parents=True)
        (terbatas / f"semester={semester}" / "penduduk.parquet").write_bytes(b"PAR1")
    job = defs.resolve_job_def("hapus_semester")
    config = {"semester": SEMESTER_2024, "alasan": "salah unggah", "petugas": "admin_dinas"}
    result = job.execute_in_process(
        instance=pipe.instance,
        resources={"warehouse": pipe.warehouse},
        run_config={"ops": {"hapus_semester_op": {"config": config}}},
    )
    assert result.success
    assert result.output_for_node("hapus_semester_op") == "2023-S2"  # what the refresh runs
    with pipe.build() as con:
        log = con.execute("SELECT semester, petugas, alasan FROM raw.semester_dihapus").fetchall()
        left = con.execute(
            "SELECT DISTINCT semester FROM conformed.dkb_agregat ORDER BY 1"
        ).fetchall()
    assert log == [(SEMESTER_2024, "admin_dinas", "salah unggah")]
    assert left == [("2023-S2",)]
    assert pipe.instance.get_dynamic_partitions("semester") == ["2023-S2"]
    assert sorted(p.name for p in terbatas.iterdir()) == ["semester=2023-S2"]
    # without a reason: refused, nothing changed
    config = {"semester": "2023-S2", "alasan": " ", "petugas": "admin_dinas"}
    result = job.execute_in_process(
        instance=pipe.instance,
        resources={"warehouse": pipe.warehouse},
        run_config={"ops": {"hapus_semester_op": {"config": config}}},
        raise_on_error=False,
    )
    assert not result.success
    with pipe.build() as con:
        assert con.execute("SELECT count(*) FROM conformed.dkb_agregat").fetchone()[0] > 0
