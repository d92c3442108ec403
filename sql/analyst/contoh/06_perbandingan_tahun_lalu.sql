-- Tabel 10: which indicators did better or worse than last year.
SELECT nomor, nama_indikator, capaian_tahun_lalu, capaian, dibanding_tahun_lalu
FROM analis.perbandingan_tahun_lalu
WHERE tahun = (SELECT max(tahun) FROM analis.perbandingan_tahun_lalu);
