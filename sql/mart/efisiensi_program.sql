-- description: Bab III F: efisiensi per program: rata-rata capaian indikatornya / serapan anggaran.
-- One row per program of each year's budget: its absorption (Tabel 13), the mean capaian of the
-- Tabel 3 indicators the office maps to it (conformed.program_indikator) and the efficiency
-- index = mean capaian / absorption, the same formula as the year's TOTAL
-- (mart.ringkasan_kinerja). A program without a mapped indicator that has a capaian keeps its
-- row with jumlah_indikator 0 and no index: shown with a note, never dropped.
WITH capaian AS (
    SELECT
        m.tahun,
        m.kode_program,
        count(*) AS jumlah_indikator,
        -- ordered: a float sum in a fixed order gives the same last digit on every run
        avg(p.capaian ORDER BY p.urutan) AS rata_rata_capaian,
        string_agg(p.kode_indikator, ', ' ORDER BY p.urutan) AS indikator
    FROM (SELECT DISTINCT tahun, kode_program, kode_indikator FROM conformed.program_indikator) AS m
    JOIN mart.pengukuran_kinerja AS p USING (tahun, kode_indikator)
    WHERE p.capaian IS NOT NULL
    GROUP BY m.tahun, m.kode_program
)
SELECT
    a.tahun,
    a.kode_program,
    a.nama_program,
    a.serapan,
    coalesce(c.jumlah_indikator, 0) AS jumlah_indikator,
    c.indikator,
    c.rata_rata_capaian,
    c.rata_rata_capaian / nullif(a.serapan, 0) AS indeks_efisiensi
FROM mart.realisasi_anggaran AS a
LEFT JOIN capaian AS c USING (tahun, kode_program)
ORDER BY a.tahun, a.kode_program
