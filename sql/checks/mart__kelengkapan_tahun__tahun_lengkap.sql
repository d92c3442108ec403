-- Every report year has its targets, realisations, budget and Semester II (listed, not blocking).
-- blocking: tidak
-- A year in progress is not an error: its lacks are warnings on this check and in the run
-- summary, while every other year refreshes and publishes (mart.kelengkapan_tahun).
SELECT tahun, kekurangan, jumlah, pesan FROM mart.kelengkapan_tahun ORDER BY tahun, kekurangan
