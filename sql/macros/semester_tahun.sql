-- The year of a DKB semester '2023-S2' (pipelines/domain/semester.py `tahun`; tests/test_semester.py
-- checks that both agree).
CREATE OR REPLACE MACRO semester_tahun(s) AS CAST(left(s, 4) AS INTEGER)
