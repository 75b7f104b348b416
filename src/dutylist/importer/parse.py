"""Items of the three tables: 序号, 事项类别, 事项名称, departments and duties cells.

Nothing about one edition is written here: categories and departments are
recognised from the text itself (and from the list being replaced, when there
is one); column widths are measured, not assumed.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import NoReturn

from dutylist.ids import ListKind, make_id
from dutylist.importer.cells import HEADING_RE, STEP_RE, parse_cells
from dutylist.importer.lines import Line, Tables, squash
from dutylist.importer.problems import TABLE_NAMES

Fail = Callable[..., NoReturn]

# The first line of an item: its 序号, then (usually) the category and more cells.
_SEQ_LINE = re.compile(r"^(\d{1,4})(?:\s+(.*))?$")
# Width of the 对应上级部门 column when nothing else tells (measured otherwise).
_DEPT_WIDTH = 6
# Characters that end a department or office name (局, 部, 委员会, 办公室, 中心 …).
_NAME_ENDS = "局部会室委协门办心院所站队校团联处社厅司行大"
# A prefecture-level department (昌吉州…), recognised even when no list is being replaced.
_PREFECTURE = re.compile(r"^[\u4e00-\u9fff]{2}州[\u4e00-\u9fff]")
_PUNCT = set("，。；：、！？“”‘’（）《》,.;:!?()[]【】")


@dataclass
class Vocabulary:
    """What the importer may recognise: categories and departments known so far."""

    county: str
    categories: set[str] = field(default_factory=set)
    departments: list[str] = field(default_factory=list)
    aliases: dict[str, list[str]] = field(default_factory=dict)

    def prefixes(self) -> set[str]:
        found = {self.county}
        found.update(d[:3] for d in self.departments if len(d) >= 3)
        return found

    def knows_category(self, token: str) -> bool:
        """A known category, or the first line of one wrapped over two lines."""
        return token in self.categories or any(c.startswith(token) for c in self.categories)

    def starts_department(self, text: str) -> bool:
        return any(text.startswith(p) for p in self.prefixes()) or bool(_PREFECTURE.match(text))


def split_items(kind: ListKind, lines: Sequence[Line], vocab: Vocabulary, fail: Fail
                ) -> list[list[Line]]:
    """An item starts at the line that begins with the next expected 序号.

    ``12 经济发展 …`` opens item 12 when 12 is due and a category follows.  A category
    never seen before is accepted unless a later line opens the same item with a
    known category (then the first was a wrapped line that began with a number).
    """
    numbered: list[tuple[int, bool]] = []  # per line: (number or 0, category known)
    for ln in lines:
        m = _SEQ_LINE.match(ln.text)
        if not m:
            numbered.append((0, False))
            continue
        token = (m.group(2) or "").split()[:1]
        known = not token or vocab.knows_category(token[0])
        plausible = known or _plausible_category(token[0])
        numbered.append((int(m.group(1)) if plausible else 0, known))
    items: list[list[Line]] = []
    for i, ln in enumerate(lines):
        n, known = numbered[i]
        if n and n == len(items) + 1 and (known or not _known_later(numbered, i, n)):
            items.append([ln])
        elif n and known and ln.text.split()[1:2]:
            # ``7 党的建设 …`` where 6 is due: a skipped or repeated 序号, never text
            fail(ln, "seq_out_of_order", table=TABLE_NAMES[kind], n=n, expected=len(items) + 1)
        elif not items:
            fail(ln, "before_first", table=TABLE_NAMES[kind], text=ln.text)
        else:
            items[-1].append(ln)
    return items


def _known_later(numbered: Sequence[tuple[int, bool]], at: int, n: int) -> bool:
    """Does item ``n`` open again further on, with a known category, before item n+1?"""
    for later, known in numbered[at + 1:]:
        if later == n + 1:
            return False
        if later == n and known:
            return True
    return False


def _plausible_category(token: str) -> bool:
    """Short, without punctuation or digits: a category never seen before."""
    return len(token) <= 10 and not (set(token) & _PUNCT) and not any(c.isdigit() for c in token)


def categories_in(tables: Tables) -> set[str]:
    """Categories printed on a first line followed by more text (so certainly whole)."""
    found: set[str] = set()
    for lines in tables.values():
        expected = 1
        for ln in lines:
            m = _SEQ_LINE.match(ln.text)
            if m and int(m.group(1)) == expected:
                expected += 1
                tokens = (m.group(2) or "").split()
                if len(tokens) >= 2:
                    found.add(tokens[0])
    return found


def _category(kind: ListKind, seq: int, lines: Sequence[Line], vocab: Vocabulary, fail: Fail,
              width: int) -> tuple[str, list[str], int]:
    """(category, remaining tokens of the first line, lines consumed)."""
    where = make_id(kind, seq)
    tokens = lines[0].text.split()[1:]
    if not tokens:
        if len(lines) < 2:
            fail(lines[0], "no_category", where=where)
        tokens = lines[1].text.split()
        lines = lines[1:]
        offset = 1
    else:
        offset = 0
    category, rest, used = tokens[0], tokens[1:], 1 + offset
    if category in vocab.categories or rest or len(lines) < 2:
        return category, rest, used
    following = lines[1].text
    joined = category + following
    if joined in vocab.categories:
        return joined, [], used + 1
    if (
        len(category) >= width
        and len(following) <= 3
        and not (set(following) & _PUNCT)
        and not vocab.starts_department(following)
        and not STEP_RE.match(following)
    ):
        return joined, [], used + 1  # a new category wrapped at the column width
    return category, rest, used


def column_width(lines: Iterable[Line]) -> int:
    """The widest category printed alone after a 序号 (the category column's width)."""
    widths = [len(t.split()[1]) for t in (ln.text for ln in lines)
              if _SEQ_LINE.match(t) and len(t.split()) >= 2]
    return max(widths, default=5)


def parse_basic(seq: int, lines: Sequence[Line], vocab: Vocabulary, fail: Fail, width: int
                ) -> dict[str, object]:
    category, rest, used = _category("basic", seq, lines, vocab, fail, width)
    name = "".join(rest) + "".join(ln.text for ln in lines[used:])
    if not name:
        fail(lines[0], "no_name", where=make_id("basic", seq))
    return {"seq": seq, "category": category, "name": name}


def intro_lines(departments: Sequence[str], vocab: Vocabulary) -> set[str]:
    """Lines that introduce one department's part of a cell (``县委宣传部``)."""
    out: set[str] = set()
    for d in departments:
        for prefix, short in ((vocab.county, "县"), ("昌吉州", "州")):
            if d.startswith(prefix):
                out.add(short + d[len(prefix):])
        out.update(a for a in vocab.aliases.get(d, []) if a.startswith(("县", "州")))
        out.add(d)
    return out


def _name_complete(text: str, vocab: Vocabulary) -> bool:
    """Does the department text read as whole names (nothing left hanging)?"""
    if not text or text.endswith("、"):
        return False
    last = text.split("、")[-1]
    if last in vocab.departments:
        return True
    if last in (vocab.county, vocab.county + "委") or len(last) <= len(vocab.county):
        return False
    return last[-1] in _NAME_ENDS


def _continues_department(dept: str, prev: str, s: str, vocab: Vocabulary) -> bool:
    if STEP_RE.match(s) or HEADING_RE.match(s):
        return False
    if dept.endswith("、") or s.startswith("、"):
        return True
    last = dept.split("、")[-1]
    if any(d.startswith(last + s) for d in vocab.departments):
        return True
    if last in vocab.departments:
        return False
    if not _name_complete(dept, vocab):
        return True
    if s.startswith(("县", "州")) or set(s) & _PUNCT or len(s) > _DEPT_WIDTH:
        return False
    # the previous line filled the column (木垒县委社会 / 工作部), or this short line is
    # the tail of a name cut after a character that also ends names (…社会 / 保障局)
    return len(prev) == _DEPT_WIDTH or s[-1] in _NAME_ENDS


def _reads_as_department(text: str, vocab: Vocabulary) -> bool:
    """A whole department name on its own line (after the department cell has ended)."""
    return (
        vocab.starts_department(text)
        and len(text) <= 24
        and not (set(text) & _PUNCT)
        and _name_complete(text, vocab)
    )


def parse_coordinated(seq: int, lines: Sequence[Line], vocab: Vocabulary, fail: Fail,
                      width: int) -> dict[str, object]:
    where = make_id("coordinated", seq)
    category, rest, used = _category("coordinated", seq, lines, vocab, fail, width)
    if len(rest) > 2:
        fail(lines[0], "too_many_columns", where=where, text=lines[0].text)
    name_parts = rest[:1]
    dept = rest[1] if len(rest) == 2 else ""
    i = used
    if not dept and name_parts and vocab.starts_department(name_parts[0]):
        dept, name_parts = name_parts[0], []
    if not dept:
        while i < len(lines) and not vocab.starts_department(lines[i].text):
            if STEP_RE.match(lines[i].text) or HEADING_RE.match(lines[i].text):
                fail(lines[0], "no_department", where=where)
            head, _, tail = lines[i].text.rpartition(" ")
            if head.strip() and vocab.starts_department(tail):  # 工作 木垒县水利局
                name_parts.append(head.strip())
                dept = tail
                break
            name_parts.append(lines[i].text)
            i += 1
        if i == len(lines):
            fail(lines[0], "no_department", where=where)
        if not dept:
            dept = lines[i].text
        i += 1
    prev = dept
    while i < len(lines) and _continues_department(dept, prev, lines[i].text, vocab):
        dept += lines[i].text
        prev = lines[i].text
        i += 1
    if not name_parts:
        fail(lines[0], "no_name", where=where)
    dept = squash(dept)  # a space inside a wrapped name is no part of it (木垒县 水利局)
    if i < len(lines) and _reads_as_department(lines[i].text, vocab):
        fail(lines[i], "department_separator", where=where, text=lines[i].text)
    if not _name_complete(dept, vocab) or "" in dept.split("、"):
        fail(lines[min(i, len(lines)) - 1], "bad_department", where=where, text=dept)
    departments = dept.split("、")
    for d in departments:
        if d not in vocab.departments:
            vocab.departments.append(d)
    upper, township = parse_cells(
        where, lines[i:], intro_lines(departments, vocab), True, fail, lines[-1]
    )
    assert township is not None
    return {
        "seq": seq,
        "category": category,
        "name": "".join(name_parts),
        "departments": departments,
        "upper_duties": [b.as_dict() for b in upper.blocks],
        "township_duties": [b.as_dict() for b in township.blocks],
    }


_COLONS = ("：", ":")


def _withdrawn_department(text: str, vocab: Vocabulary) -> tuple[list[str], str] | None:
    """(departments, text after the colon) of a ``木垒县民政局：`` line, else None.

    The work text may follow the colon on the same line.
    """
    if not vocab.starts_department(text):
        return None
    cut = min((text.find(c) for c in _COLONS if c in text), default=-1)
    if cut <= 0:
        return None
    departments = squash(text[:cut]).split("、")
    if not all(_name_complete(d, vocab) for d in departments):
        return None
    return departments, text[cut + 1:].strip()


def _department_start(lines: Sequence[Line], first: int, at: int, vocab: Vocabulary
                      ) -> int | None:
    """Where the 承接部门 cell ending on line ``at`` (with its colon) starts, if it can.

    A cell wrapped over lines or broken by a page header: walk back while the lines join
    (a line ending or the next starting with 、) or the cell does not yet start with a
    department's name (…职责的 / 部门：).
    """
    if not any(c in lines[at].text for c in _COLONS):
        return None
    start = at
    while start > first:
        before, text = lines[start - 1].text, lines[start].text
        joins = before.endswith("、") or text.startswith("、")
        unstarted = not vocab.starts_department(text) and vocab.starts_department(before)
        if not (joins or unstarted) or set(before) & (_PUNCT - {"、"}):
            break
        start -= 1
    return start


def parse_withdrawn(seq: int, lines: Sequence[Line], vocab: Vocabulary, fail: Fail,
                    width: int) -> dict[str, object]:
    where = make_id("withdrawn", seq)
    category, rest, used = _category("withdrawn", seq, lines, vocab, fail, width)
    found: tuple[list[str], str] | None = None
    start: int | None = None
    i = used
    while i < len(lines):
        start = _department_start(lines, used, i, vocab)
        if start is not None:
            found = _withdrawn_department("".join(ln.text for ln in lines[start:i + 1]), vocab)
            if found is not None:
                break
        i += 1
    if found is None or start is None:
        fail(lines[0], "no_withdrawn_department", where=where)
    name_parts = [*rest, *(ln.text for ln in lines[used:start])]
    if not name_parts:
        fail(lines[0], "no_name", where=where)
    departments, after = found
    for d in departments:
        if d not in vocab.departments:
            vocab.departments.append(d)
    body = list(lines[i + 1:])
    if after:
        body.insert(0, Line(lines[i].no, after))
    upper, _ = parse_cells(where, body, intro_lines(departments, vocab), False, fail, lines[-1])
    return {
        "seq": seq,
        "category": category,
        "name": "".join(name_parts),
        "departments": departments,
        "upper_duties": [b.as_dict() for b in upper.blocks],
    }


PARSERS = {"basic": parse_basic, "coordinated": parse_coordinated, "withdrawn": parse_withdrawn}
