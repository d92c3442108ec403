-- Inequalities between the DKB measures of one wilayah, kecil <= besar, that hold by the
-- definitions in sql/rekaman/agregat_kelurahan.sql (each kecil counts a subset of the residents
-- counted by besar). An attacker knows them too, so the small-cell audit
-- (pipelines/defs/transformasi/audit_sel_kecil.py) uses every one of them, with identitas_ukuran().
-- tests/test_sel_kecil.py checks that each holds in counts made from the resident rows.
CREATE OR REPLACE MACRO ketaksamaan_ukuran() AS TABLE
    SELECT * FROM (
        VALUES
            ('ktp_el_cetak', 'ktp_el_sudah_rekam'),
            ('ktp_el_sudah_rekam', 'wajib_ktp_el'),
            ('ktp_el_belum_rekam', 'wajib_ktp_el'),
            ('penduduk_17_kawin', 'wajib_ktp_el'),
            ('perkawinan_dilaporkan', 'wajib_ktp_el'),
            ('akta_perkawinan_terbit', 'perkawinan_dilaporkan'),
            ('wajib_kia', 'anak_0_17'),
            ('kia_memiliki', 'wajib_kia'),
            ('kia_belum_memiliki', 'wajib_kia'),
            ('anak_0_17', 'penduduk'),
            ('anak_akta_kelahiran_memiliki', 'penduduk_akta_kelahiran_memiliki'),
            ('anak_akta_kelahiran_belum', 'penduduk_akta_kelahiran_belum')
    ) AS t(kecil, besar)
