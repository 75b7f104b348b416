"""Chinese line breaking for a terminal (standard library only).

A terminal table folds text by cells; Chinese text has no spaces, so a plain
fold may start a line with closing punctuation (``，`` ``、`` ``）``) or end
one with opening punctuation (``（`` ``“``). ``break_offsets`` chooses where a
text is cut into lines of at most ``width`` cells following the common rules
(kinsoku, as in JIS X 4051 / W3C clreq): such a character moves to the next
line together with the character before it (or after it). Latin words and
numbers are not cut unless longer than a line. Every character is kept.

``cells`` is the width of a text in a terminal: wide and fullwidth characters
take two cells, combining marks none. ``ascii_text`` replaces the punctuation
whose width terminals disagree on (East Asian "ambiguous": “” ‘’ — … · →) by
plain ASCII, for terminals that draw them double width (``--ascii``).
"""

from __future__ import annotations

import unicodedata
from functools import lru_cache

NO_LINE_START = frozenset(
    "、，；：。．，！？）」』】〕〉》］｝〗〙”’,.;:!?)]}…‥—–-%％·・ー～〜ゝゞ々"
)
"""Closing and middle punctuation: never the first character of a line."""

NO_LINE_END = frozenset("（「『【〔〈《［｛〖〘“‘([{")
"""Opening punctuation: never the last character of a line."""

ASCII_PUNCTUATION = {
    "“": '"', "”": '"', "‘": "'", "’": "'", "—": "-", "–": "-", "―": "-", "…": "...",
    "‥": "..", "·": ".", "•": "*", "→": "->", "←": "<-", "↑": "^", "↓": "v", "×": "x",
    "÷": "/", "°": " deg", "※": "*", "○": "o", "●": "*", "★": "*", "☆": "*", "□": "[]",
    "■": "#", "△": "^", "▲": "^", "◆": "*", "◇": "*", "√": "v", "≤": "<=", "≥": ">=",
    "±": "+/-", "§": "S", "①": "(1)", "②": "(2)", "③": "(3)", "④": "(4)", "⑤": "(5)",
    "⑥": "(6)", "⑦": "(7)", "⑧": "(8)", "⑨": "(9)", "⑩": "(10)",
}
"""Ambiguous-width characters and their plain replacement (anything else ambiguous
that NFKC maps to ASCII is replaced by that)."""


@lru_cache(maxsize=4096)
def char_cells(char: str) -> int:
    if unicodedata.combining(char) or char in "\u200b\u200c\u200d\ufeff":
        return 0
    return 2 if unicodedata.east_asian_width(char) in ("W", "F") else 1


def cells(text: str) -> int:
    """Terminal cells of ``text``."""
    return sum(char_cells(char) for char in text)


def _glued(before: str, after: str) -> bool:
    """No line break allowed between these two characters."""
    if after in NO_LINE_START or before in NO_LINE_END:
        return True
    # Latin words and numbers stay whole (C16, 2023, 12345); so do runs of spaces.
    return (before.isascii() and before.isalnum() and after.isascii() and after.isalnum()) or (
        after == " " and before == " "
    )


def break_offsets(text: str, width: int) -> list[int]:
    """Where to cut ``text`` (one line, no line breaks) into lines of at most ``width``
    cells: the offsets of the characters that start a new line.

    Greedy: each line takes as much as fits, then steps back to the last place a
    break is allowed; a line with no such place is cut where it is full (a word
    longer than a line, or punctuation alone).
    """
    width = max(width, 2)
    offsets: list[int] = []
    start = 0
    used = 0
    index = 0
    while index < len(text):
        size = char_cells(text[index])
        if used + size <= width or index == start:
            used += size
            index += 1
            continue
        cut = index
        while cut > start + 1 and _glued(text[cut - 1], text[cut]):
            cut -= 1
        if cut == start + 1 and _glued(text[cut - 1], text[cut]):
            cut = index  # nowhere allowed: cut where the line is full
        offsets.append(cut)
        start = index = cut
        used = 0
    return offsets


def ascii_text(text: str) -> str:
    """``text`` with ambiguous-width punctuation replaced by ASCII (``“”—…·→``)."""
    if text.isascii():
        return text
    out = []
    for char in text:
        if char in ASCII_PUNCTUATION:
            out.append(ASCII_PUNCTUATION[char])
        elif not char.isascii() and unicodedata.east_asian_width(char) == "A":
            plain = unicodedata.normalize("NFKC", char)
            out.append(plain if plain.isascii() else char)
        else:
            out.append(char)
    return "".join(out)
