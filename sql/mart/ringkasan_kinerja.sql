-- description: Rata-rata capaian, serapan anggaran dan indeks efisiensi per tahun.
-- One row per year: the average capaian of the IKU (Tabel 10 "RATA-RATA"), its category, the
-- budget absorbed (Tabel 13 total) and the efficiency index = average capaian / absorption,
-- i.e. performance achieved per percent of budget absorbed (above 1: more than proportional).
WITH capaian AS (
    SELECT tahun, capaian, 'dihitung' AS sumber FROM mart.pengukuran_kinerja
    UNION ALL
    SELECT r.tahun, r.capaian, 'LAKIP terbit' AS sumber
    FROM conformed.riwayat_capaian AS r
    ANTI JOIN (SELECT DISTINCT tahun FROM mart.pengukuran_kinerja) AS p USING (tahun)
),
kinerja AS (
    SELECT
        tahun,
        count(*) AS jumlah_indikator,
        -- ordered: a float sum in a fixed order gives the same last digit on every run
        avg(capaian ORDER BY capaian) AS rata_rata_capaian,
        any_value(sumber) AS sumber_capaian
    FROM capaian
    GROUP BY tahun
),
anggaran AS (
    SELECT
        tahun,
        sum(anggaran_pk) AS anggaran_pk,
        sum(anggaran) AS anggaran,
        sum(realisasi) AS realisasi_anggaran,
        sum(realisasi) / nullif(sum(anggaran), 0) * 100 AS serapan_anggaran
    FROM mart.realisasi_anggaran
    GROUP BY tahun
)
SELECT
    tahun,
    k.jumlah_indikator,
    k.rata_rata_capaian,
    kat.kategori,
    k.sumber_capaian,
    a.anggaran_pk,
    a.anggaran,
    a.realisasi_anggaran,
    a.serapan_anggaran,
    k.rata_rata_capaian / nullif(a.serapan_anggaran, 0) AS indeks_efisiensi
FROM kinerja AS k
FULL OUTER JOIN anggaran AS a USING (tahun)
LEFT JOIN conformed.kategori_capaian AS kat
    ON k.rata_rata_capaian >= kat.batas_bawah
    AND (kat.batas_atas IS NULL OR k.rata_rata_capaian < kat.batas_atas)
ORDER BY tahun
