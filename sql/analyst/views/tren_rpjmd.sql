-- Tabel 11: every indicator, every year, published history next to computed years.
SELECT
    tahun,
    nama_indikator,
    nama_tercetak,
    tampil(target) AS target,
    tampil(realisasi) AS realisasi,
    tampil(capaian) AS capaian,
    tampil(capaian_hitung) AS capaian_hitung,
    sumber
FROM mart.tren_rpjmd
ORDER BY urutan, tahun
