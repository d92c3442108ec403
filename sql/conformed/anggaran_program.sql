-- description: Anggaran PK, pagu dan realisasi per program per tahun.
-- Budget per program and year: the PK amount, the final pagu and the realisation. Programs are
-- joined on their Permendagri 90/2019 code because their printed names vary between tables.
SELECT
    coalesce(r.tahun, p.tahun) AS tahun,
    coalesce(r.kode_program, p.kode_program) AS kode_program,
    coalesce(r.nama_program, p.nama_program) AS nama_program,
    p.anggaran AS anggaran_pk,
    r.anggaran AS anggaran,
    r.realisasi,
    r.capaian_tercetak,
    r._berkas AS sumber_berkas,
    r._baris AS sumber_baris
FROM raw.realisasi_anggaran AS r
FULL OUTER JOIN raw.anggaran_pk AS p
    ON p.tahun = r.tahun AND p.kode_program = r.kode_program
ORDER BY tahun, kode_program
