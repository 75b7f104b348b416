"""Documentation is tested: every command has help, the README's examples run as shown,
and the README's quick start is exactly what CI runs."""

from __future__ import annotations

import contextlib
import re
import shlex
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest
import typer
from typer.testing import Result

from dutylist.cli import app

from .conftest import REAL_SYNONYMS, ROOT, YAML_2024
from .editions import revised_edition

Cli = Callable[..., Result]
TIMESTAMP = re.compile(r"\d{4}-\d\d-\d\dT\d\d:")
README = (ROOT / "README.md").read_text(encoding="utf-8")
COMMANDS = sorted(typer.main.get_command(app).commands)  # type: ignore[attr-defined]


def test_every_command_is_listed() -> None:
    assert COMMANDS == sorted([
        "build", "diff", "export", "filter-by-category", "filter-by-department", "import", "info",
        "restore", "search", "serve", "show-steps", "validate",
    ])


@pytest.mark.parametrize("command", COMMANDS)
def test_every_command_has_help(cli: Cli, command: str) -> None:
    result = cli(command, "--help")
    assert result.exit_code == 0, result.output
    assert "示例：dutylist " + command in result.stdout
    click_command = typer.main.get_command(app).commands[command]  # type: ignore[attr-defined]
    assert click_command.help and click_command.help.strip()
    for param in click_command.params:
        assert getattr(param, "help", None), f"{command}: {param.name} has no help"
    assert f"`{command}" in README, f"{command} is not documented in the README"


def test_short_help_flag(cli: Cli) -> None:
    result = cli("-h")
    assert result.exit_code == 0 and "search" in result.stdout


def test_version(cli: Cli) -> None:
    from dutylist import __version__

    result = cli("--version")
    assert result.exit_code == 0 and result.stdout == f"dutylist {__version__}\n"
    assert __version__ != "0+unknown"
    pyproject = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    assert f'version = "{__version__}"' in pyproject


def quick_start() -> list[str]:
    section = README.split("## Quick start", 1)[1]
    block = re.search(r"```sh\n(.*?)```", section, re.S)
    assert block is not None
    return [line for line in block.group(1).splitlines() if line.strip()]


def test_quick_start_is_two_commands_that_ci_runs() -> None:
    commands = quick_start()
    assert len(commands) == 2
    for command in commands:
        # Each stands alone and works where the system Python refuses global installs
        # (PEP 668): it makes and uses its own virtual environment before pip.
        venv, activate, install, run = command.split(" && ")
        assert (venv, activate) == ("python3 -m venv .venv", ". .venv/bin/activate")
        assert install.startswith("pip install ")
    assert commands[0].endswith("dutylist search 低保")
    assert commands[1].endswith("pytest")
    if shutil.which("bash") is None:
        pytest.skip("bash is needed to run .ci/run")
    ci = subprocess.run(
        ["bash", str(ROOT / ".ci" / "run"), "--quick-start"],
        capture_output=True, text=True, encoding="utf-8", check=True,
    )
    assert ci.stdout.splitlines() == commands  # CI runs exactly these lines


def examples() -> list[tuple[str, list[str]]]:
    """(command, shown output lines) for every ``$ dutylist`` line of a console block."""
    found: list[tuple[str, list[str]]] = []
    for block in re.findall(r"```console\n(.*?)```", README, re.S):
        current: tuple[str, list[str]] | None = None
        for line in block.splitlines():
            if line.startswith("$ "):
                current = (line[2:], []) if line.startswith("$ dutylist ") else None
                if current:
                    found.append(current)
            elif current is not None:
                current[1].append(line.rstrip())
    return found


def test_the_readme_has_examples_for_every_command() -> None:
    shown = {shlex.split(cmd)[1] for cmd, _ in examples()}
    assert {"search", "filter-by-category", "filter-by-department", "show-steps", "info",
            "build", "validate", "diff", "import"} <= shown


