"""What a comparison finds, as frozen dataclasses with their JSON form."""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import cached_property
from typing import Any, Literal

from dutylist.model import Block, Department, Document, Duty, ListKind
from dutylist.revisions.chardiff import DiffOp, char_diff

StepOp = Literal["insert", "delete", "replace"]
LineKind = Literal["heading", "department", "step", "numbered"]

ITEM_FIELDS: tuple[str, ...] = (
    "category", "name", "departments", "upper_duties", "township_duties", "note",
)


DOCUMENT_FIELDS: tuple[str, ...] = (
    "township", "county", "title", "source", "doc_number", "date", "version",
)


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


def to_data(value: Any) -> Any:
    """Any result as JSON-able data: the one serialiser of this package.

    A dataclass becomes its fields in order (a field's ``metadata["json"]``
    renames it, or with ``False`` leaves it out), followed by what its
    ``json_extra()`` adds; tuples become lists.
    """
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        data: dict[str, Any] = {}
        for item in dataclasses.fields(value):
            key = item.metadata.get("json", item.name)
            if key is not False:
                data[key] = to_data(getattr(value, item.name))
        extra = getattr(value, "json_extra", None)
        if extra is not None:
            data.update(to_data(extra()))
        return data
    if isinstance(value, (list, tuple)):
        return [to_data(v) for v in value]
    if isinstance(value, dict):
        return {k: to_data(v) for k, v in value.items()}
    return value


def duty_dict(duty: Duty) -> dict[str, Any]:
    """An item as JSON-able data (its id first), every key always present."""
    data: dict[str, Any] = {"id": duty.id, **to_data(duty)}
    return data


def _diff_json(diff: Iterable[tuple[DiffOp, str]]) -> list[list[str]]:
    return [[op, text] for op, text in diff]


@dataclass(frozen=True)
class StepChange:
    """One line of a duties cell added, removed or edited.

    ``kind`` is heading, department or step (a line of text), or numbered
    (a block switched between numbered and plain steps; old/new are
    ``"true"``/``"false"``). Blocks and steps count from 1.
    """

    op: StepOp
    kind: LineKind
    old_block: int | None = None
    old_step: int | None = None
    new_block: int | None = None
    new_step: int | None = None
    old: str | None = None
    new: str | None = None

    @cached_property  # once, for both the text and the json
    def diff(self) -> list[tuple[DiffOp, str]]:
        return char_diff(self.old or "", self.new or "")

    def json_extra(self) -> dict[str, Any]:
        return {"diff": _diff_json(self.diff) if self.op == "replace" else None}


@dataclass(frozen=True)
class FieldChange:
    """One field of an item (or of the document) changed; old/new as text, None if absent."""

    field: str
    old: str | None
    new: str | None
    steps: tuple[StepChange, ...] = dataclasses.field(default=(), metadata={"json": False})

    @cached_property  # once, for both the text and the json
    def diff(self) -> list[tuple[DiffOp, str]]:
        return char_diff(self.old or "", self.new or "")

    def json_extra(self) -> dict[str, Any]:
        """The char diff; for a duties cell, the line-by-line steps too."""
        data: dict[str, Any] = {"diff": _diff_json(self.diff)}
        if self.field in ("upper_duties", "township_duties"):
            data["steps"] = self.steps
        return data


@dataclass(frozen=True)
class ItemChange:
    """An item in both versions (same list) whose fields differ; ids differ if renumbered."""

    new_id: str = dataclasses.field(metadata={"json": "id"})
    old_id: str
    name: str
    fields: tuple[FieldChange, ...]

    @property
    def id(self) -> str:
        return self.new_id


@dataclass(frozen=True)
class Move:
    """An item that went from one list to another (e.g. C40 → W38), with any field changes."""

    old_id: str
    new_id: str
    old_list: ListKind
    new_list: ListKind
    name: str
    fields: tuple[FieldChange, ...] = ()


@dataclass(frozen=True)
class Renumber:
    """An item that kept its list but not its seq."""

    old_id: str
    new_id: str


@dataclass(frozen=True)
class DepartmentChange:
    """A department renamed and/or given other aliases or former names."""

    old_name: str
    new_name: str
    old_aliases: tuple[str, ...]
    new_aliases: tuple[str, ...]
    old_former: tuple[str, ...] = ()
    new_former: tuple[str, ...] = ()

    @property
    def renamed(self) -> bool:
        return self.old_name != self.new_name

    @property
    def aliases_changed(self) -> bool:
        return self.old_aliases != self.new_aliases

    @property
    def former_changed(self) -> bool:
        return self.old_former != self.new_former

    def json_extra(self) -> dict[str, Any]:
        return {"renamed": self.renamed}


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


def revision_dict(document: Document) -> dict[str, str | None]:
    """The document's identity and revision (文号, date, version) as data."""
    return {key: getattr(document, key) for key in DOCUMENT_FIELDS}


@dataclass(frozen=True)
class CatalogDiff:
    """Everything that differs between two versions of the list."""

    old_document: Document
    new_document: Document
    old_counts: Mapping[ListKind, int]
    new_counts: Mapping[ListKind, int]
    document: tuple[FieldChange, ...] = ()
    departments: DepartmentDiff = dataclasses.field(default_factory=DepartmentDiff)
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
            "document": to_data(self.document),
            "departments": to_data(self.departments),
            "added": [duty_dict(d) for d in self.added],
            "removed": [duty_dict(d) for d in self.removed],
            "changed": to_data(self.changed),
            "moved": to_data(self.moved),
            "renumbered": to_data(self.renumbered),
        }

    def to_json(self, *, indent: int | None = 2) -> str:
        return json.dumps(self.as_dict(), ensure_ascii=False, indent=indent)
