"""Writing output files whole or not at all."""

from __future__ import annotations

import errno
import os
import stat
import tempfile
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import BinaryIO

from .errors import fail
from .i18n import N_, _, current

# the system's reasons in Chinese (the system says its own, strerror, in English): only Chinese uses these
_REASONS = {
    errno.ENOENT: N_("no such file or directory"),
    errno.EACCES: N_("permission denied"),
    errno.EPERM: N_("operation not permitted"),
    errno.ENAMETOOLONG: N_("file name too long"),
    errno.EISDIR: N_("is a directory"),
    errno.ENOTDIR: N_("not a directory"),
    errno.EIO: N_("input/output error"),
    errno.ENOSPC: N_("no space left on device"),
    errno.EROFS: N_("read-only file system"),
    errno.EBUSY: N_("device or resource busy"),
}


def reason(error: OSError) -> str | None:
    """Why the system refused, as it says it (strerror, in English; None when it says nothing), or in Chinese
    when kaoping speaks Chinese and knows the refusal by its errno."""
    if error.errno in _REASONS and current() == "zh":
        return _(_REASONS[error.errno])
    return error.strerror


_BUFFER = 1 << 20  # bytes buffered before a write: a few system calls for a large file's small pieces

Piece = str | bytes | bytearray
"""Text, or text already encoded as UTF-8 (the columnar writers' blocks: no str is made of them)."""
Content = str | bytes | Iterable[Piece]
"""A file's content: whole, or text in pieces (a million units' JSON is written a block at a time)."""


def text_of(piece: Piece) -> str:
    """A piece as text (pieces end on a line, so bytes never split a character)."""
    return piece if isinstance(piece, str) else piece.decode("utf-8")


def joined(pieces: Iterable[Piece]) -> str:
    """Pieces as one text: what a renderer returns, from what its streamer yields."""
    return "".join(map(text_of, pieces))


def write_atomically(path: Path, data: Content, protect: tuple[Path, ...] = ()) -> None:
    """Write the whole file or nothing (see write_files)."""
    write_files([(path, data)], protect)


def write_files(files: Sequence[tuple[Path, Content]], protect: tuple[Path, ...] = ()) -> None:
    """Write every file whole, or none: temporary files beside them, renamed into place together.

    A failed run (bad data, a bug, Ctrl-C, a full disk) never leaves half a
    file, nor a table without its sidecar; an existing file is replaced only
    by a complete new one, keeping its permissions.  A link is written
    through, not replaced; folders, devices and the files in `protect` (the
    run's own inputs) are refused.
    """
    targets = [(path, _target(path, protect)) for path, _data in files]
    temporaries: list[str] = []
    writing = files[0][0]
    try:
        for (path, target), (_path, data) in zip(targets, files, strict=False):
            writing = path
            _temporary(path, target, data, temporaries)
        for tmp, (path, target) in zip(temporaries, targets, strict=False):
            writing = path
            os.replace(tmp, target)
    except OSError as e:
        raise fail(
            str(writing),
            _("cannot write the file: {reason}", reason=reason(e)),
            _("check the disk and the folder's permissions"),
            code="file.cannot-write",
        ) from None
    finally:
        for tmp in temporaries:
            Path(tmp).unlink(missing_ok=True)


def _target(path: Path, protect: tuple[Path, ...]) -> Path:
    """The file `path` writes (through a link), checked; a name the system refuses (too long...) is told, not raised."""
    try:
        target = path.resolve() if path.is_symlink() else path
        _check_target(path, target, protect)
    except OSError as e:
        raise fail(
            str(path),
            _("cannot write there: {reason}", reason=reason(e)),
            _("choose a shorter name, or a folder you can write to"),
            code="file.bad-name",
        ) from None
    return target


def _temporary(path: Path, target: Path, data: Content, temporaries: list[str]) -> None:
    """A complete copy of `data` beside `target`, with the permissions the file will have.

    Its name joins `temporaries` as soon as it exists, so that an interrupt
    (SIGTERM and Ctrl-C become exceptions in cli.main) at any point still
    has the caller's `finally` remove it.
    """
    try:
        fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name[:100]}.", suffix=".tmp")
    except OSError as e:
        raise fail(
            str(path),
            _("cannot write here: {reason}", reason=reason(e)),
            _("choose a folder you can write to"),
            code="file.folder-not-writable",
        ) from None
    temporaries.append(tmp)
    with os.fdopen(fd, "wb", buffering=_BUFFER) as f:
        if isinstance(data, (str, bytes)):
            f.write(data.encode("utf-8") if isinstance(data, str) else data)
        else:
            _write_pieces(f, data)
    os.chmod(tmp, stat.S_IMODE(target.stat().st_mode) if target.exists() else _default_mode())


def _write_pieces(f: BinaryIO, pieces: Iterable[Piece]) -> None:
    """Each piece written while the next is made: the writes in a thread of their own.

    Writing is the kernel copying into the page cache (a second or so for a
    million units' 550 MB on these machines), with the GIL released; making
    the next block is Python and numpy.  So they overlap.  The thread only
    writes: it takes finished pieces (never touched again by their maker)
    from a queue of two, and is always told to stop and waited for, whatever
    ends the making (its end, an exception, Ctrl-C), before the file is
    closed.  A write that fails (a full disk) stops the making and is raised
    here, as the same write would have been.
    """
    import queue  # here, not at the top: a command that writes no file never needs them
    import threading

    pending: queue.Queue[bytes | bytearray | None] = queue.Queue(maxsize=2)
    failed: list[OSError] = []

    def write() -> None:
        while (piece := pending.get()) is not None:
            if not failed:
                try:
                    f.write(piece)
                except OSError as e:
                    failed.append(e)

    writer = threading.Thread(target=write, name="kaoping-write", daemon=True)
    writer.start()
    try:
        for piece in pieces:
            if failed:
                break
            pending.put(piece.encode("utf-8") if isinstance(piece, str) else piece)
    finally:
        pending.put(None)
        writer.join()
    if failed:
        raise failed[0]


def _check_target(path: Path, target: Path, protect: tuple[Path, ...]) -> None:
    folder = target.parent if str(target.parent) else Path(".")
    if not folder.is_dir():
        raise fail(
            str(path),
            _("the folder {folder}/ does not exist", folder=folder),
            _("create it first, or write somewhere else"),
            code="file.no-such-folder",
        )
    if target.is_dir():
        raise fail(
            str(path),
            _("that is a folder, not a file"),
            _("give a file name, e.g. {example}", example=path / "result.csv"),
            code="file.folder",
        )
    if target.exists() and not target.is_file():
        message, hint = _("that is not an ordinary file"), _("write to an ordinary file")
        raise fail(str(path), message, hint, code="file.not-regular")
    for other in protect:
        if target.exists() and other.exists() and os.path.samefile(target, other):
            raise fail(
                str(path),
                _("that is an input of this run; writing there would destroy it"),
                _("write the result to another file"),
                code="file.overwrites-input",
            )


def _default_mode() -> int:
    """0o666 less the umask: what a file created the ordinary way would get."""
    umask = os.umask(0)
    os.umask(umask)
    return 0o666 & ~umask
