-- Chart data: capaian of every indicator in the years of Tabel 11 up to $tahun (from $awal, the
-- start of the planning period: periode_perencanaan.sql), recomputed
-- from target and realisasi under the display rule. `ditandai`: the published report printed
-- another capaian (the reconciliation lists it). `basis`: where the figure comes from and which
-- planning document set the target; the trend line breaks where it changes.
SELECT
    t.tahun,
    t.urutan,
    t.nama_indikator,
    tampil(t.capaian_hitung) AS capaian,
    coalesce(abs(t.capaian - t.capaian_hitung) >= 0.01, false) AS ditandai,
    CASE WHEN t.sumber LIKE 'LAKIP terbit%' THEN 'terbit' ELSE 'dihitung' END
        || ' ' || coalesce(g.dokumen, '') AS basis
FROM mart.tren_rpjmd AS t
LEFT JOIN conformed.target_tahunan AS g USING (kode_indikator, tahun)
WHERE t.tahun BETWEEN $awal AND $tahun AND t.capaian_hitung IS NOT NULL
ORDER BY t.urutan, t.tahun
