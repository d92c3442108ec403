-- description: Hitungan DKB semua semester, kedua jalur (agregat dan rekaman), bentuk panjang.
-- Both DKB input paths in one long shape, one row per (semester, region, ukuran, jalur):
--   jalur 'agregat'  per kecamatan, from raw/dkb/<semester>/agregat_kecamatan.*
--   jalur 'rekaman'  per kelurahan, counted from the resident extract raw/dkb/<semester>/penduduk.*
-- conformed.dkb_agregat picks one path per semester; mart.selisih_jalur_dkb sets them side by
-- side.
WITH per_kecamatan AS (
    UNPIVOT (
        SELECT * EXCLUDE (kecamatan, _diterima_pada)
        FROM raw.dkb_agregat_kecamatan
    )
    ON COLUMNS(* EXCLUDE (semester, kode_kecamatan, _berkas, _baris, _sha256))
    INTO NAME ukuran VALUE nilai
),
agregat AS (
    SELECT
        semester,
        semester_tanggal(semester) AS tanggal_data,
        kode_kecamatan AS kode_wilayah,
        'kecamatan' AS tingkat,
        ukuran,
        CAST(nilai AS BIGINT) AS nilai,
        'agregat' AS jalur,
        _berkas AS sumber_berkas,
        _baris AS sumber_baris
    FROM per_kecamatan
),
rekaman AS (
    SELECT
        semester, tanggal_data, kode_wilayah, tingkat, ukuran, nilai, jalur,
        sumber_berkas, sumber_baris
    FROM raw.dkb_penduduk_kelurahan
)
SELECT * FROM rekaman
UNION ALL
SELECT * FROM agregat
