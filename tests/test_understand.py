"""Reading a query in stages, without a database: a small vocabulary stands in for one."""

from __future__ import annotations

from collections.abc import Sequence

import pytest

from dutylist import understand, vocab
from dutylist.textsearch import ParsedQuery, Term

WORDS = {
    "人民": 5, "政府": 9, "人民政府": 4, "民政": 2, "民政局": 1_000_000, "深入": 1, "学习": 2,
    "入学": 400_000, "受伤": 2, "人员": 44, "伤人": 400_000, "低保": 800_000, "养犬": 400_000,
    "犬只": 400_000, "留守儿童": 800_000, "儿童": 10, "高龄补贴": 800_000, "高龄津贴": 400_000,
    "补贴": 9, "发放": 28, "狗": 800_000, "被狗咬": 800_000, "上学": 800_000,
}
PINYIN = {
    "yangquan": ["养犬"], "yq": ["养犬"], "dibao": ["低保"], "db": ["低保"],
    "liushouertong": ["留守儿童"],
}
READINGS = {"养": ["yang"], "拳": ["quan"], "犬": ["quan"], "留": ["liu"], "手": ["shou"],
            "守": ["shou"], "儿": ["er"], "童": ["tong"]}
SYNONYMS = {
    "低保": ["最低生活保障"], "狗": ["犬只", "养犬"], "被狗咬": ["狂犬病", "伤人"],
    "上学": ["入学", "义务教育"], "高龄补贴": ["高龄津贴"], "留守儿童": ["未成年人保护"],
}


class FakeWords:
    def known(self, candidates: Sequence[str] | set[str]) -> set[str]:
        return {c for c in candidates if c in WORDS}

    def weight(self, word: str) -> int:
        return WORDS.get(word, 0)

    def from_pinyin(self, keys: Sequence[str], limit: int = 5) -> list[str]:
        return [w for k in keys for w in PINYIN.get(k, [])][:limit]

    def pinyin_known(self, keys: object) -> set[str]:
        return {k for k in keys if k in PINYIN}  # type: ignore[attr-defined]

    def homophones(self, word: str) -> list[str]:
        keys = ["".join(READINGS.get(c, ["?"])[0] for c in word)]
        return [w for w in self.from_pinyin(keys) if w != word and len(w) == len(word)]

    def same_shape(self, word: str) -> list[str]:
        return [
            w for w in WORDS
            if len(w) == len(word) and w != word
            and sum(a != b for a, b in zip(w, word, strict=True)) == 1
        ]


WORDS_DB = FakeWords()


def _departments(word: str) -> tuple[str, ...]:
    return ("木垒县民政局",) if word in ("民政局", "县民政局", "民政所") else ()


def texts(reading: understand.Reading | None) -> list[str]:
    assert reading is not None
    return [term.text for term in reading.parsed.terms]


def test_exact_expands_each_word_with_its_own_synonyms_only() -> None:
    reading = understand.exact("低保 养狗", SYNONYMS, WORDS_DB)
    low, dog = reading.parsed.terms
    assert low.alternatives == ("低保", "最低生活保障")
    # A key inside a longer word is no longer replaced in place (no 养犬只 junk).
    assert dog.alternatives == ("养狗",)


@pytest.mark.parametrize(
    "typed,first",
    [("yangquan", "养犬"), ("yang quan", "养犬"), ("YQ", "养犬"), ("DiBao", "低保"), ("db", "低保")],
)
def test_latin_words_that_are_pinyin_stand_for_the_words(typed: str, first: str) -> None:
    (term,) = understand.exact(typed, SYNONYMS, WORDS_DB).parsed.terms
    assert first in term.alternatives
    assert term.text == typed.lower()


@pytest.mark.parametrize("typed", ["dibaoyangquan", "DiBaoYangQuan", "liushouertongdibao"])
def test_the_pinyin_of_several_words_typed_as_one_is_cut_into_them(typed: str) -> None:
    terms = understand.exact(typed, SYNONYMS, WORDS_DB).parsed.terms
    firsts = {term.alternatives[1] for term in terms}
    assert len(terms) == 2 and firsts <= {"低保", "养犬", "留守儿童"}
    assert "".join(t.text for t in terms) == typed.lower()


@pytest.mark.parametrize("typed", ["dibaoyq", "dibaoxyz", "yangquanx"])
def test_a_latin_word_is_cut_only_into_whole_keys_of_full_pinyin(typed: str) -> None:
    # yq is the initials of 养犬, too short to be a part; xyz and x are no key at all.
    (term,) = understand.exact(typed, SYNONYMS, WORDS_DB).parsed.terms
    assert term.alternatives == (typed,)


