-- Bab III F: performance achieved against budget absorbed in $tahun, per program
-- (mart.efisiensi_program: the mean capaian of the indicators the office maps to the program)
-- and for the whole sasaran (mart.ringkasan_kinerja), under the display rule. The index is
-- capaian % / serapan %, shown with two decimals like the percentages.
WITH program AS (
    SELECT
        row_number() OVER (ORDER BY kode_program) || '.' AS no,
        nama_program AS program,
        tampil(serapan) AS serapan,
        jumlah_indikator,
        tampil(rata_rata_capaian) AS rata_rata_capaian,
        tampil(indeks_efisiensi) AS indeks_efisiensi,
        CASE
            WHEN jumlah_indikator = 0
                THEN 'Belum ada indikator kinerja yang dipetakan ke program ini; efisiensi tidak dihitung.'
        END AS keterangan,
        row_number() OVER (ORDER BY kode_program) AS _urutan,
        kode_program AS _kunci
    FROM mart.efisiensi_program
    WHERE tahun = $tahun
),
total AS (
    SELECT
        NULL AS no,
        'TOTAL' AS program,
        tampil(serapan_anggaran) AS serapan,
        jumlah_indikator,
        tampil(rata_rata_capaian) AS rata_rata_capaian,
        tampil(indeks_efisiensi) AS indeks_efisiensi,
        'Semua indikator, semua program.' AS keterangan,
        1e9 AS _urutan,
        'TOTAL' AS _kunci
    FROM mart.ringkasan_kinerja
    WHERE tahun = $tahun AND serapan_anggaran IS NOT NULL
)
SELECT * EXCLUDE (_urutan)
FROM (SELECT * FROM program UNION ALL BY NAME SELECT * FROM total)
ORDER BY _urutan
