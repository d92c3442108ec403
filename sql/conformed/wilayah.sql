-- description: Wilayah kab/kota, kecamatan, kelurahan per kode Kemendagri.
-- Every region the office reports on, one row per Kemendagri code: the kab/kota itself, its
-- kecamatan and its kelurahan. Names come from the reference, never from exports.
WITH daerah AS (
    SELECT kode, upper(nama) AS nama, tingkat, NULL AS kode_induk FROM raw.daerah
),
kecamatan AS (
    SELECT DISTINCT
        kode_kecamatan AS kode,
        upper(kecamatan) AS nama,
        'kecamatan' AS tingkat,
        left(kode_kecamatan, 5) AS kode_induk
    FROM raw.wilayah
),
kelurahan AS (
    SELECT kode, upper(kelurahan) AS nama, 'kelurahan' AS tingkat, kode_kecamatan AS kode_induk
    FROM raw.wilayah
)
SELECT * FROM daerah
UNION ALL SELECT * FROM kecamatan
UNION ALL SELECT * FROM kelurahan
ORDER BY kode
