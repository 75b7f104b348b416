"""Control characters in the data: found for ``validate``, made visible for a terminal.

Text from the list (or typed by a user) is data. A terminal acts on control
characters instead of showing them: ESC starts sequences that set the window
title (OSC 0), write the clipboard (OSC 52), make links (OSC 8), clear the
screen or move the cursor up to overwrite the previous line; BEL rings; the C1
range (U+0080–U+009F) has its own CSI and OSC; bidi overrides reorder what
follows. So before text reaches a terminal or a plain-text pipe, each such
character is written as its escape (``\\x1b``, ``\\x9b``, ``\\u202e``).
JSON keeps the text exact: the characters are escaped the JSON way.

Pure standard library; used by render (output), source (warnings) and cli
(messages on stderr).
"""

from __future__ import annotations

import functools
import re
from typing import Any

# C0 except tab and line feed, DEL, C1, the bidi embeddings/overrides/isolates, the
# line/paragraph separators some terminals treat as line breaks, and lone surrogates
# (undecodable bytes of a command line or a pipe, which no encoder can write).
_CONTROL = "\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069\ud800-\udfff"
_PATTERNS = {
    "CONTROL_RE": f"[{_CONTROL}]",
    # Tab and line feed are layout in a table cell, but a message line must stay one line.
    "LINE_CONTROL_RE": f"[\t\n{_CONTROL}]",
    # What json.dumps(ensure_ascii=False) leaves raw that a terminal would act on.
    "_JSON_RAW_RE": "[\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069\ud800-\udfff]",
}


@functools.cache
def _pattern(name: str) -> re.Pattern[str]:
    """A pattern compiled when first used: each costs about half a millisecond, on every
    run's start (a piped search needs one of the three)."""
    return re.compile(_PATTERNS[name])


def __getattr__(name: str) -> Any:
    """``CONTROL_RE`` and ``LINE_CONTROL_RE``, compiled on first use."""
    if name in _PATTERNS:
        return _pattern(name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def _escape(match: re.Match[str]) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code <= 0xFF else f"\\u{code:04x}"


def visible(text: str) -> str:
    """``text`` with every control character written as its escape; tab and newline kept."""
    return _pattern("CONTROL_RE").sub(_escape, text)


def visible_line(text: str) -> str:
    """``text`` as one line: every control character, tab and newline included, escaped."""
    return _pattern("LINE_CONTROL_RE").sub(_escape, text)


def controls_in(text: str) -> list[str]:
    """The distinct control characters in ``text``, as escapes, in order of appearance."""
    return list(dict.fromkeys(_escape(m) for m in _pattern("CONTROL_RE").finditer(text)))


def has_surrogate(text: str) -> bool:
    """True when ``text`` holds a lone surrogate (U+D800–U+DFFF), which is no character."""
    return any("\ud800" <= ch <= "\udfff" for ch in text)


def json_safe(encoded: str) -> str:
    """JSON text from ``json.dumps(..., ensure_ascii=False)`` with DEL, C1 and bidi controls
    escaped as ``\\u`` sequences: the same JSON value, safe to print.

    json.dumps escapes C0 controls itself; the others can only occur inside strings,
    where ``\\uXXXX`` means the same character.
    """
    return _pattern("_JSON_RAW_RE").sub(lambda m: f"\\u{ord(m.group()):04x}", encoded)
