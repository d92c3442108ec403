-- Chart data: capaian of every indicator in the five years up to $tahun (Tabel 11).
SELECT tahun, urutan, nama_indikator, tampil(capaian) AS capaian
FROM mart.tren_rpjmd
WHERE tahun BETWEEN $tahun - 4 AND $tahun AND capaian IS NOT NULL
ORDER BY urutan, tahun
