"""YAML source -> model, with every problem reported as ``file:line: message``.

The YAML is composed into nodes (``yaml.compose`` with the safe loader) so each
value keeps its line; nothing is ever constructed from a tag, so a
``!!python/...`` tag is an error, not code.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

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

SCHEMA_VERSION = 1

_STR = "tag:yaml.org,2002:str"
_INT = "tag:yaml.org,2002:int"
_BOOL = "tag:yaml.org,2002:bool"
_NULL = "tag:yaml.org,2002:null"
_SEQ = "tag:yaml.org,2002:seq"
_MAP = "tag:yaml.org,2002:map"
# Scalars taken as text, exactly as written (a clerk may write a date or 2026.1 unquoted).
_TEXT_TAGS = {_STR, _INT, "tag:yaml.org,2002:float", "tag:yaml.org,2002:timestamp"}
_PLAIN_TAGS = {_STR, _INT, _BOOL, _NULL, _SEQ, _MAP, "tag:yaml.org,2002:float",
               "tag:yaml.org,2002:timestamp"}

_TOP_KEYS = {"schema", "document", "departments", "lists"}
_DOCUMENT_KEYS = {"township", "county", "title", "source", "doc_number", "date", "version"}
_DOCUMENT_REQUIRED = ("township", "county", "title")
_DEPARTMENT_KEYS = {"name", "aliases"}
_LIST_KEYS = {"title", "items"}
_ITEM_KEYS: dict[ListKind, set[str]] = {
    "basic": {"seq", "category", "name", "note"},
    "coordinated": {
        "seq", "category", "name", "departments", "upper_duties", "township_duties", "note",
    },
    "withdrawn": {"seq", "category", "name", "departments", "upper_duties", "note"},
}
_BLOCK_KEYS = {"heading", "department", "numbered", "steps"}


@dataclass
class _Checker:
    """Collects problems while walking the node tree."""

    path: str
    problems: list[str]

    def add(self, node: yaml.Node | None, message: str) -> None:
        line = node.start_mark.line + 1 if node is not None else 1
        self.problems.append(f"{self.path}:{line}: {message}")

    def mapping(self, node: yaml.Node, what: str, allowed: set[str]) -> dict[str, yaml.Node]:
        """The keys of a mapping node, reporting unknown and duplicate keys."""
        if not isinstance(node, yaml.MappingNode) or node.tag != _MAP:
            self.add(node, f"{what}应为映射（键: 值）")
            return {}
        result: dict[str, yaml.Node] = {}
        for key_node, value_node in node.value:
            key = key_node.value if isinstance(key_node, yaml.ScalarNode) else None
            if not isinstance(key, str) or key not in allowed:
                known = ", ".join(sorted(allowed))
                self.add(key_node, f"{what}有未知的键 {key!r}（可用的键：{known}）")
                continue
            if key in result:
                self.add(key_node, f"{what}的键 {key!r} 重复")
                continue
            result[key] = value_node
        return result

    def text(self, node: yaml.Node | None, what: str, parent: yaml.Node | None) -> str | None:
        """A required, non-empty string."""
        if node is None:
            self.add(parent, f"缺少 {what}")
            return None
        if not isinstance(node, yaml.ScalarNode) or node.tag not in _TEXT_TAGS:
            self._bad_type(node, what, "文本")
            return None
        value = str(node.value).strip()
        if not value:
            self.add(node, f"{what} 为空")
            return None
        if value != node.value:
            self.add(node, f"{what} 首尾有空格")
        return value

    def optional_text(self, node: yaml.Node | None, what: str) -> str | None:
        if node is None or (isinstance(node, yaml.ScalarNode) and node.tag == _NULL):
            return None
        return self.text(node, what, node)

    def integer(self, node: yaml.Node | None, what: str, parent: yaml.Node) -> int | None:
        if node is None:
            self.add(parent, f"缺少 {what}")
            return None
        if not isinstance(node, yaml.ScalarNode) or node.tag != _INT:
            self._bad_type(node, what, "整数")
            return None
        try:
            return int(node.value)
        except ValueError:
            self.add(node, f"{what} 应为整数，而不是 {node.value!r}")
            return None

    def sequence(self, node: yaml.Node | None, what: str) -> list[yaml.Node]:
        if node is None:
            return []
        if not isinstance(node, yaml.SequenceNode) or node.tag != _SEQ:
            self._bad_type(node, what, "列表")
            return []
        return list(node.value)

    def _bad_type(self, node: yaml.Node, what: str, expected: str) -> None:
        if node.tag not in _PLAIN_TAGS:
            self.add(node, f"{what}：不允许使用标签 {node.tag!r}（只接受普通 YAML）")
        else:
            self.add(node, f"{what} 应为{expected}")


def default_source() -> Path | None:
    """``data/duties.yaml`` of the checkout the user is in, if any."""
    candidate = Path.cwd() / "data" / "duties.yaml"
    return candidate if candidate.is_file() else None


def _read(path: str | os.PathLike[str]) -> tuple[str, str]:
    """(text, path as shown in messages) of a UTF-8 file, or SourceError."""
    shown = str(path)
    try:
        return Path(path).read_text(encoding="utf-8"), shown
    except FileNotFoundError:
        raise SourceError([f"{shown}: 文件不存在"]) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise SourceError([f"{shown}: 无法读取：{exc}"]) from None


def _compose(text: str, path: str) -> yaml.Node | None:
    """The YAML node tree (nothing constructed), or SourceError with the line."""
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else 1
        problem = " ".join(p for p in (exc.context, exc.problem) if p)
        raise SourceError([f"{path}:{line}: YAML 格式错误：{problem}"]) from None
    except yaml.YAMLError as exc:
        raise SourceError([f"{path}:1: YAML 格式错误：{exc}"]) from None
    if root is not None:
        shared = _shared_nodes(root, path)
        if shared:
            raise SourceError(shared)
    return root


def _shared_nodes(root: yaml.Node, path: str) -> list[str]:
    """Problems for YAML anchors/aliases: a node reached twice (``&a`` … ``*a``).

    The list is plain data, so aliases are refused; this also keeps a crafted
    file ("billion laughs") from making validation walk the same nodes forever.
    """
    seen: set[int] = set()
    problems: list[str] = []
    stack: list[yaml.Node] = [root]
    while stack:
        node = stack.pop()
        if id(node) in seen:
            line = node.start_mark.line + 1
            problems.append(f"{path}:{line}: 不支持 YAML 锚点和别名（& 与 *），请直接写出内容")
            continue
        seen.add(id(node))
        if isinstance(node, yaml.SequenceNode):
            stack.extend(node.value)
        elif isinstance(node, yaml.MappingNode):
            for key, value in node.value:
                stack.extend((key, value))
    return problems[:1]


def load_catalog(path: str | os.PathLike[str]) -> Catalog:
    """Read and validate a duties YAML file; raise SourceError listing every problem."""
    return parse_catalog(*_read(path))


def parse_catalog(text: str, path: str = "<yaml>") -> Catalog:
    """Validate YAML text and build the model; raise SourceError listing every problem."""
    root = _compose(text, path)
    if root is None:
        raise SourceError([f"{path}:1: 文件为空"])

    check = _Checker(path, [])
    top = check.mapping(root, "文件", _TOP_KEYS)
    if not isinstance(root, yaml.MappingNode):
        raise SourceError(check.problems)
    schema = check.integer(top.get("schema"), "schema", root) if top else None
    if schema is not None and schema != SCHEMA_VERSION:
        check.add(top["schema"], f"不支持 schema {schema}（应为 {SCHEMA_VERSION}）")
    document = _document(check, top.get("document"), root)
    departments = _departments(check, top.get("departments"), root)
    known = _known_departments(check, departments)
    lists: dict[ListKind, DutyList] = {}
    lists_node = top.get("lists")
    if lists_node is None:
        if top:
            check.add(root, "缺少 lists")
    else:
        list_map = check.mapping(lists_node, "lists", set(LIST_KINDS))
        for kind in LIST_KINDS:
            if kind not in list_map:
                check.add(lists_node, f"缺少 lists.{kind}")
                continue
            duty_list = _duty_list(check, kind, list_map[kind], known)
            if duty_list is not None:
                lists[kind] = duty_list
    if check.problems:
        raise SourceError(check.problems)
    assert document is not None
    return Catalog(document=document, departments=tuple(d for d, _ in departments), lists=lists)


def _document(check: _Checker, node: yaml.Node | None, root: yaml.Node) -> Document | None:
    if node is None:
        check.add(root, "缺少 document")
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


def _departments(
    check: _Checker, node: yaml.Node | None, root: yaml.Node
) -> list[tuple[Department, yaml.Node]]:
    if node is None:
        check.add(root, "缺少 departments")
        return []
    result: list[tuple[Department, yaml.Node]] = []
    for entry in check.sequence(node, "departments"):
        fields = check.mapping(entry, "一个部门", _DEPARTMENT_KEYS)
        if not fields:
            continue
        name = check.text(fields.get("name"), "部门的 name", entry)
        aliases: list[str] = []
        for alias_node in check.sequence(fields.get("aliases"), "部门的 aliases"):
            alias = check.text(alias_node, "部门简称", entry)
            if alias is not None:
                aliases.append(alias)
        if name is not None:
            result.append((Department(name=name, aliases=tuple(aliases)), entry))
    return result


def _known_departments(
    check: _Checker, departments: list[tuple[Department, yaml.Node]]
) -> set[str]:
    """Full names, after reporting names and aliases declared twice."""
    owner: dict[str, str] = {}
    for department, node in departments:
        for label in (department.name, *department.aliases):
            previous = owner.get(label)
            if previous is not None and (previous != department.name or label == department.name):
                check.add(node, f"部门名称或简称 {label!r} 重复声明")
            owner.setdefault(label, department.name)
    return {department.name for department, _ in departments}


def _duty_list(
    check: _Checker, kind: ListKind, node: yaml.Node, known: set[str]
) -> DutyList | None:
    fields = check.mapping(node, f"lists.{kind}", _LIST_KEYS)
    if not fields:
        return None
    title = check.text(fields.get("title"), f"lists.{kind}.title", node)
    items_node = fields.get("items")
    if items_node is None:
        check.add(node, f"缺少 lists.{kind}.items")
        return None
    duties: list[Duty] = []
    seen: dict[int, yaml.Node] = {}
    for item_node in check.sequence(items_node, f"lists.{kind}.items"):
        duty = _duty(check, kind, item_node, known)
        if duty is None:
            continue
        if duty.seq in seen:
            first = seen[duty.seq].start_mark.line + 1
            check.add(item_node, f"事项编号 {duty.id} 重复（首次出现在第 {first} 行）")
            continue
        seen[duty.seq] = item_node
        if duty.seq != len(duties) + 1:
            check.add(
                item_node,
                f"{duty.id}：序号 seq {duty.seq} 不连续，应为 {len(duties) + 1}"
                "（seq 须依次为 1、2、3……，不能跳号或乱序）",
            )
        duties.append(duty)
    if isinstance(items_node, yaml.SequenceNode) and not items_node.value:
        check.add(items_node, f"lists.{kind}.items 为空")
    if title is None:
        return None
    return DutyList(kind=kind, title=title, items=tuple(duties))


def _duty(check: _Checker, kind: ListKind, node: yaml.Node, known: set[str]) -> Duty | None:
    fields = check.mapping(node, f"lists.{kind} 中的一个事项", _ITEM_KEYS[kind])
    if not fields:
        return None
    seq = check.integer(fields.get("seq"), "seq", node)
    where = make_id(kind, seq) if seq is not None else f"lists.{kind} 中的一个事项"
    if seq is not None and seq < 1:
        check.add(fields["seq"], f"{where}：seq 须为 1 或更大")
        seq = None
    category = check.text(fields.get("category"), f"{where} 的 category", node)
    name = check.text(fields.get("name"), f"{where} 的 name", node)
    note = check.optional_text(fields.get("note"), f"{where} 的 note")
    departments: list[str] = []
    upper: tuple[Block, ...] = ()
    township: tuple[Block, ...] = ()
    if kind != "basic":
        departments = _department_refs(check, fields.get("departments"), where, node, known)
        upper = _blocks(check, fields.get("upper_duties"), f"{where} 的 upper_duties", node, known)
    if kind == "coordinated":
        township = _blocks(
            check, fields.get("township_duties"), f"{where} 的 township_duties", node, known
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
    check: _Checker, node: yaml.Node | None, where: str, parent: yaml.Node, known: set[str]
) -> list[str]:
    if node is None:
        check.add(parent, f"{where}：缺少 departments")
        return []
    names: list[str] = []
    for ref_node in check.sequence(node, f"{where} 的 departments"):
        name = check.text(ref_node, f"{where} 的部门", node)
        if name is None:
            continue
        if name not in known:
            check.add(ref_node, f"{where}：部门 {name!r} 未在 departments 中声明")
        elif name in names:
            check.add(ref_node, f"{where}：部门 {name!r} 重复")
        names.append(name)
    if isinstance(node, yaml.SequenceNode) and not node.value:
        check.add(node, f"{where}：departments 为空")
    return names


def _blocks(
    check: _Checker, node: yaml.Node | None, where: str, parent: yaml.Node, known: set[str]
) -> tuple[Block, ...]:
    if node is None:
        check.add(parent, f"缺少 {where}")
        return ()
    blocks: list[Block] = []
    for block_node in check.sequence(node, where):
        fields = check.mapping(block_node, f"{where} 中的一个块", _BLOCK_KEYS)
        if not fields:
            continue
        heading = check.optional_text(fields.get("heading"), f"{where} 的 heading")
        department = check.optional_text(fields.get("department"), f"{where} 的 department")
        numbered = True
        numbered_node = fields.get("numbered")
        if numbered_node is not None:
            if isinstance(numbered_node, yaml.ScalarNode) and numbered_node.tag == _BOOL:
                numbered = numbered_node.value.lower() in ("true", "yes", "on")
            else:
                check.add(numbered_node, f"{where}：numbered 应为 true 或 false")
        steps: list[str] = []
        steps_node = fields.get("steps")
        if steps_node is None:
            check.add(block_node, f"{where}：缺少 steps")
        for step_node in check.sequence(steps_node, f"{where} 的 steps"):
            step = check.text(step_node, f"{where} 的步骤", steps_node)
            if step is not None:
                steps.append(step)
        if isinstance(steps_node, yaml.SequenceNode) and not steps_node.value:
            check.add(steps_node, f"{where}：steps 为空")
        blocks.append(
            Block(steps=tuple(steps), heading=heading, department=department, numbered=numbered)
        )
    if isinstance(node, yaml.SequenceNode) and not node.value:
        check.add(node, f"{where} 为空")
    return tuple(blocks)



_SYNONYM_KEYS = {"schema", "synonyms"}


def load_synonyms(path: str | os.PathLike[str]) -> dict[str, list[str]]:
    """Read ``synonyms.yaml``: a mapping from a word people say to words of the document."""
    text, shown = _read(path)
    root = _compose(text, shown)
    if root is None:
        return {}
    check = _Checker(shown, [])
    top = check.mapping(root, "同义词文件", _SYNONYM_KEYS)
    result: dict[str, list[str]] = {}
    table = top.get("synonyms")
    if table is not None and not (isinstance(table, yaml.MappingNode) and table.tag == _MAP):
        check.add(table, "synonyms 应为映射（说法: [文件用词, …]）")
    elif table is not None:
        for key_node, value_node in table.value:
            word = check.text(key_node, "同义词的说法", table)
            if word is None:
                continue
            if word in result:
                check.add(key_node, f"同义词 {word!r} 重复")
                continue
            if isinstance(value_node, yaml.ScalarNode):
                targets = [check.text(value_node, f"{word!r} 的同义词", key_node)]
            else:
                targets = [
                    check.text(n, f"{word!r} 的同义词", key_node)
                    for n in check.sequence(value_node, f"{word!r} 的同义词")
                ]
            kept = [t for t in targets if t is not None]
            if not kept:
                check.add(value_node, f"{word!r} 的同义词为空")
            result[word] = kept
    if check.problems:
        raise SourceError(check.problems)
    return result


def synonyms_beside(source: Path) -> Path | None:
    """The ``synonyms.yaml`` next to a duties file, if there is one."""
    candidate = Path(source).with_name("synonyms.yaml")
    return candidate if candidate.is_file() else None


def synonym_targets_not_found(catalog: Catalog, synonyms: dict[str, list[str]]) -> list[str]:
    """Synonym targets that occur nowhere in the list, which could never match (a warning)."""
    from dutylist.textsearch import segments

    def flat(text: str) -> str:
        return "".join(segments(text))

    pieces = [
        text for duty in catalog.duties() for text in (duty.name, *duty.departments,
                                                         *duty.body_texts())
    ]
    everything = "\n".join(flat(piece) for piece in pieces)
    return [
        f"同义词 {word!r} 的 {target!r} 在清单中找不到，不会匹配任何事项"
        for word, targets in synonyms.items()
        for target in targets
        if flat(target) not in everything
    ]