def test_latin_words_that_are_not_pinyin_stay_as_they_are() -> None:
    terms = understand.exact("APP 12345", SYNONYMS, WORDS_DB).parsed.terms
    assert [t.alternatives for t in terms] == [("app",), ("12345",)]


def test_pinyin_words_bring_their_synonyms() -> None:
    (term,) = understand.exact("dibao", SYNONYMS, WORDS_DB).parsed.terms
    assert "最低生活保障" in term.alternatives


def test_department_names_are_attached() -> None:
    (term,) = understand.exact("民政所", SYNONYMS, WORDS_DB, _departments).parsed.terms
    assert term.departments == ("木垒县民政局",)


def test_a_spoken_question_is_cut_into_the_documents_words_without_filler() -> None:
    reading = understand.segmented("我家孩子被狗咬了怎么办找谁", SYNONYMS, WORDS_DB)
    assert "被狗咬" in texts(reading)
    assert not set(texts(reading)) & vocab.FILLER
    bitten = next(t for t in reading.parsed.terms if t.text == "被狗咬")  # type: ignore[union-attr]
    assert bitten.alternatives == ("被狗咬", "狂犬病", "伤人")


def test_a_synonym_key_split_by_a_space_is_found() -> None:
    assert texts(understand.segmented("高龄 补贴", SYNONYMS, WORDS_DB)) == ["高龄补贴"]


def test_filler_neither_helps_nor_hurts() -> None:
    plain = texts(understand.segmented("低保上学", SYNONYMS, WORDS_DB))
    chatty = texts(understand.segmented("我想问一下低保上学怎么办理", SYNONYMS, WORDS_DB))
    assert plain == chatty == ["低保", "上学"]


def test_unknown_runs_are_kept_and_stray_characters_dropped() -> None:
    reading = understand.segmented("留手儿童", SYNONYMS, WORDS_DB)
    assert reading is not None and reading.unknown == ("留手",)
    assert texts(reading) == ["留手", "儿童"]


@pytest.mark.parametrize(
    "typed,word", [("办理人民证", "人民证"), ("申请政府员怎么办", "政府员"), ("我的儿童卡", "儿童卡")]
)
def test_a_head_character_after_a_plain_word_makes_an_unknown_word(typed: str, word: str) -> None:
    # As 居住证 after 居住, 服务员 after 服务: the question is about a word the list lacks.
    reading = understand.segmented(typed, SYNONYMS, WORDS_DB)
    assert reading is not None and texts(reading) == [word]
    assert reading.unknown == (word,) and reading.stray == 0


def test_a_head_character_after_a_synonym_key_or_filler_stays_a_stray() -> None:
    # 低保 is a synonym key: 低保证 is still about 低保; 我的证: 证 after filler says nothing.
    reading = understand.segmented("低保证", SYNONYMS, WORDS_DB)
    assert reading is not None and texts(reading) == ["低保"] and reading.stray == 1
    assert understand.segmented("我的证", SYNONYMS, WORDS_DB) is None


def test_the_people_around_the_asker_are_filler() -> None:
    reading = understand.segmented("老板邻居儿子低保", SYNONYMS, WORDS_DB)
    assert texts(reading) == ["低保"] and reading is not None and reading.unknown == ()


def test_a_question_with_a_word_the_list_lacks_is_answered_only_by_a_covered_word() -> None:
    plain = understand.Reading(ParsedQuery((Term("人民", ("人民",)), Term("政府", ("政府",)))))
    keyed = understand.Reading(ParsedQuery((Term("低保", ("低保", "最低生活保障")),)))
    foreign = understand.Reading(ParsedQuery(), unknown=("汽车",))
    complete = understand.Reading(ParsedQuery())
    # Two plain words in one item answer a question with nothing unknown ...
    assert understand.answers(complete, plain, 2, WORDS_DB)
    # ... but not one with a word the list does not have (汽车 of 汽车保险理赔).
    assert not understand.answers(foreign, plain, 2, WORDS_DB)
    assert understand.answers(foreign, keyed, 1, WORDS_DB)
    # Two of four plain words in the best item are not most of the question (交通事故责任认定).
    four = understand.Reading(ParsedQuery(tuple(Term(w, (w,)) for w in ("人民", "政府", "学习", "人员"))))
    assert not understand.answers(complete, four, 2, WORDS_DB)
    assert understand.answers(complete, four, 3, WORDS_DB)
    # A department vouches for a question about itself, not for a task it does not hold.
    office = Term("民政局", ("民政局",), ("木垒县民政局",))
    alone = understand.Reading(ParsedQuery((office,)))
    with_task = understand.Reading(ParsedQuery((office, Term("人民", ("人民",)))))
    assert understand.answers(complete, alone, 1, WORDS_DB)
    assert not understand.answers(complete, with_task, 1, WORDS_DB)
    assert not understand.answers(foreign, alone, 1, WORDS_DB)  # 卫生院 挂号
    assert understand.answers(complete, with_task, 2, WORDS_DB)  # an item holds both
    # One unknown character (a stray) is not a word the list lacks.
    assert understand.answers(understand.Reading(ParsedQuery(), unknown=("汽",)), plain, 2, WORDS_DB)


