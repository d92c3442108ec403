-- Tabel 13: budget (pagu) and realisation per program of $tahun with absorption (CAPAIAN %),
-- and the TOTAL ANGGARAN row summed from the program rows (mart.ringkasan_kinerja).
WITH program AS (
    SELECT
        row_number() OVER (ORDER BY kode_program) || '.' AS no,
        nama_program AS program,
        anggaran,
        realisasi,
        tampil(serapan) AS capaian,
        row_number() OVER (ORDER BY kode_program) AS _urutan,
        kode_program AS _kunci
    FROM mart.realisasi_anggaran
    WHERE tahun = $tahun
),
total AS (
    SELECT
        NULL AS no,
        'TOTAL ANGGARAN' AS program,
        anggaran,
        realisasi_anggaran AS realisasi,
        tampil(serapan_anggaran) AS capaian,
        1e9 AS _urutan,
        'TOTAL' AS _kunci
    FROM mart.ringkasan_kinerja
    WHERE tahun = $tahun
)
SELECT * EXCLUDE (_urutan)
FROM (SELECT * FROM program UNION ALL BY NAME SELECT * FROM total)
ORDER BY _urutan
