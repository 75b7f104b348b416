"""The ``dutylist`` command: the app, ``main``, and the commands that read the list.

Typer commands parse options, call the core and return data; the commands
that make and compare the list (build, import, validate, diff, restore) are in
``cli_revise``.

A command returns an ``Output`` (payload, format, exit code, notes); the
group writes it with ``render.emit`` and turns every error into a message and
an exit code through ``errors.handle``, the one handler. Words come from
``labels``.

Heavy modules (sqlite-utils, yaml, rich) are imported inside the commands that
need them, so a piped search starts as fast as a bare Typer program.
"""

from __future__ import annotations

import contextlib
import sys
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from typer.core import TyperGroup

from dutylist import labels
from dutylist.cli_revise import app as revise_app
from dutylist.cliformat import ChineseHelp, ChineseTyper
from dutylist.errors import (
    EXIT_NOT_FOUND,
    EXIT_OK,
    UsageError,
    handle,
    note,
)
from dutylist.options import (
    CategoryOption,
    DbOption,
    DepartmentOption,
    FormatOption,
    ItemFormatOption,
    ItemOutputOption,
    ListOption,
    OutputOption,
    close_connections,
    complete_category,
    complete_department,
    connect,
    output_format,
    parse_format,
    parse_list,
)
from dutylist.render import Output  # evaluated by Typer: commands are annotated with it

if TYPE_CHECKING:

    pass


class _DutylistGroup(ChineseHelp, TyperGroup):
    """Runs a command, writes the ``Output`` it returns, and maps any error through ``handle``.

    A non-zero exit code becomes ``typer.Exit`` so it holds under ``CliRunner``
    and ``main`` alike; a closed pipe ends with the code the command decided.
    Usage errors go through ``handle`` too (in Chinese), also in standalone mode.
    """

    def main(
        self,
        args: Sequence[str] | None = None,
        prog_name: str | None = None,
        complete_var: str | None = None,
        standalone_mode: bool = True,
        windows_expand_args: bool = True,
        **extra: Any,
    ) -> Any:
        try:
            result = super().main(
                args, prog_name, complete_var, False, windows_expand_args, **extra
            )
        except (typer.Abort, typer.TyperException) as error:
            if not standalone_mode:
                raise
            sys.exit(handle(error))
        if standalone_mode:
            sys.exit(result if isinstance(result, int) else EXIT_OK)
        return result

    def invoke(self, ctx: Any) -> Any:
        import os

        from dutylist.render import ASCII_ENV, emit

        code = EXIT_OK
        ascii_before = os.environ.get(ASCII_ENV)  # --ascii lasts one run (CliRunner: many)
        try:
            result = super().invoke(ctx)
            if isinstance(result, Output):
                code = result.code
                code = emit(result)
            elif isinstance(result, int):
                code = result
        except (typer.Exit, typer.Abort, typer.TyperException):
            raise  # click's own: usage errors are shown by click, with the usage line
        except (Exception, KeyboardInterrupt) as error:
            code = handle(error, result_code=code)
        finally:
            close_connections()
            if ascii_before is None:
                os.environ.pop(ASCII_ENV, None)
        if code != EXIT_OK:
            raise typer.Exit(code)
        return code


app = ChineseTyper(
    cls=_DutylistGroup,
    help=labels.APP_HELP,
    no_args_is_help=True,
    add_completion=True,
    context_settings={"help_option_names": ["-h", "--help"]},
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
)
app.add_typer(revise_app)  # build, import, validate, diff, restore (cli_revise.py)


def _version_callback(value: bool) -> None:
    if value:
        from dutylist import __version__

        typer.echo(f"dutylist {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: Annotated[
        bool,
        typer.Option(
            "--version",
            "-V",
            help="显示版本并退出。",
            callback=_version_callback,
            is_eager=True,
        ),
    ] = False,
    ascii_: Annotated[
        bool,
        typer.Option(
            "--ascii",
            help="表格只用 ASCII 边框和标点（终端把 ─ “ ” → … 显示为双宽、表格错位时用；"
            "也可设环境变量 DUTYLIST_ASCII=1）。ASCII borders and punctuation.",
        ),
    ] = False,
) -> None:
    """查询 大南沟乌孜别克族乡（木垒县）履职事项清单。"""
    if ascii_:
        import os

        from dutylist.render import ASCII_ENV

        os.environ[ASCII_ENV] = "1"


