"""Lines of the extracted text: page artefacts dropped, tables told apart.

The PDF text repeats the table header on every page (in several spellings,
the coordinated one spread over three lines, sometimes without its first
line), may carry page footers (``第 29 页，共 57 页``, ``第30页 共58页``,
``- 30 -`` …).  They are recognised on the text with whitespace removed and
dropped wherever they occur, also in the middle of a wrapped cell.  Titles of the
document and of its tables (``二、配合履职事项清单``, ``附件2``) are dropped where a
title stands: before the first item, or before the header of the next table.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

from dutylist.ids import LIST_KINDS, ListKind
from dutylist.source.text import LINE_BREAK

__all__ = ["Line", "Tables", "split_tables", "squash"]


@dataclass(frozen=True)
class Line:
    """A non-blank line of the source: 1-based line number and text without outer spaces."""

    no: int
    text: str


Tables = dict[ListKind, list[Line]]

_SPACES = re.compile(r"\s+")
# Line ends as editors count them (Windows, Unix, old Mac), so ``file:line`` is the line a
# clerk finds in Notepad or WPS. Not str.splitlines(): it also breaks at a form feed (which
# pdftotext writes at every page break), \x1c-\x1e, \x85 and U+2028/9, shifting the numbers.
_LINE_BREAK = LINE_BREAK
# Stripped from both ends of a line besides whitespace: the byte-order mark a second file
# brings when two texts are joined (``copy a.txt+b.txt`` on Windows), a zero-width space.
_INVISIBLE = "\ufeff\u200b"

# Page footers and page numbers, matched on the squashed line.
_FOOTER_RES = (
    re.compile(r"^第\d+页[，,、.。;；:：/]?共\d+页$"),
    re.compile(r"^共\d+页[，,、.。;；:：/]?第\d+页$"),
    re.compile(r"^第\d+页$"),
    re.compile(r"^[-－—–‐]+\d+[-－—–‐]+$"),
    re.compile(r"^\d+/\d+$"),
    re.compile(r"^(?:page|Page|PAGE)\d+(?:of\d+)?$"),
)

# ``第 30 页，共 58 页`` sharing a line with text (set off by spaces): the footer goes.
_INLINE_FOOTER = re.compile(r"(?:^|\s)第\s*\d+\s*页\s*[，,、/]?\s*共\s*\d+\s*页(?=\s|$)")

# Titles of the document and of its tables (``大南沟乌孜别克族乡履职事项清单``,
# ``二、配合履职事项清单``, ``附件2：…上级部门收回事项清单（2027年版）``), squashed: page
# furniture like the headers, never the text of the item before them.
_TITLE_RE = re.compile(
    r"^(?:附件\d*[：:]?)?(?:[一二三四五六七八九十]+、|[（(][一二三四五六七八九十]+[）)]|\d+[.、．])?"
    r"[\u4e00-\u9fff]{0,30}?(?:基本履职|配合履职|上级部门收回|收回|履职)事项清单"
    r"(?:[（(][^（）()]{1,20}[）)])?$"
)
# ``附件`` / ``附件2`` on a line of its own.
_ATTACHMENT_RE = re.compile(r"^附件\d*[：:]?$")

# Header lines, squashed.  Which table each one opens (None: any table).
_BASIC_HEADER = "序号事项类别事项名称"
_HEADERS: dict[str, ListKind | None] = {
    _BASIC_HEADER: None,
    _BASIC_HEADER + "承接部门及工作方式": "withdrawn",
    _BASIC_HEADER + "承接部门": "withdrawn",
    "承接部门及工作方式": "withdrawn",
    _BASIC_HEADER + "对应上级部门上级部门职责乡镇配合职责": "coordinated",
    _BASIC_HEADER + "对应上级": "coordinated",
    "对应上级部门上级部门职责乡镇配合职责": "coordinated",
    "对应上级": "coordinated",
    "对应上级部门": "coordinated",
    "上级部门职责乡镇配合职责": "coordinated",
}
# ``部门`` alone is the middle line of the spread coordinated header only next to the others;
# elsewhere it is the tail of a wrapped department name (C84 of the 2024 text).
_HEADER_MIDDLE = "部门"
_HEADER_BEFORE_MIDDLE = {"对应上级", _BASIC_HEADER + "对应上级"}
_HEADER_AFTER_MIDDLE = "上级部门职责乡镇配合职责"

Artefact = Literal["footer", "header"]


def squash(text: str) -> str:
    return _SPACES.sub("", text)


def is_footer(text: str) -> bool:
    s = squash(text)
    return any(r.match(s) for r in _FOOTER_RES)


def split_tables(raw: str) -> Tables:
    """The body lines of each table, in order, without headers, footers or blank lines.

    A table starts at the first header naming its own columns (the coordinated one at
    ``对应上级``…, the withdrawn one at ``承接部门及工作方式``); the basic table is
    what comes before.  Tables keep the document's order: basic, coordinated, withdrawn.
    """
    lines = [
        Line(no, _INLINE_FOOTER.sub("", text).strip().strip(_INVISIBLE).strip())
        for no, text in enumerate(_LINE_BREAK.split(raw), start=1)
    ]
    lines = [ln for ln in lines if ln.text]
    squashed = [squash(ln.text) for ln in lines]
    kinds: list[ListKind | None | Literal[False]] = []  # False: body text
    for i, s in enumerate(squashed):
        if is_footer(s):
            kinds.append(None)
        elif s in _HEADERS:
            kinds.append(_HEADERS[s])
        elif s == _HEADER_MIDDLE and (
            (i > 0 and squashed[i - 1] in _HEADER_BEFORE_MIDDLE)
            or (i + 1 < len(squashed) and squashed[i + 1] == _HEADER_AFTER_MIDDLE)
        ):
            kinds.append("coordinated")
        else:
            kinds.append(False)
    _drop_titles(squashed, kinds)
    _drop_signature(squashed, kinds)
    tables: Tables = {kind: [] for kind in LIST_KINDS}
    current: ListKind = "basic"
    for ln, kind in zip(lines, kinds, strict=True):
        if kind is False:
            _append(tables[current], ln)
        elif kind is not None and LIST_KINDS.index(kind) > LIST_KINDS.index(current):
            current = kind
    return tables


def _drop_titles(squashed: list[str], kinds: list[ListKind | None | Literal[False]]) -> None:
    """Mark title lines as artefacts where a title stands: before the first item, or just
    before the header that opens the next table (a line of an item's text that happens to
    read ``…履职事项清单`` elsewhere stays text)."""
    seen_body = False
    current: ListKind = "basic"
    for i, s in enumerate(squashed):
        kind = kinds[i]
        if kind is not False:
            if kind is not None and _later(kind, current):
                current = kind
            continue
        if not _is_title(s):
            seen_body = True
            continue
        j = i + 1  # past other titles and footers: what does the title stand before?
        while j < len(squashed) and (
            kinds[j] is None or (kinds[j] is False and _is_title(squashed[j]))
        ):
            j += 1
        opens = kinds[j] if j < len(squashed) else None
        if not seen_body or (opens is not None and opens is not False and _later(opens, current)):
            kinds[i] = None
        else:
            seen_body = True


# The signature block a 公文 ends with (落款): the issuing bodies, then the date.
_DATE_RE = re.compile(r"^(?:\d{4}|[〇○零一二三四五六七八九]{4})年\d{1,2}月\d{1,2}日(?:印发)?$"
                      r"|^[〇○零一二三四五六七八九]{4}年[一二三四五六七八九十]{1,2}月[一二三四五六七八九十]{1,3}日$")
_ISSUER_RE = re.compile(r"^[\u4e00-\u9fff]{2,40}(?:人民政府|委员会|办公室|党委|党政办)$")
_NO_TEXT = "（此页无正文）"


def _drop_signature(squashed: list[str], kinds: list[ListKind | None | Literal[False]]) -> None:
    """Mark the signature block after the last item as an artefact: a date line at the very
    end of the text and the issuing bodies just above it; ``（此页无正文）`` anywhere."""
    body = [i for i, kind in enumerate(kinds) if kind is False]
    for i in body:
        if squashed[i] in (_NO_TEXT, _NO_TEXT[1:-1], "(此页无正文)"):
            kinds[i] = None
    body = [i for i in body if kinds[i] is False]
    if not body or not _DATE_RE.match(squashed[body[-1]]):
        return
    kinds[body[-1]] = None
    for i in reversed(body[-3:-1]):
        if not _ISSUER_RE.match(squashed[i]):
            break
        kinds[i] = None


def _is_title(squashed: str) -> bool:
    return bool(_TITLE_RE.match(squashed) or _ATTACHMENT_RE.match(squashed))


def _later(kind: ListKind, current: ListKind) -> bool:
    return LIST_KINDS.index(kind) > LIST_KINDS.index(current)


# A step or heading number cut from its mark by a line or page break (``2`` / ``.对上报…``,
# ``二`` / ``、…``): nothing else in the text puts a number alone on a line before a
# line that starts with that mark.
_CUT_NUMBER = re.compile(r"^(?:\d{1,2}|[一二三四五六七八九十]{1,3})$")
_NUMBER_MARKS = {".", "、"}


def _append(body: list[Line], ln: Line) -> None:
    """Add a body line; a number cut from its mark is joined again, at the number's line."""
    if body and ln.text[:1] in _NUMBER_MARKS and _CUT_NUMBER.match(body[-1].text):
        mark_is_step = ln.text[0] != "、"
        if mark_is_step == body[-1].text.isdigit():
            body[-1] = Line(body[-1].no, body[-1].text + ln.text)
            return
    body.append(ln)
