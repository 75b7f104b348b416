"""What a revision of the list changes: two catalogs compared item by item.

Either side may be a YAML source or a built database (told apart by the
SQLite file header, not the extension). Items are paired by name within a
list first, so inserting an item in the middle (which shifts every later
seq) shows as one addition and some renumbering, not as a cascade of
changes; an item whose name reappears in another list is a move (a
coordinated duty taken back by the county shows as C→W).

Pure standard library and dutylist modules; the YAML loader is imported only
when a YAML side must be read.
"""

from __future__ import annotations

import difflib
import json
import sqlite3
import unicodedata
from collections import Counter, defaultdict, deque
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from dutylist.errors import DatabaseError, DutylistError, SourceError
from dutylist.model import (
    LIST_KINDS,
    LIST_TITLES,
    SIDES,
    Block,
    Catalog,
    Department,
    Document,
    Duty,
    DutyList,
    ListKind,
)

SQLITE_HEADER = b"SQLite format 3\x00"

DiffOp = Literal["equal", "insert", "delete"]
StepOp = Literal["insert", "delete", "replace"]
LineKind = Literal["heading", "department", "step", "numbered"]

ITEM_FIELDS: tuple[str, ...] = (
    "category", "name", "departments", "upper_duties", "township_duties", "note",
)
FIELD_LABELS: dict[str, str] = {
    "category": "事项类别",
    "name": "事项名称",
    "departments": "对应上级部门",
    "upper_duties": "上级部门职责",
    "township_duties": "乡镇配合职责",
    "note": "备注",
}
DOCUMENT_FIELDS: tuple[str, ...] = (
    "township", "county", "title", "source", "doc_number", "date", "version",
)
DOCUMENT_LABELS: dict[str, str] = {
    "township": "乡镇",
    "county": "县",
    "title": "清单名称",
    "source": "来源",
    "doc_number": "文号",
    "date": "日期",
    "version": "版本",
    **{f"title_{kind}": f"{title}清单标题" for kind, title in LIST_TITLES.items()},
}
_LINE_LABELS: dict[str, str] = {"heading": "标题", "department": "部门", "numbered": "编号"}

# How alike two items must be (difflib ratio of name or body text) to count
# as one item edited rather than one removed and another added.
SAME_ID_SIMILARITY = 0.5
SAME_LIST_SIMILARITY = 0.6
STEP_SIMILARITY = 0.4


# ---------------------------------------------------------------- character diff


def char_diff(old: str, new: str) -> list[tuple[DiffOp, str]]:
    """Character-level diff (Chinese has no spaces to split words on), merged runs."""
    matcher = difflib.SequenceMatcher(None, old, new, autojunk=False)
    result: list[tuple[DiffOp, str]] = []

    def add(op: DiffOp, text: str) -> None:
        if not text:
            return
        if result and result[-1][0] == op:
            result[-1] = (op, result[-1][1] + text)
        else:
            result.append((op, text))

    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            add("equal", old[i1:i2])
        else:
            add("delete", old[i1:i2])
            add("insert", new[j1:j2])
    return result


def marked(diff: Iterable[tuple[DiffOp, str]]) -> str:
    """A char diff as plain text: ``[-deleted-]{+inserted+}``."""
    parts = []
    for op, text in diff:
        if op == "delete":
            parts.append(f"[-{text}-]")
        elif op == "insert":
            parts.append(f"{{+{text}+}}")
        else:
            parts.append(text)
    return "".join(parts)


def _ratio(a: str, b: str) -> float:
    if not a and not b:
        return 1.0
    return difflib.SequenceMatcher(None, a, b, autojunk=False).ratio()


# ---------------------------------------------------------------- canonical text


def blocks_text(blocks: Sequence[Block]) -> str | None:
    """A duties cell as text, as the document prints it; None when empty."""
    if not blocks:
        return None
    parts = []
    for block in blocks:
        lines = [t for t in (block.heading, block.department) if t]
        lines += [
            f"{number}.{step}" if block.numbered else step
            for number, step in enumerate(block.steps, start=1)
        ]
        parts.append("\n".join(lines))
    return "\n\n".join(parts)


def field_text(duty: Duty, name: str) -> str | None:
    """One field of an item as comparable text; None when absent."""
    if name == "departments":
        return "、".join(duty.departments) or None
    if name == "upper_duties":
        return blocks_text(duty.upper_duties)
    if name == "township_duties":
        return blocks_text(duty.township_duties)
    value: str | None = getattr(duty, name)
    return value


