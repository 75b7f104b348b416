"""Search, filter and look up duties in a built database (read-only sqlite3).

This module is on every query's path, so it imports only the standard library
and the pure parts of dutylist: no sqlite-utils, yaml or rich.
"""

from __future__ import annotations

import builtins
import hashlib
import json
import os
import sqlite3
import sys
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NamedTuple

from dutylist.errors import DatabaseError, UsageError
from dutylist.ids import LIST_KINDS, ListKind, make_id, parse_id
from dutylist.textsearch import (
    MAX_QUERY_CHARS,
    ParsedQuery,
    bigrams,
    find_span,
    is_cjk,
    match_all,
    match_any,
    parse_query,
    segments,
    snippet,
)

SCHEMA_VERSION = "2"
"""Version of the database layout (2: separate name index); other versions are refused."""
ENV_DB = "DUTYLIST_DB"

# bm25 weights, in the order of store.FTS_COLUMNS: the name counts most,
# then the departments, then the text of the steps.
_WEIGHTS = (10.0, 10.0, 4.0, 4.0, 1.0, 1.0)
_ALL_COLUMNS = ("name_bi", "dept_bi", "body_bi")
_NAME_COLUMNS = ("name_bi",)

RANK_CAP = 5_000
"""With a --limit, at most this many matches (the first in document order) are ranked."""

WHOSE_LABELS: dict[str, str] = {
    "basic": "本乡负责",
    "coordinated": "配合",
    "withdrawn": "已收回 →",
}


# ---------------------------------------------------------------- locating


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 16), b""):
            digest.update(chunk)
    return digest.hexdigest()


def user_data_dir() -> Path:
    """The per-user folder where ``dutylist build`` writes by default."""
    if sys.platform == "win32":
        base = os.environ.get("LOCALAPPDATA") or str(Path.home() / "AppData" / "Local")
        return Path(base) / "dutylist"
    if sys.platform == "darwin":
        return Path.home() / "Library" / "Application Support" / "dutylist"
    base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base) / "dutylist"


def user_db_path() -> Path:
    return user_data_dir() / "duties.db"


def backup_path(db_path: Path) -> Path:
    """Where ``build`` keeps the database it replaced, for ``restore``."""
    return db_path.with_name(db_path.name + ".bak")


def bundled_db_path() -> Path:
    return Path(__file__).resolve().parent / "data" / "duties.db"


class DbChoice(NamedTuple):
    path: Path
    origin: str  # "--db", "DUTYLIST_DB", "user", "bundled"


def locate_database(option: str | None = None) -> DbChoice:
    """Which database to read: --db, then $DUTYLIST_DB, then the user's build, then the bundled."""
    if option:
        return DbChoice(Path(option).expanduser(), "--db")
    env = os.environ.get(ENV_DB)
    if env:
        return DbChoice(Path(env).expanduser(), ENV_DB)
    user = user_db_path()
    if user.is_file():
        return DbChoice(user, "user")
    return DbChoice(bundled_db_path(), "bundled")


def connect(path: Path) -> sqlite3.Connection:
    """Open a database read-only, checking that it is a dutylist database."""
    if not path.is_file():
        if path.exists():
            raise DatabaseError(f"{path}：不是数据库文件")
        raise DatabaseError(
            f"{path}：数据库不存在（用 dutylist build 构建，或用 --db / DUTYLIST_DB 指定）"
        )
    uri = f"{path.resolve().as_uri()}?mode=ro"
    try:
        conn = sqlite3.connect(uri, uri=True)
        conn.row_factory = sqlite3.Row
        row = conn.execute("SELECT value FROM metadata WHERE key = 'schema_version'").fetchone()
    except sqlite3.Error as exc:
        raise DatabaseError(f"{path}：不是 dutylist 数据库，或文件已损坏（{exc}）") from None
    if row is None or row[0] != SCHEMA_VERSION:
        found = row[0] if row else "none"
        raise DatabaseError(
            f"{path}：数据库结构版本 {found} 不受支持（应为 {SCHEMA_VERSION}），"
            "请用 dutylist build 重新构建"
        )
    return conn


