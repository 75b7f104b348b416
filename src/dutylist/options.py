"""The options and arguments the commands share: types, help, parsing and completion.

Typer reads these ``Annotated`` types; ``parse_list`` and ``parse_format``
turn option values into the core's values (a bad value is a usage error).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from dutylist import labels
from dutylist.errors import DutylistError
from dutylist.ids import LIST_KINDS, ListKind

if TYPE_CHECKING:
    import sqlite3


_open: list[sqlite3.Connection] = []


def connect(db: str | None) -> sqlite3.Connection:
    """The database a command reads (read-only); closed by ``close_connections`` when the
    command has been written out."""
    from dutylist.paths import locate_database
    from dutylist.store.schema import connect

    choice = locate_database(db)
    conn = connect(choice.path)
    _open.append(conn)
    # One read transaction for the whole command: every statement reads the same
    # snapshot (a --stdin batch answers all its lines from one version of the list),
    # and SQLite takes its lock and checks the file once, not for every statement
    # (about a tenth of a batch's time). Nothing is written on this connection.
    conn.execute("BEGIN")
    global _warned
    if choice.origin == "user" and not _warned:
        # A user's own build older than the list bundled with the package: said once.
        from dutylist.errors import note
        from dutylist.query import older_than_bundled
        from dutylist.store.schema import metadata

        _warned = True
        stale = older_than_bundled(choice, metadata(conn))
        if stale is not None:
            note(stale + labels.STALE_SEE_INFO)
    return conn


_warned = False


def close_connections() -> None:
    while _open:
        _open.pop().close()


def parse_list(value: str | None) -> ListKind | None:
    if value is None:
        return None
    kind = labels.LIST_NAMES.get(value.strip().lower())
    if kind is None:
        raise typer.BadParameter(labels.BAD_LIST.format(value=value, forms=labels.list_forms()))
    return kind


def parse_format(value: str | None, *, one_item: bool = False) -> str:
    """``--format``: table, tsv, csv, json, jsonl (and html, text for one item)."""
    from dutylist.render import FORMATS, ITEM_FORMATS, default_format

    if value is None:
        return default_format()
    formats = FORMATS + ITEM_FORMATS if one_item else FORMATS
    value = value.strip().lower()
    if value not in formats:
        raise typer.BadParameter(labels.BAD_FORMAT.format(value=value, formats="、".join(formats)))
    return value


def output_format(
    fmt: str | None, output: Path | None, *, one_item: bool = False
) -> tuple[str, Path | None]:
    """(format, file): with ``-o FILE`` the format is the file's extension."""
    if output is None:
        return parse_format(fmt, one_item=one_item), None
    from dutylist.render.files import format_for

    return format_for(output, one_item=one_item, given=fmt), output


def complete_list(incomplete: str) -> list[str]:
    return [kind for kind in LIST_KINDS if kind.startswith(incomplete)]


def complete_format(incomplete: str) -> list[str]:
    from dutylist.render import FORMATS

    return [f for f in FORMATS if f.startswith(incomplete)]


def complete_from_db(ctx: typer.Context, incomplete: str, what: str) -> list[str]:
    """Names from the database that start with what was typed (shells filter by prefix)."""
    from dutylist.names import category_names, department_labels

    try:
        conn = connect(ctx.params.get("db"))
    except DutylistError:
        return []
    if what == "category":
        names = category_names(conn)
    else:
        names = [name for group in department_labels(conn) for name in group]
    conn.close()
    return list(dict.fromkeys(name for name in names if name.startswith(incomplete)))


def complete_category(ctx: typer.Context, incomplete: str) -> list[str]:
    return complete_from_db(ctx, incomplete, "category")


def complete_department(ctx: typer.Context, incomplete: str) -> list[str]:
    return complete_from_db(ctx, incomplete, "department")


DbOption = Annotated[
    str | None,
    typer.Option(
        "--db",
        help="使用的数据库文件（也可用环境变量 DUTYLIST_DB）。",
        metavar="PATH",
        show_default=False,
    ),
]
ListOption = Annotated[
    str | None,
    typer.Option(
        "--list",
        "-l",
        metavar="LIST",
        help="只看一个清单：basic（基本）、coordinated（配合）、withdrawn（收回）。",
        autocompletion=complete_list,
        show_default=False,
    ),
]
FormatOption = Annotated[
    str | None,
    typer.Option(
        "--format",
        "-f",
        metavar="FORMAT",
        help="输出格式：table、tsv、csv、json、jsonl。默认：终端为 table，管道为 tsv。",
        autocompletion=complete_format,
        show_default=False,
    ),
]
ItemFormatOption = Annotated[
    str | None,
    typer.Option(
        "--format",
        "-f",
        metavar="FORMAT",
        help="输出格式：table、text（纯文本，便于粘贴）、html（办事指引）、tsv、csv、json、"
        "jsonl。默认：终端为 table，管道为 tsv。",
        autocompletion=complete_format,
        show_default=False,
    ),
]
CategoryOption = Annotated[
    str | None,
    typer.Option(
        "--category",
        "-c",
        metavar="CATEGORY",
        help="只看该事项类别，例如 民生服务。",
        autocompletion=complete_category,
        show_default=False,
    ),
]
DepartmentOption = Annotated[
    str | None,
    typer.Option(
        "--department",
        "-d",
        metavar="DEPARTMENT",
        help="只看该部门的事项：木垒县民政局、县民政局、民政局 均可。",
        autocompletion=complete_department,
        show_default=False,
    ),
]


OutputOption = Annotated[
    Path | None,
    typer.Option(
        "--output",
        "-o",
        metavar="FILE",
        help="写入文件，格式由扩展名决定：.xlsx、.csv（Excel/WPS 可直接打开，中文列名）、"
        ".json、.jsonl、.tsv。",
        show_default=False,
    ),
]
ItemOutputOption = Annotated[
    Path | None,
    typer.Option(
        "--output",
        "-o",
        metavar="FILE",
        help="写入文件，格式由扩展名决定：.html（可打印的办事指引）、.txt（纯文本）、"
        ".xlsx、.csv（中文列名）、.json、.jsonl、.tsv。",
        show_default=False,
    ),
]


SourceArgument = Annotated[
    Path | None,
    typer.Argument(
        metavar="[SOURCE]",
        help="清单 YAML 文件；默认为当前目录下的 data/duties.yaml。",
        show_default=False,
    ),
]
SynonymsOption = Annotated[
    Path | None,
    typer.Option(
        "--synonyms",
        help="同义词表；默认为源文件旁的 synonyms.yaml（若存在）。",
        show_default=False,
    ),
]
