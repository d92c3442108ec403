-- capaian of every IKU row equals the indicator's definition recomputed from the inputs.
-- Independent of mart.iku's own columns and of its SQL: the counts are summed here from
-- conformed.dkb_agregat over the region and every region under it (Kemendagri codes nest:
-- PP.KK > PP.KK.CC > PP.KK.CC.DDDD), the numerator and denominator are those the definition
-- names, the target is the governing one, so a wrong formula, roll-up or target in iku.sql
-- shows up as a difference. Only codes and figures of indicators are returned.
WITH realisasi_rumus AS (
    SELECT
        i.tahun, i.semester, i.kode_wilayah, i.kode_indikator,
        sum(a.nilai) FILTER (WHERE a.ukuran = d.pembilang)
            / nullif(sum(a.nilai) FILTER (WHERE a.ukuran = d.penyebut), 0)
            * d.pengali AS realisasi
    FROM mart.iku AS i
    JOIN conformed.indikator AS d USING (kode_indikator)
    LEFT JOIN conformed.dkb_agregat AS a
        ON a.semester = i.semester
        AND (a.kode_wilayah = i.kode_wilayah OR starts_with(a.kode_wilayah, i.kode_wilayah || '.'))
        AND a.ukuran IN (d.pembilang, d.penyebut)
    WHERE d.jenis = 'rumus'
    GROUP BY i.tahun, i.semester, i.kode_wilayah, i.kode_indikator, d.pengali
),
realisasi_lapor AS (
    SELECT i.tahun, i.semester, i.kode_wilayah, i.kode_indikator, r.realisasi
    FROM mart.iku AS i
    JOIN conformed.indikator AS d USING (kode_indikator)
    LEFT JOIN conformed.realisasi_dilaporkan AS r USING (kode_indikator, tahun)
    WHERE d.jenis = 'dilaporkan'
),
hitung AS (
    SELECT
        h.*,
        t.target,
        CASE d.arah
            WHEN 'naik' THEN h.realisasi / t.target * 100
            ELSE (2 * t.target - h.realisasi) / t.target * 100
        END AS capaian
    FROM (SELECT * FROM realisasi_rumus UNION ALL SELECT * FROM realisasi_lapor) AS h
    JOIN conformed.indikator AS d USING (kode_indikator)
    LEFT JOIN conformed.target_tahunan AS t USING (kode_indikator, tahun)
)
SELECT
    i.tahun, i.semester, i.kode_wilayah, i.kode_indikator,
    i.capaian, h.capaian AS capaian_hitung, i.realisasi, h.realisasi AS realisasi_hitung,
    i.target, h.target AS target_berlaku
FROM mart.iku AS i
LEFT JOIN hitung AS h
    ON h.tahun = i.tahun AND h.semester IS NOT DISTINCT FROM i.semester
    AND h.kode_wilayah = i.kode_wilayah AND h.kode_indikator = i.kode_indikator
WHERE (i.capaian IS NULL) <> (h.capaian IS NULL)
    OR abs(i.capaian - h.capaian) > 1e-9 * greatest(1, abs(h.capaian))
