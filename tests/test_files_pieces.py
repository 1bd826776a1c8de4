"""A file written from pieces (str, bytes, bytearray), its writes in a thread of their own: the whole file or none.

engine/files.py writes a streamed output's pieces while the next ones are
made.  Whatever ends the making (its end, an exception, Ctrl-C, a full disk),
the writer is stopped and waited for, the file is complete or absent, no
temporary file is left beside it, and a file it would replace is untouched.
"""

from __future__ import annotations

import errno
import os
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import kaoping.files
import pytest
from kaoping.errors import KaopingError
from kaoping.files import joined, write_files


def pieces(n: int, fail_at: int | None = None, error: BaseException | None = None) -> Iterator[str | bytes]:
    for k in range(n):
        if k == fail_at:
            assert error is not None
            raise error
        yield (
            f"第{k}行\n" if k % 3 == 0 else (f"line {k} 单位\n".encode() if k % 3 == 1 else bytearray(b"x" * k + b"\n"))
        )


def expected(n: int) -> bytes:
    return b"".join(p.encode() if isinstance(p, str) else bytes(p) for p in pieces(n))


def left_beside(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir())


def test_pieces_of_every_kind_are_written_in_order(tmp_path: Path) -> None:
    out = tmp_path / "out.json"
    write_files([(out, pieces(500))])
    assert out.read_bytes() == expected(500)
    assert left_beside(tmp_path) == ["out.json"]
    assert joined(pieces(500)).encode() == expected(500)


@pytest.mark.parametrize("error", [ValueError("a bug"), KeyboardInterrupt()])
def test_a_making_that_fails_leaves_no_file_and_the_old_one_whole(tmp_path: Path, error: BaseException) -> None:
    out = tmp_path / "out.json"
    out.write_bytes(b"the old table")
    threads = threading.active_count()
    with pytest.raises(type(error)):
        write_files([(out, pieces(500, fail_at=300, error=error))])
    assert out.read_bytes() == b"the old table"
    assert left_beside(tmp_path) == ["out.json"]
    assert threading.active_count() == threads  # the writer was stopped and waited for


def test_a_full_disk_stops_the_making_and_is_told(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The writer's failure ends the run as the same failure in the main thread would: file.cannot-write."""
    real = os.fdopen
    writes = []

    class Full:
        def __init__(self, f: Any) -> None:
            self.f = f

        def write(self, data: bytes) -> int:
            writes.append(len(data))
            if len(writes) > 20:
                raise OSError(errno.ENOSPC, "No space left on device")
            return int(self.f.write(data))

        def __enter__(self) -> Full:
            return self

        def __exit__(self, *exc: object) -> None:
            self.f.close()

    monkeypatch.setattr(kaoping.files.os, "fdopen", lambda *a, **k: Full(real(*a, **k)))
    made = []

    def counted() -> Iterator[str | bytes]:
        for piece in pieces(10_000):
            made.append(1)
            yield piece

    out = tmp_path / "out.json"
    with pytest.raises(KaopingError) as raised:
        write_files([(out, counted())])
    assert raised.value.codes == ("file.cannot-write",)
    assert "No space left on device" in str(raised.value)
    assert left_beside(tmp_path) == []
    assert len(made) < 100  # the making stopped soon after the failed write, not at the end
