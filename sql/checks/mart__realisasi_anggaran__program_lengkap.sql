-- In a year with both budget files, every program has its PK amount, pagu and realisation.
-- A year with only one of the files is incomplete, not wrong: mart.kelengkapan_tahun lists it.
WITH tahun_lengkap AS (
    SELECT tahun FROM mart.realisasi_anggaran
    GROUP BY tahun
    HAVING count(anggaran_pk) > 0 AND count(anggaran) > 0
)
SELECT r.tahun, r.kode_program,
    'Anggaran ' || r.tahun || ', program ' || r.kode_program || ': '
        || CASE WHEN r.anggaran_pk IS NULL THEN 'tidak ada di anggaran_pk.csv'
                ELSE 'tidak ada di berkas realisasi anggaran' END AS pesan
FROM mart.realisasi_anggaran AS r
JOIN tahun_lengkap USING (tahun)
WHERE r.anggaran_pk IS NULL OR r.anggaran IS NULL OR r.realisasi IS NULL
ORDER BY r.tahun, r.kode_program
