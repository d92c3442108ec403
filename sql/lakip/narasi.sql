-- The figures and words of the Bab III paragraphs of $tahun, one row per Tabel 3 indicator
-- (iku_laporan.sql: also those without a target or a realisation yet, `kosong` saying which).
-- Every comparison word is decided here, on the figures as printed (display rule), so the
-- generated text cannot say "lebih tinggi" next to a smaller number, nor compare with a
-- figure that is missing.
SELECT
    p.urutan,
    p.kode_indikator,
    p.nomor,
    p.sasaran,
    p.nama_indikator,
    p.satuan,
    p.tahun,
    tampil(p.realisasi) AS realisasi,
    tampil(p.target) AS target,
    tampil(p.capaian) AS capaian,
    p.kategori,
    p.kosong,
    CASE
        WHEN p.target IS NULL OR p.realisasi IS NULL THEN NULL
        WHEN tampil(p.realisasi) > tampil(p.target) THEN 'lebih tinggi dari'
        WHEN tampil(p.realisasi) < tampil(p.target) THEN 'lebih rendah dari'
        ELSE 'sama dengan'
    END AS dibanding_target,
    p.tahun - 1 AS tahun_lalu,
    tampil(b.capaian_tahun_lalu) AS capaian_tahun_lalu,
    CASE b.dibanding_tahun_lalu
        WHEN 'lebih tinggi' THEN 'lebih tinggi dari'
        WHEN 'lebih rendah' THEN 'lebih rendah dari'
        WHEN 'sama' THEN 'sama dengan'
    END AS dibanding_tahun_lalu,
    p.jenis,
    p.sumber_realisasi,
    d.rumus_tercetak,
    p.pembilang,
    p.penyebut,
    d.pengali
FROM iku_laporan AS p
JOIN conformed.indikator AS d USING (kode_indikator)
LEFT JOIN mart.perbandingan_tahun_lalu AS b USING (tahun, kode_indikator)
WHERE p.tahun = $tahun
ORDER BY p.urutan
