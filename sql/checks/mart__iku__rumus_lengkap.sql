-- Every formula indicator has a realisasi in every period and region: a missing DKB measure
-- (e.g. a renamed column) must stop publication, not print an empty cell.
-- The DKB step already refuses a semester without a measure an active indicator needs
-- (pipelines/defs/masukan/agregat.py); what is left here is a region without the measure or a
-- denominator of 0. `pesan` names the indicator, the period, the region and the measure.
SELECT
    i.tahun,
    i.semester,
    i.kode_wilayah,
    i.kode_indikator,
    i.pembilang,
    i.penyebut,
    'indikator ' || i.kode_indikator || ', ' || coalesce(i.semester, CAST(i.tahun AS VARCHAR))
    || ', wilayah ' || i.kode_wilayah || ': realisasi tidak dapat dihitung ('
    || concat_ws(
        '; ',
        CASE WHEN i.pembilang IS NULL THEN 'ukuran ' || d.pembilang || ' tidak ada' END,
        CASE WHEN i.penyebut IS NULL THEN 'ukuran ' || d.penyebut || ' tidak ada' END,
        CASE WHEN i.penyebut = 0 THEN 'penyebut ' || d.penyebut || ' = 0' END
    )
    || ')' AS pesan
FROM mart.iku AS i
JOIN conformed.indikator AS d USING (kode_indikator)
WHERE i.jenis = 'rumus' AND i.realisasi IS NULL
