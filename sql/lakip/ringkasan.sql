-- The closing figures of $tahun: mean capaian of the IKU and its category, budget absorbed.
SELECT
    tahun,
    jumlah_indikator,
    tampil(rata_rata_capaian) AS rata_rata_capaian,
    kategori,
    tampil(serapan_anggaran) AS serapan_anggaran
FROM mart.ringkasan_kinerja
WHERE tahun = $tahun
