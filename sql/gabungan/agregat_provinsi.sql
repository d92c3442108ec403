-- description: Agregat DKB per provinsi: jumlah angka kab/kota yang diterima, dengan kelengkapannya.
-- Province totals are SUMS of the accepted offices' exact kab/kota figures, never estimates.
-- `lengkap`: every kab/kota of the province was accepted and carries this measure; otherwise
-- the total covers `jumlah_kantor_berangka` of `jumlah_kantor` offices. Small-cell rule
-- (aturan_sel_kecil()): a total of 1..sel_kecil_maks is withheld (nilai empty, disamarkan).
WITH aturan AS (
    SELECT sel_kecil_maks FROM aturan_sel_kecil()
),
jumlah AS (
    SELECT semester, kode_provinsi, ukuran, sum(nilai) AS nilai, count(*) AS jumlah_kantor_berangka
    FROM gabungan.agregat_wilayah
    WHERE tingkat = 'kabkota'
    GROUP BY ALL
)
SELECT
    j.semester,
    semester_tahun(j.semester) AS tahun,
    j.kode_provinsi,
    p.nama_provinsi,
    j.ukuran,
    CASE WHEN j.nilai BETWEEN 1 AND a.sel_kecil_maks THEN NULL ELSE CAST(j.nilai AS BIGINT) END
        AS nilai,
    j.nilai BETWEEN 1 AND a.sel_kecil_maks AS disamarkan,
    j.jumlah_kantor_berangka,
    p.jumlah_kantor,
    p.lengkap AND j.jumlah_kantor_berangka = p.jumlah_kantor AS lengkap
FROM jumlah AS j
CROSS JOIN aturan AS a
JOIN gabungan.kelengkapan_provinsi AS p USING (semester, kode_provinsi)
ORDER BY j.semester, j.kode_provinsi, j.ukuran
