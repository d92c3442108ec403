-- description: Setiap kesalahan berkas kantor yang ditolak: berkas, baris, kolom, nilai, aturan.
-- The refusals of the offices' DKB files, one row per error the gate listed. Aggregate files
-- carry no personal data: a value is a count or a region code as printed.
SELECT semester, kode AS kode_kantor, berkas, baris, kolom, nilai, aturan
FROM masuk.penolakan
ORDER BY semester, kode, berkas, baris
