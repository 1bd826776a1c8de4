"""SHA-256 of bytes, without loading OpenSSL for the few kilobytes of a quick run.

`import hashlib` loads OpenSSL's libcrypto first: some 1.5 ms (12 M
instructions) of a cold start that is 0.1 s in all.  CPython's own SHA-256
module loads in a tenth of that but hashes a quarter as fast, so a ruleset, a
release lock or a month's CSV (a few kB) is hashed by it, and anything larger
than SMALL by hashlib's (a 100 MB CSV in 85 ms, not 330).  The digest is
SHA-256's either way (tests/test_digest.py).
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from functools import lru_cache
from typing import Any

SMALL = 512 * 1024
"""Bytes up to this are hashed by CPython's own module: below it, loading OpenSSL costs more than it saves."""


def sha256_hex(data: bytes) -> str:
    """The hex SHA-256 of `data`."""
    if len(data) > SMALL:
        import hashlib

        return hashlib.sha256(data).hexdigest()
    digest: Any = own_sha256()(data)
    return str(digest.hexdigest())


@lru_cache(maxsize=1)
def own_sha256() -> Callable[[bytes], object]:
    """CPython's built-in SHA-256 (_sha2 from 3.12, _sha256 before); hashlib's where a build has neither."""
    for name in ("_sha2", "_sha256"):
        try:
            made: Callable[[bytes], object] = importlib.import_module(name).sha256
            return made
        except (ImportError, AttributeError):
            continue
    import hashlib

    return hashlib.sha256
