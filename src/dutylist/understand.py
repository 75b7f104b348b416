"""From what a person typed to the words to search, in stages (standard library only).

A query is read in up to four ways, each tried only when the one before finds
nothing that answers it:

1. **as typed** (:func:`exact`): every whitespace-separated word must match,
   each with its synonyms (a key equal to the word); a Latin word that is the
   pinyin or the initials of words of the document (``yangquan``, ``yq``,
   ``yang quan``) stands for those words too; a department's other name (计生委,
   司法所) stands for the department.
2. **cut into words** (:func:`segmented`): a run the document does not have as
   a whole (我家狗被咬了找谁) is cut into the document's words; filler is dropped;
   each word is expanded on its own. Unknown runs of two or more characters
   are kept (they may be typos).
3. **corrected** (:func:`corrections`): an unknown word gets same-pinyin and
   one-character-edit candidates from the vocabulary (养拳 → 养犬), tried in turn;
   the first that finds something is shown as ``您是不是要找：…？``.
4. **in part** (:func:`meaningful`): only the meaningful words (never filler or
   a generic word such as 办理, 工作; never single characters of a longer word)
   may match; such results are near misses, never answers.
"""

from __future__ import annotations

import functools
import threading
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any, NamedTuple

from dutylist import vocab
from dutylist.textsearch import MAX_QUERY_CHARS, MAX_TERMS, ParsedQuery, Term, normalize, segments

MAX_PINYIN_WORDS = 4
"""A Latin word stands for at most this many words with its pinyin (most important first)."""

MAX_CANDIDATES = 4
"""At most this many corrections are tried for one query."""


if TYPE_CHECKING:  # a Protocol class costs import time on every search
    from typing import Protocol

    class Words(Protocol):
        """What the reading needs from the vocabulary (lexicon.Lexicon on a database)."""

        def known(self, candidates: Sequence[str] | set[str]) -> set[str]: ...

        def from_pinyin(self, keys: Sequence[str], limit: int = 5) -> list[str]: ...

        def pinyin_known(self, keys: Iterable[str]) -> set[str]: ...

        def homophones(self, word: str) -> list[str]: ...

        def same_shape(self, word: str) -> list[str]: ...

        def weight(self, word: str) -> int: ...


DepartmentsOf = Callable[[str], tuple[str, ...]]
"""A word -> the full names of the departments it names (empty when it names none)."""


class Reading(NamedTuple):
    """One way of reading a query: the terms to search and what was left out."""

    parsed: ParsedQuery
    unknown: tuple[str, ...] = ()  # pieces the vocabulary does not know (typo candidates)
    stray: int = 0  # unknown single characters left out
    text: str = ""  # the query as this reading spells it (a correction's suggestion)


def _no_departments(_word: str) -> tuple[str, ...]:
    return ()


def _words(query: str) -> list[str]:
    seen: dict[str, None] = {}
    for word in normalize(query[:MAX_QUERY_CHARS]).split():
        word = _without_tones(word)
        if segments(word):
            seen.setdefault(word, None)
    return list(seen)


def _without_tones(word: str) -> str:
    """Pinyin typed with tone marks (yǎngquǎn, lǜhuà) as it is typed without them (lv for ü)."""
    if word.isascii() or not any("\u00c0" <= ch <= "\u024f" for ch in word):
        return word
    import unicodedata

    plain = unicodedata.normalize("NFD", word.replace("ü", "v").replace("ǖ", "v").replace(
        "ǘ", "v").replace("ǚ", "v").replace("ǜ", "v"))
    plain = "".join(ch for ch in plain if not unicodedata.combining(ch))
    return plain if plain.isascii() else word


def _is_latin_word(word: str) -> bool:
    return word.isascii() and word.isalpha()


