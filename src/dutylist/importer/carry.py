"""What a new import keeps from the list it replaces: edition facts kept as data.

The official text does not carry everything the YAML holds.  From the YAML being
replaced the importer keeps:

* ``document`` fields (township, county, title, 文号, date, version) unless options
  give new ones;
* each department's ``aliases`` and ``former_names``; a department that disappears
  while a new one takes its place in the same items (matched by their names) is a
  renaming, and the old name is added to the new department's ``former_names``;
* notes, which follow an item's text (its list, name and category), never its
  number; a note is dropped when the item's category changed (a corrected
  misprint) or the item is gone, and the summary says so.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from dutylist.ids import LIST_KINDS, make_id

Item = dict[str, Any]
Lists = dict[str, list[Item]]

_PREFIX_SHORT = (("木垒县委", "县委"), ("木垒县", "县"), ("昌吉州", "州"))


@dataclass
class Carried:
    """What was carried over or changed, for the summary printed after an import."""

    renamed: list[tuple[str, str]] = field(default_factory=list)  # (old, new)
    notes_kept: list[str] = field(default_factory=list)  # new ids
    notes_dropped: list[tuple[str, str]] = field(default_factory=list)  # (old id, why)


def previous_lists(previous: Mapping[str, Any] | None) -> Lists:
    if not previous:
        return {}
    lists = previous.get("lists") or {}
    return {
        kind: list((lists.get(kind) or {}).get("items") or [])
        for kind in LIST_KINDS
        if isinstance(lists.get(kind), dict)
    }


def carry_notes(lists: Lists, previous: Lists, carried: Carried) -> None:
    """Put each old note on the item with the same list, name and category."""
    wanted: dict[tuple[str, str], list[Item]] = defaultdict(list)
    for kind, items in lists.items():
        for item in items:
            wanted[(kind, item["name"])].append(item)
    for kind, items in previous.items():
        for old in items:
            note = old.get("note")
            if not note:
                continue
            old_id = make_id(kind, old.get("seq", 0))  # type: ignore[arg-type]
            matches = wanted.get((kind, str(old.get("name"))), [])
            same = [m for m in matches if m["category"] == old.get("category") and "note" not in m]
            if same:
                same[0]["note"] = note
                carried.notes_kept.append(make_id(kind, same[0]["seq"]))  # type: ignore[arg-type]
            elif matches:
                carried.notes_dropped.append((old_id, "category"))
            else:
                carried.notes_dropped.append((old_id, "gone"))


def short_forms(name: str, county: str) -> list[str]:
    """``县民政局`` / ``州生态环境局…`` forms of a department name (as the text writes them)."""
    forms = []
    for prefix, short in ((county, "县"), ("昌吉州", "州")):
        if name.startswith(prefix) and len(name) > len(prefix):
            forms.append(short + name[len(prefix):])
    return forms


def bare_form(name: str, county: str) -> str:
    """The name without its 木垒县委 / 木垒县 / 昌吉州 prefix."""
    for prefix in (county + "委", county, "昌吉州"):
        if name.startswith(prefix) and len(name) > len(prefix):
            return name[len(prefix):]
    return name


def _default_aliases(name: str, county: str, corpus: str) -> list[str]:
    aliases = [c for c in short_forms(name, county) if c in corpus]
    bare = bare_form(name, county)
    if bare != name and bare not in aliases:
        aliases.append(bare)
    return aliases


def _texts(item: Item) -> Iterable[str]:
    yield str(item.get("name", ""))
    for side in ("upper_duties", "township_duties"):
        for b in item.get(side) or []:
            for key in ("heading", "department"):
                if b.get(key):
                    yield str(b[key])
            yield from (str(s) for s in b.get("steps") or [])


def _item_departments(lists: Lists) -> dict[str, set[str]]:
    """Department names by item name (an item keeps its name across lists and numbers)."""
    out: dict[str, set[str]] = defaultdict(set)
    for items in lists.values():
        for item in items:
            out[str(item.get("name"))].update(item.get("departments") or [])
    return out


def build_departments(
    lists: Lists, previous: Mapping[str, Any] | None, county: str, carried: Carried
) -> list[dict[str, Any]]:
    """Departments in order of first appearance, with aliases and former names."""
    names: list[str] = []
    for kind in LIST_KINDS:
        for item in lists.get(kind, []):
            for d in item.get("departments", []):
                if d not in names:
                    names.append(d)
    old_entries: dict[str, Mapping[str, Any]] = {}
    for entry in (previous or {}).get("departments") or []:
        if isinstance(entry, Mapping) and isinstance(entry.get("name"), str):
            old_entries[entry["name"]] = entry
    formers = _renamings(lists, previous_lists(previous), names, old_entries, carried)
    corpus = "\n".join(t for items in lists.values() for item in items for t in _texts(item))
    taken: set[str] = set(names)
    out: list[dict[str, Any]] = []
    for name in names:
        old = old_entries.get(name)
        if old is not None:
            aliases = [a for a in old.get("aliases") or [] if isinstance(a, str)]
            former = [f for f in old.get("former_names") or [] if isinstance(f, str)]
        else:
            aliases = _default_aliases(name, county, corpus)
            former = []
        for gone in formers.get(name, []):
            # the old name and every other name it had, so all of them still find the items
            old = old_entries.get(gone, {})
            chain = [gone, *(old.get("aliases") or []), *(old.get("former_names") or [])]
            former.extend(f for f in chain if isinstance(f, str) and f not in former)
        # a name, alias or former name belongs to one department only (the first to claim it)
        aliases = list(dict.fromkeys(a for a in aliases if a not in taken))
        taken.update(aliases)
        former = list(dict.fromkeys(f for f in former if f not in taken))
        taken.update(former)
        department: dict[str, Any] = {"name": name, "aliases": aliases}
        if former:
            department["former_names"] = former
        out.append(department)
    return out


def _renamings(
    lists: Lists,
    old_lists: Lists,
    names: list[str],
    old_entries: Mapping[str, Mapping[str, Any]],
    carried: Carried,
) -> dict[str, list[str]]:
    """New name -> old names it replaces in the same (name-matched) items."""
    gone = [n for n in old_entries if n not in names]
    if not gone:
        return {}
    before = _item_departments(old_lists)
    after = _item_departments(lists)
    new_names = {n for n in names if n not in old_entries}
    result: dict[str, list[str]] = defaultdict(list)
    for old_name in gone:
        votes: Counter[str] = Counter()
        for item_name, departments in before.items():
            if old_name in departments and item_name in after:
                votes.update(d for d in after[item_name] - departments if d in new_names)
        if votes:
            new_name, _ = max(votes.items(), key=lambda kv: (kv[1], -names.index(kv[0])))
            result[new_name].append(old_name)
            carried.renamed.append((old_name, new_name))
    return result
