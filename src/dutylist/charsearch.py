"""Ranking a query whose every term holds a single character (schema 5).

``query._ranked`` ranks with one bm25 over ``duties_fts``. A one-character word
(犬, 乡) is only in ``chars_fts`` (``rowsets``), which has no bm25: when every term
of a query holds one, ``ranked_sets`` orders the rows instead, and
``matching_ids`` finds once the rows of a query whose other terms do rank it.
The caps are query's (``COUNT_CAP``, ``RANK_CAP``), passed in ``Caps``.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Sequence
from typing import Any, NamedTuple

from dutylist import rowsets
from dutylist.listing import _ROW_SELECT, _rows, _where, corpus_size
from dutylist.results import DutyRow
from dutylist.textsearch import Term


class Caps(NamedTuple):
    count_cap: int
    """Matches are counted up to this many (query.COUNT_CAP)."""
    rank_cap: int
    """At most this many matches, the first in document order, are ranked (query.RANK_CAP)."""
    weights: str
    """bm25 weights of ``duties_fts``'s columns, as SQL arguments ("10.0, 4.0, 1.0")."""
    scan_up_to: int
    """An index of up to this many items is small (query.SCAN_UP_TO)."""


def matching_ids(
    conn: sqlite3.Connection,
    full: rowsets.Plan,
    names: rowsets.Plan,
    where: list[str],
    args: dict[str, Any],
    limit: int | None,
    caps: Caps,
) -> tuple[list[int], list[int]]:
    """The rows matching ``full`` and the filters, in document order (with a limit, up
    to COUNT_CAP + 1), and those of them whose name matches (``names``)."""
    join = " JOIN duties d ON d.rowid = m.rowid" if where else ""
    cap = " LIMIT :cap" if limit else ""
    large = corpus_size(conn) > caps.scan_up_to
    words = _within(conn, full, args, None) if large else None
    if words is None:  # a small index, or common words: SQLite makes the sets (filters)
        sql = (
            f"SELECT m.rowid FROM ({rowsets.set_sql(full, args)}) m{join}{_where(where)} "
            f"ORDER BY m.rowid{cap}"
        )
        ids = [rowid for (rowid,) in conn.execute(sql, {**args, "cap": caps.count_cap + 1})]
    else:
        among = " JOIN duties d ON d.rowid = m.value" if where else ""
        sql = (
            f"SELECT m.value FROM json_each(:within) m{among}{_where(where)} "
            f"ORDER BY m.value{cap}"
        )
        found = {**args, "within": json.dumps(words), "cap": caps.count_cap + 1}
        ids = [rowid for (rowid,) in conn.execute(sql, found)]
    if not ids:
        return [], []
    name_ids = _within(conn, names, args, ids) if large else None
    if name_ids is None:
        names_sql = (
            rowsets.set_sql(names, args) + " AND +rowid IN (SELECT value FROM json_each(:ids))"
        )
        name_ids = [
            rowid for (rowid,) in conn.execute(names_sql, {**args, "ids": json.dumps(ids)})
        ]
    return ids, name_ids


FEW_WORD_MATCHES = 20_000
"""``matching_ids`` in a large index: when a plan's words match at most this many rows,
those rows are found first and each character set is read once to keep those of them it
holds (a common character's set, 乡 in most items, is then never made whole: 低保 乡 at
1,000 lists 33 -> 25 ms); else, and in a small index, SQLite makes the sets."""


def _within(
    conn: sqlite3.Connection, plan: rowsets.Plan, args: dict[str, Any], among: list[int] | None
) -> list[int] | None:
    """The rows matching ``plan`` (among ``among``), in document order, found from its words'
    rows when they are few; None when they are not (or the plan has no words)."""
    if not plan.match:
        return None
    key = rowsets.param(args, plan.match)
    inside = " AND +rowid IN (SELECT value FROM json_each(:among))" if among is not None else ""
    sql = (
        f"SELECT rowid FROM {plan.table} WHERE {plan.table} MATCH :{key}{inside} "
        "ORDER BY rowid LIMIT :few"
    )
    values = {**args, "among": json.dumps(among), "few": FEW_WORD_MATCHES + 1}
    rows = [rowid for (rowid,) in conn.execute(sql, values)]
    if len(rows) > FEW_WORD_MATCHES:
        return None
    for rowset in plan.sets:
        if not rows:
            break
        kept = f"SELECT rowid FROM ({rowset}) WHERE +rowid IN (SELECT value FROM json_each(:rows))"
        held = {rowid for (rowid,) in conn.execute(kept, {**args, "rows": json.dumps(rows)})}
        rows = [rowid for rowid in rows if rowid in held]
    return rows


