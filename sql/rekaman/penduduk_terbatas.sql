-- Accepted resident rows of one extract, pseudonymised, as kept in the restricted store
-- (warehouse/terbatas/penduduk/semester=…/penduduk.parquet, never published). Reads the staged extract `_stg`
-- (sql/rekaman/tahap.sql) and keeps the rows that failed no rule. No name, no raw NIK/KK, no
-- certificate number: only what the aggregates need, plus lineage (file, row in the file).
-- Pseudonyms are 128 bits (half of an HMAC-SHA256 with the office's key) typed UUID: fixed
-- width, stored inline, cheap to store and join (Parquet FIXED_LEN_BYTE_ARRAY(16)). They come from `_pseudonim` (pipelines/domain/pseudonim.py), computed
-- from the accepted staged rows' NIK and KK and keyed by the staged rowid.
-- Parameters: $semester, $cutoff (DATE), $berkas, $sha256. `_baris` (the row as numbered in
-- the file) was made by the reading scan and is carried, never derived from a rowid here.
WITH diterima AS (
    SELECT s.*, p.nik_pseudonim, p.kk_pseudonim
    FROM _stg AS s JOIN _pseudonim AS p ON p.rid = s.rowid
    WHERE s._gagal = 0
)
SELECT
    $semester AS semester,
    d.nik_pseudonim,
    d.kk_pseudonim,
    d.jenis_kelamin,
    d.tanggal_lahir,
    -- complete years at the semester's cut-off (30 June / 31 December)
    CAST(date_sub('year', d.tanggal_lahir, CAST($cutoff AS DATE)) AS UTINYINT) AS umur,
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
    $berkas AS _berkas,
    d._baris,
    $sha256 AS _sha256
FROM diterima AS d
