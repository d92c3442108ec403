-- Tabel 3 (Pengukuran Capaian Kinerja Sasaran) of $tahun as printed: the sasaran and its number
-- on its first row only, indicator numbers in front of the name, figures under the display rule.
-- Every indicator of the year (iku_laporan.sql), also without its target yet: `_kosong` is
-- printed in its empty figure cells.
WITH baris AS (
    SELECT *, min(urutan) OVER (PARTITION BY sasaran) AS urutan_sasaran
    FROM iku_laporan
    WHERE tahun = $tahun
),
bernomor AS (
    SELECT
        *,
        dense_rank() OVER (ORDER BY urutan_sasaran) AS nomor_sasaran,
        urutan = urutan_sasaran AS baris_pertama
    FROM baris
)
SELECT
    CASE WHEN baris_pertama THEN nomor_sasaran || '.' END AS no,
    CASE WHEN baris_pertama THEN sasaran END AS sasaran_strategis,
    coalesce(nomor || '. ', '') || nama_indikator AS indikator_kinerja,
    tampil(target) AS target,
    tampil(realisasi) AS realisasi,
    tampil(capaian) AS capaian,
    kode_indikator AS _kunci,
    kategori AS _kategori,
    kosong AS _kosong
FROM bernomor
ORDER BY urutan
