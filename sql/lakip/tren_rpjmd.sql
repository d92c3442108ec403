-- Tabel 11: target, realisasi and capaian of every indicator in the five years up to $tahun
-- that lie in its planning period (raw/indikator/periode_perencanaan.csv), one block of three
-- columns per year; a column before the period's first year stays empty. Capaian is the figure of
-- record: published for history years, computed for the years of this warehouse. Not printed:
-- `_kunci` (the indicator) and `_hitung_n`, the capaian recomputed from target and realisasi
-- (the document prints these, so every figure it shows reconciles).
WITH awal AS (
    -- the planning period $tahun falls in: a year before it belongs to another plan
    SELECT coalesce(max(tahun_awal), $tahun - 4) AS tahun
    FROM conformed.periode_perencanaan
    WHERE $tahun BETWEEN tahun_awal AND tahun_akhir
),
tren AS (
    SELECT * FROM mart.tren_rpjmd
    WHERE tahun BETWEEN greatest($tahun - 4, (SELECT tahun FROM awal)) AND $tahun
)
SELECT
    coalesce(any_value(nomor) || '.', '') AS no,
    any_value(nama_indikator) AS indikator_kinerja,
    any_value(satuan) AS satuan,
    tampil(max(target) FILTER (WHERE tahun = $tahun - 4)) AS target_4,
    tampil(max(realisasi) FILTER (WHERE tahun = $tahun - 4)) AS realisasi_4,
    tampil(max(capaian) FILTER (WHERE tahun = $tahun - 4)) AS capaian_4,
    tampil(max(target) FILTER (WHERE tahun = $tahun - 3)) AS target_3,
    tampil(max(realisasi) FILTER (WHERE tahun = $tahun - 3)) AS realisasi_3,
    tampil(max(capaian) FILTER (WHERE tahun = $tahun - 3)) AS capaian_3,
    tampil(max(target) FILTER (WHERE tahun = $tahun - 2)) AS target_2,
    tampil(max(realisasi) FILTER (WHERE tahun = $tahun - 2)) AS realisasi_2,
    tampil(max(capaian) FILTER (WHERE tahun = $tahun - 2)) AS capaian_2,
    tampil(max(target) FILTER (WHERE tahun = $tahun - 1)) AS target_1,
    tampil(max(realisasi) FILTER (WHERE tahun = $tahun - 1)) AS realisasi_1,
    tampil(max(capaian) FILTER (WHERE tahun = $tahun - 1)) AS capaian_1,
    tampil(max(target) FILTER (WHERE tahun = $tahun)) AS target_0,
    tampil(max(realisasi) FILTER (WHERE tahun = $tahun)) AS realisasi_0,
    tampil(max(capaian) FILTER (WHERE tahun = $tahun)) AS capaian_0,
    kode_indikator AS _kunci,
    tampil(max(capaian_hitung) FILTER (WHERE tahun = $tahun - 4)) AS _hitung_4,
    tampil(max(capaian_hitung) FILTER (WHERE tahun = $tahun - 3)) AS _hitung_3,
    tampil(max(capaian_hitung) FILTER (WHERE tahun = $tahun - 2)) AS _hitung_2,
    tampil(max(capaian_hitung) FILTER (WHERE tahun = $tahun - 1)) AS _hitung_1,
    tampil(max(capaian_hitung) FILTER (WHERE tahun = $tahun)) AS _hitung_0
FROM tren
GROUP BY kode_indikator
ORDER BY min(urutan)
