"""Pinyin keys for the vocabulary, computed at build time with pypinyin.

Never imported on the query path: the database stores what queries need.

* :func:`word_keys` gives a word's full pinyin and its initials, lower case,
  without tones or spaces (养犬 → ``yangquan``, ``yq``; ü is typed ``v``);
  the query maps a Latin query to words with one indexed lookup.
* :func:`char_readings` gives every reading of the common characters (the
  GB2312 set, plus any other character of the document), so that a homophone
  typo (养拳) can be keyed at query time without pypinyin.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import Any, NamedTuple

from pypinyin import Style, lazy_pinyin, pinyin

from dutylist import vocab
from dutylist.model import Catalog, Duty
from dutylist.textsearch import normalize, segments

MAX_READINGS = 3
"""At most this many readings of a character are stored (the common ones come first)."""

_KEY_RE = re.compile(r"[^0-9a-z]")


def _clean(syllable: str) -> str:
    return _KEY_RE.sub("", syllable.lower())


def word_keys(word: str) -> tuple[str, str]:
    """(full pinyin, initials) of a word: 养犬 → (``yangquan``, ``yq``).

    Latin letters and digits in the word are kept as they are, lower case;
    other characters without a reading are dropped.
    """
    full = lazy_pinyin(word, style=Style.NORMAL, errors="default")
    if len(full) == len(word):  # one syllable per character: initials are first letters
        first = [syllable[:1] for syllable in full]
    else:  # Latin or digits inside: let pypinyin keep them whole
        first = lazy_pinyin(word, style=Style.FIRST_LETTER, errors="default")
    return "".join(map(_clean, full)), "".join(map(_clean, first))


def _common_chars() -> Iterator[str]:
    for code in range(0x4E00, 0xA000):
        char = chr(code)
        try:
            char.encode("gb2312")
        except UnicodeEncodeError:
            continue
        yield char


def char_readings(extra: Iterable[str] = ()) -> Iterator[tuple[str, str]]:
    """(character, readings joined by spaces) for common characters and ``extra`` ones."""
    chars = dict.fromkeys(_common_chars())
    chars.update(dict.fromkeys(c for c in extra if not c.isascii()))
    for char in chars:
        readings = pinyin(char, style=Style.NORMAL, heteronym=True, errors="ignore")
        if not readings:
            continue
        unique = list(dict.fromkeys(_clean(r) for r in readings[0] if _clean(r)))
        if unique:
            yield char, " ".join(unique[:MAX_READINGS])


MAX_SAMPLE_ITEMS = 1_000
"""The vocabulary is read from at most about this many items, spread over the list."""

MAX_NAME_WORD = 12
"""Item names up to this many characters are words of the vocabulary themselves."""


class VocabularyTables(NamedTuple):
    """Rows of the three vocabulary tables (see lexicon.VOCAB_TABLES)."""

    vocab: list[tuple[str, int]]
    pinyin_keys: list[tuple[str, str, int]]
    char_pinyin: list[tuple[str, str]]


def department_labels(department: Any) -> list[str]:
    """A department's full name and every other name it is known by."""
    labels = [department.name, *department.aliases]
    labels += list(getattr(department, "former_names", ()) or ())
    return list(dict.fromkeys(labels))


def vocabulary_tables(
    catalog: Catalog, synonyms: Mapping[str, Sequence[str]]
) -> VocabularyTables:
    """The document's words with weights, their pinyin keys and the characters' readings."""
    seeds: dict[str, int] = {}

    def seed(word: str, weight: int) -> None:
        word = normalize(word)
        if word and not word.isascii():
            seeds[word] = max(seeds.get(word, 0), weight)

    for department in catalog.departments:
        for label in department_labels(department):
            seed(label, vocab.WEIGHT_DEPARTMENT)
    for key, targets in synonyms.items():
        seed(key, vocab.WEIGHT_SYNONYM_KEY)
        for target in targets:
            seed(target, vocab.WEIGHT_SYNONYM_TARGET)
    duties = catalog.duties()
    for category in {duty.category for duty in duties}:
        seed(category, vocab.WEIGHT_CATEGORY)
    # The items read for the vocabulary: a county's worth of lists repeats the same
    # words, so at most about MAX_SAMPLE_ITEMS items, spread over the whole list,
    # and at most vocab.SAMPLE_CHARS characters of text are read.
    stride = -(-len(duties) // MAX_SAMPLE_ITEMS)
    sample: list[Duty] = []
    budget = vocab.SAMPLE_CHARS
    for duty in duties[::stride]:
        if budget <= 0:
            break
        sample.append(duty)
        budget -= len(duty.name) + sum(map(len, duty.body_texts()))
    texts = (
        text
        for duty in sample
        for text in (duty.name, *duty.departments, *duty.body_texts())
    )
    names = {normalize(duty.name) for duty in sample}
    words = vocab.extract((normalize(t) for t in texts), seeds=seeds, names=names)
    for name in {duty.name for duty in sample}:
        name = "".join(segments(name))
        if 2 <= len(name) <= MAX_NAME_WORD and not name.isascii():
            words[name] = max(words.get(name, 0), vocab.WEIGHT_NAME)
    keys: list[tuple[str, str, int]] = []
    for word, weight in words.items():
        if len(word) < 2 and word not in synonyms:
            continue
        full, initials = word_keys(word)
        if len(full) >= 2:
            keys.append((full, word, weight))
        if len(word) >= 2 and len(initials) >= 2 and initials != full:
            keys.append((initials, word, weight))
    chars = {c for word in words for c in word}
    return VocabularyTables(
        vocab=sorted(words.items()),
        pinyin_keys=sorted(set(keys)),
        char_pinyin=sorted(char_readings(chars)),
    )
