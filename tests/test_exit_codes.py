"""Exit 70 (内部错误) is never the answer to input a user or a file can give.

Known inputs that once ended in 内部错误 are listed one by one; property tests then
drive ``dutylist.cli.main()`` itself (not only the Typer app under CliRunner) with
hostile argv, stdin and YAML, and check that the exit code is a documented one and
that no traceback or 内部错误 reaches stderr.
"""

from __future__ import annotations

import contextlib
import io
import re
import sqlite3
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dutylist import cli as cli_module

from .conftest import MINI_YAML

DOCUMENTED = {0, 1, 2, 3}
PROPERTY = settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    derandomize=True,
)


@dataclass
class Run:
    code: int
    stdout: str
    stderr: str


@contextlib.contextmanager
def _swapped(name: str, value: object) -> Iterator[None]:
    old = getattr(sys, name)
    setattr(sys, name, value)
    try:
        yield
    finally:
        setattr(sys, name, old)


def run_main(*argv: str, stdin: bytes = b"") -> Run:
    """``dutylist ARGV`` through ``main()``, with byte streams like a real process's."""
    out, err = io.BytesIO(), io.BytesIO()
    streams = {
        "stdin": io.TextIOWrapper(io.BytesIO(stdin), encoding="utf-8", errors="strict"),
        "stdout": io.TextIOWrapper(out, encoding="utf-8", errors="strict", write_through=True),
        "stderr": io.TextIOWrapper(err, encoding="utf-8", errors="backslashreplace",
                                   write_through=True),
        "argv": ["dutylist", *argv],
    }
    code: int | str | None = 0
    with contextlib.ExitStack() as stack:
        for name, value in streams.items():
            stack.enter_context(_swapped(name, value))
        try:
            cli_module.main()
        except SystemExit as exit_:
            code = exit_.code
    assert isinstance(code, int), code
    return Run(code, out.getvalue().decode("utf-8", "replace"),
               err.getvalue().decode("utf-8", "replace"))


def assert_clean(run: Run, allowed: set[int] = DOCUMENTED) -> None:
    assert run.code in allowed, (run.code, run.stderr)
    assert "内部错误" not in run.stderr, run.stderr
    assert "Traceback" not in run.stderr, run.stderr


def mini_text() -> str:
    return MINI_YAML.read_text(encoding="utf-8")


# ---------------------------------------------------------------- known cases


def test_a_huge_limit_means_all(mini_db: Path) -> None:
    run = run_main("search", "低保", "--limit", "9223372036854775808", "--db", str(mini_db))
    assert_clean(run, {0})
    assert "B1" in run.stdout


@pytest.mark.parametrize("digits", [19, 4301, 10_000])
def test_an_id_with_thousands_of_digits_is_bad_input(mini_db: Path, digits: int) -> None:
    run = run_main("show-steps", "C" + "1" * digits, "--db", str(mini_db))
    assert_clean(run, {2})
    assert "错误" in run.stderr


YAML_CASES = {
    "withdrawn list is an empty mapping": lambda t: re.sub(
        r"  withdrawn:\n(.|\n)*", "  withdrawn: {}\n", t),
    "lists is an empty mapping": lambda t: t[: t.index("lists:")] + "lists: {}\n",
    "an empty item": lambda t: t.replace(
        "    items:\n      - seq: 1\n        category: 民生服务\n        name: 收养登记",
        "    items:\n      - {}\n      - seq: 1\n        category: 民生服务\n        name: 收养登记"),
    "an empty block": lambda t: t.replace(
        "        upper_duties:\n          - numbered: false\n            steps: [负责收养登记。]",
        "        upper_duties: [{}]"),
    "an empty department": lambda t: t.replace(
        "departments:\n  - name: 木垒县民政局", "departments:\n  - {}\n  - name: 木垒县民政局"),
    "a lone surrogate": lambda t: t.replace("name: 收养登记", 'name: "收养\\ud800登记"'),
    "a surrogate in a key": lambda t: t.replace("  basic:\n", '  "\\udc80": 1\n  basic:\n'),
    "500 levels of lists": lambda t: t + "extra: " + "[" * 500 + "]" * 500 + "\n",
    "500 levels of mappings": lambda t: t + "".join(
        "  " * i + f"k{i}:\n" for i in range(500)) + "  " * 500 + "v\n",
    "a seq beyond SQLite's integers": lambda t: t.replace(
        "      - seq: 2\n        category: 乡村振兴\n        name: 做好",
        "      - seq: 99999999999999999999999\n        category: 乡村振兴\n        name: 做好"),
    "a python tag": lambda t: t.replace("name: 收养登记", "name: !!python/object/apply:os.system [ls]"),
    "a binary value": lambda t: t.replace("name: 收养登记", "name: !!binary aGVsbG8="),
    "a complex key": lambda t: t.replace("  basic:\n", "  ? [a, b]\n  : 1\n  basic:\n"),
    "numbered is a string": lambda t: t.replace("numbered: false", "numbered: nope"),
    "steps is a mapping": lambda t: t.replace("steps: [负责收养登记。]", "steps: {a: 1}"),
    "seq is a float": lambda t: t.replace("seq: 2", "seq: 2.5"),
    "seq is hexadecimal": lambda t: t.replace("seq: 2", "seq: 0x2"),
    "seq is sexagesimal": lambda t: t.replace("seq: 2", "seq: 1:20"),
    "a tab character": lambda t: t.replace("  township: 测试乡", "\ttownship: 测试乡"),
    "a NUL byte": lambda t: t.replace("收养登记", "收养\x00登记"),
    "document is a list": lambda t: re.sub(r"document:\n(  .*\n)+", "document: [1, 2]\n", t),
    "empty document": lambda t: "",
    "only a comment": lambda t: "# nothing\n",
    "a scalar document": lambda t: "42\n",
    "two documents": lambda t: t + "---\nschema: 1\n",
}


