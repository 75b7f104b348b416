"""Search a built database: read-only, plain data (the API of the query path).

This module is on every query's path, so it imports only the standard library
and the pure parts of dutylist: no sqlite-utils, yaml or rich. SQL is built
from parts (WHERE lists and parameter dicts); user text is never formatted
into it. Words shown to users come from ``labels``; rows carry data only.
Filters, counts and single-item look-ups live in ``listing`` and the result
types in ``results``; both are re-exported here, so ``query`` is the one
module a caller imports.
"""

from __future__ import annotations

import json
import sqlite3
import threading
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from dutylist import charsearch, labels, listing, rowsets, understand
from dutylist.errors import UsageError
from dutylist.ids import ListKind, make_id, parse_id
from dutylist.lexicon import Lexicon
from dutylist.listing import (
    _ROW_SELECT,
    _blocks,
    _filters,
    _rows,
    _where,
    category_counts,
    database_info,
    department_counts,
    department_heads,
    filter_duties,
    get_duty,
    list_counts,
    older_than_bundled,
)
from dutylist.results import BlockView, DutyDetail, DutyRow, SearchResult
from dutylist.store.schema import FTS_COLUMNS, NAME_COLUMNS, connect, load_synonyms
from dutylist.textsearch import (
    MAX_QUERY_CHARS,
    ParsedQuery,
    first_match,
    has_chars,
    match_all,
    may_match_in,
    needle,
    segments,
    term_match,
    term_options,
)

__all__ = [
    "BlockView", "DutyDetail", "DutyRow", "SearchResult", "category_counts", "database_info",
    "department_counts", "department_heads", "filter_duties", "get_duty", "list_counts",
    "older_than_bundled", "search", "lexicon_of", "connect",
]

# bm25 weights, in the order of store.schema.FTS_COLUMNS: the name counts most,
# then the departments, then the text of the steps.
_WEIGHTS = "10.0, 4.0, 1.0"  # bm25() arguments
_ALL_COLUMNS = FTS_COLUMNS
_NAME_COLUMNS = NAME_COLUMNS
_HEAD_COLUMNS = ("name_bi", "dept_bi")

RANK_CAP = 5_000
"""With a --limit, at most this many matches (the first in document order) are ranked."""

COUNT_CAP = 10_000
"""With a --limit, matches are counted up to this many; more are reported as "10,000+"."""


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
            if found and not understand.covered(segmented, words) and not _in_head(
                found[0][0], used
            ):
                # Plain words of the list that no item is about, only mentioned in
                # steps (身份证 among the copies to hand in): a near miss.
                verdict = "partial"
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
            answers = plausible and understand.answers(segmented, fewer, best, words)
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
    """The vocabulary of a connection's database (kept for the last connection this thread
    used: the Datasette plugin answers on several threads, each with its connection)."""
    last: Lexicon | None = getattr(_LOCAL, "lexicon", None)
    if last is None or last.conn is not conn:
        last = _LOCAL.lexicon = Lexicon(conn)
    return last


_LOCAL = threading.local()  # connections cannot be weakly referenced: the last is kept


_STRADDLE_MARGIN = 10
"""When matches across words were left out of a page, this many more rows are fetched."""

_COVERAGE_POOL = 60
"""Partial matches are ranked by coverage among the best this many by bm25."""

