-- IKU of 2023 as in Tabel 3 (run: duckdb -readonly warehouse/dukcapil.duckdb < sql/analyst/contoh/01_iku_2023.sql)
SELECT nomor, nama_indikator, target, realisasi, capaian, kategori
FROM analis.iku_tahunan
WHERE tahun = 2023;
