"""At the terminal (issue 13): ids typed as searches, every accepted form in errors,
counts that agree, nothing cut at 60/80/120 columns, ASCII output, stale databases."""

from __future__ import annotations

import io
import json
import os
import re
import subprocess
import sys
import unicodedata
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from typer.testing import Result

from dutylist import labels
from dutylist.ids import LIST_KINDS
from dutylist.model import Catalog
from dutylist.names import category_names
from dutylist.query import category_counts, department_counts, filter_duties, get_duty
from dutylist.render import ASCII_ENV, Detail, Rows
from dutylist.render.wrap import NO_LINE_END, NO_LINE_START, ascii_text, break_offsets, cells
from dutylist.store.schema import departments

from .conftest import REAL_YAML, OpenDb

Cli = Callable[..., Result]
WIDTHS = (60, 80, 120)


# ---------------------------------------------------------------- ids


@pytest.mark.parametrize("typed", ["C16", "c16", "ｃ１６", "C-016", "Ｃ－０１６", "c 16"])
def test_an_id_typed_as_a_search_finds_that_item(cli: Cli, real_db: Path, typed: str) -> None:
    result = cli("search", typed, "-f", "json", db=real_db)
    assert result.exit_code == 0, result.output
    (hit,) = json.loads(result.stdout)
    assert hit["id"] == "C16" and hit["matched_in"] == "id"
    shown = cli("show-steps", typed, "-f", "json", db=real_db)
    assert json.loads(shown.stdout)["id"] == "C16"


def test_an_id_in_a_batch_and_in_a_table(cli: Cli, real_db: Path) -> None:
    result = cli("search", "--stdin", "-n", "1", db=real_db, input="ｂ２８\nW1\n")
    assert [line.split("\t")[1] for line in result.stdout.splitlines()] == ["B28", "W1"]
    table = cli("search", "c16", "-f", "table", db=real_db)
    assert table.exit_code == 0 and "C16" in table.stdout


def test_an_id_outside_the_filters_or_the_list_is_searched_as_text(
    cli: Cli, real_db: Path
) -> None:
    assert cli("search", "C16", "--list", "basic", db=real_db).exit_code == 1
    assert cli("search", "C9999", db=real_db).exit_code == 1


# ---------------------------------------------------------------- errors


@pytest.mark.parametrize("option", ["--list", "--format"])
def test_errors_list_every_accepted_form(cli: Cli, mini_db: Path, option: str) -> None:
    result = cli("search", "低保", option, "xyz", db=mini_db)
    assert result.exit_code == 2
    message = " ".join(result.stderr.split())
    forms = labels.LIST_NAMES if option == "--list" else ("table", "tsv", "csv", "json", "jsonl")
    for form in forms:
        assert form in message, form
    for form in forms:  # and every one of them is accepted
        assert cli("search", "低保", option, form.upper(), db=mini_db).exit_code in (0, 1)


# ---------------------------------------------------------------- wrapping


def _real_texts(real_catalog: Catalog) -> list[str]:
    texts = []
    for duty in real_catalog.duties():
        texts += [duty.name, duty.category, *(duty.note or "",)]
        for block in [*duty.upper_duties, *duty.township_duties]:
            texts += [*block.steps, block.heading or "", block.department or ""]
    return [t for t in texts if t]


@pytest.mark.parametrize("width", [8, 11, 17, 26, 40])
def test_chinese_line_breaking_keeps_every_character_and_the_rules(
    real_catalog: Catalog, width: int
) -> None:
    for text in _real_texts(real_catalog):
        offsets = [0, *break_offsets(text, width), len(text)]
        lines = [text[a:b] for a, b in zip(offsets, offsets[1:], strict=False)]
        assert "".join(lines) == text
        for line in lines:
            assert cells(line) <= width, (line, width)
        for before, after in zip(lines, lines[1:], strict=False):
            assert after[0] not in NO_LINE_START or before[-1] in NO_LINE_START, (before, after)
            assert before[-1] not in NO_LINE_END, (before, after)


def test_a_lone_punctuation_line_never_happens() -> None:
    text = "做好本乡学校周边设施、设备安全和安全保障工作；"
    for width in range(4, 50):
        offsets = [0, *break_offsets(text, width), len(text)]
        lines = [text[a:b] for a, b in zip(offsets, offsets[1:], strict=False)]
        assert all(line[0] not in NO_LINE_START for line in lines), lines


