-- description: Target yang berlaku per indikator per tahun (PK > RKT > RPJMD).
-- The target that governs each indicator in each year: the Perjanjian Kinerja where there is
-- one, else the RKT, else the Renstra, else the RPJMD.
SELECT kode_indikator, tahun, dokumen, target, sumber
FROM raw.indikator_target
QUALIFY row_number() OVER (
    PARTITION BY kode_indikator, tahun
    ORDER BY CASE dokumen WHEN 'PK' THEN 1 WHEN 'RKT' THEN 2 WHEN 'RENSTRA' THEN 3 ELSE 4 END
) = 1
