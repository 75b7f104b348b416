"""At the terminal (issue 13): ids typed as searches, every accepted form in errors,
counts that agree, nothing cut at 60/80/120 columns, ASCII output, stale databases."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest
from typer.testing import Result

from dutylist import labels

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
