"""Rich tables for a terminal: the only module (with ``render.diff``) that imports rich.

Rich is imported inside the functions that draw, so a piped query never pays
for it. Data is never markup: every cell is a ``Text`` built from data (or an
escaped title), through ``_text``, which also shows control characters as escapes
(``controls.visible``): nothing from the data is ever sent to the terminal raw.

No text is ever cut: cells, titles and panels wrap. Chinese text wraps by the
rules of ``render.wrap`` (no line starts with ``，`` or ends with ``（``), and
an item table gives its columns the width where the text is (``column_widths``).
With ``--ascii`` (``DUTYLIST_ASCII=1``) borders are ASCII and ambiguous-width
punctuation is plain, for terminals that draw ``─ “ → …`` double width.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterable, Sequence
from functools import lru_cache
from typing import TYPE_CHECKING, Any, TextIO

from dutylist import labels
from dutylist.controls import visible
from dutylist.ids import LIST_KINDS
from dutylist.render import (
    ASCII_ENV,
    Backups,
    Batch,
    Counts,
    Detail,
    Diff,
    Info,
    Payload,
    Rows,
    Searches,
)
from dutylist.render.plain import cell
from dutylist.render.wrap import ascii_text, break_offsets, cells

if TYPE_CHECKING:
    from rich.console import Console
    from rich.text import Text

    from dutylist.query import BlockView, DutyDetail, DutyRow, SearchResult

_HIGHLIGHT = "bold black on yellow"
_WHOSE_STYLES = {"basic": "green", "coordinated": "cyan", "withdrawn": "magenta"}


def make_console(
    out: TextIO | None = None, width: int | None = None, force_terminal: bool | None = None
) -> Console:
    from rich.console import Console

    return Console(
        file=out or sys.stdout,
        width=width,
        force_terminal=force_terminal,
        highlight=False,
        soft_wrap=False,
    )


def ascii_mode() -> bool:
    return os.environ.get(ASCII_ENV, "") not in ("", "0")


def _wrapping_text() -> type[Text]:
    """A rich ``Text`` that wraps by Chinese line-breaking rules (made once, rich lazily)."""
    global _WRAPPING
    if _WRAPPING is not None:
        return _WRAPPING
    from rich.console import ConsoleOptions
    from rich.containers import Lines
    from rich.measure import Measurement
    from rich.text import Text

    class WrappingText(Text):
        def wrap(
            self, console: Console, width: int, *, justify: Any = None, overflow: Any = None,
            tab_size: int = 8, no_wrap: bool | None = None,
        ) -> Lines:
            if no_wrap or self.no_wrap:
                return super().wrap(console, width, justify=justify, overflow=overflow,
                                    tab_size=tab_size, no_wrap=no_wrap)
            lines = Lines()
            for line in self.split(allow_blank=True):
                if "\t" in line:
                    line.expand_tabs(tab_size)
                new_lines = line.divide(break_offsets(line.plain, width))
                for new_line in new_lines:
                    new_line.rstrip_end(width)
                how = justify or self.justify
                if how:
                    new_lines.justify(console, width, justify=how, overflow="fold")
                lines.extend(new_lines)
            return lines

        def __rich_measure__(self, console: Console, options: ConsoleOptions) -> Measurement:
            widest = max((cells(line) for line in self.plain.splitlines()), default=0)
            return Measurement(min(widest, _MIN_CELLS), widest)

    _WRAPPING = WrappingText
    return WrappingText


_WRAPPING: type[Text] | None = None
_MIN_CELLS = 8
"""The narrowest a wrapping text says it can be (four Chinese characters)."""


def _text(text: str | None, style: str = "") -> Text:
    """Data as text (never markup, control characters as escapes), wrapping by Chinese
    rules, plain in ASCII mode."""
    text = visible(text or "")
    return _wrapping_text()(ascii_text(text) if ascii_mode() else text, style=style)


def _highlighted(text: str, words: Sequence[str]) -> Text:
    from dutylist.textsearch import find_spans

    rich_text = _text(text)
    if ascii_mode():  # replacements change offsets: find the words again in the shown text
        words = [ascii_text(word) for word in words]
    for start, end in find_spans(rich_text.plain, words):
        rich_text.stylize(_HIGHLIGHT, start, end)
    return rich_text


def _whose_text(row: DutyRow) -> Text:
    return _text(labels.whose(row.list, row.departments), style=_WHOSE_STYLES[row.list])


def _box(name: str) -> Any:
    """A rich box by name, or its ASCII counterpart in ASCII mode."""
    from rich import box

    if not ascii_mode():
        return getattr(box, name)
    if name == "SIMPLE_HEAD":
        return box.Box("    \n    \n -- \n    \n    \n    \n    \n    \n", ascii=True)
    if name == "SIMPLE":
        return box.Box("    \n    \n -- \n    \n    \n -- \n    \n    \n", ascii=True)
    return box.ASCII


def column_widths(
    texts: Sequence[Sequence[str]], natural: Sequence[int], fixed: Sequence[bool], room: int,
    minimum: int = 10,
) -> list[int]:
    """Widths of a table's columns in ``room`` cells (padding and borders taken out).

    ``texts`` holds each column's cells, ``natural`` each column's widest text (header
    included), ``fixed`` the columns that keep their natural width (ids, a category
    when the others keep room). The other columns share the rest so that the table
    has as few lines as possible (each row as tall as its most wrapped cell): the room
    goes where the text is. Ties go to the earlier column (the name).
    """
    widths = [n if f else 0 for n, f in zip(natural, fixed, strict=True)]
    flexible = [i for i, f in enumerate(fixed) if not f]
    rest = room - sum(widths)
    if not flexible:
        return widths
    if sum(natural[i] for i in flexible) <= rest:
        for i in flexible:
            widths[i] = natural[i]
        return widths
    rows = list(zip(*(texts[i] for i in flexible), strict=True))

    def lines(choice: Sequence[int]) -> int:
        return sum(
            max(_line_count(text, size) for text, size in zip(row, choice, strict=True))
            for row in rows
        )

    best: tuple[int, ...] | None = None
    best_lines = 0
    for choice in _splits(rest, [min(natural[i], rest) for i in flexible], minimum):
        count = lines(choice)
        if best is None or count < best_lines:
            best, best_lines = choice, count
    if best is None:  # too narrow for the minimum: equal shares
        best = tuple(max(1, rest // len(flexible)) for _ in flexible)
    for i, size in zip(flexible, best, strict=True):
        widths[i] = size
    return [max(w, 1) for w in widths]


def _splits(room: int, caps: Sequence[int], minimum: int) -> Iterable[tuple[int, ...]]:
    """Ways to share ``room`` among columns, widest first for the first column; each
    between ``minimum`` and its cap (2-cell steps: Chinese characters are 2 cells)."""
    if len(caps) == 1:
        if minimum <= min(room, caps[0]):
            yield (min(room, caps[0]),)
        return
    others = minimum * (len(caps) - 1)
    for size in range(min(caps[0], room - others), minimum - 1, -2):
        for tail in _splits(room - size, caps[1:], minimum):
            yield (size, *tail)


@lru_cache(maxsize=65536)
def _line_count(text: str, width: int) -> int:
    return sum(len(break_offsets(line, width)) + 1 for line in text.splitlines() or [""])


def duty_table(
    rows: Sequence[DutyRow],
    *,
    words: Sequence[str] = (),
    title: str | None = None,
    show_matched: bool = False,
    width: int = 80,
) -> Any:
    """A Rich table of items in ``width`` cells; no text is ever cut, columns get the
    width where the text is."""
    from rich.table import Table

    table = Table(
        title=_plain(title), box=_box("SIMPLE_HEAD"), show_lines=False, expand=False,
        pad_edge=False,
    )
    titles = labels.FIELD_TITLES
    headers = [titles["id"], titles["category"], titles["name"], titles["whose"]]
    if show_matched:
        headers.append(titles["matched"])
    for header in headers:
        table.add_column(_text(header), overflow="fold")
    table.columns[0].style = "bold"
    body: list[list[Any]] = []
    for row in rows:
        row_cells: list[Any] = [
            _text(row.id), _text(row.category), _highlighted(row.name, words), _whose_text(row)
        ]
        if show_matched:
            where = _matched_in_title(row)
            matched = "" if row.matched_in in ("name", "id") else (row.matched or "")
            text = _highlighted(matched, words)
            if matched and where:
                text = _highlighted(f"［{where}］{matched}", words)
            row_cells.append(text)
        body.append(row_cells)
    columns = list(zip(*body, strict=False)) if body else [() for _ in headers]
    natural = [
        max([cells_of(h), *(cells_of(c) for c in col)])
        for h, col in zip(headers, columns, strict=True)
    ]
    texts = [[getattr(c, "plain", str(c)) for c in col] for col in columns]
    room = width - table._extra_width - sum(
        table._get_padding_width(i) for i in range(len(headers))
    )
    # The id always fits; the category does unless the text columns would get under
    # 12 cells each: then it wraps too.
    fixed = [True, room - natural[0] - natural[1] >= 12 * (len(headers) - 2)]
    fixed += [False] * (len(headers) - 2)
    sizes = column_widths(texts, natural, fixed, room)
    for column, size in zip(table.columns, sizes, strict=True):
        column.width = size
    for row_cells in body:
        table.add_row(*row_cells)
    return table


def cells_of(renderable: Any) -> int:
    """The widest line of a text cell, in terminal cells."""
    plain = getattr(renderable, "plain", renderable)
    return max((cells(line) for line in str(plain).splitlines()), default=0)


def print_rows(rows: Sequence[DutyRow], console: Console, *, title: str | None = None) -> None:
    console.print(duty_table(rows, title=title, width=console.width))


def print_search(results: Iterable[SearchResult], console: Console) -> None:
    for result in results:
        template = labels.SEARCH_PARTIAL_TITLE if result.partial else labels.SEARCH_TITLE
        title = template.format(query=labels.shorten(result.query))
        # The matched text is worth a column only when something matched outside the name.
        show_matched = any(row.matched_in not in (None, "name", "id") for row in result.rows)
        console.print(
            duty_table(result.rows, words=result.words, title=title, show_matched=show_matched,
                       width=console.width)
        )


def counts_table(
    entries: Sequence[dict[str, Any]], key: str, title: str, totals: dict[str, int] | None = None
) -> Any:
    """An overview: a row per category or department, a column per list that has any
    item here (an always-empty column tells nothing), and a 合计 row."""
    from rich.table import Table

    table = Table(title=_plain(title), box=_box("SIMPLE_HEAD"), pad_edge=False)
    table.add_column(_text(labels.FIELD_TITLES[key]), overflow="fold")
    kinds = [kind for kind in LIST_KINDS if any(entry[kind] for entry in entries)]
    for kind in [*kinds, "total"]:
        table.add_column(_text(labels.COUNT_TITLES[kind]), justify="right", no_wrap=True)
    for entry in entries:
        table.add_row(_text(entry[key]), *(str(entry[k]) for k in [*kinds, "total"]))
    if totals is not None:
        table.add_section()
        label = labels.COUNTS_TOTAL if key == "category" else labels.COUNTS_TOTAL_ITEMS
        table.add_row(_text(label, style="bold"), *(str(totals[k]) for k in [*kinds, "total"]))
    return table


def print_counts(
    entries: Sequence[dict[str, Any]], key: str, console: Console,
    totals: dict[str, int] | None = None,
) -> None:
    what = labels.FIELD_TITLES["category"] if key == "category" else labels.DEPARTMENTS_TITLE
    title = labels.COUNTS_TITLE.format(what=what)
    console.print(counts_table(entries, key, title, totals))


def _cell_body(blocks: Sequence[BlockView], lead: Text | None = None) -> Any:
    """One duties cell: ``lead`` (the departments), headings and department lines, then
    the steps, numbered ones with a hanging indent so a wrapped step stays under its text."""
    from rich.console import Group
    from rich.table import Table

    parts: list[Any] = [lead] if lead is not None else []
    headings = 0
    for block in blocks:
        if block.heading:
            parts.append(_text(labels.heading_label(block.heading, headings), style="bold"))
            headings += 1
        if block.department:
            parts.append(_text(block.department, style="bold cyan"))
        if not block.numbered:
            parts.extend(_text(step) for step in block.steps)
            continue
        steps = Table.grid(padding=(0, 1))
        steps.add_column(no_wrap=True, justify="right")
        steps.add_column(overflow="fold")
        for number, step in enumerate(block.steps, start=1):
            steps.add_row(f"{number}.", _text(step))
        parts.append(steps)
    return Group(*parts)


def _panel(body: Any, title: str) -> Any:
    """A box around a duties cell; its title is short and fixed (data goes in the body,
    where it wraps: a title is never cut)."""
    from rich.panel import Panel

    return Panel(body, title=_text(title), title_align="left", box=_box("ROUNDED"))


def print_detail(detail: DutyDetail, console: Console) -> None:
    """show-steps: the item, then the department's steps and the township's."""
    from rich.console import Group
    from rich.table import Table

    row = detail.row
    head = Table.grid(padding=(0, 1))
    head.add_column(style="bold", no_wrap=True)
    head.add_column(overflow="fold")
    titles = labels.WITHDRAWN_FIELD_TITLES if row.list == "withdrawn" else labels.FIELD_TITLES
    head.add_row(_text(titles["id"]), _text(row.id))
    head.add_row(_text(titles["list"]), _text(labels.LIST_TITLES[row.list]))
    head.add_row(_text(titles["category"]), _text(row.category))
    head.add_row(_text(titles["name"]), _text(row.name, style="bold"))
    head.add_row(_text(titles["whose"]), _whose_text(row))
    if row.note:
        head.add_row(_text(titles["note"]), _text(row.note))
    parts: list[Any] = [head]
    lead = _text(labels.PANEL_DEPARTMENTS.format(
        title=titles["departments"], departments=labels.SEP.join(row.departments)
    ), style="bold cyan")
    if row.list == "basic":
        parts.append(_text(labels.BASIC_DETAIL))
    elif row.list == "withdrawn":
        parts.append(_panel(_cell_body(detail.upper, lead), labels.PANEL_WITHDRAWN))
    else:
        parts.append(_panel(_cell_body(detail.upper, lead), labels.PANEL_UPPER))
        parts.append(_panel(_cell_body(detail.township), labels.TOWNSHIP_PANEL))
    console.print(Group(*parts))


def print_info(info: dict[str, Any], console: Console) -> None:
    from rich.table import Table

    table = Table(box=_box("SIMPLE"), show_header=False, pad_edge=False)
    table.add_column(style="bold", no_wrap=True)
    table.add_column(overflow="fold")
    for label, value in info_rows(info):
        table.add_row(_text(label), _text(value))
    console.print(table)


def info_rows(info: dict[str, Any]) -> list[tuple[str, str]]:
    origin = info.get("origin", "")
    shown = {**info, "origin": labels.ORIGIN_LABELS.get(origin, origin)}
    return [
        (label, cell(shown[key]))
        for key, label in labels.INFO_LABELS.items()
        if shown.get(key) is not None
    ]


def _plain(text: str | None) -> Text | None:
    """A title made of data (a category, a department, a query) as text, never as markup."""
    return None if text is None else _text(text)


def _matched_in_title(row: DutyRow) -> str:
    """Where a search matched, in the words of the row's list (承接部门 for withdrawn items)."""
    titles = labels.WITHDRAWN_FIELD_TITLES if row.list == "withdrawn" else labels.FIELD_TITLES
    if row.matched_in not in ("departments", "upper_duties", "township_duties"):
        return ""
    return titles[row.matched_in]


