-- description: Angka yang dinyatakan LAKIP terbit (tabel dan narasi), seperti tercetak.
SELECT
    dokumen,
    tabel,
    tahun,
    kode_wilayah,
    baris_tercetak,
    kunci,
    kolom,
    nilai_terbit,
    keterangan,
    _berkas AS sumber_berkas,
    _baris AS sumber_baris
FROM raw.terbitan
