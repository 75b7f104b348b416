"""The cheap paths of a search give the answers the plain ones would (issue 14).

Speed itself is measured by scripts/bench.py, not here: these tests pin down that
the shortcuts (capped counts, capped ranking, snippets located once per field)
change nothing a user can see except what they are meant to.
"""

from __future__ import annotations

import sqlite3
import sys
from pathlib import Path
from typing import Any

import pytest

from dutylist import query
from dutylist.cli import main
from dutylist.store.schema import connect
from dutylist.textsearch import ParsedQuery, Term, find_span, snippet

QUERIES = [
    "低保", "村", "乡", "狗", "打疫苗", "两癌", "高龄 津贴 发放", "农药 回收",
    "我家的狗咬人了怎么办", "低保火星基地", "应急管理局", "民政局 公示", "ＡＰＰ", "12345",
]


@pytest.fixture(scope="module")
def conn(db_2024: Path):  # type: ignore[no-untyped-def]
    connection = connect(db_2024)
    yield connection
    connection.close()


def _reference_match(
    conn: sqlite3.Connection, row: query.DutyRow, words: list[str], pieces: list[str]
) -> tuple[str | None, str | None]:
    """Where a row matched, the slow way: every field, every step, in document order."""
    fields: list[tuple[str, str]] = [("name", row.name)]
    fields += [("departments", d) for d in row.departments]
    if row.list != "basic":
        for block in query.get_duty(conn, row.id).upper:
            fields += [("upper_duties", t) for t in (block.heading, block.department) if t]
            fields += [("upper_duties", s) for s in block.steps]
        for block in query.get_duty(conn, row.id).township:
            fields += [("township_duties", t) for t in (block.heading, block.department) if t]
            fields += [("township_duties", s) for s in block.steps]
    pieces = sorted(pieces, key=len, reverse=True)
    for candidates in (words, pieces):
        for where, text in fields:
            if find_span(text, candidates):
                return where, snippet(text, candidates)
    return None, None


@pytest.mark.parametrize("text", QUERIES)
def test_matched_text_is_where_a_full_scan_finds_it(conn, text: str) -> None:  # type: ignore[no-untyped-def]
    result = query.search(conn, text, limit=None)
    assert result.rows, text
    # The words of the reading that answered (typed, cut into words, or corrected).
    pieces = ParsedQuery((Term(text, tuple(result.words)),)).pieces
    for row in result.rows:
        expected = _reference_match(conn, row, result.words, pieces)
        assert (row.matched_in, row.matched) == expected, row.id


