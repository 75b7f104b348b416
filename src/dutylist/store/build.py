"""Model -> SQLite (via sqlite-utils): the tables of ``store.schema``, the index, atomic replace.

The database is written to a temporary file beside the target and renamed
into place, so a failed or interrupted build leaves the previous database as
it was, and two builds at once cannot leave a half-written file.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import shutil
import tempfile
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import sqlite_utils

import dutylist
from dutylist import labels
from dutylist.errors import DatabaseError
from dutylist.ids import LIST_KINDS, SIDES
from dutylist.paths import backup_path, sha256_file
from dutylist.store.schema import (
    FTS_COLUMNS,
    FTS_TABLES,
    INDEXES_SQL,
    NAME_COLUMNS,
    SCHEMA_VERSION,
    TABLES_SQL,
)
from dutylist.textsearch import index_streams

if TYPE_CHECKING:
    from dutylist.model import Catalog


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
) -> Path | None:
    """Write ``catalog`` to ``target`` atomically; return the backup path if one was kept."""
    target = Path(target)
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        handle, tmp_name = tempfile.mkstemp(
            dir=target.parent, prefix=f".{target.name}.", suffix=".tmp"
        )
        os.close(handle)
    except OSError as exc:
        raise DatabaseError(
            labels.CANNOT_WRITE.format(path=target.parent, reason=exc.strerror or exc)
        ) from None
    tmp = Path(tmp_name)
    try:
        os.unlink(tmp)  # sqlite-utils creates the file itself
        _write(catalog, tmp, source, synonyms or {}, synonyms_source, tool_version, source_label)
        backup = None
        if keep_backup and target.exists():
            backup = backup_path(target)
            backup_tmp = tmp.with_suffix(".bak.tmp")
            shutil.copy2(target, backup_tmp)
            os.replace(backup_tmp, backup)
        os.replace(tmp, target)
        return backup
    except OSError as exc:
        raise DatabaseError(
            labels.CANNOT_WRITE.format(path=target, reason=exc.strerror or exc)
        ) from None
    finally:
        for leftover in (tmp, tmp.with_suffix(".bak.tmp")):
            with contextlib.suppress(FileNotFoundError):
                leftover.unlink()


def _write(
    catalog: Catalog,
    path: Path,
    source: Path | None,
    synonyms: Mapping[str, Sequence[str]],
    synonyms_source: Path | None,
    tool_version: str | None,
    source_label: str | None,
) -> None:
    db = sqlite_utils.Database(path)
    try:
        db.execute("PRAGMA journal_mode = OFF")
        db.execute("PRAGMA synchronous = OFF")
        db.execute("PRAGMA cache_size = -262144")  # 256 MiB while building
        _create_schema(db)
        for table in FTS_TABLES:
            # Merge index segments less eagerly during the bulk insert.
            db.execute(f"INSERT INTO {table} ({table}, rank) VALUES ('automerge', 8)")
            db.execute(f"INSERT INTO {table} ({table}, rank) VALUES ('crisismerge', 64)")
        with db.conn:
            _insert(db, catalog, synonyms)
            _insert_metadata(db, catalog, source, synonyms_source, tool_version, source_label)
        for table in FTS_TABLES:
            db.execute(f"INSERT INTO {table} ({table}) VALUES ('optimize')")
        db.execute("PRAGMA journal_mode = DELETE")
        db.execute("ANALYZE")
        db.execute("PRAGMA optimize")
    finally:
        db.close()
    # The file must be complete on disk before it is renamed into place.
    with open(path, "rb+") as handle:
        os.fsync(handle.fileno())


def _create_schema(db: sqlite_utils.Database) -> None:
    db.executescript(TABLES_SQL)


def _insert(
    db: sqlite_utils.Database, catalog: Catalog, synonyms: Mapping[str, Sequence[str]]
) -> None:
    dept_ids: dict[str, int] = {}
    aliases_of: dict[str, tuple[str, ...]] = {}
    dept_rows: list[dict[str, object]] = []
    alias_rows: list[dict[str, object]] = []
    for number, department in enumerate(catalog.departments, start=1):
        dept_ids[department.name] = number
        aliases_of[department.name] = department.aliases
        dept_rows.append({"id": number, "name": department.name})
        alias_rows.extend(
            {"alias": alias, "department_id": number, "position": position}
            for position, alias in enumerate(department.aliases)
        )
    db.table("departments").insert_all(dept_rows)
    db.table("department_aliases").insert_all(alias_rows)

    duty_rows: list[dict[str, object]] = []
    link_rows: list[dict[str, object]] = []
    block_rows: list[dict[str, object]] = []
    step_rows: list[dict[str, object]] = []
    fts_rows: list[tuple[int, str, str, str, str, str, str]] = []
    block_id = 0
    for rowid, duty in enumerate(catalog.duties(), start=1):
        duty_rows.append(
            {
                "rowid": rowid,
                "id": duty.id,
                "list": duty.list,
                "seq": duty.seq,
                "category": duty.category,
                "name": duty.name,
                "note": duty.note,
            }
        )
        link_rows.extend(
            {"duty_id": duty.id, "department_id": dept_ids[name], "position": position}
            for position, name in enumerate(duty.departments)
        )
        for side in SIDES:
            blocks = duty.upper_duties if side == "upper" else duty.township_duties
            for position, block in enumerate(blocks):
                block_id += 1
                block_rows.append(
                    {
                        "id": block_id,
                        "duty_id": duty.id,
                        "side": side,
                        "position": position,
                        "heading": block.heading,
                        "department": block.department,
                        "numbered": int(block.numbered),
                    }
                )
                step_rows.extend(
                    {"block_id": block_id, "position": n, "text": text}
                    for n, text in enumerate(block.steps)
                )
        dept_text = " ".join(
            " ".join((name, *aliases_of.get(name, ()))) for name in duty.departments
        )
        name_bi, name_uni = index_streams(duty.name)
        dept_bi, dept_uni = index_streams(dept_text)
        body_bi, body_uni = _join_streams(duty.body_texts())
        fts_rows.append((rowid, name_bi, name_uni, dept_bi, dept_uni, body_bi, body_uni))
    db.table("duties").insert_all(duty_rows, batch_size=1000)
    db.table("duty_departments").insert_all(link_rows, batch_size=1000)
    db.table("blocks").insert_all(block_rows, batch_size=1000)
    db.table("steps").insert_all(step_rows, batch_size=1000)
    placeholders = ", ".join("?" for _ in range(len(FTS_COLUMNS) + 1))
    db.conn.executemany(
        f"INSERT INTO duties_fts (rowid, {', '.join(FTS_COLUMNS)}) VALUES ({placeholders})",
        fts_rows,
    )
    db.conn.executemany(
        f"INSERT INTO names_fts (rowid, {', '.join(NAME_COLUMNS)}) VALUES (?, ?, ?)",
        (row[:3] for row in fts_rows),
    )
    for statement in INDEXES_SQL:
        db.execute(statement)
    db.table("synonyms").insert_all(
        {"word": word, "target": target, "position": position}
        for word, targets in synonyms.items()
        for position, target in enumerate(targets)
    )


def _join_streams(texts: Iterable[str]) -> tuple[str, str]:
    """Index several texts as one field; bigrams never span two texts."""
    bi: list[str] = []
    uni: list[str] = []
    for text in texts:
        b, u = index_streams(text)
        if b:
            bi.append(b)
        if u:
            uni.append(u)
    return " ".join(bi), " ".join(uni)


def _insert_metadata(
    db: sqlite_utils.Database,
    catalog: Catalog,
    source: Path | None,
    synonyms_source: Path | None,
    tool_version: str | None,
    source_label: str | None,
) -> None:
    document = catalog.document
    meta: dict[str, str | None] = {
        "schema_version": SCHEMA_VERSION,
        "tool_version": tool_version or dutylist.__version__,
        "built_at": dt.datetime.now(dt.timezone.utc).replace(microsecond=0).isoformat(),
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
    db.table("metadata").insert_all(
        {"key": key, "value": value} for key, value in meta.items() if value is not None
    )

