"""Every output: one ``emit`` per command, tables for a terminal, plain formats for pipes.

A command returns an ``Output``: a payload (what it found), the format, its
exit code and the notes that follow the data. ``emit`` writes it: ``table``
through ``render.tables`` (the only module with rich, imported lazily),
tsv/csv/json/jsonl through ``render.plain`` (standard library only), a diff
through ``render.diff``.

Text from the data is data everywhere: tables are built from ``rich.text.Text``
(never markup), and control characters reach neither a terminal nor a pipe raw —
tables, tsv and csv show them as escapes (``\x1b``), json escapes them the JSON
way (``controls``).
"""

from __future__ import annotations

import sys
from collections.abc import Iterable, Iterator, Mapping, Sequence
from pathlib import Path
from types import MappingProxyType
from typing import TYPE_CHECKING, Any, NamedTuple, TextIO, TypeAlias

from dutylist import labels
from dutylist.errors import EXIT_NOT_FOUND, EXIT_OK, note

if TYPE_CHECKING:
    from dutylist.ids import ListKind
    from dutylist.query import DutyDetail, DutyRow, SearchResult
    from dutylist.revisions import CatalogDiff

ASCII_ENV = "DUTYLIST_ASCII"
"""Set (to anything but 0 or empty) for ASCII borders and punctuation, as ``--ascii`` does."""

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
# NamedTuples, not dataclasses: every command imports this module, and a frozen
# dataclass costs about a millisecond to define at startup.

_NO_DOCUMENT: Mapping[str, str] = MappingProxyType({})


class Searches(NamedTuple):
    """Search results; ``batch`` (``--stdin``) adds the query to every record."""

    results: Sequence[SearchResult]
    batch: bool = False


class Batch:
    """``--stdin``: every input line answered in turn, written as soon as it is found.

    ``lines`` yields ``(line number, result)``; the result is None for a blank
    line (answered with an empty record, so output lines up with input). While
    it is written, the batch counts what the summary note needs, and keeps only
    the first ``MISSING_NAMED`` queries without a result: memory does not grow
    with the number of queries.
    """

    MISSING_NAMED = 10

    def __init__(self, lines: Iterable[tuple[int, SearchResult | None]]) -> None:
        self.lines = lines
        self.queries = 0
        self.found = 0
        self.missing = 0
        self.missing_named: list[tuple[int, str]] = []

    def __iter__(self) -> Iterator[tuple[int, SearchResult | None]]:
        for number, result in self.lines:
            if result is not None:
                self.queries += 1
                if result.verdict == "found":
                    self.found += 1
                else:
                    self.missing += 1
                    if len(self.missing_named) < self.MISSING_NAMED:
                        self.missing_named.append((number, result.query))
            yield number, result

    def notes(self) -> list[str]:
        """One summary line: counts, then which lines found nothing."""
        line = labels.NOTE_BATCH.format(count=self.queries, missing=self.missing)
        if self.missing_named:
            named = labels.SEP.join(
                labels.NOTE_BATCH_LINE.format(number=number, query=labels.shorten(query, 12))
                for number, query in self.missing_named
            )
            more = labels.NOTE_BATCH_MORE if self.missing > len(self.missing_named) else ""
            line += labels.NOTE_BATCH_MISSING.format(lines=named, more=more)
        return [line]


class Rows(NamedTuple):
    """Items of a filter, under a title (shown in a table only)."""

    rows: Sequence[DutyRow]
    title: str | None = None


class Counts(NamedTuple):
    """Items per list of each category or department; ``key`` is category or department."""

    entries: Sequence[dict[str, Any]]
    key: str
    totals: dict[str, int] | None = None
    """Items per list and in all, each item once (the 合计 row of a table)."""


class Detail(NamedTuple):
    """One item in full; ``document`` (title, 文号, date: the database's metadata) heads a
    print sheet."""

    detail: DutyDetail
    document: Mapping[str, str] = _NO_DOCUMENT


class Export(NamedTuple):
    """The whole list (``export``): the items of each list, and every item in full."""

    lists: Sequence[tuple[ListKind, Sequence[DutyRow]]]
    details: Sequence[DutyDetail]


class Info(NamedTuple):
    data: dict[str, Any]


class Diff(NamedTuple):
    diff: CatalogDiff


class Backups(NamedTuple):
    """``restore --list``: the backups of ``target``, newest first, as records."""

    records: Sequence[dict[str, Any]]
    target: str


Payload: TypeAlias = "Searches | Batch | Rows | Counts | Detail | Export | Info | Diff | Backups"


class Output(NamedTuple):
    """What a command returns: the payload, how to write it, its exit code, notes after it."""

    payload: Payload
    fmt: str
    code: int = EXIT_OK
    notes: Sequence[str] = ()
    path: Path | None = None
    """Write to this file (``-o``) instead of stdout."""


def search_notes(results: Sequence[SearchResult]) -> list[str]:
    """What the rows alone do not say (for stderr): a cut query, a correction, "not in the
    list", near misses, more rows.

    A batch (``--stdin``) gets one line of totals instead: ``Batch.notes``.
    """
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


def emit(output: Output, out: TextIO | None = None) -> int:
    """Write an output: the data on stdout (flushed), then the notes on stderr.

    Returns the exit code: the output's, or for a ``Batch`` (known only once
    every line is answered) 0 when any query found something, else 1.
    """
    if output.path is not None:
        from dutylist.render.files import write_file

        payload = output.payload
        if isinstance(payload, Batch):  # a file is written whole: gather the batch first
            from dutylist.query import SearchResult

            gathered = [r or SearchResult(query="", rows=[]) for _, r in payload]
            payload = Searches(gathered, batch=True)
        write_file(payload, output.fmt, output.path)
        note(labels.NOTE_WRITTEN.format(path=output.path))
        return _notes(output)
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
    return _notes(output)


def _notes(output: Output) -> int:
    """Write the notes that follow the data; the exit code (a batch's is known only now)."""
    notes = list(output.notes)
    code = output.code
    if isinstance(output.payload, Batch):
        notes += output.payload.notes()
        code = EXIT_OK if output.payload.found else EXIT_NOT_FOUND
    for line in notes:
        note(line)
    return code
