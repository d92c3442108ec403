-- description: Skala interpretasi capaian: batas bawah (inklusif), batas atas, kategori.
SELECT
    batas_bawah,
    batas_atas,
    kategori,
    keterangan,
    _berkas AS sumber_berkas,
    _baris AS sumber_baris
FROM raw.kategori_capaian
