"""Search, filter and look up duties in a built database: read-only, plain data.

This module is on every query's path, so it imports only the standard library
and the pure parts of dutylist: no sqlite-utils, yaml or rich. SQL is built
from parts (WHERE lists and parameter dicts); user text is never formatted
into it. Words shown to users come from ``labels``; rows carry data only.
"""

from __future__ import annotations

import builtins
import sqlite3
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

from dutylist import labels, understand
from dutylist.errors import UsageError
from dutylist.ids import LIST_KINDS, SIDES, ListKind, Side, make_id, parse_id
from dutylist.lexicon import Lexicon
from dutylist.names import department_names, resolve_category, resolve_department
from dutylist.paths import sha256_file
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
from dutylist.textsearch import (
    MAX_QUERY_CHARS,
    ParsedQuery,
    first_match,
    match_all,
    term_match,
)

if TYPE_CHECKING:
    from dutylist.paths import DbChoice

# bm25 weights, in the order of store.schema.FTS_COLUMNS: the name counts most,
# then the departments, then the text of the steps.
_WEIGHTS = (10.0, 10.0, 4.0, 4.0, 1.0, 1.0)
_ALL_COLUMNS = ("name_bi", "dept_bi", "body_bi")
_NAME_COLUMNS = ("name_bi",)

RANK_CAP = 5_000
"""With a --limit, at most this many matches (the first in document order) are ranked."""

COUNT_CAP = 10_000
"""With a --limit, matches are counted up to this many; more are reported as "10,000+"."""


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


@dataclass
class SearchResult:
    query: str
    rows: list[DutyRow]
    partial: bool = False
    verdict: str = "not_found"
    """found (the rows answer the query), partial (near misses only) or not_found."""
    suggestion: str | None = None
    """The corrected query whose results these are (养拳 → 养犬), if the query was corrected."""
    total: int = 0
    words: list[str] = field(default_factory=list)
    truncated_query: bool = False
    total_capped: bool = False
    """``total`` is COUNT_CAP and more items match (counting them all costs more than it tells)."""


class BlockView(NamedTuple):
    side: Side
    heading: str | None
    department: str | None
    numbered: bool
    steps: tuple[str, ...]


@dataclass
class DutyDetail:
    row: DutyRow
    upper: list[BlockView]
    township: list[BlockView]


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
    rows = [
        DutyRow(
            id=checked_text(record["id"], "事项编号"),
            list=checked_kind(record["list"], f"事项 {record['id']}"),
            seq=record["seq"] if isinstance(record["seq"], int) else _not_int(record["id"]),
            category=checked_text(record["category"], f"{record['id']} 的事项类别"),
            name=checked_text(record["name"], f"{record['id']} 的事项名称"),
            departments=[],
            note=checked_text(record["note"], f"{record['id']} 的备注", optional=True),
            score=-float(record["rank"]) if ranked else None,
        )
        for record in records
    ]
    if not rows:
        return rows
    linked = duty_departments(conn, (row.id for row in rows))
    for row in rows:
        row.departments = linked.get(row.id, [])
    return rows


