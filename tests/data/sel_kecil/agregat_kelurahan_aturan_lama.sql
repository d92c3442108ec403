-- The small-cell rule BEFORE issue 9 (hide 1–4 plus companion cells), kept only so that
-- tests/test_sel_kecil.py can show the audit pinning its hidden cells. Not used by the pipeline.
-- DKB counts per kelurahan and semester for analysts, with the small-cell rule applied.
-- Only the record-level path produces kelurahan figures.
--
-- Small-cell rule:
--   1. a count from 1 to 4 is not shown (nilai NULL, disamarkan = true): in a kelurahan, "2
--      residents without a birth certificate" can point at a family. 0 is shown: it reveals
--      nothing about any person.
--   2. no hidden count may be recovered by one subtraction from what is shown:
--      a. across kelurahan: when a kecamatan and ukuran has exactly one hidden kelurahan cell,
--         the smallest other cell of that kecamatan and ukuran (zero included) is hidden too
--         (the kecamatan total is published in mart.agregat_wilayah);
--      b. across measures: when an identity of identitas_ukuran() (e.g. wajib KTP-el = sudah
--         rekam + belum rekam) has exactly one hidden term in a kelurahan, its smallest other
--         term is hidden too.
--      Hiding a cell for (a) can leave an identity with one hidden term and vice versa, so both
--      are applied together, pass after pass, until nothing changes (the passes are bounded;
--      the blocking check mart__agregat_kelurahan__sel_kecil_disamarkan verifies the result).
-- What this does not cover: bounds an analyst can infer from inequalities (cetak <= sudah
-- rekam) or from several equations at once; 1–4 is a policy threshold, set here.
-- The kecamatan and kota totals the LAKIP needs are in mart.agregat_wilayah, never hidden.
WITH RECURSIVE kelurahan AS (
    SELECT
        a.semester,
        CAST(left(a.semester, 4) AS INTEGER) AS tahun,
        a.tanggal_data,
        a.kode_wilayah,
        w.nama AS nama_wilayah,
        w.kode_induk AS kode_kecamatan,
        a.ukuran,
        a.nilai
    FROM conformed.dkb_agregat AS a
    JOIN conformed.wilayah AS w ON w.kode = a.kode_wilayah
    WHERE a.tingkat = 'kelurahan'
),
anggota AS (
    SELECT identitas, unnest([total, bagian_1, bagian_2]) AS ukuran FROM identitas_ukuran()
),
langkah(putaran, semester, kode_wilayah, kode_kecamatan, ukuran, nilai, tersamar) AS (
    SELECT 0, semester, kode_wilayah, kode_kecamatan, ukuran, nilai, nilai BETWEEN 1 AND 4
    FROM kelurahan
    UNION ALL
    SELECT putaran + 1, semester, kode_wilayah, kode_kecamatan, ukuran, nilai,
        tersamar OR bool_or(pelengkap)
    FROM (
        -- (a) the lone hidden kelurahan of a kecamatan × ukuran gets a companion
        SELECT
            *,
            count(*) FILTER (tersamar) OVER (PARTITION BY semester, kode_kecamatan, ukuran) = 1
                AND NOT tersamar
                AND row_number() OVER (
                    PARTITION BY semester, kode_kecamatan, ukuran, tersamar
                    ORDER BY nilai, kode_wilayah
                ) = 1 AS pelengkap
        FROM langkah
        WHERE putaran < 8
        UNION ALL
        -- (b) the lone hidden term of an identity in a kelurahan gets a companion
        SELECT
            l.*,
            count(*) FILTER (l.tersamar) OVER (
                PARTITION BY l.semester, l.kode_wilayah, a.identitas
            ) = 1
                AND NOT l.tersamar
                AND row_number() OVER (
                    PARTITION BY l.semester, l.kode_wilayah, a.identitas, l.tersamar
                    ORDER BY l.nilai, l.ukuran
                ) = 1
        FROM langkah AS l
        JOIN anggota AS a USING (ukuran)
        WHERE l.putaran < 8
    )
    GROUP BY putaran, semester, kode_wilayah, kode_kecamatan, ukuran, nilai, tersamar
)
SELECT
    k.semester,
    k.tahun,
    k.tanggal_data,
    k.kode_wilayah,
    k.nama_wilayah,
    k.kode_kecamatan,
    k.ukuran,
    CASE WHEN l.tersamar THEN NULL ELSE k.nilai END AS nilai,
    l.tersamar AS disamarkan
FROM kelurahan AS k
JOIN langkah AS l USING (semester, kode_wilayah, ukuran)
WHERE l.putaran = 8
ORDER BY k.semester, k.kode_wilayah, k.ukuran
