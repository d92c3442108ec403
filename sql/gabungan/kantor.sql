-- description: Setiap kab/kota daftar Kemendagri per semester: diterima, ditolak (dengan alasan) atau belum ada.
-- One row per kab/kota of the national list and semester the route has seen, whether its DKB
-- was accepted, refused (the gate's text: file, row, column, value, rule) or never came. A
-- province total is complete only when every one of its rows here is `diterima`.
WITH semester AS (
    SELECT DISTINCT semester FROM masuk.status_kantor
)
SELECT
    s.semester,
    d.kode AS kode_kantor,
    d.nama AS nama_kantor,
    d.kode_provinsi,
    coalesce(k.status, 'belum ada') AS status,
    k.alasan,
    k.jumlah_peringatan
FROM semester AS s
CROSS JOIN masuk.daerah AS d
LEFT JOIN masuk.status_kantor AS k ON k.semester = s.semester AND k.kode = d.kode
ORDER BY s.semester, d.kode
