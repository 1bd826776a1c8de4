"""engine.digest: SHA-256 whichever module computes it (CPython's own below SMALL, OpenSSL's above)."""

from __future__ import annotations

import hashlib

import pytest
from kaoping.digest import SMALL, own_sha256, sha256_hex


def test_the_digest_of_abc_is_the_published_one():
    """FIPS 180-2's example: a value from the standard, not from either implementation."""
    assert sha256_hex(b"abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"


@pytest.mark.parametrize("size", [0, 1, 63, 64, 65, 4096, SMALL - 1, SMALL, SMALL + 1, 3 * SMALL])
def test_every_size_hashes_as_hashlib_does(size):
    data = bytes(range(256)) * (size // 256) + bytes(size % 256)
    assert sha256_hex(data) == hashlib.sha256(data).hexdigest()


def test_the_small_hash_is_not_openssl_s():
    """A control for the point of the module: the small-input hash is CPython's own, not hashlib's (OpenSSL)."""
    assert own_sha256() is not hashlib.sha256
    assert own_sha256().__module__ in ("_sha2", "_sha256")