class _Kept:
    """Answers of a pure function of a word (or of a place in a text), kept while what it
    reads stays the same: the synonyms, the vocabulary, the department look-up (the same
    objects, or equal ones; a batch of queries shares them). Bounded: forgotten all at
    once when full."""

    KEPT = 20_000

    def __init__(self) -> None:
        self.context: tuple[object, ...] = ()
        self.found: dict[Any, Any] = {}

    def of(self, *context: object) -> dict[Any, Any]:
        """The answers found with this ``context``."""
        same = len(context) == len(self.context) and all(
            new is old or new == old for new, old in zip(context, self.context, strict=True)
        )
        if not same or len(self.found) >= self.KEPT:
            self.context, self.found = context, {}
        return self.found


_LOCAL = threading.local()  # each thread its own memos (Datasette answers on several)


def _kept(name: str) -> _Kept:
    """This thread's memo ``name``."""
    kept: _Kept | None = getattr(_LOCAL, name, None)
    if kept is None:
        kept = _Kept()
        setattr(_LOCAL, name, kept)
    return kept


def _term(
    word: str,
    synonyms: Mapping[str, Sequence[str]],
    departments: DepartmentsOf,
    extra: Sequence[str] = (),
) -> Term:
    kept = _kept("terms").of(synonyms, departments)
    key = (word, *extra)
    term = kept.get(key)
    if term is None:
        term = kept[key] = _new_term(word, synonyms, departments, extra)
    return term


def _new_term(
    word: str,
    synonyms: Mapping[str, Sequence[str]],
    departments: DepartmentsOf,
    extra: Sequence[str],
) -> Term:
    alternatives = [word, *synonyms.get(word, ())]
    for other in extra:
        alternatives += [other, *synonyms.get(other, ())]
    unique = tuple(dict.fromkeys(a for a in alternatives if segments(a)))
    names: list[str] = []
    for alt in (word, *extra):
        names += departments(alt)
    return Term(text=word, alternatives=unique, departments=tuple(dict.fromkeys(names)))


def _pinyin_terms(
    tokens: list[str],
    words: Words,
    synonyms: Mapping[str, Sequence[str]],
    departments: DepartmentsOf,
) -> list[Term]:
    """Latin tokens joined greedily into the longest runs that are pinyin keys."""
    terms: list[Term] = []
    i = 0
    while i < len(tokens):
        j = len(tokens)
        while j > i:
            key = "".join(tokens[i:j])
            found = words.from_pinyin([key], limit=MAX_PINYIN_WORDS) if len(key) >= 2 else []
            if found:
                term = _term(key, synonyms, departments, found)
                terms.append(term._replace(text=" ".join(tokens[i:j])))
                break
            if j == i + 1:
                # Several words' pinyin typed as one (dibaoshenqing): each word a term,
                # as if typed apart; else the Latin word itself (APP).
                parts = _pinyin_parts(tokens[i], words)
                for part in parts or [tokens[i]]:
                    found = words.from_pinyin([part], limit=MAX_PINYIN_WORDS) if parts else []
                    terms.append(_term(part, synonyms, departments, found))
                break
            j -= 1
        i = j
    return terms


MIN_PINYIN_PART = 4
"""A Latin word is cut into the pinyin of several words only in parts this long or longer
(full pinyin of a two-character word; shorter parts would be initials, too easily met)."""

MAX_PINYIN_PART = 24


def _pinyin_parts(token: str, words: Words) -> list[str] | None:
    """``token`` cut into the fewest full pinyin keys of words of the document, or None.

    dibaoshenqing → dibao, shenqing. One lookup for every candidate part; the cut with
    the fewest parts wins, and among those the one with the longest first part.
    """
    size = len(token)
    if size < 2 * MIN_PINYIN_PART:
        return None
    candidates = {
        token[i:j]
        for i in range(size)
        for j in range(i + MIN_PINYIN_PART, min(size, i + MAX_PINYIN_PART) + 1)
        if (i, j) != (0, size)
    }
    keys = words.pinyin_known(candidates)
    if not keys:
        return None
    # best[i]: the fewest parts covering token[i:] (parts, then longest first part first).
    best: list[list[str] | None] = [None] * (size + 1)
    best[size] = []
    for i in range(size - 1, -1, -1):
        for j in range(min(size, i + MAX_PINYIN_PART), i + MIN_PINYIN_PART - 1, -1):
            rest = best[j]
            if rest is not None and token[i:j] in keys:
                if best[i] is None or len(rest) + 1 < len(best[i] or ()):
                    best[i] = [token[i:j], *rest]
    parts = best[0]
    return parts if parts and len(parts) > 1 else None


