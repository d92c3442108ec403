-- description: Agregat DKB per kelurahan (rekaman atau ekspor SIAK per desa), sel kecil disamarkan; blok yang tetap terkunci ditekan (mart.sel_ditekan).
-- build: penekanan_sel
-- writes: mart.sel_ditekan
-- DKB counts per kelurahan and semester for analysts, every count rounded so that no small
-- cell can be recovered. Kelurahan figures come from a resident extract (jalur rekaman) or from
-- SIAK agregat workbooks with desa rows (jalur agregat, docs/ukuran.md), in the same shape.
--
-- Small-cell rule (parameters in aturan_sel_kecil(), method and audit in docs/rekaman.md):
--   1. every count is published rounded to the nearest multiple of `basis` (halves up), with
--      the range of true counts that rounding allows (batas_bawah, batas_atas). With basis 10
--      every count 0–4 is published as 0, so a small count (1–4) looks exactly like "nobody".
--      Hiding cells instead (the rule before this one) did not hold: the exact kecamatan
--      totals, the identities and inequalities between measures (cetak <= sudah rekam) pinned
--      hidden cells, which pipelines/defs/transformasi/audit_sel_kecil.py demonstrates.
--   2. every kelurahan of the reference is listed for each kecamatan with data, an empty
--      kelurahan as 0: otherwise a kecamatan whose residents all live in one kelurahan would
--      show that kelurahan alone, and its figures would equal the published kecamatan totals.
--   3. a kecamatan with a single kelurahan in the reference: its kelurahan figure is the
--      kecamatan's, which mart.agregat_wilayah publishes exactly (the LAKIP prints it), so no
--      rounding here can protect it; the row is kept with nilai NULL and adds nothing.
--   4. secondary suppression, the fallback when rounding is not enough: a kecamatan × ukuran ×
--      semester block listed in mart.sel_ditekan (the audit found one of its cells pinned; the
--      asset, pipelines/defs/transformasi/sel_ditekan.py, fills it and rebuilds this table until the
--      audit passes) is published with nilai NULL, batas_bawah 0 and batas_atas the kecamatan
--      total, disamarkan true, for every kelurahan of the block.
-- Kecamatan and kab/kota totals stay exact, in mart.agregat_wilayah.
WITH aturan AS (
    SELECT basis, sel_kecil_maks FROM aturan_sel_kecil()
),
hitungan AS (
    SELECT a.semester, a.tanggal_data, a.kode_wilayah, w.kode_induk AS kode_kecamatan, a.ukuran,
        a.nilai
    FROM conformed.dkb_agregat AS a
    JOIN conformed.wilayah AS w ON w.kode = a.kode_wilayah
    WHERE a.tingkat = 'kelurahan'
),
kerangka AS (
    SELECT DISTINCT
        h.semester,
        h.tanggal_data,
        w.kode AS kode_wilayah,
        w.nama AS nama_wilayah,
        h.kode_kecamatan,
        h.ukuran
    FROM hitungan AS h
    JOIN conformed.wilayah AS w ON w.kode_induk = h.kode_kecamatan AND w.tingkat = 'kelurahan'
),
ditekan AS (
    SELECT DISTINCT semester, kode_kecamatan, ukuran FROM mart.sel_ditekan
),
dibulatkan AS (
    SELECT
        k.*,
        count(*) OVER (PARTITION BY k.semester, k.kode_kecamatan, k.ukuran) AS jumlah_kelurahan,
        CAST(
            sum(coalesce(h.nilai, 0)) OVER (PARTITION BY k.semester, k.kode_kecamatan, k.ukuran)
            AS BIGINT
        ) AS total_kecamatan,
        d.ukuran IS NOT NULL AS ditekan,
        CAST(a.basis * floor((coalesce(h.nilai, 0) + a.basis // 2) / a.basis) AS BIGINT) AS bulat,
        a.basis,
        a.sel_kecil_maks
    FROM kerangka AS k
    CROSS JOIN aturan AS a
    LEFT JOIN hitungan AS h USING (semester, kode_wilayah, ukuran)
    LEFT JOIN ditekan AS d
        ON d.semester = k.semester AND d.kode_kecamatan = k.kode_kecamatan AND d.ukuran = k.ukuran
)
SELECT
    semester,
    semester_tahun(semester) AS tahun,
    tanggal_data,
    kode_wilayah,
    nama_wilayah,
    kode_kecamatan,
    ukuran,
    CASE WHEN jumlah_kelurahan > 1 AND NOT ditekan THEN bulat END AS nilai,
    -- the published value may stand for a small count (with basis 10: every 0), or is withheld
    jumlah_kelurahan = 1 OR ditekan OR bulat - basis // 2 <= sel_kecil_maks AS disamarkan,
    CASE
        WHEN jumlah_kelurahan = 1 THEN NULL
        WHEN ditekan THEN 0
        ELSE greatest(bulat - basis // 2, 0)
    END AS batas_bawah,
    CASE
        WHEN jumlah_kelurahan = 1 THEN NULL
        WHEN ditekan THEN total_kecamatan
        ELSE bulat + basis - 1 - basis // 2
    END AS batas_atas
FROM dibulatkan
ORDER BY semester, kode_wilayah, ukuran
