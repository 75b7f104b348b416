"""Department names clerks use (aliases, former names): data, validation, storage, lookup."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

import pytest
from typer.testing import Result

from dutylist.errors import SourceError
from dutylist.model import Catalog
from dutylist.render.diff import summary_lines, text_lines
from dutylist.revisions import diff_catalogs
from dutylist.source import parse_catalog
from dutylist.store.build import build_database
from dutylist.store.schema import connect, read_catalog

from .conftest import MINI_YAML

MINI = MINI_YAML.read_text(encoding="utf-8")
Cli = Callable[..., Result]

CIVIL = "木垒县民政局"
FARMING = "木垒县农业农村局"


def with_names(civil: str = "", farming: str = "") -> str:
    """The mini fixture with extra lines under each department's aliases."""
    text = MINI.replace("    aliases: [县民政局, 民政局]\n", "    aliases: [县民政局, 民政局]\n" + civil, 1)
    return text.replace(
        "    aliases: [县农业农村局, 农业农村局]\n", "    aliases: [县农业农村局, 农业农村局]\n" + farming, 1
    )


def problems(text: str) -> list[str]:
    with pytest.raises(SourceError) as caught:
        parse_catalog(text, "duties.yaml")
    return caught.value.problems


def line_of(text: str, needle: str) -> int:
    return next(i for i, line in enumerate(text.splitlines(), 1) if needle in line)


# ---------------------------------------------------------------- the real list


def test_every_department_has_its_other_names(real_catalog: Catalog) -> None:
    assert [d.name for d in real_catalog.departments if not d.aliases] == []


def test_no_name_is_claimed_by_two_departments(real_catalog: Catalog) -> None:
    owners: dict[str, set[str]] = {}
    for d in real_catalog.departments:
        for label in {d.name, *d.aliases, *d.former_names}:
            owners.setdefault(label, set()).add(d.name)
    assert {label: names for label, names in owners.items() if len(names) > 1} == {}


def test_other_names_are_plain_and_not_repeated(real_catalog: Catalog) -> None:
    for d in real_catalog.departments:
        names = [*d.aliases, *d.former_names]
        assert [n for n, c in Counter(names).items() if c > 1] == [], d.name
        assert all(n and not any(ch.isspace() for ch in n) for n in names), d.name
        assert d.name not in names


@pytest.mark.parametrize(
    "said,department",
    [
        ("卫健委", "木垒县卫生健康委员会"),  # short form
        ("计生委", "木垒县卫生健康委员会"),  # before the 2018 reform
        ("安监局", "木垒县应急管理局"),
        ("应急局", "木垒县应急管理局"),
        ("工商局", "木垒县市场监督管理局"),
        ("食药监局", "木垒县市场监督管理局"),
        ("国土局", "木垒县自然资源局"),
        ("林业局", "木垒县林业和草原局"),
        ("林草局", "木垒县林业和草原局"),
        ("人社局", "木垒县人力资源和社会保障局"),
        ("司法所", "木垒县司法局"),  # township unit standing for the county department
        ("派出所", "木垒县公安局"),
        ("兽医站", "木垒县农业农村局"),
        ("财政所", "木垒县财政局"),
        ("环保局", "昌吉州生态环境局木垒县分局"),
    ],
)
def test_clerks_names_resolve_on_the_2024_list(
    cli: Cli, db_2024: Path, said: str, department: str
) -> None:
    result = cli("filter-by-department", said, "-f", "jsonl", db=db_2024)
    assert result.exit_code == 0, result.output
    rows = [json.loads(line) for line in result.stdout.splitlines()]
    assert rows and all(
        any(d == department or d.startswith(department + "及其他") for d in row["departments"])
        for row in rows
    )


# ---------------------------------------------------------------- validation


def test_former_names_are_read() -> None:
    catalog = parse_catalog(with_names(civil="    former_names: [民政科, 老民政局]\n"))
    civil = catalog.departments[0]
    assert civil.former_names == ("民政科", "老民政局")
    assert civil.other_names() == ("县民政局", "民政局", "民政科", "老民政局")
    assert catalog.departments[1].former_names == ()