def _counted(
    conn: sqlite3.Connection,
    matches: str,
    rowid: str,
    args: dict[str, Any],
    limit: int | None,
    caps: Caps,
    more: bool = False,
) -> tuple[int | None, bool] | None:
    """How many rows ``matches`` (a FROM clause) has and whether that is a lower bound;
    None when it has none. With more than RANK_CAP, sets ``args["bound"]``. ``more``:
    the caller has seen more than ``limit`` rows already (no probe for them)."""
    total: int | None = None
    capped = False
    if limit:
        # The first limit + 1 matches: when there are no more, that is the count.
        first = [] if more else conn.execute(
            f"SELECT {rowid} {matches} ORDER BY {rowid} LIMIT :probe",
            {**args, "probe": limit + 1},
        ).fetchall()
        if not first and not more:
            return None
        if len(first) <= limit and not more:
            total = len(first)
        else:
            # Counting every match of a common word costs more than the exact
            # number tells: stop at COUNT_CAP and say "10,000+".
            total = conn.execute(
                f"SELECT count(*) FROM (SELECT 1 {matches} LIMIT :count_cap)",
                {**args, "count_cap": caps.count_cap + 1},
            ).fetchone()[0]
            if total > caps.count_cap:
                total, capped = caps.count_cap, True
        if total > caps.rank_cap:
            # Ranking costs a bm25 per match: for a word in most items of a large
            # corpus, rank only the first RANK_CAP matches in document order.
            args["bound"] = conn.execute(
                f"SELECT {rowid} {matches} ORDER BY {rowid} LIMIT 1 OFFSET :rank_cap",
                {**args, "rank_cap": caps.rank_cap},
            ).fetchone()[0]
    return total, capped


def _smallest_first(
    conn: sqlite3.Connection, plan: rowsets.Plan, args: dict[str, Any]
) -> rowsets.Plan:
    """The plan with its smallest set first, to drive the query (the others are made
    once as filters): sizes are counted up to a few thousand rows each."""
    if plan.match or len(plan.sets) < 2:
        return plan
    sizes = [
        conn.execute(f"SELECT count(*) FROM ({s} LIMIT 4000)", args).fetchone()[0]
        for s in plan.sets
    ]
    return plan._replace(sets=tuple(s for _, s in sorted(zip(sizes, plan.sets, strict=True))))


def ranked_sets(
    conn: sqlite3.Connection,
    terms: Sequence[Term],
    full: rowsets.Plan,
    names: rowsets.Plan | None,
    head: rowsets.Plan | None,
    ranks: tuple[str, str],
    where: list[str],
    args: dict[str, Any],
    limit: int | None,
    caps: Caps,
    found: dict[str, Any] | None = None,
) -> tuple[list[DutyRow], int, bool]:
    """``_ranked`` for a query whose every term has a single character (犬 乡, 狗):
    no one bm25 covers all its rows.

    Items whose name matches (``names``) come first, then the rest. In each part:
    the rows with a bigram alternative (``ranks``, for ``duties_fts`` and
    ``names_fts``: 狗's 犬只, 养犬) by its bm25, then the rows matched by characters
    only: in the rest, those whose name or departments match (``head``) first;
    then names holding the query's characters more densely (``rowsets.density``:
    a short name, a character said twice), then document order (stable).
    Without ``names`` (partial matches ranked by coverage) there is no name stage.
    """
    if len(full.sets) == 1:  # one set: read in document order as far as needed
        driver = rowsets.set_sql(full, args)
        if limit:
            # The first limit + 1 matches, with their rows: when there are no more,
            # they only need ordering.
            first = conn.execute(
                f"{_ROW_SELECT} FROM ({driver}) m JOIN duties d ON d.rowid = m.rowid"
                f"{_where(where)} ORDER BY m.rowid LIMIT :probe",
                {**args, "probe": limit + 1},
            ).fetchall()
            if not first:
                return [], 0, False
            if len(first) <= limit:
                rows = _order_few(conn, terms, first, names, head, ranks, args, caps.weights)
                return rows, len(rows), False
        join = " JOIN duties d ON d.rowid = m.rowid" if where else ""
        matches = f"FROM ({driver}) m{join}{_where(where)}"
        counted = _counted(conn, matches, "m.rowid", args, limit, caps, more=bool(limit))
        if counted is None:
            return [], 0, False
        total, capped = counted
        bound = rank_bound = ""
        if "bound" in args:
            bound, rank_bound = " AND m.rowid < :bound", " AND rowid < :bound"
        return _staged(conn, terms, driver, names, head, ranks, where, args, limit,
                       (total, capped, bound, rank_bound), caps.weights)
    # Several sets: their intersection is found once, in document order (a common
    # character's set costs a pass each time a statement makes it).
    found = {} if found is None else found
    if "ids" not in found:
        full = _smallest_first(conn, full, args)
        join = " JOIN duties d ON d.rowid = m.rowid" if where else ""
        cap = " LIMIT :cap" if limit else ""
        sql = (
            f"SELECT m.rowid FROM ({rowsets.set_sql(full, args)}) m{join}{_where(where)} "
            f"ORDER BY m.rowid{cap}"
        )
        cap_args = {**args, "cap": caps.count_cap + 1}
        found["ids"] = [rowid for (rowid,) in conn.execute(sql, cap_args)]
    ids = found["ids"]
    if not ids:
        return [], 0, False
    if limit and len(ids) <= limit:
        marks = ", ".join("?" * len(ids))
        first = conn.execute(
            f"{_ROW_SELECT} FROM duties d WHERE d.rowid IN ({marks}) ORDER BY d.rowid", ids
        ).fetchall()
        rows = _order_few(conn, terms, first, names, head, ranks, args, caps.weights)
        return rows, len(rows), False
    total, capped = len(ids), bool(limit) and len(ids) > caps.count_cap
    if capped:
        total = caps.count_cap
    bound = rank_bound = ""
    if limit and len(ids) > caps.rank_cap:
        # Rank only the first RANK_CAP matches in document order, as query._ranked does.
        ids = ids[:caps.rank_cap]
        args["last"] = ids[-1]
        bound, rank_bound = " AND m.rowid <= :last", " AND rowid <= :last"
    args["ids"] = json.dumps(ids)
    driver = "SELECT value AS rowid FROM json_each(:ids)"
    return _staged(conn, terms, driver, names, head, ranks, where, args, limit,
                   (total, capped, bound, rank_bound), caps.weights)


