"""The ``dutylist`` command: Typer commands that parse options, call the core and return data.

A command returns an ``Output`` (payload, format, exit code, notes); the
group writes it with ``render.emit`` and turns every error into a message and
an exit code through ``errors.handle``, the one handler. Words come from
``labels``.

Heavy modules (sqlite-utils, yaml, rich) are imported inside the commands that
need them, so a piped search starts as fast as a bare Typer program.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from typer.core import TyperGroup

from dutylist import labels
from dutylist.errors import (
    EXIT_NOT_FOUND,
    EXIT_OK,
    DatabaseError,
    DutylistError,
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
    SourceArgument,
    SynonymsOption,
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
    from dutylist.model import Catalog
    from dutylist.revisions.types import CatalogDiff
    from dutylist.source import Loaded


class _DutylistGroup(TyperGroup):
    """Runs a command, writes the ``Output`` it returns, and maps any error through ``handle``.

    A non-zero exit code becomes ``typer.Exit`` so it holds under ``CliRunner``
    and ``main`` alike; a closed pipe ends with the code the command decided.
    """

    def invoke(self, ctx: Any) -> Any:
        from dutylist.render import emit

        code = EXIT_OK
        try:
            result = super().invoke(ctx)
            if isinstance(result, Output):
                code = result.code
                emit(result)
            elif isinstance(result, int):
                code = result
        except (typer.Exit, typer.Abort, typer.TyperException):
            raise  # click's own: usage errors are shown by click, with the usage line
        except (Exception, KeyboardInterrupt) as error:
            code = handle(error, result_code=code)
        finally:
            close_connections()
        if code != EXIT_OK:
            raise typer.Exit(code)
        return code


app = typer.Typer(
    cls=_DutylistGroup,
    help=labels.APP_HELP,
    no_args_is_help=True,
    add_completion=True,
    context_settings={"help_option_names": ["-h", "--help"]},
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
)


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
            help="显示版本并退出。Show the version and exit.",
            callback=_version_callback,
            is_eager=True,
        ),
    ] = False,
) -> None:
    """查询 大南沟乌孜别克族乡（木垒县）履职事项清单。"""


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
        bool, typer.Option("--stdin", help="从标准输入读查询，每行一个。One query per line.")
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

    Example: dutylist search 低保 --list basic
    """
    from dutylist import query as q
    from dutylist.names import former_name_match
    from dutylist.render import Searches, search_notes
    from dutylist.store.schema import load_synonyms

    kind = parse_list(list_)
    out_format, path = output_format(fmt, output)
    if stdin and query:
        raise UsageError(labels.STDIN_AND_WORDS)
    if stdin:
        queries = [line.strip() for line in stdin_lines() if line.strip()]
        if not queries:
            raise UsageError(labels.STDIN_EMPTY)
    else:
        text = " ".join(query or []).strip()
        if not text:
            raise UsageError(labels.EMPTY_QUERY_EXAMPLE)
        queries = [text]
    conn = connect(db)
    synonyms = load_synonyms(conn)
    results = [
        q.search(
            conn, text, kind=kind, category=category, department=department,
            limit=limit or None, synonyms=synonyms, near=near or out_format == "table",
        )
        for text in queries
    ]
    if not near and out_format != "table":
        for result in results:  # a pipeline reading row 1 never gets a near miss
            if result.verdict != "found":
                result.rows = []
    found = any(result.verdict == "found" for result in results)
    notes = search_notes(results, batch=stdin)
    for named in dict.fromkeys((*queries[:1], department) if not stdin else (department,)):
        renamed = former_name_match(conn, named) if named else None
        if renamed is not None:
            notes.insert(0, labels.NOTE_RENAMED_SEARCH.format(former=renamed.former,
                                                               name=renamed.name))
    return Output(
        Searches(results, batch=stdin),
        out_format,
        EXIT_OK if found else EXIT_NOT_FOUND,
        notes,
        path,
    )


