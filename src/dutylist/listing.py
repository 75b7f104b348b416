"""Filter, count and look up duties in a built database: read-only, plain data.

SQL is built from parts (WHERE lists and parameter dicts); user text is never
formatted into it. ``info``'s facts about a database live here too.
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Callable, Iterable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn, TypeVar

from dutylist import labels
from dutylist.errors import UsageError
from dutylist.ids import LIST_KINDS, SIDES, ListKind, make_id, parse_id
from dutylist.names import department_names, resolve_category, resolve_department
from dutylist.paths import sha256_file
from dutylist.results import BlockView, DutyDetail, DutyRow
from dutylist.store.schema import (
    DUTY_COLUMNS,
    checked_kind,
    checked_text,
    connect,
    damaged,
    departments,
    duty_departments,
    load_synonyms,
    metadata,
)

if TYPE_CHECKING:
    from dutylist.paths import DbChoice

# ---------------------------------------------------------------- lookups


def database_info(choice: DbChoice) -> dict[str, Any]:
    """``info``: where the database is, what it was built from, its counts.

    ``warning`` is set when the YAML it was built from has changed since.
    """
    conn = connect(choice.path)
    try:
        data: dict[str, Any] = {"database": str(choice.path), "origin": choice.origin}
        data.update(metadata(conn))
        data["department_count"] = len(department_names(conn))
        data["synonym_count"] = len(load_synonyms(conn))
    finally:
        conn.close()
    source = data.get("source_path")
    if source and Path(source).is_file():
        try:
            digest = sha256_file(Path(source))
        except OSError as error:  # a shared database whose YAML this user cannot read
            reason = error.strerror or str(error)
            data["warning"] = labels.SOURCE_UNREADABLE.format(source=source, reason=reason)
        else:
            if digest != data.get("source_sha256"):
                data["warning"] = labels.STALE_DATABASE.format(source=source)
    stale = older_than_bundled(choice, data)
    if stale is not None:
        from dutylist.paths import bundled_db_path

        data["stale"] = stale + labels.STALE_HOWTO.format(
            path=choice.path, bundled=bundled_db_path()
        )
    return data


def older_than_bundled(choice: DbChoice, meta: Mapping[str, Any]) -> str | None:
    """One line when a user's own build (``dutylist build``) hides a newer list: the list
    bundled with the installed package differs and was built later, or the YAML the
    build came from is gone. ``meta`` is the database's metadata (one read)."""
    if choice.origin != "user":
        return None
    source = meta.get("source_path")
    from dutylist.paths import bundled_db_path

    bundled_path = bundled_db_path()
    try:
        bundled_conn = connect(bundled_path)
        try:
            bundled = metadata(bundled_conn)
        finally:
            bundled_conn.close()
    except Exception:  # no usable bundled list: nothing to compare with
        bundled = {}
    if (
        bundled.get("source_sha256") != meta.get("source_sha256")
        and str(bundled.get("built_at", "")) > str(meta.get("built_at", ""))
    ):
        return labels.OLDER_THAN_BUNDLED.format(
            path=choice.path, built=meta.get("built_at", "?"), bundled=bundled.get("built_at")
        )
    if source and not Path(source).exists():
        return labels.SOURCE_GONE.format(path=choice.path, source=source)
    return None


# ---------------------------------------------------------------- SQL from parts


_ROW_SELECT = f"SELECT {DUTY_COLUMNS}"


def _rows(conn: sqlite3.Connection, records: Iterable[sqlite3.Row]) -> list[DutyRow]:
    """Rows from ``_ROW_SELECT`` records, with their departments (one more query)."""
    records = list(records)
    ranked = bool(records) and "rank" in records[0].keys()
    rows = []
    for record in records:
        _rowid, duty_id, kind, seq, category, name, note = record[:7]  # DUTY_COLUMNS
        if not (
            isinstance(duty_id, str) and kind in LIST_KINDS and isinstance(seq, int)
            and isinstance(category, str) and isinstance(name, str)
            and (note is None or isinstance(note, str))
        ):
            _damaged_row(record)
        rows.append(DutyRow(
            duty_id, kind, seq, category, name, [], note,
            -float(record["rank"]) if ranked else None,
        ))
    if not rows:
        return rows
    linked = _departments_of(conn, [row.id for row in rows])
    for row in rows:
        row.departments = list(linked[row.id])
    return rows


