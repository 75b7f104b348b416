"""The database schema and every reader of it (read-only, standard-library sqlite3).

Each fact is stored once: a duty's departments only as ``duty_departments``
rows (in printed order), a department's aliases only as
``department_aliases`` rows. ``store.build`` creates the tables from
``TABLES_SQL``; ``query`` and ``revisions`` read through the functions here.
"""

from __future__ import annotations

import json
import os
import sqlite3
from collections import defaultdict
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from dutylist import labels
from dutylist.errors import DatabaseError
from dutylist.ids import LIST_KINDS, SIDES, ListKind
from dutylist.paths import sqlite_uri

if TYPE_CHECKING:
    from dutylist.model import Catalog, DutyList

SCHEMA_VERSION = "5"
"""Version of the database layout; other versions are refused.

2: separate name index. 3: departments and aliases stored once (no
``duties.departments`` text, no ``departments.aliases`` JSON). 4: former names
of departments beside their aliases (``department_aliases.former``). 5: single
characters in their own small table (``chars_fts``), out of ``duties_fts`` and
``names_fts``.
"""

FTS_COLUMNS = ("name_bi", "dept_bi", "body_bi")
"""Columns of ``duties_fts``: the bigram streams of name, departments, steps."""
NAME_COLUMNS = ("name_bi",)
"""Columns of ``names_fts``, which ranks the items whose name matches."""
CHAR_COLUMNS = ("chars",)
"""Columns of ``chars_fts``: an item's distinct single characters, tagged by field
(``textsearch.char_stream``: ``n犬`` in the name, ``d林`` departments, ``b村`` steps)."""
FTS_TABLES = {"duties_fts": FTS_COLUMNS, "names_fts": NAME_COLUMNS, "chars_fts": CHAR_COLUMNS}
FTS_OPTIONS = {
    "duties_fts": "detail='full'",
    "names_fts": "detail='full'",
    "chars_fts": "detail='none'",
}
"""``chars_fts`` needs no positions or columns (a character is a whole word there,
its field is in the token): ``detail=none`` keeps it at a fraction of the size.
(``columnsize=0`` would save 10 bytes an item more, but a contentless table
without sizes cannot be scanned: ``SELECT * FROM chars_fts`` would fail.)"""

# FTS5's bm25 normalises by the length of the whole row, so a long list of
# steps would drown a match in a short name. Names get an index of their own.
TABLES_SQL = """
CREATE TABLE metadata (key TEXT PRIMARY KEY, value TEXT);
CREATE TABLE departments (id INTEGER PRIMARY KEY, name TEXT NOT NULL);
CREATE TABLE department_aliases (
    alias TEXT PRIMARY KEY,
    department_id INTEGER NOT NULL REFERENCES departments(id),
    position INTEGER NOT NULL,
    former INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE duties (
    rowid INTEGER PRIMARY KEY,
    id TEXT NOT NULL,
    list TEXT NOT NULL,
    seq INTEGER NOT NULL,
    category TEXT NOT NULL,
    name TEXT NOT NULL,
    note TEXT
);
CREATE TABLE duty_departments (
    duty_id TEXT NOT NULL REFERENCES duties(id),
    department_id INTEGER NOT NULL REFERENCES departments(id),
    position INTEGER NOT NULL,
    PRIMARY KEY (duty_id, position)
);
CREATE TABLE blocks (
    id INTEGER PRIMARY KEY,
    duty_id TEXT NOT NULL REFERENCES duties(id),
    side TEXT NOT NULL,
    position INTEGER NOT NULL,
    heading TEXT,
    department TEXT,
    numbered INTEGER NOT NULL
);
CREATE TABLE steps (
    block_id INTEGER NOT NULL REFERENCES blocks(id),
    position INTEGER NOT NULL,
    text TEXT NOT NULL,
    PRIMARY KEY (block_id, position)
) WITHOUT ROWID;
CREATE TABLE synonyms (word TEXT, target TEXT, position INTEGER, PRIMARY KEY (word, position));
CREATE TABLE vocab (word TEXT PRIMARY KEY, weight INTEGER NOT NULL) WITHOUT ROWID;
CREATE TABLE pinyin_keys (
    key TEXT NOT NULL,
    word TEXT NOT NULL,
    weight INTEGER NOT NULL,
    PRIMARY KEY (key, word)
) WITHOUT ROWID;
CREATE TABLE char_pinyin (char TEXT PRIMARY KEY, readings TEXT NOT NULL) WITHOUT ROWID;
""" + "".join(
    # The streams are already tokens (textsearch.index_streams: folded, lower
    # case, separated by spaces), so FTS5 only has to split on the spaces: its
    # 'ascii' tokenizer does that (non-ASCII characters are token characters)
    # faster than 'unicode61', and gives the same tokens for index and query.
    f"CREATE VIRTUAL TABLE {table} USING fts5({', '.join(columns)}, "
    f"content='', tokenize='ascii', {FTS_OPTIONS[table]});\n"
    for table, columns in FTS_TABLES.items()
)

