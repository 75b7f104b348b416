"""List kinds and item ids (B28 / C16 / W1): the names every layer shares.

Kept apart from the dataclasses in ``model`` so that the query path, which
only needs these names, starts without building them. The words shown for
each list (基本履职事项 …) are in ``labels``.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Literal

ListKind = Literal["basic", "coordinated", "withdrawn"]
LIST_KINDS: tuple[ListKind, ...] = ("basic", "coordinated", "withdrawn")
LIST_LETTERS: dict[ListKind, str] = {"basic": "B", "coordinated": "C", "withdrawn": "W"}
LETTER_KINDS: dict[str, ListKind] = {v: k for k, v in LIST_LETTERS.items()}

Side = Literal["upper", "township"]
SIDES: tuple[Side, ...] = ("upper", "township")

# At most 9 digits: a longer number is no item of any list (and int() refuses 4,301 digits).
_ID_RE = re.compile(r"^\s*([BCWbcw])\s*[-_ ]?\s*0*(\d{1,9})\s*$")


def make_id(kind: ListKind, seq: int) -> str:
    return f"{LIST_LETTERS[kind]}{seq}"


def parse_id(text: str) -> tuple[ListKind, int] | None:
    """Read an item id as users type it: ``C16``, ``c16``, ``C-16``, ``C-016``, ``ｃ１６``."""
    match = _ID_RE.match(unicodedata.normalize("NFKC", text))
    if not match:
        return None
    return LETTER_KINDS[match.group(1).upper()], int(match.group(2))