def stdin_lines() -> Iterator[str]:
    """``--stdin``: the lines of standard input, decoded whatever their encoding."""
    from dutylist.textio import binary_stdin, decode_lines

    def warn(number: int) -> None:
        note(labels.STDIN_LINE_UNDECODABLE.format(number=number))

    return decode_lines(binary_stdin(), warn)


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

    Example: dutylist filter-by-category 民生服务 --list coordinated
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

    Example: dutylist filter-by-department 民政局
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
        return Output(Counts(entries, key), out_format, EXIT_OK if entries else EXIT_NOT_FOUND,
                      path=path)
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

    Example: dutylist show-steps C16
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

    Example: dutylist export 履职事项清单.xlsx
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

    Example: dutylist info
    """
    from dutylist import query as q
    from dutylist.paths import locate_database
    from dutylist.render import Info

    out_format = parse_format(fmt)
    data = q.database_info(locate_database(db))
    if data.get("warning"):
        note(labels.WARNING.format(message=data["warning"]))
    return Output(Info(data), out_format)


# ---------------------------------------------------------------- build


@app.command()
def build(
    source: SourceArgument = None,
    db: DbOption = None,
    synonyms: SynonymsOption = None,
) -> int:
    """校验清单 YAML 并编译为可搜索的数据库（原数据库保留为备份）。

    Example: dutylist build data/duties.yaml
    """
    from dutylist.paths import build_target
    from dutylist.revisions import load_previous
    from dutylist.source import load_source
    from dutylist.store.build import build_database

    loaded = _loaded(load_source(source, synonyms))
    target = build_target(db)
    previous = load_previous(target)
    synonym_counts = (_synonym_count(target), len(loaded.synonyms))
    backup = build_database(
        loaded.catalog, target, source=loaded.path, synonyms=loaded.synonyms,
        synonyms_source=loaded.synonyms_path,
    )
    counts = labels.counts_text(loaded.catalog.counts())
    note(labels.NOTE_BUILT.format(target=target, counts=counts, synonyms=len(loaded.synonyms)))
    _note_changes(previous, loaded.catalog, synonym_counts)
    if backup is not None:
        command = "dutylist restore" + (f" --db {target}" if db else "")
        note(labels.NOTE_BACKUP.format(backup=backup, command=command))
    return EXIT_OK


def _loaded(loaded: Loaded) -> Loaded:
    """A loaded source, its warnings told."""
    for warning in loaded.warnings:
        note(warning)
    return loaded


def _note_changes(
    previous: Catalog | None,
    catalog: Catalog,
    synonyms: tuple[int | None, int] = (None, 0),
) -> None:
    """What a new list changes against the one in the database, one line per kind of change.

    ``synonyms``: the number of synonyms in the database and in the new build.
    """
    if previous is None:
        return
    from dutylist.render.diff import summary_lines
    from dutylist.revisions import diff_catalogs

    lines = summary_lines(diff_catalogs(previous, catalog))
    before, after = synonyms
    if before is not None and before != after:
        changed = labels.SUMMARY_SYNONYMS.format(old=before, new=after)
        lines = [changed] if lines == [labels.NO_CHANGE] else [*lines, changed]
    for line in lines:
        note(f"  {line}")


def _synonym_count(target: Path) -> int | None:
    """How many synonyms the database at ``target`` holds; None if there is none to read."""
    import sqlite3

    from dutylist.store.schema import connect as open_db
    from dutylist.store.schema import load_synonyms

    if not target.is_file():
        return None
    try:
        conn = open_db(target)
        try:
            return len(load_synonyms(conn))
        finally:
            conn.close()
    except (DutylistError, sqlite3.Error):
        return None


# ---------------------------------------------------------------- revisions


@app.command("import")
def import_(
    text: Annotated[
        Path,
        typer.Argument(
            metavar="OFFICIAL_TEXT",
            help="官方清单文本（由 PDF 提取的 .txt，与 data/source/ 中的相同形式），任何版本均可。",
            show_default=False,
        ),
    ],
    output: Annotated[
        Path | None,
        typer.Option(
            "-o", "--output",
            help="写入的清单 YAML；默认为当前目录下的 data/duties.yaml（被替换的旧清单）。",
            show_default=False,
        ),
    ] = None,
    previous: Annotated[
        Path | None,
        typer.Option(
            "--previous",
            help="被替换的旧清单（YAML 或数据库），沿用其文号、日期、版本、部门简称与原名、"
            "备注；默认为输出文件（若已存在），否则为当前目录下的 data/duties.yaml，"
            "否则为正在使用的数据库。",
            show_default=False,
        ),
    ] = None,
    doc_number: Annotated[
        str | None,
        typer.Option("--doc-number", help="新版本的文号（不给则沿用）。", show_default=False),
    ] = None,
    date: Annotated[
        str | None,
        typer.Option("--date", help="新版本的日期，如 2026-11-01（不给则沿用）。",
                     show_default=False),
    ] = None,
    version: Annotated[
        str | None,
        typer.Option("--version", help="新版本的版本号，如 2026.1（不给则沿用）。",
                     show_default=False),
    ] = None,
    db: DbOption = None,
) -> int:
    """把官方清单文本导入为清单 YAML（任何版本），并列出与旧清单相比的变化。

    无法归属的文字会报错并指出原文行号，不会并入步骤；结果与 build 的校验相同。

    Example: dutylist import data/source/danangou_duty_list.txt --version 2026.1
    """
    from dutylist.importer.run import import_file
    from dutylist.revisions import diff_catalogs

    report = import_file(
        text, output, previous=previous, db=db,
        revision={"doc_number": doc_number, "date": date, "version": version},
    )
    counts = labels.counts_text(report.catalog.counts())
    if report.written:
        note(labels.NOTE_IMPORTED.format(text=report.text, output=report.output, counts=counts))
    else:
        note(labels.NOTE_IMPORT_UNCHANGED.format(text=report.text, output=report.output))
    if report.previous is None:
        note(labels.NOTE_IMPORT_NO_PREVIOUS)
    else:
        from dutylist.render.diff import summary_lines

        note(labels.NOTE_IMPORT_CARRIED.format(previous=report.previous_label))
        for line in summary_lines(diff_catalogs(report.previous, report.catalog)):
            note(f"  {line}")
    carried = report.result.carried
    for old, new in carried.renamed:
        note(labels.NOTE_IMPORT_RENAMED.format(old=old, new=new))
    for old_id, why in carried.notes_dropped:
        note(labels.NOTE_IMPORT_NOTE_DROPPED.format(id=old_id, why=labels.IMPORT_NOTE_WHY[why]))
    note(labels.NOTE_IMPORT_NEXT.format(output=report.output))
    return EXIT_OK


@app.command()
def validate(
    source: SourceArgument = None,
    synonyms: SynonymsOption = None,
    db: DbOption = None,
) -> int:
    """只校验清单 YAML（与 build 的检查相同），不写任何文件。

    Example: dutylist validate data/duties.yaml
    """
    from dutylist.paths import build_target
    from dutylist.revisions import load_previous
    from dutylist.source import load_source

    loaded = _loaded(load_source(source, synonyms))
    counts = labels.counts_text(loaded.catalog.counts())
    note(labels.NOTE_VALID.format(path=loaded.path, counts=counts, synonyms=len(loaded.synonyms)))
    target = build_target(db)
    previous = load_previous(target)
    if previous is not None:
        note(labels.NOTE_COMPARED_WITH.format(target=target))
    _note_changes(previous, loaded.catalog, (_synonym_count(target), len(loaded.synonyms)))
    return EXIT_OK


@app.command()
def diff(
    old: Annotated[
        Path,
        typer.Argument(
            metavar="OLD", help="旧版本：清单 YAML 或已构建的数据库。", show_default=False
        ),
    ],
    new: Annotated[
        Path,
        typer.Argument(
            metavar="NEW", help="新版本：清单 YAML 或已构建的数据库。", show_default=False
        ),
    ],
    fmt: FormatOption = None,
) -> Output:
    """比较清单的两个版本：新增、删除、修改、移动的事项，逐字标出改动。

    --format json 给出全部改动的数据；tsv/csv 每行一处改动（change、list、id、old_id、
    field、label、where、old、new）；不指定格式时在终端显示彩色对比，管道中为带
    [-删除-]{+新增+} 标记的文字。退出码与 diff 相同：0 无变化，1 有变化，2 出错。

    Example: dutylist diff ~/.local/share/dutylist/duties.db data/duties.yaml
    """
    from dutylist import revisions
    from dutylist.render import Diff

    out_format = parse_format(fmt)
    if fmt is None and out_format == "tsv":
        out_format = "text"  # piped without --format: the marked prose; tsv/csv on request
    try:
        result: CatalogDiff = revisions.diff_paths(old, new)
    except DatabaseError as error:  # like diff(1), any trouble is exit 2
        raise UsageError(error.message) from None
    return Output(Diff(result), out_format, EXIT_OK if result.is_empty else EXIT_NOT_FOUND)


@app.command()
def restore(db: DbOption = None) -> int:
    """用 build 保留的备份恢复上一个数据库（当前数据库与备份互换）。

    Example: dutylist restore
    """
    from dutylist.paths import build_target
    from dutylist.store.restore import restore_backup

    target = build_target(db)
    backup = restore_backup(target)
    note(labels.NOTE_RESTORED.format(target=target, backup=backup))
    return EXIT_OK


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
        code = int(app(args=args, prog_name="dutylist", standalone_mode=False) or 0)
        sys.stdout.flush()
        return code
    except (Exception, KeyboardInterrupt) as error:
        return handle(error, result_code=code)