# ---------------------------------------------------------------- results


@dataclass
class DutyRow:
    """One item as listed by search and the filters."""

    id: str
    list: ListKind
    seq: int
    category: str
    name: str
    departments: builtins.list[str]
    note: str | None = None
    score: float | None = None
    matched: str | None = None
    matched_in: str | None = None

    @property
    def whose(self) -> str:
        """Whose duty it is, in the document's words."""
        label = WHOSE_LABELS[self.list]
        if self.list == "basic":
            return label
        return f"{label} {'、'.join(self.departments)}"

    def as_dict(self, *, search: bool = False) -> dict[str, Any]:
        data: dict[str, Any] = {
            "id": self.id,
            "list": self.list,
            "seq": self.seq,
            "category": self.category,
            "name": self.name,
            "departments": list(self.departments),
            "whose": self.whose,
        }
        if search:
            data["score"] = round(self.score, 4) if self.score is not None else None
            data["matched"] = self.matched
            data["matched_in"] = self.matched_in
        data["note"] = self.note
        return data


@dataclass
class SearchResult:
    query: str
    rows: list[DutyRow]
    partial: bool = False
    total: int = 0
    words: list[str] = field(default_factory=list)
    truncated_query: bool = False


class BlockView(NamedTuple):
    side: str
    heading: str | None
    department: str | None
    numbered: bool
    steps: tuple[str, ...]

    def as_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {}
        if self.heading:
            data["heading"] = self.heading
        if self.department:
            data["department"] = self.department
        data["numbered"] = self.numbered
        data["steps"] = list(self.steps)
        return data


@dataclass
class DutyDetail:
    row: DutyRow
    upper: list[BlockView]
    township: list[BlockView]

    def as_dict(self) -> dict[str, Any]:
        data = self.row.as_dict()
        data["upper_duties"] = [b.as_dict() for b in self.upper]
        data["township_duties"] = [b.as_dict() for b in self.township]
        return data


# ---------------------------------------------------------------- lookups


def metadata(conn: sqlite3.Connection) -> dict[str, str]:
    return {row["key"]: row["value"] for row in conn.execute("SELECT key, value FROM metadata")}


def load_synonyms(conn: sqlite3.Connection) -> dict[str, list[str]]:
    result: dict[str, list[str]] = {}
    for row in conn.execute("SELECT word, target FROM synonyms ORDER BY word, position"):
        result.setdefault(row["word"], []).append(row["target"])
    return result


def category_names(conn: sqlite3.Connection) -> list[str]:
    rows = conn.execute("SELECT category FROM duties GROUP BY category ORDER BY min(rowid)")
    return [row[0] for row in rows]


def department_names(conn: sqlite3.Connection) -> list[str]:
    return [row[0] for row in conn.execute("SELECT name FROM departments ORDER BY id")]


def department_labels(conn: sqlite3.Connection) -> list[list[str]]:
    """Each department's full name followed by its aliases (县民政局, 民政局)."""
    rows = conn.execute("SELECT name, aliases FROM departments ORDER BY id")
    return [[row["name"], *json.loads(row["aliases"] or "[]")] for row in rows]


def _suggest(text: str, choices: Sequence[str]) -> str:
    import difflib  # only on this error path

    close = difflib.get_close_matches(text, choices, n=3, cutoff=0.3)
    if not close:
        close = [c for c in choices if any(ch in c for ch in text)][:3]
    return f"；您是不是要找：{'、'.join(close)}？" if close else ""


def resolve_category(conn: sqlite3.Connection, text: str) -> str:
    """The category named by ``text``: exact, or the only one containing it."""
    text = text.strip()
    if not text:
        raise UsageError("事项类别不能为空")
    names = category_names(conn)
    if text in names:
        return text
    partial = [name for name in names if text in name]
    if len(partial) == 1:
        return partial[0]
    if len(partial) > 1:
        raise UsageError(f"事项类别“{text}”不明确，可能是：{'、'.join(partial)}")
    raise UsageError(f"没有事项类别“{text}”{_suggest(text, names)}")


