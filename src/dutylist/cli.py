"""The ``dutylist`` command: Typer commands that parse options, call the core and render.

Heavy modules (sqlite-utils, yaml, rich) are imported inside the commands that
need them, so a piped search starts as fast as a bare Typer program.
"""

from __future__ import annotations

import errno
import os
import sqlite3
import sys
from pathlib import Path
from typing import Annotated, Any

import typer
from typer.core import TyperGroup

from dutylist.errors import (
    EXIT_DATABASE,
    EXIT_NOT_FOUND,
    EXIT_OK,
    EXIT_USAGE,
    DatabaseError,
    DutylistError,
    UsageError,
)
from dutylist.ids import LIST_KINDS, ListKind
from dutylist.textsearch import MAX_QUERY_CHARS

HELP = """查询 大南沟乌孜别克族乡（木垒县）履职事项清单：这件事是谁的职责，具体怎么做。

Search the official duty list (履职事项清单) of 大南沟乌孜别克族乡, 木垒县.

Example: dutylist search 低保
"""

class _DutylistGroup(TyperGroup):
    """The one place where a DutylistError becomes a message on stderr and an exit code.

    A command returns its exit code (0 found, 1 nothing found); a non-zero
    code becomes ``typer.Exit`` so it holds under ``CliRunner`` and ``main``.
    """

    def invoke(self, ctx: Any) -> Any:
        try:
            result = super().invoke(ctx)
        except DutylistError as error:
            _print_error(error)
            raise typer.Exit(error.exit_code) from None
        except sqlite3.Error as error:  # a database that opened but is damaged inside
            _print_error(DatabaseError(f"数据库读取失败，可能已损坏：{error}（请重新构建）"))
            raise typer.Exit(DatabaseError.exit_code) from None
        except OSError as error:
            if error.errno != errno.EPIPE:
                raise
            raise typer.Exit(_closed_pipe()) from None
        if isinstance(result, int) and not isinstance(result, bool) and result != 0:
            raise typer.Exit(result)
        return result


app = typer.Typer(
    cls=_DutylistGroup,
    help=HELP,
    no_args_is_help=True,
    add_completion=True,
    context_settings={"help_option_names": ["-h", "--help"]},
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
)

# The exit code a command has decided on before it prints; a closed pipe while
# printing ends the program quietly with this code.
_pending_exit = EXIT_OK

_LIST_NAMES: dict[str, ListKind] = {
    "basic": "basic", "b": "basic", "基本": "basic", "基本履职事项": "basic",
    "coordinated": "coordinated", "c": "coordinated", "配合": "coordinated",
    "配合履职事项": "coordinated",
    "withdrawn": "withdrawn", "w": "withdrawn", "收回": "withdrawn",
    "上级部门收回事项": "withdrawn",
}


# ---------------------------------------------------------------- option types


def _parse_list(value: str | None) -> ListKind | None:
    if value is None:
        return None
    kind = _LIST_NAMES.get(value.strip().lower())
    if kind is None:
        raise typer.BadParameter(f"{value!r}：应为 basic、coordinated 或 withdrawn")
    return kind


def _parse_format(value: str | None) -> str | None:
    from dutylist.render import FORMATS

    if value is None:
        return None
    value = value.strip().lower()
    if value not in FORMATS:
        raise typer.BadParameter(f"{value!r}：应为 {'、'.join(FORMATS)} 之一")
    return value


def _complete_list(incomplete: str) -> list[str]:
    return [kind for kind in LIST_KINDS if kind.startswith(incomplete)]


def _complete_format(incomplete: str) -> list[str]:
    from dutylist.render import FORMATS

    return [f for f in FORMATS if f.startswith(incomplete)]