T = TypeVar("T")

_ITEMS_KEPT = 20_000
"""At most this many items' departments (and steps) are remembered for a connection."""


class _Remembered:
    """The departments and steps of the items read through the last connection used.

    A batch of queries (``--stdin``) meets the same items again and again, and a
    connection's database does not change under it (it is opened read-only).
    Connections cannot be weakly referenced, so each thread keeps the last one it used,
    as ``query.lexicon_of`` keeps its vocabulary.
    """

    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn
        self.departments: dict[str, tuple[str, ...]] = {}
        self.blocks: dict[str, list[BlockView]] = {}
        self.size: int | None = None


_LOCAL = threading.local()  # each thread its last connection's (Datasette answers on several)


def _memory(conn: sqlite3.Connection) -> _Remembered:
    last: _Remembered | None = getattr(_LOCAL, "remembered", None)
    if last is None or last.conn is not conn:
        last = _LOCAL.remembered = _Remembered(conn)
    return last


def corpus_size(conn: sqlite3.Connection) -> int:
    """The largest item rowid of the database (about how many items it has), read once."""
    memory = _memory(conn)
    if memory.size is None:
        memory.size = int(conn.execute("SELECT coalesce(max(rowid), 0) FROM duties").fetchone()[0])
    return memory.size


def _departments_of(conn: sqlite3.Connection, ids: list[str]) -> dict[str, tuple[str, ...]]:
    """The departments of the items ``ids`` (remembered for the connection)."""
    cache = _remembered_items(
        _memory(conn).departments, ids,
        lambda missing: {k: tuple(v) for k, v in duty_departments(conn, missing).items()}, (),
    )
    return {duty_id: cache[duty_id] for duty_id in ids}


def _remembered_items(cache: dict[str, T], ids: Sequence[str],
                      read: Callable[[list[str]], dict[str, T]], empty: T) -> dict[str, T]:
    """``cache`` holding every one of ``ids``: the missing ones read (``empty`` for an item
    ``read`` has nothing for); past ``_ITEMS_KEPT`` items it starts again from ``ids``."""
    missing = [duty_id for duty_id in ids if duty_id not in cache]
    if missing:
        if len(cache) + len(missing) > _ITEMS_KEPT:
            cache.clear()
            missing = list(dict.fromkeys(ids))
        found = read(missing)
        for duty_id in missing:
            cache[duty_id] = found.get(duty_id, empty)
    return cache


def _damaged_row(record: sqlite3.Row) -> NoReturn:
    """Raise the error for the first column of a ``_ROW_SELECT`` record that no build writes."""
    duty_id = checked_text(record["id"], "事项编号")
    checked_kind(record["list"], f"事项 {duty_id}")
    if not isinstance(record["seq"], int):
        raise damaged(f"{duty_id} 的序号不是整数")
    checked_text(record["category"], f"{duty_id} 的事项类别")
    checked_text(record["name"], f"{duty_id} 的事项名称")
    checked_text(record["note"], f"{duty_id} 的备注", optional=True)
    raise AssertionError("a record that passes every check is not damaged")  # pragma: no cover


def _where(clauses: Iterable[str]) -> str:
    clauses = list(clauses)
    return " WHERE " + " AND ".join(clauses) if clauses else ""


