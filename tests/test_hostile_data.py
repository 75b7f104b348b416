"""Hostile data is data: no control character reaches a terminal raw, nothing is Rich markup.

``tests/fixtures/hostile.yaml`` puts terminal escape sequences (OSC 8 links, OSC 0
window titles, OSC 52 clipboard writes, clear screen, cursor-up + erase line), BEL,
DEL, C1 controls, bidi overrides and Rich markup in every text field. Every command
is run through the real CLI as in a terminal (``FORCE_COLOR``, fixed ``COLUMNS``)
and in every plain format.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path

import pytest
from typer.testing import CliRunner, Result

from dutylist.cli import app

from .conftest import MINI_YAML, ROOT

Cli = Callable[..., Result]
HOSTILE_YAML = ROOT / "tests" / "fixtures" / "hostile.yaml"

# What Rich itself writes to a terminal: SGR colour/style sequences only.
RICH_SGR = re.compile(r"\x1b\[[0-9;]*m")
# What must never reach a terminal raw from the data (\t and \n are layout).
RAW_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")

COMMANDS: list[tuple[str, ...]] = [
    ("search", "低保"),
    ("search", "宣传"),
    ("search", "民政局"),
    ("search", "收养"),
    ("search", "农药", "回收"),
    ("filter-by-category",),
    ("filter-by-category", "民生服务"),
    ("filter-by-department",),
    ("filter-by-department", "民政局"),
    ("filter-by-department", "农业农村局"),
    ("show-steps", "B1"),
    ("show-steps", "B2"),
    ("show-steps", "C1"),
    ("show-steps", "C2"),
    ("show-steps", "W1"),
    ("info",),
]


@pytest.fixture(scope="module")
def hostile_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    db = tmp_path_factory.mktemp("hostile") / "hostile.db"
    result = CliRunner().invoke(app, ["build", str(HOSTILE_YAML), "--db", str(db)])
    assert result.exit_code == 0, result.output
    return db


def terminal(cli: Cli, *args: str, db: Path | None, width: int) -> Result:
    """Run as if in a terminal of ``width`` columns (Rich draws with colour)."""
    env = {"FORCE_COLOR": "1", "COLUMNS": str(width), "TERM": "xterm-256color"}
    return cli(*args, "--format", "table", db=db, env=env)


def assert_no_raw_control(text: str) -> None:
    leftover = RAW_CONTROL.findall(RICH_SGR.sub("", text))
    assert not leftover, f"raw control characters reached the output: {leftover!r}"


@pytest.mark.parametrize("width", [60, 80, 120])
@pytest.mark.parametrize("args", COMMANDS, ids=" ".join)
def test_tables_show_hostile_data_as_text(
    cli: Cli, hostile_db: Path, args: tuple[str, ...], width: int
) -> None:
    result = terminal(cli, *args, db=hostile_db, width=width)
    assert result.exit_code == 0, result.output
    assert "内部错误" not in result.stderr
    assert_no_raw_control(result.stdout)
    assert_no_raw_control(result.stderr)
    assert "\x1b]8;" not in result.stdout  # no hyperlink, neither the data's nor from [link]


def wide(cli: Cli, *args: str, db: Path) -> str:
    """A terminal wide enough that no cell wraps, with Rich's colours removed."""
    result = terminal(cli, *args, db=db, width=400)
    assert result.exit_code == 0, result.output
    return RICH_SGR.sub("", result.stdout)


def test_markup_in_the_data_is_shown_literally(cli: Cli, hostile_db: Path) -> None:
    detail = wide(cli, "show-steps", "B1", db=hostile_db)
    assert "依据[b]款规定[i]项执行[/b]" in detail  # the note, not 依据款规定项执行
    assert "家庭给予保障[b]款[/b]" in detail
    detail = wide(cli, "show-steps", "C1", db=hostile_db)
    assert "[link=http://evil.example/]点[/link]" in detail
    assert "高龄津贴政策宣传[/i]；" in detail
    assert "[b]县民政局[/b]" in detail  # a department line
    assert "标题\\x1b[2J[b]一[/b]" in detail  # a heading
    assert "[/]" in detail
    assert "木垒县农业农村局[/i]" in wide(cli, "filter-by-department", db=hostile_db)
    assert "乡村振兴[/i]" in wide(cli, "filter-by-category", db=hostile_db)
    assert "[/i]承接" in wide(cli, "show-steps", "W1", db=hostile_db)
    info = wide(cli, "info", db=hostile_db)
    assert "v1\\u202e1.2[/i]" in info


