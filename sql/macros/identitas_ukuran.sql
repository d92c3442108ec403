-- Exact identities between the DKB measures of one wilayah, total = bagian_1 + bagian_2, by the
-- definitions in sql/rekaman/agregat_kelurahan.sql: wajib KTP-el (17+ or ever married) and
-- wajib KIA (under 17, never married) split the population; each memiliki / belum pair splits
-- its base. The small-cell rule (sql/mart/agregat_kelurahan.sql) needs them: a hidden count
-- that is the only hidden term of an identity is one subtraction away from being known.
-- tests/test_rekaman.py checks that each identity holds in counts made from the resident rows.
-- Declared here only: the gate reads these rows for the identities an aggregate export must keep
-- (pipelines/defs/masukan/deklarasi.py: identity_check), the reconciliation checks every one inside
-- a published table (sql/mart/rekonsiliasi.sql); tests/test_gerbang_schemas.py keeps it so.
CREATE OR REPLACE MACRO identitas_ukuran() AS TABLE
    SELECT * FROM (
        VALUES
            ('penduduk_wajib', 'penduduk', 'wajib_ktp_el', 'wajib_kia'),
            ('rekam_ktp_el', 'wajib_ktp_el', 'ktp_el_sudah_rekam', 'ktp_el_belum_rekam'),
            ('kia', 'wajib_kia', 'kia_memiliki', 'kia_belum_memiliki'),
            ('akta_anak', 'anak_0_17', 'anak_akta_kelahiran_memiliki', 'anak_akta_kelahiran_belum'),
            (
                'akta_penduduk',
                'penduduk',
                'penduduk_akta_kelahiran_memiliki',
                'penduduk_akta_kelahiran_belum'
            )
    ) AS t(identitas, total, bagian_1, bagian_2)
