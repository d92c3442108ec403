-- No kelurahan count from 1 to 4 is visible; no kecamatan × ukuran has a lone hidden cell
-- (unless the kecamatan has a single kelurahan, whose figure is the kecamatan's anyway); no
-- identity of identitas_ukuran() has a lone hidden term in a kelurahan. Any row returned means
-- a hidden count could be read or subtracted out: the run stops before publication.
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
),
identitas AS (
    SELECT k.semester, k.kode_wilayah, i.identitas AS ukuran, NULL AS nilai,
        'satu-satunya suku tersamar dalam identitas ini' AS masalah
    FROM mart.agregat_kelurahan AS k
    JOIN identitas_ukuran() AS i ON k.ukuran IN (i.total, i.bagian_1, i.bagian_2)
    GROUP BY k.semester, k.kode_wilayah, i.identitas
    HAVING count(*) FILTER (k.disamarkan) = 1
)
SELECT * FROM terlihat
UNION ALL
SELECT * FROM sendirian
UNION ALL
SELECT * FROM identitas