def _complete_from_db(ctx: typer.Context, incomplete: str, what: str) -> list[str]:
    """Names from the database that start with what was typed (shells filter by prefix)."""
    from dutylist import query

    try:
        conn = query.connect(query.locate_database(ctx.params.get("db")).path)
    except DutylistError:
        return []
    if what == "category":
        labels = query.category_names(conn)
    else:
        labels = [label for names in query.department_labels(conn) for label in names]
    conn.close()
    return list(dict.fromkeys(label for label in labels if label.startswith(incomplete)))


def _complete_category(ctx: typer.Context, incomplete: str) -> list[str]:
    return _complete_from_db(ctx, incomplete, "category")


def _complete_department(ctx: typer.Context, incomplete: str) -> list[str]:
    return _complete_from_db(ctx, incomplete, "department")


DbOption = Annotated[
    str | None,
    typer.Option(
        "--db",
        help="使用的数据库文件（也可用环境变量 DUTYLIST_DB）。Database file to read.",
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
        autocompletion=_complete_list,
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
        autocompletion=_complete_format,
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
        autocompletion=_complete_category,
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
        autocompletion=_complete_department,
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


# ---------------------------------------------------------------- helpers


def _load_source(source: Path | None, synonyms: Path | None) -> tuple[Path, Any, Path | None, Any]:
    """(path, validated catalog, synonyms path, synonyms) for build and validate."""
    from dutylist import source as src

    path = source or src.default_source()
    if path is None:
        raise UsageError("请指定清单 YAML 文件（当前目录下没有 data/duties.yaml）")
    catalog = src.load_catalog(path)
    synonyms_path = synonyms or src.synonyms_beside(path)
    synonym_map = src.load_synonyms(synonyms_path) if synonyms_path else {}
    for warning in src.synonym_targets_not_found(catalog, synonym_map):
        _note(f"警告：{synonyms_path}：{warning}")
    return Path(path), catalog, synonyms_path, synonym_map


def _connect(db: str | None) -> Any:
    from dutylist import query

    return query.connect(query.locate_database(db).path)


def _resolve_format(fmt: str | None) -> str:
    from dutylist.render import default_format

    return _parse_format(fmt) or default_format()


def _set_exit(code: int) -> int:
    global _pending_exit
    _pending_exit = code
    return code


def _console() -> Any:
    from dutylist.render import make_console

    return make_console()


def _note(message: str) -> None:
    """A message for the person (stderr), never mixed into the data."""
    typer.echo(message, err=True)


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
    db: DbOption = None,
) -> int:
    """按关键词搜索事项（名称、部门、步骤），最相关的在前。

    Example: dutylist search 低保 --list basic
    """
    from dutylist import query as q
    from dutylist import render

    kind = _parse_list(list_)
    out_format = _resolve_format(fmt)
    if stdin and query:
        raise UsageError("--stdin 与查询词不能同时使用")
    if stdin:
        queries = [line.strip() for line in sys.stdin if line.strip()]
        if not queries:
            raise UsageError("标准输入中没有查询词")
    else:
        text = " ".join(query or []).strip()
        if not text:
            raise UsageError("查询词不能为空；例如：dutylist search 低保")
        queries = [text]
    conn = _connect(db)
    synonyms = q.load_synonyms(conn)
    results = [
        q.search(
            conn, text, kind=kind, category=category, department=department,
            limit=limit or None, synonyms=synonyms,
        )
        for text in queries
    ]
    found = any(result.rows for result in results)
    _set_exit(EXIT_OK if found else EXIT_NOT_FOUND)
    if out_format == "table":
        shown = [r for r in results if r.rows]
        if shown:
            render.print_search(shown, _console())
    else:
        records = [rec for r in results for rec in render.search_records(r, with_query=stdin)]
        fields = (["query"] if stdin else []) + render.SEARCH_FIELDS
        render.write_records(records, fields, out_format, sys.stdout)
    sys.stdout.flush()  # the notes below follow the results on a terminal
    if stdin:
        missing = sum(1 for result in results if not result.rows)
        partial = sum(1 for result in results if result.partial)
        _note(f"共 {len(results)} 个查询：{missing} 个没有结果，{partial} 个为部分匹配。")
    else:
        _search_notes(results[0])
        if not found:
            _note(f"没有找到与“{render.shorten(queries[0])}”相关的事项。")
    return _pending_exit


def _search_notes(result: Any) -> None:
    """Tell the person (on stderr) what the rows alone do not say."""
    from dutylist.render import shorten

    if result.truncated_query:
        _note(f"提示：查询过长，只用了前 {MAX_QUERY_CHARS} 个字符。")
    if result.partial:
        _note(f"提示：没有同时匹配所有词的事项，以下是“{shorten(result.query)}”的部分匹配结果。")
    if result.total > len(result.rows):
        shown_count = len(result.rows)
        _note(f"提示：共 {result.total} 条，显示前 {shown_count} 条（用 --limit 0 看全部）。")


# ---------------------------------------------------------------- filters


@app.command("filter-by-category")
def filter_by_category(
    category: Annotated[
        str | None,
        typer.Argument(
            metavar="[CATEGORY]",
            help="事项类别，例如 民生服务；不写则列出所有类别及各清单事项数。",
            autocompletion=_complete_category,
            show_default=False,
        ),
    ] = None,
    list_: ListOption = None,
    fmt: FormatOption = None,
    db: DbOption = None,
) -> int:
    """按事项类别列出事项；不写类别时列出所有类别及数量。

    Example: dutylist filter-by-category 民生服务 --list coordinated
    """
    from dutylist import query as q

    return _filter(q.category_counts, "category", category, None, list_, fmt, db)


@app.command("filter-by-department")
def filter_by_department(
    department: Annotated[
        str | None,
        typer.Argument(
            metavar="[DEPARTMENT]",
            help="部门：木垒县民政局、县民政局、民政局 均可；不写则列出所有部门及数量。",
            autocompletion=_complete_department,
            show_default=False,
        ),
    ] = None,
    list_: ListOption = None,
    fmt: FormatOption = None,
    db: DbOption = None,
) -> int:
    """按对应上级部门 / 承接部门列出事项；不写部门时列出所有部门及数量。

    Example: dutylist filter-by-department 民政局
    """
    from dutylist import query as q

    return _filter(q.department_counts, "department", None, department, list_, fmt, db)


def _filter(
    counter: Any,
    key: str,
    category: str | None,
    department: str | None,
    list_: str | None,
    fmt: str | None,
    db: str | None,
) -> int:
    from dutylist import query as q
    from dutylist import render

    kind = _parse_list(list_)
    out_format = _resolve_format(fmt)
    conn = _connect(db)
    if category is None and department is None:
        entries = counter(conn, kind=kind)
        _set_exit(EXIT_OK if entries else EXIT_NOT_FOUND)
        if out_format == "table":
            render.print_counts(entries, key, _console())
        else:
            fields = [key, "basic", "coordinated", "withdrawn", "total"]
            render.write_records(entries, fields, out_format, sys.stdout)
        return _pending_exit
    rows = q.filter_duties(conn, kind=kind, category=category, department=department)
    _set_exit(EXIT_OK if rows else EXIT_NOT_FOUND)
    if not rows:
        _note("没有符合条件的事项。")
    if out_format == "table":
        if rows:
            label = (
                q.resolve_category(conn, category)
                if category is not None
                else q.resolve_department(conn, department or "")[1]
            )
            render.print_rows(rows, _console(), title=f"{label}：{len(rows)} 项")
    else:
        render.write_records([r.as_dict() for r in rows], render.LIST_FIELDS, out_format,
                             sys.stdout)
    return _pending_exit


# ---------------------------------------------------------------- show-steps


@app.command("show-steps")
def show_steps(
    duty_id: Annotated[
        str,
        typer.Argument(
            metavar="ID", help="事项编号：B28、C16、W1（c16、C-016 也可以）。", show_default=False
        ),
    ],
    fmt: FormatOption = None,
    db: DbOption = None,
) -> int:
    """显示一个事项的全部内容：上级部门职责与乡镇配合职责，按清单编号。

    Example: dutylist show-steps C16
    """
    from dutylist import query as q
    from dutylist import render

    out_format = _resolve_format(fmt)
    conn = _connect(db)
    detail = q.get_duty(conn, duty_id)
    _set_exit(EXIT_OK)
    if out_format == "table":
        render.print_detail(detail, _console())
    else:
        render.write_detail(detail, out_format, sys.stdout)
    return EXIT_OK


# ---------------------------------------------------------------- info


@app.command()
def info(
    fmt: FormatOption = None,
    db: DbOption = None,
) -> int:
    """显示正在使用的数据库：位置、来源、版本与各清单事项数。

    Example: dutylist info
    """
    from dutylist import query as q
    from dutylist import render

    out_format = _resolve_format(fmt)
    choice = q.locate_database(db)
    conn = q.connect(choice.path)
    data: dict[str, Any] = {"database": str(choice.path), "origin": choice.origin}
    data.update(q.metadata(conn))
    data["department_count"] = len(q.department_names(conn))
    data["synonym_count"] = len(q.load_synonyms(conn))
    stale = _stale_warning(data)
    if stale:
        data["warning"] = stale
        _note(f"警告：{stale}")
    if out_format == "table":
        render.print_info(data, _console())
    else:
        render.write_info(data, out_format, sys.stdout)
    return EXIT_OK


def _stale_warning(meta: dict[str, Any]) -> str | None:
    """Say so when the YAML the database was built from has changed since."""
    source = meta.get("source_path")
    if not source or not Path(source).is_file():
        return None
    from dutylist.query import sha256_file

    if sha256_file(Path(source)) != meta.get("source_sha256"):
        return f"数据库比源文件 {source} 旧（源文件在构建后已修改），请运行 dutylist build"
    return None


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
    from dutylist import store
    from dutylist.revisions import load_previous

    path, catalog, synonyms_path, synonym_map = _load_source(source, synonyms)
    target = _build_target(db)
    previous = load_previous(target)
    backup = store.build_database(
        catalog, target, source=path, synonyms=synonym_map, synonyms_source=synonyms_path
    )
    counts = _counts_text(catalog)
    _note(f"已构建 {target}：{counts}；同义词 {len(synonym_map)} 条。")
    _note_changes(previous, catalog)
    if backup is not None:
        restore = "dutylist restore" + (f" --db {target}" if db else "")
        _note(f"原数据库已备份为 {backup}；恢复请运行：{restore}")
    return EXIT_OK


# ---------------------------------------------------------------- revisions


@app.command()
def validate(
    source: SourceArgument = None,
    synonyms: SynonymsOption = None,
    db: DbOption = None,
) -> int:
    """只校验清单 YAML（与 build 的检查相同），不写任何文件。

    Example: dutylist validate data/duties.yaml
    """
    from dutylist.revisions import load_previous

    path, catalog, _, synonym_map = _load_source(source, synonyms)
    counts = _counts_text(catalog)
    _note(f"{path}：校验通过（{counts}；同义词 {len(synonym_map)} 条）。")
    target = _build_target(db)
    previous = load_previous(target)
    if previous is not None:
        _note(f"与当前数据库 {target} 相比：")
    _note_changes(previous, catalog)
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
) -> int:
    """比较清单的两个版本：新增、删除、修改、移动的事项，逐字标出改动。

    退出码与 diff 相同：0 无变化，1 有变化，2 出错。

    Example: dutylist diff ~/.local/share/dutylist/duties.db data/duties.yaml
    """
    from dutylist import render, revisions

    out_format = _resolve_format(fmt)
    try:
        result = revisions.diff_paths(old, new)
    except DutylistError as error:
        _print_error(error)
        return EXIT_USAGE
    code = _set_exit(EXIT_OK if result.is_empty else EXIT_NOT_FOUND)
    if out_format in ("json", "jsonl"):
        sys.stdout.write(result.to_json(indent=None if out_format == "jsonl" else 2) + "\n")
    elif out_format == "table":
        render.print_marked_lines(revisions.text_lines(result), _console())
    else:
        sys.stdout.write("\n".join(revisions.text_lines(result)) + "\n")
    return code


