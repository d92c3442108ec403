-- The date a DKB semester's data is as of: 30 June (S1) or 31 December (S2) of its year
-- (pipelines/domain/semester.py `cut_off`; tests/test_semester.py checks that both agree).
CREATE OR REPLACE MACRO semester_tanggal(s) AS
    CASE WHEN right(s, 2) = 'S1'
        THEN make_date(semester_tahun(s), 6, 30)
        ELSE make_date(semester_tahun(s), 12, 31)
    END
