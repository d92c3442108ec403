-- Tabel 10: capaian of each year next to the previous year's, under the display rule.
SELECT
    tahun,
    nomor,
    nama_indikator,
    tampil(target) AS target,
    tampil(realisasi) AS realisasi,
    tampil(capaian) AS capaian,
    tampil(capaian_tahun_lalu) AS capaian_tahun_lalu,
    dibanding_tahun_lalu,
    sumber_tahun_lalu
FROM mart.perbandingan_tahun_lalu
ORDER BY tahun, urutan
