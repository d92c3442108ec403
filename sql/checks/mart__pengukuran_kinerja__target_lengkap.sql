-- Every indicator with a target in a reported year has a realisasi (formula or reported).
SELECT t.tahun, t.kode_indikator
FROM conformed.target_tahunan AS t
WHERE t.tahun IN (SELECT DISTINCT tahun FROM mart.pengukuran_kinerja WHERE semester IS NOT NULL)
  AND NOT EXISTS (
      SELECT 1 FROM mart.pengukuran_kinerja AS p
      WHERE p.tahun = t.tahun AND p.kode_indikator = t.kode_indikator AND p.realisasi IS NOT NULL
  )
