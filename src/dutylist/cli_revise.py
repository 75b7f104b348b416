"""The commands that make, compare and restore the list: build, import, validate, diff, restore.

Registered on the ``dutylist`` app by ``cli`` (``app.add_typer`` without a name,
so they are top-level commands); they follow the same contract as the commands
in ``cli``: options -> core call -> an exit code or an ``Output``.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from dutylist import labels
from dutylist.cliformat import ChineseTyper
from dutylist.errors import (
    EXIT_NOT_FOUND,
    EXIT_OK,
    DatabaseError,
    DutylistError,
    UsageError,
    note,
)
from dutylist.options import (
    DbOption,
    FormatOption,
    SourceArgument,
    SynonymsOption,
    parse_format,
)
from dutylist.render import Output  # evaluated by Typer: commands are annotated with it

if TYPE_CHECKING:
    from dutylist.model import Catalog
    from dutylist.revisions.types import CatalogDiff
    from dutylist.source import Loaded

app = ChineseTyper()


# ---------------------------------------------------------------- build


@app.command()
def build(
    source: SourceArgument = None,
    db: DbOption = None,
    synonyms: SynonymsOption = None,
) -> int:
    """校验清单 YAML 并编译为可搜索的数据库（原数据库保留为备份）。

    示例：dutylist build data/duties.yaml
    """
    from dutylist.paths import build_target
    from dutylist.revisions import load_previous
    from dutylist.source import load_source
    from dutylist.store.build import build_database

    loaded = _loaded(load_source(source, synonyms))
    target = build_target(db)
    previous = load_previous(target)
    synonym_counts = (_synonym_count(target), len(loaded.synonyms))
    built = build_database(
        loaded.catalog, target, source=loaded.path, synonyms=loaded.synonyms,
        synonyms_source=loaded.synonyms_path,
    )
    for line in built.notes:
        note(line)
    if built.path != target:
        note(labels.NOTE_THROUGH_LINK.format(link=target, target=built.path))
    counts = labels.counts_text(loaded.catalog.counts())
    note(labels.NOTE_BUILT.format(target=built.path, counts=counts,
                                  synonyms=len(loaded.synonyms)))
    _note_changes(previous, loaded.catalog, synonym_counts)
    if built.backup is not None:
        command = "dutylist restore" + (f" --db {target}" if db else "")
        note(labels.NOTE_BACKUP.format(backup=built.backup, command=command))
    elif built.unchanged:
        note(labels.NOTE_UNCHANGED)
    return EXIT_OK


def _loaded(loaded: Loaded) -> Loaded:
    """A loaded source, its notes and warnings told."""
    for line in loaded.notes:
        note(line)
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

    示例：dutylist import data/source/danangou_duty_list.txt --version 2026.1
    """
    from dutylist.importer.run import import_file
    from dutylist.revisions import diff_catalogs

    report = import_file(
        text, output, previous=previous, db=db,
        revision={"doc_number": doc_number, "date": date, "version": version},
    )
    for line in report.notes:
        note(line)
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

    示例：dutylist validate data/duties.yaml
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

    示例：dutylist diff ~/.local/share/dutylist/duties.db data/duties.yaml
    """
    from dutylist import revisions
    from dutylist.render import Diff

    out_format = parse_format(fmt)
    if fmt is None and out_format == "tsv":
        out_format = "text"  # piped without --format: the marked prose; tsv/csv on request
    notes: list[str] = []  # a YAML read as GBK or UTF-16
    try:
        result: CatalogDiff = revisions.diff_paths(old, new, notes)
    except DatabaseError as error:  # like diff(1), any trouble is exit 2
        raise UsageError(error.message) from None
    for line in notes:
        note(line)
    return Output(Diff(result), out_format, EXIT_OK if result.is_empty else EXIT_NOT_FOUND)


@app.command()
def restore(
    which: Annotated[
        str | None,
        typer.Argument(
            metavar="[BACKUP]",
            help="要恢复的备份：序号（1 为最新，见 --list）或备份文件名；默认为最新的备份。",
            show_default=False,
        ),
    ] = None,
    list_: Annotated[
        bool, typer.Option("--list", help="列出备份及各自的版本（文号、日期、版本、构建时间）。")
    ] = False,
    fmt: FormatOption = None,
    db: DbOption = None,
) -> Output | int:
    """用 build 保留的备份恢复数据库；被替换的数据库成为最新的备份，再次 restore 即可撤销。

    示例：dutylist restore --list
    """
    from dutylist.paths import build_target
    from dutylist.render import Backups
    from dutylist.store.backups import revision_label
    from dutylist.store.restore import backups_of, restore_backup

    target = build_target(db)
    if list_:
        if which is not None:
            raise UsageError(labels.LIST_AND_BACKUP)
        real, notes, found = backups_of(target)
        for line in notes:
            note(line)
        if not found:
            note(labels.NO_BACKUP.format(folder=real.parent, name=real.name))
        records = [backup.as_dict(number) for number, backup in enumerate(found, start=1)]
        return Output(Backups(records, str(real)), parse_format(fmt),
                      EXIT_OK if found else EXIT_NOT_FOUND)
    done = restore_backup(target, which)
    for line in done.notes:
        note(line)
    note(labels.NOTE_RESTORED.format(target=done.target, revision=revision_label(done.meta),
                                     backup=done.backup.path.name))
    if done.saved_as is not None:
        command = "dutylist restore" + (f" --db {target}" if db else "")
        note(labels.NOTE_RESTORE_UNDO.format(backup=done.saved_as.name, command=command))
    return EXIT_OK
