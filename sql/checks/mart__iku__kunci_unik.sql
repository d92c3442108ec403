-- One row per (tahun, semester, wilayah, indikator).
SELECT tahun, semester, kode_wilayah, kode_indikator, count(*) AS jumlah
FROM mart.iku
GROUP BY ALL
HAVING count(*) > 1
