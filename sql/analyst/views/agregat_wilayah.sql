-- DKB counts per region and semester (kab/kota, kecamatan, and kelurahan when available), one
-- row per measure: penduduk, wajib_ktp_el, ktp_el_sudah_rekam, kia_memiliki, ...
SELECT
    semester,
    tanggal_data,
    tingkat,
    kode_wilayah,
    nama_wilayah,
    ukuran,
    nilai
FROM mart.agregat_wilayah
ORDER BY semester, kode_wilayah, ukuran
