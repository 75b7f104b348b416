"""Revised editions the tests write themselves: imported, then held to the same fidelity
checks as the real data (tests/fidelity.py), and checked for what each edit must do."""

from __future__ import annotations

import copy
import random
from typing import Any

import pytest

from dutylist.importer import import_text

from . import fidelity
from .editions import (
    FOOTERS,
    Edition,
    Revision,
    base_text,
    coordinated_item,
    revised_edition,
    withdrawn_item,
)

# The notes the 2024 list carries on its shifted categories, keyed by item name.
NOTED = {
    "开展爱国卫生运动": "类别按原文印作“文化和旅游”；似应属“卫生健康”类。",
    "组织开展应急知识": "类别按原文印作“卫生健康”。",
    "落实食品安全属地管理责任": "类别按原文印作“应急管理及消防”。",
}


@pytest.fixture(scope="module")
def previous() -> dict[str, Any]:
    """The 2024 list as imported, with notes on a few items and a revision recorded."""
    data = import_text(base_text(), shown="edition_2024.txt").data
    for item in data["lists"]["basic"]["items"]:
        for start, note in NOTED.items():
            if item["name"].startswith(start):
                item["note"] = note
    data["document"].update(doc_number="木党办发〔2024〕9号", date="2024-06-01", version="2024")
    return data


@pytest.fixture(scope="module")
def revision() -> Revision:
    return revised_edition()


@pytest.fixture(scope="module")
def imported(revision: Revision, previous: dict[str, Any]) -> dict[str, Any]:
    return import_text(revision.text, previous=previous, shown="revised.txt",
                       revision={"version": "2025"}).data


def _by_name(data: dict[str, Any]) -> dict[str, tuple[str, dict[str, Any]]]:
    return {it["name"]: (kind, it) for kind in fidelity.KINDS
            for it in data["lists"][kind]["items"]}


def test_revised_edition_is_faithful(revision: Revision, imported: dict[str, Any]) -> None:
    fidelity.check_edition(revision.text, imported)


def test_counts_follow_the_text(previous: dict[str, Any], imported: dict[str, Any]) -> None:
    before = [len(previous["lists"][k]["items"]) for k in fidelity.KINDS]
    after = [len(imported["lists"][k]["items"]) for k in fidelity.KINDS]
    # basic +1; coordinated -1 removed -1 moved +1 added; withdrawn +1 moved
    assert after == [before[0] + 1, before[1] - 1, before[2] + 1]


def test_each_edit_lands(revision: Revision, imported: dict[str, Any]) -> None:
    names = _by_name(imported)
    for name, kind in revision.added.items():
        assert names[name][0] == kind
    assert names[next(iter(revision.added))][1]["category"] == "数字政务"  # a new category
    for name in revision.removed:
        assert name not in names
    for name, (_, to) in revision.moved.items():
        assert names[name][0] == to
        assert names[name][1]["departments"] == ["木垒县水利局"]
    for name, (_, new) in revision.recategorised.items():
        match = [it for n, (_, it) in names.items() if n.startswith(name)]
        assert match[0]["category"] == new
    for name, text in revision.edited.items():
        assert text in names[name][1]["upper_duties"][0]["steps"][-1]
    name, departments = revision.two_departments
    assert names[name][1]["departments"] == departments
    assert names[name][1]["upper_duties"][0]["steps"][0] == revision.digits_step
    assert names[name][1]["township_duties"][0]["steps"][0].endswith("单块面积不足2.5公顷的一并上报；")


def test_renamed_department_keeps_its_former_name(revision: Revision,
                                                  imported: dict[str, Any]) -> None:
    old, new = revision.renamed
    declared = {d["name"]: d for d in imported["departments"]}
    assert old not in declared
    # the old name and its short forms, so each still finds the items
    assert declared[new]["former_names"] == [old, "县农业农村局", "农业农村局"]
    assert "县农业农村和乡村振兴局" in declared[new]["aliases"]
    users = [it for kind in ("coordinated", "withdrawn")
             for it in imported["lists"][kind]["items"] if new in it["departments"]]
    assert len(users) > 10


