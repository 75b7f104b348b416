"""``dutylist import``: read an official text, carry over from the list it replaces, write YAML.

The list being replaced is, in order: ``--previous``; the output file if it exists;
``data/duties.yaml`` of the current folder; the database in use.  The new YAML is
validated exactly as ``build`` validates before anything is written, and written
atomically.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from dutylist import labels
from dutylist.errors import DutylistError, SourceError, UsageError
from dutylist.importer import ImportResult, import_text, read_text, write_atomic
from dutylist.model import Block, Catalog

__all__ = ["ImportReport", "catalog_data", "import_file"]


@dataclass(frozen=True)
class ImportReport:
    text: str  # the official text as the user named it
    output: Path
    written: bool  # False when the output already held exactly this
    previous_label: str | None
    previous: Catalog | None
    catalog: Catalog
    result: ImportResult
    notes: list[str]  # the text or the previous list read as GBK or UTF-16


def import_file(
    text_path: Path,
    output: Path | None = None,
    *,
    previous: Path | None = None,
    revision: Mapping[str, str | None] | None = None,
    db: str | None = None,
) -> ImportReport:
    from dutylist.source import parse_catalog
    from dutylist.source.checker import check_lines

    target = output if output is not None else _default_output()
    if _same_file(text_path, target):
        raise UsageError(labels.IMPORT_OUTPUT_IS_TEXT.format(path=target))
    if target.is_dir():
        raise UsageError(labels.IMPORT_OUTPUT_IS_FOLDER.format(path=target))
    shown = str(text_path)
    notes: list[str] = []
    text = read_text(text_path, notes)
    old, old_label = _previous(previous, target, db, notes)
    result = import_text(
        text,
        previous=catalog_data(old) if old is not None else None,
        shown=shown,
        source=_recorded(text_path),
        revision=revision,
    )
    try:
        check_lines(result.yaml, str(target))
        catalog = parse_catalog(result.yaml, str(target))
    except SourceError as error:  # a bug of the importer, never silently written
        raise SourceError([labels.IMPORT_INVALID.format(problems=error)]) from None
    same = target.is_file() and target.read_bytes() == result.yaml.encode("utf-8")
    if not same:
        try:
            write_atomic(target, result.yaml)
        except OSError as exc:
            raise UsageError(
                labels.CANNOT_WRITE.format(path=target, reason=exc.strerror or exc)
            ) from None
    return ImportReport(shown, target, not same, old_label, old, catalog, result, notes)


def _same_file(a: Path, b: Path) -> bool:
    try:
        return a.exists() and b.exists() and a.samefile(b)
    except OSError:
        return False


def _default_output() -> Path:
    data = Path.cwd() / "data"
    if not data.is_dir():
        raise UsageError(labels.IMPORT_NO_OUTPUT)
    return Path("data") / "duties.yaml"


def _recorded(path: Path) -> str:
    """The text's path as recorded in ``document.source``.

    ``data/source/NAME`` for a text in a project's data/source/ folder, wherever the
    command runs; else relative to the current folder when inside it; else as given.
    """
    resolved = path.resolve()
    if resolved.parent.name == "source" and resolved.parent.parent.name == "data":
        return f"data/source/{resolved.name}"
    try:
        return resolved.relative_to(Path.cwd().resolve()).as_posix()
    except ValueError:
        return path.as_posix()


def _previous(
    explicit: Path | None, target: Path, db: str | None, notes: list[str]
) -> tuple[Catalog | None, str | None]:
    from dutylist.revisions import load_side

    if explicit is not None:
        return _load_previous(explicit, notes), str(explicit)
    for candidate in (target, Path("data") / "duties.yaml"):
        if candidate.is_file():
            return _load_previous(candidate, notes), str(candidate)
    from dutylist.paths import locate_database

    choice = locate_database(db)
    if choice.path.is_file():
        try:
            return load_side(choice.path), str(choice.path)
        except DutylistError:
            return None, None
    return None, None


def _load_previous(path: Path, notes: list[str]) -> Catalog:
    """The list being replaced; its problems say it is that list, not the new text."""
    from dutylist.revisions import load_side

    try:
        return load_side(path, notes)
    except SourceError as error:
        raise SourceError(
            [*error.problems, labels.IMPORT_PREVIOUS_INVALID.format(path=path)]
        ) from None


def catalog_data(catalog: Catalog) -> dict[str, Any]:
    """A catalog as the plain data the importer reads (the YAML's shape)."""
    document = {
        key: value for key, value in vars(catalog.document).items() if value is not None
    }
    departments = []
    for d in catalog.departments:
        entry: dict[str, Any] = {"name": d.name, "aliases": list(d.aliases)}
        if d.former_names:
            entry["former_names"] = list(d.former_names)
        departments.append(entry)
    lists: dict[str, Any] = {}
    for kind, duty_list in catalog.lists.items():
        items = []
        for duty in duty_list.items:
            item: dict[str, Any] = {"seq": duty.seq, "category": duty.category, "name": duty.name}
            if kind != "basic":
                item["departments"] = list(duty.departments)
                item["upper_duties"] = [_block(b) for b in duty.upper_duties]
            if kind == "coordinated":
                item["township_duties"] = [_block(b) for b in duty.township_duties]
            if duty.note:
                item["note"] = duty.note
            items.append(item)
        lists[kind] = {"title": duty_list.title, "items": items}
    return {"schema": 1, "document": document, "departments": departments, "lists": lists}


def _block(block: Block) -> dict[str, Any]:
    data: dict[str, Any] = {}
    if block.heading is not None:
        data["heading"] = block.heading
    if block.department is not None:
        data["department"] = block.department
    if not block.numbered:
        data["numbered"] = False
    data["steps"] = list(block.steps)
    return data