def _order_few(
    conn: sqlite3.Connection,
    terms: Sequence[Term],
    records: list[sqlite3.Row],
    names: rowsets.Plan | None,
    head: rowsets.Plan | None,
    ranks: tuple[str, str],
    args: dict[str, Any],
    weights: str,
) -> list[DutyRow]:
    """All the matches of a query that has no more than a page of them (``records``, in
    document order), in the order ``_staged`` gives a longer list.

    Which of them match in the name (and in the name or departments), and their bm25
    over ``ranks``, are asked for among these rows only; the density of the query's
    characters in a name is counted here as ``rowsets.density`` counts it in SQL.
    """
    few = {**args, "few": json.dumps([record["rowid"] for record in records])}
    within = " AND +rowid IN (SELECT value FROM json_each(:few))"

    def ids(plan: rowsets.Plan) -> set[int]:
        sql = f"SELECT rowid FROM ({rowsets.set_sql(plan, few)}) WHERE 1{within}"
        return {rowid for (rowid,) in conn.execute(sql, few)}

    def bm25(table: str, rank: str, weights: str) -> dict[int, float]:
        sql = (
            f"SELECT rowid, bm25({table}{weights}) FROM {table} "
            f"WHERE {table} MATCH :few_rank{within}"
        )
        return dict(conn.execute(sql, {**few, "few_rank": rank}))

    rowids = [record["rowid"] for record in records]
    named = ids(names) if names else set()
    name_ranks = bm25("names_fts", ranks[1], "") if named and ranks[1] else {}
    rest = [rowid for rowid in rowids if rowid not in named]
    full_ranks = bm25("duties_fts", ranks[0], ", " + weights) if rest and ranks[0] else {}
    unranked = [rowid for rowid in rest if rowid not in full_ranks]
    in_head = ids(head) if head and unranked else set()
    chars = rowsets.chars_of(terms)

    def key(record: sqlite3.Row) -> tuple[int, int, float, int, float, int]:
        rowid = record["rowid"]
        stage, ranked = (0, name_ranks) if rowid in named else (1, full_ranks)
        if rowid in ranked:
            return stage, 0, ranked[rowid], 0, 0.0, rowid
        tier = 0 if stage == 0 or not head or rowid in in_head else 1
        return stage, 1, 0.0, tier, -_density(chars, record["name"]), rowid

    ordered = sorted(records, key=key)
    rows = _rows(conn, ordered)
    for row, record in zip(rows, ordered, strict=True):
        rowid = record["rowid"]
        rank = (name_ranks if rowid in named else full_ranks).get(rowid)
        row.score = -rank if rank is not None else 0.0
        row.score = row.score or 0.0  # 0.0, not -0.0, as _staged gives
    return rows


