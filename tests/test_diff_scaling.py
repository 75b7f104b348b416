"""The change summary and diff grow with the size of the change, not with its square.

Timing lives in scripts/bench.py (``--diff-only``); here the work is counted: how many
line pairs are compared when one item has hundreds of edited steps.
"""

from __future__ import annotations

import dataclasses
import difflib
from collections.abc import Iterator

import pytest

from dutylist.model import Block, Catalog
from dutylist.revisions import char_diff, diff_catalogs, step_changes


def steps_of(catalog: Catalog) -> list[str]:
    return [s for d in catalog.duties() for b in (*d.upper_duties, *d.township_duties)
            for s in b.steps]


def edited(steps: list[str], count: int) -> tuple[tuple[str, ...], tuple[str, ...]]:
    old = tuple(f"{steps[n % len(steps)]}（{n}）" for n in range(count))
    new = tuple(s[: len(s) // 2] + "改" + s[len(s) // 2 :] for s in old)
    return old, new


@pytest.fixture
def ratio_calls(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[int]]:
    calls = [0]
    real = difflib.SequenceMatcher.ratio

    def counting(self: difflib.SequenceMatcher[str]) -> float:
        calls[0] += 1
        return real(self)

    monkeypatch.setattr(difflib.SequenceMatcher, "ratio", counting)
    yield calls


@pytest.mark.parametrize("count", [200, 800])
def test_edited_steps_are_compared_a_bounded_number_of_times(
    real_catalog: Catalog, ratio_calls: list[int], count: int
) -> None:
    old, new = edited(steps_of(real_catalog), count)
    changes = step_changes((Block(steps=old),), (Block(steps=new),))
    assert [(c.op, c.old_step, c.new_step) for c in changes] == [
        ("replace", n, n) for n in range(1, count + 1)
    ]
    assert ratio_calls[0] <= 10 * count  # not count * count


def test_inserted_and_edited_steps_in_a_long_run_are_still_paired(
    real_catalog: Catalog,
) -> None:
    old, new = edited(steps_of(real_catalog), 300)
    new = new[:100] + ("全新的一步：开展专项检查。",) * 5 + new[100:]
    changes = step_changes((Block(steps=old),), (Block(steps=new),))
    assert sum(c.op == "insert" for c in changes) == 5
    assert sum(c.op == "replace" for c in changes) == 300
    assert not [c for c in changes if c.op == "delete"]


def test_char_diff_of_long_texts_joins_back(real_catalog: Catalog) -> None:
    old_steps, new_steps = edited(steps_of(real_catalog), 1000)
    old, new = "\n".join(old_steps), "\n".join(new_steps)
    diff = char_diff(old, new)
    assert "".join(t for op, t in diff if op != "insert") == old
    assert "".join(t for op, t in diff if op != "delete") == new
    inserted = [t for op, t in diff if op == "insert"]
    assert inserted == ["改"] * 1000  # exactly the edits, nothing more


def test_one_long_line_edited_in_the_middle(real_catalog: Catalog) -> None:
    line = "".join(steps_of(real_catalog))[:9000]
    diff = char_diff(line, line[:4000] + "新" + line[4000:])
    assert diff == [("equal", line[:4000]), ("insert", "新"), ("equal", line[4000:])]


def test_a_big_edit_through_the_whole_comparison(real_catalog: Catalog) -> None:
    old_steps, new_steps = edited(steps_of(real_catalog), 600)

    def with_steps(steps: tuple[str, ...]) -> Catalog:
        lists = dict(real_catalog.lists)
        coordinated = lists["coordinated"]
        first = dataclasses.replace(coordinated.items[0], upper_duties=(Block(steps=steps),))
        lists["coordinated"] = dataclasses.replace(coordinated, items=(first,
                                                                       *coordinated.items[1:]))
        return dataclasses.replace(real_catalog, lists=lists)

    result = diff_catalogs(with_steps(old_steps), with_steps(new_steps))
    (item,) = result.changed
    (field,) = item.fields
    assert len(field.steps) == 600
    data = result.as_dict()
    assert data["summary"]["changed"] == 1