SCAN_UP_TO = 50_000
"""A small index, read whole where that is cheaper: the first matches are read with their
rank (``_ranked``), and which terms a near miss has is read from each term's whole
doclists; beyond, each row is sought in them (``_by_coverage``). Measured with
``scripts/bench.py``'s corpora: reading whole was 1.2-3.4x faster at 10 and 100 lists and
mixed at 1,000 (faster for most questions, 25 % slower for 16 common words); seeking
keeps the cost bounded by the pool, whatever the size of the index."""


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
    fetch = limit
    found: dict[str, Any] = {}  # rows matched by characters, found once for every fetch
    while True:
        rows, total, capped = _ranked_query(conn, parsed, where, params, fetch, found)
        if not rows:
            return None
        if not understand.judges(parsed):  # no term that can straddle two words
            return rows, total, capped
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
        # More to fill the page: as many again as were left out, or, when most of the
        # page was left out, four times as many (each fetch ranks the matches afresh).
        more = fetch * 3 if len(proper) < limit / 2 else left_out + _STRADDLE_MARGIN
        fetch = min(fetch + more, fetch * 4)
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
    if has_chars(parsed):
        args = dict(params)
        full = rowsets.Plan("duties_fts", "", (
            rowsets.union(rowsets.any_term(parsed.terms, _ALL_COLUMNS), "duties_fts", args),
        ))
        rank = rowsets.rank_match(parsed.terms, _ALL_COLUMNS)
        rows, total, capped = charsearch.ranked_sets(
            conn, parsed.terms, full, None, None, (rank, ""), where, args, _COVERAGE_POOL,
            _caps(),
        )
    else:
        match = " OR ".join(term_match(term, _ALL_COLUMNS) for term in parsed.terms)
        rows, total, capped = _ranked(conn, match, "", where, params, _COVERAGE_POOL)
    if not rows:
        return None, 0
    coverage = dict.fromkeys((row.id for row in rows), 0)
    marks = ", ".join("?" * len(rows))
    by_rowid = dict(
        conn.execute(f"SELECT rowid, id FROM duties WHERE id IN ({marks})", list(coverage))
    )
    # Which terms each row has. In a large index FTS5 seeks each rowid in each term's
    # doclists; a small one is cheaper to read whole (as a filter, +rowid). The terms
    # without single characters are looked up in one statement (a row once per term
    # it has), the others each across the tables that hold them.
    within = {f"r{n}": rowid for n, rowid in enumerate(by_rowid)}
    scan = "+" if listing.corpus_size(conn) <= SCAN_UP_TO else ""
    rowids = f"{scan}rowid IN ({', '.join(f':{key}' for key in within)})"
    words: list[str] = []
    for n, term in enumerate(parsed.terms):
        if has_chars(ParsedQuery((term,))):
            args = dict(within)
            sql = rowsets.union(term_options(term, _ALL_COLUMNS), "duties_fts", args,
                                f" AND {rowids}")
            for (rowid,) in conn.execute(sql, args):
                coverage[by_rowid[rowid]] += 1
        else:
            within[f"t{n}"] = term_match(term, _ALL_COLUMNS)
            words.append(f"SELECT rowid FROM duties_fts WHERE duties_fts MATCH :t{n} AND {rowids}")
    if words:
        for (rowid,) in conn.execute(" UNION ALL ".join(words), within):
            coverage[by_rowid[rowid]] += 1
    rows.sort(key=lambda row: (-coverage[row.id], -(row.score or 0.0)))
    return ((rows[:limit] if limit else rows), total, capped), coverage[rows[0].id]


def _caps() -> charsearch.Caps:
    """The caps as they are now (tests lower them)."""
    return charsearch.Caps(COUNT_CAP, RANK_CAP, _WEIGHTS, SCAN_UP_TO)


def _ranked_query(
    conn: sqlite3.Connection,
    parsed: ParsedQuery,
    where: list[str],
    params: dict[str, Any],
    limit: int | None,
    found: dict[str, Any] | None = None,
) -> tuple[list[DutyRow], int, bool]:
    """Rows matching every term of ``parsed`` (and the filters), best first (``_ranked``).

    A query with a single character (犬, or 狗 → 狗 | 犬只 …) is looked up in
    ``chars_fts`` too (``rowsets``). When it has terms without one, those drive
    and rank it as usual, among the rows that also match the others: found once
    (kept in ``found`` for the next, larger fetch), since a common character's
    rows cost a pass each time SQLite makes the set. Otherwise ``_ranked_sets``.
    """
    if not has_chars(parsed):
        name_match = match_all(parsed, _NAME_COLUMNS)
        return _ranked(
            conn, match_all(parsed, _ALL_COLUMNS), name_match, where, params, limit,
            in_name=lambda name: may_match_in(name, parsed),
        )
    args = dict(params)
    full = rowsets.plan(parsed.terms, _ALL_COLUMNS, "duties_fts", args)
    names = rowsets.plan(parsed.terms, _NAME_COLUMNS, "names_fts", args)
    if full.match and names.match:
        found = {} if found is None else found
        if "ids" not in found:
            found["ids"], found["name_ids"] = charsearch.matching_ids(
                conn, full, names, where, args, limit, _caps()
            )
        ids, name_ids = found["ids"], found["name_ids"]
        if not ids:
            return [], 0, False
        total, capped = len(ids), bool(limit) and len(ids) > COUNT_CAP
        if capped:
            total = COUNT_CAP
        if limit and len(ids) > RANK_CAP:
            ids = ids[:RANK_CAP]  # rank the first RANK_CAP in document order, as _ranked does
        args["ids"], args["name_ids"] = json.dumps(ids), json.dumps(name_ids)
        return _ranked(
            conn, full.match, names.match, where, args, limit,
            ("SELECT value FROM json_each(:ids)",),
            ("SELECT value FROM json_each(:name_ids)",),
            counted=(total, capped),
        )
    head = rowsets.plan(parsed.terms, _HEAD_COLUMNS, "duties_fts", args)
    ranks = (
        rowsets.rank_match(parsed.terms, _ALL_COLUMNS),
        rowsets.rank_match(parsed.terms, _NAME_COLUMNS),
    )
    return charsearch.ranked_sets(
        conn, parsed.terms, full, names, head, ranks, where, args, limit, _caps(), found
    )