def duty_dict(duty: Duty) -> dict[str, Any]:
    """An item as JSON-able data, every key always present."""
    return {
        "id": duty.id,
        "list": duty.list,
        "seq": duty.seq,
        "category": duty.category,
        "name": duty.name,
        "departments": list(duty.departments),
        "upper_duties": [_block_dict(b) for b in duty.upper_duties],
        "township_duties": [_block_dict(b) for b in duty.township_duties],
        "note": duty.note,
    }


def _block_dict(block: Block) -> dict[str, Any]:
    return {
        "heading": block.heading,
        "department": block.department,
        "numbered": block.numbered,
        "steps": list(block.steps),
    }


def _diff_json(diff: Iterable[tuple[DiffOp, str]]) -> list[list[str]]:
    return [[op, text] for op, text in diff]


# ---------------------------------------------------------------- result types


@dataclass(frozen=True)
class StepChange:
    """One line of a duties cell added, removed or edited.

    ``kind`` is heading, department or step (a line of text), or numbered
    (a block switched between numbered and plain steps; old/new are
    ``"true"``/``"false"``). Blocks and steps count from 1.
    """

    op: StepOp
    kind: LineKind
    old: str | None
    new: str | None
    old_block: int | None = None
    old_step: int | None = None
    new_block: int | None = None
    new_step: int | None = None

    @property
    def diff(self) -> list[tuple[DiffOp, str]]:
        return char_diff(self.old or "", self.new or "")

    def as_dict(self) -> dict[str, Any]:
        return {
            "op": self.op,
            "kind": self.kind,
            "old_block": self.old_block,
            "old_step": self.old_step,
            "new_block": self.new_block,
            "new_step": self.new_step,
            "old": self.old,
            "new": self.new,
            "diff": _diff_json(self.diff) if self.op == "replace" else None,
        }

    def where(self) -> str:
        """``第1块第3步`` (new position, or old for a deletion)."""
        block = self.new_block if self.new_block is not None else self.old_block
        step = self.new_step if self.new_block is not None else self.old_step
        text = f"第{block}块"
        if self.kind == "step":
            text += f"第{step}步"
        else:
            text += _LINE_LABELS[self.kind]
        return text


@dataclass(frozen=True)
class FieldChange:
    """One field of an item (or of the document) changed; old/new as text, None if absent."""

    field: str
    old: str | None
    new: str | None
    steps: tuple[StepChange, ...] = ()

    @property
    def label(self) -> str:
        return FIELD_LABELS.get(self.field) or DOCUMENT_LABELS.get(self.field, self.field)

    @property
    def diff(self) -> list[tuple[DiffOp, str]]:
        return char_diff(self.old or "", self.new or "")

    def as_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "field": self.field,
            "old": self.old,
            "new": self.new,
            "diff": _diff_json(self.diff),
        }
        if self.field in ("upper_duties", "township_duties"):
            data["steps"] = [s.as_dict() for s in self.steps]
        return data


@dataclass(frozen=True)
class ItemChange:
    """An item in both versions (same list) whose fields differ; ids differ if renumbered."""

    old_id: str
    new_id: str
    name: str
    fields: tuple[FieldChange, ...]

    @property
    def id(self) -> str:
        return self.new_id

    def as_dict(self) -> dict[str, Any]:
        return {
            "id": self.new_id,
            "old_id": self.old_id,
            "name": self.name,
            "fields": [f.as_dict() for f in self.fields],
        }


@dataclass(frozen=True)
class Move:
    """An item that went from one list to another (e.g. C40 → W38), with any field changes."""

    old_id: str
    new_id: str
    old_list: ListKind
    new_list: ListKind
    name: str
    fields: tuple[FieldChange, ...] = ()

    def as_dict(self) -> dict[str, Any]:
        return {
            "old_id": self.old_id,
            "new_id": self.new_id,
            "old_list": self.old_list,
            "new_list": self.new_list,
            "name": self.name,
            "fields": [f.as_dict() for f in self.fields],
        }


@dataclass(frozen=True)
class Renumber:
    """An item that kept its list but not its seq."""

    old_id: str
    new_id: str

    def as_dict(self) -> dict[str, Any]:
        return {"old_id": self.old_id, "new_id": self.new_id}


@dataclass(frozen=True)
class DepartmentChange:
    """A department renamed and/or given other aliases."""

    old_name: str
    new_name: str
    old_aliases: tuple[str, ...]
    new_aliases: tuple[str, ...]

    @property
    def renamed(self) -> bool:
        return self.old_name != self.new_name

    @property
    def aliases_changed(self) -> bool:
        return self.old_aliases != self.new_aliases

    def as_dict(self) -> dict[str, Any]:
        return {
            "old_name": self.old_name,
            "new_name": self.new_name,
            "renamed": self.renamed,
            "old_aliases": list(self.old_aliases),
            "new_aliases": list(self.new_aliases),
        }