# ---------------------------------------------------------------- search


@app.command()
def search(
    query: Annotated[
        list[str] | None,
        typer.Argument(
            metavar="QUERY...", help="要查的词，可以是几个词（都要匹配）。", show_default=False
        ),
    ] = None,
    stdin: Annotated[
        bool,
        typer.Option(
            "--stdin",
            help="从标准输入读查询，每行一个（UTF-8 或 GBK 均可）；按输入顺序逐行回答，"
            "没有结果的行和空行也输出一条空记录，与输入逐行对齐。",
        ),
    ] = False,
    list_: ListOption = None,
    category: CategoryOption = None,
    department: DepartmentOption = None,
    limit: Annotated[
        int, typer.Option("--limit", "-n", min=0, metavar="N", help="最多显示几条；0 表示全部。")
    ] = 20,
    fmt: FormatOption = None,
    near: Annotated[
        bool,
        typer.Option(
            "--near",
            help="清单中没有答案时，也输出部分匹配结果（只含查询中的部分词；表格输出总是显示）。",
        ),
    ] = False,
    output: OutputOption = None,
    db: DbOption = None,
) -> Output:
    """按关键词搜索事项（名称、部门、步骤），最相关的在前。

    示例：dutylist search 低保 --list basic
    """
    from dutylist.batch import answer, answer_lines
    from dutylist.names import former_name_match
    from dutylist.render import Batch, Searches, search_notes
    from dutylist.store.schema import load_synonyms

    kind = parse_list(list_)
    out_format, path = output_format(fmt, output)
    # 0 means all; so does any number beyond what SQLite counts in (2**63 - 1).
    limit = 0 if limit >= 2**62 else limit
    if stdin and query:
        raise UsageError(labels.STDIN_AND_WORDS)
    if stdin:
        renamed = former_name_match(connect(db), department) if department else None
        notes = [labels.NOTE_RENAMED_SEARCH.format(former=renamed.former, name=renamed.name)
                 for _ in [renamed] if renamed is not None]
        lines = answer_lines(db, kind, category, department, limit, near, out_format)
        return Output(Batch(lines), out_format, notes=notes, path=path)
    text = " ".join(query or []).strip()
    if not text:
        raise UsageError(labels.EMPTY_QUERY_EXAMPLE)
    conn = connect(db)
    result = answer(conn, text, kind, category, department, limit, near, out_format,
                     load_synonyms(conn))
    notes = search_notes([result])
    for named in dict.fromkeys((text, department)):
        renamed = former_name_match(conn, named) if named else None
        if renamed is not None:
            notes.insert(0, labels.NOTE_RENAMED_SEARCH.format(former=renamed.former,
                                                               name=renamed.name))
    found = result.verdict == "found"
    return Output(Searches([result]), out_format, EXIT_OK if found else EXIT_NOT_FOUND, notes,
                  path)


# ---------------------------------------------------------------- filters


@app.command("filter-by-category")
def filter_by_category(
    category: Annotated[
        str | None,
        typer.Argument(
            metavar="[CATEGORY]",
            help="事项类别，例如 民生服务；不写则列出所有类别及各清单事项数。",
            autocompletion=complete_category,
            show_default=False,
        ),
    ] = None,
    list_: ListOption = None,
    fmt: FormatOption = None,
    output: OutputOption = None,
    db: DbOption = None,
) -> Output:
    """按事项类别列出事项；不写类别时列出所有类别及数量。

    示例：dutylist filter-by-category 民生服务 --list coordinated
    """
    return _filter("category", category, list_, output_format(fmt, output), db)