def _density(chars: Sequence[str], name: str) -> float:
    """``rowsets.density`` of a name, computed as SQLite computes it (``length`` counts
    the characters before a NUL)."""
    if not chars:
        return 0.0

    def length(text: str) -> int:
        return len(text.partition("\0")[0])

    counts = sum(length(name) - length(name.replace(char, "")) for char in chars)
    return counts * 1.0 / max(length(name), 1)


def _staged(
    conn: sqlite3.Connection,
    terms: Sequence[Term],
    driver: str,
    names: rowsets.Plan | None,
    head: rowsets.Plan | None,
    ranks: tuple[str, str],
    where: list[str],
    args: dict[str, Any],
    limit: int | None,
    counted: tuple[int | None, bool, str, str],
    weights: str,
) -> tuple[list[DutyRow], int, bool]:
    """``_ranked_sets``' two stages over ``driver`` (the matching rows), ``counted``
    saying how many match, whether that is a lower bound, and the bound on the
    ranked rows (on ``m.rowid`` and on an FTS table's rowid)."""
    total, capped, bound, rank_bound = counted
    filters = "".join(f" AND {clause}" for clause in where)
    records: list[sqlite3.Row] = []
    chars = rowsets.chars_of(terms)
    dense = f"{rowsets.density(chars, 'd.name', args)} DESC, " if chars else ""

    def stage(rows: str, table: str, weights: str, rank: str, exclude: str, head: str,
              count: int | None) -> list[sqlite3.Row]:
        """``rows`` but ``exclude``: those ``rank`` matches by bm25 over ``table``, then the
        others (``head`` first, then by density); ``count`` of them at most."""
        args["count"] = count
        limit_clause = " LIMIT :count" if count else ""
        outside = f" AND rowid NOT IN ({exclude})" if exclude else ""
        m_outside = f" AND m.rowid NOT IN ({exclude})" if exclude else ""
        found: list[sqlite3.Row] = []
        unranked = ""
        if rank:
            args[f"{table}_rank"] = rank
            ranked = (
                f"SELECT rowid, bm25({table}{weights}) AS rank FROM {table} "
                f"WHERE {table} MATCH :{table}_rank{rank_bound} "
                f"AND +rowid IN (SELECT rowid FROM ({rows}) WHERE 1{rank_bound}){outside}"
            )
            if where:
                sql = (
                    f"{_ROW_SELECT}, r.rank FROM ({ranked}) r JOIN duties d ON d.rowid = r.rowid"
                    f" WHERE 1{filters} ORDER BY r.rank, r.rowid{limit_clause}"
                )
            else:
                sql = (
                    f"{_ROW_SELECT}, r.rank FROM ({ranked} ORDER BY rank, rowid{limit_clause}) r "
                    "JOIN duties d ON d.rowid = r.rowid ORDER BY r.rank, r.rowid"
                )
            found = conn.execute(sql, args).fetchall()
            if count and len(found) >= count:
                return found
            args["count"] = count - len(found) if count else None
            unranked = (
                f" AND m.rowid NOT IN (SELECT rowid FROM {table} "
                f"WHERE {table} MATCH :{table}_rank{rank_bound})"
            )
        tier = f"m.rowid NOT IN ({head}), " if head else ""
        sql = (
            f"{_ROW_SELECT}, 0.0 AS rank FROM ({rows}) m JOIN duties d ON d.rowid = m.rowid "
            f"WHERE 1{bound}{filters}{m_outside}{unranked} "
            f"ORDER BY {tier}{dense}d.rowid{limit_clause}"
        )
        return found + conn.execute(sql, args).fetchall()

    def bounded(plan: rowsets.Plan) -> str:
        """A plan's rows below the bound: the set is made once per statement."""
        return f"SELECT rowid FROM ({rowsets.set_sql(plan, args)}) WHERE 1{rank_bound}"

    # A row whose name has every term has them all (the name is one of the columns):
    # the name stage reads the name matches only.
    name_set = bounded(names) if names else ""
    if names:
        records = stage(name_set, "names_fts", "", ranks[1], "", "", limit)
    if not limit or len(records) < limit:
        rest = limit - len(records) if limit else None
        tier = bounded(head) if head else ""
        records += stage(driver, "duties_fts", ", " + weights, ranks[0], name_set, tier, rest)
    rows = _rows(conn, records)
    for row in rows:
        row.score = row.score or 0.0  # 0.0, not -0.0, where no bm25 ranked the row
    return rows, max(total or 0, len(rows)), capped