def exact(
    query: str,
    synonyms: Mapping[str, Sequence[str]],
    words: Words,
    departments: DepartmentsOf = _no_departments,
) -> Reading:
    """Stage 1: the words as typed, each with its synonyms, pinyin and department names."""
    terms: list[Term] = []
    latin: list[str] = []
    for word in _words(query):
        if _is_latin_word(word):
            latin.append(word)
            continue
        if latin:
            terms += _pinyin_terms(latin, words, synonyms, departments)
            latin = []
        terms.append(_term(word, synonyms, departments))
    if latin:
        terms += _pinyin_terms(latin, words, synonyms, departments)
    return Reading(ParsedQuery(_unique(terms)[:MAX_TERMS]), text=query)


def _runs(words: list[str]) -> list[str]:
    """Consecutive Chinese words joined (高龄 补贴 → 高龄补贴), so that they are cut afresh."""
    runs: list[str] = []
    for word in words:
        if runs and not word.isascii() and not runs[-1].isascii():
            runs[-1] += word
        else:
            runs.append(word)
    return runs


def _unique(terms: list[Term]) -> tuple[Term, ...]:
    seen: dict[str, Term] = {}
    for term in terms:
        seen.setdefault(term.text, term)
    return tuple(seen.values())


def _pieces(
    word: str, words: Words, synonyms: Mapping[str, Sequence[str]]
) -> list[tuple[str, bool]]:
    """A word cut into (piece, known) by the vocabulary, synonym keys and filler."""
    kept = _kept("pieces").of(synonyms, words)
    if word not in kept:
        kept[word] = tuple(_new_pieces(word, words, synonyms))
    return list(kept[word])


def _new_pieces(
    word: str, words: Words, synonyms: Mapping[str, Sequence[str]]
) -> list[tuple[str, bool]]:
    if not word or word.isascii():
        return [(word, True)]
    pieces: list[tuple[str, bool]] = []
    for segment in segments(word):
        if segment.isascii():
            pieces.append((segment, True))
            continue
        candidates = vocab.substrings(segment) - {word}
        known = words.known(candidates) | {c for c in candidates if c in synonyms}
        known |= {c for c in candidates if vocab.is_filler(c)}
        keys = {c for c in candidates if c in synonyms}
        pieces += _headed(vocab.segment(segment, known, prefer=keys), synonyms)
    return pieces


def _headed(
    pieces: list[tuple[str, bool]], synonyms: Mapping[str, Sequence[str]]
) -> list[tuple[str, bool]]:
    """A head character left unknown after a plain word of the document makes one
    unknown word with it (居住 证 → 居住证: a certificate the list does not have),
    never a stray to drop. After filler or a synonym key (医保 卡) it stays apart."""
    result: list[tuple[str, bool]] = []
    for piece, known in pieces:
        if (
            not known and len(piece) == 1 and vocab.is_head(piece) and result
            and result[-1][1] and len(result[-1][0]) >= 2
            and not vocab.is_filler(result[-1][0]) and result[-1][0] not in synonyms
        ):
            result[-1] = (result[-1][0] + piece, False)
        else:
            result.append((piece, known))
    return result