def _ranked(
    conn: sqlite3.Connection,
    match: str,
    name_match: str,
    where: list[str],
    params: dict[str, Any],
    limit: int | None,
    sets: Sequence[str] = (),
    name_sets: Sequence[str] = (),
    counted: tuple[int, bool] | None = None,
    in_name: Callable[[str], bool] | None = None,
) -> tuple[list[DutyRow], int, bool]:
    """Rows matching ``match`` (and the filters), best first; how many match; whether
    that number is only a lower bound (COUNT_CAP).

    ``in_name`` says False for a name ``name_match`` cannot match (``may_match_in``):
    when no row of a short answer has such a name, the name stage is not asked for.

    ``name_match`` ranks the items whose name matches first ("": no name stage).
    ``sets`` and ``name_sets`` are further rowid sets the rows must be in (the rows
    found for the terms looked up in ``chars_fts``), ``counted`` their count.
    """
    args: dict[str, Any] = {**params, "match": match, "name_match": name_match}
    args["filtered"] = bool(where)
    extra = "".join(f" AND +duties_fts.rowid IN ({s})" for s in sets)
    name_extra = "".join(f" AND +names_fts.rowid IN ({s})" for s in name_sets)
    args["name_extra"] = name_extra
    if where:
        matches = (
            "FROM duties_fts JOIN duties d ON d.rowid = duties_fts.rowid"
            f"{_where(['duties_fts MATCH :match', *where])}{extra}"
        )
    else:
        matches = f"FROM duties_fts WHERE duties_fts MATCH :match{extra}"
    total: int | None = None
    capped = False
    if counted is not None:
        total, capped = counted
    elif limit:
        # The first limit + 1 matches: when there are no more, that is the count, and
        # they only need ordering. In a small index they are read with their rows and
        # rank over all columns at once; in a large one the first bm25 of a statement
        # counts every item holding each phrase (a common word's whole doclist), so
        # the rank is asked for only when the matches are few.
        read = matches if where else (
            f"FROM duties_fts JOIN duties d ON d.rowid = duties_fts.rowid "
            f"WHERE duties_fts MATCH :match{extra}"
        )
        rank = f"bm25(duties_fts, {_WEIGHTS}) AS rank"
        if listing.corpus_size(conn) <= SCAN_UP_TO:
            first = conn.execute(
                f"{_ROW_SELECT}, {rank} {read} ORDER BY duties_fts.rowid LIMIT :probe",
                {**args, "probe": limit + 1},
            ).fetchall()
        else:
            first = conn.execute(
                f"SELECT duties_fts.rowid {matches} ORDER BY duties_fts.rowid LIMIT :probe",
                {**args, "probe": limit + 1},
            ).fetchall()
            if first and len(first) <= limit:
                few = json.dumps([rowid for (rowid,) in first])
                first = conn.execute(
                    f"{_ROW_SELECT}, {rank} FROM duties_fts JOIN duties d ON "
                    "d.rowid = duties_fts.rowid WHERE duties_fts MATCH :match "
                    "AND +duties_fts.rowid IN (SELECT value FROM json_each(:few)) "
                    "ORDER BY duties_fts.rowid",
                    {"match": match, "few": few},
                ).fetchall()
        if not first:
            return [], 0, False
        if len(first) <= limit:
            if in_name is not None and not any(in_name(record["name"]) for record in first):
                args["name_match"] = ""  # no name stage: none of these names can match
            return _order_few(conn, first, args), len(first), False
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
            f"WHERE names_fts MATCH :name_match{below('names_fts.rowid')}{name_extra}"
            f"{filters} ORDER BY rank, d.rowid{limit_clause}"
        )
    else:
        sql = (
            f"{_ROW_SELECT}, n.rank FROM (SELECT rowid, bm25(names_fts) AS rank "
            f"FROM names_fts WHERE names_fts MATCH :name_match{below('rowid')}{name_extra} "
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
            "SELECT rowid FROM names_fts "
            f"WHERE names_fts MATCH :name_match{below('rowid')}{name_extra}"
            if name_match else "SELECT NULL WHERE 0"
        )
        args["rest"] = limit - len(records) if limit else None
        rest_clause = " LIMIT :rest" if limit else ""
        if where:
            sql = (
                f"{_ROW_SELECT}, bm25(duties_fts, {_WEIGHTS}) AS rank "
                "FROM duties_fts JOIN duties d ON d.rowid = duties_fts.rowid "
                f"WHERE duties_fts MATCH :match{below('duties_fts.rowid')}{extra}"
                f"{filters} AND duties_fts.rowid NOT IN ({names}) "
                f"ORDER BY rank, d.rowid{rest_clause}"
            )
        else:
            sql = (
                f"{_ROW_SELECT}, f.rank FROM (SELECT rowid, "
                f"bm25(duties_fts, {_WEIGHTS}) AS rank FROM duties_fts "
                f"WHERE duties_fts MATCH :match{below('rowid')}{extra} "
                f"AND rowid NOT IN ({names}) "
                f"ORDER BY rank, rowid{rest_clause}) f "
                "JOIN duties d ON d.rowid = f.rowid ORDER BY f.rank, f.rowid"
            )
        records += conn.execute(sql, args).fetchall()
    rows = _rows(conn, records)
    return rows, max(total or 0, len(rows)), capped


