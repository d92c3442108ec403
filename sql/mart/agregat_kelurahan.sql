-- DKB counts per kelurahan and semester for analysts, with the small-cell rule applied.
-- Only the record-level path produces kelurahan figures.
--
-- Small-cell rule:
--   1. a count from 1 to 4 is not shown (nilai NULL, disamarkan = true): in a kelurahan, "2
--      residents without a birth certificate" can point at a family. 0 is shown: it reveals
--      nothing about any person.
--   2. when a kecamatan and ukuran has exactly one hidden kelurahan cell, the smallest other
--      cell of that kecamatan and ukuran (zero included) is hidden too, so the hidden value
--      cannot be recovered by subtracting the published kelurahan from the kecamatan total.
-- The kecamatan and kota totals the LAKIP needs are in mart.agregat_wilayah, never hidden.
WITH kelurahan AS (
    SELECT
        a.semester,
        CAST(left(a.semester, 4) AS INTEGER) AS tahun,
        a.tanggal_data,
        a.kode_wilayah,
        w.nama AS nama_wilayah,
        w.kode_induk AS kode_kecamatan,
        a.ukuran,
        a.nilai
    FROM conformed.dkb_agregat AS a
    JOIN conformed.wilayah AS w ON w.kode = a.kode_wilayah
    WHERE a.tingkat = 'kelurahan'
),
primer AS (
    SELECT *, nilai BETWEEN 1 AND 4 AS kecil FROM kelurahan
),
sekunder AS (
    SELECT
        *,
        count(*) FILTER (kecil) OVER w = 1
            AND NOT kecil
            AND row_number() OVER (
                PARTITION BY semester, kode_kecamatan, ukuran, kecil ORDER BY nilai, kode_wilayah
            ) = 1 AS pelengkap
    FROM primer
    WINDOW w AS (PARTITION BY semester, kode_kecamatan, ukuran)
)
SELECT
    semester,
    tahun,
    tanggal_data,
    kode_wilayah,
    nama_wilayah,
    kode_kecamatan,
    ukuran,
    CASE WHEN kecil OR pelengkap THEN NULL ELSE nilai END AS nilai,
    kecil OR pelengkap AS disamarkan
FROM sekunder
ORDER BY semester, kode_wilayah, ukuran
