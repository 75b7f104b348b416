"""Official text (as extracted from the PDF) -> the duties YAML, for any edition.

    result = import_text(text, previous=old_yaml, shown="new.txt", source="data/source/new.txt")
    Path("data/duties.yaml").write_text(result.yaml, encoding="utf-8")

Modules, one job each: ``lines`` drops page headers and footers and splits the
tables; ``parse`` cuts items and their first cells; ``cells`` reads the duties
cells into blocks of steps; ``carry`` keeps what the text does not hold (document
fields, aliases, former names, notes) from the list being replaced; ``dump``
writes the YAML.  Anything that cannot be placed raises ``ImportTextError``
naming the source line.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, NoReturn

from dutylist import labels
from dutylist.errors import SourceError
from dutylist.ids import LIST_KINDS, ListKind, make_id
from dutylist.importer.carry import Carried, build_departments, carry_notes, previous_lists
from dutylist.importer.dump import dump
from dutylist.importer.lines import Line, Tables, split_tables
from dutylist.importer.parse import (
    PARSERS,
    Vocabulary,
    categories_in,
    column_width,
    split_items,
)
from dutylist.importer.problems import TABLE_NAMES, ImportTextError, problem
from dutylist.source.checker import MAX_LINE_CHARS
from dutylist.source.text import read_file

__all__ = [
    "ImportResult", "ImportTextError", "import_text", "read_text", "write_atomic",
]

# Used only when there is no list being replaced to carry them from.
DEFAULT_DOCUMENT = {
    "township": "大南沟乌孜别克族乡",
    "county": "木垒县",
    "title": "大南沟乌孜别克族乡履职事项清单",
}
DEFAULT_LIST_TITLES = {
    "basic": "基本履职事项清单",
    "coordinated": "配合履职事项清单",
    "withdrawn": "上级部门收回事项清单",
}
REVISION_FIELDS = ("doc_number", "date", "version")
MAX_TEXT_CHARS = MAX_LINE_CHARS - 1000
"""Longest name or step imported: its YAML line (indented, quoted, escaped) must stay
within what ``validate`` and ``build`` read (the real list's longest is under 500)."""


@dataclass(frozen=True)
class ImportResult:
    data: dict[str, Any]
    yaml: str
    carried: Carried


def read_text(path: str | Path, notes: list[str] | None = None) -> str:
    """The official text file as str, or ImportTextError saying what is wrong with it.

    Read as every file is (``source.text.read_file``): UTF-8, UTF-16 with a BOM or
    GBK/GB18030, a regular file within the size limit; ``notes`` gets the line saying
    a text that is not UTF-8 was read as GBK or UTF-16.
    """
    try:
        decoded, _ = read_file(path, expected=labels.EXPECTED_TEXT, notes=notes)
    except SourceError as error:
        raise ImportTextError(error.problems) from None
    return decoded.text


def write_atomic(path: Path, text: str) -> None:
    """Write beside the target, then rename over it: a failed write leaves the old file."""
    import os
    import tempfile

    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as f:
            f.write(text)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def import_text(
    text: str,
    *,
    previous: Mapping[str, Any] | None = None,
    shown: str = "<text>",
    source: str | None = None,
    revision: Mapping[str, str | None] | None = None,
) -> ImportResult:
    """Parse an official text; ``previous`` is the YAML being replaced (a plain dict)."""

    def fail(ln: Line, key: str, **fields: object) -> NoReturn:
        raise ImportTextError([problem(shown, ln.no, key, **fields)])

    document = _document(previous, source, revision)
    county = document["county"]
    tables = split_tables(text)
    old_lists = previous_lists(previous)
    vocab = Vocabulary(county=county)
    vocab.categories.update(
        str(it.get("category")) for items in old_lists.values() for it in items
    )
    vocab.categories.update(categories_in(tables))
    for entry in (previous or {}).get("departments") or []:
        if isinstance(entry, Mapping) and isinstance(entry.get("name"), str):
            vocab.departments.append(entry["name"])
            vocab.aliases[entry["name"]] = [
                a for a in entry.get("aliases") or [] if isinstance(a, str)
            ]
    lists: dict[str, list[dict[str, Any]]] = {}
    for kind in LIST_KINDS:
        lines = tables[kind]
        if not lines:
            raise ImportTextError(
                [problem(shown, _end_line(tables, kind), "empty_table",
                         table=TABLE_NAMES[kind])]
            )
        width = column_width(lines)
        chunks = split_items(kind, lines, vocab, fail)
        lists[kind] = []
        for seq, chunk in enumerate(chunks, start=1):
            item = PARSERS[kind](seq, chunk, vocab, fail, width)
            longest = max(map(len, _texts(item)))
            if longest > MAX_TEXT_CHARS:
                fail(chunk[0], "too_long", where=make_id(kind, seq), chars=longest,
                     limit=MAX_TEXT_CHARS)
            lists[kind].append(item)
    carried = Carried()
    carry_notes(lists, old_lists, carried)
    departments = build_departments(lists, previous, county, carried)
    old_titles = (previous or {}).get("lists") or {}
    data: dict[str, Any] = {
        "schema": 1,
        "document": document,
        "departments": departments,
        "lists": {
            kind: {
                "title": (old_titles.get(kind) or {}).get("title") or DEFAULT_LIST_TITLES[kind],
                "items": lists[kind],
            }
            for kind in LIST_KINDS
        },
    }
    return ImportResult(data=data, yaml=dump(data), carried=carried)


def _end_line(tables: Tables, kind: ListKind) -> int:
    """Where a missing table was due: after the last line of the tables before it."""
    before = [ln.no for k in LIST_KINDS[: LIST_KINDS.index(kind)] for ln in tables[k][-1:]]
    return max(before, default=1) + (1 if before else 0)


def _texts(value: object) -> Iterator[str]:
    """Every string in an item (name, category, departments, headings, steps)."""
    if isinstance(value, str):
        yield value
    elif isinstance(value, Mapping):
        for v in value.values():
            yield from _texts(v)
    elif isinstance(value, list):
        for v in value:
            yield from _texts(v)


def _document(
    previous: Mapping[str, Any] | None,
    source: str | None,
    revision: Mapping[str, str | None] | None,
) -> dict[str, Any]:
    old = dict((previous or {}).get("document") or {})
    document: dict[str, Any] = {}
    for key in ("township", "county", "title"):
        value = old.get(key)
        document[key] = str(value) if value else DEFAULT_DOCUMENT[key]
    src = source if source is not None else old.get("source")
    if src:
        document["source"] = str(src)
    for key in REVISION_FIELDS:
        value = (revision or {}).get(key)
        if value is None:
            value = old.get(key)
        if value is not None and str(value).strip():
            document[key] = str(value)
    return document
