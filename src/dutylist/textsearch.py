"""Chinese tokenising, synonym expansion and FTS5 query building (pure functions).

FTS5's stock tokenizers do not segment Chinese, so text is tokenised here, the
way Lucene's CJKAnalyzer does: a run of Chinese characters becomes its
overlapping character bigrams (one positional stream, so a longer word is a
phrase of bigrams) and, in a second stream, its single characters (so a
one-character query works; the build stores these in a table of their own,
``chars_fts``, each distinct character of a field once, tagged by the field).
Latin letters and digits become lower-case words.
Punctuation and spaces are dropped and full/half width folded (NFKC), so
``两癌`` finds ``“两癌”`` and ``ＡＰＰ`` finds ``APP``.

The index stores the streams as space-separated tokens; FTS5's ``unicode61``
tokenizer then only splits on the spaces.
"""

from __future__ import annotations

import functools
import operator
import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from typing import NamedTuple

from dutylist.store.schema import FTS_COLUMNS, NAME_COLUMNS

# A run of ASCII letters and digits is a word; a run of any other word
# characters (Chinese, and other scripts such as Uyghur) is indexed as
# bigrams. Built from character classes, not a large explicit range, because
# compiling a CJK range costs several milliseconds on every start.
_SEGMENT_RE = re.compile(r"[0-9a-z]+|[^\W0-9a-z_]+")

MAX_QUERY_CHARS = 200
"""Longer queries are cut to this many characters before tokenising."""

MAX_TERMS = 16
"""At most this many whitespace-separated words of a query are used."""


@functools.lru_cache(maxsize=8192)
def normalize(text: str) -> str:
    """Fold width and case: full-width ``ＡＰＰ１`` becomes ``app1``."""
    return unicodedata.normalize("NFKC", text).lower()


def segments(text: str) -> list[str]:
    """Runs of Chinese characters and runs of Latin letters or digits, punctuation dropped.

    Chinese runs separated only by punctuation or spaces are joined, so that a
    word printed across a quotation mark or a line break is still found.
    """
    result: list[str] = []
    previous_cjk = False
    for segment in _SEGMENT_RE.findall(normalize(text)):
        cjk = not segment[0].isascii()
        if cjk and previous_cjk:
            result[-1] += segment
        else:
            result.append(segment)
        previous_cjk = cjk
    return result


def is_cjk(segment: str) -> bool:
    """A segment of Chinese (or another non-Latin script), indexed as bigrams."""
    return not segment[:1].isascii()


def bigrams(run: str) -> list[str]:
    """Overlapping bigrams of a Chinese run; a one-character run is itself."""
    if len(run) < 2:
        return [run]
    return list(map(operator.add, run, run[1:]))


def index_streams(text: str) -> tuple[str, str]:
    """The two token streams stored in the full-text index for a piece of text.

    Returns (bigram stream, unigram stream); Latin and digit words go in the
    bigram stream, in place.
    """
    bi: list[str] = []
    uni: list[str] = []
    for segment in segments(text):
        if segment[0].isascii():
            bi.append(segment)
        else:
            bi.extend(bigrams(segment))
            uni.append(" ".join(segment))
    return " ".join(bi), " ".join(uni)


def _quote(token: str) -> str:
    return '"' + token.replace('"', '""') + '"'


class Term(NamedTuple):
    """One word of a query with its synonym alternatives (a union)."""

    text: str
    alternatives: tuple[str, ...]
    departments: tuple[str, ...] = ()
    """Full names of the departments the word names (计生委 → 木垒县卫生健康委员会)."""


class ParsedQuery(NamedTuple):
    terms: tuple[Term, ...] = ()

    @property
    def words(self) -> list[str]:
        """Every alternative of every term, longest first (for highlighting)."""
        # in the query's order among equal lengths (not a set's, which changes from run to run)
        seen = dict.fromkeys(alt for term in self.terms for alt in term.alternatives)
        return sorted(seen, key=len, reverse=True)

    @property
    def pieces(self) -> list[str]:
        """The index tokens of every alternative (bigrams, single characters, Latin words).

        What a partial match shares with the query: ``first_match`` locates them
        when no whole word is found.
        """
        return list(dict.fromkeys(
            token for term in self.terms for alt in term.alternatives for token in _tokens(alt)
        ))


def _tokens(word: str) -> list[str]:
    """The tokens the index holds for a word: bigrams of Chinese runs, Latin words as is."""
    result: list[str] = []
    for segment in segments(word):
        result.extend(bigrams(segment) if is_cjk(segment) else [segment])
    return result


