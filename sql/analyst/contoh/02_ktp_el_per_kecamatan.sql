-- KTP-el ownership per kecamatan, latest semester, lowest first.
SELECT kecamatan, pembilang AS sudah_rekam, penyebut AS wajib_ktp_el, realisasi
FROM analis.iku_per_kecamatan
WHERE kode_indikator = 'kepemilikan_ktp_el'
  AND semester = (SELECT max(semester) FROM mart.iku)
ORDER BY realisasi;
