"""The input file itself, before a row is read: its size, its real kind (by its bytes, not its name), its bytes and checksum."""

from __future__ import annotations

import errno
import re
import stat
from pathlib import Path

from ..errors import KaopingError, fail
from ..files import reason
from ..i18n import N_, _

MAX_INPUT_BYTES = 200 * 2**20  # a CSV or workbook larger than this is refused from its size alone, before it is read
HEAD_BYTES = 4096  # what is read to tell a file's real kind (a workbook named .csv, UTF-16 text)


def input_size(path: Path, display: str) -> int:
    """The input's size in bytes, or KaopingError when it cannot be read or is beyond what kaoping reads.

    Checked from the file system before a byte is read, so a 1 GB file (even
    a sparse one) is refused at once, in no memory; callers that look at the
    file before read_table (a progress estimate) should call this first.
    """
    try:
        info = path.stat()
    except OSError as e:
        raise os_problem(e, display) from None
    if stat.S_ISDIR(info.st_mode):
        raise fail(
            display, _("this is a folder, not a data file"), _("give the CSV or .xlsx file itself"), code="file.folder"
        )
    if not stat.S_ISREG(info.st_mode):
        raise fail(
            display,
            _("this is not a regular file (a device, a pipe or a socket)"),
            _("give the CSV or .xlsx file itself"),
            code="file.not-regular",
        )
    if info.st_size > MAX_INPUT_BYTES:
        raise fail(
            display,
            _(
                "the file is {size:,.0f} MB; kaoping reads inputs of at most {most} MB",
                size=info.st_size / 2**20,
                most=MAX_INPUT_BYTES // 2**20,
            ),
            _("a month's records are far smaller: check that this is the right file, or split it"),
            code="file.too-big",
        )
    return info.st_size


# an operating system's refusal, by its errno: the hint that helps and the code that names it
_REFUSALS = {
    errno.ENOENT: (N_("check the path: no file has this name"), "file.not-found"),
    errno.EACCES: (
        N_("the file's permissions do not let you read it: ask its owner, or copy it somewhere you can"),
        "file.no-permission",
    ),
    errno.ENAMETOOLONG: (
        N_("a file name may be at most 255 bytes (a Chinese character takes 3): rename the file"),
        "file.name-too-long",
    ),
}


def system_reason(error: OSError) -> str:
    """Why the system refused the read, in the user's language (see engine.files.reason); never Python's name for
    the error."""
    return reason(error) or _("the system refused to read it")


def os_problem(error: OSError, display: str) -> KaopingError:
    """An operating-system refusal (no such file, no permission, a name too long) told as the user's problem."""
    hint, code = _REFUSALS.get(error.errno or 0, ("", "file.unreadable"))
    message = _("cannot read the input file: {reason}", reason=system_reason(error))
    return fail(display, message, _(hint) if hint else "", code=code)


def head(path: Path, display: str) -> bytes:
    """The file's first bytes, enough to tell what kind of file it really is."""
    try:
        with path.open("rb") as f:
            return f.read(HEAD_BYTES)
    except OSError as e:
        raise os_problem(e, display) from None


def real_kind(head: bytes) -> str:
    """What the bytes say the file is, whatever its name: xlsx, ods, xls (an OLE container), utf32, utf16, html or text.

    An OpenDocument file is a zip whose first part, stored unpacked, is named mimetype and says what it is
    (application/vnd.oasis.opendocument.spreadsheet), so the head tells an .ods from an .xlsx."""
    if head.startswith(b"PK\x03\x04"):
        return "ods" if head[30:38] == b"mimetype" and b"opendocument.spreadsheet" in head[38:128] else "xlsx"
    if head.startswith(b"\xd0\xcf\x11\xe0"):  # an OLE container: .xls, or a workbook encrypted with a password
        return "xls"
    if head.startswith((b"\xff\xfe\x00\x00", b"\x00\x00\xfe\xff")) or _utf32_without_bom(head):
        return "utf32"  # before UTF-16: a UTF-32 LE byte order mark starts with UTF-16's
    if head.startswith((b"\xff\xfe", b"\xfe\xff")) or _utf16_without_bom(head):
        return "utf16"
    if re.match(rb"\s*(<!doctype html|<html|<table|<\?xml[^>]*>\s*<html)", head[:512], re.I):
        return "html"
    return "text"


def _utf16_without_bom(head: bytes) -> bool:
    """UTF-16 that lost its byte order mark: NULs, nearly all on the same side of their byte pairs, and a line break
    written as UTF-16 ('\\n\\0' or '\\0\\n').  One NUL in a CSV is a control character, told as such later."""
    odd, even = head[1::2].count(0), head[0::2].count(0)
    if max(odd, even) < 2 or min(odd, even) * 4 > max(
        odd, even
    ):  # a few CJK characters (一 is 00 4E) have a NUL byte too
        return False
    return b"\n\x00" in head if odd > even else b"\x00\n" in head


