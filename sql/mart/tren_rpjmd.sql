-- description: Tabel 11: target, realisasi, capaian per tahun sejak awal RPJMD.
-- Tabel 11: target, realisasi and capaian of every indicator in every year, the published
-- history (2019–2022 in the bundled data) next to the years computed here. `capaian` is the
-- figure of record (published for history years); `capaian_hitung` is always recomputed from
-- target and realisasi, so that reconciliation can list where the two disagree.
WITH dihitung AS (
    SELECT tahun, kode_indikator, nama_indikator AS nama_tercetak, target, realisasi, capaian,
           'dihitung' AS sumber
    FROM mart.pengukuran_kinerja
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
