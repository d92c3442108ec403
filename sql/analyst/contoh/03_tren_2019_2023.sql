-- Capaian 2019–2023 of every indicator, one column per year.
PIVOT (SELECT nama_indikator, tahun, capaian FROM analis.tren_rpjmd)
ON tahun USING first(capaian)
ORDER BY nama_indikator;
