-- description: Periode perencanaan jangka menengah (RPJMD/RPD): tahun awal dan akhir.
-- The planning periods as data (raw/indikator/periode_perencanaan.csv): Tabel 11 spans the
-- period a report year falls in, whatever its length (an RPD of a transition is shorter).
SELECT
    dokumen,
    tahun_awal,
    tahun_akhir,
    sumber,
    _berkas AS sumber_berkas,
    _baris AS sumber_baris
FROM raw.periode_perencanaan
ORDER BY tahun_awal