def resolve_department(conn: sqlite3.Connection, text: str) -> tuple[int, str]:
    """(id, full name) of the department named by ``text``.

    Accepts the full name (木垒县民政局), an alias (县民政局, 民政局), or a
    fragment that only one department's name or aliases contain.
    """
    text = text.strip()
    if not text:
        raise UsageError("部门名称不能为空")
    rows = conn.execute("SELECT id, name, aliases FROM departments ORDER BY id").fetchall()
    labels: dict[int, list[str]] = {
        row["id"]: [row["name"], *json.loads(row["aliases"] or "[]")] for row in rows
    }
    names = {row["id"]: row["name"] for row in rows}
    for dept_id, dept_labels in labels.items():
        if text in dept_labels:
            return dept_id, names[dept_id]
    for prefix in ("木垒县", "县"):
        if text.startswith(prefix) and len(text) > len(prefix):
            bare = text[len(prefix) :]
            for dept_id, dept_labels in labels.items():
                if bare in dept_labels or names[dept_id].endswith(bare):
                    return dept_id, names[dept_id]
    partial = [i for i, dept_labels in labels.items() if any(text in lab for lab in dept_labels)]
    if len(partial) == 1:
        return partial[0], names[partial[0]]
    if len(partial) > 1:
        listed = "、".join(names[i] for i in partial[:8])
        raise UsageError(f"部门“{text}”不明确，可能是：{listed}")
    raise UsageError(f"没有部门“{text}”{_suggest(text, list(names.values()))}")


def _row(record: sqlite3.Row) -> DutyRow:
    departments = record["departments"]
    return DutyRow(
        id=record["id"],
        list=record["list"],
        seq=record["seq"],
        category=record["category"],
        name=record["name"],
        departments=departments.split("、") if departments else [],
        note=record["note"],
    )


def _filters(
    conn: sqlite3.Connection,
    kind: ListKind | None,
    category: str | None,
    department: str | None,
) -> tuple[list[str], dict[str, Any]]:
    """WHERE clauses and parameters for the list, category and department filters."""
    where: list[str] = []
    params: dict[str, Any] = {}
    if kind is not None:
        if kind not in LIST_KINDS:
            raise UsageError(f"未知的清单 {kind!r}（应为 basic、coordinated 或 withdrawn）")
        where.append("d.list = :kind")
        params["kind"] = kind
    if category is not None:
        where.append("d.category = :category")
        params["category"] = resolve_category(conn, category)
    if department is not None:
        dept_id, dept_name = resolve_department(conn, department)
        # A printed name such as 木垒县应急管理局及其他负有安全生产监督管理职责的部门
        # names that department too ("X及…" = X and others).
        where.append(
            "d.id IN (SELECT l.duty_id FROM duty_departments l "
            "JOIN departments p ON p.id = l.department_id "
            "WHERE p.id = :dept_id "
            "OR substr(p.name, 1, length(:dept_name) + 1) = :dept_name || '及')"
        )
        params["dept_id"] = dept_id
        params["dept_name"] = dept_name
    return where, params


_ROW_COLUMNS = "d.rowid, d.id, d.list, d.seq, d.category, d.name, d.departments, d.note"


def filter_duties(
    conn: sqlite3.Connection,
    *,
    kind: ListKind | None = None,
    category: str | None = None,
    department: str | None = None,
) -> list[DutyRow]:
    """Items of a category and/or department, in document order."""
    where, params = _filters(conn, kind, category, department)
    sql = f"SELECT {_ROW_COLUMNS} FROM duties d"
    if where:
        sql += " WHERE " + " AND ".join(where)
    sql += " ORDER BY d.rowid"
    return [_row(record) for record in conn.execute(sql, params)]


def category_counts(
    conn: sqlite3.Connection, *, kind: ListKind | None = None
) -> list[dict[str, Any]]:
    """Each category with its number of items per list, in document order."""
    where, params = _filters(conn, kind, None, None)
    sql = (
        "SELECT d.category, d.list, count(*) AS n, min(d.rowid) AS first FROM duties d"
        + (" WHERE " + " AND ".join(where) if where else "")
        + " GROUP BY d.category, d.list ORDER BY first"
    )
    return _pivot(conn.execute(sql, params), "category")


