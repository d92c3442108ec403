-- description: Target, realisasi dan capaian indikator sebagaimana terbit di LAKIP tahun-tahun lalu.
SELECT
    kode_indikator,
    tahun,
    nama_tercetak,
    target,
    realisasi,
    capaian,
    sumber,
    _berkas AS sumber_berkas,
    _baris AS sumber_baris
FROM raw.riwayat_capaian
