-- Number of decimals printed in an Indonesian figure: '118,8' -> 1, '292,20' -> 2, '100' -> 0.
CREATE OR REPLACE MACRO desimal_id(s) AS
    CASE WHEN contains(s, ',') THEN CAST(length(split_part(trim(s), ',', 2)) AS INTEGER) ELSE 0 END