@pytest.fixture
def workdir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, cli: Cli) -> Path:
    """A checkout where data/duties.yaml is a revision of old/duties.yaml, as the README tells;
    old/duties.yaml is the 2024 edition, whose outputs the README shows."""
    (tmp_path / "data").mkdir()
    (tmp_path / "old").mkdir()
    real = YAML_2024.read_text(encoding="utf-8")  # the edition the README shows
    (tmp_path / "old" / "duties.yaml").write_text(real, encoding="utf-8")
    new = real.replace("组织开展高龄津贴政策宣传", "组织开展高龄津贴和养老政策宣传", 1).replace(
        "  title: 大南沟乌孜别克族乡履职事项清单\n",
        "  title: 大南沟乌孜别克族乡履职事项清单\n  doc_number: 木政办〔2026〕1号\n"
        "  date: 2026-11-01\n  version: 2026.1\n", 1)
    (tmp_path / "data" / "duties.yaml").write_text(new, encoding="utf-8")
    for folder in ("data", "old"):
        (tmp_path / folder / "synonyms.yaml").write_bytes(REAL_SYNONYMS.read_bytes())
    # A new edition of the official text, as the README's import example reads it.
    (tmp_path / "data" / "source").mkdir()
    (tmp_path / "data" / "source" / "danangou_duty_list_2027.txt").write_text(
        revised_edition().text, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    # The user's database holds the old list, and the bundled one is not used.
    assert cli("build", "old/duties.yaml").exit_code == 0
    return tmp_path


@pytest.mark.parametrize("command,shown", examples(), ids=[c for c, _ in examples()])
def test_readme_examples_run_as_shown(
    cli: Cli, workdir: Path, command: str, shown: list[str]
) -> None:
    args = shlex.split(command)[1:]
    result = cli(*args)
    expected_code = 1 if args[0] == "diff" else 0
    assert result.exit_code == expected_code, result.output
    actual = {line.rstrip() for line in result.output.splitlines()}
    for line in shown:
        if "…" in line or "/" in line or not line.strip() or TIMESTAMP.search(line):
            continue  # elided, machine-specific or time-specific
        assert line in actual, f"README shows a line that `{command}` does not print: {line!r}"


def test_readme_schema_lists_every_table(db_2024: Path) -> None:
    import sqlite3

    conn = sqlite3.connect(db_2024)
    tables = [name for (name,) in conn.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")]
    conn.close()
    shadow = ("_data", "_idx", "_docsize", "_config", "_content")
    documented = README.split("## Database schema", 1)[1].split("## Exit codes", 1)[0]
    for name in tables:
        if name.endswith(shadow):
            continue  # FTS5's own storage
        assert f"| `{name}` |" in documented, name


def test_readme_fts_sql_example_runs(db_2024: Path) -> None:
    """The README's SQL over the contentless FTS index finds what dutylist search finds."""
    import sqlite3

    from dutylist import query, textsearch

    section = README.split("### The full-text index, from SQL", 1)[1]
    block = re.search(r"```sql\n(.*?)```", section, re.S)
    assert block is not None
    conn = sqlite3.connect(f"{db_2024.as_uri()}?mode=ro", uri=True)
    try:
        found = [row[0] for row in conn.execute(block.group(1))]
    finally:
        conn.close()
    # The MATCH expression is the one dutylist builds for the word (no synonyms).
    word = "低保家庭"
    parsed = textsearch.parse_query(word, {})
    assert textsearch.match_all(parsed, ("name_bi", "dept_bi", "body_bi")) in block.group(1)
    with contextlib.closing(query.connect(db_2024)) as dutylist_conn:
        expected = [row.id for row in query.search(dutylist_conn, word, limit=None).rows]
    assert found and set(found) <= set(expected)
    assert len(found) == min(5, len(expected))


def test_readme_chars_sql_example_runs(db_2024: Path) -> None:
    """The README's SQL over chars_fts finds items that dutylist search finds for 犬."""
    import sqlite3

    from dutylist import query, textsearch

    section = README.split("### The full-text index, from SQL", 1)[1]
    block = re.findall(r"```sql\n(.*?)```", section, re.S)[1]
    conn = sqlite3.connect(f"{db_2024.as_uri()}?mode=ro", uri=True)
    try:
        found = [row[0] for row in conn.execute(block)]
    finally:
        conn.close()
    term = textsearch.parse_query("犬", {}).terms[0]
    (option,) = textsearch.term_options(term, ("name_bi", "dept_bi", "body_bi"))
    assert f"'{option.chars[1:-1]}'" in block  # the expression dutylist builds
    with contextlib.closing(query.connect(db_2024)) as dutylist_conn:
        expected = query.search(dutylist_conn, "犬", limit=None, synonyms={}).rows
    assert found and set(found) <= {row.id for row in expected}


def test_readme_is_right_that_sqlite_utils_finds_no_fts_table(db_2024: Path) -> None:
    import sqlite_utils

    assert "`sqlite-utils search duties.db duties 低保` does not work" in README
    db = sqlite_utils.Database(db_2024)
    try:
        assert db.table("duties").detect_fts() is None
    finally:
        db.close()
