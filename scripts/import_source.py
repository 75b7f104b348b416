#!/usr/bin/env python3
"""Import the duty list (履职事项清单) of 大南沟乌孜别克族乡 from its PDF text into YAML.

Usage:
    python scripts/import_source.py [SOURCE] [-o data/duties.yaml]

SOURCE defaults to data/source/danangou_duty_list.txt (an exact copy of the PDF text).
The output is fully determined by the source: re-running reproduces data/duties.yaml
byte for byte.  Pure stdlib + PyYAML.

What the importer undoes (extraction artefacts, never the wording):
  * page headers repeated inside the tables, and one page footer;
  * cells wrapped at the column width (lines are joined with no space: Chinese);
  * blank lines inside cells;
  * a cell sharing a line with the next column (``12 经济发展 农业水价调整工作 木垒县水利局``);
  * a wrapped department name leaving a line that reads ``部门`` (C84), which is not a header.

Every character of the document is kept.  Where the general rules cannot decide a
boundary, an explicit entry in OVERRIDES says what to do and why.
"""

from __future__ import annotations

import argparse
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parents[1]
DEFAULT_SOURCE = "data/source/danangou_duty_list.txt"
DEFAULT_OUTPUT = "data/duties.yaml"

TOWNSHIP = "大南沟乌孜别克族乡"
COUNTY = "木垒县"

LIST_TITLES = {
    "basic": "基本履职事项清单",
    "coordinated": "配合履职事项清单",
    "withdrawn": "上级部门收回事项清单",
}
EXPECTED_COUNTS = {"basic": 103, "coordinated": 101, "withdrawn": 37}

# Every 事项类别 printed in the document.  Used to recognise a category cell that is
# wrapped over two lines (``应急管理及`` / ``消防``, ``教育培训监`` / ``管``); the importer
# fails if it meets a category not listed here.
CATEGORIES = (
    "党的建设",
    "经济发展",
    "民生服务",
    "平安法治",
    "乡村振兴",
    "精神文明建设",
    "社会管理",
    "民族宗教",
    "社会保障",
    "自然资源",
    "生态环保",
    "城乡建设",
    "交通运输",
    "文化和旅游",
    "卫生健康",
    "应急管理及消防",
    "市场监管",
    "投资促进",
    "综合政务",
    "教育培训监管",
)

# Basic items whose printed category looks shifted by one row at a group boundary.
# The category is kept AS PRINTED; the note says which group the item seems to belong to.
BASIC_SHIFTED = {
    # seq: (category as printed, category it seems to belong to, what the item is about)
    89: ("文化和旅游", "卫生健康", "爱国卫生运动"),
    92: ("卫生健康", "应急管理及消防", "应急知识宣传、应急救援队伍、应急预案"),
    95: ("应急管理及消防", "市场监管", "食品安全属地管理"),
    97: ("市场监管", "投资促进", "项目申报、实施、管护"),
    98: ("投资促进", "综合政务", "政府信息公开"),
}
NOTE_TEMPLATE = "类别按原文印作“{0}”；按内容（{2}）似应属“{1}”类，疑为分组边界处错行。"

# Explicit boundary fixes, keyed by item id, e.g.
#   "C12": {"township_starts_at": "<exact text of the first township line>"},  # why ...
# Each entry must carry a comment saying why.  Currently empty: the general rules below
# decide every boundary of this document, and tests/test_data_fidelity.py pins the hard
# cases, so a change in the rules that moves a boundary fails loudly.
OVERRIDES: dict[str, dict[str, object]] = {}

# Width of the 对应上级部门 column: a department line is never longer than this.
DEPT_COLUMN_WIDTH = 6
# A department name is complete when it ends with one of these characters.
DEPT_END_CHARS = "局部会室大协门委"

HEADING_RE = re.compile(r"^([一二三四五六七八九十]+)、(.*)$")
STEP_RE = re.compile(r"^(\d+)\.(.*)$")
NUMERALS = "一二三四五六七八九十"
PAGE_FOOTER_RE = re.compile(r"^第\s*\d+\s*页，共\s*\d+\s*页$")
HEADER_LINES = {
    "序号 事项类别 事项名称",
    "序号事项类别 事项名称",
    "序号 事项类别 事项名称 承接部门及工作方式",
    "对应上级",
    "上级部门职责 乡镇配合职责",
}


class ImportError_(Exception):
    """The source does not have the shape the importer expects."""


@dataclass
class Line:
    no: int  # 1-based line number in the source
    text: str  # stripped


