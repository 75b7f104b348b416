"""Tokeniser and query parsing: pure functions, no database."""

from __future__ import annotations

import sqlite3
from contextlib import closing

from hypothesis import given, settings
from hypothesis import strategies as st

from dutylist import rowsets
from dutylist.textsearch import (
    Option,
    bigrams,
    char_stream,
    find_spans,
    has_chars,
    index_streams,
    match_all,
    may_match_in,
    normalize,
    parse_query,
    segments,
    snippet,
    term_options,
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


def test_char_stream_tags_each_fields_distinct_characters() -> None:
    name, dept, body = (index_streams(text)[1] for text in ("养犬", "公安局", "犬只、犬只"))
    assert char_stream(name, dept, body).split() == [
        "n养", "n犬", "d公", "d安", "d局", "b犬", "b只",
    ]


def test_single_character_is_looked_up_in_the_characters_table() -> None:
    parsed = parse_query("犬")
    assert has_chars(parsed) and not has_chars(parse_query("养犬"))
    assert term_options(parsed.terms[0], COLUMNS) == (Option("", '("n犬" OR "d犬" OR "b犬")'),)
    assert term_options(parsed.terms[0], ("name_bi",)) == (Option("", '"n犬"'),)


def test_a_synonym_term_mixes_characters_and_words() -> None:
    term = parse_query("狗", {"狗": ["犬只"]}).terms[0]
    assert term_options(term, ("name_bi", "dept_bi")) == (
        Option("", '("n狗" OR "d狗")'), Option('{name_bi dept_bi} : ("犬只")', ""),
    )
    latin = parse_query("犬a").terms[0]
    assert term_options(latin, ("name_bi",)) == (Option('"a"*', '"n犬"'),)


def test_a_whole_tables_columns_need_no_column_filter() -> None:
    """Over all of duties_fts's (or names_fts's) columns an expression has no column
    filter, which FTS5 would check at every position; over some of them it has one."""
    term = parse_query("低保家庭").terms[0]
    phrase = '("低保" + "保家" + "家庭")'
    assert term_options(term, COLUMNS) == (Option(phrase, ""),)
    assert term_options(term, ("name_bi",)) == (Option(phrase, ""),)
    assert term_options(term, ("name_bi", "dept_bi")) == (
        Option("{name_bi dept_bi} : " + phrase, ""),
    )


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
    """duties_fts and chars_fts as the build makes them, one row each for two texts."""
    conn = sqlite3.connect(":memory:")
    conn.execute(
        "CREATE VIRTUAL TABLE duties_fts USING fts5(name_bi, dept_bi, body_bi, "
        "content='', tokenize='ascii')"
    )
    conn.execute(
        "CREATE VIRTUAL TABLE chars_fts USING fts5(chars, content='', tokenize='ascii', "
        "detail='none')"
    )
    texts = ("对困难群众、低保家庭给予最低生活保障，拨打12345", "文明养犬APP")
    for rowid, text in enumerate(texts, 1):
        bi, uni = index_streams(text)
        conn.execute("INSERT INTO duties_fts (rowid, body_bi) VALUES (?, ?)", (rowid, bi))
        conn.execute(
            "INSERT INTO chars_fts (rowid, chars) VALUES (?, ?)", (rowid, char_stream("", "", uni))
        )
    return conn


def _matches(conn: sqlite3.Connection, query: str, synonyms: dict[str, list[str]]) -> list[int]:
    params: dict[str, str] = {}
    plan = rowsets.plan(parse_query(query, synonyms).terms, COLUMNS, "duties_fts", params)
    sql = rowsets.set_sql(plan, params)
    return [rowid for (rowid,) in conn.execute(f"{sql} ORDER BY 1", params)]


def test_expressions_find_substrings_of_the_indexed_text() -> None:
    with closing(_fts()) as conn:
        for query in ["低保", "低保家庭", "保", "最低生活保障", "12345", "123", "困难 低保",
                      "保 低保", "保 困"]:
            assert _matches(conn, query, {}) == [1], query
        assert _matches(conn, "低保障", {}) == []
        assert _matches(conn, "犬", {}) == [2]
        assert _matches(conn, "保 犬", {}) == []
        assert _matches(conn, "犬app", {}) == [2]  # a character and a Latin word
        assert _matches(conn, "犬12345", {}) == []
        # a term of a character OR words, beside a term of words
        assert _matches(conn, "狗", {"狗": ["低保"]}) == [1]
        assert _matches(conn, "狗", {"狗": ["养犬"]}) == [2]
        assert _matches(conn, "犬 狗", {"狗": ["保", "养犬"]}) == [2]
        assert _matches(conn, "低保 狗", {"狗": ["保", "养犬"]}) == [1]


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=80))
def test_any_query_makes_a_valid_fts5_expression(text: str) -> None:
    parsed = parse_query(text, {"狗": ["犬", "犬只"]})
    if not parsed.terms:
        return
    with closing(_fts()) as conn:
        params: dict[str, str] = {}
        for columns in (COLUMNS, ("name_bi",)):
            plan = rowsets.plan(parsed.terms, columns, "duties_fts", params)
            conn.execute(rowsets.set_sql(plan, params), params).fetchall()
        options = rowsets.any_term(parsed.terms, COLUMNS)
        conn.execute(rowsets.union(options, "duties_fts", params), params).fetchall()


def test_words_of_equal_length_keep_the_query_order() -> None:
    """Snippets centre on the first of the longest words: the order must not depend on
    the process's string hashing (a set's order changes from run to run)."""
    from dutylist.textsearch import ParsedQuery, Term

    alternatives = ("犬只", "养犬", "流浪", "文明", "防疫", "管理")
    parsed = ParsedQuery((Term("狗", ("狗", *alternatives)), Term("犬只", ("犬只", "狂犬病"))))
    assert parsed.words == ["狂犬病", *alternatives, "狗"]


_ALPHABET = "低保家庭养犬文明管理工作ab12，、 “”"


@settings(max_examples=400, deadline=None)
@given(st.text(alphabet=_ALPHABET, max_size=24), st.text(alphabet=_ALPHABET, max_size=10))
def test_a_name_the_index_matches_is_never_ruled_out(text: str, query: str) -> None:
    """``may_match_in`` may say "maybe" wrongly, never "no": search skips the name stage
    on its "no", so a name the bigram index matches must always get a True."""
    parsed = parse_query(query, {"管理": ["养犬管理"]})
    if not parsed.terms or has_chars(parsed):
        return
    with closing(sqlite3.connect(":memory:")) as conn:
        conn.execute("CREATE VIRTUAL TABLE names_fts USING fts5(name_bi, content='', "
                     "tokenize='ascii')")
        conn.execute("INSERT INTO names_fts (rowid, name_bi) VALUES (1, ?)",
                     (index_streams(text)[0],))
        expression = match_all(parsed, ("name_bi",))
        found = conn.execute("SELECT rowid FROM names_fts WHERE names_fts MATCH ?",
                             (expression,)).fetchall()
    if found:
        assert may_match_in(text, parsed)


def test_a_name_without_the_words_is_ruled_out() -> None:
    assert not may_match_in("木垒县民政局", parse_query("低保"))
    assert may_match_in("对“两癌”筛查", parse_query("两癌"))  # punctuation inside is skipped
    assert not may_match_in("低保审核", parse_query("低保 火星"))  # every term must be there
    assert may_match_in("低保审核", parse_query("火星", {"火星": ["审核"]}))  # or a synonym
