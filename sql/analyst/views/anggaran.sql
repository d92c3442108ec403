-- Tabel 13: budget per program with absorption, under the display rule.
SELECT
    tahun,
    kode_program,
    nama_program,
    anggaran,
    realisasi,
    sisa,
    tampil(serapan) AS serapan
FROM mart.realisasi_anggaran
ORDER BY tahun, kode_program
