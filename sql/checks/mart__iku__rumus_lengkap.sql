-- Every formula indicator has a realisasi in every period and region: a missing DKB measure
-- (e.g. a renamed column) must stop publication, not print an empty cell.
SELECT tahun, semester, kode_wilayah, kode_indikator, pembilang, penyebut
FROM mart.iku
WHERE jenis = 'rumus' AND realisasi IS NULL