# ---------------------------------------------------------------------------
# Lines, page headers, tables, items


def clean_lines(raw: str) -> list[Line]:
    """Non-blank lines with page headers/footers dropped (a ``部门`` line is dropped
    only when it is part of a header, i.e. the previous kept-or-dropped line was
    ``对应上级``)."""
    out: list[Line] = []
    prev_nonblank = ""
    for no, text in enumerate(raw.split("\n"), start=1):
        s = text.strip()
        if not s:
            continue
        is_header = (
            s in HEADER_LINES
            or PAGE_FOOTER_RE.match(s) is not None
            or (s == "部门" and prev_nonblank == "对应上级")
        )
        prev_nonblank = s
        if is_header:
            out.append(Line(no, "\x00" + s))  # marker kept for table splitting
            continue
        out.append(Line(no, s))
    return out


def split_tables(lines: list[Line]) -> dict[str, list[Line]]:
    """Split at the first header of each table; drop all header markers."""
    coord_start = withdrawn_start = None
    for i, ln in enumerate(lines):
        if coord_start is None and ln.text == "\x00对应上级":
            coord_start = i
        if withdrawn_start is None and ln.text.endswith("承接部门及工作方式"):
            withdrawn_start = i
    if coord_start is None or withdrawn_start is None:
        raise ImportError_("cannot find the coordinated/withdrawn table headers")

    def body(seg: list[Line]) -> list[Line]:
        return [ln for ln in seg if not ln.text.startswith("\x00")]

    return {
        "basic": body(lines[:coord_start]),
        "coordinated": body(lines[coord_start:withdrawn_start]),
        "withdrawn": body(lines[withdrawn_start:]),
    }


def split_items(kind: str, lines: list[Line]) -> list[list[Line]]:
    """An item starts at the line beginning with the next expected 序号 and a space."""
    items: list[list[Line]] = []
    expected = 1
    for ln in lines:
        m = re.match(r"^(\d+)(\s|$)", ln.text)
        if m and int(m.group(1)) == expected:
            items.append([ln])
            expected += 1
            continue
        if not items:
            raise ImportError_(f"{kind}: text before item 1 at line {ln.no}: {ln.text!r}")
        items[-1].append(ln)
    if len(items) != EXPECTED_COUNTS[kind]:
        raise ImportError_(f"{kind}: found {len(items)} items, expected {EXPECTED_COUNTS[kind]}")
    return items


def split_first_line(kind: str, seq: int, lines: list[Line]) -> tuple[str, list[str], int]:
    """Return (category, remaining tokens of the first line, lines consumed)."""
    tokens = lines[0].text.split()
    if tokens[0] != str(seq):
        raise ImportError_(f"{kind} {seq}: bad first line {lines[0].text!r}")
    if len(tokens) < 2:
        raise ImportError_(f"{kind} {seq}: no category on first line")
    category, rest, used = tokens[1], tokens[2:], 1
    if category not in CATEGORIES:
        # wrapped category cell: the first line holds only its beginning
        if not rest and len(lines) > 1 and category + lines[1].text in CATEGORIES:
            category += lines[1].text
            used = 2
        else:
            raise ImportError_(f"{kind} {seq}: unknown category {category!r} (line {lines[0].no})")
    return category, rest, used


# ---------------------------------------------------------------------------
# Cells: blocks of steps


@dataclass
class Block:
    heading: str | None = None
    department: str | None = None
    numbered: bool | None = None  # None until the first step/paragraph decides
    steps: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, object]:
        d: dict[str, object] = {}
        if self.heading is not None:
            d["heading"] = self.heading
        if self.department is not None:
            d["department"] = self.department
        if self.numbered is False:
            d["numbered"] = False
        d["steps"] = list(self.steps)
        return d


