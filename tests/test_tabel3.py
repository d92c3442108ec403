"""LAKIP 2023, Tabel 3 (Pengukuran Capaian Kinerja Sasaran), figure for figure.

Printed figures follow the display rule (truncate to two decimals, see sql/macros/tampil.sql);
'118,8' and '118,80' are the same printed number.
"""

import pytest

# (kode_indikator, target, realisasi, capaian, kategori) as printed in Tabel 3 and Bab III B.
TABEL_3 = [
    ("rasio_ktp_el", 70, 204.54, 292.20, "SANGAT MEMUASKAN"),
    ("rasio_kia", 70, 86.13, 123.04, "SANGAT MEMUASKAN"),
    ("kepemilikan_ktp_el", 70, 97.56, 139.38, "SANGAT MEMUASKAN"),
    ("kepemilikan_kia", 70, 46.27, 66.10, "KURANG MEMUASKAN"),
    ("rasio_bayi_akta_kelahiran", 70, 83.16, 118.8, "SANGAT MEMUASKAN"),
    ("cakupan_akta_kelahiran", 70, 34.86, 49.80, "KURANG MEMUASKAN"),
    ("rasio_akta_nikah", 70, 100, 142.85, "SANGAT MEMUASKAN"),
    ("kepemilikan_akta_kependudukan", 70, 57.61, 82.3, "SANGAT MEMUASKAN"),
    ("pemanfaatan_data", 70, 70, 100, "SANGAT MEMUASKAN"),
    ("database_valid", 80, 99.73, 124.66, "SANGAT MEMUASKAN"),
]


def test_tabel3_has_the_ten_printed_rows_in_order(analyst):
    rows = analyst.execute(
        "SELECT k.kode_indikator FROM mart.pengukuran_kinerja k WHERE tahun = 2023 ORDER BY urutan"
    ).fetchall()
    assert [r[0] for r in rows] == [r[0] for r in TABEL_3]


@pytest.mark.parametrize(("kode", "target", "realisasi", "capaian", "kategori"), TABEL_3)
def test_tabel3_figure(analyst, kode, target, realisasi, capaian, kategori):
    shown = analyst.execute(
        "SELECT target, realisasi, capaian, kategori FROM analis.iku_tahunan "
        "WHERE tahun = 2023 AND nama_indikator = "
        "(SELECT nama_indikator FROM mart.iku WHERE kode_indikator = ? LIMIT 1)",
        [kode],
    ).fetchone()
    assert shown == pytest.approx((target, realisasi, capaian, kategori))


def test_rumus_uses_dkb_counts_printed_in_bab_iii(analyst):
    """Rumus Perhitungan of indicator 1: 330.876 x 100 / 161.764; of 2b: 50.402 / 108.920."""
    rows = dict(
        (r[0], (r[1], r[2]))
        for r in analyst.execute(
            "SELECT kode_indikator, pembilang, penyebut "
            "FROM mart.pengukuran_kinerja WHERE tahun = 2023"
        ).fetchall()
    )
    assert rows["rasio_ktp_el"] == (330876, 161764)
    assert rows["rasio_kia"] == (50402, 58518)
    assert rows["kepemilikan_ktp_el"] == (330876, 339130)
    assert rows["kepemilikan_kia"] == (50402, 108920)
    assert rows["rasio_bayi_akta_kelahiran"] == (97068, 116716)
    assert rows["cakupan_akta_kelahiran"] == (155024, 444661)
    assert rows["rasio_akta_nikah"] == (96890, 96890)


def test_full_precision_is_kept_in_the_warehouse(analyst):
    """Indicator 2a: 97,56 printed, but capaian 139,38 comes from 97,566…, not from 97,56."""
    realisasi, capaian = analyst.execute(
        "SELECT realisasi, capaian FROM mart.pengukuran_kinerja "
        "WHERE tahun = 2023 AND kode_indikator = 'kepemilikan_ktp_el'"
    ).fetchone()
    assert realisasi == pytest.approx(330876 / 339130 * 100, rel=1e-12)
    assert capaian == pytest.approx(330876 / 339130 * 100 / 70 * 100, rel=1e-12)