def test_counts_stop_at_the_cap_and_say_so(conn, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    exact = query.search(conn, "村", limit=None)
    assert not exact.total_capped and exact.total == len(exact.rows) > 40
    monkeypatch.setattr(query, "COUNT_CAP", 30)
    capped = query.search(conn, "村", limit=5)
    assert capped.total_capped and capped.total == 30 and len(capped.rows) == 5
    assert [r.id for r in capped.rows] == [r.id for r in exact.rows[:5]]
    few = query.search(conn, "低保", limit=5)
    assert not few.total_capped and few.total < 30
    # Without a limit every match is listed, so the count is exact.
    assert query.search(conn, "村", limit=None).total == exact.total


def test_few_matches_are_counted_exactly(conn) -> None:  # type: ignore[no-untyped-def]
    everything = query.search(conn, "防汛", limit=None)
    assert len(everything.rows) > 2
    for limit in (1, len(everything.rows) - 1, len(everything.rows), len(everything.rows) + 1):
        result = query.search(conn, "防汛", limit=limit)
        assert result.total == everything.total and not result.total_capped
        assert [r.id for r in result.rows] == [r.id for r in everything.rows[:limit]]


@pytest.mark.parametrize("kind", [None, "basic", "coordinated"])
def test_limited_and_unlimited_searches_rank_alike(conn, kind) -> None:  # type: ignore[no-untyped-def]
    for text in QUERIES:
        everything = query.search(conn, text, kind=kind, limit=None)
        first = query.search(conn, text, kind=kind, limit=7)
        assert [(r.id, r.score) for r in first.rows] == [
            (r.id, r.score) for r in everything.rows[:7]
        ], text
        assert first.total == everything.total and first.partial == everything.partial


def test_cli_says_a_capped_count_is_a_lower_bound(
    db_2024: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(query, "COUNT_CAP", 30)
    monkeypatch.setattr("sys.argv", ["dutylist", "search", "村", "-n", "3", "--format", "tsv",
                                     "--db", str(db_2024)])
    with pytest.raises(SystemExit) as exit_info:
        main()
    assert exit_info.value.code == 0
    captured = capsys.readouterr()
    assert len(captured.out.splitlines()) == 3
    assert "30+" in captured.err


def test_a_long_question_or_fallback_never_ranks_by_common_pieces(conn) -> None:  # type: ignore[no-untyped-def]
    """Near misses share whole meaningful words, never bigrams or generic words: a
    long query of common words costs no pass over the index per piece."""
    text = "我家的狗咬人了怎么办"
    question = query.search(conn, text)
    assert question.verdict == "found" and question.rows[0].id == "C19"
    common = query.search(conn, "工作 管理 服务 村 乡 火星")
    assert common.verdict == "not_found" and not common.rows


def test_remembered_items_give_the_same_rows(conn, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    """A batch remembers items' departments and steps for its connection: the rows are
    the same whether remembered, read again or read past the limit of what is kept."""
    from dutylist import listing

    def rows(text: str) -> list[tuple[object, ...]]:
        result = query.search(conn, text, limit=None)
        return [(r.id, r.departments, r.score, r.matched_in, r.matched) for r in result.rows]

    first = {text: rows(text) for text in ("村", "防汛", "低保 审核")}
    assert all(first.values())
    changed = query.search(conn, "村", limit=1).rows[0]
    changed.departments.append("改过的部门")  # a caller changing a row changes no other row
    assert rows("村") == first["村"]
    monkeypatch.setattr(listing, "_ITEMS_KEPT", 3)  # fewer than a page: forgotten often
    for text in ("低保 审核", "村", "防汛"):
        assert rows(text) == first[text], text


@pytest.mark.parametrize("text", ["低保火星基地", "高龄 补贴", "社保卡 挂失 补办",
                                  "我家的狗咬人了怎么办", "狗 水 火星", "犬只 火星"])
def test_near_misses_are_the_same_whether_doclists_are_read_whole_or_sought(
    conn, monkeypatch: pytest.MonkeyPatch, text: str  # type: ignore[no-untyped-def]
) -> None:
    """Which terms each near miss has is read from whole doclists in a small index and
    sought row by row in a large one: the same rows, order and verdict either way."""
    answers = []
    for scan_up_to in (10**9, 0):
        monkeypatch.setattr(query, "SCAN_UP_TO", scan_up_to)
        result = query.search(conn, text, synonyms={"狗": ["犬只"], "水": ["供水"]})
        answers.append((result.verdict, [(row.id, row.score) for row in result.rows]))
    assert answers[0] == answers[1]
    assert answers[0][1], text


@pytest.mark.parametrize("kind", [None, "coordinated"])
def test_the_first_matches_are_the_same_read_with_their_rank_or_after(
    conn, monkeypatch: pytest.MonkeyPatch, kind  # type: ignore[no-untyped-def]
) -> None:
    """A small index reads the first matches with their rank in one statement, a large
    one asks for the rank only when they are few: the same answers either way."""
    answers = []
    for scan_up_to in (10**9, 0):
        monkeypatch.setattr(query, "SCAN_UP_TO", scan_up_to)
        answers.append([
            (result.verdict, result.total, [(row.id, row.score, row.matched) for row in result.rows])
            for text in QUERIES for limit in (3, 20)
            for result in [query.search(conn, text, limit=limit, kind=kind)]
        ])
    assert answers[0] == answers[1]
    assert sum(bool(rows) for _v, _t, rows in answers[0]) > len(QUERIES)


def test_a_word_beside_characters_finds_the_same_rows_however_the_sets_are_made(
    conn, monkeypatch: pytest.MonkeyPatch  # type: ignore[no-untyped-def]
) -> None:
    """低保 乡: in a large index the word's rows are found first and each character's set
    only keeps those it holds (``charsearch.matching_ids``); in a small one, or when the
    word is common too, SQLite makes the sets. The same answers every way."""
    from dutylist import charsearch

    texts = ["低保 乡", "养犬 乡", "防汛 村", "低保 审核 乡", "犬只 犬", "高龄 津贴 村", "狗 村"]
    answers = []
    for scan_up_to, few in ((10**9, 20_000), (0, 20_000), (0, 1)):
        monkeypatch.setattr(query, "SCAN_UP_TO", scan_up_to)
        monkeypatch.setattr(charsearch, "FEW_WORD_MATCHES", few)
        answers.append([
            (r.total, [(row.id, row.score, row.matched) for row in r.rows])
            for text in texts for kind in (None, "coordinated") for limit in (2, 20)
            for r in [query.search(conn, text, limit=limit, kind=kind,
                                   synonyms={"狗": ["犬只"]})]
        ])
    assert answers[0] == answers[1] == answers[2]
    assert sum(bool(rows) for _t, rows in answers[0]) > len(texts)


def test_searches_on_several_threads_each_keep_their_own_database(
    db_2024: Path, mini_db: Path
) -> None:
    """The Datasette plugin answers on several threads, each with its connection, and a
    county may serve several lists: what a search remembers (vocabulary, items, readings)
    is kept per thread, so no answer mixes up two databases or two connections."""
    from concurrent.futures import ThreadPoolExecutor
    from contextlib import closing

    texts = ["低保", "狗", "养犬", "高龄 补贴", "饲养犬只", "民政", "村", "打疫苗", "低保火星"]

    def answers(db: Path, rounds: int) -> tuple[Path, list[list[tuple[str, list[Any]]]]]:
        with closing(query.connect(db)) as conn:  # made in this thread, used only here
            return db, [
                [(t, [(r.id, r.score, r.matched) for r in query.search(conn, t).rows])
                 for t in texts]
                for _ in range(rounds)
            ]

    expected = {db: answers(db, 1)[1][0] for db in (db_2024, mini_db)}
    assert expected[db_2024] != expected[mini_db]
    interval = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)  # threads take turns often: a shared memo would show
    try:
        with ThreadPoolExecutor(4) as pool:
            for db, rounds in pool.map(answers, [db_2024, mini_db] * 4, [6] * 8):
                assert all(found == expected[db] for found in rounds)
    finally:
        sys.setswitchinterval(interval)


def test_each_thread_keeps_its_own_memos(db_2024: Path, mini_db: Path) -> None:
    """Another thread searching another database leaves this thread's vocabulary and
    remembered items alone (they were one for the whole process: a race between the
    plugin's threads could hand a search another connection's vocabulary)."""
    import threading
    from contextlib import closing

    from dutylist import listing

    with closing(query.connect(db_2024)) as conn:
        query.search(conn, "低保")
        vocabulary, items = query.lexicon_of(conn), listing._memory(conn)

        def elsewhere() -> None:
            with closing(query.connect(mini_db)) as other:
                query.search(other, "低保")

        thread = threading.Thread(target=elsewhere)
        thread.start()
        thread.join()
        assert query.lexicon_of(conn) is vocabulary
        assert listing._memory(conn) is items
