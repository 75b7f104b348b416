"""What differs between two versions: fields, steps, departments, the whole catalog."""

from __future__ import annotations

import difflib
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from dutylist.ids import LIST_KINDS
from dutylist.model import Block, Catalog, Department, Duty
from dutylist.revisions.chardiff import similarity
from dutylist.revisions.match import Pair, match_items
from dutylist.revisions.types import (
    DOCUMENT_FIELDS,
    ITEM_FIELDS,
    CatalogDiff,
    DepartmentChange,
    DepartmentDiff,
    FieldChange,
    ItemChange,
    LineKind,
    Move,
    Renumber,
    StepChange,
    StepOp,
    field_text,
)

STEP_SIMILARITY = 0.4
EXACT_PAIRS = 2_500
"""Runs of at most this many line pairs are aligned exactly, every pair compared."""
BAND = 3
"""In a longer run, each line is compared only with lines this close to its diagonal."""


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
    if n * m > EXACT_PAIRS:
        return _align_long(a, b)
    ratio = [
        [
            r
            if a[i].kind == b[j].kind
            and (r := similarity(a[i].text, b[j].text)) >= STEP_SIMILARITY
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


def _align_long(
    a: Sequence[_Line], b: Sequence[_Line]
) -> list[tuple[int | None, int | None]]:
    """``_align`` for a long run: only pairs of lines near the diagonal are compared, and
    the heaviest chain of alike pairs is found with a Fenwick tree of prefix maxima, so
    a 1,000-line edit costs thousands of comparisons, not a million.
    """
    n, m = len(a), len(b)
    shift = m - n
    windows = [
        (max(0, i + min(0, shift) - BAND), min(m, i + max(0, shift) + BAND + 1))
        for i in range(n)
    ]
    if sum(hi - lo for lo, hi in windows) > (2 * BAND + 1) * (n + m):
        # lopsided (far more lines on one side): follow the scaled diagonal
        windows = [
            (max(0, c - BAND), min(m, c + BAND + 1)) for c in (i * m // n for i in range(n))
        ]
    matchers: dict[int, difflib.SequenceMatcher[str]] = {}

    def likeness(i: int, j: int) -> float:
        x, y = a[i], b[j]
        if x.kind != y.kind:
            return 0.0
        if not x.text and not y.text:
            return 1.0
        total = len(x.text) + len(y.text)
        if 2 * min(len(x.text), len(y.text)) / total < STEP_SIMILARITY:
            return 0.0
        matcher = matchers.get(j)
        if matcher is None:
            matcher = matchers[j] = difflib.SequenceMatcher(None, autojunk=False)
            matcher.set_seq2(y.text)
        matcher.set_seq1(x.text)
        if matcher.quick_ratio() < STEP_SIMILARITY:  # an upper bound, cheap
            return 0.0
        ratio = matcher.ratio()
        return ratio if ratio >= STEP_SIMILARITY else 0.0

    size = m + 1
    tree: list[tuple[float, int]] = [(0.0, -1)] * (size + 1)  # (best chain weight, its last node)
    nodes: list[tuple[int, int, int]] = []  # (i, j, previous node)

    def best_before(pos: int) -> tuple[float, int]:
        found = (0.0, -1)
        while pos > 0:
            if tree[pos][0] > found[0]:
                found = tree[pos]
            pos -= pos & -pos
        return found

    for i in range(n):
        lo, hi = windows[i]
        row = []
        for j in range(lo, hi):
            score = likeness(i, j)
            if score:
                weight, previous = best_before(j)
                row.append((j, weight + score, previous))
        for j, weight, previous in row:
            nodes.append((i, j, previous))
            pos = j + 1
            while pos <= size:
                if weight > tree[pos][0]:
                    tree[pos] = (weight, len(nodes) - 1)
                pos += pos & -pos
        for j in [k for k in matchers if k < lo]:
            del matchers[j]
    chain: list[tuple[int, int]] = []
    node = best_before(size)[1]
    while node != -1:
        i, j, node = nodes[node]
        chain.append((i, j))
    chain.reverse()
    path: list[tuple[int | None, int | None]] = []
    i = j = 0
    for x, y in [*chain, (n, m)]:
        path += [(k, None) for k in range(i, x)]
        path += [(None, k) for k in range(j, y)]
        if x < n and y < m:
            path.append((x, y))
        i, j = x + 1, y + 1
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
        """A renaming: the two share an alias, the new one names the old as a former
        name, or exactly the same items refer to them."""
        return bool(
            set(a.aliases) & set(b.aliases)
            or a.name in b.former_names
            or (old_users[a.name] and old_users[a.name] == new_users[b.name])
        )

    def change(a: Department, b: Department) -> DepartmentChange:
        return DepartmentChange(
            a.name, b.name, a.aliases, b.aliases, a.former_names, b.former_names
        )

    changes: list[DepartmentChange] = []
    for gone in list(removed):
        partner = next((d for d in added if gone.name in d.former_names), None) or next(
            (d for d in added if same(gone, d)), None
        )
        if partner is not None:
            removed.remove(gone)
            added.remove(partner)
            changes.append(change(gone, partner))
    olds = {d.name: d for d in old.departments}
    for kept in new.departments:
        was = olds.get(kept.name)
        if was is not None and was.other_names() != kept.other_names():
            changes.append(change(was, kept))
    changes.sort(key=lambda c: new_index[c.new_name])
    return DepartmentDiff(added=tuple(added), removed=tuple(removed), changed=tuple(changes))


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
            changed.append(
                ItemChange(new_id=after.id, old_id=before.id, name=after.name, fields=fields)
            )
    return CatalogDiff(
        old_document=old.document,
        new_document=new.document,
        old_counts=old.counts(),
        new_counts=new.counts(),
        document=_document_changes(old, new),
        departments=_department_diff(old, new, pairs),
        added=tuple(d for d in new_duties if id(d) not in paired_new),
        removed=tuple(d for d in old_duties if id(d) not in paired_old),
        changed=tuple(changed),
        moved=tuple(moved),
        renumbered=tuple(renumbered),
    )
