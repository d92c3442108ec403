-- Tabel 4-9 style: DKB counts per kecamatan, one column per measure, latest semester.
PIVOT (
    SELECT nama_wilayah AS kecamatan, ukuran, nilai
    FROM analis.agregat_wilayah
    WHERE tingkat = 'kecamatan'
      AND semester = (SELECT max(semester) FROM analis.agregat_wilayah)
      AND ukuran IN ('penduduk', 'wajib_ktp_el', 'ktp_el_sudah_rekam', 'wajib_kia', 'kia_memiliki')
)
ON ukuran USING sum(nilai)
ORDER BY kecamatan;
