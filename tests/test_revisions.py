"""Revisions of the real list: what an edit changes, item by item and character by character."""

from __future__ import annotations

import json
import shutil
import sqlite3
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import pytest

from dutylist import source
from dutylist.errors import EXIT_USAGE, DatabaseError, SourceError
from dutylist.model import Block, Catalog, Department, Duty, ListKind
from dutylist.render.diff import marked, renumber_runs, summary_lines, text_lines
from dutylist.revisions import (
    CatalogDiff,
    char_diff,
    diff_catalogs,
    diff_paths,
    load_previous,
    load_side,
    step_changes,
)
from dutylist.store.build import build_database

ROOT = Path(__file__).resolve().parents[1]
# The 2024 edition, frozen: these tests edit and name its items.
REAL_YAML = ROOT / "tests" / "fixtures" / "duties_2024.yaml"

CIVIL_AFFAIRS = "木垒县民政局"
NEW_CIVIL_AFFAIRS = "木垒县民政和社会保障局"
ELDERLY = "老年人高龄津贴的发放管理"


# ---------------------------------------------------------------- helpers


def items(catalog: Catalog, kind: ListKind) -> list[Duty]:
    return list(catalog.lists[kind].items)


def with_items(catalog: Catalog, kind: ListKind, duties: list[Duty]) -> Catalog:
    """The catalog with one list replaced by ``duties``, numbered 1, 2, 3, … as a clerk would."""
    renumbered = tuple(
        replace(duty, list=kind, seq=seq) for seq, duty in enumerate(duties, start=1)
    )
    lists = dict(catalog.lists)
    lists[kind] = replace(lists[kind], items=renumbered)
    return replace(catalog, lists=lists)


def find(catalog: Catalog, name: str) -> Duty:
    return next(duty for duty in catalog.duties() if duty.name == name)


def position(catalog: Catalog, duty: Duty) -> int:
    return items(catalog, duty.list).index(duty)


def edit(catalog: Catalog, duty: Duty, **changes: object) -> Catalog:
    duties = items(catalog, duty.list)
    duties[duties.index(duty)] = replace(duty, **changes)  # type: ignore[arg-type]
    return with_items(catalog, duty.list, duties)


def only(diff: CatalogDiff, *kept: str) -> None:
    """Assert every section of ``diff`` other than ``kept`` is empty."""
    sections = {
        "document": diff.document,
        "departments": not diff.departments.is_empty,
        "added": diff.added,
        "removed": diff.removed,
        "changed": diff.changed,
        "moved": diff.moved,
        "renumbered": diff.renumbered,
    }
    extra = {name: value for name, value in sections.items() if value and name not in kept}
    assert not extra, extra


@pytest.fixture(scope="module")
def real() -> Catalog:
    return source.load_catalog(REAL_YAML)


# ---------------------------------------------------------------- char_diff


def test_char_diff_marks_exactly_the_edited_characters() -> None:
    assert char_diff("乡及所属村同步进行公示；", "乡及所属村同步进行公示七天；") == [
        ("equal", "乡及所属村同步进行公示"),
        ("insert", "七天"),
        ("equal", "；"),
    ]
    assert char_diff("审核发放高龄津贴。", "审核发放津贴。") == [
        ("equal", "审核发放"),
        ("delete", "高龄"),
        ("equal", "津贴。"),
    ]


def test_char_diff_merges_runs_and_handles_empty_sides() -> None:
    assert char_diff("", "") == []
    assert char_diff("同一", "同一") == [("equal", "同一")]
    assert char_diff("", "新增") == [("insert", "新增")]
    assert char_diff("删除", "") == [("delete", "删除")]
    assert char_diff("县民政局", "县卫健委") == [
        ("equal", "县"),
        ("delete", "民政局"),
        ("insert", "卫健委"),
    ]
    assert marked(char_diff("县民政局", "县卫健委")) == "县[-民政局-]{+卫健委+}"


def test_char_diff_joins_back_to_both_sides() -> None:
    old = "对职工医疗互助报销申请材料进行初审后上报县总工会。"
    new = "对职工医疗互助报销申请材料（含医保报销凭证）进行审核后报县总工会。"
    diff = char_diff(old, new)
    assert "".join(t for op, t in diff if op != "insert") == old
    assert "".join(t for op, t in diff if op != "delete") == new
    assert all(a[0] != b[0] for a, b in zip(diff, diff[1:], strict=False))


