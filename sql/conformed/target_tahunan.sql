-- description: Target yang berlaku per indikator per tahun (PK > RKT > RPJMD).
-- The target that governs each indicator in each year: the Perjanjian Kinerja where there is
-- one, else the RKT, else the Renstra, else the RPJMD.
-- Typed here: an office with no target yet (target.csv with its header only) reads as an
-- empty table of untyped (DOUBLE) columns, which every join on kode_indikator then breaks.
SELECT
    CAST(kode_indikator AS VARCHAR) AS kode_indikator,
    tahun,
    CAST(dokumen AS VARCHAR) AS dokumen,
    CAST(target AS DOUBLE) AS target,
    CAST(sumber AS VARCHAR) AS sumber
FROM raw.indikator_target
QUALIFY row_number() OVER (
    PARTITION BY kode_indikator, tahun
    ORDER BY CASE dokumen WHEN 'PK' THEN 1 WHEN 'RKT' THEN 2 WHEN 'RENSTRA' THEN 3 ELSE 4 END
) = 1
