-- description: Agregat DKB per wilayah (kecamatan dan kota) per semester.
-- DKB counts per region and semester, rolled up from the level they arrive at (kecamatan or
-- kelurahan) to every ancestor region up to the kab/kota. Analyst-facing, so only kecamatan and
-- kab/kota rows: kelurahan figures are published with the small-cell rule in
-- mart.agregat_kelurahan.
WITH RECURSIVE leluhur(kode, kode_leluhur) AS (
    SELECT kode, kode FROM conformed.wilayah
    UNION ALL
    SELECT l.kode, w.kode_induk
    FROM leluhur AS l
    JOIN conformed.wilayah AS w ON w.kode = l.kode_leluhur
    WHERE w.kode_induk IS NOT NULL
),
digulung AS (
    SELECT
        a.semester,
        a.tanggal_data,
        l.kode_leluhur AS kode_wilayah,
        a.ukuran,
        CAST(sum(a.nilai) AS BIGINT) AS nilai,
        string_agg(DISTINCT a.jalur, ',') AS jalur
    FROM conformed.dkb_agregat AS a
    JOIN leluhur AS l ON l.kode = a.kode_wilayah
    GROUP BY ALL
)
SELECT
    d.semester,
    semester_tahun(d.semester) AS tahun,
    d.tanggal_data,
    d.kode_wilayah,
    w.nama AS nama_wilayah,
    w.tingkat,
    d.ukuran,
    d.nilai,
    d.jalur
FROM digulung AS d
JOIN conformed.wilayah AS w ON w.kode = d.kode_wilayah
WHERE w.tingkat <> 'kelurahan'
ORDER BY d.semester, d.kode_wilayah, d.ukuran
