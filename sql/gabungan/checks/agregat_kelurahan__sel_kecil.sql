-- No kelurahan figure is published unrounded: every value a multiple of the basis, every possible small count marked.
SELECT
    k.semester, k.kode_kelurahan, k.ukuran,
    'kelurahan ' || k.kode_kelurahan || ' ukuran ' || k.ukuran || ' semester ' || k.semester
    || ': angka tidak dibulatkan atau sel kecil tidak ditandai' AS pesan
FROM gabungan.agregat_kelurahan AS k
CROSS JOIN aturan_sel_kecil() AS a
WHERE k.nilai % a.basis <> 0
    OR (k.nilai IS NOT NULL AND k.nilai - a.basis // 2 <= a.sel_kecil_maks AND NOT k.disamarkan)