def test_a_known_word_is_not_cut() -> None:
    assert understand.segmented("留守儿童", SYNONYMS, WORDS_DB) is None


def test_corrections_prefer_the_whole_word_read_the_same() -> None:
    reading = understand.segmented("留手儿童", SYNONYMS, WORDS_DB)
    assert reading is not None
    assert understand.corrections(reading, WORDS_DB)[0] == "留守儿童"
    assert understand.corrections(understand.exact("养拳", SYNONYMS, WORDS_DB), WORDS_DB) == [
        "养犬"
    ]


def test_one_character_edits_only_for_longer_words() -> None:
    # 高龄津贴 / 高龄补贴 differ in one character; 伤人 / 上人 would be too loose.
    fixed = understand.corrections(understand.exact("高龄津帖", SYNONYMS, WORDS_DB), WORDS_DB)
    assert "高龄津贴" in fixed
    assert understand.corrections(understand.exact("上人", SYNONYMS, WORDS_DB), WORDS_DB) == []


def test_generic_words_and_single_characters_never_make_a_near_miss() -> None:
    reading = understand.Reading(ParsedQuery((
        Term("办理", ("办理",)), Term("工作", ("工作",)), Term("保", ("保",)),
        Term("狗", ("狗", "犬只")), Term("低保", ("低保",)),
    )))
    assert [t.text for t in understand.meaningful(reading).terms] == ["狗", "低保"]


def test_sufficient_weighs_known_words_against_what_was_left_out() -> None:
    question = understand.segmented("我家孩子被狗咬了", SYNONYMS, WORDS_DB)
    assert question is not None and understand.sufficient(question)
    foreign = understand.segmented("办理港澳通行证", SYNONYMS, WORDS_DB)
    assert foreign is None or not understand.sufficient(foreign)


@pytest.mark.parametrize(
    "text,word,straddles",
    [
        ("县人民政府办公室", "民政", True),
        ("负责本乡民政工作", "民政", False),
        ("县民政局", "民政", False),
        ("深入学习贯彻", "入学", True),
        ("适龄儿童入学", "入学", False),
        ("受伤人员救治", "伤人", True),
        ("低保家庭", "低保", False),
    ],
)
def test_straddles(text: str, word: str, straddles: bool) -> None:
    parsed = ParsedQuery((Term(word, (word,)),))
    assert understand.straddled([text], [], parsed, WORDS_DB) is straddles


def test_one_proper_occurrence_is_enough() -> None:
    parsed = ParsedQuery((Term("民政", ("民政",)),))
    assert not understand.straddled(["县人民政府", "民政工作"], [], parsed, WORDS_DB)


def test_a_department_term_matches_the_rows_department() -> None:
    parsed = ParsedQuery((Term("民政所", ("民政所",), ("木垒县民政局",)),))
    assert not understand.straddled(["人民政府"], ["木垒县民政局"], parsed, WORDS_DB)


def test_vocab_segment_prefers_fewer_unknown_characters() -> None:
    known = {"人民", "政府", "人民政府", "民政"}
    assert vocab.segment("人民政府", known) == [("人民政府", True)]
    assert vocab.segment("县民政", known) == [("县", False), ("民政", True)]


def test_vocab_segment_prefers_synonym_keys_on_a_tie() -> None:
    known = {"盖房", "房子"}
    assert vocab.segment("盖房子", known) == [("盖", False), ("房子", True)]
    assert vocab.segment("盖房子", known, prefer={"盖房"}) == [("盖房", True), ("子", False)]


@pytest.mark.parametrize("typed", ["yǎngquǎn", "YǍNG QUǍN", "yángquán"])
def test_pinyin_with_tone_marks(typed: str) -> None:
    (term,) = understand.exact(typed, SYNONYMS, WORDS_DB).parsed.terms
    assert "养犬" in term.alternatives


def test_tone_marks_only_on_latin_words() -> None:
    assert understand._without_tones("lǜhuà") == "lvhua"
    assert understand._without_tones("café低保") == "café低保"  # not pinyin: left alone
