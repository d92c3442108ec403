-- Stage one resident extract in a single read, streamed (never stored whole): compact typed
-- columns of every row, the rules each row fails (bit k set = rule k of the compiled pandera
-- schema failed), whether its region is written in a way outside the known ones, and, only for
-- those rows, the row's cells as exported (JSON text), so the quarantine can show every value
-- exactly as it was in the file. Names and other unlisted columns are never read.
-- Placeholders filled by pipelines/defs/rekaman/ekstrak.py: {sumber} (the file, every column as
-- text), {gagal} (the bitmask of the rules checked per row), {wilayah_lain} (true when the
-- row's four region texts are not one of the known spellings that pass every region rule: those
-- rows get the region rules after reading, `_check_regions`), {mentah} (the JSON of the raw
-- cells).
-- One source, projections only (no join, no window): DuckDB then streams the rows in the file's
-- order, so a row's file row is its position plus the first data row's number (ekstrak.py
-- `_staging_select` checks the plan).
WITH dinilai AS (
    SELECT {gagal} AS _gagal, {wilayah_lain} AS _wilayah_lain, * FROM {sumber}
)
SELECT
    _gagal,
    _wilayah_lain,
    CASE WHEN _gagal <> 0 OR _wilayah_lain THEN {mentah} END AS _mentah,
    -- Typed values matter only for rows that pass every rule (the others are quarantined);
    -- the format rules have checked each date is YYYY-MM-DD before it is cast.
    TRY_CAST(NIK AS BIGINT) AS nik,
    TRY_CAST(NO_KK AS BIGINT) AS no_kk,
    TRY_CAST(JENIS_KLMIN AS UTINYINT) AS jenis_kelamin,
    TRY_CAST(TGL_LHR AS DATE) AS tanggal_lahir,
    TRY_CAST(AGAMA AS UTINYINT) AS agama,
    TRY_CAST(STAT_KWN AS UTINYINT) AS status_kawin,
    TRY_CAST(STAT_HBKEL AS UTINYINT) AS hubungan_keluarga,
    TRY_CAST(PDDK_AKH AS UTINYINT) AS pendidikan,
    TRY_CAST(JENIS_PKRJN AS UTINYINT) AS pekerjaan,
    TRY_CAST(NO_PROP AS UTINYINT) AS no_prop,
    TRY_CAST(NO_KAB AS UTINYINT) AS no_kab,
    TRY_CAST(NO_KEC AS UTINYINT) AS no_kec,
    TRY_CAST(NO_KEL AS USMALLINT) AS no_kel,
    TRY_CAST(STATUS_KTP AS UTINYINT) AS status_ktp,
    TRY_CAST(TGL_CETAK_KTP AS DATE) AS tanggal_cetak_ktp,
    TRY_CAST(TGL_CETAK_KIA AS DATE) AS tanggal_cetak_kia,
    NO_AKTA_LHR IS NOT NULL AS punya_akta_kelahiran,
    NO_AKTA_KWN IS NOT NULL AS punya_akta_perkawinan
FROM dinilai
