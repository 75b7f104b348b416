"""Help pages and usage errors: all in Chinese, laid out at 80 columns with wide characters
counted as two."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from typer.testing import Result

from dutylist import labels
from dutylist.cli import app, run
from dutylist.cliformat import wrap
from dutylist.textio import display_width

from .test_docs import COMMANDS

Cli = Callable[..., Result]
ENGLISH = re.compile(
    r"Usage:|Options|Arguments|Commands|Show this|Error:|Try '|default:|required\]|x>=|"
    r"<list|<path>|<str>|<int>|Missing|No such|Invalid value|Input should|Got unexpected|"
    r"requires an|Example:|Database file"
)


@pytest.mark.parametrize("command", ["", *COMMANDS])
def test_help_is_chinese_and_fits_80_columns(cli: Cli, command: str) -> None:
    result = cli(*([command] if command else []), "--help")
    assert result.exit_code == 0, result.output
    text = result.stdout
    assert text.startswith(labels.USAGE.format(usage=""))
    assert not ENGLISH.search(text), ENGLISH.search(text)
    for line in text.splitlines():
        assert display_width(line) <= 80, line
        assert not line.lstrip().startswith(tuple("，。、；：？！）》」』】")), line


def test_search_help_shows_default_range_and_metavars_in_chinese(cli: Cli) -> None:
    text = cli("search", "--help").stdout
    assert "-n, --limit 条数" in text and "（默认：20；不小于 0）" in text
    assert "[查询词...]" in text and "-h, --help" in text and "显示本帮助并退出。" in text
    build = cli("build", "--help").stdout
    assert "读" not in build.split("--db", 1)[1].split("\n")[0]  # not "the file to read"


@pytest.mark.parametrize(
    "args,message",
    [
        (["show-steps"], "错误：缺少参数“编号”"),
        (["serach", "低保"], "错误：没有命令“serach”；您是不是要找：search？"),
        (["search", "--limit", "abc", "x"], "错误：选项 --limit/-n：应为整数"),
        (["search", "--limit", "-1", "x"], "错误：选项 --limit/-n：不小于 0"),
        (["search", "--form", "json", "x"], "错误：没有选项 --form；您是不是要找：--format？"),
        (["show-steps", "C1", "C2"], "错误：多余的参数：C2"),
        (["search", "--list"], "错误：选项 --list 后面要跟一个值"),
        (["search", "-l", "zz", "x"],
         "错误：" + labels.BAD_LIST.format(value="zz", forms=labels.list_forms())),
    ],
)
def test_usage_errors_are_chinese_in_both_entry_points(
    cli: Cli, capsys: pytest.CaptureFixture[str], args: list[str], message: str
) -> None:
    result = cli(*args)
    assert result.exit_code == 2, result.output
    assert any(line.startswith(message) for line in result.stderr.splitlines()), result.stderr
    assert not ENGLISH.search(result.stderr), result.stderr
    assert run(args) == 2  # main(): the same message
    err = capsys.readouterr().err
    assert any(line.startswith(message) for line in err.splitlines()), err
    assert not ENGLISH.search(err), err


def test_usage_error_shows_the_usage_and_where_help_is() -> None:
    from typer.testing import CliRunner

    result = CliRunner().invoke(app, ["show-steps"], prog_name="dutylist")
    lines = result.stderr.splitlines()
    assert lines == [
        labels.USAGE.format(usage="dutylist show-steps [选项] 编号"),
        "错误：缺少参数“编号”",
        labels.HELP_HINT.format(command="dutylist show-steps"),
    ]


def test_wrap_counts_wide_characters_twice_and_keeps_punctuation_attached() -> None:
    text = "输出格式：table、text（纯文本，便于粘贴）、html（办事指引）、tsv、csv、json。"
    for width in range(30, 81):
        lines = wrap(text, width, indent=4, first_indent=4)
        assert all(display_width(line) <= width for line in lines), (width, lines)
        assert "".join(line.strip() for line in lines).replace(" ", "") == text.replace(" ", "")
        assert not any(line.strip()[0] in "，。、；：）" for line in lines[1:]), (width, lines)
    assert wrap("Database file", 8) == ["Database", "file"]  # Latin words stay whole


def test_every_command_uses_the_chinese_help_class() -> None:
    import typer

    group = typer.main.get_command(app)
    for name in COMMANDS:
        assert "ChineseHelp" in [c.__name__ for c in type(group.commands[name]).__mro__]  # type: ignore[attr-defined]
