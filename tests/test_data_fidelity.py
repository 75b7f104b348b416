"""Fidelity of data/duties.yaml to the official text (data/source/danangou_duty_list.txt).

Only stdlib, PyYAML and pytest: this does not import the dutylist package.  The
segmenter here is deliberately independent of scripts/import_source.py: it cuts the
source into tables and items by 序号 alone, drops page headers, and compares each
item's raw text with the YAML fields re-joined in document order, ignoring only
whitespace and line breaks.
"""

from __future__ import annotations

import copy
import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
SOURCE = ROOT / "data" / "source" / "danangou_duty_list.txt"
DUTIES = ROOT / "data" / "duties.yaml"
IMPORTER = ROOT / "scripts" / "import_source.py"

COUNTS = {"basic": 103, "coordinated": 101, "withdrawn": 37}
LETTERS = {"basic": "B", "coordinated": "C", "withdrawn": "W"}
NUMERALS = "一二三四五六七八九十"

# Page headers/footers, matched on text with all whitespace removed.
HEADER_RE = re.compile(
    r"序号事项类别事项名称(?:承接部门及工作方式)?"
    r"|对应上级部门上级部门职责乡镇配合职责"
    r"|第\d+页，共\d+页"
)


def squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


# --------------------------------------------------------------------------- fixtures


