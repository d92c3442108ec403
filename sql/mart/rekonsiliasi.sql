-- description: Angka LAKIP terbit vs hitung ulang dari masukan: selisih dan kelasnya.
-- Reconciliation: every figure a published report states (conformed.terbitan: tables, narrative)
-- next to the same figure recomputed from the inputs, plus the report's own internal
-- consistency (row identities, column totals) and the TOTAL rows of the input files.
-- kelas: 'sama' (identical), 'pembulatan tampilan' (the printed figure is the recomputed one
-- truncated or rounded to the printed decimals), 'material' (anything else), 'tidak dapat
-- dihitung' (no recomputed counterpart). Nothing here changes a source; it only lists.
WITH kota AS (
    SELECT kode, nama FROM conformed.wilayah WHERE kode_induk IS NULL
),
semester_akhir AS (
    SELECT tahun, max(semester) AS semester FROM mart.agregat_wilayah GROUP BY tahun
),
-- Recomputed figures, one row per (tahun, kode_wilayah, kunci, kolom).
hitung_angka AS (
    SELECT a.tahun, a.kode_wilayah, a.ukuran AS kunci, 'jumlah' AS kolom,
           CAST(a.nilai AS DOUBLE) AS angka, 'mart.agregat_wilayah ' || a.semester AS sumber
    FROM mart.agregat_wilayah AS a
    JOIN semester_akhir USING (tahun, semester)
    UNION ALL
    -- per-kecamatan percentages of Tabel 5-9 are the indicator computed for the kecamatan; the
    -- kab/kota one too for a year Tabel 11 does not carry (no target yet: a year without
    -- targets is still reconciled, its reported realisations included), with its pembilang
    -- and penyebut
    SELECT i.tahun, i.kode_wilayah, i.kode_indikator, u.kolom, u.angka,
           'mart.iku ' || coalesce(i.semester, i.sumber_realisasi)
    FROM mart.iku AS i
    LEFT JOIN semester_akhir AS s USING (tahun)
    CROSS JOIN LATERAL (
        VALUES ('realisasi', i.realisasi), ('pembilang', i.pembilang), ('penyebut', i.penyebut)
    ) AS u(kolom, angka)
    WHERE (i.semester = s.semester OR i.semester IS NULL AND i.tingkat <> 'kecamatan')
        AND (u.kolom = 'realisasi' OR u.angka IS NOT NULL)
        AND (i.tingkat = 'kecamatan' AND u.kolom = 'realisasi'
            OR i.tingkat <> 'kecamatan' AND NOT EXISTS (
                SELECT 1 FROM mart.tren_rpjmd AS t
                WHERE t.tahun = i.tahun AND t.kode_indikator = i.kode_indikator
            ))
    UNION ALL
    -- and the target of an indicator whose year has no Tabel 11 row for it (no realisation yet)
    SELECT g.tahun, kota.kode, g.kode_indikator, 'target', g.target,
           'conformed.target_tahunan ' || g.dokumen
    FROM conformed.target_tahunan AS g
    CROSS JOIN kota
    WHERE NOT EXISTS (
        SELECT 1 FROM mart.tren_rpjmd AS t
        WHERE t.tahun = g.tahun AND t.kode_indikator = g.kode_indikator
    )
    UNION ALL
    SELECT t.tahun, kota.kode, t.kode_indikator, u.kolom, u.angka, 'mart.tren_rpjmd (' || t.sumber || ')'
    FROM mart.tren_rpjmd AS t
    CROSS JOIN kota
    CROSS JOIN LATERAL (
        VALUES ('target', t.target), ('realisasi', t.realisasi), ('capaian', t.capaian_hitung)
    ) AS u(kolom, angka)
    UNION ALL
    SELECT p.tahun, p.kode_wilayah, p.kode_indikator, u.kolom, CAST(u.angka AS DOUBLE),
           'mart.pengukuran_kinerja (' || p.sumber_realisasi || ')'
    FROM mart.pengukuran_kinerja AS p
    CROSS JOIN LATERAL (VALUES ('pembilang', p.pembilang), ('penyebut', p.penyebut)) AS u(kolom, angka)
    WHERE u.angka IS NOT NULL
    UNION ALL
    SELECT r.tahun, kota.kode, r.kode_program, u.kolom, u.angka, 'mart.realisasi_anggaran'
    FROM mart.realisasi_anggaran AS r
    CROSS JOIN kota
    CROSS JOIN LATERAL (
        VALUES ('anggaran_pk', r.anggaran_pk), ('anggaran', r.anggaran),
               ('realisasi', r.realisasi), ('serapan', r.serapan)
    ) AS u(kolom, angka)
    UNION ALL
    -- Bab III F per program: the mean capaian of its mapped indicators and the index
    SELECT e.tahun, kota.kode, e.kode_program, u.kolom, u.angka, 'mart.efisiensi_program'
    FROM mart.efisiensi_program AS e
    CROSS JOIN kota
    CROSS JOIN LATERAL (
        VALUES ('rata_rata_capaian', e.rata_rata_capaian),
               ('indeks_efisiensi', e.indeks_efisiensi)
    ) AS u(kolom, angka)
    WHERE u.angka IS NOT NULL
    UNION ALL
    SELECT s.tahun, kota.kode, u.kunci, u.kolom, u.angka, 'mart.ringkasan_kinerja'
    FROM mart.ringkasan_kinerja AS s
    CROSS JOIN kota
    CROSS JOIN LATERAL (
        VALUES ('TOTAL', 'anggaran_pk', s.anggaran_pk), ('TOTAL', 'anggaran', s.anggaran),
               ('TOTAL', 'realisasi', s.realisasi_anggaran),
               ('TOTAL', 'serapan', s.serapan_anggaran),
               ('TOTAL', 'indeks_efisiensi', s.indeks_efisiensi),
               ('RATA-RATA', 'rata_rata_capaian', s.rata_rata_capaian)
    ) AS u(kunci, kolom, angka)
),
hitung_teks AS (
    SELECT t.tahun, kota.kode AS kode_wilayah, t.kode_indikator AS kunci, 'kategori' AS kolom,
           k.kategori AS teks, 'raw.kategori_capaian atas mart.tren_rpjmd' AS sumber
    FROM mart.tren_rpjmd AS t
    CROSS JOIN kota
    JOIN conformed.kategori_capaian AS k
        ON t.capaian_hitung >= k.batas_bawah
        AND (k.batas_atas IS NULL OR t.capaian_hitung < k.batas_atas)
    UNION ALL
    SELECT t.tahun, kota.kode, t.kode_indikator, 'dibanding_target',
           CASE
               WHEN tampil(t.realisasi) > tampil(t.target) THEN 'lebih tinggi'
               WHEN tampil(t.realisasi) < tampil(t.target) THEN 'lebih rendah'
               ELSE 'sama'
           END,
           'mart.tren_rpjmd'
    FROM mart.tren_rpjmd AS t
    CROSS JOIN kota
    UNION ALL
    SELECT p.tahun, kota.kode, p.kode_indikator, 'dibanding_tahun_lalu', p.dibanding_tahun_lalu,
           'mart.perbandingan_tahun_lalu'
    FROM mart.perbandingan_tahun_lalu AS p
    CROSS JOIN kota
    WHERE p.dibanding_tahun_lalu IS NOT NULL
    UNION ALL
    SELECT s.tahun, kota.kode, 'RATA-RATA', 'kategori', s.kategori, 'mart.ringkasan_kinerja'
    FROM mart.ringkasan_kinerja AS s
    CROSS JOIN kota
    WHERE s.kategori IS NOT NULL
),
terbit AS (
    SELECT
        *,
        angka_id(nilai_terbit) AS angka_terbit,
        desimal_id(nilai_terbit) AS desimal,
        sumber_berkas || ' baris ' || sumber_baris AS sumber_terbit
    FROM conformed.terbitan
),
-- 1. Each published figure against its recomputed counterpart.
banding AS (
    SELECT
        'terbitan vs hitung ulang' AS pemeriksaan,
        t.tabel,
        t.tahun,
        t.kode_wilayah,
        t.baris_tercetak,
        t.kunci,
        t.kolom,
        t.nilai_terbit,
        t.angka_terbit,
        ha.angka AS angka_hitung,
        ht.teks AS teks_hitung,
        t.desimal,
        t.sumber_terbit,
        coalesce(ha.sumber, ht.sumber) AS sumber_hitung
    FROM terbit AS t
    LEFT JOIN hitung_angka AS ha
        ON ha.tahun = t.tahun AND ha.kode_wilayah = t.kode_wilayah
        AND ha.kunci = t.kunci AND ha.kolom = t.kolom
    LEFT JOIN hitung_teks AS ht
        ON ht.tahun = t.tahun AND ht.kode_wilayah = t.kode_wilayah
        AND ht.kunci = t.kunci AND ht.kolom = t.kolom
),
-- 2. Row identities inside one published table: jumlah = memiliki + belum (the identities of
-- sql/macros/identitas_ukuran.sql, declared there once for the gate, the audit and this).
identitas AS (
    SELECT total AS jumlah, bagian_1, bagian_2 FROM identitas_ukuran()
),
baris AS (
    SELECT
        'identitas baris terbitan' AS pemeriksaan,
        j.tabel,
        j.tahun,
        j.kode_wilayah,
        j.baris_tercetak,
        j.kunci,
        'jumlah = ' || i.bagian_1 || ' + ' || i.bagian_2 AS kolom,
        j.nilai_terbit,
        j.angka_terbit,
        b1.angka_terbit + b2.angka_terbit AS angka_hitung,
        NULL AS teks_hitung,
        0 AS desimal,
        j.sumber_terbit,
        'jumlah bagian yang dicetak di baris yang sama' AS sumber_hitung
    FROM identitas AS i
    JOIN terbit AS j ON j.kunci = i.jumlah AND j.kolom = 'jumlah'
    JOIN terbit AS b1
        ON b1.dokumen = j.dokumen AND b1.tabel = j.tabel AND b1.tahun = j.tahun
        AND b1.kode_wilayah = j.kode_wilayah AND b1.kunci = i.bagian_1 AND b1.kolom = 'jumlah'
    JOIN terbit AS b2
        ON b2.dokumen = j.dokumen AND b2.tabel = j.tabel AND b2.tahun = j.tahun
        AND b2.kode_wilayah = j.kode_wilayah AND b2.kunci = i.bagian_2 AND b2.kolom = 'jumlah'
),
-- 3. Column totals inside one published table: the kab/kota row = sum of its kecamatan rows,
-- a TOTAL row = sum of the program rows.
anak AS (
    SELECT t.*, w.kode_induk
    FROM terbit AS t
    JOIN conformed.wilayah AS w ON w.kode = t.kode_wilayah
    WHERE t.kolom = 'jumlah' AND w.tingkat = 'kecamatan'
),
jumlah_kolom AS (
    SELECT
        'jumlah kolom terbitan' AS pemeriksaan,
        t.tabel,
        t.tahun,
        t.kode_wilayah,
        t.baris_tercetak,
        t.kunci,
        t.kolom,
        t.nilai_terbit,
        t.angka_terbit,
        sum(a.angka_terbit ORDER BY a.kode_wilayah) AS angka_hitung,  -- fixed order: same digits every run
        NULL AS teks_hitung,
        0 AS desimal,
        t.sumber_terbit,
        'jumlah ' || count(*) || ' baris kecamatan yang dicetak' AS sumber_hitung
    FROM terbit AS t
    JOIN anak AS a
        ON a.dokumen = t.dokumen AND a.tabel = t.tabel AND a.tahun = t.tahun
        AND a.kode_induk = t.kode_wilayah AND a.kunci = t.kunci AND a.kolom = t.kolom
    GROUP BY ALL
    UNION ALL
    SELECT
        'jumlah kolom terbitan',
        t.tabel,
        t.tahun,
        t.kode_wilayah,
        t.baris_tercetak,
        t.kunci,
        t.kolom,
        t.nilai_terbit,
        t.angka_terbit,
        sum(p.angka_terbit ORDER BY p.kunci),
        NULL,
        0,
        t.sumber_terbit,
        'jumlah ' || count(*) || ' baris program yang dicetak'
    FROM terbit AS t
    JOIN terbit AS p
        ON p.dokumen = t.dokumen AND p.tabel = t.tabel AND p.tahun = t.tahun
        AND p.kolom = t.kolom AND p.kunci <> 'TOTAL'
    WHERE t.kunci = 'TOTAL' AND t.kolom IN ('anggaran_pk', 'anggaran', 'realisasi')
    GROUP BY ALL
),
-- 3b. A printed percentage against the counts printed beside it (same table, year, region):
-- the indicator's formula on the report's own numerator and denominator, whatever the DKB says.
persentase AS (
    SELECT
        'persentase terbitan vs angkanya' AS pemeriksaan,
        t.tabel,
        t.tahun,
        t.kode_wilayah,
        t.baris_tercetak,
        t.kunci,
        t.kolom,
        t.nilai_terbit,
        t.angka_terbit,
        a.angka_terbit / nullif(b.angka_terbit, 0) * d.pengali AS angka_hitung,
        NULL AS teks_hitung,
        t.desimal,
        t.sumber_terbit,
        d.pembilang || ' / ' || d.penyebut || ' yang dicetak di baris yang sama' AS sumber_hitung
    FROM terbit AS t
    JOIN conformed.indikator AS d ON d.kode_indikator = t.kunci AND d.jenis = 'rumus'
    JOIN terbit AS a
        ON a.dokumen = t.dokumen AND a.tabel = t.tabel AND a.tahun = t.tahun
        AND a.kode_wilayah = t.kode_wilayah AND a.kunci = d.pembilang AND a.kolom = 'jumlah'
    JOIN terbit AS b
        ON b.dokumen = t.dokumen AND b.tabel = t.tabel AND b.tahun = t.tahun
        AND b.kode_wilayah = t.kode_wilayah AND b.kunci = d.penyebut AND b.kolom = 'jumlah'
    WHERE t.kolom = 'realisasi'
),
-- 4. The JUMLAH/TOTAL rows printed in the input files themselves (set aside by the reader).
total_berkas AS (
    SELECT
        'baris total berkas masukan' AS pemeriksaan,
        c.sumber_berkas AS tabel,
        NULL AS tahun,
        NULL AS kode_wilayah,
        'baris ' || c.baris AS baris_tercetak,
        c.sumber AS kunci,
        c.kolom,
        replace(format('{:,}', CAST(round(c.nilai_tercetak) AS BIGINT)), ',', '.') AS nilai_terbit,
        c.nilai_tercetak AS angka_terbit,
        c.jumlah_baris AS angka_hitung,
        NULL AS teks_hitung,
        0 AS desimal,
        c.sumber_berkas || ' baris ' || c.baris AS sumber_terbit,
        'jumlah baris data berkas yang sama' AS sumber_hitung
    FROM conformed.cek_baris_total AS c
),
semua AS (
    SELECT * FROM banding
    UNION ALL BY NAME SELECT * FROM baris
    UNION ALL BY NAME SELECT * FROM jumlah_kolom
    UNION ALL BY NAME SELECT * FROM persentase
    UNION ALL BY NAME SELECT * FROM total_berkas
)
SELECT
    s.pemeriksaan,
    s.tabel,
    s.tahun,
    s.kode_wilayah,
    w.nama AS nama_wilayah,
    s.baris_tercetak,
    s.kunci,
    s.kolom,
    concat_ws(
        ', ', s.tabel, CAST(s.tahun AS VARCHAR), s.baris_tercetak,
        CASE WHEN s.kunci IS DISTINCT FROM s.baris_tercetak THEN s.kunci END, s.kolom
    ) AS uraian,
    s.nilai_terbit,
    s.angka_terbit,
    s.angka_hitung,
    s.teks_hitung,
    s.angka_terbit - s.angka_hitung AS selisih,
    CASE
        WHEN s.angka_hitung IS NULL AND s.teks_hitung IS NULL THEN 'tidak dapat dihitung'
        WHEN s.teks_hitung IS NOT NULL THEN
            CASE WHEN upper(trim(s.nilai_terbit)) = upper(s.teks_hitung) THEN 'sama' ELSE 'material' END
        WHEN abs(s.angka_terbit - s.angka_hitung) < 1e-9 THEN 'sama'
        WHEN abs(s.angka_terbit - potong(s.angka_hitung, s.desimal)) < 1e-9
            OR abs(s.angka_terbit - round(s.angka_hitung, CAST(s.desimal AS INTEGER))) < 1e-9
            THEN 'pembulatan tampilan'
        ELSE 'material'
    END AS kelas,
    s.sumber_terbit,
    s.sumber_hitung
FROM semua AS s
LEFT JOIN conformed.wilayah AS w ON w.kode = s.kode_wilayah
ORDER BY
    CASE s.pemeriksaan WHEN 'terbitan vs hitung ulang' THEN 1 WHEN 'identitas baris terbitan' THEN 2
        WHEN 'jumlah kolom terbitan' THEN 3 WHEN 'persentase terbitan vs angkanya' THEN 4
        ELSE 5 END,
    s.tabel, s.tahun, s.kode_wilayah, s.kunci, s.kolom
