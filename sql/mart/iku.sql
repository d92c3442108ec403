-- description: Tabel IKU per periode, wilayah, indikator: realisasi, target, capaian.
-- The IKU table: one row per (period, region, indicator) with numerator, denominator,
-- realisasi, target, capaian and its interpretation. Formula indicators are computed from the
-- DKB aggregates of every semester and region; reported indicators come from the office, per
-- year, at the kab/kota level. Full precision: the display rule is applied only when printing.
WITH definisi AS (
    SELECT * FROM conformed.indikator
),
periode_wilayah AS (
    SELECT DISTINCT semester, tahun, kode_wilayah, nama_wilayah, tingkat FROM mart.agregat_wilayah
),
dari_rumus AS (
    SELECT
        p.tahun,
        p.semester,
        p.kode_wilayah,
        p.nama_wilayah,
        p.tingkat,
        d.kode_indikator,
        pembilang.nilai AS pembilang,
        penyebut.nilai AS penyebut,
        pembilang.nilai / nullif(penyebut.nilai, 0) * d.pengali AS realisasi,
        'DKB ' || p.semester || ' (' || d.pembilang || ' / ' || d.penyebut || ')' AS sumber_realisasi
    FROM definisi AS d
    CROSS JOIN periode_wilayah AS p
    LEFT JOIN mart.agregat_wilayah AS pembilang
        ON pembilang.semester = p.semester
        AND pembilang.kode_wilayah = p.kode_wilayah
        AND pembilang.ukuran = d.pembilang
    LEFT JOIN mart.agregat_wilayah AS penyebut
        ON penyebut.semester = p.semester
        AND penyebut.kode_wilayah = p.kode_wilayah
        AND penyebut.ukuran = d.penyebut
    WHERE d.jenis = 'rumus'
),
dilaporkan AS (
    SELECT
        r.tahun,
        NULL AS semester,
        w.kode AS kode_wilayah,
        w.nama AS nama_wilayah,
        w.tingkat,
        r.kode_indikator,
        NULL AS pembilang,
        NULL AS penyebut,
        r.realisasi,
        r.sumber AS sumber_realisasi
    FROM conformed.realisasi_dilaporkan AS r
    CROSS JOIN (SELECT * FROM conformed.wilayah WHERE kode_induk IS NULL) AS w
),
semua AS (
    SELECT * FROM dari_rumus
    UNION ALL BY NAME
    SELECT * FROM dilaporkan
),
dengan_capaian AS (
    SELECT
        s.*,
        d.urutan,
        d.nomor,
        d.sasaran,
        d.nama_indikator,
        d.satuan,
        d.arah,
        d.jenis,
        t.target,
        t.dokumen AS dokumen_target,
        -- lower-is-better indicators: (2 x target - realisasi) / target x 100 (PermenPAN-RB 53/2014)
        CASE d.arah
            WHEN 'naik' THEN s.realisasi / t.target * 100
            ELSE (2 * t.target - s.realisasi) / t.target * 100
        END AS capaian
    FROM semua AS s
    JOIN definisi AS d USING (kode_indikator)
    LEFT JOIN conformed.target_tahunan AS t
        ON t.kode_indikator = s.kode_indikator AND t.tahun = s.tahun
)
SELECT
    c.tahun,
    c.semester,
    c.kode_wilayah,
    c.nama_wilayah,
    c.tingkat,
    c.kode_indikator,
    c.urutan,
    c.nomor,
    c.sasaran,
    c.nama_indikator,
    c.satuan,
    c.arah,
    c.jenis,
    c.pembilang,
    c.penyebut,
    c.realisasi,
    c.target,
    c.dokumen_target,
    c.capaian,
    k.kategori,
    c.sumber_realisasi
FROM dengan_capaian AS c
LEFT JOIN conformed.kategori_capaian AS k
    ON c.capaian >= k.batas_bawah AND (k.batas_atas IS NULL OR c.capaian < k.batas_atas)
ORDER BY c.tahun, c.semester NULLS LAST, c.kode_wilayah, c.urutan