# ---------------------------------------------------------------- identical


def test_a_catalog_against_itself_is_empty(real: Catalog) -> None:
    diff = diff_catalogs(real, real)
    assert diff.is_empty
    assert summary_lines(diff) == ["无变化"]
    data = diff.as_dict()
    assert data["identical"] is True
    assert data["old"]["counts"] == {"basic": 103, "coordinated": 101, "withdrawn": 37}
    assert text_lines(diff)[-1] == "无变化"


def test_database_round_trip_equals_the_yaml(real: Catalog, tmp_path: Path) -> None:
    db = tmp_path / "duties.db"
    build_database(real, db, source=REAL_YAML)
    back = load_side(db)
    assert back == real
    assert diff_catalogs(real, back).is_empty
    assert diff_paths(REAL_YAML, db).is_empty
    assert diff_paths(db, REAL_YAML).is_empty


def test_a_side_is_told_by_its_header_not_its_extension(real: Catalog, tmp_path: Path) -> None:
    db = tmp_path / "duties.db"
    build_database(real, db)
    disguised = tmp_path / "duties-2024.yaml"
    shutil.copy(db, disguised)
    assert load_side(disguised) == real
    yaml_named_db = tmp_path / "duties.db.yaml.db"
    shutil.copy(REAL_YAML, yaml_named_db)
    assert load_side(yaml_named_db) == real


# ---------------------------------------------------------------- revisions


def test_an_item_inserted_in_the_middle_is_one_addition_and_a_renumbering(
    real: Catalog,
) -> None:
    coordinated = items(real, "coordinated")
    new_item = replace(
        coordinated[0],
        category="民生服务",
        name="城乡居民养老保险待遇资格认证",
        upper_duties=(Block(steps=("组织开展待遇资格认证工作。",)),),
        township_duties=(Block(steps=("各村摸排领取待遇人员信息并报乡。",)),),
    )
    revised = with_items(real, "coordinated", [*coordinated[:9], new_item, *coordinated[9:]])
    diff = diff_catalogs(real, revised)
    only(diff, "added", "renumbered")
    assert [d.id for d in diff.added] == ["C10"]
    assert diff.added[0].name == "城乡居民养老保险待遇资格认证"
    assert renumber_runs(diff.renumbered) == ["C10–C101 → C11–C102"]
    assert summary_lines(diff) == ["新增 1 项：C10", "重新编号 92 项：C10–C101 → C11–C102"]
    assert diff.as_dict()["new"]["counts"]["coordinated"] == 102


def test_an_item_removed(real: Catalog) -> None:
    basic = items(real, "basic")
    gone = basic[4]
    diff = diff_catalogs(real, with_items(real, "basic", basic[:4] + basic[5:]))
    only(diff, "removed", "renumbered")
    assert diff.removed == (gone,)
    assert diff.removed[0].id == "B5"
    assert summary_lines(diff)[0] == "删除 1 项：B5"
    assert renumber_runs(diff.renumbered) == ["B6–B103 → B5–B102"]
    assert f"- 删除 B5 〔{gone.category}〕{gone.name}" in text_lines(diff)


