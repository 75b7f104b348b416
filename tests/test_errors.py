"""errors.handle, the one mapping of errors to a message and an exit code, and cli.run around it."""

from __future__ import annotations

import errno
import sqlite3
import sys
from pathlib import Path

import pytest
import typer

from dutylist import cli, query
from dutylist.errors import (
    EXIT_DATABASE,
    EXIT_INTERNAL,
    EXIT_INTERRUPTED,
    EXIT_NOT_FOUND,
    EXIT_OK,
    EXIT_USAGE,
    DatabaseError,
    SourceError,
    UsageError,
    handle,
)


def test_exit_codes_are_the_documented_ones() -> None:
    assert (EXIT_OK, EXIT_NOT_FOUND, EXIT_USAGE, EXIT_DATABASE) == (0, 1, 2, 3)
    assert (EXIT_INTERRUPTED, EXIT_INTERNAL) == (130, 70)


def test_a_dutylist_error_is_one_line_with_its_code(capsys: pytest.CaptureFixture[str]) -> None:
    assert handle(UsageError("查询词不能为空")) == EXIT_USAGE
    assert handle(DatabaseError("坏了")) == EXIT_DATABASE
    assert capsys.readouterr().err.splitlines() == ["错误：查询词不能为空", "错误：坏了"]


def test_every_problem_of_a_source_is_listed_then_counted(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert handle(SourceError(["a.yaml:1: 甲", "a.yaml:2: 乙"])) == EXIT_USAGE
    assert capsys.readouterr().err.splitlines() == [
        "a.yaml:1: 甲", "a.yaml:2: 乙", "错误：共 2 个问题，未写入任何内容。"]


def test_database_errors_interrupts_and_bugs(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("DUTYLIST_DEBUG", raising=False)
    assert handle(sqlite3.DatabaseError("malformed")) == EXIT_DATABASE
    assert handle(KeyboardInterrupt()) == EXIT_INTERRUPTED
    assert handle(ZeroDivisionError("division by zero")) == EXIT_INTERNAL
    err = capsys.readouterr().err
    assert "数据库读取失败" in err and "malformed" in err
    assert "内部错误：ZeroDivisionError: division by zero" in err and "Traceback" not in err
    monkeypatch.setenv("DUTYLIST_DEBUG", "1")
    with pytest.raises(ZeroDivisionError):
        handle(ZeroDivisionError())


def test_a_closed_pipe_keeps_the_result_code() -> None:
    assert handle(BrokenPipeError(errno.EPIPE, "Broken pipe"), result_code=EXIT_NOT_FOUND) == 1


def test_an_exit_already_decided_passes_through() -> None:
    with pytest.raises(typer.Exit):
        handle(typer.Exit(1))


def test_run_maps_usage_errors_outside_commands(capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.run(["no-such-command"]) == EXIT_USAGE
    assert cli.run(["search", "低保", "--limit", "many"]) == EXIT_USAGE
    assert "Traceback" not in capsys.readouterr().err


def test_a_bug_inside_a_command_is_one_line_and_exit_70(
    mini_db: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("boom")

    monkeypatch.delenv("DUTYLIST_DEBUG", raising=False)
    monkeypatch.setattr(query, "search", broken)
    assert cli.run(["search", "低保", "--db", str(mini_db)]) == EXIT_INTERNAL
    (line,) = capsys.readouterr().err.splitlines()
    assert line.startswith("内部错误：RuntimeError: boom")


def test_main_exits_with_the_decided_code(
    mini_db: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    for argv, code in ((["search", "低保"], EXIT_OK), (["search", "火星人"], EXIT_NOT_FOUND),
                       (["show-steps", "Z9"], EXIT_USAGE)):
        monkeypatch.setattr(sys, "argv", ["dutylist", *argv, "--db", str(mini_db)])
        with pytest.raises(SystemExit) as stop:
            cli.main()
        assert stop.value.code == code, argv
    assert "Traceback" not in capsys.readouterr().err
