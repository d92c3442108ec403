-- Tabel 2 (Perjanjian Kinerja), its budget part: the PK budget of every program of $tahun, and
-- the TOTAL summed from the program rows (mart.ringkasan_kinerja), never the printed total.
SELECT kode_program AS kunci, nama_program AS program, anggaran_pk, 1 AS _urutan
FROM mart.realisasi_anggaran
WHERE tahun = $tahun AND anggaran_pk IS NOT NULL
UNION ALL
SELECT 'TOTAL', 'TOTAL', anggaran_pk, 2
FROM mart.ringkasan_kinerja
WHERE tahun = $tahun AND anggaran_pk IS NOT NULL
ORDER BY _urutan, kunci
