-- description: Definisi indikator (IKU) per kode_indikator: nama tercetak, arah, rumus.
-- The indicator definitions as data (raw/indikator/definisi_indikator.csv), one row per stable
-- kode_indikator, for every mart that names, orders or computes an indicator.
SELECT
    kode_indikator,
    urutan,
    nomor,
    sasaran,
    nama_indikator,
    satuan,
    arah,
    jenis,
    pembilang,
    penyebut,
    pengali,
    rumus_tercetak,
    tahun_akhir,
    _berkas AS sumber_berkas,
    _baris AS sumber_baris
FROM raw.indikator_definisi
