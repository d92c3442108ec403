-- description: Per provinsi dan semester: jumlah kab/kota, yang diterima, ditolak, belum ada; lengkap atau tidak.
-- Whether a province's totals hold every one of its offices: counted against the national
-- list, so a province total never silently misses an office.
SELECT
    k.semester,
    k.kode_provinsi,
    any_value(p.nama) AS nama_provinsi,
    count(*) AS jumlah_kantor,
    count(*) FILTER (WHERE k.status = 'diterima') AS diterima,
    count(*) FILTER (WHERE k.status = 'ditolak') AS ditolak,
    count(*) FILTER (WHERE k.status = 'belum ada') AS belum_ada,
    count(*) FILTER (WHERE k.status = 'diterima') = count(*) AS lengkap
FROM gabungan.kantor AS k
JOIN masuk.provinsi AS p ON p.kode = k.kode_provinsi
GROUP BY k.semester, k.kode_provinsi
ORDER BY k.semester, k.kode_provinsi