def print_payload(payload: Payload, console: Console) -> None:
    """Any command's payload as a table (or, for a diff, coloured lines)."""
    if isinstance(payload, Batch):
        for number, result in payload:
            if result is None:
                continue
            if result.rows:
                print_search([result], console)
            else:
                console.print(_plain(labels.BATCH_NOTHING.format(
                    number=number, query=labels.shorten(result.query))))
            console.file.flush()
    elif isinstance(payload, Searches):
        shown = [result for result in payload.results if result.rows]
        if shown:
            print_search(shown, console)
    elif isinstance(payload, Rows):
        if payload.rows:
            print_rows(payload.rows, console, title=payload.title)
    elif isinstance(payload, Counts):
        print_counts(payload.entries, payload.key, console, payload.totals)
    elif isinstance(payload, Detail):
        print_detail(payload.detail, console)
    elif isinstance(payload, Info):
        print_info(payload.data, console)
    elif isinstance(payload, Diff):
        from dutylist.render.diff import print_diff

        print_diff(payload.diff, console)
    elif isinstance(payload, Backups):
        if payload.records:
            print_backups(payload.records, payload.target, console)


def print_backups(records: Sequence[dict[str, Any]], target: str, console: Console) -> None:
    """``restore --list``: each backup, newest first, with the revision it holds."""
    from rich.table import Table

    title = _text(labels.BACKUPS_TITLE.format(target=target))
    table = Table(title=title, box=_box("SIMPLE_HEAD"), pad_edge=False)
    headers = labels.BACKUP_HEADERS
    for key in headers:
        table.add_column(_text(headers[key]), overflow="fold", no_wrap=key == "number")
    for record in records:
        problem = labels.BACKUP_BAD.format(problem=record.get("problem"))
        status = _text(labels.BACKUP_OK) if record["ok"] else _text(problem, "bold red")
        sha = str(record.get("source_sha256") or "")[:12]
        cells = [_text(str(record.get(key) or "")) for key in headers
                 if key not in ("source_sha256", "ok")]
        table.add_row(*cells, _text(sha), status)
    console.print(table)