def test_steps_edited_show_exactly_the_edited_characters(real: Catalog) -> None:
    duty = find(real, ELDERLY)
    township = duty.township_duties[0]
    steps = list(township.steps)
    assert steps[1] == "乡及所属村同步进行公示；"
    steps[1] = "乡及所属村同步进行公示七天；"
    steps.append("做好高龄津贴发放情况的跟踪回访。")
    upper = duty.upper_duties[0]
    upper_steps = tuple(s.replace("推送至村", "推送至各村") for s in upper.steps)
    revised = edit(
        real,
        duty,
        township_duties=(replace(township, steps=tuple(steps)),),
        upper_duties=(replace(upper, steps=upper_steps),),
    )
    diff = diff_catalogs(real, revised)
    only(diff, "changed")
    (change,) = diff.changed
    assert change.id == change.old_id == duty.id
    assert [f.field for f in change.fields] == ["upper_duties", "township_duties"]
    upper_change, township_change = change.fields

    (step,) = upper_change.steps
    assert (step.op, step.kind, step.new_block, step.new_step) == ("replace", "step", 1, 2)
    assert [(op, t) for op, t in step.diff if op != "equal"] == [("insert", "各")]

    edited, added = township_change.steps
    assert (edited.op, edited.old_step, edited.new_step) == ("replace", 2, 2)
    assert edited.diff == [
        ("equal", "乡及所属村同步进行公示"),
        ("insert", "七天"),
        ("equal", "；"),
    ]
    assert (added.op, added.new_block, added.new_step) == ("insert", 1, 5)
    assert added.new == "做好高龄津贴发放情况的跟踪回访。"
    # The canonical text diff agrees: only the edited characters are marked.
    assert [t for op, t in township_change.diff if op != "equal"] == [
        "七天",
        "\n5.做好高龄津贴发放情况的跟踪回访。",
    ]
    assert township_change.old is not None and "2.乡及所属村同步进行公示；" in township_change.old

    text = "\n".join(text_lines(diff))
    assert "第1块第2步：乡及所属村同步进行公示{+七天+}；" in text
    assert "第1块第5步：{+做好高龄津贴发放情况的跟踪回访。+}" in text
    assert summary_lines(diff) == [f"修改 1 项：{duty.id}"]


def test_a_step_deleted_and_a_block_unnumbered(real: Catalog) -> None:
    duty = find(real, ELDERLY)
    township = duty.township_duties[0]
    revised = (replace(township, steps=township.steps[1:], numbered=False),)
    changes = step_changes(duty.township_duties, revised)
    assert [(c.op, c.kind) for c in changes] == [("delete", "step"), ("replace", "numbered")]
    assert changes[0].old == township.steps[0]
    assert (changes[1].old, changes[1].new) == ("true", "false")


def test_an_item_renamed_in_place_is_a_change_not_a_swap(real: Catalog) -> None:
    duty = find(real, ELDERLY)
    revised = edit(real, duty, name="老年人高龄津贴发放管理")
    diff = diff_catalogs(real, revised)
    only(diff, "changed")
    (change,) = diff.changed
    assert [f.field for f in change.fields] == ["name"]
    assert change.fields[0].diff == [
        ("equal", "老年人高龄津贴"),
        ("delete", "的"),
        ("equal", "发放管理"),
    ]


def test_an_item_renamed_and_shifted_is_still_matched(real: Catalog) -> None:
    coordinated = items(real, "coordinated")
    duty = find(real, ELDERLY)
    at = coordinated.index(duty)
    coordinated[at] = replace(duty, name="做好老年人高龄津贴的发放管理工作")
    extra = replace(coordinated[0], name="新增的配合事项", category="其他")
    revised = with_items(real, "coordinated", [extra, *coordinated])
    diff = diff_catalogs(real, revised)
    only(diff, "added", "changed", "renumbered")
    (change,) = diff.changed
    assert (change.old_id, change.new_id) == (duty.id, f"C{duty.seq + 1}")
    assert [f.field for f in change.fields] == ["name"]
    assert summary_lines(diff)[1] == f"修改 1 项：C{duty.seq + 1}（原 {duty.id}）"


def test_a_department_renamed(real: Catalog) -> None:
    departments = tuple(
        replace(d, name=NEW_CIVIL_AFFAIRS) if d.name == CIVIL_AFFAIRS else d
        for d in real.departments
    )
    revised = replace(real, departments=departments)
    users = [d for d in real.duties() if CIVIL_AFFAIRS in d.departments]
    assert len(users) >= 2
    for duty in users:
        renamed = tuple(NEW_CIVIL_AFFAIRS if n == CIVIL_AFFAIRS else n for n in duty.departments)
        revised = edit(revised, duty, departments=renamed)
    diff = diff_catalogs(real, revised)
    only(diff, "departments", "changed")
    assert not diff.departments.added and not diff.departments.removed
    (rename,) = diff.departments.renamed
    assert (rename.old_name, rename.new_name) == (CIVIL_AFFAIRS, NEW_CIVIL_AFFAIRS)
    assert not rename.aliases_changed
    assert [c.id for c in diff.changed] == [d.id for d in users]
    assert all([f.field for f in c.fields] == ["departments"] for c in diff.changed)
    first = diff.changed[0].fields[0]
    assert [(op, t) for op, t in first.diff if op != "equal"] == [("insert", "和社会保障")]
    lines = summary_lines(diff)
    assert lines[0] == f"部门更名 1 个：{CIVIL_AFFAIRS} → {NEW_CIVIL_AFFAIRS}"
    assert lines[1].startswith(f"修改 {len(users)} 项：{users[0].id}, ")


