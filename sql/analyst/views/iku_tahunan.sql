-- Tabel 3 as printed: one row per indicator and year, figures under the display rule.
SELECT
    tahun,
    urutan,
    nomor,
    nama_indikator,
    tampil(target) AS target,
    tampil(realisasi) AS realisasi,
    tampil(capaian) AS capaian,
    kategori,
    jenis,
    sumber_realisasi
FROM mart.pengukuran_kinerja
ORDER BY tahun, urutan