def _render(payload: Any, width: int, *, ascii_mode: bool = False) -> str:
    from dutylist.render.tables import make_console, print_payload

    out = io.StringIO()
    console = make_console(out, width=width, force_terminal=False)
    old = os.environ.pop(ASCII_ENV, None)
    if ascii_mode:
        os.environ[ASCII_ENV] = "1"
    try:
        print_payload(payload, console)
    finally:
        os.environ.pop(ASCII_ENV, None)
        if old is not None:
            os.environ[ASCII_ENV] = old
    text = out.getvalue()
    for line in text.splitlines():
        assert cells(line) <= width, line
    return text


_BOX = re.compile(r"[\s│─╭╮╰╯┌┐└┘├┤┬┴┼━|+\-]")


def _squashed(text: str) -> str:
    return _BOX.sub("", text)


@pytest.mark.parametrize("width", WIDTHS)
def test_show_steps_never_cuts_any_text_of_any_item(
    real_db: Path, width: int, open_db: OpenDb
) -> None:
    """Every character of every field of every item of the real list is shown, titles
    and department lists included (C21's departments used to be cut from a box title),
    and no line starts with closing punctuation."""
    conn = open_db(real_db)
    ids = [row[0] for row in conn.execute("SELECT id FROM duties ORDER BY rowid")]
    for duty_id in ids:
        detail = get_duty(conn, duty_id)
        shown = _render(Detail(detail), width)
        squashed = _squashed(shown)
        row = detail.row
        fields = [row.id, row.category, row.name, row.note or "", *row.departments]
        for block in [*detail.upper, *detail.township]:
            fields += [*block.steps, block.department or ""]
        for field_text in fields:
            assert _squashed(field_text) in squashed, (duty_id, width, field_text)
        for line in shown.splitlines():
            start = _BOX.sub("", line)[:1]
            assert not start or start not in NO_LINE_START, (duty_id, width, line)


@pytest.mark.parametrize("width", WIDTHS)
def test_item_tables_keep_every_character(real_db: Path, width: int, open_db: OpenDb) -> None:
    conn = open_db(real_db)
    for category in category_names(conn):
        rows = filter_duties(conn, category=category)
        shown = Counter(_squashed(_render(Rows(rows, category), width)))
        wanted = Counter(_squashed("".join(
            row.id + row.category + row.name + labels.whose(row.list, row.departments)
            for row in rows
        )))
        assert not wanted - shown, (category, width, wanted - shown)


def _column_of(table: str, header: str) -> int:
    """How wide the column under ``header`` is drawn (from the header row)."""
    line = next(line for line in table.splitlines() if header in line)
    start = cells(line[: line.index(header)])
    following = [cells(line[: line.index(h)]) for h in labels.FIELD_TITLES.values()
                 if h in line and cells(line[: line.index(h)]) > start]
    return (min(following) if following else cells(line)) - start


def test_columns_get_the_width_where_the_text_is(real_db: Path, open_db: OpenDb) -> None:
    conn = open_db(real_db)
    rows = filter_duties(conn, category="教育培训监管")
    for width in (80, 120):
        shown = _render(Rows(rows, "x"), width)
        assert "教育培训监管" in shown  # a category is not split when others have room
    rows = filter_duties(conn, category="民生服务")
    name = labels.FIELD_TITLES["name"]
    widths = {w: _column_of(_render(Rows(rows, "x"), w), name) for w in WIDTHS}
    assert widths[60] < widths[80] < widths[120], widths


# ---------------------------------------------------------------- counts


def test_overviews_and_filters_agree_on_every_count(real_db: Path, open_db: OpenDb) -> None:
    conn = open_db(real_db)
    for entry in department_counts(conn):
        rows = filter_duties(conn, department=entry["department"])
        for kind in LIST_KINDS:
            assert entry[kind] == sum(1 for r in rows if r.list == kind), entry
    for entry in category_counts(conn):
        assert entry["total"] == len(filter_duties(conn, category=entry["category"]))
    printed = [name for _i, name, _a in departments(conn) if labels.AND_OTHERS in name]
    shown = {entry["department"] for entry in department_counts(conn)}
    for name in printed:  # 木垒县应急管理局及其他… is counted under 木垒县应急管理局
        head = name[: name.index(labels.AND_OTHERS)]
        if head in shown:
            assert name not in shown


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("command", ["filter-by-category", "filter-by-department"])
def test_overviews_show_totals_and_no_empty_column(
    cli: Cli, real_db: Path, width: int, command: str
) -> None:
    result = cli(command, "-f", "table", db=real_db, env={"COLUMNS": str(width)})
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    header = next(line for line in lines if labels.COUNT_TITLES["total"] in line)
    total_row = next(line for line in lines if line.strip().startswith(labels.COUNTS_TOTAL)
                     and line is not header)
    numbers = [int(n) for n in total_row.split()[-4:] if n.isdigit()]
    assert numbers and all(numbers), total_row
    if command == "filter-by-department":
        assert labels.COUNT_TITLES["basic"] not in header  # no item of the list has one
    for line in lines:
        assert cells(line) <= width


