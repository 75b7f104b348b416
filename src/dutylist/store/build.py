"""Model -> SQLite: the tables of ``store.schema``, the index, atomic replace.

Rows go in as tuples through ``executemany`` in one transaction, a chunk of
items at a time, so a county's lists build in seconds and memory stays flat.

The database is written to a temporary file beside the target and renamed
into place, so a failed or interrupted build leaves the previous database as
it was, and two builds at once cannot leave a half-written file. The database
replaced is kept as a backup (``store.backups``) unless it holds exactly the
same content; temporary files of killed builds are removed by the next build.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import hashlib
import os
import sqlite3
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import sqlite_utils

import dutylist
from dutylist import labels
from dutylist.errors import DatabaseError
from dutylist.ids import LIST_KINDS, SIDES
from dutylist.paths import sha256_file
from dutylist.store import backups
from dutylist.store.schema import (
    FTS_COLUMNS,
    FTS_TABLES,
    INDEXES_SQL,
    NAME_COLUMNS,
    SCHEMA_VERSION,
    TABLES_SQL,
)
from dutylist.textsearch import char_stream, index_streams

if TYPE_CHECKING:
    from dutylist.model import Catalog


@dataclass(frozen=True)
class Built:
    """What a build did: the file written (a symlink's target) and the backup kept, if any."""

    path: Path
    backup: Path | None = None
    unchanged: bool = False  # same content as the database replaced: no new backup
    notes: tuple[str, ...] = ()


def content_sha256(catalog: Catalog, synonyms: Mapping[str, Sequence[str]]) -> str:
    """A fingerprint of what a database holds (not when or from which file it was built)."""
    content = repr((SCHEMA_VERSION, catalog, sorted((k, list(v)) for k, v in synonyms.items())))
    return hashlib.sha256(content.encode("utf-8", "surrogatepass")).hexdigest()


def build_database(
    catalog: Catalog,
    target: Path,
    *,
    source: Path | None = None,
    synonyms: Mapping[str, Sequence[str]] | None = None,
    synonyms_source: Path | None = None,
    keep_backup: bool = True,
    tool_version: str | None = None,
    source_label: str | None = None,
    built_at: dt.datetime | None = None,
) -> Built:
    """Write ``catalog`` to ``target`` atomically, keeping the database it replaces as a backup.

    ``built_at`` is recorded as the build time; by default ``SOURCE_DATE_EPOCH`` when set
    (reproducible builds), else now. A symlink ``target`` is written through (the file it
    points to is replaced; the link stays). A build of the same content as the database in
    place adds no backup. A full disk or a read-only folder is said as such; the database in
    place is untouched.
    """
    target = backups.real_target(Path(target))
    synonyms = synonyms or {}
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        notes = backups.recover(target)
    except OSError as exc:
        raise backups.write_error(exc, target) from None
    backups.clean_stale(target)
    tmp = backups.temp_path(target)
    try:
        stamp = (built_at or build_time()).astimezone(dt.timezone.utc).replace(microsecond=0)
        _write(
            catalog, tmp, source, synonyms, synonyms_source, tool_version, source_label,
            stamp.isoformat(),
        )
        backup, unchanged = None, False
        if keep_backup:
            content = content_sha256(catalog, synonyms)
            _stamp_content(tmp, content)
            if target.is_file():
                unchanged = backups.content_of(target) == content
                if not unchanged:
                    backup = backups.keep(target)
        backups.replace_atomically(tmp, target)
        return Built(target, backup, unchanged, tuple(notes))
    except OSError as exc:
        raise backups.write_error(exc, target) from None
    except sqlite3.Error as exc:
        if getattr(exc, "sqlite_errorcode", None) == 13 or "full" in str(exc):  # SQLITE_FULL
            raise backups.write_error(OSError(28, "disk full"), target) from None
        raise DatabaseError(labels.WRITE_FAILED.format(path=target, reason=exc)) from None
    finally:
        for leftover in (tmp, tmp.with_name(tmp.name + "-journal")):
            with contextlib.suppress(FileNotFoundError):
                leftover.unlink()


def _stamp_content(path: Path, content: str) -> None:
    """Record the content fingerprint, so the next build can tell an identical list."""
    conn = sqlite3.connect(path)
    try:
        with conn:
            conn.execute(
                "INSERT OR REPLACE INTO metadata (key, value) VALUES ('content_sha256', ?)",
                (content,),
            )
    finally:
        conn.close()
    with open(path, "rb+") as handle:
        os.fsync(handle.fileno())


def _write(
    catalog: Catalog,
    path: Path,
    source: Path | None,
    synonyms: Mapping[str, Sequence[str]],
    synonyms_source: Path | None,
    tool_version: str | None,
    source_label: str | None,
    built_at: str,
) -> None:
    db = sqlite_utils.Database(path)
    conn = db.conn
    conn.isolation_level = None  # the one transaction below is explicit
    try:
        conn.execute("PRAGMA journal_mode = OFF")
        conn.execute("PRAGMA synchronous = OFF")
        conn.execute("PRAGMA cache_size = -131072")  # up to 128 MiB of pages while building
        conn.executescript(TABLES_SQL)
        for table in FTS_TABLES:
            for option, value in _FTS_BUILD_OPTIONS:
                conn.execute(f"INSERT INTO {table} ({table}, rank) VALUES (?, ?)", (option, value))
        conn.execute("BEGIN")
        _insert(conn, catalog, synonyms)
        _insert_metadata(
            conn, catalog, source, synonyms_source, tool_version, source_label, built_at
        )
        conn.execute("COMMIT")
        for table in FTS_TABLES:
            conn.execute(f"INSERT INTO {table} ({table}) VALUES ('optimize')")
        for statement in INDEXES_SQL:
            conn.execute(statement)
        conn.execute("PRAGMA journal_mode = DELETE")
        conn.execute("ANALYZE")
        conn.execute("PRAGMA optimize")
    finally:
        db.close()
    # The file must be complete on disk before it is renamed into place.
    with open(path, "rb+") as handle:
        os.fsync(handle.fileno())


# FTS5 settings for the bulk insert: a larger in-memory term hash (fewer, larger
# segments to merge; FTS5's default is 1 MiB) and lazier merging. The final
# 'optimize' leaves one segment per index for the queries anyway.
_FTS_BUILD_OPTIONS = (("hashsize", 32 * 1024 * 1024), ("automerge", 8), ("crisismerge", 64))

_CHUNK = 2000
"""Items tokenised and inserted per round, so memory does not grow with the list."""


def _insert(
    conn: sqlite3.Connection, catalog: Catalog, synonyms: Mapping[str, Sequence[str]]
) -> None:
    """Every row, in one pass over the items, as tuples through ``executemany``.

    Rows are made a chunk of items at a time (tokenising included) and
    written before the next chunk is made. To add a table: a tuple per row
    in the loop below and one ``executemany`` per chunk.
    """
    dept_ids = {department.name: n for n, department in enumerate(catalog.departments, 1)}
    # a former name finds the department's items too (search by the old name)
    aliases_of = {d.name: (*d.aliases, *d.former_names) for d in catalog.departments}
    conn.executemany(
        "INSERT INTO departments (id, name) VALUES (?, ?)",
        ((dept_ids[d.name], d.name) for d in catalog.departments),
    )
    conn.executemany(
        "INSERT INTO department_aliases (alias, department_id, position, former)"
        " VALUES (?, ?, ?, ?)",
        (
            (alias, dept_ids[d.name], position, former)
            for d in catalog.departments
            for former, names in enumerate((d.aliases, d.former_names))
            for position, alias in enumerate(names)
        ),
    )
    # Most items share one of a few department lists: tokenise each list once.
    dept_streams: dict[tuple[str, ...], tuple[str, str]] = {}
    # Lists of many townships repeat most of their text: tokenise a text once.
    streams = functools.lru_cache(maxsize=1 << 14)(index_streams)
    fts_sql = (
        f"INSERT INTO duties_fts (rowid, {', '.join(FTS_COLUMNS)}) "
        f"VALUES ({', '.join('?' * (len(FTS_COLUMNS) + 1))})"
    )
    names_sql = (
        f"INSERT INTO names_fts (rowid, {', '.join(NAME_COLUMNS)}) "
        f"VALUES ({', '.join('?' * (len(NAME_COLUMNS) + 1))})"
    )
    chars_sql = "INSERT INTO chars_fts (rowid, chars) VALUES (?, ?)"
    block_id = 0
    duties = catalog.duties()
    for first in range(0, len(duties), _CHUNK):
        duty_rows: list[tuple[object, ...]] = []
        link_rows: list[tuple[object, ...]] = []
        block_rows: list[tuple[object, ...]] = []
        step_rows: list[tuple[object, ...]] = []
        fts_rows: list[tuple[object, ...]] = []
        char_rows: list[tuple[object, ...]] = []
        for rowid, duty in enumerate(duties[first : first + _CHUNK], start=first + 1):
            duty_id = duty.id
            duty_rows.append(
                (rowid, duty_id, duty.list, duty.seq, duty.category, duty.name, duty.note)
            )
            link_rows.extend(
                (duty_id, dept_ids[name], position)
                for position, name in enumerate(duty.departments)
            )
            for side in SIDES:
                blocks = duty.upper_duties if side == "upper" else duty.township_duties
                for position, block in enumerate(blocks):
                    block_id += 1
                    block_rows.append(
                        (
                            block_id, duty_id, side, position, block.heading,
                            block.department, int(block.numbered),
                        )
                    )
                    step_rows.extend((block_id, n, text) for n, text in enumerate(block.steps))
            dept = dept_streams.get(duty.departments)
            if dept is None:
                dept_text = " ".join(
                    " ".join((name, *aliases_of.get(name, ()))) for name in duty.departments
                )
                dept = dept_streams[duty.departments] = index_streams(dept_text)
            name_bi, name_uni = streams(duty.name)
            body_bi, body_uni = _join_streams(map(streams, duty.body_texts()))
            fts_rows.append((rowid, name_bi, dept[0], body_bi))
            char_rows.append((rowid, char_stream(name_uni, dept[1], body_uni)))
        conn.executemany(
            "INSERT INTO duties (rowid, id, list, seq, category, name, note) "
            "VALUES (?, ?, ?, ?, ?, ?, ?)",
            duty_rows,
        )
        conn.executemany(
            "INSERT INTO duty_departments (duty_id, department_id, position) VALUES (?, ?, ?)",
            link_rows,
        )
        conn.executemany(
            "INSERT INTO blocks (id, duty_id, side, position, heading, department, numbered) "
            "VALUES (?, ?, ?, ?, ?, ?, ?)",
            block_rows,
        )
        conn.executemany("INSERT INTO steps (block_id, position, text) VALUES (?, ?, ?)", step_rows)
        conn.executemany(fts_sql, fts_rows)
        conn.executemany(names_sql, (row[: len(NAME_COLUMNS) + 1] for row in fts_rows))
        conn.executemany(chars_sql, char_rows)
    conn.executemany(
        "INSERT INTO synonyms (word, target, position) VALUES (?, ?, ?)",
        (
            (word, target, position)
            for word, targets in synonyms.items()
            for position, target in enumerate(targets)
        ),
    )
    _insert_vocabulary(conn, catalog, synonyms)


def _insert_vocabulary(
    conn: sqlite3.Connection, catalog: Catalog, synonyms: Mapping[str, Sequence[str]]
) -> None:
    """The document's words, their pinyin keys and the characters' readings (lexicon.py)."""
    from dutylist.pinyin import vocabulary_tables  # pypinyin and jieba: build time only

    tables = vocabulary_tables(catalog, synonyms)
    conn.executemany("INSERT INTO vocab (word, weight) VALUES (?, ?)", tables.vocab)
    conn.executemany(
        "INSERT INTO pinyin_keys (key, word, weight) VALUES (?, ?, ?)", tables.pinyin_keys
    )
    conn.executemany("INSERT INTO char_pinyin (char, readings) VALUES (?, ?)", tables.char_pinyin)


def _join_streams(streams: Iterable[tuple[str, str]]) -> tuple[str, str]:
    """Several texts' streams as one field; bigrams never span two texts."""
    bi: list[str] = []
    uni: list[str] = []
    for b, u in streams:
        if b:
            bi.append(b)
        if u:
            uni.append(u)
    return " ".join(bi), " ".join(uni)


def build_time() -> dt.datetime:
    """Now, or ``SOURCE_DATE_EPOCH`` when set (the reproducible-builds.org convention)."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if epoch.isdigit():
        return dt.datetime.fromtimestamp(int(epoch), dt.timezone.utc)
    return dt.datetime.now(dt.timezone.utc)


def _insert_metadata(
    conn: sqlite3.Connection,
    catalog: Catalog,
    source: Path | None,
    synonyms_source: Path | None,
    tool_version: str | None,
    source_label: str | None,
    built_at: str,
) -> None:
    document = catalog.document
    meta: dict[str, str | None] = {
        "schema_version": SCHEMA_VERSION,
        "tool_version": tool_version or dutylist.__version__,
        "built_at": built_at,
        "source_path": source_label or (str(source.resolve()) if source else None),
        "source_sha256": sha256_file(source) if source else None,
        "synonyms_path": str(synonyms_source.resolve()) if synonyms_source else None,
        "synonyms_sha256": sha256_file(synonyms_source) if synonyms_source else None,
        "township": document.township,
        "county": document.county,
        "title": document.title,
        "document_source": document.source,
        "doc_number": document.doc_number,
        "date": document.date,
        "version": document.version,
    }
    for kind in LIST_KINDS:
        duty_list = catalog.lists.get(kind)
        meta[f"count_{kind}"] = str(len(duty_list.items)) if duty_list else "0"
        meta[f"title_{kind}"] = duty_list.title if duty_list else None
    conn.executemany(
        "INSERT INTO metadata (key, value) VALUES (?, ?)",
        ((key, value) for key, value in meta.items() if value is not None),
    )

