-- description: Agregat DKB per kelurahan per kantor, dengan aturan sel kecil kantor (dibulatkan, ditekan).
-- Each accepted office's kelurahan figures as its own mart.agregat_kelurahan publishes them:
-- rounded to the basis of aturan_sel_kecil(), blocks the audit pinned suppressed.
SELECT
    k.semester,
    k.tahun,
    k.kode_kantor,
    k.kode_kecamatan,
    k.kode_wilayah AS kode_kelurahan,
    k.nama_wilayah AS kelurahan,
    k.ukuran,
    k.nilai,
    k.disamarkan,
    k.batas_bawah,
    k.batas_atas
FROM masuk.agregat_kelurahan AS k
ORDER BY k.semester, k.kode_wilayah, k.ukuran
