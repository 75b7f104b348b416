"""Output: Rich tables for a terminal; tsv, csv, json and jsonl for pipelines.

The only module that imports rich, and only inside the functions that draw a
table, so a piped query never pays for it. Plain formats go through the
standard library (csv, json) and never through Rich.
"""

from __future__ import annotations

import csv
import io
import json
import sys
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any, TextIO

from dutylist.ids import LIST_KINDS, LIST_TITLES

if TYPE_CHECKING:
    from rich.console import Console
    from rich.text import Text

    from dutylist.query import BlockView, DutyDetail, DutyRow, SearchResult

FORMATS = ("table", "tsv", "csv", "json", "jsonl")

LIST_FIELDS = ["id", "list", "seq", "category", "name", "departments", "whose", "note"]
SEARCH_FIELDS = [
    "id", "list", "seq", "category", "name", "departments", "whose",
    "score", "matched", "matched_in", "partial", "note",
]
STEP_FIELDS = ["id", "side", "block", "heading", "department", "number", "text"]

MATCHED_IN_TITLES = {
    "name": "事项名称",
    "departments": "对应上级部门",
    "upper_duties": "上级部门职责",
    "township_duties": "乡镇配合职责",
}
WITHDRAWN_MATCHED_IN_TITLES = {**MATCHED_IN_TITLES, "departments": "承接部门",
                               "upper_duties": "工作方式"}
_HIGHLIGHT = "bold black on yellow"


def shorten(text: str, width: int = 30) -> str:
    """Text echoed back to the person (a query in a title or message): cut, with …, if long."""
    return text if len(text) <= width else text[:width] + "…"


def default_format(stream: TextIO | None = None) -> str:
    """``table`` for a terminal, ``tsv`` when piped."""
    stream = stream or sys.stdout
    try:
        return "table" if stream.isatty() else "tsv"
    except (AttributeError, ValueError):
        return "tsv"


# ---------------------------------------------------------------- plain formats


