-- DKB counts per kelurahan from the resident rows of one semester (restricted store table
-- `penduduk`), in the long shape of conformed.dkb_agregat. Every measure of Tabel 4–9:
--
--   penduduk                          every accepted resident
--   wajib_ktp_el                      umur >= 17, or younger but kawin/cerai (status_kawin <> 1):
--                                     UU 24/2013 Pasal 63 ayat (1)
--   ktp_el_sudah_rekam / _belum_rekam wajib KTP-el whose status_ktp is / is not a recorded
--                                     status (1 BELUM REKAM and 8 BELUM WAJIB are not recorded)
--   ktp_el_cetak                      wajib KTP-el with a print date (printed implies recorded:
--                                     rule cetak_berarti_rekam)
--   penduduk_17_kawin                 umur >= 17 and ever married (status_kawin <> 1): the
--                                     denominator of IKU 1a "... yang telah menikah"
--   wajib_kia                         umur < 17 and never married (Permendagri 2/2016: KIA is
--                                     for children below 17 who are not married)
--   kia_memiliki / kia_belum_memiliki wajib KIA with / without a KIA print date
--   anak_0_17                         umur 0–17 inclusive, i.e. below 18 (UU 35/2014: a child is
--                                     under 18); the base of the birth-certificate ratio
--   anak_akta_kelahiran_memiliki / _belum     those children with / without an akta kelahiran
--   penduduk_akta_kelahiran_memiliki / _belum every resident with / without one
--   perkawinan_dilaporkan             residents whose status is KAWIN (2): married persons on
--                                     record, counted per person, not per couple
--   akta_perkawinan_terbit            of those, the ones holding an akta perkawinan
-- Parameters: $semester, $cutoff (DATE).
WITH p AS (
    SELECT
        no_prop,
        no_kab,
        no_kec,
        no_kel,
        _berkas,
        umur,
        umur >= 17 OR status_kawin <> 1 AS wajib_ktp_el,
        status_ktp NOT IN (1, 8) AS ktp_el_rekam,
        tanggal_cetak_ktp IS NOT NULL AS ktp_el_cetak,
        umur < 17 AND status_kawin = 1 AS wajib_kia,
        tanggal_cetak_kia IS NOT NULL AS kia,
        umur < 18 AS anak,
        punya_akta_kelahiran,
        status_kawin,
        punya_akta_perkawinan
    FROM penduduk
    WHERE semester = $semester
),
per_kelurahan AS (
    SELECT
        -- the kode is formatted once per kelurahan, after grouping, not once per resident
        printf('%02d.%02d.%02d.%04d', no_prop, no_kab, no_kec, no_kel) AS kode_kelurahan,
        any_value(_berkas) AS sumber_berkas,
        count(*) AS penduduk,
        count(*) FILTER (umur >= 17 AND status_kawin <> 1) AS penduduk_17_kawin,
        count(*) FILTER (wajib_ktp_el) AS wajib_ktp_el,
        count(*) FILTER (wajib_ktp_el AND ktp_el_rekam) AS ktp_el_sudah_rekam,
        count(*) FILTER (wajib_ktp_el AND NOT ktp_el_rekam) AS ktp_el_belum_rekam,
        count(*) FILTER (wajib_ktp_el AND ktp_el_cetak) AS ktp_el_cetak,
        count(*) FILTER (wajib_kia) AS wajib_kia,
        count(*) FILTER (wajib_kia AND kia) AS kia_memiliki,
        count(*) FILTER (wajib_kia AND NOT kia) AS kia_belum_memiliki,
        count(*) FILTER (anak) AS anak_0_17,
        count(*) FILTER (anak AND punya_akta_kelahiran) AS anak_akta_kelahiran_memiliki,
        count(*) FILTER (anak AND NOT punya_akta_kelahiran) AS anak_akta_kelahiran_belum,
        count(*) FILTER (punya_akta_kelahiran) AS penduduk_akta_kelahiran_memiliki,
        count(*) FILTER (NOT punya_akta_kelahiran) AS penduduk_akta_kelahiran_belum,
        count(*) FILTER (status_kawin = 2) AS perkawinan_dilaporkan,
        count(*) FILTER (status_kawin = 2 AND punya_akta_perkawinan) AS akta_perkawinan_terbit
    FROM p
    GROUP BY no_prop, no_kab, no_kec, no_kel
)
SELECT
    $semester AS semester,
    CAST($cutoff AS DATE) AS tanggal_data,
    kode_kelurahan AS kode_wilayah,
    'kelurahan' AS tingkat,
    ukuran,
    CAST(nilai AS BIGINT) AS nilai,
    'rekaman' AS jalur,
    sumber_berkas,
    CAST(NULL AS BIGINT) AS sumber_baris
FROM (
    UNPIVOT per_kelurahan
    ON COLUMNS(* EXCLUDE (kode_kelurahan, sumber_berkas))
    INTO NAME ukuran VALUE nilai
)
ORDER BY kode_wilayah, ukuran