def test_a_former_name_claimed_twice_names_both_departments_and_the_line() -> None:
    text = with_names(
        civil="    former_names: [农业局]\n", farming="    former_names: [农牧局, 农业局]\n"
    )
    assert problems(text) == [
        f"duties.yaml:{line_of(text, '[农牧局, 农业局]')}: 部门名称、简称或原名 '农业局' "
        f"已属于 {CIVIL}，不能再属于 {FARMING}"
    ]


def test_an_alias_may_not_be_another_departments_former_name() -> None:
    text = with_names(civil="    former_names: [农业农村局]\n")
    (problem,) = problems(text)
    assert problem.startswith(f"duties.yaml:{line_of(text, '[县农业农村局, 农业农村局]')}:")
    assert f"'农业农村局' 已属于 {CIVIL}，不能再属于 {FARMING}" in problem


def test_former_names_must_be_a_list_of_text() -> None:
    text = with_names(civil="    former_names: 民政科\n")
    assert problems(text) == [f"duties.yaml:{line_of(text, 'former_names')}: 部门的 former_names 应为列表"]
    text = with_names(civil="    former_names: ['']\n")
    assert problems(text) == [f"duties.yaml:{line_of(text, 'former_names')}: 部门原名 为空"]


# ---------------------------------------------------------------- database


def test_former_names_are_stored_and_found(cli: Cli, tmp_path: Path) -> None:
    catalog = parse_catalog(with_names(farming="    former_names: [农业局, 畜牧局]\n"))
    db = tmp_path / "names.db"
    build_database(catalog, db)
    conn = connect(db)
    try:
        assert read_catalog(conn).departments == catalog.departments
    finally:
        conn.close()
    result = cli("filter-by-department", "畜牧局", "-f", "jsonl", db=db)
    assert result.exit_code == 0, result.output
    assert {json.loads(line)["id"] for line in result.stdout.splitlines()} == {"C2"}


# ---------------------------------------------------------------- revisions


def test_a_change_of_former_names_is_a_change() -> None:
    old = parse_catalog(with_names(farming="    former_names: [农业局]\n"))
    new = parse_catalog(with_names(farming="    former_names: [农业局, 畜牧局]\n"))
    diff = diff_catalogs(old, new)
    assert not diff.is_empty
    (change,) = diff.departments.changed
    assert change.former_changed and not change.aliases_changed and not change.renamed
    assert (change.old_former, change.new_former) == (("农业局",), ("农业局", "畜牧局"))
    assert summary_lines(diff) == [f"部门简称或原名变更 1 个：{FARMING}"]
    assert any(line.startswith(f"~ {FARMING} 原名：") for line in text_lines(diff))


def test_a_department_naming_the_old_one_as_former_name_is_a_renaming() -> None:
    """No shared alias and not the same items (it also takes C1): only the former name ties."""
    old = parse_catalog(MINI)
    new_name = "木垒县农业农村和乡村振兴局"

    def moved(names: tuple[str, ...], duty_id: str) -> tuple[str, ...]:
        names = tuple(new_name if n == FARMING else n for n in names)
        return (new_name, *names) if duty_id == "C1" else names

    departments = tuple(
        replace(d, name=new_name, aliases=("县农业农村和乡村振兴局",), former_names=(d.name,))
        if d.name == FARMING else d
        for d in old.departments
    )
    lists = {
        kind: replace(duty_list, items=tuple(
            replace(duty, departments=moved(duty.departments, duty.id)) for duty in duty_list.items
        ))
        for kind, duty_list in old.lists.items()
    }
    diff = diff_catalogs(old, replace(old, departments=departments, lists=lists))
    assert not diff.departments.added and not diff.departments.removed
    (change,) = diff.departments.renamed
    assert (change.old_name, change.new_name) == (FARMING, new_name)
    assert change.new_former == (FARMING,)
