-- description: Tabel 11: target, realisasi, capaian per tahun (riwayat terbit dan dihitung).
-- Tabel 11: target, realisasi and capaian of every indicator in every year, the published
-- history (2019–2022 in the bundled data) next to the years computed here. Every year is kept,
-- also one before the planning period in force: the export (sql/lakip/tren_rpjmd.sql) shows the
-- period's years, and the reconciliation needs a counterpart for every printed history figure
-- (Tabel 10 prints last year's capaian, which may lie in the previous plan).
-- A history year whose DKB semester is in the warehouse is computed (and its published figure,
-- in raw/terbitan/, reconciled against it in mart.rekonsiliasi); the printed history
-- (riwayat_capaian) is the fallback for the others. `capaian` is the figure of record
-- (published for history years); `capaian_hitung` is always recomputed from target and
-- realisasi, so that reconciliation can list where the two disagree.
WITH dihitung AS (
    SELECT tahun, kode_indikator, nama_indikator AS nama_tercetak, target, realisasi, capaian,
           'dihitung' AS sumber
    FROM mart.pengukuran_kinerja AS p
    -- a year with targets but no realisation yet keeps its printed figure, if it has one
    WHERE realisasi IS NOT NULL
        OR NOT EXISTS (
            SELECT 1 FROM conformed.riwayat_capaian AS r
            WHERE r.tahun = p.tahun AND r.kode_indikator = p.kode_indikator
        )
),
terbit AS (
    SELECT r.tahun, r.kode_indikator, r.nama_tercetak, r.target, r.realisasi, r.capaian,
           'LAKIP terbit: ' || r.sumber AS sumber
    FROM conformed.riwayat_capaian AS r
    ANTI JOIN dihitung AS d USING (tahun, kode_indikator)
),
semua AS (
    SELECT * FROM dihitung UNION ALL SELECT * FROM terbit
)
SELECT
    s.tahun,
    s.kode_indikator,
    d.urutan,
    d.nomor,
    d.nama_indikator,
    s.nama_tercetak,
    d.satuan,
    s.target,
    s.realisasi,
    s.capaian,
    CASE d.arah
        WHEN 'naik' THEN s.realisasi / s.target * 100
        ELSE (2 * s.target - s.realisasi) / s.target * 100
    END AS capaian_hitung,
    s.sumber
FROM semua AS s
JOIN conformed.indikator AS d USING (kode_indikator)
ORDER BY s.tahun, d.urutan
