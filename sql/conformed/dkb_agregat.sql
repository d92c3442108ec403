-- DKB counts of one semester in long form: one row per (region, ukuran). Both input paths
-- write this same shape, so the indicators do not care which path fed them:
--   jalur 'agregat'  per kecamatan, from raw/dkb/<semester>/agregat_kecamatan.*
--   jalur 'rekaman'  per kelurahan, counted from the resident extract raw/dkb/<semester>/penduduk.*
-- When a semester has both, the record-level counts win (they are computed here, from the
-- rows, by documented definitions); mart.selisih_jalur_dkb lists where the two disagree.
-- Parameter: $semester, e.g. '2023-S2'.
WITH per_kecamatan AS (
    UNPIVOT (
        SELECT * EXCLUDE (kecamatan, _diterima_pada)
        FROM raw.dkb_agregat_kecamatan
        WHERE semester = $semester
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
    WHERE semester = $semester
)
SELECT * FROM rekaman
UNION ALL
SELECT * FROM agregat WHERE NOT EXISTS (SELECT 1 FROM rekaman)
