-- Every kelurahan count is rounded to aturan_sel_kecil().basis, small counts (1–4) shown as 0.
-- Also: every kelurahan of a published kecamatan is listed, and the true count lies in the
-- published range; a block suppressed by the fallback (mart.sel_ditekan) is empty with range
-- 0..kecamatan total. Any row returned stops publication. Checked against the exact counts of the working file; only codes and the problem are
-- returned (never a count), since the rows land in the run's metadata.
WITH aturan AS (
    SELECT * FROM aturan_sel_kecil()
),
asli AS (
    SELECT semester, kode_wilayah, ukuran, nilai AS asli
    FROM conformed.dkb_agregat
    WHERE tingkat = 'kelurahan'
),
ditekan AS (
    SELECT DISTINCT semester, kode_kecamatan, ukuran FROM mart.sel_ditekan
),
terbit AS (
    SELECT m.*, coalesce(a.asli, 0) AS asli, a.asli IS NOT NULL AS ada_data,
        count(*) OVER (PARTITION BY m.semester, m.kode_kecamatan, m.ukuran) AS jumlah_kelurahan,
        sum(coalesce(a.asli, 0)) OVER (
            PARTITION BY m.semester, m.kode_kecamatan, m.ukuran
        ) AS total_kecamatan,
        d.ukuran IS NOT NULL AS ditekan
    FROM mart.agregat_kelurahan AS m
    LEFT JOIN asli AS a USING (semester, kode_wilayah, ukuran)
    LEFT JOIN ditekan AS d
        ON d.semester = m.semester AND d.kode_kecamatan = m.kode_kecamatan AND d.ukuran = m.ukuran
),
per_sel AS (
    SELECT semester, kode_wilayah, ukuran,
        CASE
            WHEN jumlah_kelurahan = 1 AND nilai IS NOT NULL
                THEN 'kecamatan berkelurahan tunggal: nilai harus kosong'
            WHEN jumlah_kelurahan = 1 THEN NULL
            WHEN ditekan AND (
                nilai IS NOT NULL OR batas_bawah <> 0 OR batas_atas <> total_kecamatan
                OR NOT disamarkan
            ) THEN 'blok ditekan: nilai harus kosong, batas 0..total kecamatan, disamarkan'
            WHEN ditekan THEN NULL
            WHEN nilai IS NULL THEN 'nilai kosong'
            WHEN nilai % t.basis <> 0 THEN 'nilai bukan kelipatan basis pembulatan'
            WHEN batas_bawah <> greatest(nilai - t.basis // 2, 0)
                OR batas_atas <> nilai + t.basis - 1 - t.basis // 2
                THEN 'batas_bawah/batas_atas tidak sesuai pembulatan'
            WHEN asli NOT BETWEEN batas_bawah AND batas_atas
                THEN 'nilai asli di luar batas_bawah..batas_atas'
            WHEN asli BETWEEN 1 AND t.sel_kecil_maks AND nilai <> 0 THEN 'sel kecil tidak pada 0'
            WHEN asli BETWEEN 1 AND t.sel_kecil_maks AND NOT disamarkan
                THEN 'sel kecil tidak ditandai disamarkan'
        END AS masalah
    FROM terbit CROSS JOIN aturan AS t
),
hilang AS (
    -- a kelurahan counted from the records but not published, or one of the reference
    -- missing from a kecamatan that is published
    SELECT a.semester, a.kode_wilayah, a.ukuran, 'kelurahan berdata tidak terbit' AS masalah
    FROM asli AS a
    ANTI JOIN mart.agregat_kelurahan AS m USING (semester, kode_wilayah, ukuran)
    UNION ALL
    SELECT DISTINCT m.semester, w.kode, m.ukuran, 'kelurahan referensi tidak terbit'
    FROM mart.agregat_kelurahan AS m
    JOIN conformed.wilayah AS w ON w.kode_induk = m.kode_kecamatan AND w.tingkat = 'kelurahan'
    ANTI JOIN mart.agregat_kelurahan AS k
        ON k.semester = m.semester AND k.kode_wilayah = w.kode AND k.ukuran = m.ukuran
),
basis AS (
    SELECT NULL AS semester, NULL AS kode_wilayah, NULL AS ukuran,
        'basis pembulatan terlalu kecil: sel kecil tidak jatuh pada 0' AS masalah
    FROM aturan
    WHERE basis - 1 - basis // 2 < sel_kecil_maks
)
SELECT * FROM per_sel WHERE masalah IS NOT NULL
UNION ALL
SELECT * FROM hilang
UNION ALL
SELECT * FROM basis
