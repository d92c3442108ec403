-- KIA ownership per kelurahan in one kecamatan, latest semester (empty until kelurahan-level DKB).
SELECT kelurahan, pembilang AS memiliki_kia, penyebut AS wajib_kia, realisasi
FROM analis.iku_per_kelurahan
WHERE kode_indikator = 'kepemilikan_kia'
  AND kecamatan = 'ALAK'
  AND semester = (SELECT max(semester) FROM analis.iku_per_kelurahan)
ORDER BY realisasi;
