-- Formula indicators per kelurahan and semester, with the kecamatan it belongs to. Rows appear
-- for the semesters whose DKB arrived at kelurahan level (record-level extracts or per-kelurahan
-- aggregates); a kecamatan-level file cannot be split, so it gives none.
SELECT
    i.semester,
    k.kode_wilayah AS kode_kecamatan,
    k.nama_wilayah AS kecamatan,
    i.kode_wilayah AS kode_kelurahan,
    i.nama_wilayah AS kelurahan,
    i.kode_indikator,
    i.nama_indikator,
    i.pembilang,
    i.penyebut,
    tampil(i.realisasi) AS realisasi,
    tampil(i.target) AS target,
    tampil(i.capaian) AS capaian,
    i.kategori
FROM mart.iku AS i
LEFT JOIN (
    SELECT DISTINCT kode_wilayah, nama_wilayah FROM mart.agregat_wilayah WHERE tingkat = 'kecamatan'
) AS k
    -- Kemendagri codes nest: the kecamatan of 53.71.01.1001 is 53.71.01.
    ON k.kode_wilayah = array_to_string(string_split(i.kode_wilayah, '.')[1:3], '.')
WHERE i.tingkat = 'kelurahan'
ORDER BY i.semester, i.kode_wilayah, i.urutan
