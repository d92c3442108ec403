-- DKB counts per kelurahan (record-level semesters only); counts of 1–4 are hidden (NULL).
SELECT semester, kode_kecamatan, kode_wilayah AS kode_kelurahan, nama_wilayah AS kelurahan,
    ukuran, nilai, disamarkan
FROM mart.agregat_kelurahan
ORDER BY semester, kode_wilayah, ukuran
