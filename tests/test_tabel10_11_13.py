"""LAKIP 2023, Tabel 10 (2022 vs 2023), Tabel 11 (2019–2023 against RPJMD) and Tabel 13 (budget).

Figures are compared as printed, under the display rule (truncate to two decimals).
"""

import pytest

# Tabel 10: (kode_indikator, capaian 2022, target 2023, realisasi 2023, capaian 2023); None = "X".
TABEL_10 = [
    ("rasio_ktp_el", 114.01, 70, 204.54, 292.20),
    ("rasio_kia", None, 70, 86.13, 123.04),
    ("kepemilikan_ktp_el", None, 70, 97.56, 139.38),
    ("kepemilikan_kia", None, 70, 46.27, 66.10),
    ("rasio_bayi_akta_kelahiran", 117, 70, 83.16, 118.8),
    ("cakupan_akta_kelahiran", 144.92, 70, 34.86, 49.80),
    ("rasio_akta_nikah", 133.33, 70, 100, 142.85),
    ("cakupan_ktp", 120.11, None, None, None),
    ("kepemilikan_akta_kependudukan", None, 70, 57.61, 82.3),
    ("pemanfaatan_data", None, 70, 70, 100),
    ("database_valid", None, 80, 99.73, 124.66),
]


def test_tabel10_rows_and_figures(analyst):
    rows = analyst.execute(
        "SELECT kode_indikator, tampil(capaian_tahun_lalu), tampil(target), tampil(realisasi), "
        "tampil(capaian) FROM mart.perbandingan_tahun_lalu WHERE tahun = 2023 ORDER BY urutan"
    ).fetchall()
    assert rows == [pytest.approx(r) for r in TABEL_10]


def test_tabel10_narrative_comparisons_with_2022(analyst):
    """Bab III C: 2023 is higher than 2022 for indicators 1, 3 and 5, lower for 4."""
    words = dict(
        analyst.execute(
            "SELECT kode_indikator, dibanding_tahun_lalu FROM mart.perbandingan_tahun_lalu "
            "WHERE tahun = 2023 AND dibanding_tahun_lalu IS NOT NULL"
        ).fetchall()
    )
    assert words == {
        "rasio_ktp_el": "lebih tinggi",
        "rasio_bayi_akta_kelahiran": "lebih tinggi",
        "cakupan_akta_kelahiran": "lebih rendah",
        "rasio_akta_nikah": "lebih tinggi",
    }


def test_tabel10_average_2022_matches_the_print(analyst):
    """RATA-RATA 2022 = 125,87, the mean of the five capaian printed for 2022."""
    value = analyst.execute(
        "SELECT tampil(rata_rata_capaian) FROM mart.ringkasan_kinerja WHERE tahun = 2022"
    ).fetchone()[0]
    assert value == pytest.approx(125.87)
    assert value == pytest.approx(int((114.01 + 117 + 144.92 + 133.33 + 120.11) / 5 * 100) / 100)


def test_tabel10_average_2023_is_the_true_mean_not_the_printed_154_89(analyst):
    """The print says 154,89 = (sum of the ten capaian) / 8; the mean of ten figures is 123,91.
    The pipeline computes the mean; reconciliation reports the printed figure as a difference."""
    capaian = [292.20, 123.04, 139.38, 66.10, 118.8, 49.80, 142.85, 82.3, 100, 124.66]
    count, value = analyst.execute(
        "SELECT jumlah_indikator, tampil(rata_rata_capaian) FROM mart.ringkasan_kinerja "
        "WHERE tahun = 2023"
    ).fetchone()
    assert count == 10
    assert value == pytest.approx(123.91)
    assert sum(capaian) / 10 == pytest.approx(123.913)
    assert int(sum(capaian) / 8 * 100) / 100 == pytest.approx(154.89)


# Tabel 11: (kode_indikator, tahun, target, realisasi, capaian as printed).
TABEL_11 = [
    ("rasio_ktp_el", 2019, 78, 86, 110.26),
    ("rasio_ktp_el", 2020, 83, 88, 106.02),
    ("rasio_ktp_el", 2021, 86, 198, 309.03),
    ("rasio_ktp_el", 2022, 89, 101.47, 114.01),
    ("rasio_ktp_el", 2023, 70, 204.54, 292.20),
    ("rasio_kia", 2023, 70, 86.13, 123.04),
    ("kepemilikan_ktp_el", 2023, 70, 97.56, 139.38),
    ("kepemilikan_kia", 2023, 70, 46.27, 66.10),
    ("rasio_bayi_akta_kelahiran", 2019, 88, 102, 115.91),
    ("rasio_bayi_akta_kelahiran", 2020, 91, 106, 116.48),
    ("rasio_bayi_akta_kelahiran", 2021, 93, 116, 124.73),
    ("rasio_bayi_akta_kelahiran", 2022, 100, 117, 117),
    ("rasio_bayi_akta_kelahiran", 2023, 70, 83.16, 118.8),
    ("cakupan_akta_kelahiran", 2019, 59, 72, 122.03),
    ("cakupan_akta_kelahiran", 2020, 62, 79, 127.42),
    ("cakupan_akta_kelahiran", 2021, 64, 87, 135.93),
    ("cakupan_akta_kelahiran", 2022, 69, 100, 144.92),
    ("cakupan_akta_kelahiran", 2023, 70, 34.86, 49.80),
    ("rasio_akta_nikah", 2019, 43, 57, 132.56),
    ("rasio_akta_nikah", 2020, 54, 60, 111.11),
    ("rasio_akta_nikah", 2021, 65, 89, 136.92),
    ("rasio_akta_nikah", 2022, 75, 100, 133.33),
    ("rasio_akta_nikah", 2023, 70, 100, 142.85),
    ("cakupan_ktp", 2019, 72, 84, 116.67),
    ("cakupan_ktp", 2020, 74, 85, 114.86),
    ("cakupan_ktp", 2021, 80, 115, 143.75),
    ("cakupan_ktp", 2022, 84, 100.90, 120.11),
    ("kepemilikan_akta_kependudukan", 2023, 70, 57.61, 82.3),
    ("pemanfaatan_data", 2023, 70, 70, 100),
    ("database_valid", 2023, 80, 99.73, 124.66),
]