@dataclass(frozen=True)
class DepartmentDiff:
    added: tuple[Department, ...] = ()
    removed: tuple[Department, ...] = ()
    changed: tuple[DepartmentChange, ...] = ()

    @property
    def is_empty(self) -> bool:
        return not (self.added or self.removed or self.changed)

    @property
    def renamed(self) -> list[DepartmentChange]:
        return [c for c in self.changed if c.renamed]

    def as_dict(self) -> dict[str, Any]:
        return {
            "added": [_department_dict(d) for d in self.added],
            "removed": [_department_dict(d) for d in self.removed],
            "changed": [c.as_dict() for c in self.changed],
        }


def _department_dict(department: Department) -> dict[str, Any]:
    return {"name": department.name, "aliases": list(department.aliases)}


def revision_dict(document: Document) -> dict[str, str | None]:
    """The document's identity and revision (文号, date, version) as data."""
    return {key: getattr(document, key) for key in DOCUMENT_FIELDS}


def revision_text(document: Document) -> str:
    """``标题（文号 X，日期 Y，版本 Z）``, leaving out what is not recorded."""
    parts = [
        f"{DOCUMENT_LABELS[key]} {value}"
        for key in ("doc_number", "date", "version")
        if (value := getattr(document, key))
    ]
    return document.title + (f"（{'，'.join(parts)}）" if parts else "")


@dataclass(frozen=True)
class CatalogDiff:
    """Everything that differs between two versions of the list."""

    old_document: Document
    new_document: Document
    old_counts: dict[str, int]
    new_counts: dict[str, int]
    document: tuple[FieldChange, ...] = ()
    departments: DepartmentDiff = field(default_factory=DepartmentDiff)
    added: tuple[Duty, ...] = ()
    removed: tuple[Duty, ...] = ()
    changed: tuple[ItemChange, ...] = ()
    moved: tuple[Move, ...] = ()
    renumbered: tuple[Renumber, ...] = ()

    @property
    def is_empty(self) -> bool:
        return not (
            self.document
            or not self.departments.is_empty
            or self.added
            or self.removed
            or self.changed
            or self.moved
            or self.renumbered
        )

    def as_dict(self) -> dict[str, Any]:
        """JSON-able, with stable keys (``json.dumps(..., ensure_ascii=False)``)."""
        return {
            "identical": self.is_empty,
            "old": {"document": revision_dict(self.old_document), "counts": self.old_counts},
            "new": {"document": revision_dict(self.new_document), "counts": self.new_counts},
            "summary": {
                "added": len(self.added),
                "removed": len(self.removed),
                "changed": len(self.changed),
                "moved": len(self.moved),
                "renumbered": len(self.renumbered),
                "document": len(self.document),
                "departments_added": len(self.departments.added),
                "departments_removed": len(self.departments.removed),
                "departments_changed": len(self.departments.changed),
            },
            "document": [c.as_dict() for c in self.document],
            "departments": self.departments.as_dict(),
            "added": [duty_dict(d) for d in self.added],
            "removed": [duty_dict(d) for d in self.removed],
            "changed": [c.as_dict() for c in self.changed],
            "moved": [m.as_dict() for m in self.moved],
            "renumbered": [r.as_dict() for r in self.renumbered],
        }

    def to_json(self, *, indent: int | None = 2) -> str:
        return json.dumps(self.as_dict(), ensure_ascii=False, indent=indent)

    def summary_lines(self, *, limit: int | None = 20) -> list[str]:
        """Short plain lines for ``build``: ``新增 2 项：C102, C103`` … or ``无变化``.

        At most ``limit`` ids per line (None: all).
        """
        if self.is_empty:
            return ["无变化"]
        lines: list[str] = []
        if self.document:
            changes = "、".join(
                f"{c.label}（{c.old or '无'} → {c.new or '无'}）" for c in self.document
            )
            lines.append(f"清单信息变更：{changes}")
        departments = self.departments
        if departments.added:
            names = _ids([d.name for d in departments.added], limit, "、")
            lines.append(f"新增部门 {len(departments.added)} 个：{names}")
        if departments.removed:
            names = _ids([d.name for d in departments.removed], limit, "、")
            lines.append(f"删除部门 {len(departments.removed)} 个：{names}")
        renamed = departments.renamed
        if renamed:
            names = _ids([f"{c.old_name} → {c.new_name}" for c in renamed], limit, "、")
            lines.append(f"部门更名 {len(renamed)} 个：{names}")
        aliased = [c for c in departments.changed if c.aliases_changed]
        if aliased:
            names = _ids([c.new_name for c in aliased], limit, "、")
            lines.append(f"部门简称变更 {len(aliased)} 个：{names}")
        if self.added:
            lines.append(f"新增 {len(self.added)} 项：{_ids([d.id for d in self.added], limit)}")
        if self.removed:
            ids = _ids([d.id for d in self.removed], limit)
            lines.append(f"删除 {len(self.removed)} 项：{ids}")
        if self.changed:
            ids = _ids([_changed_id(c) for c in self.changed], limit)
            lines.append(f"修改 {len(self.changed)} 项：{ids}")
        if self.moved:
            ids = _ids([f"{m.old_id} → {m.new_id}" for m in self.moved], limit)
            lines.append(f"移动 {len(self.moved)} 项：{ids}")
        if self.renumbered:
            ids = _ids(renumber_runs(self.renumbered), limit)
            lines.append(f"重新编号 {len(self.renumbered)} 项：{ids}")
        return lines


