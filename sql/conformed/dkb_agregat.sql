-- DKB counts of one semester in long form: one row per (region, ukuran). Both input paths
-- (aggregate files and, later, record-level extracts) write this same shape, so the indicators
-- do not care which path fed them. Parameter: $semester, e.g. '2023-S2'.
WITH per_kecamatan AS (
    UNPIVOT (
        SELECT * EXCLUDE (kecamatan, _diterima_pada)
        FROM raw.dkb_agregat_kecamatan
        WHERE semester = $semester
    )
    ON COLUMNS(* EXCLUDE (semester, kode_kecamatan, _berkas, _baris, _sha256))
    INTO NAME ukuran VALUE nilai
)
SELECT
    semester,
    -- data as of 30 June (S1) or 31 December (S2)
    CASE WHEN right(semester, 2) = 'S1'
        THEN make_date(CAST(left(semester, 4) AS INTEGER), 6, 30)
        ELSE make_date(CAST(left(semester, 4) AS INTEGER), 12, 31)
    END AS tanggal_data,
    kode_kecamatan AS kode_wilayah,
    'kecamatan' AS tingkat,
    ukuran,
    CAST(nilai AS BIGINT) AS nilai,
    'agregat' AS jalur,
    _berkas AS sumber_berkas,
    _baris AS sumber_baris
FROM per_kecamatan