INDEXES_SQL = (
    "CREATE UNIQUE INDEX idx_duties_list_seq ON duties (list, seq)",
    "CREATE UNIQUE INDEX idx_duties_id ON duties (id)",
    "CREATE INDEX idx_duties_category ON duties (category)",
    "CREATE INDEX idx_duty_departments_department_id ON duty_departments (department_id)",
    "CREATE INDEX idx_department_aliases_department_id ON department_aliases (department_id)",
    "CREATE INDEX idx_blocks_duty_id ON blocks (duty_id)",
)
"""Created after the rows are in (faster than keeping them up to date while inserting)."""

DUTY_COLUMNS = "d.rowid, d.id, d.list, d.seq, d.category, d.name, d.note"
"""The columns of an item as listed (``duties d``), without its departments."""



def _open(path: Path, *, immutable: bool) -> tuple[sqlite3.Connection, Any]:
    """A read-only connection and the schema version it reads (or sqlite3.Error)."""
    uri = sqlite_uri(path) + ("&immutable=1" if immutable else "")
    conn = sqlite3.connect(uri, uri=True)
    try:
        conn.row_factory = sqlite3.Row
        row = conn.execute("SELECT value FROM metadata WHERE key = 'schema_version'").fetchone()
    except sqlite3.Error:
        conn.close()
        raise
    return conn, row


def _is_wal(path: Path) -> bool:
    """True for a database in WAL mode (header bytes 18 and 19 are 2)."""
    try:
        with open(path, "rb") as handle:
            header = handle.read(20)
    except OSError:
        return False
    return header[:16] == b"SQLite format 3\x00" and header[18:20] == b"\x02\x02"


def connect(path: Path) -> sqlite3.Connection:
    """Open a database read-only, checking that it is a dutylist database of this schema.

    A WAL-mode database in a folder this user cannot write (SQLite cannot make its
    ``-shm`` file there) is opened as immutable when no ``-wal`` file holds changes,
    and is otherwise said to be in a read-only folder, not called corrupt.
    """
    if not path.is_file():
        if path.exists():
            raise DatabaseError(labels.NOT_A_DATABASE_FILE.format(path=path))
        raise DatabaseError(labels.DATABASE_MISSING.format(path=path))
    if not os.access(path, os.R_OK):
        raise DatabaseError(labels.DATABASE_NO_READ_PERMISSION.format(path=path))
    try:
        conn, row = _open(path, immutable=False)
    except sqlite3.Error as exc:
        if not _is_wal(path):
            raise DatabaseError(
                labels.NOT_A_DUTYLIST_DATABASE.format(path=path, error=exc)
            ) from None
        wal = path.with_name(path.name + "-wal")
        if wal.is_file() and wal.stat().st_size > 0:
            raise DatabaseError(labels.WAL_READ_ONLY.format(path=path, wal=wal.name)) from None
        try:
            conn, row = _open(path, immutable=True)
        except sqlite3.Error as again:
            raise DatabaseError(
                labels.NOT_A_DUTYLIST_DATABASE.format(path=path, error=again)
            ) from None
    if row is None or row[0] != SCHEMA_VERSION:
        found = row[0] if row else "none"
        conn.close()
        raise DatabaseError(
            labels.SCHEMA_UNSUPPORTED.format(path=path, found=found, expected=SCHEMA_VERSION)
        )
    return conn


# ---------------------------------------------------------------- readers


def damaged(what: str) -> DatabaseError:
    """A database that opened but holds what no build writes (exit 3, never a crash)."""
    return DatabaseError(labels.DATABASE_BAD_CONTENT.format(what=what))


def checked_text(value: object, what: str, *, optional: bool = False) -> Any:
    """A text column's value, checked: a blob or a number where text belongs is an error."""
    if isinstance(value, str) or (optional and value is None):
        return value
    raise damaged(f"{what} 不是文本")


def checked_kind(value: object, what: str) -> ListKind:
    if value not in LIST_KINDS:
        raise damaged(f"{what} 属于未知清单 {value!r}")
    return value


def metadata(conn: sqlite3.Connection) -> dict[str, str]:
    return dict(conn.execute("SELECT key, value FROM metadata").fetchall())


def load_synonyms(conn: sqlite3.Connection) -> dict[str, list[str]]:
    result: dict[str, list[str]] = {}
    for word, target in conn.execute("SELECT word, target FROM synonyms ORDER BY word, position"):
        result.setdefault(checked_text(word, "同义词"), []).append(checked_text(target, "同义词"))
    return result


def departments(conn: sqlite3.Connection) -> list[tuple[int, str, list[str]]]:
    """(id, full name, other names) of every department, in the declared order.

    The other names are the aliases, then the former names: a department is found
    by any of them.
    """
    return [
        (dept_id, name, [*aliases, *former])
        for dept_id, name, aliases, former in department_names(conn)
    ]


