-- description: Apa yang belum ada per tahun LAKIP: target, realisasi, anggaran, semester DKB.
-- What each year of the report still lacks, one row per (year, kind of lack), so that a year in
-- progress (2024-S1 in, no 2024 target yet) is listed instead of blocking the other years or
-- vanishing silently. A report year is a year with any of its own data: a DKB semester, a PK or
-- RKT target, a reported realisation or a budget file (RPJMD history years are Tabel 11 rows,
-- not report years). Completeness, not correctness: wrong figures stay blocking checks.
WITH tahun_laporan AS (
    SELECT DISTINCT tahun FROM mart.agregat_wilayah
    UNION SELECT tahun FROM conformed.target_tahunan WHERE dokumen IN ('PK', 'RKT')
    UNION SELECT tahun FROM conformed.realisasi_dilaporkan
    UNION SELECT tahun FROM conformed.anggaran_program
),
aktif AS (
    -- indicators still in use that year (tahun_akhir: last year reported)
    SELECT y.tahun, d.kode_indikator, d.urutan, d.jenis
    FROM tahun_laporan AS y
    CROSS JOIN conformed.indikator AS d
    WHERE d.tahun_akhir IS NULL OR y.tahun <= d.tahun_akhir
),
tanpa_target AS (
    SELECT a.tahun, 'target' AS kekurangan, a.kode_indikator AS butir, a.urutan
    FROM aktif AS a
    ANTI JOIN conformed.target_tahunan AS t USING (tahun, kode_indikator)
),
tanpa_realisasi AS (
    SELECT a.tahun, 'realisasi' AS kekurangan, a.kode_indikator, a.urutan
    FROM aktif AS a
    WHERE NOT EXISTS (
        SELECT 1 FROM mart.iku AS i
        WHERE i.tahun = a.tahun AND i.kode_indikator = a.kode_indikator
          AND i.tingkat IN ('kota', 'kabupaten') AND i.realisasi IS NOT NULL
    )
),
anggaran AS (
    SELECT tahun,
        count(anggaran_pk) AS pk,
        count(anggaran) AS pagu
    FROM conformed.anggaran_program
    GROUP BY tahun
),
tanpa_anggaran AS (
    SELECT y.tahun, 'anggaran PK' AS kekurangan,
        'raw/anggaran/' || y.tahun || '/anggaran_pk.csv' AS butir, 0 AS urutan
    FROM tahun_laporan AS y LEFT JOIN anggaran AS a USING (tahun)
    WHERE coalesce(a.pk, 0) = 0
    UNION ALL
    SELECT y.tahun, 'realisasi anggaran',
        'raw/anggaran/' || y.tahun || '/realisasi_anggaran_' || y.tahun || '.xlsx', 0
    FROM tahun_laporan AS y LEFT JOIN anggaran AS a USING (tahun)
    WHERE coalesce(a.pagu, 0) = 0
),
tanpa_semester AS (
    -- the year's figures are those of 31 December: Semester II
    SELECT y.tahun, 'semester' AS kekurangan, y.tahun || '-S2' AS butir, 0 AS urutan
    FROM tahun_laporan AS y
    WHERE NOT EXISTS (
        SELECT 1 FROM mart.agregat_wilayah AS a WHERE a.semester = y.tahun || '-S2'
    )
),
semua AS (
    SELECT * FROM tanpa_target
    UNION ALL SELECT * FROM tanpa_realisasi
    UNION ALL SELECT * FROM tanpa_anggaran
    UNION ALL SELECT * FROM tanpa_semester
),
per_jenis AS (
    SELECT
        tahun,
        kekurangan,
        count(*) AS jumlah,
        string_agg(butir, ', ' ORDER BY urutan, butir) AS rincian
    FROM semua
    GROUP BY tahun, kekurangan
),
terakhir AS (
    SELECT tahun, max(semester) AS semester FROM mart.agregat_wilayah GROUP BY tahun
)
SELECT
    p.tahun,
    p.kekurangan,
    p.jumlah,
    p.rincian,
    'LAKIP ' || p.tahun || ': ' || CASE p.kekurangan
        WHEN 'target' THEN 'belum ada target untuk ' || p.jumlah || ' indikator: ' || p.rincian
            || ' (raw/indikator/target.csv); Tabel 3 mencetak realisasinya tanpa target dan capaian'
        WHEN 'realisasi' THEN 'belum ada realisasi untuk ' || p.jumlah || ' indikator: '
            || p.rincian || ' (DKB atau raw/indikator/realisasi_dilaporkan.csv)'
        WHEN 'anggaran PK' THEN 'belum ada anggaran PK (' || p.rincian || '): Tabel 2 kosong'
        WHEN 'realisasi anggaran' THEN 'belum ada realisasi anggaran (' || p.rincian
            || '): Tabel 13 tanpa pagu dan realisasi'
        WHEN 'semester' THEN 'belum ada semester ' || p.rincian || ' (DKB 31 Desember); '
            || coalesce('angka tahun ini dari ' || t.semester, 'belum ada semester DKB sama sekali')
    END AS pesan
FROM per_jenis AS p
LEFT JOIN terakhir AS t USING (tahun)
ORDER BY p.tahun, p.kekurangan