def test_control_characters_are_shown_as_escapes(cli: Cli, hostile_db: Path) -> None:
    detail = wide(cli, "show-steps", "B1", db=hostile_db)
    assert "\\x1b]8;;http://evil.example/\\x1b\\低保" in detail
    assert "\\x1b[1A\\x1b[2K伪造的上一行" in detail
    detail = wide(cli, "show-steps", "C2", db=hostile_db)
    assert "\\x9d0;x\\x9c" in detail and "\\x07" in detail and "\\x1b[?1049h" in detail
    assert "犬只防疫\\x07\\x85管理\\u2067隔离\\u2069" in wide(cli, "show-steps", "B2", db=hostile_db)


@pytest.mark.parametrize("fmt", ["tsv", "csv", "json", "jsonl"])
@pytest.mark.parametrize("args", COMMANDS, ids=" ".join)
def test_plain_formats_never_write_raw_controls(
    cli: Cli, hostile_db: Path, args: tuple[str, ...], fmt: str
) -> None:
    result = cli(*args, "--format", fmt, db=hostile_db)
    assert result.exit_code == 0, result.output
    assert not RAW_CONTROL.findall(result.stdout)
    assert not RAW_CONTROL.findall(result.stderr)


@pytest.mark.parametrize("fmt", ["tsv", "csv", "json", "jsonl"])
def test_stdin_batch_never_writes_raw_controls_from_the_queries(
    cli: Cli, hostile_db: Path, fmt: str
) -> None:
    """--stdin echoes each query in its records: the query is data too (a bidi override
    typed or pasted into a file of questions must not reorder the terminal's line)."""
    queries = ["\u202e低保\x1b[31m", "宣传\u2066", "\x85火星\x9b2J"]
    result = cli("search", "--stdin", "--format", fmt, db=hostile_db,
                 input="\n".join(queries) + "\n")
    assert result.exit_code in (0, 1), result.output
    assert not RAW_CONTROL.findall(result.stdout)
    assert not RAW_CONTROL.findall(result.stderr)
    if fmt == "jsonl":  # the same query, exactly, for a program reading it
        echoed = [json.loads(line)["query"] for line in result.stdout.splitlines()]
        assert set(echoed) == {query.strip() for query in queries}  # NEL is white space


@pytest.mark.parametrize("fmt", ["text", "html"])
@pytest.mark.parametrize("item", ["B1", "C2", "W1"])
def test_print_sheets_never_write_raw_controls(
    cli: Cli, hostile_db: Path, item: str, fmt: str
) -> None:
    """The 办事指引 page and the text for a chat are read by people: a bidi override would
    reorder a printed line, an OSC 8 sequence make a link on a terminal."""
    result = cli("show-steps", item, "--format", fmt, db=hostile_db)
    assert result.exit_code == 0, result.output
    assert not RAW_CONTROL.findall(result.stdout)
    assert "\\x1b" in result.stdout or "\\u202e" in result.stdout or "\\x9b" in result.stdout


@pytest.mark.parametrize(
    "args",
    [("export", "all.xlsx"), ("export", "all.csv"), ("filter-by-category", "-o", "c.csv"),
     ("search", "低保", "-o", "s.xlsx"), ("show-steps", "B1", "-o", "b1.html"),
     ("show-steps", "C2", "-o", "c2.txt")],
    ids=" ".join,
)
def test_files_for_people_hold_no_raw_controls(
    cli: Cli, hostile_db: Path, tmp_path: Path, args: tuple[str, ...]
) -> None:
    target = tmp_path / args[-1]
    result = cli(*args[:-1], str(target), db=hostile_db)
    assert result.exit_code == 0, result.output
    if target.suffix == ".xlsx":
        import openpyxl

        book = openpyxl.load_workbook(target)
        text = "\n".join(
            str(value) for sheet in book.worksheets for row in sheet.iter_rows(values_only=True)
            for value in row if value is not None
        )
        book.close()
    else:
        text = target.read_text(encoding="utf-8-sig")
    assert not RAW_CONTROL.findall(text.replace("\r\n", "\n"))
    assert "\\x1b" in text  # shown, not dropped


def test_json_keeps_the_data_exact(cli: Cli, hostile_db: Path) -> None:
    import yaml

    source = yaml.safe_load(HOSTILE_YAML.read_text(encoding="utf-8"))
    item = source["lists"]["coordinated"]["items"][0]
    result = cli("show-steps", "C1", "--format", "json", db=hostile_db)
    data = json.loads(result.stdout)
    assert data["name"] == item["name"]
    assert data["note"] == item["note"]
    assert data["upper_duties"][0]["heading"] == item["upper_duties"][0]["heading"]
    assert data["upper_duties"][0]["steps"] == item["upper_duties"][0]["steps"]
    assert data["township_duties"][1]["steps"] == item["township_duties"][1]["steps"]
    (line,) = cli("show-steps", "B2", "--format", "jsonl", db=hostile_db).stdout.splitlines()
    assert json.loads(line)["name"] == source["lists"]["basic"]["items"][1]["name"]
    assert "\\u0085" in line and "\\u2067" in line  # escaped, not raw


