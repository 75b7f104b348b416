"""Search in the clerk's words on the real list: pinyin, typos, questions, straddles, verdicts."""

from __future__ import annotations

import contextlib
import sqlite3
from pathlib import Path

import pytest

from dutylist import pinyin, query, source, vocab
from dutylist.textsearch import normalize

from .conftest import REAL_SYNONYMS


@pytest.fixture(scope="module")
def conn(db_2024: Path):  # type: ignore[no-untyped-def]
    connection = query.connect(db_2024)
    yield connection
    connection.close()


def ids(result: query.SearchResult, n: int = 5) -> list[str]:
    return [row.id for row in result.rows[:n]]


@pytest.mark.parametrize(
    "typed,wanted",
    [
        ("yangquan", "C19"), ("yang quan", "C19"), ("YANGQUAN", "C19"), ("yq", "C19"),
        ("dibao", "B28"), ("DiBao", "B28"), ("hukou", "C35"),
        ("dibaoshenqing", "B28"), ("tudiliuzhuan", "B47"),  # several words' pinyin as one
        ("gongzufang", "C69"), ("gzf", "C69"),  # 公租房, a word jieba's dictionary lacks
    ],
)
def test_pinyin_and_initials(conn, typed: str, wanted: str) -> None:  # type: ignore[no-untyped-def]
    result = query.search(conn, typed)
    assert result.verdict == "found" and wanted in ids(result), (typed, ids(result))


@pytest.mark.parametrize("typed", ["APP", "12345"])
def test_latin_words_of_the_document_still_work(conn, typed: str) -> None:  # type: ignore[no-untyped-def]
    result = query.search(conn, typed)
    assert result.verdict == "found" and result.rows
    assert all(typed.lower() in normalize(r.matched or "") for r in result.rows[:3])


@pytest.mark.parametrize(
    "typed,fixed,wanted",
    [("养拳", "养犬", "C19"), ("留手儿童", "留守儿童", "B35"), ("公租防", "公租房", "C69")],
)
def test_a_typo_gets_a_suggestion_and_its_results(conn, typed, fixed, wanted) -> None:  # type: ignore[no-untyped-def]
    result = query.search(conn, typed)
    assert result.suggestion == fixed
    assert result.verdict == "found" and wanted in ids(result)


def test_a_word_of_the_document_gets_no_suggestion(conn) -> None:  # type: ignore[no-untyped-def]
    assert query.search(conn, "养犬").suggestion is None


def _fields(conn: sqlite3.Connection, duty_id: str) -> list[str]:
    detail = query.get_duty(conn, duty_id)
    texts = [detail.row.name, *detail.row.departments]
    for block in (*detail.upper, *detail.township):
        texts += [t for t in (block.heading, block.department, *block.steps) if t]
    return [normalize(t) for t in texts]


@pytest.mark.parametrize(
    "word,straddles",
    [("民政", ("人民政府", "农牧民政策")), ("入学", ("深入学习",)), ("伤人", ("受伤人员",))],
)
def test_a_match_across_two_words_is_not_an_answer(conn, word, straddles) -> None:  # type: ignore[no-untyped-def]
    result = query.search(conn, word, limit=None, synonyms={})
    assert result.rows
    for row in result.rows:
        texts = _fields(conn, row.id)
        proper = [
            t for t in texts
            if word in t.replace(straddles[0], "").replace(straddles[-1], "")
        ]
        assert proper, (word, row.id)


def test_a_synonym_that_straddles_is_not_an_answer(conn) -> None:  # type: ignore[no-untyped-def]
    # 上学 -> 入学: 深入学习 holds 入学 across two words.
    for row in query.search(conn, "上学", limit=None).rows:
        texts = _fields(conn, row.id)
        assert any(w in t.replace("深入学习", "") for t in texts for w in ("上学", "入学", "义务教育", "学前教育"))


@pytest.mark.parametrize(
    "typed",
    [
        "办理港澳通行证", "个人所得税", "驾照", "银行卡挂失", "网络游戏账号被封",
        "办理居住证", "餐馆服务员办健康证",  # 居住证, 健康证, 服务员: words the list lacks
        "办身份证", "快递丢了找谁赔",  # 身份证, 快递: only mentioned in steps
        "汽车保险理赔", "雅思考试报名",  # two plain words of one item, and a foreign word
        "交通事故责任认定",  # the best item holds two of its four words
        "派出所办身份证", "卫生院挂号",  # a department and a task none of its items holds
    ],
)
def test_out_of_scope_finds_no_answer(conn, typed: str) -> None:  # type: ignore[no-untyped-def]
    result = query.search(conn, typed, near=False)
    assert result.verdict != "found" and not result.rows


def test_a_word_only_mentioned_in_steps_is_a_near_miss_unless_typed_alone(conn) -> None:  # type: ignore[no-untyped-def]
    near = query.search(conn, "办身份证")
    assert near.verdict == "partial" and near.partial and near.rows
    assert all(row.matched_in != "name" for row in near.rows)
    typed = query.search(conn, "身份证")  # the document's word, as typed: it is printed there
    assert typed.verdict == "found" and typed.rows


