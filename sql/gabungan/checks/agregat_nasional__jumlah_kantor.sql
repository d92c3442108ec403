-- Every national total equals the sum of all accepted offices' kecamatan figures.
WITH kecamatan AS (
    SELECT semester, ukuran, sum(nilai) AS jumlah
    FROM gabungan.agregat_wilayah
    WHERE tingkat = 'kecamatan'
    GROUP BY ALL
)
SELECT
    semester, ukuran,
    'nasional ukuran ' || ukuran || ' semester ' || semester
    || ': total nasional bukan jumlah kecamatan kantor yang diterima' AS pesan
FROM gabungan.agregat_nasional AS n
FULL JOIN kecamatan AS k USING (semester, ukuran)
-- a withheld small total is no figure to compare; a total without offices, or the reverse, is
WHERE coalesce(NOT n.disamarkan, true) AND n.nilai IS DISTINCT FROM k.jumlah