def _not_int(duty_id: object) -> int:
    raise damaged(f"{duty_id} 的序号不是整数")


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
    near: bool = True,
) -> SearchResult:
    """Full-text search, best first, reading the query in stages (see ``understand``).

    The verdict says whether the rows answer the query (``found``; a corrected
    spelling is in ``suggestion``), only share a meaningful word with it
    (``partial``: near misses, looked for only when ``near``), or nothing
    does (``not_found``). An empty query is a usage error; a query with no
    searchable characters (only punctuation) finds nothing.
    """
    if not query.strip():
        raise UsageError(labels.EMPTY_QUERY)
    by_id = _by_id(conn, query, kind, category, department)
    if by_id is not None:
        return by_id
    if synonyms is None:
        synonyms = load_synonyms(conn)
    words = lexicon_of(conn)
    names = words.departments_of
    reading = understand.exact(query, synonyms, words, names)
    result = SearchResult(query=query, rows=[], words=reading.parsed.words)
    result.truncated_query = len(query) > MAX_QUERY_CHARS
    if not reading.parsed.terms:
        return result
    where, params = _filters(conn, kind, category, department)

    blocks: dict[str, list[BlockView]] = {}  # steps read once, for judging and snippets

    def answer(parsed: ParsedQuery) -> _Found | None:
        return _answer(conn, parsed, where, params, limit, words, blocks)

    # 1. as typed; 2. cut into the document's words, filler dropped
    found, used, verdict = answer(reading.parsed), reading.parsed, "found"
    segmented = None if found else understand.segmented(query, synonyms, words, names)
    if found is None and segmented is not None:
        if understand.sufficient(segmented, matched=True):  # not generic words only
            found, used = answer(segmented.parsed), segmented.parsed
    # 3. a typo or homophone of a word of the document
    if found is None:
        for fixed in understand.corrections(segmented or reading, words):
            for again in (
                understand.exact(fixed, synonyms, words, names),
                understand.segmented(fixed, synonyms, words, names),
            ):
                if again is not None and again.parsed.terms:
                    found, used = answer(again.parsed), again.parsed
                    if found is not None:
                        result.suggestion = fixed
                        break
            if found is not None:
                break
    # 4. a spoken question's words need not all be in one item: the items with
    # more of them come first. It is answered when it names something the list
    # covers (a synonym, a department) or when one item has two of its words;
    # else its rows are near misses. Words typed apart must each match to answer.
    if found is None and segmented is not None:
        fewer = understand.known_part(segmented)
        plausible = understand.sufficient(segmented) and len(query.split()) == 1
        if fewer is not None and (near or plausible):
            found, best = _by_coverage(conn, fewer.parsed, where, params, limit)
            used = fewer.parsed
            answers = plausible and (best >= 2 or understand.covered(fewer, words))
            verdict = "found" if answers else "partial"
    # 5. near misses: items sharing a meaningful word of the query
    if found is None and near:
        meaningful = understand.meaningful(segmented or reading)
        if meaningful.terms:
            found, used = _by_coverage(conn, meaningful, where, params, limit)[0], meaningful
            verdict = "partial"
    if found is None:
        return result
    if verdict == "partial" and not near:
        result.verdict = "partial"  # near misses exist; not asked for
        return result
    result.rows, result.total, result.total_capped = found
    result.verdict = verdict
    result.partial = verdict == "partial"
    result.words = used.words
    _add_matches(conn, result.rows, used, blocks)
    return result


def _by_id(
    conn: sqlite3.Connection,
    query: str,
    kind: ListKind | None,
    category: str | None,
    department: str | None,
) -> SearchResult | None:
    """A query that is an item id (C16, c16, ｃ１６, C-016) finds that item, and only it:
    an id names one item, the most precise query there is. None when the query is
    not an id or no such item passes the filters (then it is searched as text)."""
    parsed_id = parse_id(query)
    if parsed_id is None:
        return None
    where, params = _filters(conn, kind, category, department)
    params["duty_id"] = make_id(*parsed_id)
    sql = f"{_ROW_SELECT} FROM duties d{_where(['d.id = :duty_id', *where])}"
    rows = _rows(conn, conn.execute(sql, params).fetchall())
    if not rows:
        return None
    rows[0].matched_in, rows[0].matched = "id", rows[0].id
    return SearchResult(query=query, rows=rows, verdict="found", total=1)


_Found = tuple[list[DutyRow], int, bool]
"""Rows, how many match in all, whether that number is only a lower bound (COUNT_CAP)."""


def lexicon_of(conn: sqlite3.Connection) -> Lexicon:
    """The vocabulary of a connection's database (kept for the last connection used)."""
    global _LAST_LEXICON
    if _LAST_LEXICON is None or _LAST_LEXICON.conn is not conn:
        _LAST_LEXICON = Lexicon(conn)
    return _LAST_LEXICON


_LAST_LEXICON: Lexicon | None = None  # connections cannot be weakly referenced


_STRADDLE_MARGIN = 10
"""When matches across words were left out of a page, this many more rows are fetched."""

_COVERAGE_POOL = 60
"""Partial matches are ranked by coverage among the best this many by bm25."""


