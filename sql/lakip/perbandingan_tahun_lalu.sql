-- Tabel 10: capaian of $tahun next to the previous year's, per indicator, and the RATA-RATA row
-- (the true mean of the capaian shown, from mart.ringkasan_kinerja), under the display rule.
-- `_kunci` (the indicator, or RATA-RATA) is not printed: it names each row for the document's
-- reconciliation; `_kosong`: the words in a row's empty figure cells ("belum ada target").
WITH semua AS (
    SELECT
        p.urutan,
        p.kode_indikator,
        d.sasaran,
        coalesce(p.nomor || '. ', '') || p.nama_indikator AS indikator_kinerja,
        tampil(p.capaian_tahun_lalu) AS capaian_tahun_lalu,
        tampil(p.target) AS target,
        tampil(p.realisasi) AS realisasi,
        tampil(p.capaian) AS capaian,
        NULL AS kosong
    FROM mart.perbandingan_tahun_lalu AS p
    JOIN conformed.indikator AS d USING (kode_indikator)
    WHERE p.tahun = $tahun
    UNION ALL
    -- an indicator of the year's report without a capaian yet (no target or no realisation:
    -- iku_laporan.sql): last year's capaian of record (Tabel 11's) beside what this year has
    SELECT
        i.urutan,
        i.kode_indikator,
        i.sasaran,
        coalesce(i.nomor || '. ', '') || i.nama_indikator,
        tampil(t.capaian),
        tampil(i.target),
        tampil(i.realisasi),
        NULL,
        i.kosong
    FROM iku_laporan AS i
    LEFT JOIN mart.tren_rpjmd AS t
        ON t.tahun = i.tahun - 1 AND t.kode_indikator = i.kode_indikator
    WHERE i.tahun = $tahun
      AND NOT EXISTS (
          SELECT 1 FROM mart.perbandingan_tahun_lalu AS p
          WHERE p.tahun = i.tahun AND p.kode_indikator = i.kode_indikator
      )
),
baris AS (
    SELECT *, min(urutan) OVER (PARTITION BY sasaran) AS urutan_sasaran FROM semua
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
        kode_indikator AS _kunci,
        kosong AS _kosong
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
