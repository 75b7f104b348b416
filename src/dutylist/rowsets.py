"""Which rows a query with single characters matches, as SQL over the FTS tables.

A one-character word (犬, 乡) is not in the bigram columns of ``duties_fts`` and
``names_fts``: the build keeps each item's distinct characters, tagged by field
(``n犬`` name, ``d林`` departments, ``b村`` steps), in ``chars_fts``, whose
``detail=none`` allows neither column filters, phrases nor ranking. A query
without such a word stays one FTS5 expression (``textsearch.match_all``); with
one, its terms (each required) are split by the table they are looked up in:

- terms without single characters: AND-ed into one bigram-table expression,
  ``Plan.match`` (it drives the query and ranks with bm25, as without characters);
- every other term: a set of rowids (SQL selecting ``rowid``), the UNION of its
  bigram alternatives in one MATCH, its one-character alternatives in one
  ``chars_fts`` MATCH, and each alternative holding both (``犬a``) as the rows
  of its characters that also have its words (狗 → 狗 | 犬只 | 养犬 | …);
  terms of one-character alternatives only share one ``chars_fts`` MATCH.

Pure text building: the parameters (FTS5 expressions, never user text in the
SQL) are added to the caller's dict under fresh names.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any, NamedTuple

from dutylist.textsearch import Option, Term, any_of, is_char, segments, term_options


class Plan(NamedTuple):
    """The rows matching every term in one set of fields (the bigram ``table``'s columns)."""

    table: str
    match: str
    """The terms without single characters, one expression over ``table`` ("" if none)."""
    sets: tuple[str, ...]
    """The other terms, each a rowid set (SQL ``SELECT rowid ...``)."""


def param(params: dict[str, Any], expression: str) -> str:
    """A fresh parameter name holding ``expression``."""
    key = f"fts{len(params)}"
    while key in params:
        key += "_"
    params[key] = expression
    return key


def _arm(table: str, expression: str, params: dict[str, Any], extra: str = "") -> str:
    return f"SELECT rowid FROM {table} WHERE {table} MATCH :{param(params, expression)}{extra}"


def union(
    options: Iterable[Option], table: str, params: dict[str, Any], extra: str = ""
) -> str:
    """The rows where any of ``options`` matches (``extra``: a condition on each arm's rowid)."""
    options = list(options)
    arms = []
    words = [o.words for o in options if not o.chars]
    chars = [o.chars for o in options if not o.words]
    if words:
        arms.append(_arm(table, any_of(words), params, extra))
    if chars:
        arms.append(_arm("chars_fts", any_of(chars), params, extra))
    for option in options:
        if option.words and option.chars:
            inner = _arm(table, option.words, params)
            arms.append(_arm("chars_fts", option.chars, params, f" AND +rowid IN ({inner}){extra}"))
    return " UNION ".join(arms)


def plan(
    terms: Sequence[Term], columns: Sequence[str], table: str, params: dict[str, Any]
) -> Plan:
    """Every term required, in ``columns`` (bigram columns of ``table``; their characters
    by the tags of ``textsearch.CHAR_TAGS``)."""
    words: list[str] = []
    chars: list[str] = []
    sets: list[str] = []
    for term in terms:
        options = term_options(term, columns)
        if not any(o.chars for o in options):
            words.append(any_of([o.words for o in options]))
        elif not any(o.words for o in options):
            chars.append(any_of([o.chars for o in options]))
        else:
            sets.append(union(options, table, params))
    if chars:
        sets.insert(0, _arm("chars_fts", " AND ".join(chars), params))
    return Plan(table, " AND ".join(words), tuple(sets))


def set_sql(plan: Plan, params: dict[str, Any]) -> str:
    """A plan's rows as one rowid set."""
    if plan.match:
        head, rest = _arm(plan.table, plan.match, params), plan.sets
    else:
        head, rest = f"SELECT rowid FROM ({plan.sets[0]}) WHERE 1", plan.sets[1:]
    return head + "".join(f" AND +rowid IN ({s})" for s in rest)


def rank_match(terms: Sequence[Term], columns: Sequence[str]) -> str:
    """Every bigram alternative of any term, for bm25 where the rows have one ("" if none)."""
    words = [o.words for term in terms for o in term_options(term, columns) if o.words]
    return any_of(list(dict.fromkeys(words))) if words else ""


def any_term(terms: Sequence[Term], columns: Sequence[str]) -> list[Option]:
    """The options of every term: matching any of them is matching any term."""
    return list(dict.fromkeys(o for term in terms for o in term_options(term, columns)))


def chars_of(terms: Sequence[Term]) -> list[str]:
    """The single characters of every alternative of every term."""
    return list(dict.fromkeys(
        segment for term in terms for alt in term.alternatives
        for segment in segments(alt) if is_char(segment)
    ))


def density(chars: Sequence[str], column: str, params: dict[str, Any]) -> str:
    """SQL: how many of ``chars`` a text ``column`` holds per character of its length
    (what bm25 would have weighed: a short name, a character said twice)."""
    counts = " + ".join(
        f"length({column}) - length(replace({column}, :{param(params, char)}, ''))"
        for char in chars
    )
    return f"({counts}) * 1.0 / max(length({column}), 1)"
