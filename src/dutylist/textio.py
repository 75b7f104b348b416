"""Text in and out whatever the locale or console code page.

Output is UTF-8 always: on Windows a pipe or file would otherwise get the ANSI code page
(cp936), and ``PYTHONIOENCODING`` or a C locale would otherwise garble Chinese or fail.
Input from ``--stdin`` is read as bytes and decoded here: UTF-8 (with or without a BOM),
UTF-16 with a BOM (Notepad's "Unicode", PowerShell 5's ``>``), or GB18030, the superset of
GBK that Chinese Windows writes. The first line that is not plain ASCII decides between
UTF-8 and GB18030 for the rest; a line that is neither is reported, never fatal.
"""

from __future__ import annotations

import codecs
import sys
import unicodedata
from collections.abc import Callable, Iterable, Iterator
from typing import BinaryIO, TextIO

UTF8_BOM = codecs.BOM_UTF8
UTF16_BOMS = (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)
FALLBACK = "gb18030"
"""What a line that is not UTF-8 is taken to be: GB18030 decodes every GBK (cp936) text."""


def use_utf8(*streams: TextIO | None) -> None:
    """Make text streams (default: stdout and stderr) write UTF-8, whatever the locale,
    and write line ends as given: csv's ``\r\n`` must not become ``\r\r\n`` on Windows
    (blank rows in Excel), so ``\n`` is not translated either.

    Streams that cannot be reconfigured (a test's capture, a closed stream) are left alone.
    """
    for stream in streams or (sys.stdout, sys.stderr):
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is None:
            continue
        try:
            # backslashreplace: a lone surrogate (undecodable bytes in argv) is shown, not fatal.
            reconfigure(encoding="utf-8", errors="backslashreplace", newline="\n")
        except (OSError, ValueError):
            continue


def binary_stdin() -> BinaryIO:
    """The bytes under ``sys.stdin`` (a test may substitute a text stream without them)."""
    buffer = getattr(sys.stdin, "buffer", None)
    if buffer is not None:
        return buffer  # type: ignore[no-any-return]
    return _EncodedText(sys.stdin)  # type: ignore[return-value]


class _EncodedText:
    """A text stream seen as UTF-8 bytes, line by line."""

    def __init__(self, stream: TextIO) -> None:
        self._stream = stream

    def __iter__(self) -> Iterator[bytes]:
        return (line.encode("utf-8", "surrogateescape") for line in self._stream)

    def read(self) -> bytes:
        return self._stream.read().encode("utf-8", "surrogateescape")


def decode_lines(
    data: Iterable[bytes], warn: Callable[[int], None] | None = None
) -> Iterator[str]:
    """Decode input lines lazily (one line in, one line out, without its line break).

    ``warn(line_number)`` is called for a line that is neither UTF-8 nor GB18030; that
    line is still yielded, with U+FFFD for the bytes that could not be read.
    """
    lines = iter(data)
    first = next(lines, None)
    if first is None:
        return
    if first.startswith(UTF16_BOMS):
        # UTF-16 cannot be split at b"\n": read it whole.
        text = b"".join([first, *lines]).decode("utf-16", errors="replace")
        yield from (line.rstrip("\r") for line in text.split("\n"))
        return
    if first.startswith(UTF8_BOM):
        first = first[len(UTF8_BOM) :]
    chosen: str | None = None  # decided by the first line that is not plain ASCII
    for number, raw in enumerate(_chain(first, lines), start=1):
        raw = raw.rstrip(b"\n").rstrip(b"\r")
        if raw.isascii():
            yield raw.decode("ascii")
            continue
        order = [chosen] if chosen else []
        order += [enc for enc in ("utf-8", FALLBACK) if enc != chosen]
        for encoding in order:
            try:
                text = raw.decode(encoding)
            except UnicodeDecodeError:
                continue
            chosen = chosen or encoding
            yield text
            break
        else:
            if warn is not None:
                warn(number)
            yield raw.decode(chosen or "utf-8", errors="replace")


def _chain(first: bytes, rest: Iterator[bytes]) -> Iterator[bytes]:
    yield first
    yield from rest


def display_width(text: str) -> int:
    """Columns a text takes in a terminal or a spreadsheet cell: East Asian wide and
    full-width characters count two, combining marks none."""
    width = 0
    for char in text:
        if unicodedata.combining(char):
            continue
        width += 2 if unicodedata.east_asian_width(char) in "WF" else 1
    return width