def renumber_runs(renumbered: Sequence[Renumber]) -> list[str]:
    """Renumberings with runs shifted alike shown as ranges: ``C41–C101 → C40–C100``."""
    runs: list[list[Renumber]] = []
    for item in renumbered:
        if runs:
            last = runs[-1][-1]
            if (
                item.old_id[0] == last.old_id[0]
                and int(item.old_id[1:]) == int(last.old_id[1:]) + 1
                and int(item.new_id[1:]) == int(last.new_id[1:]) + 1
            ):
                runs[-1].append(item)
                continue
        runs.append([item])
    return [
        f"{run[0].old_id} → {run[0].new_id}"
        if len(run) == 1
        else f"{run[0].old_id}–{run[-1].old_id} → {run[0].new_id}–{run[-1].new_id}"
        for run in runs
    ]


def _changed_id(change: ItemChange) -> str:
    if change.old_id == change.new_id:
        return change.new_id
    return f"{change.new_id}（原 {change.old_id}）"


def _ids(ids: Sequence[str], limit: int | None, sep: str = ", ") -> str:
    if limit is not None and len(ids) > limit:
        return sep.join(ids[:limit]) + f"{sep}…"
    return sep.join(ids)


# ---------------------------------------------------------------- comparing


def _norm(name: str) -> str:
    """A name as compared for matching: NFKC, no whitespace."""
    return "".join(unicodedata.normalize("NFKC", name).split())


def _body(duty: Duty) -> str:
    texts = (field_text(duty, name) for name in ("upper_duties", "township_duties"))
    return "\n".join(t for t in texts if t)


class _Text:
    """A text with what the cheap upper bounds of its difflib ratio need, computed once."""

    __slots__ = ("text", "counts")

    def __init__(self, text: str) -> None:
        self.text = text
        self.counts = Counter(text)

    def ratio_at_least(self, other: _Text, threshold: float) -> float:
        """difflib's ratio, or 0.0 as soon as it is sure to be below ``threshold``."""
        total = len(self.text) + len(other.text)
        if not total:
            return 1.0
        if 2 * min(len(self.text), len(other.text)) / total < threshold:
            return 0.0
        if 2 * sum((self.counts & other.counts).values()) / total < threshold:
            return 0.0
        ratio = difflib.SequenceMatcher(None, self.text, other.text, autojunk=False).ratio()
        return ratio if ratio >= threshold else 0.0


class _Profile:
    """An item's name and body, ready to be compared many times."""

    __slots__ = ("name", "body")

    def __init__(self, duty: Duty) -> None:
        self.name = _Text(_norm(duty.name))
        body = _body(duty)
        self.body = _Text(body) if body else None

    def similarity(self, other: _Profile, threshold: float) -> float:
        """How alike (the better of name and body), or 0.0 if below ``threshold``."""
        score = self.name.ratio_at_least(other.name, threshold)
        if self.body is not None and other.body is not None:
            score = max(score, self.body.ratio_at_least(other.body, max(threshold, score)))
        return score


Pair = tuple[Duty, Duty]


