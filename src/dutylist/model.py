"""The duty list as frozen dataclasses: what the YAML holds and the database stores."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Literal

ListKind = Literal["basic", "coordinated", "withdrawn"]
LIST_KINDS: tuple[ListKind, ...] = ("basic", "coordinated", "withdrawn")
LIST_LETTERS: dict[ListKind, str] = {"basic": "B", "coordinated": "C", "withdrawn": "W"}
LETTER_KINDS: dict[str, ListKind] = {v: k for k, v in LIST_LETTERS.items()}

# What each list means for "whose duty is this", in the document's words.
LIST_TITLES: dict[ListKind, str] = {
    "basic": "基本履职事项",
    "coordinated": "配合履职事项",
    "withdrawn": "上级部门收回事项",
}

Side = Literal["upper", "township"]
SIDES: tuple[Side, ...] = ("upper", "township")

_ID_RE = re.compile(r"^\s*([BCWbcw])\s*[-_ ]?\s*0*(\d+)\s*$")


@dataclass(frozen=True)
class Block:
    """One part of a duties cell: optional heading or department line, then steps."""

    steps: tuple[str, ...]
    heading: str | None = None
    department: str | None = None
    numbered: bool = True


@dataclass(frozen=True)
class Duty:
    """One item (事项) of one of the three lists."""

    list: ListKind
    seq: int
    category: str
    name: str
    departments: tuple[str, ...] = ()
    upper_duties: tuple[Block, ...] = ()
    township_duties: tuple[Block, ...] = ()
    note: str | None = None

    @property
    def id(self) -> str:
        return make_id(self.list, self.seq)


@dataclass(frozen=True)
class Department:
    name: str
    aliases: tuple[str, ...] = ()


@dataclass(frozen=True)
class Document:
    township: str
    county: str
    title: str
    source: str | None = None
    # Revision of the list (动态调整): 文号, date and version, when recorded.
    doc_number: str | None = None
    date: str | None = None
    version: str | None = None


@dataclass(frozen=True)
class DutyList:
    kind: ListKind
    title: str
    items: tuple[Duty, ...]


@dataclass(frozen=True)
class Catalog:
    """The whole document: its metadata, departments and three lists."""

    document: Document
    departments: tuple[Department, ...]
    lists: dict[ListKind, DutyList] = field(default_factory=dict)

    def duties(self) -> list[Duty]:
        return [duty for kind in LIST_KINDS if kind in self.lists for duty in self[kind]]

    def __getitem__(self, kind: ListKind) -> tuple[Duty, ...]:
        return self.lists[kind].items


def make_id(kind: ListKind, seq: int) -> str:
    return f"{LIST_LETTERS[kind]}{seq}"


def parse_id(text: str) -> tuple[ListKind, int] | None:
    """Read an item id as users type it: ``C16``, ``c16``, ``C-16``, ``C-016``."""
    match = _ID_RE.match(text)
    if not match:
        return None
    return LETTER_KINDS[match.group(1).upper()], int(match.group(2))
