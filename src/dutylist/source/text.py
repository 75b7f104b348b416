"""Files as people save them: the encoding (every file dutylist reads is decoded here:
UTF-8, UTF-16 with a BOM, GBK/GB18030), and YAML syntax errors in Chinese at the line
where the person should look (PyYAML's own words translated for the common cases)."""

from __future__ import annotations

import os
import re
import stat
from dataclasses import dataclass

import yaml

from dutylist import labels
from dutylist.errors import SourceError
from dutylist.textio import FALLBACK, UTF8_BOM, UTF16_BOMS


class NotUtf8(Exception):
    """Bytes that are none of the encodings read: ``line`` of the first bad byte, ``guess``
    what they seem to be (a label, or "")."""

    def __init__(self, line: int, guess: str, message: str = labels.NOT_UTF8) -> None:
        super().__init__(line, guess)
        self.line = line
        self.guess = guess
        self.template = message

    def message(self) -> str:
        return self.template.format(guess=self.guess)


@dataclass(frozen=True)
class Decoded:
    """A file's text and the encoding it was read in (``utf-8``, ``utf-16``, ``gb18030``)."""

    text: str
    encoding: str = "utf-8"

    def note(self, shown: str) -> str | None:
        """The one line that says a file was not UTF-8 and how it was read; None for UTF-8."""
        name = labels.ENCODING_NAMES.get(self.encoding)
        return labels.NOTE_DECODED.format(encoding=name, path=shown) if name else None


# Files that are not text at all, by their first bytes: what to tell the user.
_SIGNATURES = (
    (b"%PDF-", "pdf"),
    (b"PK\x03\x04", "office"),  # docx, xlsx, wps/et of recent versions (zip)
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "office"),  # doc, xls, wps (OLE)
    (b"{\\rtf", "rtf"),
    (b"SQLite format 3\x00", "sqlite"),
)


def decode(raw: bytes) -> Decoded:
    """The text of a file as a clerk saves it, every character as written.

    UTF-8 first (a byte-order mark dropped); else UTF-16 when it starts with a byte-order
    mark (Notepad's "Unicode"); else GB18030, the superset of GBK that Chinese Windows
    writes (Notepad's "ANSI", WPS's 文本) — each decoded strictly, never guessed byte by
    byte. NotUtf8 for anything else, saying what it seems to be: a file with NUL bytes is
    no text in any of these, and a UTF-8 file with a few bad bytes is damaged, not GBK.
    """
    for signature, kind in _SIGNATURES:
        if raw.startswith(signature):
            raise NotUtf8(1, labels.NOT_TEXT_KINDS[kind], labels.NOT_TEXT)
    try:
        return Decoded(raw.decode("utf-8-sig"))
    except UnicodeDecodeError:
        pass
    line = _first_bad_line(raw)
    if raw.startswith(UTF16_BOMS):
        try:
            text = raw.decode("utf-16")
        except UnicodeDecodeError:
            raise NotUtf8(1, labels.ENCODING_UTF16_BROKEN) from None
        if "\x00" not in text:  # UTF-32 also starts with FF FE
            return Decoded(text, "utf-16")
        raise NotUtf8(1, "")
    if b"\x00" in raw:
        nul = raw.index(b"\x00")
        guess = labels.ENCODING_UTF16 if _looks_utf16(raw) else ""
        raise NotUtf8(raw[:nul].count(b"\n") + 1, guess)
    if raw.startswith(UTF8_BOM) or _mostly_utf8(raw):
        raise NotUtf8(line, "", labels.BROKEN_UTF8)
    try:
        text = raw.decode(FALLBACK)
    except UnicodeDecodeError:
        raise NotUtf8(line, "") from None
    rare = _rare_line(text)
    if rare is not None:
        raise NotUtf8(rare, labels.ENCODING_NOT_GBK)
    return Decoded(text, FALLBACK)


def _first_bad_line(raw: bytes) -> int:
    """The line of the first byte that is not UTF-8."""
    try:
        raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        return raw[: exc.start].count(b"\n") + 1
    return 1


_CONTROLS = re.compile("[\x00-\x08\x0e-\x1f]")


def _looks_utf16(raw: bytes) -> bool:
    """UTF-16 without a byte-order mark: lines of text without control characters."""
    for encoding in ("utf-16-le", "utf-16-be"):
        try:
            text = raw.decode(encoding)
        except UnicodeDecodeError:
            continue
        if "\n" in text and not _CONTROLS.search(text):
            return True
    return False


def _rare_line(text: str) -> int | None:
    """The first line with a character outside GB2312 when such characters are too many
    for Chinese text: bytes of another encoding (Big5, Shift-JIS, a Western code page)
    that GB18030 happens to decode. Chinese text in GBK is almost all GB2312 characters
    (the 2024 list: 99.98 %); Big5 text read as GBK, about a third."""
    wide = [ch for ch in text if ch > "\x7f"]
    if len(wide) < 20:
        return None
    rare = sum(1 for ch in wide if not _in_gb2312(ch))
    if rare * 10 <= len(wide):
        return None
    for number, line in enumerate(LINE_BREAK.split(text), start=1):
        if any(ch > "\x7f" and not _in_gb2312(ch) for ch in line):
            return number
    return 1  # pragma: no cover - a rare character is on some line


def _in_gb2312(ch: str) -> bool:
    """In the GB2312 area of GB18030 (two bytes, both A1-FE: hanzi, punctuation, ①, —)."""
    encoded = ch.encode(FALLBACK)
    return len(encoded) == 2 and encoded[0] >= 0xA1 and encoded[1] >= 0xA1


