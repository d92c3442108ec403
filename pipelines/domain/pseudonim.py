"""Keyed pseudonyms of NIK and KK numbers: HMAC-SHA256(key, the number as decimal text), first
128 bits. Equal, value for value, to `hmac.new(key, str(n).encode(), "sha256").digest()[:16]`
(RFC 2104), which is also the fallback and what the tests compare against.

Why not in SQL: DuckDB's `sha256` needs four 64-byte blocks per value for an HMAC (SQL cannot
reuse the constant first block of the inner and outer hash): about 4 s for 5.5M NIK, more than
reading the whole file. Here the key's two constant blocks are hashed once (the "midstates");
each number then costs one block of the inner and one of the outer hash, by the SHA-256 block
function below, compiled by numba once (cached on disk), 16 numbers side by side so that LLVM
uses the CPU's vector instructions, run without the GIL on every core: 5.5M NIK in about 1.6×
the time OpenSSL's SHA-instruction block function took from the same loop, which this replaced
(an internal of libcrypto, deprecated, reached through ctypes with an assumed struct layout;
figures in benchmarks/README.md). Where numba cannot compile or load the loop, the same values
come from hashlib one by one: slower, identical.
"""

from __future__ import annotations

import hashlib
import hmac
import os
from concurrent.futures import ThreadPoolExecutor

import numba
import numpy as np
import pyarrow as pa

PANJANG = 16  # bytes kept of the 32-byte HMAC: 128 bits (a collision among 280M: ~1e-22)


# SHA-256 (FIPS 180-4 §4.2.2, §5.3.3): the round constants and the initial state.
_K = np.array((
    0x428A2F98, 0x71374491, 0xB5C0FBCF, 0xE9B5DBA5, 0x3956C25B, 0x59F111F1, 0x923F82A4, 0xAB1C5ED5,
    0xD807AA98, 0x12835B01, 0x243185BE, 0x550C7DC3, 0x72BE5D74, 0x80DEB1FE, 0x9BDC06A7, 0xC19BF174,
    0xE49B69C1, 0xEFBE4786, 0x0FC19DC6, 0x240CA1CC, 0x2DE92C6F, 0x4A7484AA, 0x5CB0A9DC, 0x76F988DA,
    0x983E5152, 0xA831C66D, 0xB00327C8, 0xBF597FC7, 0xC6E00BF3, 0xD5A79147, 0x06CA6351, 0x14292967,
    0x27B70A85, 0x2E1B2138, 0x4D2C6DFC, 0x53380D13, 0x650A7354, 0x766A0ABB, 0x81C2C92E, 0x92722C85,
    0xA2BFE8A1, 0xA81A664B, 0xC24B8B70, 0xC76C51A3, 0xD192E819, 0xD6990624, 0xF40E3585, 0x106AA070,
    0x19A4C116, 0x1E376C08, 0x2748774C, 0x34B0BCB5, 0x391C0CB3, 0x4ED8AA4A, 0x5B9CCA4F, 0x682E6FF3,
    0x748F82EE, 0x78A5636F, 0x84C87814, 0x8CC70208, 0x90BEFFFA, 0xA4506CEB, 0xBEF9A3F7, 0xC67178F2,
), np.uint32)  # fmt: skip
_H0 = np.array((
    0x6A09E667, 0xBB67AE85, 0x3C6EF372, 0xA54FF53A, 0x510E527F, 0x9B05688C, 0x1F83D9AB, 0x5BE0CD19,
), np.uint32)  # fmt: skip
# Blocks hashed side by side: each step of the block function loops over the lanes, a loop LLVM
# turns into AVX2 instructions (8 × uint32). With 8 lanes LLVM unrolls that loop instead and
# the code stays scalar (~2× slower, measured); 32 lanes is no faster than 16.
LAJUR = 16
# "0000".."9999" as big-endian words of ASCII digits: a 16-digit number is four of them.
_EMPAT_DIGIT = np.array(
    [int.from_bytes(f"{i:04d}".encode(), "big") for i in range(10_000)], np.uint32
)
u32 = np.uint32  # numba widens uint32 arithmetic to 64 bits; each u32() cuts back to 32


@numba.njit(inline="always")
def _rotr(x, n):  # pragma: no cover - compiled
    return u32((x >> u32(n)) | u32(x << u32(32 - n)))


@numba.njit(inline="always")
def _putaran(a, b, c, d, e, f, g, h, kw):  # pragma: no cover - compiled
    """One of the 64 rounds; returns the new d and h (the caller renames the other six)."""
    s1 = u32(_rotr(e, 6) ^ _rotr(e, 11) ^ _rotr(e, 25))
    t1 = u32(h + s1 + u32((e & f) ^ (u32(~e) & g)) + kw)
    t2 = u32(u32(_rotr(a, 2) ^ _rotr(a, 13) ^ _rotr(a, 22)) + u32((a & b) ^ (a & c) ^ (b & c)))
    return u32(d + t1), u32(t1 + t2)


