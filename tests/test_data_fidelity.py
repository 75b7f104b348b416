"""Fidelity of data/duties.yaml to the official text it names (document.source).

Whatever edition sits in data/source/, the YAML must hold every character of it,
item by item; counts come from the text, never from this file.  The checks live
in tests/fidelity.py (independent of the importer) and are also run on revised
editions in tests/test_import_editions.py.  Specific items of one edition are
tested in tests/test_importer.py, on a frozen copy of that edition.
"""

from __future__ import annotations

import copy
import re
from pathlib import Path
from typing import Any

import pytest
import yaml

from dutylist.importer import import_text

from . import fidelity

ROOT = Path(__file__).resolve().parents[1]
DUTIES = ROOT / "data" / "duties.yaml"
DATA: dict[str, Any] = yaml.safe_load(DUTIES.read_text(encoding="utf-8"))
SOURCE = ROOT / DATA["document"]["source"]
ITEM_IDS = list(fidelity.items_by_id(DATA))


@pytest.fixture(scope="module")
def source_text() -> str:
    return fidelity.read_source(SOURCE)  # saved as UTF-8, GBK or UTF-16: read as import reads


@pytest.fixture(scope="module")
def raw(source_text: str) -> dict[str, str]:
    return fidelity.raw_segments(source_text)


@pytest.fixture(scope="module")
def items() -> dict[str, dict[str, Any]]:
    return fidelity.items_by_id(DATA)


def test_source_lies_in_data_source() -> None:
    assert SOURCE.parent == ROOT / "data" / "source"
    assert SOURCE.is_file()
    assert sorted(p.name for p in SOURCE.parent.glob("*.txt")) == [SOURCE.name], (
        "data/source/ holds exactly the official text the YAML was imported from"
    )


def test_document_header() -> None:
    assert DATA["schema"] == 1
    for key in ("township", "county", "title"):
        assert DATA["document"][key]
    assert DATA["document"]["title"].startswith(DATA["document"]["township"])
    assert [DATA["lists"][k]["title"] for k in fidelity.KINDS] == [
        "基本履职事项清单", "配合履职事项清单", "上级部门收回事项清单",
    ]


def test_fields_present_non_empty_and_ordered() -> None:
    fidelity.check_fields(DATA)


def test_counts_come_from_the_source(raw: dict[str, str], items: dict[str, Any]) -> None:
    assert set(raw) == set(items)
    for kind, letter in fidelity.LETTERS.items():
        in_text = sum(1 for i in raw if i[0] == letter)
        assert len(DATA["lists"][kind]["items"]) == in_text > 0


@pytest.mark.parametrize("item_id", ITEM_IDS)
def test_item_text_matches_source(raw: dict[str, str], items: dict[str, Any], item_id: str) -> None:
    assert fidelity.rebuild(item_id, items[item_id]) == raw[item_id]


def test_whole_document_is_covered(source_text: str) -> None:
    assert fidelity.mismatches(source_text, DATA) == []


def test_departments_declared_once_in_order_of_first_appearance() -> None:
    fidelity.check_departments(DATA)


def test_every_department_has_its_bare_form_as_alias() -> None:
    county = DATA["document"]["county"]
    for d in DATA["departments"]:
        bare = re.sub(rf"^(?:{county}委|{county}|昌吉州)", "", d["name"])
        if bare != d["name"]:
            assert bare in d["aliases"], d["name"]


def test_importer_reproduces_yaml_byte_for_byte(source_text: str) -> None:
    """Importing data/source over data/duties.yaml gives data/duties.yaml again."""
    result = import_text(
        source_text, previous=DATA, shown=str(SOURCE), source=DATA["document"]["source"]
    )
    assert result.yaml == DUTIES.read_text(encoding="utf-8")