def _order_few(
    conn: sqlite3.Connection, records: list[sqlite3.Row], args: dict[str, Any]
) -> list[DutyRow]:
    """All the matches of a query that has no more than a page of them, best first.

    ``records`` are the matches in document order, each with its rank over all
    columns. The order is the one ``_ranked`` gives a longer list: items whose
    name matches first, by their name-only rank, then the rest by their rank over
    all columns (ties in document order). Without filters every name match is one
    of ``records``; with filters, the unfiltered matches may be many, so the name
    rank is asked for within ``records``' range only.
    """
    span = " AND rowid BETWEEN :low AND :high" if args.get("filtered") else ""
    named: dict[int, float] = {}
    if args["name_match"]:
        named = dict(conn.execute(
            "SELECT rowid, bm25(names_fts) FROM names_fts "
            f"WHERE names_fts MATCH :name_match{span}{args['name_extra']}",
            {**args, "low": records[0]["rowid"], "high": records[-1]["rowid"]},
        ))
    order = sorted(
        (0, named[record["rowid"]], record["rowid"], n) if record["rowid"] in named
        else (1, record["rank"], record["rowid"], n)
        for n, record in enumerate(records)
    )
    rows = _rows(conn, [records[n] for *_, n in order])
    for row, (_tier, rank, *_) in zip(rows, order, strict=True):
        row.score = -rank
    return rows


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


def _in_head(row: DutyRow, parsed: ParsedQuery) -> bool:
    """Whether a word of ``parsed`` is in the row's name or departments (not only its steps),
    punctuation inside the text skipped (两癌筛查 in “两癌”筛查)."""
    needles = [n for n in map(needle, parsed.words) if n]
    joined = ["".join(segments(text)) for _key, text in _head_fields(row)]
    return any(n in text for text in joined for n in needles)


def _head_fields(row: DutyRow) -> list[tuple[str, str]]:
    return [("name", row.name), *(("departments", d) for d in row.departments)]
