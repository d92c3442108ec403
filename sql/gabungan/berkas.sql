-- description: Berkas DKB yang dibaca untuk angka setiap kantor: nama, sha256, jumlah baris.
-- Where every figure of the combined file comes from: each accepted office's files as its
-- gate received them (the same receipts as its raw.berkas_diterima).
SELECT semester, kode_kantor, berkas, sha256, ukuran_byte, jumlah_baris
FROM masuk.berkas
ORDER BY semester, kode_kantor, berkas