def parse_query(
    query: str, synonyms: Mapping[str, Sequence[str]] | None = None
) -> ParsedQuery:
    """Split a query into words and expand each with its synonyms.

    A synonym key found inside a longer word is also replaced in place, so
    ``养狗`` also searches ``养犬``. Words without any searchable character
    (only punctuation) are dropped.
    """
    synonyms = synonyms or {}
    words = normalize(query[:MAX_QUERY_CHARS]).split()
    terms: list[Term] = []
    seen_words: set[str] = set()
    for word in words:
        if not segments(word) or word in seen_words:
            continue
        seen_words.add(word)
        alternatives: list[str] = [word]
        for key, targets in synonyms.items():
            if key == word:
                alternatives.extend(targets)
            elif key in word:
                alternatives.extend(word.replace(key, target) for target in targets)
        unique = tuple(dict.fromkeys(a for a in alternatives if segments(a)))
        terms.append(Term(text=word, alternatives=unique))
        if len(terms) == MAX_TERMS:
            break
    return ParsedQuery(tuple(terms))


CHAR_TAGS = {"name_bi": "n", "dept_bi": "d", "body_bi": "b"}
"""The tag of each field's single characters in ``chars_fts`` (by its bigram column)."""


def char_stream(name: str, departments: str, body: str) -> str:
    """What ``chars_fts`` stores for an item, from its fields' unigram streams.

    Each distinct character of a field once, tagged by the field (``n犬`` in the
    name, ``d林`` in the departments, ``b村`` in the steps): the table keeps no
    positions or columns (``detail=none``), so the field is part of the token.
    """
    tokens: list[str] = []
    for tag, stream in zip(CHAR_TAGS.values(), (name, departments, body), strict=True):
        tokens.extend(dict.fromkeys(tag + char for char in stream.split()))
    return " ".join(tokens)


def is_char(segment: str) -> bool:
    """A one-character Chinese segment: looked up in ``chars_fts``, not the bigram columns."""
    return len(segment) == 1 and is_cjk(segment)


def has_chars(query: ParsedQuery) -> bool:
    """Whether any word of any term holds a single Chinese character (a ``chars_fts`` look-up).

    Queries without one are one FTS5 expression over ``duties_fts`` (``match_all``).
    """
    return any(map(_term_has_chars, query.terms))


@functools.lru_cache(maxsize=4096)
def _term_has_chars(term: Term) -> bool:
    return any(
        is_char(segment)
        for word in (*term.alternatives, *term.departments)
        for segment in segments(word)
    )


_WHOLE_TABLES = (FTS_COLUMNS, NAME_COLUMNS)
"""Column sets that are all the columns of their FTS table (``duties_fts``, ``names_fts``):
an expression over them needs no column filter, which FTS5 would check at every position."""


@functools.lru_cache(maxsize=4096)
def _word_match(word: str, columns: tuple[str, ...]) -> str:
    """An FTS5 expression matching the bigram part of ``word`` in the given columns.

    Chinese segments become phrases of bigrams, Latin and digit words prefix
    matches. Single characters are not in these columns (``_word_chars``): a
    word made only of them gives "".
    """
    parts: list[str] = []
    within = "" if columns in _WHOLE_TABLES else f"{{{' '.join(columns)}}} : "
    for segment in segments(word):
        if is_char(segment):
            continue
        if is_cjk(segment):
            phrase = " + ".join(_quote(token) for token in bigrams(segment))
            parts.append(f"{within}({phrase})")
        else:
            parts.append(f"{within}{_quote(segment)}*")
    return " AND ".join(parts)


@functools.lru_cache(maxsize=4096)
def _word_chars(word: str, columns: tuple[str, ...]) -> str:
    """A ``chars_fts`` expression matching the single characters of ``word`` in the fields
    of ``columns`` (every character, each in any of the fields); "" when it has none."""
    tags = [CHAR_TAGS[column] for column in columns]
    parts = []
    for segment in dict.fromkeys(s for s in segments(word) if is_char(s)):
        tokens = [_quote(tag + segment) for tag in tags]
        parts.append(tokens[0] if len(tokens) == 1 else "(" + " OR ".join(tokens) + ")")
    return " AND ".join(parts)


class Option(NamedTuple):
    """One way a term matches: ``words`` in ``duties_fts``/``names_fts`` AND ``chars`` in
    ``chars_fts`` (either may be "")."""

    words: str
    chars: str


def term_options(term: Term, columns: Sequence[str]) -> tuple[Option, ...]:
    """A term's alternatives (and department names, in the department column), split by
    the table each part is looked up in; the term matches where any option does."""
    return _term_options(term, tuple(columns))


@functools.lru_cache(maxsize=4096)
def _term_options(term: Term, columns: tuple[str, ...]) -> tuple[Option, ...]:
    words = [(alt, columns) for alt in term.alternatives]
    dept_columns = tuple(c for c in columns if c.startswith("dept"))
    if dept_columns:  # the department's own name, in the department column only
        words += [(name, dept_columns) for name in term.departments]
    options = (Option(_word_match(w, cols), _word_chars(w, cols)) for w, cols in words)
    return tuple(dict.fromkeys(o for o in options if o.words or o.chars))


