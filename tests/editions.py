"""Revised editions of the official text, written by the tests themselves.

``base_text()`` is a frozen copy of the 2024 edition's text (tests/fixtures/
edition_2024.txt.gz, identical to the data/source/ file it was imported from), so
these builders keep working whatever edition data/source/ holds later.

``Edition`` edits the text as a clerk's revision would come out of the PDF:
items added and removed (later ones renumbered), cells edited, departments
renamed everywhere (also where a name is wrapped over lines), page headers and
footers wherever a page breaks.  ``revised_edition()`` applies one of each kind
of edit and says what it did, for the tests to check.  Other tests may reuse them.
"""

from __future__ import annotations

import gzip
import re
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

FIXTURE = Path(__file__).parent / "fixtures" / "edition_2024.txt.gz"
KINDS = ("basic", "coordinated", "withdrawn")

# Page artefacts as the PDF extraction prints them.
COORDINATED_HEADER = [" 序号事项类别 事项名称", "对应上级", "", "部门", "上级部门职责 乡镇配合职责"]
FOOTERS = ["第 29 页，共 57 页", "第30页 共58页", "第 30 页,共 58 页", "- 30 -"]


@cache
def base_text() -> str:
    """The 2024 edition's official text, as extracted from its PDF."""
    return gzip.decompress(FIXTURE.read_bytes()).decode("utf-8")


def wrap(text: str, width: int) -> list[str]:
    """Cut text into lines of ``width`` characters, as the PDF columns do."""
    return [text[i : i + width] for i in range(0, len(text), width)] or [""]


class Edition:
    """An official text cut into tables and items, to be edited and joined again."""

    def __init__(self, text: str | None = None) -> None:
        lines = (text if text is not None else base_text()).split("\n")
        coord = next(i for i, s in enumerate(lines) if s.strip() == "对应上级") - 1
        withdrawn = next(i for i, s in enumerate(lines) if "承接部门及工作方式" in s)
        self.heads: dict[str, list[str]] = {}
        self.items: dict[str, list[list[str]]] = {}
        for kind, part in zip(
            KINDS, (lines[:coord], lines[coord:withdrawn], lines[withdrawn:]), strict=True
        ):
            chunks: list[list[str]] = [[]]
            for s in part:
                if re.match(rf"^\s*{len(chunks)}(\s|$)", s):
                    chunks.append([])
                chunks[-1].append(s)
            self.heads[kind] = chunks[0]
            self.items[kind] = chunks[1:]

    # ------------------------------------------------------------------ items

    def item(self, kind: str, seq: int) -> list[str]:
        """The lines of one item (1-based seq as printed now), to edit in place."""
        return self.items[kind][seq - 1]

    def find(self, kind: str, name_start: str) -> int:
        """The seq of the item whose text (lines joined) starts its name with ``name_start``."""
        for seq, chunk in enumerate(self.items[kind], start=1):
            if name_start in "".join(s.strip() for s in chunk[:4]):
                return seq
        raise KeyError(name_start)

    def remove(self, kind: str, seq: int) -> list[str]:
        return self.items[kind].pop(seq - 1)

    def insert(self, kind: str, after: int, lines: list[str]) -> None:
        """Add an item after item ``after``; its first line starts with any number."""
        self.items[kind].insert(after, list(lines))

    def replace(self, kind: str, seq: int, old: str, new: str) -> None:
        """Replace text inside one item (``old`` may be wrapped over lines)."""
        chunk = "\n".join(self.item(kind, seq))
        pattern = _spread(old)
        assert re.search(pattern, chunk), f"{kind} {seq}: {old!r} not found"
        self.items[kind][seq - 1] = re.sub(pattern, new, chunk, count=1).split("\n")

    def set_category(self, kind: str, seq: int, category: str) -> None:
        first = self.item(kind, seq)[0].split(" ")
        first[1] = category
        self.item(kind, seq)[0] = " ".join(first)

    def rename_everywhere(self, old: str, new: str) -> int:
        """Rename a word in every item, also where it is wrapped; returns the count."""
        count = 0
        pattern = _spread(old)
        for kind in KINDS:
            for n, chunk in enumerate(self.items[kind]):
                joined, k = re.subn(pattern, new, "\n".join(chunk))
                self.items[kind][n] = joined.split("\n")
                count += k
        return count

    def insert_line(self, kind: str, seq: int, after_text: str, lines: list[str]) -> None:
        """Insert lines (a page break, say) after the line of an item that contains ``after_text``."""
        chunk = self.item(kind, seq)
        at = next(i for i, s in enumerate(chunk) if after_text in s)
        chunk[at + 1 : at + 1] = lines

    def text(self) -> str:
        """The whole text, every item renumbered in order."""
        out: list[str] = []
        for kind in KINDS:
            out += self.heads[kind]
            for seq, chunk in enumerate(self.items[kind], start=1):
                out.append(re.sub(r"^(\s*)\d+", rf"\g<1>{seq}", chunk[0], count=1))
                out += chunk[1:]
        return "\n".join(out)


def _spread(word: str) -> str:
    """A regex for ``word`` that also matches it wrapped over lines."""
    return r"\s*".join(re.escape(ch) for ch in word)


