"""The duties YAML -> model (``Catalog``), validated with every problem reported."""

from __future__ import annotations

import os
from typing import Any

import yaml

from dutylist import labels
from dutylist.errors import SourceError
from dutylist.model import (
    LIST_KINDS,
    Block,
    Catalog,
    Department,
    Document,
    Duty,
    DutyList,
    ListKind,
    make_id,
)
from dutylist.source.checker import BOOL, Checker, compose, read

SCHEMA_VERSION = 1


def _of(where: str, key: str) -> str:
    """``C16 的 township_duties``: a value named by its item and its YAML key."""
    return labels.YAML_WHAT_OF.format(where=where, key=key)


_TOP_KEYS = {"schema", "document", "departments", "lists"}
_DOCUMENT_KEYS = {"township", "county", "title", "source", "doc_number", "date", "version"}
_DOCUMENT_REQUIRED = ("township", "county", "title")
_DEPARTMENT_KEYS = {"name", "aliases", "former_names"}
_LIST_KEYS = {"title", "items"}
_ITEM_KEYS: dict[ListKind, set[str]] = {
    "basic": {"seq", "category", "name", "note"},
    "coordinated": {
        "seq", "category", "name", "departments", "upper_duties", "township_duties", "note",
    },
    "withdrawn": {"seq", "category", "name", "departments", "upper_duties", "note"},
}
_BLOCK_KEYS = {"heading", "department", "numbered", "steps"}


def load_catalog(
    path: str | os.PathLike[str],
    *,
    warnings: list[str] | None = None,
    notes: list[str] | None = None,
) -> Catalog:
    """Read and validate a duties YAML file; raise SourceError listing every problem.

    Warnings (``file:line: message``: control characters in a field) are appended to
    ``warnings`` when a list is given; the note saying a file that is not UTF-8 was read
    as GBK or UTF-16, to ``notes``.
    """
    return parse_catalog(*read(path, notes), warnings=warnings)


def parse_catalog(
    text: str, path: str = "<yaml>", *, warnings: list[str] | None = None
) -> Catalog:
    """Validate YAML text and build the model; raise SourceError listing every problem."""
    root = compose(text, path)
    if root is None:
        raise SourceError([labels.YAML_FILE_EMPTY.format(path=path)])

    check = Checker(path, [])
    top = check.mapping(root, labels.YAML_WHAT_FILE, _TOP_KEYS)
    if not isinstance(root, yaml.MappingNode):
        raise SourceError(check.problems)
    schema = check.integer(top.get("schema"), "schema", root) if top else None
    if schema is not None and schema != SCHEMA_VERSION:
        check.add(top["schema"], labels.YAML_SCHEMA.format(found=schema, expected=SCHEMA_VERSION))
    document = _document(check, top.get("document"), root)
    departments = _departments(check, top.get("departments"), root)
    known = _known_departments(check, departments)
    lists: dict[ListKind, DutyList] = {}
    lists_node = top.get("lists")
    if lists_node is None:
        if top:
            check.add(root, labels.YAML_MISSING.format(what="lists"))
    else:
        list_map = check.mapping(lists_node, "lists", set(LIST_KINDS))
        for kind in LIST_KINDS:
            if kind not in list_map:
                check.add(lists_node, labels.YAML_MISSING.format(what=f"lists.{kind}"))
                continue
            duty_list = _duty_list(check, kind, list_map[kind], known)
            if duty_list is not None:
                lists[kind] = duty_list
    if check.problems:
        raise SourceError(check.problems)
    if warnings is not None:
        warnings.extend(check.warnings)
    assert document is not None
    return Catalog(document=document, departments=tuple(d for d, _, _ in departments), lists=lists)


def _document(check: Checker, node: yaml.Node | None, root: yaml.Node) -> Document | None:
    if node is None:
        check.add(root, labels.YAML_MISSING.format(what="document"))
        return None
    fields = check.mapping(node, "document", _DOCUMENT_KEYS)
    values: dict[str, Any] = {}
    for key in _DOCUMENT_REQUIRED:
        values[key] = check.text(fields.get(key), f"document.{key}", node)
    for key in sorted(_DOCUMENT_KEYS - set(_DOCUMENT_REQUIRED)):
        values[key] = check.optional_text(fields.get(key), f"document.{key}")
    if any(values[key] is None for key in _DOCUMENT_REQUIRED):
        return None
    return Document(**values)


# A declared department, its entry node, and the node of each of its names (for file:line).
_Declared = tuple[Department, yaml.Node, dict[str, yaml.Node]]


