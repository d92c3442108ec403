-- KIA ownership per kelurahan of one kecamatan (the first by code: put the code you want in its
-- place), latest semester. Kelurahan counts exist only for
-- semesters that arrived as record-level extracts, rounded to 10 (a count of 1–4 shows as 0), so
-- the percentage is approximate, and empty where wajib KIA shows 0.
WITH kia AS (
    SELECT
        kelurahan,
        first(nilai) FILTER (WHERE ukuran = 'kia_memiliki') AS kia_memiliki,
        first(nilai) FILTER (WHERE ukuran = 'wajib_kia') AS wajib_kia
    FROM analis.agregat_kelurahan
    WHERE kode_kecamatan = (SELECT min(kode_kecamatan) FROM analis.agregat_kelurahan)
      AND semester = (SELECT max(semester) FROM analis.agregat_kelurahan)
    GROUP BY kelurahan
)
SELECT kelurahan, kia_memiliki, wajib_kia, tampil(100.0 * kia_memiliki / nullif(wajib_kia, 0)) AS persen
FROM kia
ORDER BY persen NULLS LAST;
