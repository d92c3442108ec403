-- DKB counts per kelurahan (resident extract or SIAK desa rows), rounded (basis in aturan_sel_kecil()); 0 = 0–4.
SELECT semester, kode_kecamatan, kode_wilayah AS kode_kelurahan, nama_wilayah AS kelurahan,
    ukuran, nilai, disamarkan, batas_bawah, batas_atas
FROM mart.agregat_kelurahan
ORDER BY semester, kode_wilayah, ukuran