def test_tsv_shows_controls_as_escapes(cli: Cli, hostile_db: Path) -> None:
    (line,) = cli("show-steps", "B2", "--format", "tsv", db=hostile_db).stdout.splitlines()
    assert "犬只防疫\\x07\\x85管理\\u2067隔离\\u2069" in line


@pytest.mark.parametrize("fmt", ["table", "tsv", "json"])
def test_diff_against_hostile_data(cli: Cli, fmt: str) -> None:
    env = {"FORCE_COLOR": "1", "COLUMNS": "80"} if fmt == "table" else {}
    result = cli("diff", str(MINI_YAML), str(HOSTILE_YAML), "--format", fmt, env=env)
    assert result.exit_code == 1, result.output
    assert "内部错误" not in result.stderr
    assert_no_raw_control(result.stdout)
    if fmt == "json":
        json.loads(result.stdout)


def test_validate_warns_about_control_characters(cli: Cli, tmp_path: Path) -> None:
    result = cli("validate", str(HOSTILE_YAML), db=tmp_path / "none.db")
    assert result.exit_code == 0, result.output
    assert_no_raw_control(result.stderr)
    warnings = [line for line in result.stderr.splitlines() if "控制字符" in line]
    # one warning per field, each pointing at its line
    assert len(warnings) >= 20
    assert all(re.search(rf"{re.escape(str(HOSTILE_YAML))}:\d+:", w) for w in warnings)
    assert any("\\x1b" in w for w in warnings)
    build = cli("build", str(HOSTILE_YAML), db=tmp_path / "d.db")
    assert build.exit_code == 0 and "控制字符" in build.stderr


def test_lone_surrogate_is_a_validation_error(cli: Cli, tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text(MINI_YAML.read_text(encoding="utf-8").replace(
        "name: 收养登记", 'name: "收养\\ud800登记"'), encoding="utf-8")
    for command in ("validate", "build"):
        result = cli(command, str(bad), db=tmp_path / "d.db")
        assert result.exit_code == 2, result.output
        assert f"{bad}:" in result.stderr and "内部错误" not in result.stderr
    assert not (tmp_path / "d.db").exists()


@pytest.mark.parametrize(
    "args",
    [
        ("search", "\x1b]0;标题\x07"),
        ("search", "\x1b[2J"),
        ("show-steps", "\x1b[2J"),
        ("filter-by-category", "\x1b]8;;http://x/\x1b\\民生"),
        ("filter-by-department", "\x9b31m局"),
        ("search", "[/b]低保", "--category", "[/i]"),
    ],
    ids=repr,
)
def test_messages_that_echo_input_show_controls_as_escapes(
    cli: Cli, mini_db: Path, args: tuple[str, ...]
) -> None:
    result = cli(*args, db=mini_db, env={"FORCE_COLOR": "1"})
    assert result.exit_code in (1, 2), result.output
    assert "内部错误" not in result.stderr
    assert not RAW_CONTROL.findall(result.stderr)
    assert not RAW_CONTROL.findall(result.stdout)


@pytest.mark.parametrize("which", ["hostile", "2024"])
def test_stdin_jsonl_is_each_record_encoded_whole(
    hostile_db: Path, db_2024: Path, which: str
) -> None:
    """``--stdin --format jsonl`` writes lines from parts (an item's fields encoded once):
    the text must be exactly ``to_json`` of each record, escapes, floats and nulls too."""
    from contextlib import closing

    from dutylist import query
    from dutylist.render import plain

    db = hostile_db if which == "hostile" else db_2024
    queries = ["\u202e低保\x1b[31m", "\u202e低保", "犬只\x85", "防疫", "管理", "宣传\u2066", "低保",
               "狗", "工作", "乡", "C1", "龘", "火星", "diba", "高龄 补贴", "村 乡"]
    with closing(query.connect(db)) as conn:
        answers: list[tuple[int, query.SearchResult | None]] = [
            (n, query.search(conn, text, limit=limit))
            for n, text in enumerate(queries) for limit in (3, 20)
        ]
    answers.append((len(answers), None))
    assert sum(len(result.rows) for _n, result in answers if result) > 10
    if which == "hostile":  # raw controls in a query echoed and in a matched name
        shown = [(result.query, row.matched) for _n, result in answers if result
                 for row in result.rows]
        assert any("\u202e" in text for text, _m in shown)
        assert any(matched and "\u2067" in matched for _t, matched in shown)
    for _ in range(2):  # the second time from the items' kept parts
        lines = "".join(plain.batch_json_lines(answers))
        assert lines == "".join(
            plain.to_json(record) + "\n"
            for records in plain.batch_records(answers) for record in records
        )
