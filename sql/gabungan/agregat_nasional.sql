-- description: Agregat DKB nasional: jumlah angka kab/kota yang diterima, dengan kelengkapannya.
-- National totals are SUMS of the accepted offices' exact kab/kota figures (not of the
-- province rows, whose small totals may be withheld). `lengkap`: all kab/kota of the national
-- list accepted and carrying the measure. Small-cell rule as for the provinces.
WITH aturan AS (
    SELECT sel_kecil_maks FROM aturan_sel_kecil()
),
jumlah AS (
    SELECT semester, ukuran, sum(nilai) AS nilai, count(*) AS jumlah_kantor_berangka
    FROM gabungan.agregat_wilayah
    WHERE tingkat = 'kabkota'
    GROUP BY ALL
),
kantor AS (
    SELECT semester, CAST(sum(jumlah_kantor) AS BIGINT) AS jumlah_kantor, bool_and(lengkap) AS lengkap
    FROM gabungan.kelengkapan_provinsi
    GROUP BY semester
)
SELECT
    j.semester,
    semester_tahun(j.semester) AS tahun,
    j.ukuran,
    CASE WHEN j.nilai BETWEEN 1 AND a.sel_kecil_maks THEN NULL ELSE CAST(j.nilai AS BIGINT) END
        AS nilai,
    j.nilai BETWEEN 1 AND a.sel_kecil_maks AS disamarkan,
    j.jumlah_kantor_berangka,
    k.jumlah_kantor,
    k.lengkap AND j.jumlah_kantor_berangka = k.jumlah_kantor AS lengkap
FROM jumlah AS j
CROSS JOIN aturan AS a
JOIN kantor AS k USING (semester)
ORDER BY j.semester, j.ukuran
