-- description: Baris JUMLAH/TOTAL berkas masukan: nilai tercetak vs jumlah baris datanya.
-- The JUMLAH/TOTAL rows the reader set aside from each input file (never ingested as data),
-- with the sum of the file's data rows, for the reconciliation.
SELECT
    sumber,
    _berkas AS sumber_berkas,
    baris,
    kolom,
    nilai_tercetak,
    jumlah_baris,
    selisih
FROM raw.cek_baris_total
