-- The indicators each year's report lists (Tabel 1–3, the Bab III paragraphs), every year with
-- data: the year's rows of mart.pengukuran_kinerja (the figures of record), and for every other
-- indicator still in use that year (tahun_akhir) what the year has of it: the kab/kota
-- realisation of its last DKB semester (or as reported) and its target, either possibly absent.
-- A year without targets is still reported: its realisations, target and capaian left NULL.
-- `kosong`: the words printed in a row's empty figure cells (never a 0, never a guess).
-- Report years: a year with a Tabel 3, or with a kab/kota realisation (DKB or reported).
-- Not a warehouse table: `bersama.query` makes it the temporary view `iku_laporan` of the
-- exports' connection, read by the sql/lakip/ queries that list indicators.
WITH kota AS (
    SELECT * FROM mart.iku WHERE tingkat IN ('kota', 'kabupaten')
),
tahun_laporan AS (
    SELECT DISTINCT tahun FROM kota WHERE realisasi IS NOT NULL
    UNION
    SELECT DISTINCT tahun FROM mart.pengukuran_kinerja
),
terakhir AS (
    SELECT tahun, max(semester) AS semester FROM kota GROUP BY tahun
),
realisasi_tahun AS (
    -- the year's figure, as mart.pengukuran_kinerja takes it: 31 December once Semester II is in
    SELECT k.*
    FROM kota AS k
    JOIN terakhir AS t USING (tahun)
    WHERE k.semester IS NULL OR k.semester = t.semester
),
lainnya AS (
    SELECT y.tahun, d.kode_indikator, d.urutan, d.nomor, d.sasaran, d.nama_indikator, d.satuan,
           d.arah, d.jenis
    FROM tahun_laporan AS y
    CROSS JOIN conformed.indikator AS d
    WHERE (d.tahun_akhir IS NULL OR y.tahun <= d.tahun_akhir)
      AND NOT EXISTS (
          SELECT 1 FROM mart.pengukuran_kinerja AS p
          WHERE p.tahun = y.tahun AND p.kode_indikator = d.kode_indikator
      )
),
semua AS (
    SELECT * FROM mart.pengukuran_kinerja
    UNION ALL BY NAME
    SELECT
        l.*,
        r.semester,
        r.kode_wilayah,
        r.nama_wilayah,
        r.tingkat,
        r.pembilang,
        r.penyebut,
        r.realisasi,
        r.sumber_realisasi,
        t.target,
        t.dokumen AS dokumen_target
    FROM lainnya AS l
    LEFT JOIN realisasi_tahun AS r USING (tahun, kode_indikator)
    LEFT JOIN conformed.target_tahunan AS t USING (tahun, kode_indikator)
)
SELECT
    *,
    CASE
        WHEN target IS NULL AND realisasi IS NULL THEN 'belum ada target dan realisasi'
        WHEN target IS NULL THEN 'belum ada target'
        WHEN realisasi IS NULL THEN 'belum ada realisasi'
    END AS kosong
FROM semua
