"""Rich tables for a terminal: the only module (with ``render.diff``) that imports rich.

Rich is imported inside the functions that draw, so a piped query never pays
for it. Data is never markup: every cell is a ``Text`` built from data (or an
escaped title).
"""

from __future__ import annotations

import sys
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any, TextIO

from dutylist import labels
from dutylist.ids import LIST_KINDS
from dutylist.render import Batch, Counts, Detail, Diff, Info, Payload, Rows, Searches
from dutylist.render.plain import cell

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


def _highlighted(text: str, words: Sequence[str]) -> Text:
    from rich.text import Text

    from dutylist.textsearch import find_spans

    rich_text = Text(text)
    for start, end in find_spans(text, words):
        rich_text.stylize(_HIGHLIGHT, start, end)
    return rich_text


def _whose_text(row: DutyRow) -> Text:
    from rich.text import Text

    return Text(labels.whose(row.list, row.departments), style=_WHOSE_STYLES[row.list])


def duty_table(
    rows: Sequence[DutyRow],
    *,
    words: Sequence[str] = (),
    title: str | None = None,
    show_matched: bool = False,
) -> Any:
    """A Rich table of items; no text is ever cut (``overflow='fold'``)."""
    from rich import box
    from rich.table import Table

    table = Table(
        title=_plain(title), box=box.SIMPLE_HEAD, show_lines=False, expand=False, pad_edge=False
    )
    titles = labels.FIELD_TITLES
    table.add_column(titles["id"], no_wrap=True, style="bold")
    table.add_column(titles["category"], overflow="fold", max_width=10)
    table.add_column(titles["name"], overflow="fold", ratio=3)
    table.add_column(titles["whose"], overflow="fold", ratio=2)
    if show_matched:
        table.add_column(titles["matched"], overflow="fold", ratio=3)
    for row in rows:
        cells: list[Any] = [
            _plain(row.id), _plain(row.category), _highlighted(row.name, words), _whose_text(row)
        ]
        if show_matched:
            where = _matched_in_title(row)
            matched = "" if row.matched_in in ("name", "id") else (row.matched or "")
            text = _highlighted(matched, words)
            if matched and where:
                text = _highlighted(f"［{where}］{matched}", words)
            cells.append(text)
        table.add_row(*cells)
    return table


def print_rows(rows: Sequence[DutyRow], console: Console, *, title: str | None = None) -> None:
    console.print(duty_table(rows, title=title))


def print_search(results: Iterable[SearchResult], console: Console) -> None:
    for result in results:
        template = labels.SEARCH_PARTIAL_TITLE if result.partial else labels.SEARCH_TITLE
        title = template.format(query=labels.shorten(result.query))
        # The matched text is worth a column only when something matched outside the name.
        show_matched = any(row.matched_in not in (None, "name", "id") for row in result.rows)
        console.print(
            duty_table(result.rows, words=result.words, title=title, show_matched=show_matched)
        )


def counts_table(entries: Sequence[dict[str, Any]], key: str, title: str) -> Any:
    from rich import box
    from rich.table import Table

    table = Table(title=_plain(title), box=box.SIMPLE_HEAD, pad_edge=False)
    table.add_column(labels.FIELD_TITLES[key], overflow="fold")
    for kind in LIST_KINDS:
        table.add_column(labels.LIST_TITLES[kind], justify="right")
    table.add_column(labels.FIELD_TITLES["total"], justify="right")
    for entry in entries:
        table.add_row(
            _plain(entry[key]),
            *(str(entry[k]) for k in ("basic", "coordinated", "withdrawn", "total")),
        )
    return table


def print_counts(entries: Sequence[dict[str, Any]], key: str, console: Console) -> None:
    what = labels.FIELD_TITLES["category"] if key == "category" else labels.DEPARTMENTS_TITLE
    title = labels.COUNTS_TITLE.format(what=what)
    console.print(counts_table(entries, key, title))


def _cell_body(blocks: Sequence[BlockView]) -> Any:
    """One duties cell: headings and department lines, then the steps, numbered ones with a
    hanging indent so a wrapped step stays under its own text."""
    from rich.console import Group
    from rich.table import Table
    from rich.text import Text

    parts: list[Any] = []
    headings = 0
    for block in blocks:
        if block.heading:
            parts.append(Text(labels.heading_label(block.heading, headings), style="bold"))
            headings += 1
        if block.department:
            parts.append(Text(block.department, style="bold cyan"))
        if not block.numbered:
            parts.extend(Text(step) for step in block.steps)
            continue
        steps = Table.grid(padding=(0, 1))
        steps.add_column(no_wrap=True, justify="right")
        steps.add_column(overflow="fold")
        for number, step in enumerate(block.steps, start=1):
            steps.add_row(f"{number}.", Text(step))
        parts.append(steps)
    return Group(*parts)


def print_detail(detail: DutyDetail, console: Console) -> None:
    """show-steps: the item, then the department's steps and the township's."""
    from rich import box
    from rich.console import Group
    from rich.panel import Panel
    from rich.table import Table
    from rich.text import Text

    row = detail.row
    head = Table.grid(padding=(0, 1))
    head.add_column(style="bold", no_wrap=True)
    head.add_column(overflow="fold")
    titles = labels.FIELD_TITLES
    departments = labels.SEP.join(row.departments)
    head.add_row(titles["id"], Text(row.id))
    head.add_row(titles["list"], labels.LIST_TITLES[row.list])
    head.add_row(titles["category"], Text(row.category))
    head.add_row(titles["name"], Text(row.name, style="bold"))
    head.add_row(titles["whose"], _whose_text(row))
    if row.note:
        head.add_row(titles["note"], Text(row.note))
    parts: list[Any] = [head]
    if row.list == "basic":
        parts.append(Text(labels.BASIC_DETAIL))
    elif row.list == "withdrawn":
        parts.append(
            Panel(
                _cell_body(detail.upper),
                title=_plain(labels.WITHDRAWN_PANEL.format(departments=departments)),
                title_align="left",
                box=box.ROUNDED,
            )
        )
    else:
        upper_title = labels.UPPER_PANEL.format(departments=departments)
        parts.append(
            Panel(
                _cell_body(detail.upper),
                title=_plain(upper_title),
                title_align="left",
                box=box.ROUNDED,
            )
        )
        parts.append(
            Panel(
                _cell_body(detail.township),
                title=_plain(labels.TOWNSHIP_PANEL),
                title_align="left",
                box=box.ROUNDED,
            )
        )
    console.print(Group(*parts))


def print_info(info: dict[str, Any], console: Console) -> None:
    from rich import box
    from rich.table import Table

    table = Table(box=box.SIMPLE, show_header=False, pad_edge=False)
    table.add_column(style="bold", no_wrap=True)
    table.add_column(overflow="fold")
    for label, value in info_rows(info):
        table.add_row(label, _plain(value))
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
    from rich.text import Text

    return None if text is None else Text(text)


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
        print_counts(payload.entries, payload.key, console)
    elif isinstance(payload, Detail):
        print_detail(payload.detail, console)
    elif isinstance(payload, Info):
        print_info(payload.data, console)
    elif isinstance(payload, Diff):
        from dutylist.render.diff import print_diff

        print_diff(payload.diff, console)
