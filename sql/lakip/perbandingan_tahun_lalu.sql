-- Tabel 10: capaian of $tahun next to the previous year's, per indicator, and the RATA-RATA row
-- (the true mean of the capaian shown, from mart.ringkasan_kinerja), under the display rule.
-- `_kunci` (the indicator, or RATA-RATA) is not printed: it names each row for the document's
-- reconciliation.
WITH baris AS (
    SELECT
        p.urutan,
        p.kode_indikator,
        d.sasaran,
        min(p.urutan) OVER (PARTITION BY d.sasaran) AS urutan_sasaran,
        coalesce(p.nomor || '. ', '') || p.nama_indikator AS indikator_kinerja,
        tampil(p.capaian_tahun_lalu) AS capaian_tahun_lalu,
        tampil(p.target) AS target,
        tampil(p.realisasi) AS realisasi,
        tampil(p.capaian) AS capaian
    FROM mart.perbandingan_tahun_lalu AS p
    JOIN conformed.indikator AS d USING (kode_indikator)
    WHERE p.tahun = $tahun
),
indikator AS (
    SELECT
        CASE WHEN urutan = urutan_sasaran
            THEN dense_rank() OVER (ORDER BY urutan_sasaran) || '.'
        END AS no,
        CASE WHEN urutan = urutan_sasaran THEN sasaran END AS sasaran_strategis,
        indikator_kinerja,
        capaian_tahun_lalu,
        target,
        realisasi,
        capaian,
        urutan AS _urutan,
        kode_indikator AS _kunci
    FROM baris
),
rata_rata AS (
    SELECT
        NULL AS no,
        'RATA - RATA' AS sasaran_strategis,
        NULL AS indikator_kinerja,
        tampil(lalu.rata_rata_capaian) AS capaian_tahun_lalu,
        NULL AS target,
        NULL AS realisasi,
        tampil(ini.rata_rata_capaian) AS capaian,
        1e9 AS _urutan,
        'RATA-RATA' AS _kunci
    FROM mart.ringkasan_kinerja AS ini
    LEFT JOIN mart.ringkasan_kinerja AS lalu ON lalu.tahun = ini.tahun - 1
    WHERE ini.tahun = $tahun
)
SELECT * EXCLUDE (_urutan)
FROM (SELECT * FROM indikator UNION ALL BY NAME SELECT * FROM rata_rata)
ORDER BY _urutan
