-- Bab III F: budget absorbed against performance achieved in $tahun, per program (Tabel 13)
-- and for the whole sasaran: mean capaian of the IKU / absorption (mart.ringkasan_kinerja).
SELECT * FROM (
SELECT
    kode_program AS kunci,
    nama_program AS program,
    anggaran,
    realisasi,
    tampil(serapan) AS serapan,
    NULL AS rata_rata_capaian,
    NULL AS indeks_efisiensi
FROM mart.realisasi_anggaran
WHERE tahun = $tahun
UNION ALL
SELECT
    'TOTAL',
    'TOTAL',
    anggaran,
    realisasi_anggaran,
    tampil(serapan_anggaran),
    tampil(rata_rata_capaian),
    -- an index (capaian % / serapan %), shown with two decimals like the percentages
    tampil(indeks_efisiensi)
FROM mart.ringkasan_kinerja
WHERE tahun = $tahun
)
ORDER BY kunci = 'TOTAL', kunci
