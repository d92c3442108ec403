-- description: Tabel 13: realisasi dan serapan anggaran per program.
-- Tabel 13: budget per program, realisation, remainder and absorption (serapan, %).
SELECT
    tahun,
    kode_program,
    nama_program,
    anggaran_pk,
    anggaran,
    realisasi,
    anggaran - realisasi AS sisa,
    realisasi / nullif(anggaran, 0) * 100 AS serapan,
    capaian_tercetak AS serapan_tercetak,
    sumber_berkas,
    sumber_baris
FROM conformed.anggaran_program
ORDER BY tahun, kode_program
