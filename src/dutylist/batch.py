"""Answering queries for ``search``: one query, or ``--stdin`` line by line.

A pipeline reading row 1 never gets a near miss (unless ``--near``); ``--stdin``
reads, answers and yields one line at a time, so output streams and memory stays flat.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator

from dutylist import labels
from dutylist.errors import UsageError, note
from dutylist.ids import ListKind
from dutylist.options import connect
from dutylist.query import SearchResult


def answer(
    conn: sqlite3.Connection, text: str, kind: ListKind | None, category: str | None,
    department: str | None, limit: int, near: bool, out_format: str,
    synonyms: dict[str, list[str]],
) -> SearchResult:
    """One query's result; a pipeline reading row 1 never gets a near miss (without --near)."""
    from dutylist import query as q

    result = q.search(
        conn, text, kind=kind, category=category, department=department,
        limit=limit or None, synonyms=synonyms, near=near or out_format == "table",
    )
    if not near and out_format != "table" and result.verdict != "found":
        result.rows = []
    return result


def answer_lines(
    db: str | None, kind: ListKind | None, category: str | None, department: str | None,
    limit: int, near: bool, out_format: str,
) -> Iterator[tuple[int, SearchResult | None]]:
    """``--stdin``: each line's result in input order, read and answered one at a time.

    A blank line is answered with None (an empty record), except before the first
    query: input with no query at all is a usage error, with nothing written.
    """
    from dutylist.store.schema import load_synonyms

    conn = connect(db)
    synonyms = load_synonyms(conn)
    blank_before = 0
    seen = False
    for number, line in enumerate(stdin_lines(), start=1):
        text = line.strip()
        if not text:
            if seen:
                yield number, None
            else:
                blank_before += 1
            continue
        if not seen:
            seen = True
            for blank in range(1, blank_before + 1):
                yield blank, None
        yield number, answer(conn, text, kind, category, department, limit, near, out_format,
                              synonyms)
    if not seen:
        raise UsageError(labels.STDIN_EMPTY)


def stdin_lines() -> Iterator[str]:
    """``--stdin``: the lines of standard input, decoded whatever their encoding."""
    from dutylist.textio import binary_stdin, decode_lines

    def warn(number: int) -> None:
        note(labels.STDIN_LINE_UNDECODABLE.format(number=number))

    return decode_lines(binary_stdin(), warn)