def department_names(
    conn: sqlite3.Connection,
) -> list[tuple[int, str, list[str], list[str]]]:
    """(id, full name, aliases, former names) of every department, in the declared order."""
    others: dict[tuple[int, int], list[str]] = defaultdict(list)
    for dept_id, alias, former in conn.execute(
        "SELECT department_id, alias, former FROM department_aliases "
        "ORDER BY department_id, former, position"
    ):
        others[(dept_id, former)].append(checked_text(alias, "部门简称"))
    return [
        (dept_id, checked_text(name, "部门名称"), others.get((dept_id, 0), []),
         others.get((dept_id, 1), []))
        for dept_id, name in conn.execute("SELECT id, name FROM departments ORDER BY id")
    ]


def duty_departments(conn: sqlite3.Connection, duty_ids: Iterable[str]) -> dict[str, list[str]]:
    """The departments of each of ``duty_ids``, in printed order (one query, any number of ids)."""
    result: dict[str, list[str]] = defaultdict(list)
    for duty_id, name in conn.execute(
        "SELECT l.duty_id, p.name FROM json_each(:ids) j "
        "JOIN duty_departments l ON l.duty_id = j.value "
        "JOIN departments p ON p.id = l.department_id ORDER BY j.key, l.position",
        {"ids": json.dumps(list(duty_ids))},
    ):
        result[duty_id].append(checked_text(name, "部门名称"))
    return result


def read_catalog(conn: sqlite3.Connection) -> Catalog:
    """Rebuild the Catalog a database was built from (the inverse of ``store.build``)."""
    # The dataclasses are built only here, off the search path.
    from dutylist.model import Block, Catalog, Department, Document, Duty, DutyList

    meta = metadata(conn)
    missing = [key for key in ("township", "county", "title") if not meta.get(key)]
    if missing:
        raise DatabaseError(labels.DATABASE_MISSING_DOCUMENT.format(keys="、".join(missing)))
    document = Document(
        township=meta["township"],
        county=meta["county"],
        title=meta["title"],
        source=meta.get("document_source"),
        doc_number=meta.get("doc_number"),
        date=meta.get("date"),
        version=meta.get("version"),
    )
    names: dict[int, str] = {}
    declared = []
    for dept_id, name, aliases, former in department_names(conn):
        names[dept_id] = name
        declared.append(
            Department(name=name, aliases=tuple(aliases), former_names=tuple(former))
        )
    links: dict[str, list[str]] = defaultdict(list)
    for duty_id, dept_id in conn.execute(
        "SELECT duty_id, department_id FROM duty_departments ORDER BY duty_id, position"
    ):
        if dept_id not in names:
            raise damaged(f"{duty_id} 的部门 {dept_id!r} 不存在")
        links[duty_id].append(names[dept_id])
    steps: dict[int, list[str]] = defaultdict(list)
    for block_id, text in conn.execute(
        "SELECT block_id, text FROM steps ORDER BY block_id, position"
    ):
        steps[block_id].append(checked_text(text, "步骤"))
    blocks: dict[tuple[str, str], list[Block]] = defaultdict(list)
    for block_id, duty_id, side, heading, department, numbered in conn.execute(
        "SELECT id, duty_id, side, heading, department, numbered FROM blocks "
        "ORDER BY duty_id, side, position"
    ):
        if side not in SIDES:
            raise damaged(f"{duty_id} 的职责块属于未知的一方 {side!r}")
        blocks[(duty_id, side)].append(
            Block(
                steps=tuple(steps.get(block_id, ())),
                heading=checked_text(heading, f"{duty_id} 的标题", optional=True),
                department=checked_text(department, f"{duty_id} 的部门", optional=True),
                numbered=bool(numbered),
            )
        )
    items: dict[str, list[Duty]] = defaultdict(list)
    for duty_id, kind, seq, category, name, note in conn.execute(
        "SELECT id, list, seq, category, name, note FROM duties ORDER BY rowid"
    ):
        if kind not in LIST_KINDS:
            raise DatabaseError(labels.DATABASE_UNKNOWN_LIST.format(id=duty_id, kind=kind))
        if not isinstance(seq, int):
            raise damaged(f"{duty_id} 的序号不是整数")
        upper, township = (tuple(blocks.get((duty_id, side), ())) for side in SIDES)
        items[kind].append(
            Duty(
                list=kind,
                seq=seq,
                category=checked_text(category, f"{duty_id} 的事项类别"),
                name=checked_text(name, f"{duty_id} 的事项名称"),
                departments=tuple(links.get(duty_id, ())),
                upper_duties=upper,
                township_duties=township,
                note=checked_text(note, f"{duty_id} 的备注", optional=True),
            )
        )
    lists: dict[ListKind, DutyList] = {}
    for kind in LIST_KINDS:
        title = meta.get(f"title_{kind}")
        if title is None and not items.get(kind):
            continue
        lists[kind] = DutyList(
            kind=kind, title=title or labels.LIST_TITLES[kind], items=tuple(items.get(kind, ()))
        )
    return Catalog(document=document, departments=tuple(declared), lists=lists)