def _answer(
    conn: sqlite3.Connection,
    parsed: ParsedQuery,
    where: list[str],
    params: dict[str, Any],
    limit: int | None,
    words: Lexicon,
    blocks: dict[str, list[BlockView]],
) -> _Found | None:
    """Rows matching every term, leaving out matches across two words (民政 in 人民政府).

    Name and departments are judged first; the steps of a row are read only when
    they cannot settle it (one query for all such rows, kept in ``blocks`` for
    the snippets). When rows are left out, more are fetched to fill the page.
    """
    match = match_all(parsed, _ALL_COLUMNS)
    fetch = limit
    while True:
        rows, total, capped = _ranked(conn, match, parsed, where, params, fetch)
        if not rows:
            return None
        verdicts = {
            row.id: understand.straddled(
                [text for _key, text in _head_fields(row)], row.departments, parsed, words,
                complete=False,
            )
            for row in rows
        }
        unsettled = [row for row in rows if verdicts[row.id] is None]
        missing = [row.id for row in unsettled if row.list != "basic" and row.id not in blocks]
        if missing:
            blocks.update(_blocks(conn, missing))
        for row in unsettled:
            texts = [text for _key, text in _head_fields(row)]
            for block in blocks.get(row.id, []):
                texts += [t for t in (block.heading, block.department, *block.steps) if t]
            verdicts[row.id] = understand.straddled(texts, row.departments, parsed, words)
        proper = [row for row in rows if not verdicts[row.id]]
        left_out = len(rows) - len(proper)
        if not (fetch and limit and left_out and len(proper) < limit and total > len(rows)):
            break
        fetch = min(fetch + left_out + _STRADDLE_MARGIN, fetch * 4)  # more to fill the page
    if not proper:
        return None
    return (proper[:limit] if limit else proper), max(total - left_out, len(proper)), capped


def _by_coverage(
    conn: sqlite3.Connection,
    parsed: ParsedQuery,
    where: list[str],
    params: dict[str, Any],
    limit: int | None,
) -> tuple[_Found | None, int]:
    """Rows matching any term: those with more of the terms first, then by bm25; and how
    many terms the first row has.

    (``高龄 补贴``: both C16 发放 and W3 追缴 have 高龄 only; coverage ties and
    bm25 decides; an item with both words would come first whatever its bm25.)
    """
    match = " OR ".join(term_match(term, _ALL_COLUMNS) for term in parsed.terms)
    rows, total, capped = _ranked(conn, match, ParsedQuery(), where, params, _COVERAGE_POOL)
    if not rows:
        return None, 0
    coverage = dict.fromkeys((row.id for row in rows), 0)
    marks = ", ".join("?" * len(rows))
    by_rowid = dict(
        conn.execute(f"SELECT rowid, id FROM duties WHERE id IN ({marks})", list(coverage))
    )
    # One lookup per term and row: FTS5 seeks each rowid in the term's doclist.
    for term in parsed.terms:
        for (rowid,) in conn.execute(
            f"SELECT rowid FROM duties_fts WHERE duties_fts MATCH ? AND rowid IN ({marks})",
            [term_match(term, _ALL_COLUMNS), *by_rowid],
        ):
            coverage[by_rowid[rowid]] += 1
    rows.sort(key=lambda row: (-coverage[row.id], -(row.score or 0.0)))
    return ((rows[:limit] if limit else rows), total, capped), coverage[rows[0].id]


