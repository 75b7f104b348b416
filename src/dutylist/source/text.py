"""Files as people save them: the encoding, and YAML syntax errors in Chinese at the
line where the person should look (PyYAML's own words translated for the common cases)."""

from __future__ import annotations

import re

import yaml

from dutylist import labels


class NotUtf8(Exception):
    """Bytes that are not UTF-8: ``line`` of the first bad byte, ``guess`` what they seem to be."""

    def __init__(self, line: int, guess: str) -> None:
        super().__init__(line, guess)
        self.line = line
        self.guess = guess

    def message(self) -> str:
        return labels.NOT_UTF8.format(guess=self.guess)


def decode(raw: bytes) -> str:
    """UTF-8 text (a byte-order mark dropped); NotUtf8 saying what else it seems to be."""
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise NotUtf8(1, labels.ENCODING_UTF16)
    try:
        raw.decode("gb18030")
    except UnicodeDecodeError:
        raise NotUtf8(line, "") from None
    raise NotUtf8(line, labels.ENCODING_GBK)


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