@pytest.mark.parametrize("case", sorted(YAML_CASES), ids=str)
@pytest.mark.parametrize("command", ["validate", "build"])
def test_odd_yaml_is_an_error_or_valid_never_internal(
    tmp_path: Path, case: str, command: str
) -> None:
    path = tmp_path / "odd.yaml"
    path.write_text(YAML_CASES[case](mini_text()), encoding="utf-8")
    db = tmp_path / "odd.db"
    run = run_main(command, str(path), "--db", str(db))
    assert_clean(run, {2})
    assert f"{path}" in run.stderr
    assert not db.exists()


def test_a_file_in_no_encoding_read_is_bad_input(tmp_path: Path) -> None:
    path = tmp_path / "latin1.yaml"
    path.write_bytes(mini_text().encode() + "# café\n".encode("latin-1"))
    run = run_main("validate", str(path), "--db", str(tmp_path / "d.db"))
    assert_clean(run, {2})


def test_a_gbk_line_on_stdin_is_bad_input_not_internal(mini_db: Path) -> None:
    run = run_main("search", "--stdin", "--db", str(mini_db),
                   stdin="低保\n".encode() + "高龄\n".encode("gbk") + "收养\n".encode())
    assert_clean(run, {0, 1, 2})


# ---------------------------------------------------------------- damaged databases


def damaged(mini_db: Path, tmp_path: Path, *sql: str) -> Path:
    path = tmp_path / "damaged.db"
    path.write_bytes(mini_db.read_bytes())
    conn = sqlite3.connect(path)
    for statement in sql:
        conn.execute(statement)
    conn.commit()
    conn.close()
    return path


DAMAGE = {
    "an alias is a number": ["UPDATE department_aliases SET alias = 5 WHERE rowid = 1"],
    "an alias is a blob": ["UPDATE department_aliases SET alias = x'ff00' WHERE rowid = 2"],
    "a department name is a blob": ["UPDATE departments SET name = x'ff' WHERE id = 1"],
    "unknown list": ["UPDATE duties SET list = 'zzz' WHERE id = 'C1'"],
    "seq is text": ["UPDATE duties SET seq = 'x' WHERE id = 'C1'"],
    "category is a blob": ["UPDATE duties SET category = x'ff' WHERE id = 'B1'"],
    "name is a number": ["UPDATE duties SET name = 5 WHERE id = 'C1'"],
    "a step is a blob": ["UPDATE steps SET text = x'ff00'"],
    "numbered is text": ["UPDATE blocks SET numbered = 'yes'"],
    "a block of an unknown side": ["UPDATE blocks SET side = 'left'"],
    "no steps table": ["DROP TABLE steps"],
    "no fts table": ["DROP TABLE duties_fts"],
    "no synonyms table": ["DROP TABLE synonyms"],
    "metadata count is text": ["UPDATE metadata SET value = 'many' WHERE key = 'count_basic'"],
    "metadata without title": ["DELETE FROM metadata WHERE key = 'title'"],
    "a dangling department link": ["UPDATE duty_departments SET department_id = 99"],
}

READERS: list[tuple[str, ...]] = [
    ("search", "高龄"),
    ("search", "民政局", "--format", "json"),
    ("search", "高龄", "--department", "民政局"),
    ("filter-by-category",),
    ("filter-by-category", "民生服务"),
    ("filter-by-department",),
    ("filter-by-department", "民政局", "--format", "csv"),
    ("show-steps", "C1"),
    ("show-steps", "B1", "--format", "json"),
    ("info",),
    ("info", "--format", "json"),
]


@pytest.mark.parametrize("damage", sorted(DAMAGE), ids=str)
def test_a_damaged_database_is_exit_3_or_still_answers(
    mini_db: Path, tmp_path: Path, damage: str
) -> None:
    db = damaged(mini_db, tmp_path, *DAMAGE[damage])
    for args in READERS:
        run = run_main(*args, "--db", str(db))
        assert_clean(run, {0, 1, 3})
        if run.code == 3:
            assert "错误" in run.stderr
    # diff says 2 on any trouble, like diff(1); validate and build ignore a damaged previous DB
    assert_clean(run_main("diff", str(db), str(MINI_YAML)), {0, 1, 2})
    assert_clean(run_main("validate", str(MINI_YAML), "--db", str(db)), {0})


