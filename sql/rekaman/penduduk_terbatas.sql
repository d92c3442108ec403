-- Accepted resident rows of one extract, pseudonymised, as kept in the restricted store
-- (warehouse/terbatas/penduduk/semester=…/penduduk.parquet, never published). Reads
-- `_diterima` (pipelines/defs/rekaman/ekstrak.py `_Arus`): the stream of staged rows
-- (sql/rekaman/tahap.sql) that failed no rule checked per row, each with its file row `_baris`.
-- No name, no raw NIK/KK, no certificate number: only what the aggregates need, plus lineage
-- (file, row in the file). Rows found failing a rule only after the whole file was read (region,
-- NIK uniqueness) are taken out of the written file afterwards (`_drop_rows`).
-- Pseudonyms are 128 bits (half of an HMAC-SHA256 with the office's key) typed UUID: fixed
-- width, stored inline, cheap to store and join (Parquet FIXED_LEN_BYTE_ARRAY(16)). They come
-- from the staged rows' NIK and KK, which `_diterima` no longer holds.
-- Parameters: $semester, $cutoff (DATE), $berkas, $sha256; the three texts are values of ENUM
-- `konstanta_berkas`, made by ekstrak.py (the Parquet file stores them as plain strings).
SELECT
    CAST($semester AS konstanta_berkas) AS semester,
    d.nik_pseudonim,
    d.kk_pseudonim,
    d.jenis_kelamin,
    d.tanggal_lahir,
    -- complete years at the semester's cut-off (30 June / 31 December): the difference of the
    -- years, less one while the birthday (month, day) is still to come. The same as DuckDB's
    -- date_sub('year', …) at both cut-offs for every birth date (tests/test_rekaman.py), at a
    -- tenth of its CPU: date_sub was a quarter of writing this file.
    CAST(
        year(CAST($cutoff AS DATE)) - year(d.tanggal_lahir)
        - CASE
            WHEN month(d.tanggal_lahir) * 100 + day(d.tanggal_lahir)
                > month(CAST($cutoff AS DATE)) * 100 + day(CAST($cutoff AS DATE))
            THEN 1 ELSE 0
        END AS UTINYINT
    ) AS umur,
    d.agama,
    d.status_kawin,
    d.hubungan_keluarga,
    d.pendidikan,
    d.pekerjaan,
    d.no_prop,
    d.no_kab,
    d.no_kec,
    d.no_kel,
    d.status_ktp,
    d.tanggal_cetak_ktp,
    d.tanggal_cetak_kia,
    d.punya_akta_kelahiran,
    d.punya_akta_perkawinan,
    CAST($berkas AS konstanta_berkas) AS _berkas,
    d._baris,
    CAST($sha256 AS konstanta_berkas) AS _sha256
FROM _diterima AS d
