-- description: Hitungan DKB semua semester, kedua jalur (agregat dan rekaman), bentuk panjang.
-- Both DKB input paths in one long shape, one row per (semester, region, ukuran, jalur):
--   jalur 'agregat'  per kecamatan, or per desa/kelurahan where a SIAK agr_*.xlsx workbook
--                    prints every desa of the kecamatan; raw.dkb_agregat, from
--                    raw/dkb/<semester>/agregat_kecamatan.* or agr_*.xlsx
--   jalur 'rekaman'  per kelurahan, counted from the resident extract raw/dkb/<semester>/penduduk.*
-- conformed.dkb_agregat picks one path per semester; mart.selisih_jalur_dkb sets them side by
-- side.
WITH dibaca AS (
    SELECT * FROM raw.dkb_agregat WHERE tingkat IN ('kecamatan', 'kelurahan')
),
-- kecamatan × ukuran whose every desa/kelurahan of the reference is printed (a NULL or '-'
-- cell is not a row): their desa rows are the figures, and the kecamatan row is one of the
-- checks of raw.cek_baris_total, as the record-level path counts kelurahan and sums them up
desa_lengkap AS (
    SELECT d.semester, w.kode_kecamatan, d.ukuran
    FROM dibaca AS d
    JOIN (
        SELECT kode, kode_kecamatan, count(*) OVER (PARTITION BY kode_kecamatan) AS jumlah_desa
        FROM raw.wilayah
    ) AS w ON w.kode = d.kode_wilayah
    WHERE d.tingkat = 'kelurahan'
    GROUP BY d.semester, w.kode_kecamatan, d.ukuran
    HAVING count(*) = any_value(w.jumlah_desa)
),
agregat AS (
    SELECT
        a.semester,
        semester_tanggal(a.semester) AS tanggal_data,
        a.kode_wilayah,
        a.tingkat,
        a.ukuran,
        a.nilai,
        'agregat' AS jalur,
        a._berkas AS sumber_berkas,
        a._baris AS sumber_baris
    FROM dibaca AS a
    LEFT JOIN desa_lengkap AS l
        ON l.semester = a.semester AND l.ukuran = a.ukuran
        AND l.kode_kecamatan = CASE a.tingkat
            WHEN 'kelurahan' THEN left(a.kode_wilayah, 8) ELSE a.kode_wilayah
        END
    -- one level per kecamatan × ukuran, so that no figure is counted twice when rolled up; a
    -- workbook's kab/kota row is only checked (raw.cek_baris_total), never used
    WHERE (a.tingkat = 'kelurahan') = (l.kode_kecamatan IS NOT NULL)
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
