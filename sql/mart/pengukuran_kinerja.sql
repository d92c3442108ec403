-- description: Tabel 3: pengukuran capaian kinerja sasaran per tahun.
-- Tabel 3 (Pengukuran Capaian Kinerja Sasaran): for each year, the kab/kota-level IKU that have
-- a target that year, formula indicators taken from the year's last DKB semester (31 December
-- once Semester II is in).
WITH kota AS (
    SELECT * FROM mart.iku WHERE tingkat IN ('kota', 'kabupaten') AND target IS NOT NULL
)
SELECT * EXCLUDE (semester_terakhir)
FROM (
    SELECT *, max(semester) OVER (PARTITION BY tahun) AS semester_terakhir FROM kota
)
WHERE semester IS NULL OR semester = semester_terakhir
ORDER BY tahun, urutan
