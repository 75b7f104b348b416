"""What a revision of the list changes: two catalogs compared item by item.

Either side may be a YAML source or a built database (told apart by the
SQLite file header, not the extension). Items are paired by name within a
list first, so inserting an item in the middle (which shifts every later
seq) shows as one addition and some renumbering, not as a cascade of
changes; an item whose name reappears in another list is a move (a
coordinated duty taken back by the county shows as C→W).

The package, by job: ``chardiff`` (character diff), ``match`` (pairing items
across versions), ``compare`` (field, step and department diffs,
``diff_catalogs``), ``types`` (the results and their JSON form). Here: loading
a side. The text and table forms of a diff are in ``render.diff``.

Pure standard library and dutylist modules; the YAML loader is imported only
when a YAML side must be read.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

from dutylist import labels
from dutylist.errors import DatabaseError, DutylistError, SourceError
from dutylist.model import Catalog
from dutylist.revisions.chardiff import char_diff
from dutylist.revisions.compare import diff_catalogs, field_changes, step_changes
from dutylist.revisions.match import match_items
from dutylist.revisions.types import CatalogDiff

__all__ = [
    "CatalogDiff", "char_diff", "diff_catalogs", "diff_paths", "field_changes", "is_sqlite",
    "load_previous", "load_side", "match_items", "step_changes",
]

SQLITE_HEADER = b"SQLite format 3\x00"


def is_sqlite(path: Path) -> bool:
    """True when the file starts with the SQLite header (whatever its extension)."""
    with open(path, "rb") as handle:
        return handle.read(len(SQLITE_HEADER)) == SQLITE_HEADER


def load_side(path: str | Path, notes: list[str] | None = None) -> Catalog:
    """A YAML source or a built database, as a Catalog.

    Raises SourceError for a missing or unreadable file or an invalid YAML
    source, DatabaseError for a database that is not a readable dutylist one.
    ``notes`` gets the line saying a YAML that is not UTF-8 was read as GBK or UTF-16.
    """
    path = Path(path)
    if not path.exists():
        raise SourceError([labels.FILE_MISSING.format(path=path)])
    if not path.is_file():
        raise SourceError([labels.NOT_A_FILE.format(path=path)])
    try:
        database = is_sqlite(path)
    except OSError as exc:
        raise SourceError(
            [labels.FILE_UNREADABLE.format(path=path, reason=exc.strerror or exc)]
        ) from None
    if not database:
        from dutylist import source

        return source.load_catalog(path, notes=notes)
    from dutylist.store.schema import connect, read_catalog

    conn = connect(path)
    try:
        return read_catalog(conn)
    except sqlite3.Error as exc:
        raise DatabaseError(labels.DATABASE_UNREADABLE.format(path=path, error=exc)) from None
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


def diff_paths(
    old: str | Path, new: str | Path, notes: list[str] | None = None
) -> CatalogDiff:
    """``dutylist diff OLD NEW``: load both sides (YAML or database) and compare."""
    return diff_catalogs(load_side(old, notes), load_side(new, notes))
