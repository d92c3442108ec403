-- Display rule of the LAKIP: percentages are printed truncated (not rounded) to two decimals,
-- e.g. 142.857… -> 142,85 and 97.566… -> 97,56; the warehouse keeps full precision.
-- The round(…, 6) absorbs binary noise, so 309.03 (stored as 309.0299999…) stays 309,03.
CREATE OR REPLACE MACRO tampil(x) AS trunc(round(x * 100, 6)) / 100
