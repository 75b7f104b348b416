"""Character-level diff: Chinese has no spaces to split words on."""

from __future__ import annotations

import difflib
from typing import Literal

DiffOp = Literal["equal", "insert", "delete"]


def char_diff(old: str, new: str) -> list[tuple[DiffOp, str]]:
    """Character-level diff (Chinese has no spaces to split words on), merged runs."""
    matcher = difflib.SequenceMatcher(None, old, new, autojunk=False)
    result: list[tuple[DiffOp, str]] = []

    def add(op: DiffOp, text: str) -> None:
        if not text:
            return
        if result and result[-1][0] == op:
            result[-1] = (op, result[-1][1] + text)
        else:
            result.append((op, text))

    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            add("equal", old[i1:i2])
        else:
            add("delete", old[i1:i2])
            add("insert", new[j1:j2])
    return result


def similarity(a: str, b: str) -> float:
    if not a and not b:
        return 1.0
    return difflib.SequenceMatcher(None, a, b, autojunk=False).ratio()