def test_near_misses_share_a_meaningful_word_only(conn) -> None:  # type: ignore[no-untyped-def]
    assert query.search(conn, "办理工作服务管理").verdict == "not_found"
    near = query.search(conn, "低保 火星基地")
    assert near.verdict == "partial" and near.partial and ids(near)[0] == "B28"


def test_partial_ranking_puts_more_of_the_query_first(conn) -> None:  # type: ignore[no-untyped-def]
    result = query.search(conn, "高龄 补贴")
    assert ids(result)[0] == "C16", ids(result)  # 发放, before W3 追缴


@pytest.mark.parametrize(
    "question,wanted",
    [
        ("我家狗咬人了找谁", "C19"),
        ("我想申请低保怎么办", "B28"),
        ("孩子不上学了找谁", "B68"),
        ("儿子结婚了想分户怎么办", "C35"),
        ("老板拖欠工资不给怎么办", "B63"),  # plain words of the list, two in one item
        ("村里有人偷偷杀羊卖肉有人管吗", "C22"),  # 卖肉 unknown, 杀羊 a synonym key
        ("医保卡怎么报销看病的钱", "B64"),  # 卡 after a synonym key stays a stray
        ("我家牛羊要打防疫针找谁", "B43"),
        ("派出所上户口", "C35"), ("民政局低保", "B28"),  # a department and a task it holds
    ],
)
def test_spoken_questions(conn, question: str, wanted: str) -> None:  # type: ignore[no-untyped-def]
    result = query.search(conn, question)
    assert result.verdict == "found" and wanted in ids(result), ids(result)


def test_filler_neither_helps_nor_hurts(conn) -> None:  # type: ignore[no-untyped-def]
    assert ids(query.search(conn, "低保")) == ids(query.search(conn, "我想问一下低保怎么办理"))


def test_old_database_without_vocabulary_still_searches(tmp_path: Path, db_2024: Path) -> None:
    copy = tmp_path / "old.db"
    copy.write_bytes(db_2024.read_bytes())
    with contextlib.closing(sqlite3.connect(copy)) as db:  # Python 3.13 warns if left open
        for table in ("vocab", "pinyin_keys", "char_pinyin"):
            db.execute(f"DROP TABLE {table}")
        db.commit()
    connection = query.connect(copy)
    try:
        assert ids(query.search(connection, "低保"))[0] == "B28"
        assert query.search(connection, "yangquan", near=False).verdict == "not_found"
    finally:
        connection.close()


def test_word_keys() -> None:
    assert pinyin.word_keys("养犬") == ("yangquan", "yq")
    assert pinyin.word_keys("绿化") == ("lvhua", "lh")


def test_vocabulary_has_departments_synonyms_and_their_keys(catalog_2024) -> None:  # type: ignore[no-untyped-def]
    tables = pinyin.vocabulary_tables(catalog_2024, source.load_synonyms(REAL_SYNONYMS))
    words = dict(tables.vocab)
    for department in catalog_2024.departments:
        assert department.name in words
    assert {"低保", "狗", "人民", "政府"} <= set(words)
    keys = {(k, w) for k, w, _ in tables.pinyin_keys}
    assert ("dibao", "低保") in keys and ("db", "低保") in keys and ("gou", "狗") in keys
    # A word of an item's name that jieba's dictionary cuts (公 | 租房) is a word too.
    assert "公租房" in words and ("gongzufang", "公租房") in keys
    assert dict(tables.char_pinyin)["拳"] == "quan"


def test_a_stranded_character_and_its_word_make_a_word_of_a_name_only() -> None:
    texts = ["公租房申请", "做好公租房的日常管理", "的日常", "负责公租房的分配"]
    words = vocab.extract(texts, names={"公租房申请"})
    assert "公租房" in words and "租房" in words
    assert not {w for w in words if "的" in w}  # 的 stands alone with many words
    assert "公租房" not in vocab.extract(texts)  # printed in no item's name
    assert "公租房" not in vocab.extract(texts[:1], names={"公租房申请"})  # met only once


@pytest.mark.parametrize(
    "typed,department",
    [("minzhengju", "木垒县民政局"), ("mzj", "木垒县民政局"), ("sifasuo", "木垒县司法局"),
     ("民政", "木垒县民政局")],  # 民政 also lies in 人民政府办公室, across two words
)
def test_department_by_pinyin_or_fragment(conn, typed: str, department: str) -> None:  # type: ignore[no-untyped-def]
    from dutylist.names import resolve_department

    assert resolve_department(conn, typed)[1] == department


def test_a_synonym_key_wins_a_tie_when_cutting(conn) -> None:  # type: ignore[no-untyped-def]
    result = query.search(conn, "盖房子")  # 盖房|子, not 盖|房子 (nor a correction to 老房子)
    assert result.suggestion is None and "B83" in ids(result)
