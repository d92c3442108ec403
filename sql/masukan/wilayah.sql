-- description: Kecamatan dan desa/kelurahan kab/kota yang dilayani, dari daftar Kemendagri.
-- The office's regions: every desa/kelurahan of the national list under the kab/kota code of
-- raw/referensi/daerah.csv, with its kecamatan. Same columns as the hand-typed list it replaces
-- (kode, kecamatan, kelurahan, kode_kecamatan), plus tingkat and the lineage of the list.
SELECT
    desa.kode,
    kecamatan.nama AS kecamatan,
    desa.nama AS kelurahan,
    kecamatan.kode AS kode_kecamatan,
    desa.tingkat,
    desa._berkas,
    desa._sha256
FROM raw.wilayah_kemendagri AS desa
JOIN raw.wilayah_kemendagri AS kecamatan ON kecamatan.kode = desa.kode_induk
WHERE desa.tingkat IN ('kelurahan', 'desa')
    AND left(desa.kode, 5) IN (SELECT kode FROM raw.daerah)
ORDER BY desa.kode
