"""The importer on the frozen 2024 text: the hard cases of that edition, page artefacts
anywhere, wrapped lines that begin with digits, and errors that name the source line."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from dutylist.importer import ImportTextError, import_text, read_text

from . import fidelity
from .editions import COORDINATED_HEADER, FOOTERS, Edition, base_text


@pytest.fixture(scope="module")
def base() -> dict[str, Any]:
    return import_text(base_text(), shown="edition_2024.txt").data


@pytest.fixture(scope="module")
def items(base: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return fidelity.items_by_id(base)


def test_base_edition_is_faithful(base: dict[str, Any]) -> None:
    fidelity.check_edition(base_text(), base)
    assert [len(base["lists"][k]["items"]) for k in fidelity.KINDS] == [103, 101, 37]


def test_step_punctuation_pins_cell_boundaries(items: dict[str, Any]) -> None:
    """In the 2024 text every step but the last of a block ends with ；, and every block
    ends with 。 — a step or paragraph cut at the wrong line would break this."""
    for item_id, it in items.items():
        for side in ("upper_duties", "township_duties"):
            for b in it.get(side, []):
                *body, last = b["steps"]
                assert all(s.endswith("；") for s in body), (item_id, side, b)
                assert last.endswith("。"), (item_id, side, last)


# --------------------------------------------------------------------------- hard cases (2024)


def test_wrapped_department_names(items: dict[str, Any]) -> None:
    assert items["C1"]["departments"] == ["木垒县委组织部"]
    assert items["C1"]["name"] == "推荐县级以上党代表工作"
    assert items["C6"]["departments"] == [
        "木垒县委组织部", "木垒县委机构编制委员会办公室", "木垒县人力资源和社会保障局",
    ]
    assert items["C19"]["departments"] == [
        "木垒县公安局", "木垒县住房和城乡建设局", "木垒县农业农村局",
        "木垒县市场监督管理局", "木垒县卫生健康委员会",
    ]
    assert items["C65"]["departments"] == [
        "木垒县农业农村局", "木垒县公安局", "昌吉州生态环境局木垒县分局",
    ]
    assert items["C99"]["departments"] == ["木垒县委党史和文献研究室"]


def test_department_line_reading_bumen_is_not_a_header(items: dict[str, Any]) -> None:
    c84 = items["C84"]
    assert c84["departments"] == ["木垒县应急管理局及其他负有安全生产监督管理职责的部门"]
    assert c84["upper_duties"][0]["numbered"] is False
    assert c84["upper_duties"][0]["steps"][0].startswith("县应急管理局及其他负有")
    assert len(c84["township_duties"][0]["steps"]) == 7


def test_township_numbering_restarts(items: dict[str, Any]) -> None:
    c1 = items["C1"]
    assert [len(c1[s][0]["steps"]) for s in ("upper_duties", "township_duties")] == [5, 7]
    assert c1["township_duties"][0]["steps"][0] == "根据上级要求，制定推荐工作方案；"
    assert len(items["C63"]["upper_duties"][0]["steps"]) == 19
    assert items["C63"]["upper_duties"][0]["steps"][8].startswith("不予处罚。行政机关负责人审查")


def test_unnumbered_cells(items: dict[str, Any]) -> None:
    assert items["C2"]["township_duties"] == [
        {"numbered": False, "steps": ["向上级党组织上报本乡推荐对象信息。"]}
    ]
    assert items["W1"]["upper_duties"] == [
        {"numbered": False, "steps": ["依据婚姻登记历史档案，出具婚姻状况证明，并加盖公章。"]}
    ]


def test_headed_sections_and_department_parts(items: dict[str, Any]) -> None:
    c30 = items["C30"]
    for side, counts in (("upper_duties", [6, 2]), ("township_duties", [3, 4])):
        assert [b["heading"] for b in c30[side]] == [
            "农药使用指导、服务工作", "农药包装废弃物回收清理工作",
        ]
        assert [len(b["steps"]) for b in c30[side]] == counts
    c85 = items["C85"]
    assert [b["department"] for b in c85["upper_duties"]] == [
        "县应急管理局", "县自然资源局", "县住房和城乡建设局", "县水利局",
    ]
    assert [len(b["steps"]) for b in c85["upper_duties"]] == [5, 3, 2, 4]
    assert items["C91"]["township_duties"][0]["steps"][-1] == (
        "开展隐患排查，并将排查情况上报县林业和草原局。"  # its 。 stands on a line of its own
    )


def test_cells_sharing_a_line_and_wrapped_categories(items: dict[str, Any]) -> None:
    assert (items["C12"]["name"], items["C12"]["departments"]) == ("农业水价调整工作", ["木垒县水利局"])
    assert items["C83"]["category"] == "应急管理及消防"
    assert items["C101"]["category"] == "教育培训监管"
    assert items["W10"]["departments"] == ["木垒县人力资源和社会保障局"]


# --------------------------------------------------------------------------- artefacts anywhere

HEADERS = [
    COORDINATED_HEADER,
    COORDINATED_HEADER[1:],  # a header lacking its first line
    ["序号 事项类别 事项名称 对应上级部门 上级部门职责 乡镇配合职责"],
    [" 序号 事项类别 事项名称"],
]


def _sprinkle(text: str, every: int, artefacts: list[list[str]]) -> str:
    """Insert page artefacts after every ``every``-th line (never inside another one)."""
    lines = text.split("\n")
    out: list[str] = []
    count = 0
    for n, s in enumerate(lines):
        out.append(s)
        nxt = lines[n + 1].strip() if n + 1 < len(lines) else ""
        if n % every == every - 1 and "序号" not in nxt and nxt not in ("对应上级", "部门"):
            if s.strip() in ("对应上级", "部门") or "序号" in s:
                continue
            out += ["", *artefacts[count % len(artefacts)], ""]
            count += 1
    return "\n".join(out)


@pytest.mark.parametrize("every", [7, 23, 61])
def test_page_footers_anywhere_change_nothing(base: dict[str, Any], every: int) -> None:
    text = _sprinkle(base_text(), every, [[f] for f in FOOTERS])
    assert import_text(text, shown="x").data == base


@pytest.mark.parametrize("every", [11, 37])
def test_page_headers_anywhere_change_nothing(base: dict[str, Any], every: int) -> None:
    ed = Edition()
    for kind in ("coordinated",):
        for chunk in ed.items[kind]:
            for n in range(every % 5 + 1, len(chunk), every):
                chunk[n:n] = HEADERS[n % 2]
    for chunk in ed.items["withdrawn"][::3]:
        chunk[2:2] = [" 序号 事项类别 事项名称 承接部门及工作方式"]
    for chunk in ed.items["basic"][::5]:
        chunk[1:1] = [" 序号 事项类别 事项名称", FOOTERS[3]]
    assert import_text(ed.text(), shown="x").data == base


def test_department_broken_across_a_page_header(base: dict[str, Any]) -> None:
    ed = Edition()
    for seq in (6, 15, 84):  # three, five departments; the name ending in 部门
        chunk = ed.item("coordinated", seq)
        at = next(i for i, s in enumerate(chunk) if s.startswith("木垒县")) + 1
        chunk[at:at] = ["", FOOTERS[0], "", *COORDINATED_HEADER, ""]
    assert import_text(ed.text(), shown="x").data == base


def test_blank_lines_and_trailing_spaces_change_nothing(base: dict[str, Any]) -> None:
    text = "\n".join(s + "  " if s else "\n" for s in base_text().split("\n"))
    assert import_text(text.replace("\n", "\r\n"), shown="x").data == base


# --------------------------------------------------------------------------- digits at line start


def _edit(seq: int, old: str, new: str) -> dict[str, Any]:
    ed = Edition()
    ed.replace("coordinated", seq, old, new)
    return fidelity.items_by_id(import_text(ed.text(), shown="x").data)


@pytest.mark.parametrize("wrapped", ["1.5万元", "2.5公顷", "3.2%", "10.5", "2.1.3条"])
def test_wrapped_line_starting_with_digits_continues_the_step(wrapped: str) -> None:
    # C1's first upper step; the second township step: the next number is 2 or 3
    items = _edit(1, "1.明确代表推荐的总体要求", f"1.明确代表推荐的总体要求\n{wrapped}")
    assert items["C1"]["upper_duties"][0]["steps"][0].startswith(f"明确代表推荐的总体要求{wrapped}")
    assert len(items["C1"]["upper_duties"][0]["steps"]) == 5
    items = _edit(1, "2.各党支部组织党员进行推荐", f"2.各党支部组织党员进行推荐\n\n{wrapped}")
    assert items["C1"]["township_duties"][0]["steps"][1].startswith(f"各党支部组织党员进行推荐{wrapped}")
    assert len(items["C1"]["township_duties"][0]["steps"]) == 7


def test_wrapped_line_starting_with_a_number_and_space_is_no_new_item(base: dict[str, Any]) -> None:
    # "12 个工作日内" wrapped to the start of a line while item 12 is due
    ed = Edition()
    ed.replace("basic", 11, "加强基层政权治理能力建设", "加强基层政权治理能力建设在\n12 个工作日内")
    data = import_text(ed.text(), shown="x").data
    assert len(data["lists"]["basic"]["items"]) == 103
    assert "在12 个工作日内" in data["lists"]["basic"]["items"][10]["name"]


# --------------------------------------------------------------------------- carry-over


def test_notes_follow_the_item_text_not_its_number(base: dict[str, Any]) -> None:
    previous = copy.deepcopy(base)
    previous["lists"]["basic"]["items"][88]["note"] = "类别按原文印作……"  # B89
    ed = Edition()
    ed.insert("basic", 3, ["0 党的建设 新增的事项", ""])
    data = import_text(ed.text(), previous=previous, shown="x").data
    noted = [it["seq"] for it in data["lists"]["basic"]["items"] if "note" in it]
    assert noted == [90]


def test_document_fields_from_options_or_carried(base: dict[str, Any]) -> None:
    previous = copy.deepcopy(base)
    previous["document"].update(doc_number="木政办〔2024〕1号", date="2024-05-01", version="1")
    doc = import_text(base_text(), previous=previous, shown="x").data["document"]
    assert (doc["doc_number"], doc["date"], doc["version"]) == ("木政办〔2024〕1号", "2024-05-01", "1")
    doc = import_text(
        base_text(), previous=previous, shown="x", revision={"version": "2", "date": "2025-01-01"}
    ).data["document"]
    assert (doc["doc_number"], doc["date"], doc["version"]) == ("木政办〔2024〕1号", "2025-01-01", "2")


def test_aliases_and_former_names_are_carried(base: dict[str, Any]) -> None:
    previous = copy.deepcopy(base)
    previous["departments"][0]["aliases"].append("组织口")
    previous["departments"][0]["former_names"] = ["木垒县委老组织部"]
    data = import_text(base_text(), previous=previous, shown="x").data
    assert data["departments"][0] == previous["departments"][0]


def test_import_is_a_fixpoint(base: dict[str, Any]) -> None:
    first = import_text(base_text(), shown="x")
    again = import_text(base_text(), previous=first.data, shown="x")
    assert again.yaml == first.yaml


# --------------------------------------------------------------------------- errors


def _error(text: str) -> str:
    with pytest.raises(ImportTextError) as info:
        import_text(text, shown="new.txt")
    message = str(info.value)
    assert message.startswith("new.txt:"), message
    return message


def test_text_before_the_first_item_names_its_line() -> None:
    message = _error("这是一段说明\n" + base_text())
    assert message.startswith("new.txt:1:") and "第 1 项之前" in message


def test_missing_department_names_the_item_line() -> None:
    ed = Edition()
    chunk = ed.item("coordinated", 3)
    chunk[:] = [s for s in chunk if not s.startswith(("木垒县", "部"))]
    text = ed.text()
    line = text.split("\n").index("3 党的建设 党内统计工作") + 1  # the item's first line
    message = _error(text)
    assert f"new.txt:{line}:" in message and "C3" in message and "部门" in message


def test_missing_township_cell_is_an_error_not_absorbed() -> None:
    ed = Edition()
    chunk = ed.item("coordinated", 3)
    cut = next(i for i, s in enumerate(chunk) if s.startswith("1.参加县委组织部"))
    del chunk[cut:]
    message = _error(ed.text())
    assert "C3" in message and "乡镇配合职责" in message


def test_missing_table_is_an_error() -> None:
    text = base_text()
    cut = text.index(" 序号 事项类别 事项名称 承接部门及工作方式")
    assert "上级部门收回事项清单" in _error(text[:cut])


def test_heading_out_of_turn_names_the_line() -> None:
    ed = Edition()
    chunk = ed.item("coordinated", 30)
    at = next(i for i, s in enumerate(chunk) if s.startswith("二、"))
    chunk[at] = chunk[at].replace("二、", "三、", 1)
    text = ed.text()
    line = text.split("\n").index(chunk[at]) + 1
    assert _error(text) == f"new.txt:{line}: C30：小标题“三、”顺序不对（应为“二、”）"


def test_wrapped_line_starting_with_a_numeral_continues_the_step() -> None:
    ed = Edition()
    ed.replace("coordinated", 3, "1.组织开展党内年度统计工作培训", "1.组织开展党内年度统计工作培训，分为\n三、四季度")
    items = fidelity.items_by_id(import_text(ed.text(), shown="x").data)
    assert items["C3"]["upper_duties"][0]["steps"][0] == "组织开展党内年度统计工作培训，分为三、四季度；"


def test_a_file_in_no_encoding_read_is_refused_at_its_line(tmp_path) -> None:
    path = tmp_path / "latin1.txt"
    path.write_bytes("1 党的建设 事项\n".encode() + "2 café\n".encode("latin-1"))
    with pytest.raises(ImportTextError) as info:
        read_text(path)
    assert str(info.value).startswith(f"{path}:2: ") and "UTF-8" in str(info.value)


def test_missing_file(tmp_path) -> None:
    with pytest.raises(ImportTextError, match="文件不存在"):
        read_text(tmp_path / "none.txt")


# --------------------------------------------------------------------------- new items, any shape


def _new_coordinated(dept_lines: list[str], upper: list[str], township: list[str]) -> str:
    ed = Edition()
    ed.insert("coordinated", 5, ["0 党的建设 新增事项", *dept_lines, *upper, *township])
    return ed.text()


@pytest.mark.parametrize("dept_lines", [
    ["木垒县水利局、", *COORDINATED_HEADER, "木垒县自然资源局"],
    ["木垒县水利局", FOOTERS[1], *COORDINATED_HEADER, "、木垒县自然资源局"],
    ["木垒县水利局、木垒县自然资源局"],
    ["木垒县水利", "局、木垒县自", *COORDINATED_HEADER[1:], "然资源局"],
])
def test_two_departments_in_any_wrapping(dept_lines: list[str]) -> None:
    text = _new_coordinated(dept_lines, ["1.上级第一步；", "2.上级第二步。"], ["乡镇一段文字。"])
    data = import_text(text, shown="x").data
    fidelity.check_edition(text, data)
    c6 = fidelity.items_by_id(data)["C6"]
    assert c6["departments"] == ["木垒县水利局", "木垒县自然资源局"]
    assert c6["township_duties"] == [{"numbered": False, "steps": ["乡镇一段文字。"]}]


def test_two_departments_without_a_separator_is_an_error() -> None:
    text = _new_coordinated(["木垒县水利局", *COORDINATED_HEADER, "木垒县自然资源局"],
                            ["1.上级第一步。"], ["1.乡镇第一步。"])
    assert "顿号" in _error(text)


def test_township_cell_with_headings_after_an_unheaded_upper_cell() -> None:
    text = _new_coordinated(["木垒县水利局"], ["1.上级第一步；", "2.上级第二步。"],
                            ["一、甲工作", "1.乡镇甲；", "2.乡镇乙。", "二、乙工作", "乡镇丙。"])
    data = import_text(text, shown="x").data
    fidelity.check_edition(text, data)
    c6 = fidelity.items_by_id(data)["C6"]
    assert [b.get("heading") for b in c6["township_duties"]] == ["甲工作", "乙工作"]
    assert len(c6["upper_duties"]) == 1


def test_withdrawn_item_with_two_departments() -> None:
    ed = Edition()
    ed.insert("withdrawn", 2, ["0 民生服务 新增收回事项", "木垒县民政局、木垒县公安局：", "一段工作方式。"])
    data = import_text(ed.text(), shown="x").data
    fidelity.check_edition(ed.text(), data)
    assert fidelity.items_by_id(data)["W3"]["departments"] == ["木垒县民政局", "木垒县公安局"]


def test_withdrawn_department_and_work_text_on_one_line() -> None:
    ed = Edition()
    ed.insert("withdrawn", 0, ["0 民生服务 新增收回事项", "木垒县民政局：负责新增事项的办理。"])
    ed.insert("withdrawn", 1, ["0 民生服务 另一事项", "木垒县公安局:", "1.第一步；", "2.第二步。"])
    data = import_text(ed.text(), shown="x").data
    w1, w2 = data["lists"]["withdrawn"]["items"][:2]
    assert (w1["departments"], w1["upper_duties"]) == (
        ["木垒县民政局"], [{"numbered": False, "steps": ["负责新增事项的办理。"]}])
    assert (w2["departments"], w2["upper_duties"]) == (
        ["木垒县公安局"], [{"steps": ["第一步；", "第二步。"]}])
    fidelity.check_fields(data)


def test_page_footer_sharing_a_line_with_text(base: dict[str, Any]) -> None:
    ed = Edition()
    chunk = ed.item("coordinated", 3)
    at = next(i for i, s in enumerate(chunk) if s.startswith("1.组织开展党内年度统计"))
    chunk[at] += "   第 30 页，共 58 页"
    chunk = ed.item("basic", 2)
    chunk[1] = "第30页 共58页  " + chunk[1]
    data = import_text(ed.text(), shown="x").data
    assert data == base
    fidelity.check_edition(ed.text(), data)


def test_department_cut_after_a_character_that_also_ends_names() -> None:
    # 木垒县人力资源和社会 / 保障局, before any item has named that department
    ed = Edition()
    ed.insert("coordinated", 0, ["0 党的建设 新增事项", "木垒县水利局、木垒县人力资源和社会",
                                 *COORDINATED_HEADER, "保障局", "1.上级一步。", "乡镇一段。"])
    data = import_text(ed.text(), shown="x").data
    fidelity.check_edition(ed.text(), data)
    c1 = data["lists"]["coordinated"]["items"][0]
    assert c1["departments"] == ["木垒县水利局", "木垒县人力资源和社会保障局"]


@pytest.mark.parametrize("dept_lines", [
    ["木垒县民政局、", " 序号 事项类别 事项名称 承接部门及工作方式", "木垒县公安局："],
    ["木垒县民政局", FOOTERS[0], "、木垒县公安局："],
    ["木垒县民政局、木垒", "县公安局："],
])
def test_withdrawn_departments_broken_across_lines(dept_lines: list[str]) -> None:
    ed = Edition()
    ed.insert("withdrawn", 2, ["0 民生服务", "新增收回事项的名称", *dept_lines, "一段工作方式。"])
    data = import_text(ed.text(), shown="x").data
    w3 = data["lists"]["withdrawn"]["items"][2]
    assert (w3["name"], w3["departments"]) == ("新增收回事项的名称", ["木垒县民政局", "木垒县公安局"])
    fidelity.check_edition(ed.text(), data)


def test_withdrawn_department_name_wrapped_before_its_colon() -> None:
    ed = Edition()
    ed.insert("withdrawn", 2, ["0 应急管理及消防 新增事项", "木垒县应急管理局及其他负有安全生产监督管理职责的",
                               "部门：", "一段工作方式。"])
    data = import_text(ed.text(), shown="x").data
    w3 = data["lists"]["withdrawn"]["items"][2]
    assert w3["departments"] == ["木垒县应急管理局及其他负有安全生产监督管理职责的部门"]
    assert w3["name"] == "新增事项"


def test_name_tail_sharing_a_line_with_the_department() -> None:
    ed = Edition()
    ed.insert("coordinated", 0, ["0 党的建设", "新增配合事项名称较长需", "要换行 木垒县水利局、木垒县",
                                 "财政局", "1.上级一步。", "1.乡镇一步。"])
    data = import_text(ed.text(), shown="x").data
    c1 = data["lists"]["coordinated"]["items"][0]
    assert (c1["name"], c1["departments"]) == ("新增配合事项名称较长需要换行", ["木垒县水利局", "木垒县财政局"])
    fidelity.check_edition(ed.text(), data)


@pytest.mark.parametrize("kind,seq,new", [("basic", 7, "9"), ("coordinated", 20, "20"),
                                          ("withdrawn", 5, "7")])
def test_a_skipped_or_repeated_number_is_an_error_not_absorbed(kind: str, seq: int,
                                                               new: str) -> None:
    ed = Edition()
    text = ed.text().split("\n")
    # find the first line of item seq+1 of that table and give it a wrong number
    target = ed.item(kind, seq + 1)[0]
    at = text.index(target)
    text[at] = target.replace(str(seq + 1), new, 1)
    message = _error("\n".join(text))
    assert message.startswith(f"new.txt:{at + 1}: ") and "不连续" in message, message