def test_notes_follow_names_and_go_with_a_corrected_category(imported: dict[str, Any]) -> None:
    noted = {it["name"][:8]: it["note"] for it in imported["lists"]["basic"]["items"] if "note" in it}
    assert sorted(noted) == sorted(k[:8] for k in NOTED if k != "开展爱国卫生运动")
    assert noted["组织开展应急知识"] == NOTED["组织开展应急知识"]


def test_document_fields(imported: dict[str, Any]) -> None:
    doc = imported["document"]
    assert (doc["doc_number"], doc["date"], doc["version"]) == ("木党办发〔2024〕9号", "2024-06-01", "2025")


def test_import_is_deterministic(revision: Revision, previous: dict[str, Any]) -> None:
    runs = {import_text(revision.text, previous=copy.deepcopy(previous), shown="r").yaml
            for _ in range(2)}
    assert len(runs) == 1


# --------------------------------------------------------------------------- many variants


def _random_edition(seed: int) -> str:
    """Random edits of the kinds a revision brings, reproducible by seed."""
    rng = random.Random(seed)
    ed = Edition()
    for _ in range(rng.randint(1, 4)):
        kind = rng.choice(fidelity.KINDS)
        ed.remove(kind, rng.randint(1, len(ed.items[kind])))
    for n in range(rng.randint(1, 3)):
        at = rng.randint(0, len(ed.items["coordinated"]))
        ed.insert("coordinated", at, coordinated_item(
            rng.choice(["经济发展", "平安法治", "新类别甲"]), f"新增配合事项{seed}-{n}的名称较长需要换行",
            rng.sample(["木垒县水利局", "木垒县委宣传部", "木垒县新设服务中心", "木垒县财政局"],
                       rng.randint(1, 3)),
            [f"1.上级步骤{seed}，标准为每户", "2.5万元；", "2.上级步骤二。"],
            rng.choice([["1.乡镇步骤一；", "2.乡镇步骤二。"], ["乡镇一段不编号的文字。"]]),
            page_break_in_departments=rng.random() < 0.5,
        ))
    for n in range(rng.randint(0, 2)):
        ed.insert("withdrawn", rng.randint(0, len(ed.items["withdrawn"])), withdrawn_item(
            "市场监管", f"新增收回事项{seed}-{n}", "木垒县市场监督管理局",
            ["1.第一步；", "2.第二步。"] if n else ["一段工作方式。"],
        ))
    ed.insert("basic", rng.randint(0, len(ed.items["basic"])), ["0 党的建设", f"新增基本事项{seed}"])
    text = ed.text().split("\n")
    for _ in range(rng.randint(2, 8)):  # stray footers
        at = rng.randint(1, len(text) - 1)
        if "序号" in text[at] or text[at].strip() in ("对应上级", "部门"):
            continue
        text[at:at] = ["", rng.choice(FOOTERS), ""]
    return "\n".join(text)


@pytest.mark.parametrize("seed", range(12))
def test_random_revisions_are_faithful(seed: int) -> None:
    text = _random_edition(seed)
    data = import_text(text, shown=f"seed{seed}.txt").data
    fidelity.check_edition(text, data)
    assert any(d["name"] == "木垒县新设服务中心" for d in data["departments"]) or (
        "木垒县新设服务中心" not in text
    )


def test_renaming_twice_chains_former_names(previous: dict[str, Any]) -> None:
    ed = Edition()
    ed.rename_everywhere("县水利局", "县水务局")
    first = import_text(ed.text(), previous=previous, shown="a").data
    ed.rename_everywhere("县水务局", "县水资源局")
    second = import_text(ed.text(), previous=first, shown="b").data
    declared = {d["name"]: d for d in second["departments"]}
    assert declared["木垒县水资源局"]["former_names"] == [
        "木垒县水务局", "县水务局", "水务局", "木垒县水利局", "县水利局", "水利局",
    ]