def any_of(expressions: Sequence[str]) -> str:
    """One FTS5 expression matching where any of ``expressions`` does."""
    if len(expressions) == 1:
        return f"({expressions[0]})"
    return "(" + " OR ".join(f"({e})" for e in expressions) + ")"


def term_match(term: Term, columns: Sequence[str]) -> str:
    """Any of a term's alternatives, as one FTS5 expression (a term without single
    characters; ``term_options`` splits the others by table)."""
    return any_of([option.words for option in term_options(term, columns)])


def match_all(query: ParsedQuery, columns: Sequence[str]) -> str:
    """Every term must match (each through any of its alternatives); for queries
    without single characters (``has_chars``)."""
    return " AND ".join(term_match(term, columns) for term in query.terms)


def may_match_in(text: str, query: ParsedQuery) -> bool:
    """False when ``query`` (no single characters) cannot match ``text``'s bigram stream:
    some term has no alternative whose every segment is in the text, punctuation dropped.

    A phrase of bigrams matches consecutive tokens of one run of the text, so a match
    implies this; the converse need not hold (True is only "maybe").
    """
    joined = "".join(segments(text))
    return all(
        any(all(segment in joined for segment in _segments_of(alt)) for alt in term.alternatives)
        for term in query.terms
    )


@functools.lru_cache(maxsize=4096)
def _segments_of(word: str) -> tuple[str, ...]:
    return tuple(segments(word))


def find_span(text: str, words: Iterable[str]) -> tuple[int, int] | None:
    """Where the first of ``words`` (tried in order) occurs in ``text``, case-insensitively.

    Matching ignores width and case; punctuation inside the text between the
    characters of a word is skipped, so ``两癌`` is found in ``“两癌”`` and
    ``低保家庭`` in ``低保、家庭`` is not (but ``低保`` is).
    """
    spans = find_spans(text, words)
    return spans[0] if spans else None


@functools.lru_cache(maxsize=4096)
def fold(text: str) -> str:
    """``text`` folded for locating words, every character where it was.

    Width and case are folded (NFKC, lower case); where NFKC would change the
    length, each character is folded on its own so positions still match.
    Cached: a batch of queries meets the same names and steps again and again.
    """
    folded = normalize(text)
    if len(folded) != len(text):
        folded = "".join(normalize(ch)[:1] or ch for ch in text)
    return folded


@functools.lru_cache(maxsize=1024)
def needle(word: str) -> str:
    """What is looked for in folded text for ``word``: its characters, punctuation dropped."""
    return "".join(segments(word)) if " " not in word else word


def find_spans(text: str, words: Iterable[str]) -> list[tuple[int, int]]:
    """Every non-overlapping occurrence of any of ``words`` in ``text``, sorted."""
    folded = fold(text)
    spans: list[tuple[int, int]] = []
    for word in words:
        needle_ = needle(word)
        if not needle_:
            continue
        start = 0
        while True:
            index = folded.find(needle_, start)
            if index < 0:
                break
            span = (index, index + len(needle_))
            if not any(s < span[1] and span[0] < e for s, e in spans):
                spans.append(span)
            start = index + 1
    return sorted(spans)


def snippet(text: str, words: Sequence[str], width: int = 40) -> str | None:
    """About ``width`` characters of ``text`` around the first match, or None."""
    span = find_span(text, words)
    if span is None:
        return None
    start, end = span
    if len(text) <= width:
        return text
    margin = max(0, (width - (end - start)) // 2)
    left = max(0, start - margin)
    right = min(len(text), max(end + margin, left + width))
    left = max(0, min(left, right - width))
    prefix = "…" if left > 0 else ""
    suffix = "…" if right < len(text) else ""
    return prefix + text[left:right] + suffix


def first_match(
    fields: Iterable[tuple[str, str]], words: Sequence[str], pieces: Sequence[str] = ()
) -> tuple[str, str | None] | None:
    """(key, snippet) of the first field where one of ``words`` occurs, else one of ``pieces``.

    ``fields`` are (key, text) pairs in the order they should be tried; ``words``
    and ``pieces`` come from ``ParsedQuery.words`` and ``ParsedQuery.pieces``
    (longest first, so the longest match is the one shown).
    """
    fields = list(fields)
    for candidates in (words, pieces):
        needles = [(word, n) for word in candidates if (n := needle(word))]
        if not needles:
            continue
        # One (cached) fold per field and a substring test: find_spans and
        # snippet run only on the field that holds a match, for the words it holds.
        for key, text in fields:
            folded = fold(text)
            held = [word for word, n in needles if n in folded]
            if held:
                return key, snippet(text, held)
    return None