def _ranked(
    conn: sqlite3.Connection,
    match: str,
    parsed: ParsedQuery,
    where: list[str],
    params: dict[str, Any],
    limit: int | None,
) -> tuple[list[DutyRow], int, bool]:
    """Rows matching ``match`` (and the filters), best first; how many match; whether
    that number is only a lower bound (COUNT_CAP)."""
    name_match = match_all(parsed, _NAME_COLUMNS) if parsed.terms else ""
    args: dict[str, Any] = {**params, "match": match, "name_match": name_match}
    if where:
        matches = (
            "FROM duties_fts JOIN duties d ON d.rowid = duties_fts.rowid"
            f"{_where(['duties_fts MATCH :match', *where])}"
        )
    else:
        matches = "FROM duties_fts WHERE duties_fts MATCH :match"
    total: int | None = None
    capped = False
    if limit:
        # The first limit + 1 matches: when there are no more, that is the count.
        first = conn.execute(
            f"SELECT duties_fts.rowid {matches} ORDER BY duties_fts.rowid LIMIT :probe",
            {**args, "probe": limit + 1},
        ).fetchall()
        if not first:
            return [], 0, False
        if len(first) <= limit:
            total = len(first)
        else:
            # Counting every match of a common word costs more than the exact
            # number tells: stop at COUNT_CAP and say "10,000+".
            total = conn.execute(
                f"SELECT count(*) FROM (SELECT 1 {matches} LIMIT :count_cap)",
                {**args, "count_cap": COUNT_CAP + 1},
            ).fetchone()[0]
            if total > COUNT_CAP:
                total, capped = COUNT_CAP, True
        if total > RANK_CAP:
            # Ranking costs a bm25 per match: for a word in most items of a large
            # corpus, rank only the first RANK_CAP matches in document order.
            args["bound"] = conn.execute(
                f"SELECT duties_fts.rowid {matches} ORDER BY duties_fts.rowid "
                "LIMIT 1 OFFSET :rank_cap",
                {**args, "rank_cap": RANK_CAP},
            ).fetchone()[0]

    def below(rowid: str) -> str:
        """The cap on the ranked part of a very common match, on an FTS table's own rowid."""
        return f" AND {rowid} < :bound" if "bound" in args else ""

    args["limit"] = limit
    limit_clause = " LIMIT :limit" if limit else ""
    # Items whose name matches come first, ranked among themselves by a
    # name-only bm25; then the rest, by bm25 over name, departments and steps.
    # Without filters each stage ranks inside its FTS table (where the rowid
    # bound lets FTS5 skip) and reads duties rows only for what it returns.
    filters = "".join(f" AND {clause}" for clause in where)
    if where:
        sql = (
            f"{_ROW_SELECT}, bm25(names_fts) AS rank "
            "FROM names_fts JOIN duties d ON d.rowid = names_fts.rowid "
            f"WHERE names_fts MATCH :name_match{below('names_fts.rowid')}"
            f"{filters} ORDER BY rank, d.rowid{limit_clause}"
        )
    else:
        sql = (
            f"{_ROW_SELECT}, n.rank FROM (SELECT rowid, bm25(names_fts) AS rank "
            f"FROM names_fts WHERE names_fts MATCH :name_match{below('rowid')} "
            f"ORDER BY rank, rowid{limit_clause}) n "
            "JOIN duties d ON d.rowid = n.rowid ORDER BY n.rank, n.rowid"
        )
    # Without terms (partial matches ranked by coverage) there is no name stage.
    records = conn.execute(sql, args).fetchall() if name_match else []
    if limit and len(records) >= limit:
        more = False
    else:
        # Known few matches, all of them name matches: nothing else to rank.
        more = total is None or total > len(records)
    if more:
        names = (
            f"SELECT rowid FROM names_fts WHERE names_fts MATCH :name_match{below('rowid')}"
            if name_match else "SELECT NULL WHERE 0"
        )
        weights = ", ".join(str(w) for w in _WEIGHTS)
        args["rest"] = limit - len(records) if limit else None
        rest_clause = " LIMIT :rest" if limit else ""
        if where:
            sql = (
                f"{_ROW_SELECT}, bm25(duties_fts, {weights}) AS rank "
                "FROM duties_fts JOIN duties d ON d.rowid = duties_fts.rowid "
                f"WHERE duties_fts MATCH :match{below('duties_fts.rowid')}"
                f"{filters} AND duties_fts.rowid NOT IN ({names}) "
                f"ORDER BY rank, d.rowid{rest_clause}"
            )
        else:
            sql = (
                f"{_ROW_SELECT}, f.rank FROM (SELECT rowid, "
                f"bm25(duties_fts, {weights}) AS rank FROM duties_fts "
                f"WHERE duties_fts MATCH :match{below('rowid')} AND rowid NOT IN ({names}) "
                f"ORDER BY rank, rowid{rest_clause}) f "
                "JOIN duties d ON d.rowid = f.rowid ORDER BY f.rank, f.rowid"
            )
        records += conn.execute(sql, args).fetchall()
    rows = _rows(conn, records)
    return rows, max(total or 0, len(rows)), capped


def _add_matches(
    conn: sqlite3.Connection,
    rows: list[DutyRow],
    parsed: ParsedQuery,
    blocks: dict[str, list[BlockView]] | None = None,
) -> None:
    """Fill in where each row matched and the matched text around it.

    The first field (name, departments, then the duties cells in order) holding
    a whole word wins, else the first holding a piece of one. Steps are read
    (in one query) only for the rows whose name and departments hold no word.
    """
    words = parsed.words
    pending: list[DutyRow] = []
    for row in rows:
        hit = first_match(_head_fields(row), words)
        if hit:
            row.matched_in, row.matched = hit
        else:
            pending.append(row)
    if not pending:
        return
    blocks = dict(blocks or {})
    missing = [row.id for row in pending if row.list != "basic" and row.id not in blocks]
    if missing:
        blocks.update(_blocks(conn, missing))
    pieces = sorted(parsed.pieces, key=len, reverse=True)
    for row in pending:
        fields = _head_fields(row)
        for block in blocks.get(row.id, []):
            side = "upper_duties" if block.side == "upper" else "township_duties"
            fields += [(side, t) for t in (block.heading, block.department) if t]
            fields += [(side, step) for step in block.steps]
        hit = first_match(fields, words, pieces)
        if hit:
            row.matched_in, row.matched = hit


def _head_fields(row: DutyRow) -> list[tuple[str, str]]:
    return [("name", row.name), *(("departments", d) for d in row.departments)]
