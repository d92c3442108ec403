-- Per year: mean capaian and its category, budget absorbed, efficiency (capaian / serapan).
SELECT
    tahun,
    jumlah_indikator,
    tampil(rata_rata_capaian) AS rata_rata_capaian,
    kategori,
    anggaran,
    realisasi_anggaran,
    tampil(serapan_anggaran) AS serapan_anggaran,
    round(indeks_efisiensi, 2) AS indeks_efisiensi
FROM mart.ringkasan_kinerja
ORDER BY tahun
