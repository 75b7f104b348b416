"""Duties cells: the text of 上级部门职责 / 乡镇配合职责 / 工作方式 as blocks of steps.

A cell is printed as numbered steps (``1.`` ``2.`` …), or one unnumbered paragraph,
optionally split into sections headed ``一、`` ``二、`` or into parts each introduced
by a department line such as ``县委宣传部``.  Every line is wrapped at the column
width, so a line that does not open a step, heading or part continues the text
before it.  A line opens a step only when it carries the next expected number and
the number is followed by text, not by a digit (``1.5万元`` continues a step).

In the coordinated table both duties cells follow each other in the text; the
township cell starts where the numbering (or the headings) start again at 1, or,
when it is one paragraph, after the upper cell's final ``。``.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import NoReturn

from dutylist.importer.lines import Line

NUMERALS = "一二三四五六七八九十"
HEADING_RE = re.compile(r"^([一二三四五六七八九十]+)、(.*)$")
STEP_RE = re.compile(r"^(\d{1,3})\.(?![\d.])(.*)$")

Fail = Callable[..., NoReturn]


@dataclass
class Block:
    heading: str | None = None
    department: str | None = None
    numbered: bool | None = None  # None until the first step or paragraph decides
    steps: list[str] = field(default_factory=list)
    line: int = 0

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

    def __init__(self, where: str, side: str, fail: Fail) -> None:
        self.where = where
        self.side = side
        self.fail = fail
        self.blocks: list[Block] = []
        self.headings = 0

    @property
    def block(self) -> Block | None:
        return self.blocks[-1] if self.blocks else None

    def has_text(self) -> bool:
        return any(b.steps for b in self.blocks)

    def last_text(self) -> str:
        b = self.block
        return b.steps[-1] if b and b.steps else ""

    def add_heading(self, ln: Line, numeral: str, text: str) -> None:
        expected = NUMERALS[self.headings] if self.headings < len(NUMERALS) else "?"
        if numeral != expected:
            self.fail(ln, "heading_order", where=self.where, numeral=numeral, expected=expected)
        if not text.strip():
            self.fail(ln, "empty_heading", where=self.where, numeral=numeral)
        self._close(ln)
        self.headings += 1
        self.blocks.append(Block(heading=text, line=ln.no))

    def add_department(self, ln: Line) -> None:
        self._close(ln)
        self.blocks.append(Block(department=ln.text, line=ln.no))

    def add_step(self, ln: Line, n: int, text: str) -> None:
        b = self.block
        if b is None:
            b = Block(line=ln.no)
            self.blocks.append(b)
        if b.numbered is False:
            self.fail(ln, "step_after_paragraph", where=self.where, n=n)
        if b.steps and n == 1:
            self.fail(ln, "restart", where=self.where)
        if n != len(b.steps) + 1:
            self.fail(ln, "step_order", where=self.where, n=n, count=len(b.steps))
        b.numbered = True
        b.steps.append(text)

    def add_text(self, ln: Line) -> None:
        b = self.block
        if b is None:
            b = Block(line=ln.no)
            self.blocks.append(b)
        if not b.steps:  # a paragraph opens the block
            b.numbered = False
            b.steps.append(ln.text)
        else:  # wrapped line of the current step or paragraph
            b.steps[-1] += ln.text

    def _close(self, ln: Line) -> None:
        b = self.block
        if b is not None and not b.steps:
            self.fail(ln, "empty_block", where=self.where, side=self.side)

    def check(self, at: Line) -> None:
        if not self.blocks:
            self.fail(at, "empty_cell", where=self.where, side=self.side)
        self._close(at)


def step_number(cell: Cell, text: str) -> tuple[int, str] | None:
    """(n, text) when the line opens the next step of the cell's current block (or step 1)."""
    m = STEP_RE.match(text)
    if not m:
        return None
    n, rest = int(m.group(1)), m.group(2)
    b = cell.block
    if b is None or not b.steps:
        return (n, rest) if n == 1 else None
    if b.numbered is False:
        return None
    return (n, rest) if n in (len(b.steps) + 1, 1) else None


def _restarts_later(lines: Sequence[Line], start: int, intros: set[str]) -> bool:
    """Does numbering or a 一、 heading start again after ``start`` (the township cell)?"""
    previous_opens_part = False
    for ln in lines[start:]:
        m = STEP_RE.match(ln.text)
        if m and m.group(1) == "1" and not previous_opens_part:
            return True
        h = HEADING_RE.match(ln.text)
        if h and h.group(1) == "一":
            return True
        previous_opens_part = ln.text in intros or h is not None
    return False


def _heading(cur: Cell, upper: Cell, township: Cell | None, text: str) -> re.Match[str] | None:
    """A ``一、`` heading line: the next numeral, or 一 where the township cell starts.

    A numeral out of turn after a finished step is an error (a misprint to look at);
    within a step it is a wrapped line that happens to start with ``三、``.
    """
    m = HEADING_RE.match(text)
    if not m:
        return None
    numeral = m.group(1)
    if numeral == NUMERALS[cur.headings % len(NUMERALS)]:
        return m
    if numeral == "一" and cur is upper and township is not None and upper.has_text():
        return m
    if cur.last_text().endswith(("。", "；")) or not cur.has_text():
        return m  # add_heading reports the numeral out of turn
    return None


def parse_cells(
    where: str,
    lines: Sequence[Line],
    intros: set[str],
    two_sides: bool,
    fail: Fail,
    end: Line,
) -> tuple[Cell, Cell | None]:
    """Parse the upper (or work) cell and, for the coordinated list, the township cell."""
    upper = Cell(where, "上级部门职责" if two_sides else "工作方式", fail)
    township = Cell(where, "乡镇配合职责", fail) if two_sides else None
    cur = upper
    for i, ln in enumerate(lines):
        s = ln.text
        heading = _heading(cur, upper, township, s)
        if cur is upper and township is not None and upper.has_text():
            step = STEP_RE.match(s)
            block = upper.block
            switch = False
            if heading and heading.group(1) == "一":
                switch = True  # headings start (again): township cell
            elif step and step.group(1) == "1" and block is not None and block.steps:
                switch = True  # numbering starts again: township cell
            elif (
                not heading
                and not step_number(upper, s)
                and s not in intros
                and block is not None
                and block.steps
                and upper.last_text().endswith("。")
                and not _restarts_later(lines, i + 1, intros)
            ):
                switch = True  # one unnumbered township paragraph after the upper cell
            if switch:
                cur = township
        if heading:
            cur.add_heading(ln, heading.group(1), heading.group(2))
            continue
        if cur is upper and s in intros:
            cur.add_department(ln)
            continue
        numbered = step_number(cur, s)
        if numbered is not None:
            cur.add_step(ln, *numbered)
        else:
            cur.add_text(ln)
    upper.check(end)
    if township is not None:
        if not township.blocks:
            fail(end, "township_missing", where=where)
        township.check(end)
    return upper, township