@app.command("filter-by-department")
def filter_by_department(
    department: Annotated[
        str | None,
        typer.Argument(
            metavar="[DEPARTMENT]",
            help="部门：木垒县民政局、县民政局、民政局 均可；不写则列出所有部门及数量。",
            autocompletion=complete_department,
            show_default=False,
        ),
    ] = None,
    list_: ListOption = None,
    fmt: FormatOption = None,
    output: OutputOption = None,
    db: DbOption = None,
) -> Output:
    """按对应上级部门 / 承接部门列出事项；不写部门时列出所有部门及数量。

    示例：dutylist filter-by-department 民政局
    """
    return _filter("department", department, list_, output_format(fmt, output), db)


def _filter(key: str, value: str | None, list_: str | None,
            target: tuple[str, Path | None], db: str | None) -> Output:
    """filter-by-category / filter-by-department: the items, or counts without a value."""
    from dutylist import query as q
    from dutylist.names import former_name_match, resolve_category, resolve_department
    from dutylist.render import Counts, Rows

    kind = parse_list(list_)
    out_format, path = target
    conn = connect(db)
    if value is None:
        counter = q.category_counts if key == "category" else q.department_counts
        entries = counter(conn, kind=kind)
        totals = q.list_counts(conn, kind=kind, with_departments=key == "department")
        return Output(Counts(entries, key, totals), out_format,
                      EXIT_OK if entries else EXIT_NOT_FOUND, path=path)
    if key == "category":
        rows = q.filter_duties(conn, kind=kind, category=value)
    else:
        rows = q.filter_duties(conn, kind=kind, department=value)
    renamed = former_name_match(conn, value) if key == "department" else None
    notes = [labels.NOTE_RENAMED.format(former=renamed.former, name=renamed.name)
             for _ in [renamed] if renamed is not None]
    if not rows:
        note(labels.NOTE_NO_MATCHING_ITEMS)
        return Output(Rows(rows), out_format, EXIT_NOT_FOUND, notes, path)
    shown = (
        resolve_category(conn, value) if key == "category"
        else resolve_department(conn, value)[1]
    )
    title = labels.FILTER_TITLE.format(label=shown, count=len(rows))
    return Output(Rows(rows, title), out_format, notes=notes, path=path)


# ---------------------------------------------------------------- show-steps


@app.command("show-steps")
def show_steps(
    duty_id: Annotated[
        str,
        typer.Argument(
            metavar="ID", help="事项编号：B28、C16、W1（c16、C-016 也可以）。", show_default=False
        ),
    ],
    fmt: ItemFormatOption = None,
    output: ItemOutputOption = None,
    db: DbOption = None,
) -> Output:
    """显示一个事项的全部内容：上级部门职责与乡镇配合职责，按清单编号。

    用 -o 指引.html 得到可打印（A4）的办事指引，用 --format text 得到便于粘贴的纯文本。

    示例：dutylist show-steps C16
    """
    from dutylist import query as q
    from dutylist.render import Detail
    from dutylist.store.schema import metadata

    out_format, path = output_format(fmt, output, one_item=True)
    conn = connect(db)
    detail = q.get_duty(conn, duty_id)
    return Output(Detail(detail, metadata(conn)), out_format, path=path)


# ---------------------------------------------------------------- export


@app.command()
def export(
    output: Annotated[
        Path,
        typer.Argument(
            metavar="FILE",
            help="写入的文件：.xlsx（每个清单一张工作表，另有一张步骤表）、.csv（中文列名）、"
            ".json（含全部步骤）、.jsonl、.tsv。",
            show_default=False,
        ),
    ],
    list_: ListOption = None,
    db: DbOption = None,
) -> Output:
    """把整个清单导出为文件，例如 Excel / WPS 工作簿。

    示例：dutylist export 履职事项清单.xlsx
    """
    from dutylist import query as q
    from dutylist.ids import LIST_KINDS
    from dutylist.render import Export
    from dutylist.render.files import format_for

    kind = parse_list(list_)
    fmt = format_for(output, one_item=False)
    conn = connect(db)
    rows = q.filter_duties(conn, kind=kind)
    lists = [(k, [r for r in rows if r.list == k]) for k in LIST_KINDS if kind in (None, k)]
    details = [q.get_duty(conn, row.id) for row in rows]
    return Output(Export(lists, details), fmt, path=output)


