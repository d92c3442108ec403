-- Every indicator with a target in a reported year has a realisasi (formula or reported).
-- blocking: tidak
-- A missing realisation is a year still in progress (reported figures arrive after the
-- year's end), so it warns and is listed per year in mart.kelengkapan_tahun; an IKU already
-- published that loses its realisasi still blocks (tidak_hilang).
SELECT t.tahun, t.kode_indikator
FROM conformed.target_tahunan AS t
-- A year counts as reported as soon as it has any row, DKB or reported: a year whose DKB
-- semester was not read keeps its reported indicators and must not pass with only those.
WHERE t.tahun IN (SELECT DISTINCT tahun FROM mart.pengukuran_kinerja)
  AND NOT EXISTS (
      SELECT 1 FROM mart.pengukuran_kinerja AS p
      WHERE p.tahun = t.tahun AND p.kode_indikator = t.kode_indikator AND p.realisasi IS NOT NULL
  )
