"""Keyed pseudonyms of NIK and KK numbers: HMAC-SHA256(key, the number as decimal text), first
128 bits. Equal, value for value, to `hmac.new(key, str(n).encode(), "sha256").digest()[:16]`
(RFC 2104), which is also the fallback and what the tests compare against.

Why not in SQL: DuckDB's `sha256` needs four 64-byte blocks per value for an HMAC (SQL cannot
reuse the constant first block of the inner and outer hash) and does not use the CPU's SHA
instructions: about 4 s for 5.5M NIK, more than reading the whole file. Here the key's two
constant blocks are hashed once (the "midstates"); each number then costs one block of the
inner and one of the outer hash, each by OpenSSL's SHA-256 block function (the libcrypto that
Python's hashlib already loads), called from a loop that numba compiles once (cached on disk)
and runs without the GIL on every core: about 0.4 s for 5.5M NIK.
Where libcrypto lacks that function (an OpenSSL built without its deprecated API), the same
values come from hashlib one by one: slower, identical.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import functools
import hashlib
import hmac
import os
from concurrent.futures import ThreadPoolExecutor

import llvmlite.binding as llvm
import numba
import numpy as np
import pyarrow as pa
from numba import types

PANJANG = 16  # bytes kept of the 32-byte HMAC: 128 bits (a collision among 280M: ~1e-22)
_CTX_WORDS = 28  # sizeof(SHA256_CTX) / 4: h[8], Nl, Nh, data[16], num, md_len


@functools.cache
def _libcrypto() -> ctypes.CDLL | None:
    """libcrypto with the SHA-256 block function, or None (then the hashlib fallback)."""
    name = ctypes.util.find_library("crypto")
    if not name:
        return None
    try:
        lib = ctypes.CDLL(name)
        lib.SHA256_Init.argtypes = [ctypes.c_void_p]
        lib.SHA256_Transform.argtypes = [ctypes.c_void_p, ctypes.c_void_p]
    except (OSError, AttributeError):  # no library, or built without the deprecated API
        return None
    return lib


def _midstates(key: bytes) -> tuple[np.ndarray, np.ndarray]:
    """SHA-256 state after the first block of the inner (key ⊕ ipad) and outer (key ⊕ opad)
    hash; both blocks depend only on the key, so they are hashed once per run."""
    lib = _libcrypto()
    block = (hashlib.sha256(key).digest() if len(key) > 64 else key).ljust(64, b"\0")
    states = []
    for pad in (0x36, 0x5C):
        ctx = np.zeros(_CTX_WORDS, np.uint32)
        data = np.frombuffer(bytes(b ^ pad for b in block), np.uint8).copy()
        lib.SHA256_Init(ctx.ctypes.data)
        lib.SHA256_Transform(ctx.ctypes.data, data.ctypes.data)
        states.append(ctx[:8].copy())
    return states[0], states[1]


# OpenSSL's SHA256_Transform(SHA256_CTX *, const unsigned char block[64]), resolved by name when
# the loop is compiled or loaded from numba's cache (the library is loaded first, in _kernel).
_sha256_blok = types.ExternalFunction("SHA256_Transform", types.void(types.voidptr, types.voidptr))


@numba.njit(nogil=True, cache=True)
def hmac_blok(nomor, inner, outer, out, ada):  # pragma: no cover - compiled
    ctx = np.zeros(_CTX_WORDS, np.uint32)
    blok = np.zeros(64, np.uint8)
    for i in range(nomor.shape[0]):
        v = nomor[i]
        if v < 0:  # NULL (rows failing a rule; never stored)
            ada[i] = False
            continue
        ada[i] = True
        # the number as decimal text (= CAST(n AS VARCHAR)), then SHA-256 padding: 0x80,
        # zeros, message length in bits incl. the 64-byte key block, big-endian
        digits, t = 1, v
        while t >= 10:
            t //= 10
            digits += 1
        for j in range(digits - 1, -1, -1):
            blok[j] = 48 + v % 10
            v //= 10
        blok[digits] = 0x80
        blok[digits + 1 : 62] = 0
        bits = (64 + digits) * 8
        blok[62] = bits >> 8
        blok[63] = bits & 0xFF
        ctx[:8] = inner
        _sha256_blok(ctx.ctypes.data, blok.ctypes.data)
        # outer hash over the 32-byte inner digest (big-endian words)
        for w in range(8):
            x = ctx[w]
            blok[4 * w] = (x >> 24) & 0xFF
            blok[4 * w + 1] = (x >> 16) & 0xFF
            blok[4 * w + 2] = (x >> 8) & 0xFF
            blok[4 * w + 3] = x & 0xFF
        blok[32] = 0x80
        blok[33:62] = 0
        blok[62] = 0x03  # (64 + 32) * 8 = 768 bits
        blok[63] = 0x00
        ctx[:8] = outer
        _sha256_blok(ctx.ctypes.data, blok.ctypes.data)
        for w in range(PANJANG // 4):
            x = ctx[w]
            out[i, 4 * w] = (x >> 24) & 0xFF
            out[i, 4 * w + 1] = (x >> 16) & 0xFF
            out[i, 4 * w + 2] = (x >> 8) & 0xFF
            out[i, 4 * w + 3] = x & 0xFF


@functools.cache
def _kernel():
    """The compiled loop, or None when libcrypto lacks the block function."""
    lib = _libcrypto()
    if lib is None:
        return None
    llvm.load_library_permanently(lib._name)
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
    128 bits as they are: not an RFC 4122 UUID, only its type)."""
    nomor = np.ascontiguousarray(nomor, dtype=np.int64)
    n = len(nomor)
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
