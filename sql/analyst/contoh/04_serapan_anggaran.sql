-- Budget absorption and efficiency per year.
SELECT tahun, anggaran, realisasi_anggaran, tampil(serapan_anggaran) AS serapan,
       tampil(rata_rata_capaian) AS rata_rata_capaian, round(indeks_efisiensi, 2) AS indeks_efisiensi
FROM mart.ringkasan_kinerja
ORDER BY tahun;