class Cell:
    """Accumulates the blocks of one duties cell."""

    def __init__(self, where: str) -> None:
        self.where = where
        self.blocks: list[Block] = []
        self.headings = 0

    @property
    def block(self) -> Block | None:
        return self.blocks[-1] if self.blocks else None

    def last_text(self) -> str:
        b = self.block
        return b.steps[-1] if b and b.steps else ""

    def add_heading(self, numeral: str, text: str) -> None:
        self.headings += 1
        if NUMERALS[self.headings - 1] != numeral:
            raise ImportError_(f"{self.where}: heading {numeral}、 out of order")
        self.blocks.append(Block(heading=text))

    def add_department(self, text: str) -> None:
        self.blocks.append(Block(department=text))

    def add_step(self, n: int, text: str) -> None:
        b = self.block
        if b is None:
            b = Block()
            self.blocks.append(b)
        if b.steps and n == 1:
            # a new part of a cell must be opened by a heading or department line
            raise ImportError_(f"{self.where}: numbering restarts without a heading")
        if b.numbered is False:
            raise ImportError_(f"{self.where}: step {n}. after a paragraph")
        if n != len(b.steps) + 1:
            raise ImportError_(f"{self.where}: step {n}. after {len(b.steps)} steps")
        b.numbered = True
        b.steps.append(text)

    def add_text(self, text: str) -> None:
        b = self.block
        if b is None:
            b = Block()
            self.blocks.append(b)
        if not b.steps:  # a paragraph opens the block
            b.numbered = False
            b.steps.append(text)
        else:  # wrapped line of the current step or paragraph
            b.steps[-1] += text

    def check(self) -> None:
        if not self.blocks:
            raise ImportError_(f"{self.where}: empty cell")
        for b in self.blocks:
            if not b.steps:
                raise ImportError_(f"{self.where}: block without steps")


def intro_lines(departments: list[str]) -> set[str]:
    """Lines that introduce one department's part of a cell: ``县`` + name without 木垒县."""
    out = set()
    for d in departments:
        if d.startswith(COUNTY):
            out.add("县" + d[len(COUNTY) :])
    return out


def parse_cells(
    where: str,
    lines: list[Line],
    departments: list[str],
    two_sides: bool,
    override: dict[str, object],
) -> tuple[Cell, Cell | None]:
    """Parse upper (and, for the coordinated list, township) cells from body lines."""
    upper = Cell(f"{where} upper")
    township = Cell(f"{where} township") if two_sides else None
    cur = upper
    intros = intro_lines(departments)
    split_at = override.get("township_starts_at")  # text of the first township line
    for ln in lines:
        s = ln.text
        heading = HEADING_RE.match(s)
        step = STEP_RE.match(s)
        if cur is upper and township is not None:
            switch = False
            if split_at is not None:
                switch = s == split_at
            elif heading and heading.group(1) == "一" and upper.headings:
                switch = True  # headings restart: township column
            elif step and step.group(1) == "1" and upper.block and upper.block.steps:
                switch = True  # numbering restarts outside a new heading/department part
            elif (
                not heading
                and not step
                and s not in intros
                and upper.block
                and upper.block.steps
                and upper.last_text().endswith("。")
            ):
                switch = True  # unnumbered township paragraph after the last upper step
            if switch:
                cur = township
        if heading:
            cur.add_heading(heading.group(1), heading.group(2))
        elif cur is upper and s in intros:
            cur.add_department(s)
        elif step and _is_next_step(cur, int(step.group(1))):
            cur.add_step(int(step.group(1)), step.group(2))
        else:
            cur.add_text(s)
    upper.check()
    if township is not None:
        township.check()
    return upper, township


def _is_next_step(cell: Cell, n: int) -> bool:
    b = cell.block
    if b is None or not b.steps:
        return n == 1
    if b.numbered is False:
        return False
    return n == len(b.steps) + 1 or n == 1


# ---------------------------------------------------------------------------
# Items


def parse_basic(seq: int, lines: list[Line]) -> dict[str, object]:
    category, rest, used = split_first_line("basic", seq, lines)
    name = "".join(rest) + "".join(ln.text for ln in lines[used:])
    item: dict[str, object] = {"seq": seq, "category": category, "name": name}
    if seq in BASIC_SHIFTED:
        printed, likely, about = BASIC_SHIFTED[seq]
        if category != printed:
            raise ImportError_(f"basic {seq}: category {category!r}, expected {printed!r}")
        item["note"] = NOTE_TEMPLATE.format(printed, likely, about)
    return item


def _dept_incomplete(text: str) -> bool:
    """Does the department text need another line?"""
    if not text or text.endswith("、"):
        return True
    last = text.split("、")[-1]
    return last in ("木垒县委",) or last[-1] not in DEPT_END_CHARS


