-- The parameters of the kelurahan small-cell protection (sql/mart/agregat_kelurahan.sql),
-- kept here as data so an office changes them by editing this row, reviewed like any change:
--   basis               every kelurahan count is published rounded to the nearest multiple of
--                       it (halves up), so a published value v stands for the range
--                       [v - basis/2, v + basis/2 - 1]; 10 puts every count 0–4 on 0
--   sel_kecil_maks      counts 1..sel_kecil_maks are small cells: they must fall in the band
--                       of 0 (the blocking check refuses a basis that would not do that)
--   lebar_perlindungan  the audit (pipelines/defs/transformasi/audit_sel_kecil.py) passes only if every
--                       cell that may hold a small count keeps a feasible range at least this
--                       wide given everything published (totals, identities, inequalities)
CREATE OR REPLACE MACRO aturan_sel_kecil() AS TABLE
    SELECT * FROM (VALUES (10, 4, 1)) AS t(basis, sel_kecil_maks, lebar_perlindungan)
