"""A diff of two versions of the list, rendered from its data (``revisions.types``).

``diff_lines`` turns a ``CatalogDiff`` into lines of marked segments (plain,
deleted, inserted, heading); ``text_lines`` writes them for a pipe with
``[-删除-]{+新增+}`` marks and ``print_diff`` shows them in colour. No output
is ever parsed back from text. ``summary_lines`` is build's short form.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import TYPE_CHECKING, Any, Literal

from dutylist import labels
from dutylist.controls import visible
from dutylist.ids import LETTER_KINDS
from dutylist.revisions.chardiff import DiffOp, char_diff
from dutylist.revisions.types import field_text

if TYPE_CHECKING:
    from rich.console import Console

    from dutylist.model import Document, Duty
    from dutylist.revisions.types import (
        CatalogDiff,
        FieldChange,
        ItemChange,
        Renumber,
        StepChange,
    )

Mark = Literal["", "delete", "insert", "heading"]
Segment = tuple[str, Mark]
Line = list[Segment]

_STYLES: dict[Mark, str] = {
    "delete": "bold red strike",
    "insert": "bold green underline",
    "heading": "bold",
}
_MARKS: dict[DiffOp, Mark] = {"equal": "", "delete": "delete", "insert": "insert"}


# ---------------------------------------------------------------- words


def revision_text(document: Document) -> str:
    """``标题（文号 X，日期 Y，版本 Z）``, leaving out what is not recorded."""
    parts = [
        f"{labels.DOCUMENT_LABELS[key]} {value}"
        for key in ("doc_number", "date", "version")
        if (value := getattr(document, key))
    ]
    return document.title + (f"（{'，'.join(parts)}）" if parts else "")


def field_label(name: str, kind: str | None = None) -> str:
    """The title of an item field (in its own list's words) or of a document field.

    The withdrawn list calls its columns 承接部门 and 工作方式.
    """
    titles = labels.WITHDRAWN_FIELD_TITLES if kind == "withdrawn" else labels.FIELD_TITLES
    return titles.get(name) or labels.DOCUMENT_LABELS.get(name, name)


def step_where(step: StepChange) -> str:
    """``第1块第3步`` (new position, or old for a deletion)."""
    block = step.new_block if step.new_block is not None else step.old_block
    number = step.new_step if step.new_block is not None else step.old_step
    text = labels.BLOCK_AT.format(block=block)
    if step.kind == "step":
        return text + labels.STEP_AT.format(step=number)
    return text + labels.LINE_LABELS[step.kind]


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
    return labels.RENUMBERED_ID.format(new=change.new_id, old=change.old_id)


def _ids(ids: Sequence[str], limit: int | None, sep: str = ", ") -> str:
    if limit is not None and len(ids) > limit:
        return sep.join(ids[:limit]) + f"{sep}…"
    return sep.join(ids)


def summary_lines(diff: CatalogDiff, *, limit: int | None = 20) -> list[str]:
    """Short plain lines for ``build``: ``新增 2 项：C102, C103`` … or ``无变化``.

    At most ``limit`` ids per line (None: all).
    """
    if diff.is_empty:
        return [labels.NO_CHANGE]
    lines: list[str] = []
    if diff.document:
        changes = labels.SEP.join(
            labels.SUMMARY_DOCUMENT_CHANGE.format(
                label=field_label(c.field), old=c.old or labels.NONE, new=c.new or labels.NONE
            )
            for c in diff.document
        )
        lines.append(labels.SUMMARY_DOCUMENT.format(changes=changes))
    departments = diff.departments
    aliased = [c for c in departments.changed if c.aliases_changed or c.former_changed]
    renamed = departments.renamed
    named: list[tuple[str, list[str]]] = [
        (labels.SUMMARY_DEPT_ADDED, [d.name for d in departments.added]),
        (labels.SUMMARY_DEPT_REMOVED, [d.name for d in departments.removed]),
        (labels.SUMMARY_DEPT_RENAMED, [f"{c.old_name} → {c.new_name}" for c in renamed]),
        (labels.SUMMARY_DEPT_ALIASES, [c.new_name for c in aliased]),
    ]
    lines += [
        template.format(count=len(names), names=_ids(names, limit, labels.SEP))
        for template, names in named
        if names
    ]
    items: list[tuple[str, list[str]]] = [
        (labels.SUMMARY_ADDED, [d.id for d in diff.added]),
        (labels.SUMMARY_REMOVED, [d.id for d in diff.removed]),
        (labels.SUMMARY_CHANGED, [_changed_id(c) for c in diff.changed]),
        (labels.SUMMARY_MOVED, [f"{m.old_id} → {m.new_id}" for m in diff.moved]),
    ]
    lines += [
        template.format(count=len(ids), ids=_ids(ids, limit)) for template, ids in items if ids
    ]
    if diff.renumbered:
        runs = _ids(renumber_runs(diff.renumbered), limit)
        lines.append(labels.SUMMARY_RENUMBERED.format(count=len(diff.renumbered), ids=runs))
    return lines


# ---------------------------------------------------------------- lines of segments


def _marked(old: str, new: str, *, one_line: bool = False) -> Line:
    """The character diff of two texts as segments."""
    return [
        (text.replace("\n", " / ") if one_line else text, _MARKS[op])
        for op, text in char_diff(old, new)
    ]


def _field_lines(change: FieldChange, kind: str | None = None) -> list[Line]:
    head = f"  {field_label(change.field, kind)}："
    if change.field not in ("upper_duties", "township_duties") or not change.steps:
        return [[(head, ""), *_marked(change.old or "", change.new or "", one_line=True)]]
    lines: list[Line] = [[(head, "")]]
    for step in change.steps:
        where = f"    {step_where(step)}："
        if step.op == "insert":
            lines.append([(where, ""), (step.new or "", "insert")])
        elif step.op == "delete":
            lines.append([(where, ""), (step.old or "", "delete")])
        elif step.kind == "numbered":
            before = labels.YES if step.old == "true" else labels.NO
            after = labels.YES if step.new == "true" else labels.NO
            lines.append([(f"{where}{before} → {after}", "")])
        else:
            lines.append([(where, ""), *_marked(step.old or "", step.new or "")])
    return lines


def _duty_lines(duty: Duty, marker: str) -> list[Line]:
    lines: list[Line] = [[(f"{marker} {duty.id} 〔{duty.category}〕{duty.name}", "")]]
    for name in ("departments", "upper_duties", "township_duties", "note"):
        text = field_text(duty, name)
        if text:
            lines.append([(f"  {field_label(name, duty.list)}：", "")])
            lines += [[("    " + line, "")] for line in text.splitlines() or [""]]
    return lines


def _plain(texts: Iterable[str]) -> list[Line]:
    return [[(text, "")] for text in texts]


def diff_lines(diff: CatalogDiff) -> list[Line]:
    """The whole diff, one section per item, as lines of marked segments."""
    lines = _plain([
        labels.DIFF_OLD.format(revision=revision_text(diff.old_document)),
        labels.DIFF_NEW.format(revision=revision_text(diff.new_document)),
    ])
    if diff.is_empty:
        return [*lines, [(labels.NO_CHANGE, "")]]
    blank: Line = []
    lines += _plain(labels.DIFF_SUMMARY.format(line=line)
                    for line in summary_lines(diff, limit=None))
    if diff.document:
        lines += [blank, [(labels.DIFF_DOCUMENT_SECTION, "heading")]]
        lines += [
            [(f"  {field_label(c.field)}：", ""), *_marked(c.old or "", c.new or "")]
            for c in diff.document
        ]
    departments = diff.departments
    if not departments.is_empty:
        lines += [blank, [(labels.DIFF_DEPARTMENTS_SECTION, "heading")]]
        lines += _plain(f"+ {d.name}" for d in departments.added)
        lines += _plain(f"- {d.name}" for d in departments.removed)
        for dept in departments.changed:
            if dept.renamed:
                lines.append([("~ ", ""), *_marked(dept.old_name, dept.new_name)])
            if dept.aliases_changed:
                before = labels.SEP.join(dept.old_aliases)
                after = labels.SEP.join(dept.new_aliases)
                head = "~ " + labels.DIFF_ALIASES.format(name=dept.new_name)
                lines.append([(head, ""), *_marked(before, after)])
            if dept.former_changed:
                before = labels.SEP.join(dept.old_former)
                after = labels.SEP.join(dept.new_former)
                head = "~ " + labels.DIFF_FORMER_NAMES.format(name=dept.new_name)
                lines.append([(head, ""), *_marked(before, after)])
    for duty in diff.added:
        lines += [blank, *_duty_lines(duty, labels.DIFF_ADDED_ITEM)]
    for duty in diff.removed:
        lines += [blank, *_duty_lines(duty, labels.DIFF_REMOVED_ITEM)]
    for item in diff.changed:
        head = labels.DIFF_CHANGED_ITEM.format(id=_changed_id(item), name=item.name)
        lines += [blank, [(head, "")]]
        for change in item.fields:
            lines += _field_lines(change, LETTER_KINDS.get(item.new_id[:1]))
    for move in diff.moved:
        where = f"{labels.LIST_TITLES[move.old_list]} → {labels.LIST_TITLES[move.new_list]}"
        head = labels.DIFF_MOVED_ITEM.format(
            old_id=move.old_id, new_id=move.new_id, name=move.name, where=where
        )
        lines += [blank, [(head, "")]]
        for change in move.fields:
            lines += _field_lines(change, move.new_list)
    if diff.renumbered:
        lines += [blank, [(labels.DIFF_RENUMBERED_SECTION, "heading")]]
        lines += _plain(f"  {run}" for run in renumber_runs(diff.renumbered))
    return lines


# ---------------------------------------------------------------- output


def marked(diff: Iterable[tuple[DiffOp, str]]) -> str:
    """A character diff as plain text: ``[-deleted-]{+inserted+}``."""
    return _written([(text, _MARKS[op]) for op, text in diff])


def _written(line: Line) -> str:
    parts = []
    for text, mark in line:
        if mark == "delete":
            parts.append(f"[-{text}-]")
        elif mark == "insert":
            parts.append(f"{{+{text}+}}")
        else:
            parts.append(text)
    return "".join(parts)


def text_lines(diff: CatalogDiff) -> list[str]:
    """The diff as plain text for pipes: one section per item, ``[-删除-]{+新增+}`` marks."""
    return [_written(line) for line in diff_lines(diff)]


def print_diff(diff: CatalogDiff, console: Console) -> None:
    """The diff in colour: deletions struck through in red, insertions underlined in green."""
    from rich.text import Text

    for line in diff_lines(diff):
        text = Text()
        for segment, mark in line:
            text.append(visible(segment), style=_STYLES.get(mark, ""))
        console.print(text, overflow="fold")


# ---------------------------------------------------------------- records (tsv / csv)

DIFF_FIELDS = ("change", "list", "id", "old_id", "field", "label", "where", "old", "new")
"""Columns of ``diff --format tsv/csv``: one change per record."""


def diff_records(diff: CatalogDiff) -> list[dict[str, Any]]:
    """Every change as data, one record each: what changed, where, the old and new value.

    ``change``: document, department_added, department_removed, department_renamed,
    department_aliases, department_former_names, added, removed, moved, changed,
    renumbered. ``where`` places a step (``1.3``: block 1, step 3; ``1.heading``).
    ``label`` is the field's title in its list's own words (承接部门 for withdrawn items).
    """
    records: list[dict[str, Any]] = []

    def add(change: str, **values: Any) -> None:
        records.append({"change": change, **values})

    for c in diff.document:
        add("document", field=c.field, label=field_label(c.field), old=c.old, new=c.new)
    departments = diff.departments
    dept = labels.FIELD_TITLES["department"]
    for d in departments.added:
        add("department_added", field="name", label=dept, new=d.name)
    for d in departments.removed:
        add("department_removed", field="name", label=dept, old=d.name)
    for ch in departments.changed:
        if ch.renamed:
            add("department_renamed", field="name", label=dept, old=ch.old_name, new=ch.new_name)
        if ch.aliases_changed:
            add("department_aliases", field="aliases", label=dept, where=ch.new_name,
                old=list(ch.old_aliases), new=list(ch.new_aliases))
        if ch.former_changed:
            add("department_former_names", field="former_names", label=dept, where=ch.new_name,
                old=list(ch.old_former), new=list(ch.new_former))
    for duty in diff.added:
        add("added", list=duty.list, id=duty.id, field="name",
            label=field_label("name", duty.list), new=duty.name)
    for duty in diff.removed:
        add("removed", list=duty.list, old_id=duty.id, field="name",
            label=field_label("name", duty.list), old=duty.name)
    for move in diff.moved:
        add("moved", list=move.new_list, id=move.new_id, old_id=move.old_id, field="list",
            label=labels.FIELD_TITLES["list"], old=move.old_list, new=move.new_list)
        _change_records(add, "moved", move.new_list, move.new_id, move.old_id, move.fields)
    for item in diff.changed:
        kind = LETTER_KINDS.get(item.new_id[:1])
        _change_records(add, "changed", kind, item.new_id, item.old_id, item.fields)
    for r in diff.renumbered:
        add("renumbered", list=LETTER_KINDS.get(r.new_id[:1]), id=r.new_id, old_id=r.old_id,
            field="seq", label=labels.FIELD_TITLES["seq"], old=r.old_id[1:], new=r.new_id[1:])
    return records


def _change_records(
    add: Callable[..., None],
    change: str,
    kind: str | None,
    new_id: str,
    old_id: str,
    fields: Sequence[FieldChange],
) -> None:
    """A field change as one record, or one record per changed line of a duties cell."""
    for c in fields:
        base = {"list": kind, "id": new_id, "old_id": old_id, "field": c.field,
                "label": field_label(c.field, kind)}
        if c.field not in ("upper_duties", "township_duties") or not c.steps:
            add(change, **base, old=c.old, new=c.new)
            continue
        for step in c.steps:
            add(change, **base, where=_step_place(step), old=step.old, new=step.new)


def _step_place(step: StepChange) -> str:
    """``1.3`` (block 1, step 3), or ``1.heading`` / ``1.department`` / ``1.numbered``."""
    block = step.new_block if step.new_block is not None else step.old_block
    number = step.new_step if step.new_block is not None else step.old_step
    return f"{block}.{number if step.kind == 'step' else step.kind}"
