-- Truncate x to d decimals: the display rule of tampil() at any printed precision.
CREATE OR REPLACE MACRO potong(x, d) AS trunc(round(x * pow(10, d), 6)) / pow(10, d)
