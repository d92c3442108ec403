-- No province total silently misses an office: counts are those of the national list, and a province is complete only if each of its offices was accepted and has figures.
WITH daftar AS (
    SELECT kode_provinsi, count(*) AS jumlah FROM masuk.daerah GROUP BY ALL
),
berangka AS (
    SELECT DISTINCT semester, kode_kantor FROM gabungan.agregat_wilayah
),
kantor AS (
    SELECT
        k.semester, k.kode_provinsi,
        count(*) FILTER (WHERE k.status = 'diterima' AND b.kode_kantor IS NOT NULL) AS berangka,
        count(*) FILTER (WHERE (k.status = 'diterima') <> (b.kode_kantor IS NOT NULL)) AS janggal
    FROM gabungan.kantor AS k
    LEFT JOIN berangka AS b USING (semester, kode_kantor)
    GROUP BY ALL
),
tanpa_daftar AS (  -- figures of an office the list does not hold as accepted
    SELECT b.semester, left(b.kode_kantor, 2) AS kode_provinsi
    FROM berangka AS b
    LEFT JOIN gabungan.kantor AS k USING (semester, kode_kantor)
    WHERE k.status IS DISTINCT FROM 'diterima'
)
SELECT
    p.semester, p.kode_provinsi,
    'provinsi ' || p.kode_provinsi || ' semester ' || p.semester || ': ' || p.jumlah_kantor
    || ' kab/kota tercatat, daftar Kemendagri ' || d.jumlah || ', ' || k.berangka
    || ' berangka, lengkap=' || p.lengkap AS pesan
FROM gabungan.kelengkapan_provinsi AS p
JOIN daftar AS d USING (kode_provinsi)
JOIN kantor AS k USING (semester, kode_provinsi)
WHERE p.jumlah_kantor <> d.jumlah
    OR k.janggal > 0
    OR p.lengkap <> (k.berangka = d.jumlah)
    OR p.diterima <> k.berangka
UNION ALL
SELECT
    semester, kode_provinsi,
    'provinsi ' || kode_provinsi || ' semester ' || semester
    || ': angka kantor yang tidak tercatat diterima' AS pesan
FROM tanpa_daftar