def match_items(old: Sequence[Duty], new: Sequence[Duty]) -> list[Pair]:
    """Pair the items of two versions that are the same item.

    In this order: the same name in the same list; the same name in another
    list (a move); the same id, if the two are alike; then, within a list,
    the most alike of what is left. Names are compared after NFKC and
    without whitespace.
    """
    pairs: list[Pair] = []
    old_left = list(old)
    new_left = list(new)
    profiles: dict[int, _Profile] = {}

    def profile(duty: Duty) -> _Profile:
        found = profiles.get(id(duty))
        if found is None:
            found = profiles[id(duty)] = _Profile(duty)
        return found

    def pair_by(key: Callable[[Duty], object]) -> None:
        nonlocal old_left, new_left
        waiting: dict[object, deque[Duty]] = defaultdict(deque)
        for duty in old_left:
            waiting[key(duty)].append(duty)
        paired_old: set[int] = set()
        rest: list[Duty] = []
        for duty in new_left:
            queue = waiting.get(key(duty))
            if queue:
                match = queue.popleft()
                paired_old.add(id(match))
                pairs.append((match, duty))
            else:
                rest.append(duty)
        new_left = rest
        old_left = [d for d in old_left if id(d) not in paired_old]

    pair_by(lambda d: (d.list, _norm(d.name)))
    pair_by(lambda d: _norm(d.name))
    # The same id, when the item is recognisably the same one edited.
    by_id = {d.id: d for d in old_left}
    rest: list[Duty] = []
    for duty in new_left:
        candidate = by_id.get(duty.id)
        if candidate is not None and profile(candidate).similarity(
            profile(duty), SAME_ID_SIMILARITY
        ):
            pairs.append((candidate, duty))
            del by_id[duty.id]
        else:
            rest.append(duty)
    new_left = rest
    old_left = [d for d in old_left if d.id in by_id]
    # Within a list, the most alike first.
    scored = sorted(
        (
            (score, i, j)
            for i, o in enumerate(old_left)
            for j, n in enumerate(new_left)
            if o.list == n.list
            and (score := profile(o).similarity(profile(n), SAME_LIST_SIMILARITY))
        ),
        key=lambda t: (-t[0], t[1], t[2]),
    )
    used_old: set[int] = set()
    used_new: set[int] = set()
    for _, i, j in scored:
        if i in used_old or j in used_new:
            continue
        used_old.add(i)
        used_new.add(j)
        pairs.append((old_left[i], new_left[j]))
    return pairs


def field_changes(old: Duty, new: Duty) -> tuple[FieldChange, ...]:
    """The fields that differ between two versions of one item."""
    changes = []
    for name in ITEM_FIELDS:
        before, after = field_text(old, name), field_text(new, name)
        if name in ("upper_duties", "township_duties"):
            old_blocks: tuple[Block, ...] = getattr(old, name)
            new_blocks: tuple[Block, ...] = getattr(new, name)
            if old_blocks != new_blocks:
                steps = step_changes(old_blocks, new_blocks)
                changes.append(FieldChange(name, before, after, steps))
        elif before != after:
            changes.append(FieldChange(name, before, after))
    return tuple(changes)


@dataclass(frozen=True)
class _Line:
    kind: LineKind
    text: str
    block: int
    step: int | None


def _lines(blocks: Sequence[Block]) -> list[_Line]:
    lines: list[_Line] = []
    for number, block in enumerate(blocks, start=1):
        if block.heading:
            lines.append(_Line("heading", block.heading, number, None))
        if block.department:
            lines.append(_Line("department", block.department, number, None))
        lines += [
            _Line("step", text, number, position)
            for position, text in enumerate(block.steps, start=1)
        ]
    return lines


def step_changes(old: Sequence[Block], new: Sequence[Block]) -> tuple[StepChange, ...]:
    """Line-by-line comparison of two duties cells: steps, headings, department lines.

    Lines are aligned with difflib; within a replaced run, lines are paired
    with the most alike (so an edited step is one ``replace`` with a char
    diff, not a deletion and an insertion).
    """
    a, b = _lines(old), _lines(new)
    matcher = difflib.SequenceMatcher(
        None, [(x.kind, x.text) for x in a], [(y.kind, y.text) for y in b], autojunk=False
    )
    result: list[StepChange] = []
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            continue
        for i, j in _align(a[i1:i2], b[j1:j2]):
            x = a[i1 + i] if i is not None else None
            y = b[j1 + j] if j is not None else None
            result.append(_step_change(x, y))
    result += _numbering_changes(old, new)
    return tuple(result)


def _step_change(x: _Line | None, y: _Line | None) -> StepChange:
    if x is not None and y is not None:
        op: StepOp = "replace"
    else:
        op = "delete" if y is None else "insert"
    line = y or x
    assert line is not None
    return StepChange(
        op=op,
        kind=line.kind,
        old=x.text if x else None,
        new=y.text if y else None,
        old_block=x.block if x else None,
        old_step=x.step if x else None,
        new_block=y.block if y else None,
        new_step=y.step if y else None,
    )


