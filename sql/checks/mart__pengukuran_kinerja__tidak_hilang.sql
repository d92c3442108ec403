-- Every IKU (indicator x year) already published still has a realisasi, unless retired.
-- Retired: `tahun_akhir` in raw/indikator/definisi_indikator.csv is before that year.
-- A year or an indicator that vanished from the new build (a file not read, a target row
-- deleted, a definition removed) stops publication, as it would silently shorten Tabel 3.
-- `iku_terbit` is empty before the first publication: nothing can vanish then.
WITH hilang AS (
    SELECT t.tahun, t.kode_indikator
    FROM iku_terbit AS t
    LEFT JOIN conformed.indikator AS d USING (kode_indikator)
    WHERE (d.tahun_akhir IS NULL OR t.tahun <= d.tahun_akhir)
      AND NOT EXISTS (
          SELECT 1 FROM mart.pengukuran_kinerja AS p
          WHERE p.tahun = t.tahun
            AND p.kode_indikator = t.kode_indikator
            AND p.realisasi IS NOT NULL
      )
)
SELECT
    tahun,
    string_agg(kode_indikator, ', ' ORDER BY kode_indikator) AS indikator,
    'IKU ' || tahun || ' hilang dibanding versi terbit: '
        || string_agg(kode_indikator, ', ' ORDER BY kode_indikator)
        || '. Bila memang tidak dilaporkan lagi, isi kolom tahun_akhir (tahun terakhir '
        || 'dilaporkan) indikator itu di raw/indikator/definisi_indikator.csv; bila tidak, '
        || 'periksa file DKB, target dan realisasi_dilaporkan tahun ' || tahun || '.' AS pesan
FROM hilang
GROUP BY tahun
ORDER BY tahun
