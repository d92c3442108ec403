-- Accepted resident rows of one extract, pseudonymised, as kept in the restricted store
-- (warehouse/terbatas/penduduk.duckdb, never published). Reads the staged extract `_stg` and
-- the rows set aside in `_karantina_baris`. No name, no raw NIK/KK, no certificate number:
-- only what the aggregates need plus lineage (file, row as numbered in the file).
-- Parameters: $semester, $cutoff (DATE), $berkas, $sha256, $ipad, $opad.
WITH diterima AS (
    SELECT s.*
    FROM _stg AS s
    ANTI JOIN _karantina_baris AS k ON k.baris = s._baris
),
-- A KK is shared by a household: hash each number once.
kk AS (
    SELECT NO_KK, pseudonim(NO_KK, $ipad, $opad) AS kk_pseudonim
    FROM (SELECT DISTINCT NO_KK FROM diterima)
)
SELECT
    $semester AS semester,
    pseudonim(d.NIK, $ipad, $opad) AS nik_pseudonim,
    kk.kk_pseudonim,
    d.JENIS_KLMIN AS jenis_kelamin,
    CAST(d.TGL_LHR AS DATE) AS tanggal_lahir,
    -- complete years at the semester's cut-off (30 June / 31 December)
    CAST(date_sub('year', CAST(d.TGL_LHR AS DATE), CAST($cutoff AS DATE)) AS SMALLINT) AS umur,
    d.AGAMA AS agama,
    d.STAT_KWN AS status_kawin,
    d.STAT_HBKEL AS hubungan_keluarga,
    d.PDDK_AKH AS pendidikan,
    d.JENIS_PKRJN AS pekerjaan,
    lpad(d.NO_PROP, 2, '0') || '.' || lpad(d.NO_KAB, 2, '0') || '.' || lpad(d.NO_KEC, 2, '0')
        || '.' || lpad(d.NO_KEL, 4, '0') AS kode_kelurahan,
    d.STATUS_KTP AS status_ktp,
    CAST(d.TGL_CETAK_KTP AS DATE) AS tanggal_cetak_ktp,
    CAST(d.TGL_CETAK_KIA AS DATE) AS tanggal_cetak_kia,
    d.NO_AKTA_LHR IS NOT NULL AS punya_akta_kelahiran,
    d.NO_AKTA_KWN IS NOT NULL AS punya_akta_perkawinan,
    $berkas AS _berkas,
    d._baris,
    $sha256 AS _sha256
FROM diterima AS d
JOIN kk USING (NO_KK)
