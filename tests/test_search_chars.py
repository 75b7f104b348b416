"""One-character words, looked up in ``chars_fts`` (schema 5), against a full scan.

A single Chinese character is not in the bigram columns: the build stores each
item's distinct characters per field in ``chars_fts``, and a query holding one
is answered across both tables (``rowsets``). These tests compare what it finds
with a scan of the frozen 2024 edition's text.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest

from dutylist import query
from dutylist.cli import main
from dutylist.model import Catalog
from dutylist.store.schema import connect
from dutylist.textsearch import normalize


@pytest.fixture(scope="module")
def conn(db_2024: Path) -> Iterator[sqlite3.Connection]:
    connection = connect(db_2024)
    yield connection
    connection.close()


@pytest.fixture(scope="module")
def fields(catalog_2024: Catalog) -> dict[str, tuple[str, str, str]]:
    """Each item's name, departments (with their other names) and steps, folded."""
    others = {d.name: (d.name, *d.aliases, *d.former_names) for d in catalog_2024.departments}
    return {
        duty.id: (
            normalize(duty.name),
            normalize(" ".join(n for name in duty.departments for n in others.get(name, (name,)))),
            normalize(" ".join(duty.body_texts())),
        )
        for duty in catalog_2024.duties()
    }


def _holding(fields: dict[str, tuple[str, str, str]], *words: str) -> set[str]:
    """Items holding every word in some field (a word is not split across fields)."""
    return {i for i, texts in fields.items() if all(any(w in t for t in texts) for w in words)}


@pytest.mark.parametrize("char", ["犬", "乡", "水", "林", "村", "证"])
def test_a_character_finds_every_item_holding_it(conn, fields, char: str) -> None:  # type: ignore[no-untyped-def]
    result = query.search(conn, char, limit=None, synonyms={})
    ids = [row.id for row in result.rows]
    assert result.verdict == "found" and len(ids) == len(set(ids)) == result.total
    assert set(ids) == _holding(fields, char)
    # Name first, then departments, then the steps only.
    tiers = [0 if char in fields[i][0] else 1 if char in fields[i][1] else 2 for i in ids]
    assert tiers == sorted(tiers)
    assert all(row.score is not None for row in result.rows)


def test_names_holding_a_character_more_densely_come_first(conn, fields) -> None:  # type: ignore[no-untyped-def]
    rows = query.search(conn, "乡", limit=None, synonyms={}).rows
    named = [row for row in rows if "乡" in fields[row.id][0]]
    density = [row.name.count("乡") / len(row.name) for row in named]
    assert len(named) > 5 and density == sorted(density, reverse=True)


def test_limited_searches_are_the_first_rows_of_the_whole_answer(conn) -> None:  # type: ignore[no-untyped-def]
    for text in ("乡", "村 乡", "狗", "水", "低保 乡", "狗 水 火星"):
        everything = query.search(conn, text, limit=None)
        for limit in (1, 3, 10):
            first = query.search(conn, text, limit=limit)
            assert [r.id for r in first.rows] == [r.id for r in everything.rows[:limit]], text
            assert first.total == everything.total, text


@pytest.mark.parametrize(
    "text", ["犬", "狗", "乡", "村 乡", "狗 水 火星", "低保 乡", "线12345", "工作", "低保", "防汛"]
)
def test_a_page_holding_every_match_is_ordered_as_the_whole_answer(conn, text: str) -> None:  # type: ignore[no-untyped-def]
    """When every match fits on the page, the rows are ordered among themselves (name
    matches, bm25, departments, density of the characters, document order): the same
    rows, order and scores as the whole answer, ranked by SQL over every match."""
    synonyms = {"水": ["供水"], "狗": ["犬只", "养犬"]}
    for filters in ({}, {"kind": "coordinated"}, {"kind": "basic"}):
        everything = query.search(conn, text, limit=None, synonyms=synonyms, **filters)
        if not everything.rows:
            continue
        for extra in (0, 5):
            page = query.search(
                conn, text, limit=everything.total + extra, synonyms=synonyms, **filters
            )
            assert page.total == everything.total, (text, filters)
            assert [(r.id, r.score, r.matched_in) for r in page.rows] == [
                (r.id, r.score, r.matched_in) for r in everything.rows
            ], (text, filters)


def test_every_character_of_several_must_match(conn, fields) -> None:  # type: ignore[no-untyped-def]
    result = query.search(conn, "乡 村", limit=None, synonyms={})
    assert {r.id for r in result.rows} == _holding(fields, "乡", "村") != set()


def test_a_synonym_term_mixes_a_character_and_words(conn, fields) -> None:  # type: ignore[no-untyped-def]
    """狗 → 狗 (a character) | 犬只 | 养犬 (bigram words): the union, the words' bm25 first."""
    synonyms = {"狗": ["犬只", "养犬"]}
    result = query.search(conn, "狗", limit=None, synonyms=synonyms)
    expected = _holding(fields, "狗") | _holding(fields, "犬只") | _holding(fields, "养犬")
    assert {r.id for r in result.rows} == expected
    assert result.rows[0].id == "C19"  # 文明养犬管理工作: 养犬 in the name
    by_words = [r for r in result.rows if (r.score or 0.0) > 0.0]
    assert result.rows[: len(by_words)] == by_words and by_words