def segmented(
    query: str,
    synonyms: Mapping[str, Sequence[str]],
    words: Words,
    departments: DepartmentsOf = _no_departments,
) -> Reading | None:
    """Stage 2: runs cut into the document's words, filler dropped; None if nothing changes."""
    terms: list[Term] = []
    unknown: list[str] = []
    stray = 0
    typed = _words(query)
    runs = _runs(typed)
    changed = runs != typed
    for word in runs:
        if _is_latin_word(word):
            terms += _pinyin_terms([word], words, synonyms, departments)
            continue
        if word in synonyms or departments(word):
            terms.append(_term(word, synonyms, departments))
            continue
        # Stage 1 found nothing for the word as a whole, so cut it even if known.
        pieces = _pieces(word, words, synonyms)
        if len(pieces) > 1 or (pieces and vocab.is_filler(pieces[0][0])):
            changed = True
        for piece, known in pieces:
            if vocab.is_filler(piece) and known:
                continue
            if not known and len(piece) < 2:
                changed = True
                stray += 1
                continue  # a stray character between words says nothing
            terms.append(_term(piece, synonyms, departments))
            if not known:
                unknown.append(piece)
    if not changed or not terms:
        return None
    return Reading(ParsedQuery(_unique(terms)[:MAX_TERMS]), tuple(unknown), stray, query)


def corrections(reading: Reading, words: Words) -> list[str]:
    """Corrected spellings of a query whose unknown pieces look like typos, best first."""
    result: list[str] = []
    whole = [w for w in _words(reading.text) if not w.isascii()]
    for piece in dict.fromkeys([*whole, *reading.unknown]):
        if len(piece) < 2 or piece.isascii() or words.known([piece]):
            continue
        candidates = words.homophones(piece)
        if len(piece) >= 3:
            candidates += words.same_shape(piece)
        for candidate in dict.fromkeys(candidates):
            fixed = normalize(reading.text).replace(piece, candidate, 1)
            if fixed not in result:
                result.append(fixed)
            if len(result) >= MAX_CANDIDATES:
                return result
    return result


def known_part(reading: Reading) -> Reading | None:
    """The meaningful known words of stage 2, to rank by how many an item has; None if none."""
    terms = tuple(t for t in reading.parsed.terms if t.text not in reading.unknown)
    terms = tuple(t for t in terms if _meaningful(t))
    if not terms:
        return None
    return reading._replace(parsed=ParsedQuery(terms), unknown=())


def _meaningful(term: Term) -> bool:
    if term.departments:
        return True
    if len(term.text) < 2:
        return len(term.alternatives) > 1  # a one-character synonym key (狗 → 犬只)
    return not vocab.is_generic(term.text)


def meaningful(reading: Reading) -> ParsedQuery:
    """Stage 4: the terms that may make a near miss (filler, generic words and single
    characters left out)."""
    return ParsedQuery(tuple(t for t in reading.parsed.terms if _meaningful(t)))


def straddled(
    fields: Sequence[str],
    departments: Sequence[str],
    parsed: ParsedQuery,
    words: Words,
    *,
    complete: bool = True,
) -> bool | None:
    """Whether some term of ``parsed`` occurs in ``fields`` only across word boundaries.

    ``fields`` are a row's texts (name, department names, steps), ``departments``
    its departments' full names. A term is found properly when one of its
    alternatives occurs somewhere without straddling two words of the text (see
    :func:`vocab.crossing`), or names one of the row's departments. Terms with
    a Latin or one-character alternative are not judged. A term not located in
    the fields is not judged either when they are ``complete`` (the index
    matched across punctuation); when they are only some of the row's texts
    (name and departments), only "no" is final: otherwise the answer is None,
    undecided, and the rest of the row has to be read.
    """
    folded: list[str] = []
    undecided = False
    for term in parsed.terms:
        alts = _judged(term)
        if not alts or term.departments and set(term.departments) & set(departments):
            continue
        folded = folded or [normalize(text) for text in fields]
        found = proper = False
        for index, text in enumerate(folded):
            if len(text) != len(fields[index]):
                continue  # folding changed the length: positions would not line up
            for alt in alts:
                start = text.find(alt)
                while start >= 0 and not proper:
                    found = True
                    proper = not _crossing(text, start, start + len(alt), words)
                    start = text.find(alt, start + 1)
                if proper:
                    break
            if proper:
                break
        if not found:
            undecided = undecided or not complete
        elif not proper:
            # Only across words here: in the rest of the row it may occur properly.
            return True if complete else None
    return None if undecided else False


def judges(parsed: ParsedQuery) -> bool:
    """Whether ``straddled`` judges any term of ``parsed`` (else it is always False)."""
    return any(_judged(term) for term in parsed.terms)


