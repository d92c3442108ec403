-- No kelurahan count from 1 to 4 is visible, and no kecamatan × ukuran has a lone hidden cell
-- (unless the kecamatan has a single kelurahan, whose figure is the kecamatan's anyway).
WITH terlihat AS (
    SELECT semester, kode_wilayah, ukuran, nilai, 'sel kecil terlihat' AS masalah
    FROM mart.agregat_kelurahan
    WHERE NOT disamarkan AND nilai BETWEEN 1 AND 4
),
sendirian AS (
    SELECT semester, kode_kecamatan AS kode_wilayah, ukuran, NULL AS nilai,
        'satu-satunya sel tersamar di kecamatan ini' AS masalah
    FROM mart.agregat_kelurahan
    GROUP BY semester, kode_kecamatan, ukuran
    HAVING count(*) FILTER (disamarkan) = 1 AND count(*) > 1
)
SELECT * FROM terlihat
UNION ALL
SELECT * FROM sendirian
