-- Tabel 4–9 and the per-kecamatan chart: DKB counts per kecamatan plus the kab/kota total, for
-- the last DKB semester of $tahun (Semester II, "Per 31 Desember", once it is in). Long form:
-- the layout spec (pipelines/defs/laporan/lakip_tabel.toml) picks the measures of each table.
WITH semester_terakhir AS (
    SELECT max(semester) AS semester FROM mart.agregat_wilayah WHERE tahun = $tahun
)
SELECT
    a.semester,
    a.tanggal_data,
    a.kode_wilayah,
    a.nama_wilayah,
    a.tingkat,
    a.ukuran,
    a.nilai
FROM mart.agregat_wilayah AS a
JOIN semester_terakhir USING (semester)
WHERE a.tingkat IN ('kecamatan', 'kota', 'kabupaten')
ORDER BY a.kode_wilayah, a.ukuran