def _departments(check: Checker, node: yaml.Node | None, root: yaml.Node) -> list[_Declared]:
    if node is None:
        check.add(root, labels.YAML_MISSING.format(what="departments"))
        return []
    result: list[_Declared] = []
    for entry in check.sequence(node, "departments"):
        fields = check.mapping(entry, labels.YAML_WHAT_DEPARTMENT, _DEPARTMENT_KEYS)
        if not fields:
            continue
        name = check.text(fields.get("name"), labels.YAML_WHAT_DEPARTMENT_NAME, entry)
        aliases = _names(check, fields.get("aliases"), "aliases", labels.YAML_WHAT_ALIAS, entry)
        former = _names(
            check, fields.get("former_names"), "former_names", labels.YAML_WHAT_FORMER_NAME, entry
        )
        if name is not None:
            department = Department(
                name=name,
                aliases=tuple(text for text, _ in aliases),
                former_names=tuple(text for text, _ in former),
            )
            nodes = dict((*aliases, *former))
            nodes.setdefault(name, fields["name"])
            result.append((department, entry, nodes))
    return result


def _names(
    check: Checker, node: yaml.Node | None, key: str, what: str, entry: yaml.Node
) -> list[tuple[str, yaml.Node]]:
    """(text, node) of each name in a department's ``aliases`` or ``former_names`` list."""
    out: list[tuple[str, yaml.Node]] = []
    for item in check.sequence(node, labels.YAML_WHAT_DEPARTMENT_KEY.format(key=key)):
        text = check.text(item, what, entry)
        if text is not None:
            out.append((text, item))
    return out


def _known_departments(check: Checker, departments: list[_Declared]) -> set[str]:
    """Full names, after reporting a name, alias or former name claimed by two departments."""
    owner: dict[str, str] = {}
    for department, node, nodes in departments:
        if department.name in owner and owner[department.name] == department.name:
            check.add(node, labels.YAML_DEPARTMENT_TWICE.format(label=department.name))
        for label in (department.name, *department.other_names()):
            previous = owner.get(label)
            if previous is not None and previous != department.name:
                check.add(
                    nodes.get(label, node),
                    labels.YAML_NAME_CLAIMED.format(
                        label=label, previous=previous, name=department.name
                    ),
                )
            owner.setdefault(label, department.name)
    return {department.name for department, _, _ in departments}


def _duty_list(
    check: Checker, kind: ListKind, node: yaml.Node, known: set[str]
) -> DutyList | None:
    fields = check.mapping(node, f"lists.{kind}", _LIST_KEYS)
    if not fields:
        return None
    title = check.text(fields.get("title"), f"lists.{kind}.title", node)
    items_node = fields.get("items")
    if items_node is None:
        check.add(node, labels.YAML_MISSING.format(what=f"lists.{kind}.items"))
        return None
    duties: list[Duty] = []
    seen: dict[int, yaml.Node] = {}
    # (position in the list, item, node) of items whose seq is not their position:
    # reported once per run of items shifted alike (a renumbering), not once each.
    shifted: list[tuple[int, Duty, yaml.Node]] = []
    for position, item_node in enumerate(check.sequence(items_node, f"lists.{kind}.items"), 1):
        duty = _duty(check, kind, item_node, known)
        if duty is None:
            continue  # its own problem is reported; the items after it keep their positions
        if duty.seq in seen:
            first = seen[duty.seq].start_mark.line + 1
            check.add(item_node, labels.YAML_ID_TWICE.format(id=duty.id, first=first))
            continue
        seen[duty.seq] = item_node
        if duty.seq != position:
            shifted.append((position, duty, item_node))
        duties.append(duty)
    _report_seq_runs(check, shifted)
    if isinstance(items_node, yaml.SequenceNode) and not items_node.value:
        check.add(items_node, labels.YAML_EMPTY.format(what=f"lists.{kind}.items"))
    if title is None:
        return None
    return DutyList(kind=kind, title=title, items=tuple(duties))


def _report_seq_runs(check: Checker, shifted: list[tuple[int, Duty, yaml.Node]]) -> None:
    """One message per run of consecutive items whose seq is off by the same amount."""
    runs: list[list[tuple[int, Duty, yaml.Node]]] = []
    for entry in shifted:
        last = runs[-1][-1] if runs else None
        if (
            last is not None
            and entry[0] == last[0] + 1
            and entry[1].seq - entry[0] == last[1].seq - last[0]
        ):
            runs[-1].append(entry)
        else:
            runs.append([entry])
    for run in runs:
        position, duty, node = run[0]
        message = labels.YAML_SEQ_GAP.format(id=duty.id, seq=duty.seq, expected=position)
        if len(run) > 1:
            message += labels.YAML_SEQ_RUN.format(
                count=len(run) - 1, offset=duty.seq - position,
                first=run[1][1].id, last=run[-1][1].id,
            )
        check.add(node, message)