@pytest.mark.parametrize("content", [b"", b"SQLite format 3\x00" + b"\x00" * 100, b"junk" * 1000])
def test_a_file_that_is_no_database_is_exit_3(tmp_path: Path, content: bytes) -> None:
    db = tmp_path / "x.db"
    db.write_bytes(content)
    for args in READERS:
        assert_clean(run_main(*args, "--db", str(db)), {3})


def test_a_truncated_database_is_exit_3(mini_db: Path, tmp_path: Path) -> None:
    db = tmp_path / "cut.db"
    data = mini_db.read_bytes()
    db.write_bytes(data[: len(data) // 2])
    for args in READERS:
        assert_clean(run_main(*args, "--db", str(db)), {1, 3} | {0})


# ---------------------------------------------------------------- properties

HOSTILE_CHARS = st.sampled_from(
    list("低保高龄民政局CcBbWw0123456789-_ ,.，、[]/\\\"'*:?%{}")
    + ["\x1b", "\x07", "\x00", "\x7f", "\x9b", "\u202e", "\ufeff", "\udc80", "ｃ１６",
       "[/b]", "[link=x]", "--", "-n", "\n", "\t", "\r", "𠀀"]
)
HOSTILE_TEXT = st.lists(HOSTILE_CHARS, max_size=12).map("".join)
OPTIONS = st.sampled_from(
    ["--list", "-l", "--category", "-c", "--department", "-d", "--limit", "-n", "--format",
     "-f", "--stdin", "--help", "-h", "--synonyms", "--version"]
)
LIST_VALUES = st.sampled_from(["basic", "b", "基本", "c", "w", "xyz", "", "ＢＡＳＩＣ"])
NUMBERS = st.one_of(
    st.integers(min_value=-(2**70), max_value=2**70).map(str),
    st.sampled_from(["1e9", "0x10", "", "nan", "-0", "１２", "9" * 5000]),
)
ARGS = st.lists(st.one_of(HOSTILE_TEXT, OPTIONS, LIST_VALUES, NUMBERS), max_size=6)
READ_COMMANDS = st.sampled_from(
    ["search", "filter-by-category", "filter-by-department", "show-steps", "info"]
)


@PROPERTY
@given(command=READ_COMMANDS, args=ARGS)
def test_any_argv_gives_a_documented_exit_code(
    mini_db: Path, command: str, args: list[str]
) -> None:
    run = run_main(command, *args, "--db", str(mini_db))
    assert_clean(run)


@PROPERTY
@given(args=ARGS)
def test_any_argv_to_the_group_gives_a_documented_exit_code(args: list[str]) -> None:
    assert_clean(run_main(*args))


@PROPERTY
@given(lines=st.lists(st.one_of(HOSTILE_TEXT.map(lambda s: s.encode("utf-8", "surrogatepass")),
                                st.binary(max_size=12)), max_size=8))
def test_any_stdin_gives_a_documented_exit_code(mini_db: Path, lines: list[bytes]) -> None:
    run = run_main("search", "--stdin", "--db", str(mini_db), stdin=b"\n".join(lines))
    assert_clean(run)


YAML_VALUES = st.one_of(
    HOSTILE_TEXT.map(lambda s: '"' + s.encode("unicode_escape").decode("ascii")
                     .replace('"', '\\"') + '"'),
    st.sampled_from(["{}", "[]", "[{}]", "null", "~", "''", "true", "0", "-1", "1.5",
                     "99999999999999999999999", "2026-01-01", "!!binary aGk=", "&a x", "*a",
                     "!!python/name:os.system", "[[[[[]]]]]", "{a: {b: {c: []}}}", "|\n  多行",
                     '"\\ud800"', '"\\x1b[2J"', '"[/b]"', "? x", "- - -", "'\t'"]),
)


@PROPERTY
@given(data=st.data())
def test_any_yaml_edit_gives_a_documented_exit_code(tmp_path_factory: pytest.TempPathFactory,
                                                    data: st.DataObject) -> None:
    lines = mini_text().splitlines()
    for _ in range(data.draw(st.integers(1, 3))):
        candidates = [n for n, line in enumerate(lines) if ":" in line or line.lstrip()
                      .startswith("- ")]
        number = data.draw(st.sampled_from(candidates))
        line = lines[number]
        head = line.split(":", 1)[0] + ": " if ":" in line else line[: line.index("- ") + 2]
        lines[number] = head + data.draw(YAML_VALUES)
    folder = tmp_path_factory.mktemp("yaml")
    path = folder / "edited.yaml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8", errors="surrogatepass")
    for command in ("validate", "build"):
        run = run_main(command, str(path), "--db", str(folder / "d.db"))
        assert_clean(run, {0, 2})
    assert_clean(run_main("diff", str(MINI_YAML), str(path)), {0, 1, 2})


def test_the_readme_lists_exactly_the_exit_codes() -> None:
    from dutylist import errors

    from .conftest import ROOT

    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Exit codes", 1)[1].split("\n## ", 1)[0]
    documented = {int(code) for code in re.findall(r"^\| (\d+) \|", section, re.M)}
    constants = {value for name, value in vars(errors).items() if name.startswith("EXIT_")}
    assert documented == constants