@app.command()
def restore(db: DbOption = None) -> int:
    """用 build 保留的备份恢复上一个数据库（当前数据库与备份互换）。

    Example: dutylist restore
    """
    from dutylist import query as q

    target = _build_target(db)
    backup = q.backup_path(target)
    if not backup.is_file():
        raise UsageError(f"没有可恢复的备份：{backup} 不存在")
    q.connect(backup).close()  # refuse to restore something that is not a database
    swap = target.with_name(target.name + ".swap")
    if target.exists():
        os.replace(target, swap)
    os.replace(backup, target)
    if swap.exists():
        os.replace(swap, backup)
    _note(f"已恢复 {target}（被替换的数据库保存为 {backup}，再次运行 restore 可撤销）。")
    return EXIT_OK


def _note_changes(previous: Any, catalog: Any) -> None:
    """What a new list changes against the one in the database, one line per kind of change."""
    if previous is None:
        return
    from dutylist.revisions import diff_catalogs

    for line in diff_catalogs(previous, catalog).summary_lines():
        _note(f"  {line}")


def _counts_text(catalog: Any) -> str:
    short: dict[ListKind, str] = {"basic": "基本", "coordinated": "配合", "withdrawn": "收回"}
    return "，".join(f"{short[kind]} {len(catalog[kind])} 项" for kind in LIST_KINDS)


