"""The duty list as frozen dataclasses: what the YAML holds and the database stores."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field

from dutylist.ids import (
    LETTER_KINDS,
    LIST_KINDS,
    LIST_LETTERS,
    SIDES,
    ListKind,
    Side,
    make_id,
    parse_id,
)

__all__ = [
    "LETTER_KINDS", "LIST_KINDS", "LIST_LETTERS", "SIDES", "Block", "Catalog",
    "Department", "Document", "Duty", "DutyList", "ListKind", "Side", "make_id", "parse_id",
]


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

    def body_texts(self) -> Iterator[str]:
        """The text of the duties cells in document order: headings, department lines, steps."""
        for block in (*self.upper_duties, *self.township_duties):
            if block.heading:
                yield block.heading
            if block.department:
                yield block.department
            yield from block.steps


@dataclass(frozen=True)
class Department:
    """A department, with the other names clerks use for it (our data, not official text).

    ``aliases``: current short forms (县民政局, 民政局, 卫健委) and township units that stand
    for it (司法所 for 司法局). ``former_names``: names before the 2018 reform or earlier
    renames and merged predecessors (计生委, 安监局, 工商局).
    """

    name: str
    aliases: tuple[str, ...] = ()
    former_names: tuple[str, ...] = ()

    def other_names(self) -> tuple[str, ...]:
        """Aliases, then former names."""
        return (*self.aliases, *self.former_names)


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

    def counts(self) -> dict[ListKind, int]:
        """The number of items of each list (0 for a list the catalog lacks)."""
        return {kind: len(self.lists[kind].items) if kind in self.lists else 0
                for kind in LIST_KINDS}

    def __getitem__(self, kind: ListKind) -> tuple[Duty, ...]:
        return self.lists[kind].items