def coordinated_item(
    category: str,
    name: str,
    departments: list[str],
    upper: list[str],
    township: list[str],
    *,
    page_break_in_departments: bool = False,
    name_width: int = 9,
) -> list[str]:
    """The lines of a coordinated item as the PDF prints it (columns wrapped)."""
    lines = [f"0 {category}", *wrap(name, name_width), ""]
    dept_lines = wrap("、".join(departments), 6)
    if page_break_in_departments:
        cut = max(1, len(dept_lines) // 2)
        dept_lines[cut:cut] = ["", *COORDINATED_HEADER, ""]
    lines += [*dept_lines, ""]
    for cell in (upper, township):
        for step in cell:
            lines += [*wrap(step, 22), ""]
    return lines


def withdrawn_item(category: str, name: str, department: str, work: list[str]) -> list[str]:
    lines = [f"0 {category}", *wrap(name, 20), "", f"{department}：", ""]
    for step in work:
        lines += [*wrap(step, 36), ""]
    return lines


@dataclass
class Revision:
    """A revised text and what was done to it, by item name (numbers move)."""

    text: str
    added: dict[str, str] = field(default_factory=dict)  # name -> list kind
    removed: dict[str, str] = field(default_factory=dict)
    moved: dict[str, tuple[str, str]] = field(default_factory=dict)  # name -> (from, to)
    renamed: tuple[str, str] = ("", "")
    recategorised: dict[str, tuple[str, str]] = field(default_factory=dict)  # name -> (old, new)
    edited: dict[str, str] = field(default_factory=dict)  # name -> new text in it
    two_departments: tuple[str, list[str]] = ("", [])
    digits_step: str = ""


NEW_DEPARTMENT = "木垒县农业农村和乡村振兴局"


def revised_edition() -> Revision:
    """One edit of every kind a revision brings (see the module docstring)."""
    ed = Edition()
    rev = Revision(text="")
    # a department renamed everywhere: the full name, the 县… short form, wrapped or not
    rev.renamed = ("木垒县农业农村局", NEW_DEPARTMENT)
    assert ed.rename_everywhere("县农业农村局", "县农业农村和乡村振兴局") > 20
    # a basic item added (later ones renumber), with a category never seen before
    new_basic = "推进本乡数字政务建设，做好政务数据归集、共享和安全管理工作"
    ed.insert("basic", 10, ["0 数字政务", new_basic, ""])
    rev.added[new_basic] = "basic"
    # a misprinted category corrected (its note no longer applies)
    seq = ed.find("basic", "开展爱国卫生运动")
    ed.set_category("basic", seq, "卫生健康")
    rev.recategorised["开展爱国卫生运动"] = ("文化和旅游", "卫生健康")
    # a coordinated item removed (later ones renumber)
    seq = ed.find("coordinated", "开展职工医疗互助保")
    ed.remove("coordinated", seq)
    rev.removed["开展职工医疗互助保障"] = "coordinated"
    # an item moved from 配合 to 收回
    seq = ed.find("coordinated", "农业水价调整工作")
    ed.remove("coordinated", seq)
    ed.insert("withdrawn", len(ed.items["withdrawn"]), withdrawn_item(
        "经济发展", "农业水价调整工作", "木垒县水利局",
        ["负责农业水价综合改革政策宣传，向农户宣讲法律法规、解读相关政策。"],
    ))
    rev.moved["农业水价调整工作"] = ("coordinated", "withdrawn")
    # steps edited
    seq = ed.find("coordinated", "党内统计工作")
    ed.replace("coordinated", seq, "并负责系统相关数据汇总。", "并负责系统相关数据汇总、核对。")
    rev.edited["党内统计工作"] = "并负责系统相关数据汇总、核对。"
    # a new coordinated item: two departments broken across a page header, and a
    # wrapped line that starts with digits (1.5万元 is not step 1, 2.5公顷 not step 2)
    new_name = "高标准农田建后管护资金拨付工作"
    seq = ed.find("coordinated", "农作物病虫害防治")
    ed.insert("coordinated", seq, coordinated_item(
        "乡村振兴", new_name, ["木垒县自然资源局", "木垒县水利局"],
        ["1.制定管护资金拨付方案，按每千亩",
         "",
         "1.5万元的标准安排管护资金；",
         "2.对资金使用情况进行监督检查。"],
        ["1.统计本乡需管护的高标准农田面积，单块面积不足",
         "2.5公顷的一并上报；",
         "2.按要求使用管护资金。"],
        page_break_in_departments=True,
    ))
    rev.added[new_name] = "coordinated"
    rev.two_departments = (new_name, ["木垒县自然资源局", "木垒县水利局"])
    rev.digits_step = "制定管护资金拨付方案，按每千亩1.5万元的标准安排管护资金；"
    # stray page footers of each variant, in a name, in steps, between items
    seq = ed.find("basic", "组织召开本乡人民代表大会")
    ed.insert_line("basic", seq, "组织召开本乡人民代表大会", ["", FOOTERS[0], ""])
    seq = ed.find("coordinated", "推荐县级以上党代表")
    ed.insert_line("coordinated", seq, "2.对上报的候选人", ["", FOOTERS[1], "", ""])
    seq = ed.find("coordinated", "县级以上党内表彰激")
    ed.insert_line("coordinated", seq, "向上级党组织上报本乡推荐对象信息", ["", FOOTERS[2]])
    seq = ed.find("withdrawn", "收养登记")
    ed.insert_line("withdrawn", seq, "负责收养登记", ["", FOOTERS[3], ""])
    rev.text = ed.text()
    return rev