@numba.njit(nogil=True, cache=True)
def sha256_blok(state, w, kerja):  # pragma: no cover - compiled
    """The SHA-256 block function on LAJUR blocks at once: `state` (8 × LAJUR uint32, word k of
    lane j at k * LAJUR + j) absorbs the 64-byte blocks in `w[:16 * LAJUR]` (big-endian words,
    same layout); `w` (64 × LAJUR) is overwritten by the message schedule, `kerja` (8 × LAJUR)
    is scratch."""
    L = LAJUR
    for t in range(16, 64):
        for j in range(L):
            x, y = w[(t - 15) * L + j], w[(t - 2) * L + j]
            s0 = u32(_rotr(x, 7) ^ _rotr(x, 18) ^ u32(x >> u32(3)))
            s1 = u32(_rotr(y, 17) ^ _rotr(y, 19) ^ u32(y >> u32(10)))
            w[t * L + j] = u32(u32(w[(t - 16) * L + j] + s0) + u32(w[(t - 7) * L + j] + s1))
    kerja[:] = state
    # eight rounds per pass over the lanes: a..h stay in registers, renamed instead of moved
    for t in range(0, 64, 8):
        for j in range(L):
            a, b, c, d = kerja[j], kerja[L + j], kerja[2 * L + j], kerja[3 * L + j]
            e, f, g, h = kerja[4 * L + j], kerja[5 * L + j], kerja[6 * L + j], kerja[7 * L + j]
            d, h = _putaran(a, b, c, d, e, f, g, h, u32(_K[t] + w[t * L + j]))
            c, g = _putaran(h, a, b, c, d, e, f, g, u32(_K[t + 1] + w[(t + 1) * L + j]))
            b, f = _putaran(g, h, a, b, c, d, e, f, u32(_K[t + 2] + w[(t + 2) * L + j]))
            a, e = _putaran(f, g, h, a, b, c, d, e, u32(_K[t + 3] + w[(t + 3) * L + j]))
            h, d = _putaran(e, f, g, h, a, b, c, d, u32(_K[t + 4] + w[(t + 4) * L + j]))
            g, c = _putaran(d, e, f, g, h, a, b, c, u32(_K[t + 5] + w[(t + 5) * L + j]))
            f, b = _putaran(c, d, e, f, g, h, a, b, u32(_K[t + 6] + w[(t + 6) * L + j]))
            e, a = _putaran(b, c, d, e, f, g, h, a, u32(_K[t + 7] + w[(t + 7) * L + j]))
            kerja[j], kerja[L + j], kerja[2 * L + j], kerja[3 * L + j] = a, b, c, d
            kerja[4 * L + j], kerja[5 * L + j], kerja[6 * L + j], kerja[7 * L + j] = e, f, g, h
    for i in range(8 * L):
        state[i] = u32(state[i] + kerja[i])


def _midstates(key: bytes) -> tuple[np.ndarray, np.ndarray]:
    """SHA-256 state after the first block of the inner (key ⊕ ipad) and outer (key ⊕ opad)
    hash; both blocks depend only on the key, so they are hashed once per run."""
    block = (hashlib.sha256(key).digest() if len(key) > 64 else key).ljust(64, b"\0")
    states = []
    for pad in (0x36, 0x5C):
        state = np.repeat(_H0, LAJUR)  # the same block in every lane; lane 0 is kept
        w = np.zeros(64 * LAJUR, np.uint32)
        w[: 16 * LAJUR] = np.repeat(np.frombuffer(bytes(b ^ pad for b in block), ">u4"), LAJUR)
        sha256_blok(state, w, np.empty(8 * LAJUR, np.uint32))
        states.append(state[::LAJUR].copy())
    return states[0], states[1]


_E4, _E8, _E12, _E15, _E16 = 10**4, 10**8, 10**12, 10**15, 10**16


