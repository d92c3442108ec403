-- The office the document is about (cover, file name): the kab/kota of raw/referensi/daerah.csv.
SELECT kode, nama, tingkat, nama_instansi
FROM raw.daerah
ORDER BY kode
LIMIT 1
