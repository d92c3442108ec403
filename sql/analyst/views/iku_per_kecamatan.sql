-- Formula indicators per kecamatan and semester, with numerator and denominator.
SELECT
    semester,
    kode_wilayah AS kode_kecamatan,
    nama_wilayah AS kecamatan,
    kode_indikator,
    nama_indikator,
    pembilang,
    penyebut,
    tampil(realisasi) AS realisasi,
    tampil(target) AS target,
    tampil(capaian) AS capaian,
    kategori
FROM mart.iku
WHERE tingkat = 'kecamatan'
ORDER BY semester, kode_wilayah, urutan
