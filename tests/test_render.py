"""Terminal rendering: readable at 80 columns, nothing ever cut, markup-safe."""

from __future__ import annotations

import io
import re
from collections import Counter
from pathlib import Path

import pytest
from rich.cells import cell_len

from dutylist import labels, query
from dutylist.render import plain, tables

from .conftest import OpenDb

BOX = re.compile(r"[\s│─╭╮╰╯┃━┏┓┗┛┡┩├┤┼]")


def draw(fn, *args: object, width: int = 80) -> str:  # type: ignore[no-untyped-def]
    out = io.StringIO()
    console = tables.make_console(out, width=width)
    fn(*args, console)
    return out.getvalue()


def assert_fits(text: str, width: int = 80) -> None:
    for line in text.splitlines():
        assert cell_len(line) <= width, line


def longest(conn, kind: str, n: int = 5) -> list[query.DutyRow]:  # type: ignore[no-untyped-def]
    rows = query.filter_duties(conn, kind=kind)  # type: ignore[arg-type]
    return sorted(rows, key=lambda r: len(r.name), reverse=True)[:n]


@pytest.mark.parametrize("width", [80, 60, 120])
def test_tables_of_the_longest_items_fit_and_lose_nothing(
    db_2024: Path, width: int, open_db: OpenDb
) -> None:
    conn = open_db(db_2024)
    rows = [r for kind in ("basic", "coordinated", "withdrawn") for r in longest(conn, kind)]
    text = draw(tables.print_rows, rows, width=width)
    assert_fits(text, width)
    assert "…" not in text
    shown = Counter(BOX.sub("", text))
    for row in rows:
        wanted = Counter(BOX.sub("", row.name + labels.whose(row.list, row.departments) + row.category + row.id))
        assert not wanted - shown, row.id


def test_search_table_highlights_and_fits(
    db_2024: Path, open_db: OpenDb
) -> None:
    conn = open_db(db_2024)
    result = query.search(conn, "低保", limit=None)
    text = draw(tables.print_search, [result])
    assert_fits(text)
    out = io.StringIO()
    console = tables.make_console(out, width=80, force_terminal=True)
    tables.print_search([result], console)
    assert "\x1b[" in out.getvalue()  # the matched words are styled on a terminal


def test_show_steps_of_every_coordinated_item_keeps_every_character(
    db_2024: Path, open_db: OpenDb
) -> None:
    conn = open_db(db_2024)
    for row in query.filter_duties(conn):
        detail = query.get_duty(conn, row.id)
        text = draw(tables.print_detail, detail)
        assert_fits(text)
        flat = BOX.sub("", text)
        for block in (*detail.upper, *detail.township):
            for step in block.steps:
                assert BOX.sub("", step) in flat, (row.id, step)
        assert BOX.sub("", row.name) in flat


def test_brackets_in_data_are_not_markup() -> None:
    row = query.DutyRow(id="B1", list="basic", seq=1, category="测试",
                        name="[bold]不是样式[/bold] [red]", departments=[])
    text = draw(tables.print_rows, [row])
    assert "[bold]不是样式[/bold][red]" in BOX.sub("", text)


def test_plain_formats_never_carry_tabs_or_newlines_inside_a_cell() -> None:
    out = io.StringIO()
    plain.write_records([{"id": "B1", "name": "甲\t乙\n丙"}], ["id", "name"], "tsv", out)
    assert out.getvalue() == "B1\t甲 乙 丙\n"


def test_headings_are_shown_as_printed_and_steps_hang_under_their_text(
    db_2024: Path, open_db: OpenDb
) -> None:
    conn = open_db(db_2024)
    text = draw(tables.print_detail, query.get_duty(conn, "C35"))
    assert "一、分户工作" in text and "二、落户工作" in text
    lines = draw(tables.print_detail, query.get_duty(conn, "C91")).splitlines()
    step = next(i for i, line in enumerate(lines) if "2. 指导大南沟乌孜别克族乡" in line)
    assert lines[step + 1].startswith("│    ")  # the wrapped part is indented under the text
    assert "…" not in "\n".join(lines)


def test_titles_made_of_data_are_not_markup() -> None:
    row = query.DutyRow(id="C1", list="coordinated", seq=1, category="[b]类",
                        name="名", departments=["[bold]部门[/bold]"])
    block = query.BlockView("upper", None, None, True, ("[i]步骤[/i]",))
    detail = query.DutyDetail(row=row, upper=[block], township=[])
    text = BOX.sub("", draw(tables.print_detail, detail))
    assert "[bold]部门[/bold]" in text and "[i]步骤[/i]" in text and "[b]类" in text
    text = BOX.sub("", draw(tables.print_rows, [row], width=120))
    assert "[b]类" in text
    out = io.StringIO()
    tables.print_rows([row], tables.make_console(out, width=120), title="[blue]标题[/blue]")
    assert "[blue]标题[/blue]" in out.getvalue()
    result = query.SearchResult(query="[b]查[/b]", rows=[row])
    assert "[b]查[/b]" in draw(tables.print_search, [result], width=120)
    counts = [{"category": "[u]类[/u]", "basic": 1, "coordinated": 0, "withdrawn": 0, "total": 1}]
    assert "[u]类[/u]" in draw(lambda c: tables.print_counts(counts, "category", c))
    info = {"database": "/tmp/[x]y.db", "title": "[green]清单[/green]"}
    text = BOX.sub("", draw(lambda c: tables.print_info(info, c)))
    assert "[green]清单[/green]" in text and "[x]y.db" in text