# ---------------------------------------------------------------- info


@app.command()
def info(
    fmt: FormatOption = None,
    db: DbOption = None,
) -> Output:
    """显示正在使用的数据库：位置、来源、版本与各清单事项数。

    示例：dutylist info
    """
    from dutylist import query as q
    from dutylist.paths import locate_database
    from dutylist.render import Info

    out_format = parse_format(fmt)
    data = q.database_info(locate_database(db))
    if data.get("warning"):
        note(labels.WARNING.format(message=data["warning"]))
    if data.get("stale"):
        note(data["stale"])
    return Output(Info(data), out_format)


# ---------------------------------------------------------------- serve


@app.command()
def serve(
    db: DbOption = None,
    host: Annotated[
        str,
        typer.Option(
            "--host", metavar="HOST",
            help="监听的地址；让办公室其他电脑访问用 0.0.0.0。",
        ),
    ] = "127.0.0.1",
    port: Annotated[
        int,
        typer.Option(
            "--port", "-p", min=0, max=65535, metavar="PORT", help="端口。"
        ),
    ] = 8001,
) -> int:
    """用 Datasette 在网页上提供清单查询（只读；需要 pip install 'dutylist[web]'）。

    示例：dutylist serve --host 0.0.0.0 --port 8001
    """
    from dutylist.paths import locate_database
    from dutylist.store.schema import connect as open_database

    path = locate_database(db).path
    open_database(path).close()  # a missing or foreign database fails here (exit code 3)
    try:
        from dutylist.web import serve as web
    except ModuleNotFoundError as error:
        if (error.name or "").startswith("dutylist"):
            raise
        raise UsageError(labels.WEB_EXTRA_MISSING) from None
    note(labels.WEB_SERVING.format(host=host, port=port))
    return web.run(path, host=host, port=port)


# ---------------------------------------------------------------- main


def main() -> None:
    """Entry point: run the app, turning every error into a message and an exit code.

    Output is UTF-8 whatever the locale, console code page or ``PYTHONIOENCODING``.
    """
    from dutylist.textio import use_utf8

    use_utf8()
    sys.exit(run(sys.argv[1:]))


def run(args: list[str]) -> int:
    """Run the command line ``args``; return the exit code (errors reported by ``handle``)."""
    code = EXIT_OK
    try:
        with _only_command(args[0] if args else ""):
            code = int(app(args=args, prog_name="dutylist", standalone_mode=False) or 0)
        sys.stdout.flush()
        return code
    except (Exception, KeyboardInterrupt) as error:
        return handle(error, result_code=code)


@contextlib.contextmanager
def _only_command(name: str) -> Iterator[None]:
    """While ``dutylist NAME …`` runs, the app registers only the command NAME.

    Typer turns every registered command's signature into click parameters on
    every run (about 10 ms for a dozen commands, a third of what a piped search
    costs over a bare Typer app); a run needs only its own. Anything else
    (``--help``, ``--version``, completion, an unknown name) sees every command.
    """
    typers = (app, revise_app)
    kept = [
        [c for c in t.registered_commands if _command_name(c) == name] for t in typers
    ]
    if not any(kept):
        yield
        return
    saved = [t.registered_commands for t in typers]
    for t, commands in zip(typers, kept, strict=True):
        t.registered_commands = commands
    try:
        yield
    finally:
        for t, commands in zip(typers, saved, strict=True):
            t.registered_commands = commands


def _command_name(info: Any) -> str | None:
    from typer.main import get_command_name

    if info.name:
        return str(info.name)
    callback = info.callback
    return get_command_name(callback.__name__) if callback is not None else None
