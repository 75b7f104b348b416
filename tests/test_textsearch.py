"""Tokeniser and query parsing: pure functions, no database."""

from __future__ import annotations

import sqlite3
from contextlib import closing

from hypothesis import given, settings
from hypothesis import strategies as st

from dutylist.textsearch import (
    bigrams,
    find_spans,
    index_streams,
    match_all,
    match_any,
    normalize,
    parse_query,
    segments,
    snippet,
)

COLUMNS = ("name_bi", "dept_bi", "body_bi")


def test_normalize_folds_width_and_case() -> None:
    assert normalize("ＡＰＰ１２３４５") == "app12345"


def test_segments_drop_punctuation_and_join_chinese_runs() -> None:
    assert segments("配合做好“两癌”筛查") == ["配合做好两癌筛查"]
    assert segments("C、D级食品") == ["c", "d", "级食品"]
    assert segments("拨打12345热线") == ["拨打", "12345", "热线"]
    assert segments("“”，。！") == []


def test_bigrams() -> None:
    assert bigrams("低保家庭") == ["低保", "保家", "家庭"]
    assert bigrams("犬") == ["犬"]


def test_index_streams_bigrams_and_unigrams() -> None:
    bi, uni = index_streams("养犬、APP")
    assert bi.split() == ["养犬", "app"]
    assert uni.split() == ["养", "犬"]


def test_parse_query_splits_words_and_expands_synonyms_by_union() -> None:
    parsed = parse_query("狗 低保", {"狗": ["犬", "犬只"]})
    assert [t.text for t in parsed.terms] == ["狗", "低保"]
    assert parsed.terms[0].alternatives == ("狗", "犬", "犬只")
    assert parsed.terms[1].alternatives == ("低保",)


def test_parse_query_replaces_a_synonym_inside_a_longer_word() -> None:
    parsed = parse_query("养狗", {"狗": ["犬"]})
    assert parsed.terms[0].alternatives == ("养狗", "养犬")


def test_parse_query_drops_words_without_searchable_characters() -> None:
    assert [t.text for t in parse_query('"(* NEAR( ）').terms] == ["near("]
    assert parse_query("“”*()").terms == ()


def test_match_all_quotes_every_token() -> None:
    expression = match_all(parse_query('低保" OR 1=1'), COLUMNS)
    assert '"低保"' in expression
    assert '"or"*' in expression  # user text is a token, never FTS5 syntax
    assert "{name_uni dept_uni body_uni}" not in expression


def test_single_character_uses_unigram_columns() -> None:
    assert match_all(parse_query("犬"), COLUMNS) == '({name_uni dept_uni body_uni} : "犬")'


def test_match_any_lists_pieces_for_the_fallback() -> None:
    expression = match_any(parse_query("打疫苗"), COLUMNS)
    assert '"打疫"' in expression and '"疫苗"' in expression and " OR " in expression


def test_find_spans_ignores_width_and_case() -> None:
    text = "拨打１２３４５热线，下载APP"
    assert find_spans(text, ["12345"]) == [(2, 7)]
    assert find_spans(text, ["app"]) == [(12, 15)]


def test_snippet_keeps_the_match_and_marks_cuts() -> None:
    text = "甲" * 50 + "低保" + "乙" * 50
    cut = snippet(text, ["低保"], width=20)
    assert cut is not None and "低保" in cut
    assert cut.startswith("…") and cut.endswith("…")
    assert snippet("短文本低保", ["低保"]) == "短文本低保"
    assert snippet("没有", ["低保"]) is None


def _fts() -> sqlite3.Connection:
    conn = sqlite3.connect(":memory:")
    conn.execute(
        "CREATE VIRTUAL TABLE t USING fts5(name_bi, name_uni, dept_bi, dept_uni, body_bi, "
        "body_uni, tokenize='unicode61 remove_diacritics 0')"
    )
    bi, uni = index_streams("对困难群众、低保家庭给予最低生活保障，拨打12345")
    conn.execute("INSERT INTO t VALUES (?, ?, '', '', '', '')", (bi, uni))
    return conn


def test_expressions_find_substrings_of_the_indexed_text() -> None:
    with closing(_fts()) as conn:
        for query in ["低保", "低保家庭", "保", "最低生活保障", "12345", "123", "困难 低保"]:
            expression = match_all(parse_query(query), COLUMNS)
            hits = conn.execute("SELECT count(*) FROM t WHERE t MATCH ?", (expression,)).fetchone()
            assert hits == (1,), query
        expression = match_all(parse_query("低保障"), COLUMNS)
        found = conn.execute("SELECT count(*) FROM t WHERE t MATCH ?", (expression,)).fetchone()
        assert found == (0,)


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=80))
def test_any_query_makes_a_valid_fts5_expression(text: str) -> None:
    parsed = parse_query(text, {"狗": ["犬"]})
    if not parsed.terms:
        return
    with closing(_fts()) as conn:
        for expression in (match_all(parsed, COLUMNS), match_any(parsed, COLUMNS)):
            conn.execute("SELECT count(*) FROM t WHERE t MATCH ?", (expression,)).fetchone()


def test_words_of_equal_length_keep_the_query_order() -> None:
    """Snippets centre on the first of the longest words: the order must not depend on
    the process's string hashing (a set's order changes from run to run)."""
    from dutylist.textsearch import ParsedQuery, Term

    alternatives = ("犬只", "养犬", "流浪", "文明", "防疫", "管理")
    parsed = ParsedQuery((Term("狗", ("狗", *alternatives)), Term("犬只", ("犬只", "狂犬病"))))
    assert parsed.words == ["狂犬病", *alternatives, "狗"]