# ---------------------------------------------------------------- ASCII


@pytest.mark.parametrize("width", WIDTHS)
def test_ascii_mode_has_no_ambiguous_width_character(
    cli: Cli, real_db: Path, width: int
) -> None:
    runs = [("--ascii", "show-steps", "C21"), ("--ascii", "search", "高龄津贴"),
            ("--ascii", "filter-by-department"), ("--ascii", "info")]
    for args in runs:
        result = cli(*args, "-f", "table", db=real_db, env={"COLUMNS": str(width)})
        assert result.exit_code == 0, result.output
        odd = {c for c in result.stdout if unicodedata.east_asian_width(c) == "A"}
        assert not odd, (args, odd)
        assert "->" in result.stdout or args[1] != "search"
    plain = cli("search", "高龄津贴", "-f", "table", db=real_db, env={"COLUMNS": str(width)})
    assert "→" in plain.stdout  # without --ascii the document's arrows and lines stay
    env = {"COLUMNS": str(width), ASCII_ENV: "1"}
    by_env = cli("search", "高龄津贴", "-f", "table", db=real_db, env=env)
    assert "→" not in by_env.stdout and "─" not in by_env.stdout


def test_ascii_text_replaces_only_ambiguous_punctuation() -> None:
    assert ascii_text("“低保”—发放…·→") == '"低保"-发放....->'
    assert ascii_text("（木垒县）、，。") == "（木垒县）、，。"


# ---------------------------------------------------------------- a stale own build


def _own_build(tmp_path: Path, text: str, epoch: str) -> Path:
    source = tmp_path / "own.yaml"
    source.write_text(text, encoding="utf-8")
    run = subprocess.run(
        [sys.executable, "-m", "dutylist", "build", str(source)], capture_output=True,
        text=True, env={**os.environ, "SOURCE_DATE_EPOCH": epoch}, cwd=tmp_path, check=False,
    )
    assert run.returncode == 0, run.stderr
    return source


def test_an_own_build_older_than_the_bundled_list_is_said_once(
    cli: Cli, tmp_path: Path
) -> None:
    from dutylist.paths import bundled_db_path

    _own_build(tmp_path, REAL_YAML.read_text(encoding="utf-8") + "# older\n", "1000000000")
    import dutylist.options

    for args in (["search", "低保"], ["show-steps", "B1"], ["filter-by-category"]):
        dutylist.options._warned = False
        result = cli(*args)
        assert result.stderr.count("安装包自带的清单更新") == 1, result.stderr
        assert "dutylist info" in result.stderr
    info = cli("info", "-f", "json")
    stale = json.loads(info.stdout)["stale"]
    assert "dutylist build" in stale and str(bundled_db_path()) in stale
    assert info.stderr.count("安装包自带的清单更新") == 1


def test_an_own_build_whose_source_is_gone_is_said(cli: Cli, tmp_path: Path) -> None:
    source = _own_build(tmp_path, REAL_YAML.read_text(encoding="utf-8"), "4102444800")
    import dutylist.options

    dutylist.options._warned = False
    assert "已不存在" not in cli("search", "低保").stderr
    source.unlink()
    dutylist.options._warned = False
    result = cli("search", "低保")
    assert result.exit_code == 0 and result.stderr.count("已不存在") == 1


def test_stdin_batch_to_a_file_lines_up_too(cli: Cli, mini_db: Path, tmp_path: Path) -> None:
    target = tmp_path / "answers.csv"
    result = cli("search", "--stdin", "-n", "1", "-o", str(target), db=mini_db,
                 input="火星\n\n低保\n")
    assert result.exit_code == 0, result.output
    rows = target.read_text(encoding="utf-8-sig").splitlines()[1:]
    assert [row.split(",")[0] for row in rows] == ["火星", "", "低保"]