def _filters(
    conn: sqlite3.Connection,
    kind: ListKind | None,
    category: str | None,
    department: str | None,
) -> tuple[list[str], dict[str, Any]]:
    """WHERE clauses (on ``duties d``) and parameters for the list, category and department."""
    where: list[str] = []
    params: dict[str, Any] = {}
    if kind is not None:
        if kind not in LIST_KINDS:
            raise UsageError(labels.UNKNOWN_LIST.format(kind=kind, forms=labels.list_forms()))
        where.append("d.list = :kind")
        params["kind"] = kind
    if category is not None:
        where.append("d.category = :category")
        params["category"] = resolve_category(conn, category)
    if department is not None:
        dept_id, _name = resolve_department(conn, department)
        heads = department_heads(conn)
        ids = [i for i, head in heads.items() if head == dept_id or i == dept_id]
        marks = ", ".join(f":dept{n}" for n in range(len(ids)))
        where.append(
            f"d.id IN (SELECT l.duty_id FROM duty_departments l WHERE l.department_id IN ({marks}))"
        )
        params.update((f"dept{n}", i) for n, i in enumerate(ids))
    return where, params


def department_heads(conn: sqlite3.Connection) -> dict[int, int]:
    """Each department's id -> the department it is counted under: itself, or X for a
    printed name ``X及…`` (木垒县应急管理局及其他负有安全生产监督管理职责的部门 names
    木垒县应急管理局 and others). The one rule of the filters and the overviews."""
    names = {name: dept_id for dept_id, name, _aliases in departments(conn)}
    heads: dict[int, int] = {}
    for name, dept_id in names.items():
        head = dept_id
        cut = name.find(labels.AND_OTHERS)
        while cut > 0:
            if name[:cut] in names:
                head = names[name[:cut]]
                break
            cut = name.find(labels.AND_OTHERS, cut + 1)
        heads[dept_id] = head
    return heads


def filter_duties(
    conn: sqlite3.Connection,
    *,
    kind: ListKind | None = None,
    category: str | None = None,
    department: str | None = None,
) -> list[DutyRow]:
    """Items of a category and/or department, in document order."""
    where, params = _filters(conn, kind, category, department)
    sql = f"{_ROW_SELECT} FROM duties d{_where(where)} ORDER BY d.rowid"
    return _rows(conn, conn.execute(sql, params))


def category_counts(
    conn: sqlite3.Connection, *, kind: ListKind | None = None
) -> list[dict[str, Any]]:
    """Each category with its number of items per list, in document order."""
    where, params = _filters(conn, kind, None, None)
    sql = (
        "SELECT d.category, d.list, count(*) AS n, min(d.rowid) AS first FROM duties d"
        f"{_where(where)} GROUP BY d.category, d.list ORDER BY first"
    )
    return _pivot(conn.execute(sql, params), "category")


def department_counts(
    conn: sqlite3.Connection, *, kind: ListKind | None = None
) -> list[dict[str, Any]]:
    """Each department with its number of items per list, in the declared order.

    Counted as ``filter-by-department`` finds them (``department_heads``): an item
    naming ``X及…`` counts under X, once, and ``X及…`` has no row of its own.
    """
    where, params = _filters(conn, kind, None, None)
    heads = department_heads(conn)
    names = {dept_id: name for dept_id, name, _aliases in departments(conn)}
    sql = (
        "SELECT DISTINCT l.department_id, d.id, d.list FROM duty_departments l "
        f"JOIN duties d ON d.id = l.duty_id{_where(where)}"
    )
    pairs: set[tuple[int, str, ListKind]] = set()
    for dept_id, duty_id, kind_ in conn.execute(sql, params):
        if dept_id not in heads:  # a link no build writes
            raise damaged(f"{duty_id} 的部门 {dept_id!r} 不存在")
        pairs.add((heads[dept_id], duty_id, checked_kind(kind_, duty_id)))
    counted: dict[int, dict[str, int]] = {}
    for head, _duty_id, kind_ in pairs:
        counts = counted.setdefault(head, dict.fromkeys(LIST_KINDS, 0))
        counts[kind_] += 1
    return [
        {"department": names[head], **counts, "total": sum(counts.values())}
        for head, counts in sorted(counted.items())
    ]