def test_departments_added_removed_and_aliases(real: Catalog) -> None:
    last = real.departments[-1]
    unused = [
        d for d in real.departments if not any(d.name in x.departments for x in real.duties())
    ]
    departments = [
        replace(d, aliases=(*d.aliases, "民政")) if d.name == CIVIL_AFFAIRS else d
        for d in real.departments
        if d not in unused[:1]
    ]
    departments.append(Department(name="木垒县数据局", aliases=("县数据局", "数据局")))
    diff = diff_catalogs(real, replace(real, departments=tuple(departments)))
    only(diff, "departments")
    assert [d.name for d in diff.departments.added] == ["木垒县数据局"]
    assert [d.name for d in diff.departments.removed] == [d.name for d in unused[:1]]
    (aliases,) = [c for c in diff.departments.changed if c.aliases_changed]
    assert aliases.new_aliases[-1] == "民政" and not aliases.renamed
    assert "新增部门 1 个：木垒县数据局" in summary_lines(diff)
    assert last.name != "木垒县数据局"


def test_an_item_taken_back_by_the_county_is_a_move(real: Catalog) -> None:
    coordinated = items(real, "coordinated")
    withdrawn = items(real, "withdrawn")
    duty = coordinated[39]
    assert duty.id == "C40"
    taken_back = replace(duty, list="withdrawn", township_duties=())
    revised = with_items(real, "coordinated", coordinated[:39] + coordinated[40:])
    revised = with_items(revised, "withdrawn", [*withdrawn[:5], taken_back, *withdrawn[5:]])
    diff = diff_catalogs(real, revised)
    only(diff, "moved", "renumbered")
    (move,) = diff.moved
    assert (move.old_id, move.new_id, move.old_list, move.new_list) == (
        "C40",
        "W6",
        "coordinated",
        "withdrawn",
    )
    (dropped,) = move.fields
    assert dropped.field == "township_duties" and dropped.new is None
    assert {s.op for s in dropped.steps} == {"delete"}
    assert summary_lines(diff) == [
        "移动 1 项：C40 → W6",
        "重新编号 93 项：C41–C101 → C40–C100, W6–W37 → W7–W38",
    ]
    text = text_lines(diff)
    assert f"> 移动 C40 → W6 {duty.name}（配合履职事项 → 上级部门收回事项）" in text
    data = diff.as_dict()
    assert data["moved"][0]["fields"][0]["field"] == "township_duties"
    assert data["added"] == [] and data["removed"] == []


def test_document_revision_fields_changed(real: Catalog) -> None:
    revised = replace(
        real,
        document=replace(real.document, doc_number="木乡发〔2025〕3号", date="2025-03-01",
                         version="2025.1"),
    )
    diff = diff_catalogs(real, revised)
    only(diff, "document")
    assert [(c.field, c.old, c.new) for c in diff.document] == [
        ("doc_number", None, "木乡发〔2025〕3号"),
        ("date", None, "2025-03-01"),
        ("version", None, "2025.1"),
    ]
    assert summary_lines(diff) == [
        "清单信息变更：文号（无 → 木乡发〔2025〕3号）、日期（无 → 2025-03-01）、版本（无 → 2025.1）"
    ]
    assert diff.as_dict()["new"]["document"]["doc_number"] == "木乡发〔2025〕3号"
    assert text_lines(diff)[1] == (
        f"新：{real.document.title}（文号 木乡发〔2025〕3号，日期 2025-03-01，版本 2025.1）"
    )


