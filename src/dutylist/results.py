"""What searches and lookups return: plain data, no display words."""

from __future__ import annotations

import builtins
from dataclasses import dataclass, field
from typing import NamedTuple

from dutylist.ids import ListKind, Side

# ---------------------------------------------------------------- results


@dataclass
class DutyRow:
    """One item as listed by search and the filters."""

    id: str
    list: ListKind
    seq: int
    category: str
    name: str
    departments: builtins.list[str]
    note: str | None = None
    score: float | None = None
    matched: str | None = None
    matched_in: str | None = None


@dataclass
class SearchResult:
    query: str
    rows: list[DutyRow]
    partial: bool = False
    verdict: str = "not_found"
    """found (the rows answer the query), partial (near misses only) or not_found."""
    suggestion: str | None = None
    """The corrected query whose results these are (养拳 → 养犬), if the query was corrected."""
    total: int = 0
    words: list[str] = field(default_factory=list)
    truncated_query: bool = False
    total_capped: bool = False
    """``total`` is COUNT_CAP and more items match (counting them all costs more than it tells)."""


class BlockView(NamedTuple):
    side: Side
    heading: str | None
    department: str | None
    numbered: bool
    steps: tuple[str, ...]


@dataclass
class DutyDetail:
    row: DutyRow
    upper: list[BlockView]
    township: list[BlockView]
