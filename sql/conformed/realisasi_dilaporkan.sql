-- description: Realisasi indikator yang dilaporkan kantor (bukan dari DKB), per tahun, dengan sumbernya.
SELECT
    kode_indikator,
    tahun,
    realisasi,
    sumber,
    _berkas AS sumber_berkas,
    _baris AS sumber_baris
FROM raw.realisasi_dilaporkan