def _cell(value: Any) -> str:
    """A value as one tsv/csv cell: lists joined with 、, no tabs or line breaks."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (list, tuple)):
        value = "、".join(str(v) for v in value)
    return " ".join(str(value).replace("\t", " ").splitlines())


def write_records(
    records: Sequence[dict[str, Any]], fields: Sequence[str], fmt: str, out: TextIO
) -> None:
    """Write dicts as tsv (no header), csv (header), json (array) or jsonl."""
    if fmt == "json":
        out.write(json.dumps(list(records), ensure_ascii=False, indent=2) + "\n")
    elif fmt == "jsonl":
        for record in records:
            out.write(json.dumps(record, ensure_ascii=False) + "\n")
    elif fmt == "csv":
        buffer = io.StringIO()
        writer = csv.DictWriter(buffer, fieldnames=list(fields), extrasaction="ignore")
        writer.writeheader()
        for record in records:
            writer.writerow({f: _cell(record.get(f)) for f in fields})
        out.write(buffer.getvalue())
    elif fmt == "tsv":
        for record in records:
            out.write("\t".join(_cell(record.get(f)) for f in fields) + "\n")
    else:  # pragma: no cover - the CLI checks formats
        raise ValueError(fmt)


def search_records(result: SearchResult, *, with_query: bool = False) -> list[dict[str, Any]]:
    records = []
    for row in result.rows:
        data = {**row.as_dict(search=True), "partial": result.partial}
        record = {"query": result.query} if with_query else {}
        record.update((name, data[name]) for name in SEARCH_FIELDS)
        records.append(record)
    return records


def step_records(detail: DutyDetail) -> list[dict[str, Any]]:
    """One record per step (tsv/csv of show-steps); a basic item is one record of its text."""
    row = detail.row
    if row.list == "basic":
        return [
            {"id": row.id, "side": "township", "block": 1, "heading": None,
             "department": None, "number": None, "text": row.name}
        ]
    records = []
    for side, blocks in (("upper", detail.upper), ("township", detail.township)):
        for block_number, block in enumerate(blocks, start=1):
            for number, text in enumerate(block.steps, start=1):
                records.append(
                    {
                        "id": row.id,
                        "side": side,
                        "block": block_number,
                        "heading": block.heading,
                        "department": block.department,
                        "number": number if block.numbered else None,
                        "text": text,
                    }
                )
    return records


def write_detail(detail: DutyDetail, fmt: str, out: TextIO) -> None:
    if fmt in ("json", "jsonl"):
        data = detail.as_dict()
        indent = 2 if fmt == "json" else None
        out.write(json.dumps(data, ensure_ascii=False, indent=indent) + "\n")
    else:
        write_records(step_records(detail), STEP_FIELDS, fmt, out)


# ---------------------------------------------------------------- Rich


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

    styles = {"basic": "green", "coordinated": "cyan", "withdrawn": "magenta"}
    return Text(row.whose, style=styles[row.list])


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

    table = Table(title=title, box=box.SIMPLE_HEAD, show_lines=False, expand=False, pad_edge=False)
    table.add_column("编号", no_wrap=True, style="bold")
    table.add_column("事项类别", overflow="fold", max_width=10)
    table.add_column("事项名称", overflow="fold", ratio=3)
    table.add_column("职责归属", overflow="fold", ratio=2)
    if show_matched:
        table.add_column("匹配内容", overflow="fold", ratio=3)
    for row in rows:
        cells: list[Any] = [row.id, row.category, _highlighted(row.name, words), _whose_text(row)]
        if show_matched:
            titles = WITHDRAWN_MATCHED_IN_TITLES if row.list == "withdrawn" else MATCHED_IN_TITLES
            where = titles.get(row.matched_in or "", "")
            matched = "" if row.matched_in == "name" else (row.matched or "")
            text = _highlighted(matched, words)
            if matched and where:
                text = _highlighted(f"［{where}］{matched}", words)
            cells.append(text)
        table.add_row(*cells)
    return table


def print_rows(rows: Sequence[DutyRow], console: Console, *, title: str | None = None) -> None:
    console.print(duty_table(rows, title=title))


def print_search(results: Iterable[SearchResult], console: Console) -> None:
    from rich.markup import escape

    for result in results:
        title = f"“{escape(shorten(result.query))}” 的搜索结果"
        if result.partial:
            title += "（部分匹配：没有同时包含所有词的事项）"
        # The matched text is worth a column only when something matched outside the name.
        show_matched = any(row.matched_in not in (None, "name") for row in result.rows)
        console.print(
            duty_table(result.rows, words=result.words, title=title, show_matched=show_matched)
        )


def counts_table(entries: Sequence[dict[str, Any]], key: str, title: str) -> Any:
    from rich import box
    from rich.table import Table

    table = Table(title=title, box=box.SIMPLE_HEAD, pad_edge=False)
    table.add_column("事项类别" if key == "category" else "部门", overflow="fold")
    for kind in LIST_KINDS:
        table.add_column(LIST_TITLES[kind], justify="right")
    table.add_column("合计", justify="right")
    for entry in entries:
        table.add_row(
            entry[key],
            *(str(entry[k]) for k in ("basic", "coordinated", "withdrawn", "total")),
        )
    return table


def print_counts(entries: Sequence[dict[str, Any]], key: str, console: Console) -> None:
    what = "事项类别" if key == "category" else "对应上级部门 / 承接部门"
    title = f"{what}（按清单计数）"
    console.print(counts_table(entries, key, title))


CHINESE_NUMERALS = "一二三四五六七八九十"


def heading_label(heading: str, index: int) -> str:
    """A section heading as printed: ``一、分户工作`` (the numeral is not stored)."""
    numeral = CHINESE_NUMERALS[index] if index < len(CHINESE_NUMERALS) else str(index + 1)
    return f"{numeral}、{heading}"


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
            parts.append(Text(heading_label(block.heading, headings), style="bold"))
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
            steps.add_row(f"{number}.", step)
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
    head.add_row("编号", row.id)
    head.add_row("清单", LIST_TITLES[row.list])
    head.add_row("事项类别", row.category)
    head.add_row("事项名称", Text(row.name, style="bold"))
    head.add_row("职责归属", _whose_text(row))
    if row.note:
        head.add_row("备注", row.note)
    parts: list[Any] = [head]
    if row.list == "basic":
        parts.append(Text("本乡负责的基本履职事项：由本乡自行履职，清单未拆分上级部门与乡镇的步骤。"))
    elif row.list == "withdrawn":
        parts.append(
            Panel(
                _cell_body(detail.upper),
                title=f"承接部门及工作方式：{'、'.join(row.departments)}",
                title_align="left",
                box=box.ROUNDED,
            )
        )
    else:
        upper_title = f"上级部门职责（{'、'.join(row.departments)}）"
        parts.append(
            Panel(
                _cell_body(detail.upper),
                title=upper_title,
                title_align="left",
                box=box.ROUNDED,
            )
        )
        parts.append(
            Panel(
                _cell_body(detail.township),
                title="乡镇配合职责（本乡）",
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
        table.add_row(label, value)
    console.print(table)


INFO_LABELS = [
    ("database", "数据库"),
    ("origin", "来源"),
    ("title", "清单"),
    ("doc_number", "文号"),
    ("date", "日期"),
    ("version", "版本"),
    ("count_basic", "基本履职事项"),
    ("count_coordinated", "配合履职事项"),
    ("count_withdrawn", "上级部门收回事项"),
    ("department_count", "部门数"),
    ("synonym_count", "同义词数"),
    ("built_at", "构建时间"),
    ("tool_version", "工具版本"),
    ("source_path", "源文件"),
    ("source_sha256", "源文件 sha256"),
    ("schema_version", "数据库结构版本"),
]


ORIGIN_LABELS = {
    "--db": "--db 参数指定",
    "DUTYLIST_DB": "环境变量 DUTYLIST_DB 指定",
    "user": "本机用户构建（dutylist build）",
    "bundled": "安装包自带",
}


def info_rows(info: dict[str, Any]) -> list[tuple[str, str]]:
    shown = {**info, "origin": ORIGIN_LABELS.get(info.get("origin", ""), info.get("origin"))}
    return [(label, _cell(shown[key])) for key, label in INFO_LABELS if shown.get(key) is not None]


def write_info(info: dict[str, Any], fmt: str, out: TextIO) -> None:
    if fmt in ("json", "jsonl"):
        out.write(json.dumps(info, ensure_ascii=False, indent=2 if fmt == "json" else None) + "\n")
    elif fmt == "csv":
        write_records([info], [k for k, _ in INFO_LABELS if k in info], "csv", out)
    else:
        for key, _ in INFO_LABELS:
            if info.get(key) is not None:
                out.write(f"{key}\t{_cell(info[key])}\n")


def print_marked_lines(lines: Sequence[str], console: Console) -> None:
    """Lines with ``[-deleted-]`` and ``{+inserted+}`` marks, shown in colour."""
    import re

    from rich.text import Text

    mark_re = re.compile(r"\[-(.*?)-\]|\{\+(.*?)\+\}", re.S)
    for line in lines:
        text = Text()
        position = 0
        for match in mark_re.finditer(line):
            text.append(line[position : match.start()])
            if match.group(1) is not None:
                text.append(match.group(1), style="bold red strike")
            else:
                text.append(match.group(2), style="bold green underline")
            position = match.end()
        text.append(line[position:])
        if line.startswith("=="):
            text.stylize("bold")
        console.print(text, overflow="fold")
