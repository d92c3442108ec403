-- description: Agregat DKB per semester dalam bentuk panjang (wilayah, ukuran).
-- partitioned: semester
-- DKB counts of one semester in long form: one row per (region, ukuran), from the path that
-- feeds the indicators (conformed.dkb_jalur has both). When a semester has both, the
-- record-level counts win (they are computed here, from the rows, by documented definitions);
-- mart.selisih_jalur_dkb lists where the two disagree.
-- Parameter: $semester, e.g. '2023-S2'.
WITH semester_ini AS (
    SELECT
        semester, tanggal_data, kode_wilayah, tingkat, ukuran, nilai, jalur,
        sumber_berkas, sumber_baris
    FROM conformed.dkb_jalur
    WHERE semester = $semester
)
SELECT * FROM semester_ini
WHERE jalur = 'rekaman' OR NOT EXISTS (SELECT 1 FROM semester_ini WHERE jalur = 'rekaman')
