-- Tabel 11's figures: target, realisasi and capaian of every indicator in each year from $awal
-- to $tahun (the planning period $tahun falls in starts at $awal: periode_perencanaan.sql), one
-- row per indicator and year with figures; the export lays one block of three columns per year
-- of the whole period, a later year of it still empty. Capaian is the figure of record:
-- published for history years, computed for the years of this warehouse. Not printed:
-- `_kunci` (the indicator) and `_hitung`, the capaian recomputed from target and realisasi
-- (the document prints these, so every figure it shows reconciles).
WITH tahun_ini AS (
    -- the report year's figures before they are in the mart (no target yet: iku_laporan.sql),
    -- so the year's column shows what the year has
    SELECT tahun, kode_indikator, urutan, nomor, nama_indikator, satuan, target, realisasi,
           NULL AS capaian, NULL AS capaian_hitung
    FROM iku_laporan AS i
    WHERE tahun = $tahun
      AND NOT EXISTS (
          SELECT 1 FROM mart.tren_rpjmd AS t
          WHERE t.tahun = i.tahun AND t.kode_indikator = i.kode_indikator
      )
),
tren AS (
    SELECT tahun, kode_indikator, urutan, nomor, nama_indikator, satuan, target, realisasi,
           capaian, capaian_hitung
    FROM mart.tren_rpjmd
    WHERE tahun BETWEEN $awal AND $tahun
    UNION ALL
    SELECT * FROM tahun_ini
)
SELECT
    coalesce(nomor || '.', '') AS no,
    nama_indikator AS indikator_kinerja,
    satuan,
    tahun,
    tampil(target) AS target,
    tampil(realisasi) AS realisasi,
    tampil(capaian) AS capaian,
    kode_indikator AS _kunci,
    tampil(capaian_hitung) AS _hitung
FROM tren
ORDER BY urutan, tahun