def _align(a: Sequence[_Line], b: Sequence[_Line]) -> list[tuple[int | None, int | None]]:
    """Order-keeping pairing of two runs of lines that maximises likeness."""
    n, m = len(a), len(b)
    ratio = [
        [
            r if a[i].kind == b[j].kind and (r := _ratio(a[i].text, b[j].text)) >= STEP_SIMILARITY
            else 0.0
            for j in range(m)
        ]
        for i in range(n)
    ]
    best = [[0.0] * (m + 1) for _ in range(n + 1)]
    for i in range(n - 1, -1, -1):
        for j in range(m - 1, -1, -1):
            options = [best[i + 1][j], best[i][j + 1]]
            if ratio[i][j]:
                options.append(best[i + 1][j + 1] + ratio[i][j])
            best[i][j] = max(options)
    path: list[tuple[int | None, int | None]] = []
    i = j = 0
    while i < n or j < m:
        if i < n and j < m and ratio[i][j] and best[i][j] == best[i + 1][j + 1] + ratio[i][j]:
            path.append((i, j))
            i, j = i + 1, j + 1
        elif i < n and (j == m or best[i][j] == best[i + 1][j]):
            path.append((i, None))
            i += 1
        else:
            path.append((None, j))
            j += 1
    return path


def _numbering_changes(old: Sequence[Block], new: Sequence[Block]) -> list[StepChange]:
    """Blocks (paired by heading and department line) that changed numbered."""
    if len(old) == len(new):
        pairs = [(i, i) for i in range(len(old))]
    else:
        matcher = difflib.SequenceMatcher(
            None,
            [(x.heading, x.department) for x in old],
            [(y.heading, y.department) for y in new],
            autojunk=False,
        )
        pairs = [
            (i1 + k, j1 + k)
            for tag, i1, i2, j1, j2 in matcher.get_opcodes()
            if tag == "equal" or (tag == "replace" and i2 - i1 == j2 - j1)
            for k in range(i2 - i1)
        ]
    return [
        StepChange(
            op="replace",
            kind="numbered",
            old=str(old[i].numbered).lower(),
            new=str(new[j].numbered).lower(),
            old_block=i + 1,
            new_block=j + 1,
        )
        for i, j in pairs
        if old[i].numbered != new[j].numbered
    ]


def _document_changes(old: Catalog, new: Catalog) -> tuple[FieldChange, ...]:
    changes = [
        FieldChange(key, getattr(old.document, key), getattr(new.document, key))
        for key in DOCUMENT_FIELDS
        if getattr(old.document, key) != getattr(new.document, key)
    ]
    for kind in LIST_KINDS:
        before = old.lists[kind].title if kind in old.lists else None
        after = new.lists[kind].title if kind in new.lists else None
        if before != after:
            changes.append(FieldChange(f"title_{kind}", before, after))
    return tuple(changes)


def _department_diff(old: Catalog, new: Catalog, pairs: Sequence[Pair]) -> DepartmentDiff:
    new_names = {d.name for d in new.departments}
    old_names = {d.name for d in old.departments}
    removed = [d for d in old.departments if d.name not in new_names]
    added = [d for d in new.departments if d.name not in old_names]
    new_index = {d.name: n for n, d in enumerate(new.departments)}
    # Which (new) items refer to each department, to recognise a renaming.
    old_users: dict[str, set[int]] = defaultdict(set)
    new_users: dict[str, set[int]] = defaultdict(set)
    for number, (before, after) in enumerate(pairs):
        for name in before.departments:
            old_users[name].add(number)
        for name in after.departments:
            new_users[name].add(number)

    def same(a: Department, b: Department) -> bool:
        """A renaming: the two share an alias, or exactly the same items refer to them."""
        return bool(
            set(a.aliases) & set(b.aliases)
            or (old_users[a.name] and old_users[a.name] == new_users[b.name])
        )

    changes: list[DepartmentChange] = []
    for gone in list(removed):
        partner = next((d for d in added if same(gone, d)), None)
        if partner is not None:
            removed.remove(gone)
            added.remove(partner)
            changes.append(DepartmentChange(gone.name, partner.name, gone.aliases, partner.aliases))
    olds = {d.name: d for d in old.departments}
    for kept in new.departments:
        was = olds.get(kept.name)
        if was is not None and was.aliases != kept.aliases:
            changes.append(DepartmentChange(kept.name, kept.name, was.aliases, kept.aliases))
    changes.sort(key=lambda c: new_index[c.new_name])
    return DepartmentDiff(added=tuple(added), removed=tuple(removed), changed=tuple(changes))


def _counts(catalog: Catalog) -> dict[str, int]:
    return {
        kind: len(catalog.lists[kind].items) if kind in catalog.lists else 0
        for kind in LIST_KINDS
    }