def _build_target(db: str | None) -> Path:
    """Where build writes and restore restores: --db, $DUTYLIST_DB, else the user's folder."""
    from dutylist import query as q

    if db:
        return Path(db).expanduser()
    if os.environ.get(q.ENV_DB):
        return Path(os.environ[q.ENV_DB]).expanduser()
    return q.user_db_path()


# ---------------------------------------------------------------- main


def main() -> None:
    """Entry point: run the app, turning every error into a message and an exit code."""
    code = _run(sys.argv[1:])
    sys.exit(code)


def _run(args: list[str]) -> int:
    from typer._click import exceptions as click_exceptions
    from typer.exceptions import Abort

    try:
        result = app(args=args, prog_name="dutylist", standalone_mode=False)
        sys.stdout.flush()
        return int(result or 0)
    except DutylistError as error:  # raised outside a command (e.g. completion)
        _print_error(error)
        return error.exit_code
    except click_exceptions.ClickException as error:
        error.show()
        return EXIT_USAGE if error.exit_code == 2 else error.exit_code
    except Abort:
        typer.echo("已中止。", err=True)
        return 130
    except OSError as error:
        if error.errno == errno.EPIPE:
            return _closed_pipe()
        typer.echo(f"错误：{error}", err=True)
        return EXIT_DATABASE
    except KeyboardInterrupt:
        return 130
    except Exception as error:  # a bug: one clear line, never a traceback
        if os.environ.get("DUTYLIST_DEBUG"):
            raise
        detail = f"{type(error).__name__}: {error}"
        typer.echo(f"内部错误：{detail}（设置 DUTYLIST_DEBUG=1 可查看详情）", err=True)
        return 70


def _print_error(error: DutylistError) -> None:
    lines = str(error).splitlines() or [type(error).__name__]
    for line in lines:
        typer.echo(f"错误：{line}" if len(lines) == 1 else line, err=True)
    if len(lines) > 1:
        typer.echo(f"错误：共 {len(lines)} 个问题，未写入任何内容。", err=True)


def _closed_pipe() -> int:
    """The reader went away (``| head -1``): stop quietly with the result's exit code."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):
        pass
    return _pending_exit
