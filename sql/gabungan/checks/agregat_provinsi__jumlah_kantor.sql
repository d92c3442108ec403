-- Every province total equals the sum of its accepted offices' kecamatan figures.
-- The rollup sums the offices' kab/kota rows; this recount goes through their kecamatan rows,
-- so a kab/kota row that is not the sum of its kecamatan, or a lost office, shows here.
WITH kecamatan AS (
    SELECT semester, kode_provinsi, ukuran, sum(nilai) AS jumlah
    FROM gabungan.agregat_wilayah
    WHERE tingkat = 'kecamatan'
    GROUP BY ALL
)
SELECT
    semester, kode_provinsi, ukuran,
    'provinsi ' || kode_provinsi || ' ukuran ' || ukuran || ' semester ' || semester
    || ': total provinsi bukan jumlah kecamatan kantor yang diterima' AS pesan
FROM gabungan.agregat_provinsi AS p
FULL JOIN kecamatan AS k USING (semester, kode_provinsi, ukuran)
-- a withheld small total is no figure to compare; a total without offices, or the reverse, is
WHERE coalesce(NOT p.disamarkan, true) AND p.nilai IS DISTINCT FROM k.jumlah
