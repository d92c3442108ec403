-- Keyed pseudonym of a NIK or KK number: HMAC-SHA256(key, text), first 128 bits in hex.
-- ipad/opad are the key XOR 0x36/0x5c padded to 64 bytes, in hex (built in Python from
-- DUKCAPIL_PSEUDONYM_KEY, never stored). Without the key the pseudonym cannot be recomputed
-- from a guessed NIK, unlike a plain SHA-256.
CREATE OR REPLACE MACRO pseudonim(teks, ipad, opad) AS
    left(sha256(unhex(opad) || unhex(sha256(unhex(ipad) || encode(teks)))), 32)
