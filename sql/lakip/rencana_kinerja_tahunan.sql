-- Tabel 1 (Rencana Kinerja Tahunan) of $tahun: the RKT target of every indicator of the year,
-- as the office set it (raw/indikator/target.csv, dokumen RKT); NULL where no RKT was entered.
-- The indicators are the year's report's (iku_laporan.sql), also before any target is set.
SELECT
    p.kode_indikator,
    p.urutan,
    p.nomor,
    p.sasaran,
    p.nama_indikator,
    p.satuan,
    tampil(t.target) AS target,
    CASE WHEN t.target IS NULL THEN 'belum ada target' END AS kosong
FROM iku_laporan AS p
LEFT JOIN raw.indikator_target AS t
    ON t.kode_indikator = p.kode_indikator AND t.tahun = p.tahun AND t.dokumen = 'RKT'
WHERE p.tahun = $tahun
ORDER BY p.urutan