@functools.lru_cache(maxsize=1024)
def _judged(term: Term) -> tuple[str, ...]:
    """The alternatives ``straddled`` looks for, () when it does not judge the term: one
    with a Latin or one-character alternative, or one of several runs."""
    alts = tuple(a for a in term.alternatives if not a.isascii())
    if any(len(a) < 2 or " " in a or len(segments(a)) != 1 for a in alts):
        return ()
    return alts


def _crossing(text: str, start: int, end: int, words: Words) -> bool:
    """:func:`vocab.crossing`, remembered for the vocabulary last used: a batch of queries
    meets the same names (and the same words in them) again and again."""
    if end - start < 2:
        return False
    kept = _kept("crossings").of(words)
    key = (text, start, end)
    found = kept.get(key)
    if found is None:
        found = kept[key] = _crossing_now(text, start, end, words)
    return bool(found)


def _crossing_now(text: str, start: int, end: int, words: Words) -> bool:
    """:func:`vocab.crossing`, looking words up only as far as needed: most matches have
    no word running into them from the left, and then nothing on the right is read."""
    limit = vocab.MAX_WORD
    left = [
        text[i:j] for i in range(max(0, start - limit + 1), start) for j in range(start + 1, end)
    ]
    if not words.known(left):
        return False
    right = [
        text[i:j]
        for i in range(start + 1, end)
        for j in range(end + 1, min(len(text), i + limit) + 1)
    ]
    return bool(words.known(right))


def covered(reading: Reading, words: Words) -> bool:
    """Whether a question names something the list is known to cover: a synonym key
    (an everyday word mapped to the document's), a synonym target, a category or a
    department. A question of plain document words only (银行卡 挂失) may be about
    something else that happens to share them."""
    return any(
        len(t.alternatives) > 1 or t.departments or words.weight(t.text) >= vocab.WEIGHT_CATEGORY
        for t in reading.parsed.terms
    )


def vouched(reading: Reading) -> bool:
    """Whether a term of the reading is a synonym key or a department's name: words
    the list is known to be about, not only words it happens to print."""
    return any(len(t.alternatives) > 1 or t.departments for t in reading.parsed.terms)


def answers(whole: Reading, known: Reading, best: int, words: Words) -> bool:
    """Whether items holding the ``known`` words of a question (``best``: most held by
    one item) answer the ``whole`` of it.

    A question with a word the list does not have, even after corrections (汽车 in
    汽车保险理赔, 雅思 in 雅思考试报名), is about that word: plain words it shares with
    an item, however many, are only near misses, unless the known part names what
    the list is known to cover (a synonym key, a department). Without such a word,
    a covered word answers, or an item holding two words of the question and most of
    them (交通 事故 责任 认定: an item with 事故 and 责任 only is a near miss).

    A department's name vouches only for a question about the department itself: with
    other words (派出所 办 身份证, 卫生院 挂号) it asks for a task of the department, and
    its items that do not hold them are near misses.
    """
    foreign = any(len(piece) >= 2 for piece in whole.unknown)
    terms = known.parsed.terms
    if foreign or not all(t.departments for t in terms):
        known = known._replace(
            parsed=ParsedQuery(tuple(t for t in terms if not t.departments))
        )
    if foreign:
        return vouched(known)
    return (best >= 2 and 2 * best > len(terms)) or covered(known, words)


def sufficient(reading: Reading, *, matched: bool = False) -> bool:
    """Whether the known words of a reading say more than what is left unknown.

    Synonym keys and department names count double (the list is known to
    cover them), stray characters half. With ``matched``, the unknown pieces were found in the text
    and count as known; only the stray characters left out remain unknown.
    """
    unknown = reading.stray / 2  # a stray character says less than a word
    known = 0
    for term in reading.parsed.terms:
        if term.text in reading.unknown and not matched:
            unknown += len(term.text)
        elif _meaningful(term):
            weight = 2 if len(term.alternatives) > 1 or term.departments else 1
            known += max(len(term.text), 2) * weight
    return known > unknown