def diff_catalogs(old: Catalog, new: Catalog) -> CatalogDiff:
    """What changes when ``old`` is replaced by ``new``."""
    old_duties, new_duties = old.duties(), new.duties()
    pairs = match_items(old_duties, new_duties)
    order = {id(d): n for n, d in enumerate(new_duties)}
    pairs.sort(key=lambda p: order[id(p[1])])
    paired_old = {id(o) for o, _ in pairs}
    paired_new = {id(n) for _, n in pairs}
    changed: list[ItemChange] = []
    moved: list[Move] = []
    renumbered: list[Renumber] = []
    for before, after in pairs:
        fields = field_changes(before, after)
        if before.list != after.list:
            moved.append(Move(before.id, after.id, before.list, after.list, after.name, fields))
            continue
        if before.id != after.id:
            renumbered.append(Renumber(before.id, after.id))
        if fields:
            changed.append(ItemChange(before.id, after.id, after.name, fields))
    return CatalogDiff(
        old_document=old.document,
        new_document=new.document,
        old_counts=_counts(old),
        new_counts=_counts(new),
        document=_document_changes(old, new),
        departments=_department_diff(old, new, pairs),
        added=tuple(d for d in new_duties if id(d) not in paired_new),
        removed=tuple(d for d in old_duties if id(d) not in paired_old),
        changed=tuple(changed),
        moved=tuple(moved),
        renumbered=tuple(renumbered),
    )


# ---------------------------------------------------------------- plain text


def _indent(text: str, prefix: str) -> list[str]:
    return [prefix + line for line in text.splitlines() or [""]]


def _field_lines(change: FieldChange) -> list[str]:
    lines = [f"  {change.label}："]
    if change.field in ("upper_duties", "township_duties") and change.steps:
        for step in change.steps:
            if step.op == "insert":
                lines.append(f"    {step.where()}：{{+{step.new}+}}")
            elif step.op == "delete":
                lines.append(f"    {step.where()}：[-{step.old}-]")
            elif step.kind == "numbered":
                before = "是" if step.old == "true" else "否"
                after = "是" if step.new == "true" else "否"
                lines.append(f"    {step.where()}：{before} → {after}")
            else:
                lines.append(f"    {step.where()}：{marked(step.diff)}")
        return lines
    lines[0] += marked(change.diff).replace("\n", " / ")
    return lines


def _duty_lines(duty: Duty, marker: str) -> list[str]:
    lines = [f"{marker} {duty.id} 〔{duty.category}〕{duty.name}"]
    for name in ("departments", "upper_duties", "township_duties", "note"):
        text = field_text(duty, name)
        if text:
            lines.append(f"  {FIELD_LABELS[name]}：")
            lines += _indent(text, "    ")
    return lines


def text_lines(diff: CatalogDiff) -> list[str]:
    """The diff as plain text for pipes: one section per item, ``[-删除-]{+新增+}`` marks."""
    lines = [
        f"旧：{revision_text(diff.old_document)}",
        f"新：{revision_text(diff.new_document)}",
    ]
    if diff.is_empty:
        return [*lines, "无变化"]
    lines += [f"摘要：{line}" for line in diff.summary_lines(limit=None)]
    if diff.document:
        lines += ["", "== 清单信息 =="]
        lines += [f"  {c.label}：{marked(c.diff)}" for c in diff.document]
    departments = diff.departments
    if not departments.is_empty:
        lines += ["", "== 部门 =="]
        lines += [f"+ {d.name}" for d in departments.added]
        lines += [f"- {d.name}" for d in departments.removed]
        for dept in departments.changed:
            if dept.renamed:
                lines.append(f"~ {marked(char_diff(dept.old_name, dept.new_name))}")
            if dept.aliases_changed:
                before, after = "、".join(dept.old_aliases), "、".join(dept.new_aliases)
                lines.append(f"~ {dept.new_name} 简称：{marked(char_diff(before, after))}")
    for duty in diff.added:
        lines += ["", *_duty_lines(duty, "+ 新增")]
    for duty in diff.removed:
        lines += ["", *_duty_lines(duty, "- 删除")]
    for item in diff.changed:
        lines += ["", f"~ 修改 {_changed_id(item)} {item.name}"]
        for change in item.fields:
            lines += _field_lines(change)
    for move in diff.moved:
        where = f"{LIST_TITLES[move.old_list]} → {LIST_TITLES[move.new_list]}"
        lines += ["", f"> 移动 {move.old_id} → {move.new_id} {move.name}（{where}）"]
        for change in move.fields:
            lines += _field_lines(change)
    if diff.renumbered:
        lines += ["", "== 重新编号 =="]
        lines += [f"  {run}" for run in renumber_runs(diff.renumbered)]
    return lines


# ---------------------------------------------------------------- loading a side