def test_a_word_and_a_character(conn, fields) -> None:  # type: ignore[no-untyped-def]
    both = query.search(conn, "低保 乡", limit=None, synonyms={})
    word = query.search(conn, "低保", limit=None, synonyms={})
    assert {r.id for r in both.rows} == {r.id for r in word.rows if r.id in _holding(fields, "乡")}
    assert both.rows


def test_a_character_and_a_latin_word_in_one_word(conn, fields) -> None:  # type: ignore[no-untyped-def]
    result = query.search(conn, "线12345", limit=None, synonyms={})
    assert {r.id for r in result.rows} == _holding(fields, "线", "12345") != set()


@pytest.mark.parametrize(
    "filters",
    [{"kind": "coordinated"}, {"kind": "basic"}, {"category": "民生服务"},
     {"department": "县民政局"}],
)
def test_filters_keep_the_order_of_a_character_query(conn, filters) -> None:  # type: ignore[no-untyped-def]
    everything = query.search(conn, "村", limit=None, synonyms={})
    filtered = query.search(conn, "村", limit=None, synonyms={}, **filters)
    assert filtered.rows
    kept = {r.id for r in query.filter_duties(conn, **filters)}
    assert [r.id for r in filtered.rows] == [r.id for r in everything.rows if r.id in kept]
    limited = query.search(conn, "村", limit=2, synonyms={}, **filters)
    assert [r.id for r in limited.rows] == [r.id for r in filtered.rows[:2]]


@pytest.mark.parametrize("text", ["低保 乡", "乡 村", "狗 水 火星"])
def test_filters_apply_to_every_kind_of_character_query(conn, text: str) -> None:  # type: ignore[no-untyped-def]
    """A word beside a character (bm25 ranks), several character sets (intersected once)
    and near misses by coverage: a filter keeps exactly the matching rows of the list."""
    synonyms = {"水": ["供水"], "狗": ["犬只", "养犬"]}
    everything = query.search(conn, text, limit=None, synonyms=synonyms)
    assert everything.rows
    for kind in ("basic", "coordinated"):
        kept = {r.id for r in query.filter_duties(conn, kind=kind)}
        filtered = query.search(conn, text, limit=None, synonyms=synonyms, kind=kind)
        assert {r.id for r in filtered.rows} == {r.id for r in everything.rows} & kept
        first = query.search(conn, text, limit=2, synonyms=synonyms, kind=kind)
        assert [r.id for r in first.rows] == [r.id for r in filtered.rows[:2]]


def test_near_misses_share_a_character(conn, fields) -> None:  # type: ignore[no-untyped-def]
    """Coverage ranking (partial matches) counts a one-character synonym key like any
    other term (a lone character is not meaningful enough for a near miss)."""
    synonyms = {"水": ["供水"], "狗": ["犬只", "养犬"]}
    result = query.search(conn, "水 火星", synonyms=synonyms, limit=None)
    assert result.partial and result.rows
    assert {r.id for r in result.rows} == _holding(fields, "水")
    mixed = query.search(conn, "狗 水 火星", synonyms=synonyms, limit=None)
    dogs = _holding(fields, "狗") | _holding(fields, "犬只") | _holding(fields, "养犬")
    assert mixed.partial
    assert {r.id for r in mixed.rows} == dogs | _holding(fields, "水")
    coverage = [(r.id in dogs) + (r.id in _holding(fields, "水")) for r in mixed.rows]
    assert coverage == sorted(coverage, reverse=True)  # more terms first
    both = query.search(conn, "狗 水 火星", synonyms={**synonyms, "狗": ["犬只", "养犬", "供水"]})
    assert both.rows[0].id in _holding(fields, "供水")  # the one row with both terms


def test_cli_near_lists_near_misses_of_a_character(
    db_2024: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    argv = ["dutylist", "search", "狗 火星", "--format", "tsv", "--db", str(db_2024)]
    for near in (False, True):
        monkeypatch.setattr("sys.argv", argv + (["--near"] if near else []))
        with pytest.raises(SystemExit) as exit_info:
            main()
        assert exit_info.value.code == 1  # near misses do not answer the query
        ids = [line.split("\t")[0] for line in capsys.readouterr().out.splitlines()]
        assert ("C19" in ids) == near


def test_a_common_character_is_counted_and_ranked_within_the_caps(
    conn, fields, monkeypatch: pytest.MonkeyPatch
) -> None:  # type: ignore[no-untyped-def]
    holding = _holding(fields, "乡")
    monkeypatch.setattr(query, "COUNT_CAP", 30)
    monkeypatch.setattr(query, "RANK_CAP", 10)
    result = query.search(conn, "乡", limit=5, synonyms={})
    assert result.total_capped and result.total == 30 and len(result.rows) == 5
    in_order = [r.id for r in query.filter_duties(conn) if r.id in holding]
    assert {r.id for r in result.rows} <= set(in_order[:10])
    # With a filter, the same caps.
    basic = query.search(conn, "乡", limit=5, synonyms={}, kind="basic")
    assert basic.total_capped and all(r.list == "basic" for r in basic.rows)
