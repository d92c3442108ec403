-- A figure as printed in an Indonesian report ('1.234.567', '96,65') as a number; NULL for
-- anything else. The gate has already rejected malformed figures (validate/numbers.py).
CREATE OR REPLACE MACRO angka_id(s) AS
    CASE WHEN regexp_full_match(trim(s), '[-+]?(\d{1,3}(\.\d{3})+|\d+)(,\d+)?')
        THEN CAST(replace(replace(trim(s), '.', ''), ',', '.') AS DOUBLE)
    END