def department_counts(
    conn: sqlite3.Connection, *, kind: ListKind | None = None
) -> list[dict[str, Any]]:
    """Each department with its number of items per list, in the declared order."""
    where, params = _filters(conn, kind, None, None)
    sql = (
        "SELECT p.name AS department, d.list, count(*) AS n, p.id AS first "
        "FROM duty_departments l JOIN departments p ON p.id = l.department_id "
        "JOIN duties d ON d.id = l.duty_id"
        + (" WHERE " + " AND ".join(where) if where else "")
        + " GROUP BY p.id, d.list ORDER BY p.id"
    )
    return _pivot(conn.execute(sql, params), "department")


def _pivot(records: Iterator[sqlite3.Row], key: str) -> list[dict[str, Any]]:
    table: dict[str, dict[str, Any]] = {}
    for record in records:
        entry = table.setdefault(
            record[key], {key: record[key], **dict.fromkeys(LIST_KINDS, 0), "total": 0}
        )
        entry[record["list"]] += record["n"]
        entry["total"] += record["n"]
    return list(table.values())


def get_duty(conn: sqlite3.Connection, text: str) -> DutyDetail:
    """One item with its blocks and steps, by id as users type it (C16, c-016)."""
    parsed = parse_id(text)
    if parsed is None:
        raise UsageError(f"“{text}”不是事项编号（例如 B28、C16、W1）")
    duty_id = make_id(*parsed)
    record = conn.execute(f"SELECT {_ROW_COLUMNS} FROM duties d WHERE d.id = ?", (duty_id,))
    found = record.fetchone()
    if found is None:
        counts = metadata(conn)
        top = counts.get(f"count_{parsed[0]}", "?")
        raise UsageError(f"没有事项 {duty_id}（该清单编号为 1–{top}）")
    upper: list[BlockView] = []
    township: list[BlockView] = []
    for block in _blocks(conn, [duty_id]).get(duty_id, []):
        (upper if block.side == "upper" else township).append(block)
    return DutyDetail(row=_row(found), upper=upper, township=township)


def _blocks(conn: sqlite3.Connection, duty_ids: Sequence[str]) -> dict[str, list[BlockView]]:
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
        entry[2].append(record["text"])
    result: dict[str, list[BlockView]] = {}
    for duty_id, record, steps in grouped.values():
        result.setdefault(duty_id, []).append(
            BlockView(
                side=record["side"],
                heading=record["heading"],
                department=record["department"],
                numbered=bool(record["numbered"]),
                steps=tuple(steps),
            )
        )
    return result


# ---------------------------------------------------------------- search


def search(
    conn: sqlite3.Connection,
    query: str,
    *,
    kind: ListKind | None = None,
    category: str | None = None,
    department: str | None = None,
    limit: int | None = 20,
    synonyms: Mapping[str, Sequence[str]] | None = None,
) -> SearchResult:
    """Full-text search, best first; falls back to partial matches when nothing matches all words.

    An empty query is a usage error; a query with no searchable characters
    (only punctuation) finds nothing.
    """
    if not query.strip():
        raise UsageError("查询词不能为空")
    if synonyms is None:
        synonyms = load_synonyms(conn)
    parsed = parse_query(query, synonyms)
    result = SearchResult(query=query, rows=[], words=parsed.words)
    result.truncated_query = len(query) > MAX_QUERY_CHARS
    if not parsed.terms:
        return result
    where, params = _filters(conn, kind, category, department)
    rows, total = _run(conn, match_all(parsed, _ALL_COLUMNS), parsed, where, params, limit)
    if not rows:
        rows, total = _run(conn, match_any(parsed, _ALL_COLUMNS), parsed, where, params, limit)
        result.partial = bool(rows)
    result.rows = rows
    result.total = total
    _add_matches(conn, result.rows, parsed)
    return result


