-- description: Agregat DKB per kantor: baris kab/kota dan kecamatan persis seperti diterbitkan kantor.
-- Each accepted office's kab/kota and kecamatan figures as its own mart.agregat_wilayah has
-- them (exact: the LAKIP prints them), keyed by office code.
SELECT
    a.semester,
    a.tahun,
    a.kode_kantor,
    left(a.kode_kantor, 2) AS kode_provinsi,
    a.kode_wilayah,
    a.nama_wilayah,
    CASE WHEN a.kode_wilayah = a.kode_kantor THEN 'kabkota' ELSE a.tingkat END AS tingkat,
    a.ukuran,
    a.nilai
FROM masuk.agregat_wilayah AS a
ORDER BY a.semester, a.kode_wilayah, a.ukuran
