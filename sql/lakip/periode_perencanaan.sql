-- The planning period (RPJMD or RPD, raw/indikator/periode_perencanaan.csv) $tahun falls in:
-- Tabel 11 has one block of columns per year of it (an RPJMD 2019–2023 five, an RPD 2024–2026
-- three), the trend chart plots its years up to $tahun. Of two overlapping periods, the one
-- that starts last. No period recorded for $tahun: the five years up to it, `dokumen` NULL.
WITH berlaku AS (
    SELECT dokumen, tahun_awal, tahun_akhir
    FROM conformed.periode_perencanaan
    WHERE $tahun BETWEEN tahun_awal AND tahun_akhir
    ORDER BY tahun_awal DESC
    LIMIT 1
)
SELECT
    b.dokumen,
    coalesce(b.tahun_awal, $tahun - 4) AS tahun_awal,
    coalesce(b.tahun_akhir, $tahun) AS tahun_akhir
FROM (SELECT 1) AS satu
LEFT JOIN berlaku AS b ON true
