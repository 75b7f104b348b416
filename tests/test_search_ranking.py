"""Search quality on the real list: the right duty first, for words clerks actually type."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dutylist import query
from dutylist.errors import UsageError
from dutylist.store.schema import connect


@pytest.fixture(scope="module")
def conn(db_2024: Path):  # type: ignore[no-untyped-def]
    connection = connect(db_2024)
    yield connection
    connection.close()


@pytest.mark.parametrize(
    "words,first",
    [
        ("低保", "B28"),
        ("养犬", "C19"),
        ("狗", "C19"),            # synonym: 狗 -> 犬
        ("打疫苗", "C82"),        # synonym and partial words
        ("户口", "C35"),          # synonym: 户口 -> 户籍 / 落户
        ("残疾证", "C39"),        # synonym: 残疾证 -> 残疾人证
        ("秸秆", "C65"),
        ("两癌", "B90"),          # the document prints “两癌”
        ("收养", "W2"),
        ("农药 回收", "C30"),
        ("森林草原防灭火", "C91"),
    ],
)
def test_the_right_duty_comes_first(conn, words: str, first: str) -> None:  # type: ignore[no-untyped-def]
    result = query.search(conn, words)
    assert result.rows, words
    assert result.rows[0].id == first, [r.id for r in result.rows[:5]]


def test_both_high_age_allowance_items_lead(conn) -> None:  # type: ignore[no-untyped-def]
    result = query.search(conn, "高龄津贴")
    assert {r.id for r in result.rows[:2]} == {"C16", "W3"}


def test_a_name_match_beats_a_mention_in_the_steps(conn) -> None:  # type: ignore[no-untyped-def]
    result = query.search(conn, "宣传", limit=None)
    places = [r.matched_in for r in result.rows]
    assert "name" in places and places.index("name") == 0
    first_step = next(i for i, p in enumerate(places) if p not in ("name", None))
    assert all(p == "name" for p in places[:first_step])
    assert "name" not in places[first_step:]


def test_every_item_containing_the_text_is_found(conn) -> None:  # type: ignore[no-untyped-def]
    """Substring semantics: a query finds every item whose text contains it."""
    for word in ("村", "公示", "12345", "河长制", "“一卡通”", "C、D级"):
        needle = word.strip("“”")
        expected = set()
        for row in query.filter_duties(conn):
            detail = query.get_duty(conn, row.id)
            texts = [row.name, *row.departments] + [
                t for b in (*detail.upper, *detail.township)
                for t in (b.heading or "", b.department or "", *b.steps)
            ]
            if any(needle in t for t in texts):
                expected.add(row.id)
        found = {r.id for r in query.search(conn, word, limit=None).rows}
        assert expected and expected <= found, (word, expected - found)


def test_all_words_must_match_else_partial(conn) -> None:  # type: ignore[no-untyped-def]
    both = query.search(conn, "低保 审核", limit=None)
    assert not both.partial and [r.id for r in both.rows] == ["B28"]
    fallback = query.search(conn, "打疫苗 火星人", limit=None)
    assert fallback.partial and fallback.rows[0].id == "C82"


def test_filters_narrow_the_search(conn) -> None:  # type: ignore[no-untyped-def]
    rows = query.search(conn, "高龄津贴", kind="withdrawn").rows
    assert [r.id for r in rows] == ["W3"]
    rows = query.search(conn, "公示", department="县民政局", limit=None).rows
    assert rows and all("木垒县民政局" in r.departments for r in rows)
    rows = query.search(conn, "公示", category="民生服务", limit=None).rows
    assert rows and all(r.category == "民生服务" for r in rows)


def test_rank_cap_bounds_ranking_but_not_the_count(conn, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    everything = query.search(conn, "村", limit=None)
    assert everything.total == len(everything.rows) > 40
    monkeypatch.setattr(query, "RANK_CAP", 10)
    capped = query.search(conn, "村", limit=5)
    assert len(capped.rows) == 5 and capped.total == everything.total
    ids_in_order = [r.id for r in query.filter_duties(conn)]
    matching = [i for i in ids_in_order if i in {r.id for r in everything.rows}]
    assert {r.id for r in capped.rows} <= set(matching[:10])
    assert query.search(conn, "村", limit=None).rows == everything.rows  # no cap without a limit


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=st.text(min_size=1, max_size=60))
def test_any_text_is_just_a_query(conn, text: str) -> None:  # type: ignore[no-untyped-def]
    """Quotes, *, NEAR(, SQL, control characters: never an error, only results or none."""
    if not text.strip():
        with pytest.raises(UsageError):
            query.search(conn, text)
        return
    result = query.search(conn, text, limit=5)
    assert len(result.rows) <= 5 and result.total >= len(result.rows)


def test_partial_fallback_without_synonyms_still_finds_the_duty(conn) -> None:  # type: ignore[no-untyped-def]
    result = query.search(conn, "打疫苗", synonyms={})
    assert result.rows[0].id == "C82"  # 疫苗接种工作
    sentence = query.search(conn, "我家的狗咬人了怎么办")
    assert sentence.verdict == "found" and sentence.rows[0].id == "C19"  # 文明养犬管理工作


def test_a_department_named_with_others_is_included(conn) -> None:  # type: ignore[no-untyped-def]
    """C84's department is printed 木垒县应急管理局及其他负有安全生产监督管理职责的部门."""
    ids = [r.id for r in query.filter_duties(conn, department="应急管理局")]
    assert "C84" in ids and "C85" in ids
    assert "C84" not in [r.id for r in query.filter_duties(conn, department="公安局")]
