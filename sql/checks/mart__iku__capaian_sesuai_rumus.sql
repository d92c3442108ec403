-- capaian = realisasi / target x 100 (or the lower-is-better variant), to full precision.
SELECT tahun, semester, kode_wilayah, kode_indikator, realisasi, target, capaian
FROM mart.iku
WHERE target IS NOT NULL AND realisasi IS NOT NULL
  AND abs(capaian - CASE arah WHEN 'naik' THEN realisasi / target * 100
                              ELSE (2 * target - realisasi) / target * 100 END) > 1e-9