def test_revision_recorded_in_the_yaml_document_section(tmp_path: Path) -> None:
    text = REAL_YAML.read_text(encoding="utf-8")
    anchor = "  source: data/source/danangou_duty_list.txt\n"
    assert anchor in text
    revision = '  doc_number: 木乡发〔2025〕3号\n  date: "2025-03-01"\n  version: "2"\n'
    revised_yaml = tmp_path / "duties.yaml"
    revised_yaml.write_text(text.replace(anchor, anchor + revision, 1), encoding="utf-8")
    diff = diff_paths(REAL_YAML, revised_yaml)
    only(diff, "document")
    assert {c.field: c.new for c in diff.document} == {
        "doc_number": "木乡发〔2025〕3号",
        "date": "2025-03-01",
        "version": "2",
    }
    # Built into a database, the revision survives the round trip.
    db = tmp_path / "revised.db"
    build_database(load_side(revised_yaml), db)
    assert diff_paths(revised_yaml, db).is_empty
    assert load_side(db).document.doc_number == "木乡发〔2025〕3号"


def test_json_has_stable_keys_and_chinese_text(real: Catalog) -> None:
    duty = find(real, ELDERLY)
    revised = edit(real, duty, note="2025年调整")
    revised = replace(revised, document=replace(real.document, version="2"))
    diff = diff_catalogs(real, revised)
    data = json.loads(json.dumps(diff.as_dict(), ensure_ascii=False))
    assert list(data) == [
        "identical", "old", "new", "summary", "document", "departments",
        "added", "removed", "changed", "moved", "renumbered",
    ]
    assert data["identical"] is False
    assert data["summary"]["changed"] == 1
    (change,) = data["changed"]
    assert change == {
        "id": duty.id,
        "old_id": duty.id,
        "name": ELDERLY,
        "fields": [{"field": "note", "old": None, "new": "2025年调整",
                    "diff": [["insert", "2025年调整"]]}],
    }
    assert "2025年调整" in diff.to_json()


def test_block_field_json_has_per_step_structure(real: Catalog) -> None:
    duty = find(real, ELDERLY)
    upper = duty.upper_duties[0]
    revised = edit(real, duty, upper_duties=(replace(upper, steps=upper.steps[:-1]),))
    (field,) = diff_catalogs(real, revised).as_dict()["changed"][0]["fields"]
    assert field["field"] == "upper_duties"
    assert field["steps"] == [
        {
            "op": "delete", "kind": "step", "old_block": 1, "old_step": len(upper.steps),
            "new_block": None, "new_step": None, "old": upper.steps[-1], "new": None,
            "diff": None,
        }
    ]


# ---------------------------------------------------------------- loading errors


def test_missing_side_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(SourceError) as caught:
        load_side(tmp_path / "nope.yaml")
    assert str(caught.value) == f"{tmp_path / 'nope.yaml'}：文件不存在"
    assert caught.value.exit_code == EXIT_USAGE
    with pytest.raises(SourceError, match="不是文件"):
        load_side(tmp_path)


def test_invalid_yaml_side_reports_file_and_line(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("schema: 1\ndocument: [\n", encoding="utf-8")
    with pytest.raises(SourceError, match=r"bad\.yaml:\d+: YAML 格式错误"):
        load_side(bad)


def test_a_sqlite_file_that_is_not_a_dutylist_database(tmp_path: Path) -> None:
    other = tmp_path / "other.db"
    with sqlite3.connect(other) as conn:
        conn.execute("CREATE TABLE t (x)")
    conn.close()
    with pytest.raises(DatabaseError, match="other.db.*dutylist"):
        load_side(other)
    assert load_previous(other) is None
    assert load_previous(tmp_path / "absent.db") is None


def test_a_database_without_document_metadata(real: Catalog, tmp_path: Path) -> None:
    db = tmp_path / "duties.db"
    build_database(real, db)
    with sqlite3.connect(db) as conn:
        conn.execute("DELETE FROM metadata WHERE key = 'township'")
    conn.close()
    with pytest.raises(DatabaseError, match="缺少清单信息：township"):
        load_side(db)


def test_revisions_imports_neither_yaml_nor_rich() -> None:
    code = (
        "import sys, dutylist.revisions; "
        "assert 'yaml' not in sys.modules and 'rich' not in sys.modules, sorted(sys.modules)"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