def parse_coordinated(seq: int, lines: list[Line]) -> dict[str, object]:
    where = f"C{seq}"
    override = OVERRIDES.get(where, {})
    category, rest, used = split_first_line("coordinated", seq, lines)
    name_parts: list[str] = []
    dept = ""
    if len(rest) >= 1:
        name_parts.append(rest[0])
    if len(rest) == 2:
        dept = rest[1]
    elif len(rest) > 2:
        raise ImportError_(f"{where}: too many columns on first line {lines[0].text!r}")
    i = used
    # name lines: everything before the department column starts
    if not dept:
        while i < len(lines) and not re.match(r"^(木垒县|昌吉州)", lines[i].text):
            name_parts.append(lines[i].text)
            i += 1
        if i == len(lines):
            raise ImportError_(f"{where}: no department")
        dept = lines[i].text
        i += 1
    # department lines: continue while the name is visibly unfinished, or the previous
    # line filled the column (a name such as 木垒县委社会 / 工作部 can break after a
    # character that also ends names) and this line is no step, heading or intro line
    prev = dept
    while i < len(lines):
        s = lines[i].text
        if len(s) > DEPT_COLUMN_WIDTH:
            break
        continues = (
            _dept_incomplete(dept)
            or s.startswith("、")
            or re.match(r"^(木垒县|昌吉州)", s) is not None
            or (
                len(prev) == DEPT_COLUMN_WIDTH
                and not STEP_RE.match(s)
                and not HEADING_RE.match(s)
                and not s.startswith("县")
            )
        )
        if not continues:
            break
        dept += s
        prev = s
        i += 1
    if _dept_incomplete(dept):
        raise ImportError_(f"{where}: incomplete department {dept!r}")
    departments = dept.split("、")
    upper, township = parse_cells(where, lines[i:], departments, True, override)
    assert township is not None
    return {
        "seq": seq,
        "category": category,
        "name": "".join(name_parts),
        "departments": departments,
        "upper_duties": [b.as_dict() for b in upper.blocks],
        "township_duties": [b.as_dict() for b in township.blocks],
    }


def parse_withdrawn(seq: int, lines: list[Line]) -> dict[str, object]:
    where = f"W{seq}"
    category, rest, used = split_first_line("withdrawn", seq, lines)
    name_parts = list(rest)
    i = used
    while i < len(lines) and not (
        lines[i].text.startswith(COUNTY) and lines[i].text.endswith("：")
    ):
        name_parts.append(lines[i].text)
        i += 1
    if i == len(lines):
        raise ImportError_(f"{where}: no 承接部门 line")
    department = lines[i].text[:-1]
    upper, _ = parse_cells(where, lines[i + 1 :], [department], False, OVERRIDES.get(where, {}))
    return {
        "seq": seq,
        "category": category,
        "name": "".join(name_parts),
        "departments": [department],
        "upper_duties": [b.as_dict() for b in upper.blocks],
    }


# ---------------------------------------------------------------------------
# Departments and aliases

# Abbreviations the document uses for a department inside the steps, beyond the
# regular ``县`` + name form.  Each is kept only if it really occurs in the text.
ABBREVIATIONS = {
    "木垒县委机构编制委员会办公室": ["县委编办"],
    "木垒县委统一战线工作部": ["县委统战部", "统战部"],
    "木垒县残疾人联合会": ["县残联"],
}


def bare_form(name: str) -> str:
    """The department name without its 木垒县委 / 木垒县 / 昌吉州 prefix."""
    for prefix in ("木垒县委", "木垒县", "昌吉州"):
        if name.startswith(prefix):
            return name[len(prefix) :]
    return name


def item_texts(item: dict[str, object]) -> list[str]:
    texts = [str(item["name"])]
    for side in ("upper_duties", "township_duties"):
        for b in item.get(side, []) or []:
            texts.extend(str(b.get(k, "")) for k in ("heading", "department"))
            texts.extend(b["steps"])
    return texts


def build_departments(lists: dict[str, list[dict[str, object]]]) -> list[dict[str, object]]:
    names: list[str] = []
    for kind in ("coordinated", "withdrawn"):
        for item in lists[kind]:
            for d in item["departments"]:
                if d not in names:
                    names.append(d)
    corpus = "\n".join(t for kind in lists for item in lists[kind] for t in item_texts(item))
    out = []
    for name in names:
        candidates = []
        if name.startswith(COUNTY):
            candidates.append("县" + name[len(COUNTY) :])
        if name.startswith("昌吉州"):
            candidates.append("州" + name[len("昌吉州") :])
        candidates += ABBREVIATIONS.get(name, [])
        aliases = [c for c in candidates if c in corpus]
        bare = bare_form(name)
        if bare not in aliases:
            aliases.append(bare)
        out.append({"name": name, "aliases": aliases})
    seen: dict[str, str] = {}
    for d in out:
        for a in d["aliases"]:
            if a in seen or a in names:
                raise ImportError_(f"alias {a!r} of {d['name']} clashes with {seen.get(a, a)}")
            seen[a] = d["name"]
    return out


# ---------------------------------------------------------------------------
# Output


