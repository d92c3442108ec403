-- description: Tabel 10: capaian tahun ini dibanding tahun lalu.
-- Tabel 10: capaian of each year next to the previous year's. The previous year comes from this
-- warehouse when it was computed here, else from the published LAKIP (riwayat_capaian).
WITH tahun_ini AS (
    SELECT tahun, kode_indikator, target, realisasi, capaian FROM mart.pengukuran_kinerja
),
semua_tahun AS (
    -- a year with targets but no realisation yet falls back on its printed figure, if any
    SELECT tahun, kode_indikator, capaian, 'dihitung' AS sumber FROM tahun_ini
    WHERE capaian IS NOT NULL
    UNION ALL
    SELECT r.tahun, r.kode_indikator, r.capaian, 'LAKIP terbit' AS sumber
    FROM conformed.riwayat_capaian AS r
    ANTI JOIN (SELECT * FROM tahun_ini WHERE capaian IS NOT NULL) AS t
        USING (tahun, kode_indikator)
),
tahun_laporan AS (
    SELECT DISTINCT tahun FROM tahun_ini
),
pasangan AS (
    SELECT y.tahun, i.kode_indikator
    FROM tahun_laporan AS y
    JOIN (SELECT tahun, kode_indikator FROM tahun_ini
          UNION SELECT tahun + 1, kode_indikator FROM semua_tahun) AS i
        ON i.tahun = y.tahun
)
SELECT
    p.tahun,
    p.kode_indikator,
    d.urutan,
    d.nomor,
    d.nama_indikator,
    lalu.capaian AS capaian_tahun_lalu,
    lalu.sumber AS sumber_tahun_lalu,
    ini.target,
    ini.realisasi,
    ini.capaian,
    CASE
        WHEN ini.capaian IS NULL OR lalu.capaian IS NULL THEN NULL
        WHEN tampil(ini.capaian) > tampil(lalu.capaian) THEN 'lebih tinggi'
        WHEN tampil(ini.capaian) < tampil(lalu.capaian) THEN 'lebih rendah'
        ELSE 'sama'
    END AS dibanding_tahun_lalu
FROM pasangan AS p
JOIN conformed.indikator AS d USING (kode_indikator)
LEFT JOIN tahun_ini AS ini ON ini.tahun = p.tahun AND ini.kode_indikator = p.kode_indikator
LEFT JOIN semua_tahun AS lalu ON lalu.tahun = p.tahun - 1 AND lalu.kode_indikator = p.kode_indikator
ORDER BY p.tahun, d.urutan