def _duty(check: Checker, kind: ListKind, node: yaml.Node, known: set[str]) -> Duty | None:
    fields = check.mapping(node, labels.YAML_WHAT_ITEM.format(kind=kind), _ITEM_KEYS[kind])
    if not fields:
        return None
    seq = check.integer(fields.get("seq"), "seq", node)
    where = make_id(kind, seq) if seq is not None else labels.YAML_WHAT_ITEM.format(kind=kind)
    if seq is not None and seq < 1:
        check.add(fields["seq"], labels.YAML_SEQ_POSITIVE.format(where=where))
        seq = None
    category = check.text(fields.get("category"), _of(where, "category"), node)
    name = check.text(fields.get("name"), _of(where, "name"), node)
    note = check.optional_text(fields.get("note"), _of(where, "note"))
    departments: list[str] = []
    upper: tuple[Block, ...] = ()
    township: tuple[Block, ...] = ()
    if kind != "basic":
        departments = _department_refs(check, fields.get("departments"), where, node, known)
        upper = _blocks(check, fields.get("upper_duties"), _of(where, "upper_duties"), node, known)
    if kind == "coordinated":
        township = _blocks(
            check, fields.get("township_duties"), _of(where, "township_duties"), node, known
        )
    if seq is None or category is None or name is None:
        return None
    return Duty(
        list=kind,
        seq=seq,
        category=category,
        name=name,
        departments=tuple(departments),
        upper_duties=upper,
        township_duties=township,
        note=note,
    )


def _department_refs(
    check: Checker, node: yaml.Node | None, where: str, parent: yaml.Node, known: set[str]
) -> list[str]:
    if node is None:
        check.add(parent, labels.YAML_ITEM_MISSING.format(where=where, key="departments"))
        return []
    names: list[str] = []
    for ref_node in check.sequence(node, _of(where, "departments")):
        name = check.text(ref_node, labels.YAML_WHAT_ITEM_DEPARTMENT.format(where=where), node)
        if name is None:
            continue
        if name not in known:
            check.add(ref_node, labels.YAML_UNDECLARED_DEPARTMENT.format(where=where, name=name))
        elif name in names:
            check.add(ref_node, labels.YAML_DEPARTMENT_REPEATED.format(where=where, name=name))
        names.append(name)
    if isinstance(node, yaml.SequenceNode) and not node.value:
        check.add(node, labels.YAML_ITEM_EMPTY.format(where=where, key="departments"))
    return names


def _blocks(
    check: Checker, node: yaml.Node | None, where: str, parent: yaml.Node, known: set[str]
) -> tuple[Block, ...]:
    if node is None:
        check.add(parent, labels.YAML_MISSING.format(what=where))
        return ()
    blocks: list[Block] = []
    for block_node in check.sequence(node, where):
        fields = check.mapping(block_node, labels.YAML_WHAT_BLOCK.format(where=where), _BLOCK_KEYS)
        if not fields:
            continue
        heading = check.optional_text(fields.get("heading"), _of(where, "heading"))
        department = check.optional_text(fields.get("department"), _of(where, "department"))
        numbered = True
        numbered_node = fields.get("numbered")
        if numbered_node is not None:
            if isinstance(numbered_node, yaml.ScalarNode) and numbered_node.tag == BOOL:
                numbered = numbered_node.value.lower() in ("true", "yes", "on")
            else:
                check.add(numbered_node, labels.YAML_NUMBERED.format(where=where))
        steps: list[str] = []
        steps_node = fields.get("steps")
        if steps_node is None:
            check.add(block_node, labels.YAML_ITEM_MISSING.format(where=where, key="steps"))
        for step_node in check.sequence(steps_node, _of(where, "steps")):
            step = check.text(step_node, labels.YAML_WHAT_STEP.format(where=where), steps_node)
            if step is not None:
                steps.append(step)
        if isinstance(steps_node, yaml.SequenceNode) and not steps_node.value:
            check.add(steps_node, labels.YAML_ITEM_EMPTY.format(where=where, key="steps"))
        blocks.append(
            Block(steps=tuple(steps), heading=heading, department=department, numbered=numbered)
        )
    if isinstance(node, yaml.SequenceNode) and not node.value:
        check.add(node, labels.YAML_EMPTY.format(what=where))
    return tuple(blocks)