class _Flow(list):  # a list emitted in flow style: [a, b]
    pass


class _Dumper(yaml.SafeDumper):
    def increase_indent(self, flow: bool = False, indentless: bool = False) -> None:
        return super().increase_indent(flow, False)


_Dumper.add_representer(
    _Flow,
    lambda dumper, data: dumper.represent_sequence("tag:yaml.org,2002:seq", data, flow_style=True),
)

HEADER_COMMENT = """\
# 大南沟乌孜别克族乡履职事项清单 — 数据文件（由 scripts/import_source.py 从原文生成）
#
# 说明：本文件逐字保存原文 data/source/danangou_duty_list.txt 的内容，不改写、不纠错。
#   lists 下有三张清单：basic 基本履职事项、coordinated 配合履职事项、withdrawn 上级部门收回事项。
#   每个事项：seq 序号、category 事项类别、name 事项名称、departments 对应上级部门/承接部门、
#   upper_duties 上级部门职责（收回事项为工作方式）、township_duties 乡镇配合职责、note 备注。
#   职责是若干“块”：heading 是“一、”“二、”小标题（不含序号），department 是分部门的引导行
#   （如“县委宣传部”），steps 是各条步骤（不含“1.”编号，编号按顺序自动生成）；
#   numbered: false 表示原文是一段不编号的文字。
#   清单修订：把新的原文放入 data/source/ 并重新运行导入脚本（测试会逐项核对本文件与原文）；
#   document 下可记录 doc_number 文号、date 日期、version 版本。改后运行 dutylist validate 与
#   dutylist build。个别手工修改须在旁边用注释写明依据。
#
# About: a verbatim, structured copy of the official duty list, generated by
#   scripts/import_source.py from data/source/danangou_duty_list.txt. Nothing is reworded or
#   corrected. Each duties cell is a list of blocks: optional `heading` (a 一、 section, numeral
#   dropped), optional `department` (a line such as 县委宣传部 introducing one department's part),
#   and `steps` (numbers 1. 2. dropped; `numbered: false` marks one unnumbered paragraph).
#   Item ids are the list letter + seq (B1-B103, C1-C101, W1-W37). To revise, put the new
#   official text in data/source/ and re-run the importer (a test checks this file against it
#   item by item); record doc_number/date/version under `document`; then `dutylist validate`
#   and `dutylist build`. Explain any hand edit in a comment beside it.
"""


def _flowify(item: dict[str, object]) -> dict[str, object]:
    out = dict(item)
    if "departments" in out:
        out["departments"] = _Flow(out["departments"])
    return out


def build(source_text: str, source_rel: str) -> dict[str, object]:
    tables = split_tables(clean_lines(source_text))
    parsers = {"basic": parse_basic, "coordinated": parse_coordinated, "withdrawn": parse_withdrawn}
    lists: dict[str, list[dict[str, object]]] = {}
    for kind, parser in parsers.items():
        lists[kind] = [
            parser(n, lines) for n, lines in enumerate(split_items(kind, tables[kind]), 1)
        ]
    departments = build_departments(lists)
    return {
        "schema": 1,
        "document": {
            "township": TOWNSHIP,
            "county": COUNTY,
            "title": f"{TOWNSHIP}履职事项清单",
            "source": source_rel,
        },
        "departments": [{"name": d["name"], "aliases": _Flow(d["aliases"])} for d in departments],
        "lists": {
            kind: {"title": LIST_TITLES[kind], "items": [_flowify(it) for it in lists[kind]]}
            for kind in lists
        },
    }


def dump(data: dict[str, object]) -> str:
    body = yaml.dump(
        data, Dumper=_Dumper, allow_unicode=True, sort_keys=False, width=1_000_000, indent=2
    )
    return HEADER_COMMENT + body


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("source", nargs="?", default=DEFAULT_SOURCE)
    ap.add_argument("-o", "--output", default=DEFAULT_OUTPUT)
    args = ap.parse_args(argv)
    src = Path(args.source)
    if not src.is_absolute() and not src.exists():
        src = REPO / src
    try:
        source_rel = src.resolve().relative_to(REPO).as_posix()
    except ValueError:
        source_rel = src.as_posix()
    text = src.read_text(encoding="utf-8")
    try:
        data = build(text, source_rel)
    except ImportError_ as exc:
        print(f"import_source: {exc}", file=sys.stderr)
        return 1
    out = Path(args.output)
    if not out.is_absolute() and not out.parent.exists():
        out = REPO / out
    out.write_text(dump(data), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