def list_counts(
    conn: sqlite3.Connection, *, kind: ListKind | None = None, with_departments: bool = False
) -> dict[str, int]:
    """Items per list and in all (the 合计 of an overview: each item once); only those
    naming a department with ``with_departments`` (the department overview)."""
    where, params = _filters(conn, kind, None, None)
    if with_departments:
        where.append("d.id IN (SELECT duty_id FROM duty_departments)")
    counts: dict[str, int] = dict.fromkeys(LIST_KINDS, 0)
    sql = f"SELECT d.list, count(*) FROM duties d{_where(where)} GROUP BY d.list"
    for kind_, n in conn.execute(sql, params):
        counts[kind_] = n
    return {**counts, "total": sum(counts.values())}


def _pivot(records: Iterable[sqlite3.Row], key: str) -> list[dict[str, Any]]:
    table: dict[str, dict[str, Any]] = {}
    for record in records:
        label = checked_text(record[key], labels.FIELD_TITLES[key])
        entry = table.setdefault(label, {key: label, **dict.fromkeys(LIST_KINDS, 0), "total": 0})
        entry[checked_kind(record["list"], label)] += record["n"]
        entry["total"] += record["n"]
    return list(table.values())


def get_duty(conn: sqlite3.Connection, text: str) -> DutyDetail:
    """One item with its blocks and steps, by id as users type it (C16, c-016)."""
    parsed = parse_id(text)
    if parsed is None:
        raise UsageError(labels.NOT_AN_ID.format(text=text))
    duty_id = make_id(*parsed)
    found = conn.execute(f"{_ROW_SELECT} FROM duties d WHERE d.id = ?", (duty_id,)).fetchone()
    if found is None:
        top = metadata(conn).get(f"count_{parsed[0]}", "?")
        raise UsageError(labels.UNKNOWN_ID.format(id=duty_id, top=top))
    upper: list[BlockView] = []
    township: list[BlockView] = []
    for block in _blocks(conn, [duty_id]).get(duty_id, []):
        (upper if block.side == "upper" else township).append(block)
    return DutyDetail(row=_rows(conn, [found])[0], upper=upper, township=township)


def _blocks(conn: sqlite3.Connection, duty_ids: Sequence[str]) -> dict[str, list[BlockView]]:
    """The duties cells of the items ``duty_ids`` (remembered for the connection)."""
    empty: list[BlockView] = []
    cache = _remembered_items(
        _memory(conn).blocks, duty_ids, lambda missing: _read_blocks(conn, missing), empty
    )
    return {duty_id: list(cache[duty_id]) for duty_id in duty_ids if cache[duty_id]}


def _read_blocks(
    conn: sqlite3.Connection, duty_ids: Sequence[str]
) -> dict[str, list[BlockView]]:
    if not duty_ids:
        return {}
    marks = ", ".join("?" for _ in duty_ids)
    sql = (
        "SELECT b.duty_id, b.id, b.side, b.heading, b.department, b.numbered, s.text "
        f"FROM blocks b JOIN steps s ON s.block_id = b.id WHERE b.duty_id IN ({marks}) "
        "ORDER BY b.duty_id, b.side = 'township', b.position, s.position"
    )
    grouped: dict[int, tuple[str, sqlite3.Row, list[str]]] = {}
    for record in conn.execute(sql, list(duty_ids)):
        entry = grouped.setdefault(record["id"], (record["duty_id"], record, []))
        entry[2].append(checked_text(record["text"], f"{record['duty_id']} 的步骤"))
    result: dict[str, list[BlockView]] = {}
    for duty_id, record, steps in grouped.values():
        if record["side"] not in SIDES:
            raise damaged(f"{duty_id} 的职责块属于未知的一方 {record['side']!r}")
        result.setdefault(duty_id, []).append(
            BlockView(
                side=record["side"],
                heading=checked_text(record["heading"], f"{duty_id} 的标题", optional=True),
                department=checked_text(record["department"], f"{duty_id} 的部门",
                                        optional=True),
                numbered=bool(record["numbered"]),
                steps=tuple(steps),
            )
        )
    return result
