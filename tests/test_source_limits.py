"""build and validate read only regular files, within limits a real list is far below."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from typer.testing import Result

from dutylist.source import checker as source

from .conftest import MINI_YAML, REAL_YAML

Cli = Callable[..., Result]


def test_the_real_list_is_far_below_every_limit() -> None:
    text = REAL_YAML.read_text(encoding="utf-8")
    assert len(text.encode("utf-8")) * 20 < source.MAX_SOURCE_BYTES
    assert max(len(line) for line in text.splitlines()) * 10 < source.MAX_LINE_CHARS
    assert source.MAX_DEPTH >= 20


@pytest.mark.parametrize("command", ["validate", "build"])
def test_a_directory_is_refused(cli: Cli, tmp_path: Path, command: str) -> None:
    result = cli(command, str(tmp_path), db=tmp_path / "d.db")
    assert result.exit_code == 2
    assert "不是普通文件" in result.stderr


@pytest.mark.skipif(not Path("/dev/zero").exists(), reason="no /dev/zero")
@pytest.mark.parametrize("device", ["/dev/zero", "/dev/urandom", "/dev/null"])
def test_a_device_is_refused_at_once(cli: Cli, tmp_path: Path, device: str) -> None:
    started = time.monotonic()
    result = cli("validate", device, db=tmp_path / "d.db")
    assert result.exit_code == 2 and "不是普通文件" in result.stderr
    assert time.monotonic() - started < 5


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs here")
def test_a_fifo_is_refused_without_hanging(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe.yaml"
    os.mkfifo(fifo)
    for command in ("validate", "build"):
        result = subprocess.run(
            [sys.executable, "-m", "dutylist", command, str(fifo), "--db", str(tmp_path / "d.db")],
            capture_output=True, text=True, timeout=30,
        )
        assert result.returncode == 2 and "不是普通文件" in result.stderr


def test_a_fifo_as_synonyms_is_refused(cli: Cli, tmp_path: Path) -> None:
    fifo = tmp_path / "synonyms.yaml"
    os.mkfifo(fifo)
    result = cli("validate", str(MINI_YAML), "--synonyms", str(fifo), db=tmp_path / "d.db")
    assert result.exit_code == 2 and "不是普通文件" in result.stderr


def test_a_file_beyond_the_size_limit_is_refused_unread(cli: Cli, tmp_path: Path) -> None:
    huge = tmp_path / "huge.yaml"
    with open(huge, "wb") as handle:
        handle.truncate(source.MAX_SOURCE_BYTES + 1)  # sparse: nothing is really written
    started = time.monotonic()
    result = cli("validate", str(huge), db=tmp_path / "d.db")
    assert result.exit_code == 2 and "过大" in result.stderr
    assert time.monotonic() - started < 5


def test_a_line_beyond_the_length_limit_is_refused(cli: Cli, tmp_path: Path) -> None:
    text = MINI_YAML.read_text(encoding="utf-8").replace(
        "name: 收养登记", "name: " + "收" * (source.MAX_LINE_CHARS + 1))
    path = tmp_path / "long.yaml"
    path.write_text(text, encoding="utf-8")
    result = cli("validate", str(path), db=tmp_path / "d.db")
    assert result.exit_code == 2
    line = text.splitlines().index("        name: " + "收" * (source.MAX_LINE_CHARS + 1)) + 1
    assert f"{path}:{line}:" in result.stderr and "过长" in result.stderr


@pytest.mark.parametrize("shape", ["flow", "block"])
def test_nesting_beyond_the_limit_is_refused(cli: Cli, tmp_path: Path, shape: str) -> None:
    depth = source.MAX_DEPTH + 1
    if shape == "flow":
        extra = "extra: " + "[" * depth + "]" * depth + "\n"
    else:
        extra = "".join("  " * i + f"k{i}:\n" for i in range(depth)) + "  " * depth + "v\n"
    path = tmp_path / "deep.yaml"
    path.write_text(MINI_YAML.read_text(encoding="utf-8") + extra, encoding="utf-8")
    result = cli("validate", str(path), db=tmp_path / "d.db")
    assert result.exit_code == 2, result.output
    assert "嵌套" in result.stderr and f"{path}:" in result.stderr


def test_nesting_within_the_limit_is_an_ordinary_error(cli: Cli, tmp_path: Path) -> None:
    depth = source.MAX_DEPTH - 5
    path = tmp_path / "deep.yaml"
    path.write_text(MINI_YAML.read_text(encoding="utf-8") + "extra: " + "[" * depth
                    + "]" * depth + "\n", encoding="utf-8")
    result = cli("validate", str(path), db=tmp_path / "d.db")
    assert result.exit_code == 2 and "未知的键" in result.stderr


def test_diff_refuses_special_files_too(cli: Cli, tmp_path: Path) -> None:
    fifo = tmp_path / "pipe.yaml"
    os.mkfifo(fifo)
    result = cli("diff", str(MINI_YAML), str(fifo))
    assert result.exit_code == 2
