-- What $tahun still lacks (targets, realisations, budget, Semester II), the officer's sentences
-- of mart.kelengkapan_tahun without the "LAKIP <tahun>: " the run summary puts in front: the
-- workbook and the document print them under their own year's title.
SELECT regexp_replace(pesan, '^LAKIP \d+: ', '') AS pesan
FROM mart.kelengkapan_tahun
WHERE tahun = $tahun
ORDER BY kekurangan
