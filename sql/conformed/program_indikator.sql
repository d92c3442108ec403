-- description: Indikator yang didukung tiap program per tahun (pemetaan dari dinas).
SELECT
    tahun,
    kode_program,
    kode_indikator,
    sumber,
    _berkas AS sumber_berkas,
    _baris AS sumber_baris
FROM raw.program_indikator
