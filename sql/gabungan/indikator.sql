-- description: Cakupan KTP-el, KIA, akta kelahiran, KK per kab/kota, provinsi dan nasional, dihitung ulang dari jumlah.
-- Coverage indicators at every level, each RECOMPUTED from summed counts (pembilang and
-- penyebut summed over the offices that carry both), never an average of the offices'
-- percentages: a large office weighs as many residents as it has. Definitions are data (the
-- VALUES below), by the measures of raw/referensi/ukuran_dkb.csv. Province and national
-- counts follow the small-cell rule of their totals: a withheld count gives no percentage.
WITH definisi(kode_indikator, nama_indikator, pembilang, penyebut) AS (
    VALUES
        ('kepemilikan_ktp_el', 'Persentase kepemilikan KTP-el', 'ktp_el_sudah_rekam', 'wajib_ktp_el'),
        ('kepemilikan_kia', 'Persentase kepemilikan KIA', 'kia_memiliki', 'wajib_kia'),
        (
            'cakupan_akta_kelahiran',
            'Cakupan kepemilikan akta kelahiran penduduk',
            'penduduk_akta_kelahiran_memiliki',
            'penduduk'
        ),
        (
            'cakupan_akta_kelahiran_anak',
            'Cakupan kepemilikan akta kelahiran anak 0–17',
            'anak_akta_kelahiran_memiliki',
            'anak_0_17'
        ),
        ('kk_tercetak', 'Persentase kartu keluarga tercetak', 'kk_tercetak', 'jumlah_kk')
),
aturan AS (
    SELECT sel_kecil_maks FROM aturan_sel_kecil()
),
kabkota AS (
    SELECT semester, kode_kantor, kode_provinsi, ukuran, nilai
    FROM gabungan.agregat_wilayah
    WHERE tingkat = 'kabkota'
),
per_kantor AS (
    SELECT
        p.semester, p.kode_kantor, p.kode_provinsi, d.kode_indikator, d.nama_indikator,
        p.nilai AS pembilang, q.nilai AS penyebut
    FROM definisi AS d
    JOIN kabkota AS p ON p.ukuran = d.pembilang
    JOIN kabkota AS q
        ON q.ukuran = d.penyebut AND q.semester = p.semester AND q.kode_kantor = p.kode_kantor
),
tingkat AS (
    SELECT
        semester, 'kabkota' AS tingkat, kode_kantor AS kode_wilayah, kode_indikator,
        nama_indikator, pembilang, penyebut, 1 AS jumlah_kantor
    FROM per_kantor
    UNION ALL
    SELECT
        semester, 'provinsi', kode_provinsi, kode_indikator, nama_indikator, sum(pembilang),
        sum(penyebut), count(*)
    FROM per_kantor
    GROUP BY semester, kode_provinsi, kode_indikator, nama_indikator
    UNION ALL
    SELECT
        semester, 'nasional', NULL, kode_indikator, nama_indikator, sum(pembilang),
        sum(penyebut), count(*)
    FROM per_kantor
    GROUP BY semester, kode_indikator, nama_indikator
),
ditandai AS (
    SELECT
        t.*,
        t.tingkat <> 'kabkota'
        AND (
            t.pembilang BETWEEN 1 AND a.sel_kecil_maks OR t.penyebut BETWEEN 1 AND a.sel_kecil_maks
        ) AS disamarkan
    FROM tingkat AS t
    CROSS JOIN aturan AS a
)
SELECT
    semester,
    semester_tahun(semester) AS tahun,
    tingkat,
    kode_wilayah,
    kode_indikator,
    nama_indikator,
    CASE WHEN NOT disamarkan THEN CAST(pembilang AS BIGINT) END AS pembilang,
    CASE WHEN NOT disamarkan THEN CAST(penyebut AS BIGINT) END AS penyebut,
    CASE WHEN NOT disamarkan THEN 100.0 * pembilang / nullif(penyebut, 0) END AS nilai,
    disamarkan,
    jumlah_kantor
FROM ditandai
ORDER BY semester, tingkat, kode_wilayah, kode_indikator