@numba.njit(nogil=True, cache=True)
def hmac_blok(nomor, inner, outer, out, ada):  # pragma: no cover - compiled
    """out[i] = first PANJANG bytes of the HMAC of nomor[i] (from the key's midstates `inner`,
    `outer`); ada[i] = False for NULL (negative). LAJUR numbers go through the block together."""
    L = LAJUR
    state = np.empty(8 * L, np.uint32)
    kerja = np.empty(8 * L, np.uint32)
    w = np.empty(64 * L, np.uint32)
    n = nomor.shape[0]
    for awal in range(0, n, L):
        isi = min(L, n - awal)  # the last group may be short: its spare lanes hash "0"
        # inner hash, second block: the number as decimal text (= CAST(n AS VARCHAR)), then
        # SHA-256 padding: 0x80, zeros, message length in bits incl. the 64-byte key block
        for j in range(L):
            v = max(nomor[awal + j], 0) if j < isi else 0  # NULL (-1): hashed, never kept
            for k in range(16):
                w[k * L + j] = 0
            if _E15 <= v < _E16:  # 16 digits, as every NIK and KK: four whole words
                w[j] = _EMPAT_DIGIT[v // _E12]
                w[L + j] = _EMPAT_DIGIT[v // _E8 % _E4]
                w[2 * L + j] = _EMPAT_DIGIT[v // _E4 % _E4]
                w[3 * L + j] = _EMPAT_DIGIT[v % _E4]
                w[4 * L + j] = u32(0x80000000)
                w[15 * L + j] = u32((64 + 16) * 8)
                continue
            digits, t = 1, v
            while t >= 10:
                t //= 10
                digits += 1
            for i in range(digits - 1, -1, -1):  # byte i of the text: word i // 4, big-endian
                w[(i >> 2) * L + j] |= u32(48 + v % 10) << u32(24 - 8 * (i & 3))
                v //= 10
            w[(digits >> 2) * L + j] |= u32(0x80) << u32(24 - 8 * (digits & 3))
            w[15 * L + j] = u32((64 + digits) * 8)
        for k in range(8):
            for j in range(L):
                state[k * L + j] = inner[k]
        sha256_blok(state, w, kerja)
        # outer hash, second block: the 32-byte inner digest, 0x80, zeros, (64 + 32) * 8 bits
        for k in range(8):
            for j in range(L):
                w[k * L + j] = state[k * L + j]
                state[k * L + j] = outer[k]
        for k in range(8, 16):
            for j in range(L):
                w[k * L + j] = u32(0x80000000) if k == 8 else u32(768) if k == 15 else 0
        sha256_blok(state, w, kerja)
        for j in range(isi):
            ada[awal + j] = nomor[awal + j] >= 0
            if ada[awal + j]:
                for k in range(PANJANG // 4):
                    x = state[k * L + j]
                    out[awal + j, 4 * k] = (x >> u32(24)) & 0xFF
                    out[awal + j, 4 * k + 1] = (x >> u32(16)) & 0xFF
                    out[awal + j, 4 * k + 2] = (x >> u32(8)) & 0xFF
                    out[awal + j, 4 * k + 3] = x & 0xFF


def _kernel():
    """The compiled loop (a function: the tests stand a broken or missing one in)."""
    return hmac_blok


# Why the compiled loop cannot be used in this process, once known (then hashlib is used).
_gangguan: list[str] = []


def native() -> bool:
    """Whether the compiled path is in use here (reported in the run's metadata)."""
    return _kernel() is not None and not _gangguan


def prepare() -> bool:
    """Load (the first time: compile and cache) the loop, so that the first real call does not
    wait for it; the ingestion runs this while DuckDB reads the file. A loop that cannot be
    compiled or loaded (numba/LLVM fault) switches this process to hashlib instead of failing
    the run: the values are the same. Returns native()."""
    if native():
        try:
            pseudonyms(np.zeros(1, np.int64), b"hanya-pemanasan")
        except Exception as error:  # any fault of the compiler or loader means: fall back
            _gangguan.append(f"{type(error).__name__}: {error}")
    return native()


def pseudonyms(nomor: np.ndarray, key: bytes, *, threads: int | None = None) -> pa.Array:
    """HMAC-SHA256 (first 128 bits) of each non-negative int64 in `nomor` as decimal text;
    negative values (NULL) give NULL. Returns an Arrow UUID array aligned with `nomor` (the
    128 bits as they are: not an RFC 4122 UUID, only its type). A run of equal neighbours is
    hashed once: SIAK lists a family's members together, so a KK number is hashed once per
    family, not once per member (a quarter of the work at four a family); in any other order
    the values are the same."""
    nomor = np.ascontiguousarray(nomor, dtype=np.int64)
    n = len(nomor)
    heads = np.flatnonzero(np.r_[True, nomor[1:] != nomor[:-1]]) if n else nomor
    if len(heads) < 0.8 * n:  # enough repeats to pay for the gather below
        once = pseudonyms(nomor[heads], key, threads=threads)
        runs = np.repeat(np.arange(len(heads)), np.diff(np.r_[heads, n]))
        return pa.ExtensionArray.from_storage(pa.uuid(), once.storage.take(runs))
    out = np.zeros((n, PANJANG), np.uint8)
    ada = np.zeros(n, np.bool_)
    kernel = _kernel() if native() else None
    if kernel is None:
        for i, v in enumerate(nomor.tolist()):
            if v >= 0:
                out[i] = np.frombuffer(
                    hmac.new(key, str(v).encode(), hashlib.sha256).digest()[:PANJANG], np.uint8
                )
                ada[i] = True
    else:
        inner, outer = _midstates(key)
        threads = threads or len(os.sched_getaffinity(0))  # the cores this process may use
        bounds = np.linspace(0, n, threads + 1).astype(np.int64)
        pieces = [slice(a, b) for a, b in zip(bounds, bounds[1:], strict=False) if b > a]
        with ThreadPoolExecutor(max_workers=threads) as pool:
            list(pool.map(lambda s: kernel(nomor[s], inner, outer, out[s], ada[s]), pieces))
    # Arrow UUID (16 bytes, fixed width): DuckDB reads it as UUID, stored inline, so joining
    # and writing 20M of them stays linear (as 16-byte BLOBs they took a string heap and spilled)
    validity = None if ada.all() else pa.py_buffer(np.packbits(ada, bitorder="little"))
    storage = pa.FixedSizeBinaryArray.from_buffers(
        pa.binary(PANJANG), n, [validity, pa.py_buffer(out)]
    )
    return pa.ExtensionArray.from_storage(pa.uuid(), storage)
