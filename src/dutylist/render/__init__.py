"""Every output: one ``emit`` per command, tables for a terminal, plain formats for pipes.

A command returns an ``Output``: a payload (what it found), the format, its
exit code and the notes that follow the data. ``emit`` writes it: ``table``
through ``render.tables`` (the only module with rich, imported lazily),
tsv/csv/json/jsonl through ``render.plain`` (standard library only), a diff
through ``render.diff``.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO, TypeAlias

from dutylist import labels
from dutylist.errors import EXIT_OK, note

if TYPE_CHECKING:
    from dutylist.ids import ListKind
    from dutylist.query import DutyDetail, DutyRow, SearchResult
    from dutylist.revisions import CatalogDiff

FORMATS = ("table", "tsv", "csv", "json", "jsonl")
ITEM_FORMATS = ("html", "text")
"""Formats of one item only (show-steps): a print sheet, plain text to paste."""


def default_format(stream: TextIO | None = None) -> str:
    """``table`` for a terminal, ``tsv`` when piped."""
    stream = stream or sys.stdout
    try:
        return "table" if stream.isatty() else "tsv"
    except (AttributeError, ValueError):
        return "tsv"


# ---------------------------------------------------------------- payloads


@dataclass(frozen=True)
class Searches:
    """Search results; ``batch`` (``--stdin``) adds the query to every record."""

    results: Sequence[SearchResult]
    batch: bool = False


@dataclass(frozen=True)
class Rows:
    """Items of a filter, under a title (shown in a table only)."""

    rows: Sequence[DutyRow]
    title: str | None = None


@dataclass(frozen=True)
class Counts:
    """Items per list of each category or department; ``key`` is category or department."""

    entries: Sequence[dict[str, Any]]
    key: str


@dataclass(frozen=True)
class Detail:
    """One item in full; ``document`` (title, 文号, date: the database's metadata) heads a
    print sheet."""

    detail: DutyDetail
    document: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Export:
    """The whole list (``export``): the items of each list, and every item in full."""

    lists: Sequence[tuple[ListKind, Sequence[DutyRow]]]
    details: Sequence[DutyDetail]


@dataclass(frozen=True)
class Info:
    data: dict[str, Any]


@dataclass(frozen=True)
class Diff:
    diff: CatalogDiff


Payload: TypeAlias = "Searches | Rows | Counts | Detail | Export | Info | Diff"


@dataclass(frozen=True)
class Output:
    """What a command returns: the payload, how to write it, its exit code, notes after it."""

    payload: Payload
    fmt: str
    code: int = EXIT_OK
    notes: Sequence[str] = field(default_factory=tuple)
    path: Path | None = None
    """Write to this file (``-o``) instead of stdout."""


def search_notes(results: Sequence[SearchResult], *, batch: bool = False) -> list[str]:
    """What the rows alone do not say (for stderr): a cut query, a correction, "not in the
    list", near misses, more rows.

    A batch (``--stdin``) gets one line of totals instead.
    """
    if batch:
        missing = sum(1 for result in results if result.verdict != "found")
        return [labels.NOTE_BATCH.format(count=len(results), missing=missing)]
    (result,) = results
    from dutylist.textsearch import MAX_QUERY_CHARS

    notes = []
    if result.truncated_query:
        notes.append(labels.NOTE_QUERY_CUT.format(chars=MAX_QUERY_CHARS))
    if result.suggestion:
        notes.append(labels.NOTE_SUGGESTION.format(suggestion=labels.shorten(result.suggestion)))
    if result.verdict != "found":
        notes.append(labels.NOTE_NOTHING_FOUND.format(query=labels.shorten(result.query)))
    if result.partial and result.rows:
        notes.append(labels.NOTE_PARTIAL)
    if result.verdict == "found" and result.total > len(result.rows):
        # A capped count is a lower bound: "10,000+".
        total = f"{result.total:,}+" if result.total_capped else str(result.total)
        notes.append(labels.NOTE_MORE.format(total=total, shown=len(result.rows)))
    return notes


def emit(output: Output, out: TextIO | None = None) -> None:
    """Write an output: the data on stdout (flushed), then the notes on stderr."""
    if output.path is not None:
        from dutylist.render.files import write_file

        write_file(output.payload, output.fmt, output.path)
        note(labels.NOTE_WRITTEN.format(path=output.path))
        for line in output.notes:
            note(line)
        return
    out = out or sys.stdout
    if output.fmt in ITEM_FORMATS and isinstance(output.payload, Detail):
        from dutylist.render import sheet

        detail, document = output.payload.detail, output.payload.document
        out.write(sheet.html_page(detail, document) if output.fmt == "html"
                  else sheet.plain_text(detail))
    elif output.fmt == "table":
        from dutylist.render.tables import make_console, print_payload

        print_payload(output.payload, make_console(out))
    else:
        from dutylist.render.plain import write_payload

        write_payload(output.payload, output.fmt, out)
    out.flush()  # the notes follow the results on a terminal
    for line in output.notes:
        note(line)
