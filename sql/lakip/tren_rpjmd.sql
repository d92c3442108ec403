-- Tabel 11's figures: target, realisasi and capaian of every indicator in each year from $awal
-- to $tahun (the planning period $tahun falls in starts at $awal: periode_perencanaan.sql), one
-- row per indicator and year with figures; the export lays one block of three columns per year
-- of the whole period, a later year of it still empty. Capaian is the figure of record:
-- published for history years, computed for the years of this warehouse. Not printed:
-- `_kunci` (the indicator) and `_hitung`, the capaian recomputed from target and realisasi
-- (the document prints these, so every figure it shows reconciles).
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
FROM mart.tren_rpjmd
WHERE tahun BETWEEN $awal AND $tahun
ORDER BY urutan, tahun
