"""Character-level diff: Chinese has no spaces to split words on."""

from __future__ import annotations

import difflib
from typing import Literal

DiffOp = Literal["equal", "insert", "delete"]


EXACT_CHARS = 2_000
"""Texts up to this many characters (both sides together) are diffed exactly as difflib
finds it; a longer text is first cut to what differs, then aligned line by line with
characters compared within lines, so a long cell edited in many places costs about its
length, not its square."""


def char_diff(old: str, new: str) -> list[tuple[DiffOp, str]]:
    """Character-level diff (Chinese has no spaces to split words on), merged runs."""
    result: list[tuple[DiffOp, str]] = []
    for op, text in _char_ops(old, new):
        if not text:
            continue
        if result and result[-1][0] == op:
            result[-1] = (op, result[-1][1] + text)
        else:
            result.append((op, text))
    return result


def _char_ops(old: str, new: str) -> list[tuple[DiffOp, str]]:
    if len(old) + len(new) > EXACT_CHARS:
        return _long_char_ops(old, new)
    matcher = difflib.SequenceMatcher(None, old, new, autojunk=False)
    ops: list[tuple[DiffOp, str]] = []
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            ops.append(("equal", old[i1:i2]))
        else:
            ops += [("delete", old[i1:i2]), ("insert", new[j1:j2])]
    return ops


def _long_char_ops(old: str, new: str) -> list[tuple[DiffOp, str]]:
    """A long text's diff: common ends kept, the rest by lines, characters within lines."""
    limit = min(len(old), len(new))
    start = 0
    while start < limit and old[start] == new[start]:
        start += 1
    end = 0
    while end < limit - start and old[-1 - end] == new[-1 - end]:
        end += 1
    a, b = old[start : len(old) - end], new[start : len(new) - end]
    ops: list[tuple[DiffOp, str]] = [("equal", old[:start])]
    if len(a) + len(b) <= EXACT_CHARS:
        ops += _char_ops(a, b)
    elif "\n" in a or "\n" in b:
        lines_a, lines_b = a.splitlines(keepends=True), b.splitlines(keepends=True)
        matcher = difflib.SequenceMatcher(None, lines_a, lines_b, autojunk=False)
        for tag, i1, i2, j1, j2 in matcher.get_opcodes():
            if tag == "equal":
                ops.append(("equal", "".join(lines_a[i1:i2])))
            elif tag == "replace" and i2 - i1 == j2 - j1:
                for x, y in zip(lines_a[i1:i2], lines_b[j1:j2], strict=True):
                    ops += _char_ops(x, y)
            else:
                x, y = "".join(lines_a[i1:i2]), "".join(lines_b[j1:j2])
                if len(x) + len(y) <= EXACT_CHARS:
                    ops += _char_ops(x, y)
                else:
                    ops += [("delete", x), ("insert", y)]
    else:  # one long line changed all through: shown as replaced
        ops += [("delete", a), ("insert", b)]
    ops.append(("equal", old[len(old) - end :]))
    return ops


def similarity(a: str, b: str) -> float:
    """difflib's ratio of two texts (for long ones, from the bounded ``char_diff``)."""
    if not a and not b:
        return 1.0
    if len(a) + len(b) > EXACT_CHARS:
        same = sum(len(text) for op, text in char_diff(a, b) if op == "equal")
        return 2 * same / (len(a) + len(b))
    return difflib.SequenceMatcher(None, a, b, autojunk=False).ratio()