@pytest.fixture(scope="module")
def data() -> dict:
    return yaml.safe_load(DUTIES.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def items(data) -> dict[str, dict]:
    """All items by id (B1, C12, W3 ...)."""
    out = {}
    for kind, letter in LETTERS.items():
        for it in data["lists"][kind]["items"]:
            out[f"{letter}{it['seq']}"] = it
    return out


def raw_segments() -> dict[str, str]:
    """Independent segmenter: item id -> raw source text (whitespace and headers removed)."""
    lines = SOURCE.read_text(encoding="utf-8").split("\n")
    # table boundaries: the coordinated table opens with the first 对应上级 header line,
    # the withdrawn table with the first header naming 承接部门及工作方式.
    coord = next(i for i, s in enumerate(lines) if s.strip() == "对应上级")
    withdrawn = next(i for i, s in enumerate(lines) if "承接部门及工作方式" in s)
    tables = {
        "basic": lines[: coord - 1],  # the header line just before 对应上级 is dropped anyway
        "coordinated": lines[coord - 1 : withdrawn],
        "withdrawn": lines[withdrawn:],
    }
    out: dict[str, str] = {}
    for kind, tlines in tables.items():
        chunks: list[list[str]] = [[]]
        expected = 1
        for s in tlines:
            if re.match(rf"^\s*{expected}(\s|$)", s):
                chunks.append([])
                expected += 1
            chunks[-1].append(s)
        assert HEADER_RE.sub("", squash("".join(chunks[0]))) == "", f"{kind}: text before item 1"
        assert len(chunks) - 1 == COUNTS[kind], kind
        for seq, chunk in enumerate(chunks[1:], start=1):
            out[f"{LETTERS[kind]}{seq}"] = HEADER_RE.sub("", squash("".join(chunk)))
    return out


def blocks_text(blocks: list[dict]) -> str:
    parts = []
    headings = 0
    for b in blocks:
        if "heading" in b:
            parts.append(f"{NUMERALS[headings]}、{b['heading']}")
            headings += 1
        if "department" in b:
            parts.append(b["department"])
        if b.get("numbered", True):
            parts.extend(f"{i}.{s}" for i, s in enumerate(b["steps"], start=1))
        else:
            assert len(b["steps"]) == 1, "an unnumbered block is one paragraph"
            parts.append(b["steps"][0])
    return "".join(parts)


def rebuild(item_id: str, item: dict) -> str:
    """The item's fields re-joined in document order, whitespace removed."""
    parts = [str(item["seq"]), item["category"], item["name"]]
    if item_id[0] == "C":
        parts.append("、".join(item["departments"]))
        parts.append(blocks_text(item["upper_duties"]))
        parts.append(blocks_text(item["township_duties"]))
    elif item_id[0] == "W":
        parts.append("".join(d + "：" for d in item["departments"]))
        parts.append(blocks_text(item["upper_duties"]))
    return squash("".join(parts))


@pytest.fixture(scope="module")
def raw() -> dict[str, str]:
    return raw_segments()


# --------------------------------------------------------------------------- 1. counts


def test_source_is_the_seed_copy(data):
    assert data["document"]["source"] == "data/source/danangou_duty_list.txt"
    assert SOURCE.read_bytes().startswith(" 序号 事项类别 事项名称".encode())


def test_document_header(data):
    assert data["schema"] == 1
    assert data["document"]["township"] == "大南沟乌孜别克族乡"
    assert data["document"]["county"] == "木垒县"
    assert data["document"]["title"] == "大南沟乌孜别克族乡履职事项清单"
    assert [data["lists"][k]["title"] for k in COUNTS] == [
        "基本履职事项清单",
        "配合履职事项清单",
        "上级部门收回事项清单",
    ]


@pytest.mark.parametrize("kind", list(COUNTS))
def test_counts_and_contiguous_seq(data, kind):
    seqs = [it["seq"] for it in data["lists"][kind]["items"]]
    assert seqs == list(range(1, COUNTS[kind] + 1))


KEY_ORDER = {
    "basic": ["seq", "category", "name", "note"],
    "coordinated": [
        "seq",
        "category",
        "name",
        "departments",
        "upper_duties",
        "township_duties",
        "note",
    ],
    "withdrawn": ["seq", "category", "name", "departments", "upper_duties", "note"],
}
BLOCK_KEYS = ["heading", "department", "numbered", "steps"]


@pytest.mark.parametrize("kind", list(COUNTS))
def test_fields_present_non_empty_and_ordered(data, kind):
    for it in data["lists"][kind]["items"]:
        keys = list(it)
        required = [k for k in KEY_ORDER[kind] if k != "note"]
        assert keys[: len(required)] == required, (kind, it["seq"], keys)
        assert keys == [k for k in KEY_ORDER[kind] if k in it], (kind, it["seq"], keys)
        assert isinstance(it["seq"], int)
        for k in ("category", "name", "note"):
            if k in it:
                assert isinstance(it[k], str) and it[k].strip() == it[k] and it[k], (
                    kind,
                    it["seq"],
                    k,
                )
        if kind == "basic":
            continue
        assert it["departments"] and all(isinstance(d, str) and d for d in it["departments"])
        for side in ("upper_duties", "township_duties"):
            if side not in it:
                continue
            assert it[side], (kind, it["seq"], side)
            for b in it[side]:
                assert list(b) == [k for k in BLOCK_KEYS if k in b], (kind, it["seq"], list(b))
                assert b.get("numbered", True) in (True, False)
                assert "numbered" not in b or b["numbered"] is False  # omitted when numbered
                assert b["steps"] and all(
                    isinstance(s, str) and s and s.strip() == s for s in b["steps"]
                )
                for k in ("heading", "department"):
                    if k in b:
                        assert isinstance(b[k], str) and b[k]


# --------------------------------------------------------------------------- 2. fidelity


def test_segmenter_finds_every_item(raw, items):
    assert set(raw) == set(items)


@pytest.mark.parametrize(
    "item_id",
    [f"{LETTERS[k]}{n}" for k in COUNTS for n in range(1, COUNTS[k] + 1)],
)
def test_item_text_matches_source(raw, items, item_id):
    assert rebuild(item_id, items[item_id]) == raw[item_id]


def test_whole_document_is_covered(raw):
    """Every non-header character of the source lies in some item."""
    total = HEADER_RE.sub("", squash(SOURCE.read_text(encoding="utf-8")))
    assert sum(len(v) for v in raw.values()) == len(total)


def _mutations(item: dict):
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
        if n >= 2 and s[0] != s[1]:  # move a character
            m = copy.deepcopy(item)
            setter(m, path, s[1] + s[0] + s[2:])
            yield f"{path} swap", m


@pytest.mark.parametrize("item_id", ["B1", "B89", "C1", "C30", "C78", "C84", "W12", "W37"])
def test_one_character_change_is_detected(raw, items, item_id):
    item = items[item_id]
    assert rebuild(item_id, item) == raw[item_id]
    count = 0
    for desc, mutated in _mutations(item):
        assert rebuild(item_id, mutated) != raw[item_id], f"{item_id}: undetected {desc}"
        count += 1
    assert count > 10


def test_moving_text_between_fields_is_detected(raw, items):
    # moving the last step of the upper cell into the township cell keeps every
    # character but changes the numbering: the comparison must notice
    item = copy.deepcopy(items["C16"])
    moved = item["upper_duties"][-1]["steps"].pop()
    item["township_duties"][0]["steps"].insert(0, moved)
    assert rebuild("C16", item) != raw["C16"]


def test_step_punctuation_pins_cell_boundaries(items):
    """In this document every step but the last of a block ends with ；, and every block
    ends with 。 — a step or paragraph cut at the wrong line would break this."""
    for item_id, it in items.items():
        for side in ("upper_duties", "township_duties"):
            for b in it.get(side, []):
                *body, last = b["steps"]
                assert all(s.endswith("；") for s in body), (item_id, side, b)
                assert last.endswith("。"), (item_id, side, last)


# --------------------------------------------------------------------------- 3. hard cases


def test_wrapped_department_names(items):
    assert items["C1"]["departments"] == ["木垒县委组织部"]
    assert items["C1"]["name"] == "推荐县级以上党代表工作"
    assert items["C6"]["departments"] == [
        "木垒县委组织部",
        "木垒县委机构编制委员会办公室",
        "木垒县人力资源和社会保障局",
    ]
    assert items["C15"]["departments"] == [
        "木垒县民政局",
        "木垒县公安局",
        "木垒县住房和城乡建设局",
        "木垒县卫生健康委员会",
        "木垒县教育局",
    ]
    assert items["C19"]["departments"] == [
        "木垒县公安局",
        "木垒县住房和城乡建设局",
        "木垒县农业农村局",
        "木垒县市场监督管理局",
        "木垒县卫生健康委员会",
    ]
    assert items["C65"]["departments"] == [
        "木垒县农业农村局",
        "木垒县公安局",
        "昌吉州生态环境局木垒县分局",
    ]
    assert items["C99"]["departments"] == ["木垒县委党史和文献研究室"]


def test_c84_department_line_reading_bumen_is_not_a_header(items):
    c84 = items["C84"]
    assert c84["name"] == "开展安全生产监督检查"
    assert c84["departments"] == ["木垒县应急管理局及其他负有安全生产监督管理职责的部门"]
    assert c84["upper_duties"] == [
        {
            "numbered": False,
            "steps": [
                "县应急管理局及其他负有安全生产监督管理职责的部门负责各自行业内安全生产工作，"
                "对有关生产经营单位实施安全生产监督检查工作，查处安全生产违法行为，整改事故隐患。"
            ],
        }
    ]
    assert (
        c84["township_duties"][0]["steps"][0]
        == "组织开展安全生产知识普及，按照本乡综合应急预案组织开展演练；"
    )
    assert len(c84["township_duties"][0]["steps"]) == 7


def test_township_numbering_restarts(items):
    c1 = items["C1"]
    assert len(c1["upper_duties"]) == 1 and len(c1["upper_duties"][0]["steps"]) == 5
    assert (
        c1["upper_duties"][0]["steps"][-1]
        == "完成选举后，对选举结果进行备案，审核选举程序是否合法、选举结果是否有效。"
    )
    assert c1["township_duties"][0]["steps"][0] == "根据上级要求，制定推荐工作方案；"
    assert len(c1["township_duties"][0]["steps"]) == 7
    c42 = items["C42"]
    assert len(c42["upper_duties"][0]["steps"]) == 8
    assert len(c42["township_duties"][0]["steps"]) == 12
    c63 = items["C63"]
    assert len(c63["upper_duties"][0]["steps"]) == 19
    assert c63["upper_duties"][0]["steps"][8].startswith("不予处罚。行政机关负责人审查")
    assert len(c63["township_duties"][0]["steps"]) == 2


def test_unnumbered_cells(items):
    # township side unnumbered, upper numbered
    c2 = items["C2"]
    assert c2["township_duties"] == [
        {"numbered": False, "steps": ["向上级党组织上报本乡推荐对象信息。"]}
    ]
    assert len(c2["upper_duties"][0]["steps"]) == 2
    assert c2["upper_duties"][0]["steps"][1].endswith("对获得表彰的党组织颁发证书、奖牌。")
    c5 = items["C5"]
    assert c5["township_duties"] == [
        {
            "numbered": False,
            "steps": [
                "收集干部档案新增资料、缺失材料，分类整理后分别移交县委组织部、县人力资源和社会保障局。"
            ],
        }
    ]
    c77 = items["C77"]
    assert c77["upper_duties"][0]["steps"][-1] == "安排放映人员到各村开展“一月一电影”放映工作。"
    assert c77["township_duties"] == [
        {
            "numbered": False,
            "steps": ["根据农村电影放映工程要求，落实行政村“一村一月一场电影”放映任务。"],
        }
    ]
    assert items["C76"]["township_duties"] == [
        {"numbered": False, "steps": ["组织人员参与赛事活动。"]}
    ]
    # upper side unnumbered (C84 above), township numbered
    assert items["C84"]["upper_duties"][0]["numbered"] is False
    assert "numbered" not in items["C84"]["township_duties"][0]
    # withdrawn work text as one paragraph
    assert items["W1"]["upper_duties"] == [
        {"numbered": False, "steps": ["依据婚姻登记历史档案，出具婚姻状况证明，并加盖公章。"]}
    ]


def test_headed_sections(items):
    c30 = items["C30"]
    assert c30["name"] == "农药使用指导、服务工作，做好农药包装废弃物回收清理工作"
    for side, counts in (("upper_duties", [6, 2]), ("township_duties", [3, 4])):
        assert [b["heading"] for b in c30[side]] == [
            "农药使用指导、服务工作",
            "农药包装废弃物回收清理工作",
        ]
        assert [len(b["steps"]) for b in c30[side]] == counts
    c35 = items["C35"]
    for side in ("upper_duties", "township_duties"):
        assert [b["heading"] for b in c35[side]] == ["分户工作", "落户工作"]
        assert all(b["numbered"] is False and len(b["steps"]) == 1 for b in c35[side])
    assert c35["upper_duties"][1]["steps"][0].endswith("为符合条件的按照规范流程办理落户。")
    assert (
        c35["township_duties"][0]["steps"][0]
        == "村民委员会、大南沟乌孜别克族乡对人员提出分户申请的，逐级出具审核意见。"
    )
    c65 = items["C65"]
    for side, counts in (("upper_duties", [5, 2]), ("township_duties", [3, 3])):
        assert [b["heading"] for b in c65[side]] == ["农作物秸秆综合利用", "农作物秸秆禁烧"]
        assert [len(b["steps"]) for b in c65[side]] == counts


def test_department_split_cells(items):
    c78 = items["C78"]
    assert c78["departments"] == ["木垒县委宣传部", "木垒县文化体育广播电视和旅游局"]
    assert [b.get("department") for b in c78["upper_duties"]] == [
        "县委宣传部",
        "县文化体育广播电视和旅游局",
    ]
    assert len(c78["upper_duties"][0]["steps"]) == 2
    assert c78["upper_duties"][1] == {
        "department": "县文化体育广播电视和旅游局",
        "numbered": False,
        "steps": ["指导大南沟乌孜别克族乡分类整理图书编目。"],
    }
    assert len(c78["township_duties"]) == 1 and len(c78["township_duties"][0]["steps"]) == 5
    c85 = items["C85"]
    assert [b["department"] for b in c85["upper_duties"]] == [
        "县应急管理局",
        "县自然资源局",
        "县住房和城乡建设局",
        "县水利局",
    ]
    assert [len(b["steps"]) for b in c85["upper_duties"]] == [5, 3, 2, 4]
    assert len(c85["township_duties"][0]["steps"]) == 3
    c91 = items["C91"]
    assert [b["department"] for b in c91["upper_duties"]] == ["县林业和草原局", "县消防救援局"]
    assert c91["upper_duties"][1] == {
        "department": "县消防救援局",
        "numbered": False,
        "steps": ["开展防灭火工作。"],
    }
    assert len(c91["township_duties"][0]["steps"]) == 6
    assert (
        c91["township_duties"][0]["steps"][-1] == "开展隐患排查，并将排查情况上报县林业和草原局。"
    )
    for cid, depts in (
        ("C51", ["县自然资源局", "县农业农村局"]),
        ("C79", ["县委宣传部", "县文化体育广播电视和旅游局"]),
        ("C90", ["县应急管理局", "县水利局"]),
        ("C92", ["县住房和城乡建设局", "县消防救援局"]),
        ("C93", ["县发展和改革委员会", "县公安局"]),
    ):
        assert [b["department"] for b in items[cid]["upper_duties"]] == depts, cid
        assert all("department" not in b for b in items[cid]["township_duties"]), cid


def test_withdrawn_department_prefix(items):
    assert items["W1"]["departments"] == ["木垒县民政局"]
    assert items["W1"]["name"] == "出具婚姻状况证明（婚姻关系证明、分居证明）"
    assert items["W10"]["departments"] == ["木垒县人力资源和社会保障局"]
    assert (
        items["W12"]["upper_duties"][0]["steps"][-1]
        == "通过加强技能培训、搭建用工平台、开发公益性岗位等，“补缺口”促就业。"
    )
    assert items["W34"]["category"] == "应急管理及消防"
    assert (
        items["W34"]["name"]
        == "对在改善安全生产条件、防止生产安全事故、参加抢险救护等方面取得显著成绩的单位和个人的奖励"
    )
    for it_id, it in items.items():
        if it_id[0] == "W":
            assert len(it["departments"]) == 1 and not it["departments"][0].endswith("：")
            assert "township_duties" not in it


def test_cell_sharing_a_line_with_the_next_column(items):
    c12 = items["C12"]
    assert (c12["name"], c12["departments"]) == ("农业水价调整工作", ["木垒县水利局"])
    assert c12["township_duties"] == [
        {
            "numbered": False,
            "steps": ["向农户宣讲法律法规、解读相关政策，督促村级“大喇叭”做好常态宣传工作。"],
        }
    ]
    for cid, name, dept in (
        ("C32", "农村供水保障工作", "木垒县水利局"),
        ("C33", "机电井管理", "木垒县水利局"),
        ("C36", "地名管理", "木垒县民政局"),
        ("C64", "水土保持监督管理", "木垒县水利局"),
    ):
        assert (items[cid]["name"], items[cid]["departments"]) == (name, [dept])


def test_wrapped_categories(items):
    assert items["C83"]["category"] == "应急管理及消防"
    assert items["C83"]["name"] == "自然灾害的防范处置救助工作"
    assert items["C93"]["category"] == "应急管理及消防"
    assert items["C93"]["name"] == "电力设施保护工作"
    assert items["C101"]["category"] == "教育培训监管"
    assert items["C101"]["name"] == "校外培训机构监管"


@pytest.mark.parametrize(
    "seq,printed,likely",
    [
        (89, "文化和旅游", "卫生健康"),
        (92, "卫生健康", "应急管理及消防"),
        (95, "应急管理及消防", "市场监管"),
        (97, "市场监管", "投资促进"),
        (98, "投资促进", "综合政务"),
    ],
)
def test_basic_shifted_categories_kept_as_printed_with_note(items, seq, printed, likely):
    it = items[f"B{seq}"]
    assert it["category"] == printed
    assert printed in it["note"] and likely in it["note"]


def test_only_the_shifted_basic_items_have_notes(items):
    noted = sorted(int(i[1:]) for i, it in items.items() if "note" in it)
    assert noted == [89, 92, 95, 97, 98]


# --------------------------------------------------------------------------- 4. departments


def bare_form(name: str) -> str:
    for prefix in ("木垒县委", "木垒县", "昌吉州"):
        if name.startswith(prefix):
            return name[len(prefix) :]
    return name


def test_departments_declared_once_in_order_of_first_appearance(data):
    declared = [d["name"] for d in data["departments"]]
    assert len(declared) == len(set(declared))
    referenced = []
    for kind in ("coordinated", "withdrawn"):
        for it in data["lists"][kind]["items"]:
            for d in it["departments"]:
                if d not in referenced:
                    referenced.append(d)
    assert declared == referenced


def test_aliases_unique_and_attested(data):
    source = squash(SOURCE.read_text(encoding="utf-8"))
    names = {d["name"] for d in data["departments"]}
    seen: dict[str, str] = {}
    for d in data["departments"]:
        assert list(d) == ["name", "aliases"]
        assert d["aliases"], d["name"]
        assert bare_form(d["name"]) in d["aliases"], d["name"]
        for a in d["aliases"]:
            assert a not in seen, f"alias {a} shared by {seen.get(a)} and {d['name']}"
            assert a not in names
            seen[a] = d["name"]
            assert a in source or a == bare_form(d["name"]), f"{a} does not occur in the text"


def test_common_short_forms(data):
    aliases = {d["name"]: d["aliases"] for d in data["departments"]}
    assert aliases["木垒县民政局"] == ["县民政局", "民政局"]
    assert "县委组织部" in aliases["木垒县委组织部"]
    assert "州生态环境局木垒县分局" in aliases["昌吉州生态环境局木垒县分局"]


# --------------------------------------------------------------------------- 5. reproducible


def test_importer_reproduces_yaml_byte_for_byte(tmp_path):
    out = tmp_path / "duties.yaml"
    subprocess.run(
        [sys.executable, str(IMPORTER), str(SOURCE), "-o", str(out)],
        check=True,
        cwd=tmp_path,
        capture_output=True,
    )
    assert out.read_bytes() == DUTIES.read_bytes()


def test_yaml_layout_one_step_per_line():
    text = DUTIES.read_text(encoding="utf-8")
    assert text.startswith("#")
    data = yaml.safe_load(text)
    n_steps = sum(
        len(b["steps"])
        for kind in ("coordinated", "withdrawn")
        for it in data["lists"][kind]["items"]
        for side in ("upper_duties", "township_duties")
        for b in it.get(side, [])
    )
    step_lines = [ln for ln in text.splitlines() if re.match(r"^ {14}- \S", ln)]
    assert len(step_lines) == n_steps