def _utf32_without_bom(head: bytes) -> bool:
    """UTF-32 that lost its byte order mark: every character of the Basic Multilingual Plane (ASCII and CJK alike)
    has two NUL bytes on the same side of its four, and a line break is '\\n\\0\\0\\0' or '\\0\\0\\0\\n'."""
    body = head[: len(head) // 4 * 4]
    if len(body) < 8:
        return False
    if body[2::4].count(0) + body[3::4].count(0) == len(body) // 2:
        return b"\n\x00\x00\x00" in body
    if body[0::4].count(0) + body[1::4].count(0) == len(body) // 2:
        return b"\x00\x00\x00\n" in body
    return False


# a file whose bytes are another kind than kaoping reads: what it is, the way out, and its code
_REFUSED_KINDS = {
    "html": (
        N_("this is a web page (HTML), not a CSV file or a workbook, whatever its name"),
        N_("open it in Excel or WPS and save it as .xlsx (or as CSV UTF-8)"),
        "file.web-page",
    ),
    "xls": (
        N_("this is an old Excel workbook (.xls), or a workbook protected by a password"),
        N_("in Excel or WPS, remove the password and save it as .xlsx (or as CSV UTF-8)"),
        "file.old-excel",
    ),
    "utf32": (
        N_("this file is UTF-32 text, four bytes a character"),
        N_("in Excel or WPS, or in a text editor, save it as 'CSV UTF-8 (逗号分隔)' ('CSV UTF-8 (Comma delimited)')"),
        "csv.utf32",
    ),
    "utf16": (
        N_("this file is UTF-16 text (what Excel saves as 'Unicode 文本' / 'Unicode Text')"),
        N_("in Excel or WPS, save it as 'CSV UTF-8 (逗号分隔)' ('CSV UTF-8 (Comma delimited)')"),
        "csv.utf16",
    ),
}


# the workbook kinds kaoping reads, by the name they must carry, and how each is called in a message
_WORKBOOKS = {
    "xlsx": (".xlsx", N_("an Excel workbook (.xlsx)")),
    "ods": (".ods", N_("an OpenDocument spreadsheet (.ods)")),
}


def refuse_disguised(path: Path, head: bytes, display: str) -> str:
    """'xlsx' (any workbook: .xlsx, .xls or .ods, each read by engine/data/xlsx_in.py by its name) or 'csv', the
    reader the file needs; a file whose bytes are not what its name says is refused, saying what it is.

    An .xls is an OLE container, as a workbook protected by a password is: named .xls it is read (a password is
    told when calamine meets it); under any other name it is refused as it always was."""
    kind, named = real_kind(head), path.suffix.lower()
    if kind == "xls" and named == ".xls":
        return "xlsx"
    if kind in _REFUSED_KINDS:
        message, hint, code = _REFUSED_KINDS[kind]
        raise fail(display, _(message), _(hint), code=code)
    if named in (".xlsx", ".xls", ".ods") and kind not in _WORKBOOKS:
        raise fail(
            display,
            _(
                "this is not an Excel workbook kaoping can read: it is text (a CSV file?), though its name ends in {named}",
                named=named,
            ),
            _("if it is the month's CSV, rename it to .csv"),
            code="file.not-a-workbook",
        )
    if kind in _WORKBOOKS and named == _WORKBOOKS[kind][0]:
        return "xlsx"
    if kind in _WORKBOOKS:
        suffix, what = _WORKBOOKS[kind]
        raise fail(
            display,
            _("this is {what}, though its name ends in '{named}'", what=_(what), named=named)
            if named
            else _("this is {what}, though its name ends in '(no extension)'", what=_(what)),
            _("rename it to {suffix}", suffix=suffix),
            code="file.workbook-misnamed",
        )
    return "csv"


def read_bytes(path: Path, display: str, size: int) -> bytes:
    """The file's bytes: read once, for the CSV reader and for the table's checksum; never more than the cap,
    even if the file grew since it was measured."""
    try:
        with path.open("rb") as f:
            raw = f.read(size + 1)  # not read(MAX_INPUT_BYTES + 1), which sets aside the whole cap's memory first
            if len(raw) > size:
                raw += f.read(MAX_INPUT_BYTES + 1 - len(raw))
    except OSError as e:
        raise os_problem(e, display) from None
    if len(raw) > MAX_INPUT_BYTES:
        raise fail(
            display,
            _("the file grew beyond {most} MB while it was read", most=MAX_INPUT_BYTES // 2**20),
            _("read it once it is complete"),
            code="file.grew",
        )
    return raw


def file_sha256(path: Path, display: str) -> str:
    """A workbook's checksum, read in pieces (openpyxl reads the file itself)."""
    import hashlib  # a workbook of any size, read in chunks (engine.digest spares a small one OpenSSL's start)

    try:
        digest = hashlib.sha256()
        with path.open("rb") as f:
            for chunk in iter(lambda: f.read(1 << 20), b""):
                digest.update(chunk)
        return digest.hexdigest()
    except OSError as e:
        raise os_problem(e, display) from None
