"""Encodings: output is UTF-8 whatever the locale; --stdin reads UTF-8, UTF-16 and GBK."""

from __future__ import annotations

import io
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from typer.testing import Result

from dutylist.textio import decode_lines, use_utf8

Cli = Callable[..., Result]
QUESTIONS = "低保\n养犬\n户口\n"


def lines(data: bytes) -> tuple[list[str], list[int]]:
    warned: list[int] = []
    return list(decode_lines(io.BytesIO(data), warned.append)), warned


@pytest.mark.parametrize(
    "data",
    [
        QUESTIONS.encode("utf-8"),
        b"\xef\xbb\xbf" + QUESTIONS.encode("utf-8"),  # Notepad's "UTF-8 with BOM"
        QUESTIONS.replace("\n", "\r\n").encode("utf-8"),
        QUESTIONS.encode("gbk"),  # a pipe or file on Chinese Windows (cp936)
        QUESTIONS.replace("\n", "\r\n").encode("gb18030"),
        QUESTIONS.encode("utf-16"),  # Notepad's "Unicode", PowerShell 5's >
        QUESTIONS.encode("utf-16-be").join([b"\xfe\xff", b""]),
    ],
    ids=["utf8", "utf8-bom", "utf8-crlf", "gbk", "gb18030-crlf", "utf16le-bom", "utf16be-bom"],
)
def test_every_encoding_a_clerk_has_reads_the_same(data: bytes) -> None:
    decoded, warned = lines(data)
    assert [line for line in decoded if line] == ["低保", "养犬", "户口"]
    assert warned == []


def test_a_line_in_neither_encoding_is_reported_and_the_rest_is_read() -> None:
    decoded, warned = lines("低保\n".encode() + b"\xff\xfe\xb5\n" + "养犬\n".encode())
    assert decoded[0] == "低保" and decoded[2] == "养犬"
    assert "\ufffd" in decoded[1]
    assert warned == [2]


def test_the_first_chinese_line_decides_the_encoding_for_the_rest() -> None:
    # "涓" and friends: GBK bytes that are also valid UTF-8 would be misread on their own.
    gbk = "低保\n鍏ㄩ儴\n".encode("gbk")
    decoded, _ = lines(gbk)
    assert decoded == ["低保", "鍏ㄩ儴"]


def test_use_utf8_leaves_streams_without_reconfigure_alone() -> None:
    use_utf8(io.StringIO(), None)  # no error
    stream = io.TextIOWrapper(io.BytesIO(), encoding="gbk")
    use_utf8(stream)
    stream.write("低保\ud800")  # a lone surrogate is shown, never fatal
    stream.flush()
    assert stream.buffer.getvalue() == "低保".encode() + b"\\ud800"  # type: ignore[attr-defined]


def test_use_utf8_stops_windows_line_end_translation() -> None:
    # A Windows text stream turns "\n" into "\r\n", so csv's "\r\n" became "\r\r\n".
    stream = io.TextIOWrapper(io.BytesIO(), encoding="cp936", newline="\r\n")
    use_utf8(stream)
    stream.write("编号,名称\r\nB1,低保\r\n")
    stream.flush()
    assert stream.buffer.getvalue() == "编号,名称\r\nB1,低保\r\n".encode()  # type: ignore[attr-defined]


def test_gbk_stdin_through_the_command(cli: Cli, mini_db: Path) -> None:
    result = cli("search", "--stdin", db=mini_db, input="低保\n狗\n".encode("gbk"))
    assert result.exit_code == 0, result.output
    assert [line.split("\t")[:2] for line in result.stdout.splitlines()] == [
        ["低保", "B1"], ["狗", "B2"]]


@pytest.mark.slow
@pytest.mark.parametrize(
    "env",
    [{"PYTHONIOENCODING": "gbk"}, {"PYTHONIOENCODING": "ascii"}, {"LC_ALL": "C", "LANG": "C"},
     {"PYTHONIOENCODING": "cp936", "PYTHONUTF8": "0"}],
    ids=["gbk", "ascii", "C-locale", "cp936"],
)
def test_output_is_utf8_whatever_the_locale(env: dict[str, str], mini_db: Path) -> None:
    for stdin in ("低保\n狗\n".encode(), "低保\n狗\n".encode("gbk")):
        done = subprocess.run(
            [sys.executable, "-m", "dutylist", "search", "--stdin", "--db", str(mini_db)],
            input=stdin, capture_output=True, env={**os.environ, **env}, timeout=60,
        )
        assert done.returncode == 0, done.stderr.decode("utf-8", "replace")
        out = done.stdout.decode("utf-8")  # strict: UTF-8, not the locale's encoding
        assert [line.split("\t")[:2] for line in out.splitlines()] == [
            ["低保", "B1"], ["狗", "B2"]]
        assert "共 2 个查询" in done.stderr.decode("utf-8")
    done = subprocess.run(
        [sys.executable, "-m", "dutylist", "search", "低保", "--db", str(mini_db)],
        capture_output=True, env={**os.environ, **env}, timeout=60,
    )
    assert done.returncode == 0 and done.stdout.decode("utf-8").startswith("B1\t")