def test_tabel11_every_cell(analyst):
    rows = analyst.execute(
        "SELECT kode_indikator, tahun, tampil(target), tampil(realisasi), tampil(capaian) "
        "FROM mart.tren_rpjmd ORDER BY urutan, tahun"
    ).fetchall()
    assert rows == [pytest.approx(r) for r in TABEL_11]


def test_tabel11_keeps_indicator_identity_across_renames(analyst):
    """2019–2022 print 'Rasio Penduduk ber-KTP per- Satuan Penduduk…', 2023 'Rasio Penduduk ber
    KTP-EL…': one indicator, one row per year."""
    names = analyst.execute(
        "SELECT DISTINCT nama_tercetak FROM mart.tren_rpjmd WHERE kode_indikator = 'rasio_ktp_el'"
    ).fetchall()
    assert len(names) == 2
    years = analyst.execute(
        "SELECT list(tahun ORDER BY tahun) FROM mart.tren_rpjmd "
        "WHERE kode_indikator = 'rasio_ktp_el'"
    ).fetchone()[0]
    assert years == [2019, 2020, 2021, 2022, 2023]


def test_tabel11_recomputed_capaian_exposes_the_2021_ktp_figure(analyst):
    """Printed 309,03 for 2021, but 198 / 86 x 100 = 230,23."""
    printed, recomputed = analyst.execute(
        "SELECT tampil(capaian), tampil(capaian_hitung) FROM mart.tren_rpjmd "
        "WHERE kode_indikator = 'rasio_ktp_el' AND tahun = 2021"
    ).fetchone()
    assert printed == pytest.approx(309.03)
    assert recomputed == pytest.approx(int(198 / 86 * 100 * 100) / 100)


# Tabel 13: (kode_program, target Rp, realisasi Rp, capaian %).
TABEL_13 = [
    ("2.12.02", 328_349_528, 312_020_400, 95.02),
    ("2.12.03", 101_657_600, 101_620_500, 99.96),
    ("2.12.04", 17_097_700, 17_043_900, 99.68),
    ("2.12.05", 45_496_500, 45_436_000, 99.86),
]


def test_tabel13_programs(analyst):
    rows = analyst.execute(
        "SELECT kode_program, anggaran, realisasi, tampil(serapan) FROM mart.realisasi_anggaran "
        "WHERE tahun = 2023 ORDER BY kode_program"
    ).fetchall()
    assert rows == [pytest.approx(r) for r in TABEL_13]


def test_tabel13_total_and_absorption(analyst):
    """TOTAL ANGGARAN 492.601.328 and 96,65 % (Bab III F.3). The rows sum to 476.120.800 of
    realisation, not the printed 476.120.700: the pipeline sums its inputs."""
    anggaran, realisasi, serapan = analyst.execute(
        "SELECT anggaran, realisasi_anggaran, tampil(serapan_anggaran) FROM mart.ringkasan_kinerja "
        "WHERE tahun = 2023"
    ).fetchone()
    assert anggaran == 492_601_328
    assert realisasi == sum(r[2] for r in TABEL_13) == 476_120_800
    assert serapan == pytest.approx(96.65)


def test_pk_budget_per_program_from_tabel2(analyst):
    rows = analyst.execute(
        "SELECT kode_program, anggaran_pk FROM mart.realisasi_anggaran WHERE tahun = 2023 "
        "ORDER BY kode_program"
    ).fetchall()
    assert rows == [
        ("2.12.02", 234_326_592),
        ("2.12.03", 158_957_600),
        ("2.12.04", 38_666_200),
        ("2.12.05", 24_056_500),
    ]


def test_efficiency_index_relates_performance_to_absorption(analyst):
    mean, serapan, index = analyst.execute(
        "SELECT rata_rata_capaian, serapan_anggaran, indeks_efisiensi FROM mart.ringkasan_kinerja "
        "WHERE tahun = 2023"
    ).fetchone()
    assert index == pytest.approx(mean / serapan)
    assert serapan == pytest.approx(476_120_800 / 492_601_328 * 100)
