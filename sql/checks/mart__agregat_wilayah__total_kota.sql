-- The kab/kota figure of every measure equals the sum of its kecamatan.
WITH kecamatan AS (
    SELECT semester, ukuran, sum(nilai) AS jumlah
    FROM mart.agregat_wilayah WHERE tingkat = 'kecamatan' GROUP BY ALL
)
SELECT k.semester, k.ukuran, k.jumlah AS jumlah_kecamatan, a.nilai AS nilai_kota
FROM kecamatan AS k
JOIN mart.agregat_wilayah AS a
    ON a.semester = k.semester AND a.ukuran = k.ukuran AND a.tingkat IN ('kota', 'kabupaten')
WHERE a.nilai <> k.jumlah