def _run(
    conn: sqlite3.Connection,
    match: str,
    parsed: ParsedQuery,
    where: list[str],
    params: dict[str, Any],
    limit: int | None,
) -> tuple[list[DutyRow], int]:
    name_match = match_all(parsed, _NAME_COLUMNS)
    weights = ", ".join(str(w) for w in _WEIGHTS)
    source = "FROM duties_fts JOIN duties d ON d.rowid = duties_fts.rowid"
    clauses = ["duties_fts MATCH :match", *where]
    args: dict[str, Any] = {**params, "match": match, "name_match": name_match}
    ranked, name_bound = list(clauses), ""
    total = 0
    if limit:
        count_sql = (
            f"SELECT count(*) {source} WHERE {' AND '.join(clauses)}"
            if where
            else "SELECT count(*) FROM duties_fts WHERE duties_fts MATCH :match"
        )
        total = conn.execute(count_sql, {**params, "match": match}).fetchone()[0]
        if total == 0:
            return [], 0
    if limit and total > RANK_CAP:
        # Ranking costs a bm25 per match: for a word in most items of a large
        # corpus, rank only the first RANK_CAP matches in document order.
        bound = conn.execute(
            f"SELECT duties_fts.rowid {source} WHERE {' AND '.join(clauses)} "
            "ORDER BY duties_fts.rowid LIMIT 1 OFFSET :cap",
            {**args, "cap": RANK_CAP},
        ).fetchone()
        if bound is not None:
            args["bound"] = bound[0]
            ranked.append("duties_fts.rowid < :bound")
            name_bound = " AND rowid < :bound"
    # Items whose name matches come first, ranked among themselves by a
    # name-only bm25; then the rest, by bm25 over name, departments and steps.
    # The second query runs only when the first does not fill the limit.
    filters = "".join(f" AND {clause}" for clause in ranked[1:])
    sql = (
        f"SELECT {_ROW_COLUMNS}, bm25(names_fts) AS rank "
        "FROM names_fts JOIN duties d ON d.rowid = names_fts.rowid "
        f"WHERE names_fts MATCH :name_match{filters.replace('duties_fts.rowid', 'd.rowid')} "
        "ORDER BY rank, d.rowid"
    )
    if limit:
        sql += " LIMIT :limit"
        args["limit"] = limit
    records = conn.execute(sql, args).fetchall()
    if not limit or len(records) < limit:
        sql = (
            f"SELECT {_ROW_COLUMNS}, bm25(duties_fts, {weights}) AS rank {source} "
            f"WHERE duties_fts MATCH :match{filters} AND d.rowid NOT IN "
            f"(SELECT rowid FROM names_fts WHERE names_fts MATCH :name_match{name_bound}) "
            "ORDER BY rank, d.rowid"
        )
        if limit:
            sql += " LIMIT :rest"
            args["rest"] = limit - len(records)
        records += conn.execute(sql, args).fetchall()
    rows = []
    for record in records:
        row = _row(record)
        row.score = -float(record["rank"])
        rows.append(row)
    return rows, max(total, len(rows))


def _add_matches(conn: sqlite3.Connection, rows: list[DutyRow], parsed: ParsedQuery) -> None:
    """Fill in where each row matched and the matched text around it."""
    words = parsed.words
    pieces = sorted({t for w in words for t in _pieces(w)}, key=len, reverse=True)
    blocks = _blocks(conn, [row.id for row in rows if row.list != "basic"])
    for row in rows:
        fields: list[tuple[str, str]] = [("name", row.name)]
        fields += [("departments", d) for d in row.departments]
        for block in blocks.get(row.id, []):
            side = "upper_duties" if block.side == "upper" else "township_duties"
            fields += [(side, t) for t in (block.heading, block.department) if t]
            fields += [(side, step) for step in block.steps]
        for candidates in (words, pieces):
            hit = next(((k, t) for k, t in fields if find_span(t, candidates)), None)
            if hit:
                row.matched_in = hit[0]
                row.matched = snippet(hit[1], candidates)
                break


def _pieces(word: str) -> list[str]:
    """Bigrams of a word, for locating partial matches."""
    result: list[str] = []
    for segment in segments(word):
        result.extend(bigrams(segment) if is_cjk(segment) else [segment])
    return result