def test_frozen_2024_yaml_is_the_import_of_the_frozen_2024_text() -> None:
    """tests/fixtures/duties_2024.yaml (what edition-specific tests read) is exactly what
    the importer makes of tests/fixtures/edition_2024.txt.gz, carrying its own aliases,
    notes and document fields: a frozen edition, not a hand-kept copy."""
    from .conftest import YAML_2024
    from .editions import base_text

    frozen = YAML_2024.read_text(encoding="utf-8")
    previous = yaml.safe_load(frozen)
    result = import_text(base_text(), previous=previous, shown="edition_2024.txt.gz",
                         source=previous["document"]["source"])
    assert result.yaml == frozen
    fidelity.check_edition(base_text(), previous)


def test_yaml_layout_one_step_per_line() -> None:
    text = DUTIES.read_text(encoding="utf-8")
    assert text.startswith("#")
    n_steps = sum(
        len(b["steps"])
        for kind in ("coordinated", "withdrawn")
        for it in DATA["lists"][kind]["items"]
        for side in ("upper_duties", "township_duties")
        for b in it.get(side, [])
    )
    step_lines = [ln for ln in text.splitlines() if re.match(r"^ {14}- \S", ln)]
    assert len(step_lines) == n_steps


# --------------------------------------------------------------------------- the checks can fail


def _mutations(item: dict[str, Any]):
    """Yield (description, mutated copy) for one-character changes in many fields."""

    def each_string(obj, path=()):
        if isinstance(obj, dict):
            for k, v in obj.items():
                if k in ("seq", "numbered", "note"):
                    continue
                yield from each_string(v, (*path, k))
        elif isinstance(obj, list):
            for i, v in enumerate(obj):
                yield from each_string(v, (*path, i))
        elif isinstance(obj, str):
            yield path, obj

    def setter(root, path, value):
        for p in path[:-1]:
            root = root[p]
        root[path[-1]] = value

    for path, s in each_string(item):
        n = len(s)
        for desc, new in (
            ("drop first", s[1:]),
            ("drop middle", s[: n // 2] + s[n // 2 + 1 :]),
            ("drop last", s[:-1]),
            ("add", s[: n // 2] + "的" + s[n // 2 :]),
            ("replace", s[: n // 2] + ("甲" if s[n // 2] != "甲" else "乙") + s[n // 2 + 1 :]),
        ):
            m = copy.deepcopy(item)
            setter(m, path, new)
            yield f"{path} {desc}", m
        if n >= 2 and s[0] != s[1]:
            m = copy.deepcopy(item)
            setter(m, path, s[1] + s[0] + s[2:])
            yield f"{path} swap", m


def _sample_ids(items: dict[str, Any]) -> list[str]:
    """First and last of each list, plus items with headings or department parts."""
    chosen: list[str] = []
    for letter in "BCW":
        ids = [i for i in items if i[0] == letter]
        chosen += [ids[0], ids[-1]]
    for key in ("heading", "department"):
        chosen += [
            i for i, it in items.items()
            if any(key in b for b in it.get("upper_duties", []))
        ][:1]
    return chosen


def test_one_character_change_is_detected(raw: dict[str, str], items: dict[str, Any]) -> None:
    for item_id in _sample_ids(items):
        item = items[item_id]
        count = 0
        for desc, mutated in _mutations(item):
            assert fidelity.rebuild(item_id, mutated) != raw[item_id], f"{item_id}: {desc}"
            count += 1
        assert count > 4


def test_moving_text_between_cells_is_detected(raw: dict[str, str], items: dict[str, Any]) -> None:
    # moving the last upper step into the township cell keeps every character but
    # changes the numbering: the comparison must notice
    item_id, item = next(
        (i, copy.deepcopy(it)) for i, it in items.items()
        if i[0] == "C" and len(it["upper_duties"][-1]["steps"]) > 1
        and "numbered" not in it["township_duties"][0]
    )
    moved = item["upper_duties"][-1]["steps"].pop()
    item["township_duties"][0]["steps"].insert(0, moved)
    assert fidelity.rebuild(item_id, item) != raw[item_id]