def is_sqlite(path: Path) -> bool:
    """True when the file starts with the SQLite header (whatever its extension)."""
    with open(path, "rb") as handle:
        return handle.read(len(SQLITE_HEADER)) == SQLITE_HEADER


def load_side(path: str | Path) -> Catalog:
    """A YAML source or a built database, as a Catalog.

    Raises SourceError for a missing or unreadable file or an invalid YAML
    source, DatabaseError for a database that is not a readable dutylist one.
    """
    path = Path(path)
    if not path.exists():
        raise SourceError([f"{path}：文件不存在"])
    if not path.is_file():
        raise SourceError([f"{path}：不是文件（应为清单 YAML 或 dutylist 数据库）"])
    try:
        database = is_sqlite(path)
    except OSError as exc:
        raise SourceError([f"{path}：无法读取（{exc.strerror or exc}）"]) from None
    if not database:
        from dutylist import source

        return source.load_catalog(path)
    from dutylist import query

    conn = query.connect(path)
    try:
        return read_catalog(conn)
    except sqlite3.Error as exc:
        raise DatabaseError(f"{path}：无法读取数据库（{exc}）") from None
    finally:
        conn.close()


def load_previous(path: str | Path) -> Catalog | None:
    """The catalog of a database about to be replaced; None if absent or unreadable."""
    path = Path(path)
    if not path.is_file():
        return None
    try:
        return load_side(path)
    except DutylistError:
        return None


def read_catalog(conn: sqlite3.Connection) -> Catalog:
    """Rebuild the Catalog a database was built from (the inverse of store.build_database)."""
    from dutylist.query import metadata

    meta = metadata(conn)
    missing = [key for key in ("township", "county", "title") if not meta.get(key)]
    if missing:
        raise DatabaseError(
            f"数据库缺少清单信息：{'、'.join(missing)}，请用 dutylist build 重新构建"
        )
    document = Document(
        township=meta["township"],
        county=meta["county"],
        title=meta["title"],
        source=meta.get("document_source"),
        doc_number=meta.get("doc_number"),
        date=meta.get("date"),
        version=meta.get("version"),
    )
    departments = []
    names: dict[int, str] = {}
    for dept_id, name, aliases in conn.execute(
        "SELECT id, name, aliases FROM departments ORDER BY id"
    ):
        names[dept_id] = name
        departments.append(Department(name=name, aliases=tuple(json.loads(aliases or "[]"))))
    links: dict[str, list[str]] = defaultdict(list)
    for duty_id, dept_id in conn.execute(
        "SELECT duty_id, department_id FROM duty_departments ORDER BY duty_id, position"
    ):
        links[duty_id].append(names[dept_id])
    steps: dict[int, list[str]] = defaultdict(list)
    for block_id, text in conn.execute(
        "SELECT block_id, text FROM steps ORDER BY block_id, position"
    ):
        steps[block_id].append(text)
    blocks: dict[tuple[str, str], list[Block]] = defaultdict(list)
    for block_id, duty_id, side, heading, department, numbered in conn.execute(
        "SELECT id, duty_id, side, heading, department, numbered FROM blocks "
        "ORDER BY duty_id, side, position"
    ):
        blocks[(duty_id, side)].append(
            Block(
                steps=tuple(steps.get(block_id, ())),
                heading=heading,
                department=department,
                numbered=bool(numbered),
            )
        )
    items: dict[str, list[Duty]] = defaultdict(list)
    for duty_id, kind, seq, category, name, dept_text, note in conn.execute(
        "SELECT id, list, seq, category, name, departments, note FROM duties ORDER BY rowid"
    ):
        if kind not in LIST_KINDS:
            raise DatabaseError(f"数据库中的事项 {duty_id} 属于未知清单 {kind!r}")
        linked = links.get(duty_id) or (dept_text.split("、") if dept_text else [])
        upper, township = (tuple(blocks.get((duty_id, side), ())) for side in SIDES)
        items[kind].append(
            Duty(
                list=kind,
                seq=seq,
                category=category,
                name=name,
                departments=tuple(linked),
                upper_duties=upper,
                township_duties=township,
                note=note,
            )
        )
    lists: dict[ListKind, DutyList] = {}
    for kind in LIST_KINDS:
        title = meta.get(f"title_{kind}")
        if title is None and not items.get(kind):
            continue
        lists[kind] = DutyList(
            kind=kind, title=title or LIST_TITLES[kind], items=tuple(items.get(kind, ()))
        )
    return Catalog(document=document, departments=tuple(departments), lists=lists)


def diff_paths(old: str | Path, new: str | Path) -> CatalogDiff:
    """``dutylist diff OLD NEW``: load both sides (YAML or database) and compare."""
    return diff_catalogs(load_side(old), load_side(new))