def _mostly_utf8(raw: bytes) -> bool:
    """UTF-8 with a few bad bytes (damaged, or one line pasted in another encoding).

    Read as UTF-8, GBK text gives about one wide character for thirty bad sequences;
    UTF-8 Chinese text gives nothing but wide characters.
    """
    text = raw.decode("utf-8", errors="replace")
    bad = text.count("\ufffd")
    wide = sum(1 for ch in text if ch >= "\u0800") - bad
    return wide > bad


LINE_BREAK = re.compile(r"\r\n|\r|\n")
"""Line ends as editors (and YAML) count them: Windows, Unix, old Mac."""

MAX_SOURCE_BYTES = 16 * 1024 * 1024
"""Largest file read (the real list is about 160 KB, its official text about 120 KB)."""


def read_file(
    path: str | os.PathLike[str],
    *,
    expected: str = labels.EXPECTED_YAML,
    notes: list[str] | None = None,
) -> tuple[Decoded, str]:
    """(decoded text, path as shown) of a regular file of at most MAX_SOURCE_BYTES.

    SourceError (``file:line: message``) for a file that is missing, not a regular file
    (``expected`` says what should have been given), too big, or in no encoding read.
    The note saying how a file that is not UTF-8 was read is appended to ``notes``.
    """
    shown = str(path)
    raw = _read_regular(path, shown, expected)
    try:
        decoded = decode(raw)
    except NotUtf8 as exc:
        raise SourceError([f"{shown}:{exc.line}: {exc.message()}"]) from None
    note = decoded.note(shown)
    if note is not None and notes is not None:
        notes.append(note)
    return decoded, shown


def _read_regular(path: str | os.PathLike[str], shown: str, expected: str) -> bytes:
    """The bytes of a regular file of at most MAX_SOURCE_BYTES; never waits on a pipe."""
    # O_NONBLOCK: opening a named pipe must not wait for a writer; it is refused below.
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0)
    try:
        handle = os.open(path, flags)
    except FileNotFoundError:
        raise SourceError([labels.YAML_FILE_MISSING.format(path=shown)]) from None
    except IsADirectoryError:
        folder = labels.YAML_NOT_REGULAR.format(path=shown, what=labels.FOLDER, expected=expected)
        raise SourceError([folder]) from None
    except OSError as exc:
        error = exc.strerror or exc
        raise SourceError([labels.YAML_FILE_UNREADABLE.format(path=shown, error=error)]) from None
    too_big = SourceError([labels.YAML_TOO_BIG.format(
        path=shown, limit=MAX_SOURCE_BYTES // (1024 * 1024), expected=expected)])
    try:
        info = os.fstat(handle)
        if not stat.S_ISREG(info.st_mode):
            what = labels.FOLDER if stat.S_ISDIR(info.st_mode) else labels.DEVICE_OR_PIPE
            raise SourceError([labels.YAML_NOT_REGULAR.format(
                path=shown, what=what, expected=expected)])
        if info.st_size > MAX_SOURCE_BYTES:
            raise too_big
        with os.fdopen(handle, "rb", closefd=False) as stream:
            raw = stream.read(MAX_SOURCE_BYTES + 1)
    except OSError as exc:
        error = exc.strerror or exc
        raise SourceError([labels.YAML_FILE_UNREADABLE.format(path=shown, error=error)]) from None
    finally:
        os.close(handle)
    if len(raw) > MAX_SOURCE_BYTES:
        raise too_big
    return raw


# PyYAML's problem strings (yaml/scanner.py, yaml/parser.py) -> labels.YAML_PROBLEMS keys.
_PROBLEMS: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(pattern), key)
    for pattern, key in (
        (r"^mapping values are not allowed here", "colon"),
        (r"^could not find expected ':'", "no_colon"),
        (r"^found character '\\t'|tab character", "tab"),
        (r"^found character '(.)' that cannot start any token", "bad_start"),
        (r"^expected <block end>, but found '<scalar>'", "extra_text"),
        (r"^expected <block end>", "indent"),
        (r"^did not find expected key", "indent"),
        (r"^did not find expected '-' indicator", "dash"),
        (r"^found unexpected end of stream", "unclosed_quote"),
        (r"^found unknown escape character '?([^']*)'?", "escape"),
        (r"^expected ',' or '\]'", "bracket"),
        (r"^expected ',' or '\}'", "brace"),
        (r"^found undefined alias", "alias"),
        (r"^expected a comment or a line break", "extra_text"),
    )
)
# Errors found while reading something that began earlier: the beginning is where to look.
_CONTEXT_FIRST = (
    "while scanning a quoted", "while scanning a double-quoted", "while scanning a single-quoted",
    "while scanning a simple key", "while parsing a flow",
)


def yaml_problem(exc: yaml.MarkedYAMLError) -> tuple[int, str]:
    """(1-based line, Chinese message) for a YAML syntax error."""
    problem = exc.problem or ""
    context = exc.context or ""
    use_context = exc.context_mark is not None and context.startswith(_CONTEXT_FIRST)
    mark = exc.context_mark if use_context else (exc.problem_mark or exc.context_mark)
    line = mark.line + 1 if mark is not None else 1
    for pattern, key in _PROBLEMS:
        found = pattern.search(problem)
        if found:
            return line, labels.YAML_PROBLEMS[key].format(*found.groups())
    detail = " ".join(p for p in (context, problem) if p)
    return line, labels.YAML_PROBLEM_OTHER.format(problem=detail)
