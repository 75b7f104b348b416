"""Categories and departments by name: listing them, and resolving what users type.

A department may be named in full (木垒县民政局), by an alias (县民政局,
民政局), or by a fragment only one department's names contain; a name that
matches nothing gets suggestions. Read-only, standard library only.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from typing import NamedTuple

from dutylist import labels
from dutylist.errors import UsageError
from dutylist.store.schema import department_names as declared_names
from dutylist.store.schema import departments, metadata


def category_names(conn: sqlite3.Connection) -> list[str]:
    rows = conn.execute("SELECT category FROM duties GROUP BY category ORDER BY min(rowid)")
    return [row[0] for row in rows]


def department_names(conn: sqlite3.Connection) -> list[str]:
    return [row[0] for row in conn.execute("SELECT name FROM departments ORDER BY id")]


def department_labels(conn: sqlite3.Connection) -> list[list[str]]:
    """Each department's full name, its aliases (县民政局, 民政局), then its former names."""
    return [[name, *aliases] for _, name, aliases in departments(conn)]


def _suggest(text: str, choices: Sequence[str]) -> str:
    import difflib  # only on this error path

    close = difflib.get_close_matches(text, choices, n=3, cutoff=0.3)
    if not close:
        close = [c for c in choices if any(ch in c for ch in text)][:3]
    return labels.SUGGESTION.format(choices=labels.SEP.join(close)) if close else ""


def resolve_category(conn: sqlite3.Connection, text: str) -> str:
    """The category named by ``text``: exact, or the only one containing it."""
    text = text.strip()
    if not text:
        raise UsageError(labels.EMPTY_CATEGORY)
    names = category_names(conn)
    if text in names:
        return text
    partial = [name for name in names if text in name]
    if len(partial) == 1:
        return partial[0]
    if len(partial) > 1:
        raise UsageError(
            labels.AMBIGUOUS_CATEGORY.format(text=text, choices=labels.SEP.join(partial))
        )
    raise UsageError(labels.UNKNOWN_CATEGORY.format(text=text, suggestion=_suggest(text, names)))


def resolve_department(conn: sqlite3.Connection, text: str) -> tuple[int, str]:
    """(id, full name) of the department named by ``text``.

    Accepts the full name (木垒县民政局), an alias (县民政局, 民政局), a former
    name (计生委 for 木垒县卫生健康委员会), or a fragment that only one
    department's names contain.
    """
    text = text.strip()
    if not text:
        raise UsageError(labels.EMPTY_DEPARTMENT)
    declared = departments(conn)
    label_sets: dict[int, list[str]] = {i: [name, *aliases] for i, name, aliases in declared}
    names = {i: name for i, name, _ in declared}
    for dept_id, dept_labels in label_sets.items():
        if text in dept_labels:
            return dept_id, names[dept_id]
    renamed = former_name_match(conn, text)
    if renamed is not None:
        return renamed.department_id, renamed.name
    # 县民政局 / 木垒县民政局 for 民政局: the county's name (from the database) or 县.
    county = metadata(conn).get("county")
    prefixes = (county, labels.COUNTY) if county else (labels.COUNTY,)
    for prefix in prefixes:
        if text.startswith(prefix) and len(text) > len(prefix):
            bare = text[len(prefix) :]
            for dept_id, dept_labels in label_sets.items():
                if bare in dept_labels or names[dept_id].endswith(bare):
                    return dept_id, names[dept_id]
    spelled = _by_pinyin(conn, text, label_sets)
    if spelled is not None:  # minzhengju, mzj: the pinyin of a name
        return spelled, names[spelled]
    partial = [
        i for i, dept_labels in label_sets.items()
        if any(_inside(conn, text, label) for label in dept_labels)
    ]
    if len(partial) == 1:
        return partial[0], names[partial[0]]
    if len(partial) > 1:
        listed = labels.SEP.join(names[i] for i in partial[:8])
        raise UsageError(labels.AMBIGUOUS_DEPARTMENT.format(text=text, choices=listed))
    suggestion = _suggest(text, list(names.values()))
    raise UsageError(labels.UNKNOWN_DEPARTMENT.format(text=text, suggestion=suggestion))


def _by_pinyin(
    conn: sqlite3.Connection, text: str, label_sets: dict[int, list[str]]
) -> int | None:
    """The department whose name (any form) ``text`` spells in pinyin or initials."""
    key = "".join(text.lower().split())
    if not (key.isascii() and key.isalpha()):
        return None
    from dutylist.query import lexicon_of

    for word in lexicon_of(conn).from_pinyin([key], limit=20):
        for dept_id, dept_labels in label_sets.items():
            if word in dept_labels:
                return dept_id
    return None


def _inside(conn: sqlite3.Connection, text: str, label: str) -> bool:
    """``text`` occurs in ``label`` other than across two words (民政 is not in 人民政府办公室)."""
    start = label.find(text)
    if start < 0:
        return False
    from dutylist import vocab
    from dutylist.query import lexicon_of

    known = lexicon_of(conn).known(vocab.crossing_candidates(label, start, start + len(text)))
    while start >= 0:
        if not vocab.crossing(label, start, start + len(text), known):
            return True
        start = label.find(text, start + 1)
        if start >= 0:
            known |= lexicon_of(conn).known(
                vocab.crossing_candidates(label, start, start + len(text))
            )
    return False


class Renamed(NamedTuple):
    """A department found by a former name (原名): its id, current name, and that former name."""

    department_id: int
    name: str
    former: str


def _name_forms(name: str) -> list[str]:
    """A name, its 县… form and its bare form: 木垒县农业农村局, 县农业农村局, 农业农村局."""
    forms = [name]
    for prefix, short in (("木垒县委", "县委"), ("木垒县", "县"), ("昌吉州", "州")):
        if name.startswith(prefix) and len(name) > len(prefix):
            forms += [short + name[len(prefix):], name[len(prefix):]]
            break
    return forms


def former_name_match(conn: sqlite3.Connection, text: str) -> Renamed | None:
    """The department that ``text`` names by a former name (full, 县… or bare form), if any.

    A current name or alias comes first: then this is None.
    """
    text = text.strip()
    if not text:
        return None
    declared = declared_names(conn)
    if any(text in (name, *aliases) for _, name, aliases, _ in declared):
        return None
    for dept_id, name, _, formers in declared:
        for former in formers:
            if text in _name_forms(former):
                return Renamed(dept_id, name, former)
    return None
