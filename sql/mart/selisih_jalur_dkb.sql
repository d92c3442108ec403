-- description: Agregat file vs hitungan rekaman per kecamatan, bila semester punya keduanya.
-- Semesters that arrived both as an aggregate file and as a resident extract: the two figures
-- per kecamatan and ukuran side by side (record-level feeds the indicators; see
-- conformed/dkb_agregat.sql). Lists every pair, with the difference, so an officer can see
-- whether the aggregate book and the extract tell the same story. Analyst-safe (kecamatan).
WITH agregat AS (
    SELECT semester, kode_wilayah AS kode_kecamatan, ukuran, nilai
    FROM conformed.dkb_jalur
    WHERE jalur = 'agregat' AND tingkat = 'kecamatan'
),
rekaman AS (
    SELECT r.semester, w.kode_induk AS kode_kecamatan, r.ukuran, sum(r.nilai) AS nilai
    FROM conformed.dkb_jalur AS r
    JOIN conformed.wilayah AS w ON w.kode = r.kode_wilayah
    WHERE r.jalur = 'rekaman'
    GROUP BY ALL
)
SELECT
    a.semester,
    a.kode_kecamatan AS kode_wilayah,
    w.nama AS nama_wilayah,
    a.ukuran,
    CAST(a.nilai AS BIGINT) AS nilai_agregat,
    CAST(r.nilai AS BIGINT) AS nilai_rekaman,
    CAST(r.nilai - a.nilai AS BIGINT) AS selisih,
    round(100.0 * (r.nilai - a.nilai) / nullif(a.nilai, 0), 2) AS selisih_persen
FROM agregat AS a
JOIN rekaman AS r USING (semester, kode_kecamatan, ukuran)
JOIN conformed.wilayah AS w ON w.kode = a.kode_kecamatan
ORDER BY a.semester, kode_wilayah, a.ukuran
