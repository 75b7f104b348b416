"""Read side of the vocabulary tables (standard library only; on the query path).

The build stores the document's words (``vocab``), their pinyin keys
(``pinyin_keys``) and the readings of common characters (``char_pinyin``);
see :mod:`dutylist.vocab` and :mod:`dutylist.pinyin`. Every lookup here is one
indexed query; answers are cached on the object, which lives as long as its
connection (one per CLI run, so a ``--stdin`` batch shares it).

A database built before these tables existed simply has no vocabulary: every
lookup answers "nothing known" and search works as before.
"""

from __future__ import annotations

import itertools
import sqlite3
from collections.abc import Iterable, Sequence

from dutylist.store.schema import checked_text

VOCAB_TABLES = ("vocab", "pinyin_keys", "char_pinyin")

_CHUNK = 500  # SQLite's default limit on host parameters is 999 on old builds

MAX_HOMOPHONE_KEYS = 16
"""At most this many pinyin spellings of a query word are looked up (polyphonic characters)."""


class Lexicon:
    """The vocabulary of one database."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn
        names = {
            row[0]
            for row in conn.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' AND name IN (?, ?, ?)",
                VOCAB_TABLES,
            )
        }
        self.available = names == set(VOCAB_TABLES)
        self._weights: dict[str, int] = {}  # known words (0 = looked up, not a word)
        self._pinyin: dict[str, tuple[str, ...]] = {}
        self._keys: dict[str, int] = {}  # pinyin keys looked up (1 = some word's key)
        self._readings: dict[str, tuple[str, ...]] = {}
        self._departments: dict[str, tuple[str, ...]] = {}
        self._shapes: dict[str, list[str]] = {}  # word with one character blanked
        self._shaped: set[int] = set()  # the lengths of the words in _shapes

    # ------------------------------------------------------------ words

    def known(self, candidates: Iterable[str]) -> set[str]:
        """Which of ``candidates`` are words of the document."""
        return self._found(
            self._weights, candidates, "SELECT word, weight FROM vocab WHERE word IN ({marks})"
        )

    def _found(self, cache: dict[str, int], keys: Iterable[str], sql: str) -> set[str]:
        """Which of ``keys`` the query ``sql`` finds (rows of key and a weight; ``{marks}``
        stands for the keys), each looked up once: ``cache`` keeps the weight, 0 for a key
        looked up and not found."""
        wanted = set(keys)
        missing = [k for k in wanted if k not in cache]
        if missing and self.available:
            for start in range(0, len(missing), _CHUNK):
                chunk = missing[start : start + _CHUNK]
                for key, weight in self.conn.execute(
                    sql.format(marks=", ".join("?" * len(chunk))), chunk
                ):
                    cache[key] = int(weight) or 1
        for key in missing:
            cache.setdefault(key, 0)
        return {k for k in wanted if cache[k]}

    def weight(self, word: str) -> int:
        self.known((word,))
        return self._weights[word]

    def same_shape(self, word: str) -> list[str]:
        """Words of the same length differing from ``word`` in exactly one character,
        most important first. The first call for a length loads the shapes of the
        vocabulary's words of that length (a typo path only; a few thousand words)."""
        if not self.available or len(word) < 2:
            return []
        if len(word) not in self._shaped:  # the words of this length, read once
            self._shaped.add(len(word))
            for found, weight in self.conn.execute(
                "SELECT word, weight FROM vocab WHERE length(word) = ?", (len(word),)
            ):
                self._weights[found] = int(weight) or 1
                for i in range(len(found)):
                    shape = found[:i] + "\x00" + found[i + 1 :]
                    self._shapes.setdefault(shape, []).append(found)
        candidates: dict[str, None] = {}
        for i in range(len(word)):
            for found in self._shapes.get(word[:i] + "\x00" + word[i + 1 :], ()):
                if found != word:
                    candidates[found] = None
        return sorted(candidates, key=lambda w: (-self._weights.get(w, 0), w))

    # ------------------------------------------------------------ pinyin

    def from_pinyin(self, keys: Sequence[str], limit: int = 5) -> list[str]:
        """Words whose full pinyin or initials is one of ``keys``, most important first."""
        keys = [k for k in dict.fromkeys(keys) if k]
        if not keys or not self.available:
            return []
        cache_key = "\x00".join(keys) + f"\x00{limit}"
        if cache_key not in self._pinyin:
            marks = ", ".join("?" * len(keys))
            rows = self.conn.execute(
                f"SELECT word, max(weight) AS w FROM pinyin_keys WHERE key IN ({marks}) "
                "GROUP BY word ORDER BY w DESC, word LIMIT ?",
                [*keys, limit],
            ).fetchall()
            self._pinyin[cache_key] = tuple(row[0] for row in rows)
        return list(self._pinyin[cache_key])

    def pinyin_known(self, keys: Iterable[str]) -> set[str]:
        """Which of ``keys`` are the full pinyin or initials of some word (one query)."""
        return self._found(
            self._keys, keys, "SELECT DISTINCT key, 1 FROM pinyin_keys WHERE key IN ({marks})"
        )

    def readings(self, text: str) -> list[list[str]]:
        """The readings of each character of ``text`` (empty list: unknown character)."""
        chars = [c for c in dict.fromkeys(text) if c not in self._readings]
        if chars and self.available:
            marks = ", ".join("?" * len(chars))
            for char, readings in self.conn.execute(
                f"SELECT char, readings FROM char_pinyin WHERE char IN ({marks})", chars
            ):
                self._readings[char] = tuple(readings.split())
        for char in chars:
            self._readings.setdefault(char, ())
        return [list(self._readings[c]) for c in text]

    def homophones(self, word: str) -> list[str]:
        """Words spelled differently from ``word`` but read the same (养拳 → 养犬)."""
        readings = self.readings(word)
        if not readings or any(not r for r in readings):
            return []
        keys = ["".join(combo) for combo in itertools.islice(
            itertools.product(*readings), MAX_HOMOPHONE_KEYS
        )]
        return [w for w in self.from_pinyin(keys, limit=10) if w != word and len(w) == len(word)]

    # ------------------------------------------------------------ departments

    def departments_of(self, word: str) -> tuple[str, ...]:
        """Full names of the departments ``word`` names: a full name or any other name
        (alias, former name, township unit), also with 县 or 木垒县 before it."""
        if word not in self._departments:
            tries = [word] + [word[len(p) :] for p in _COUNTY_PREFIXES if word.startswith(p)]
            tries = [t for t in tries if len(t) >= 2]
            found: tuple[str, ...] = ()
            if tries:
                marks = ", ".join("?" * len(tries))
                rows = self.conn.execute(
                    f"SELECT name FROM departments WHERE name IN ({marks}) UNION "
                    "SELECT p.name FROM department_aliases a JOIN departments p "
                    f"ON p.id = a.department_id WHERE a.alias IN ({marks})",
                    [*tries, *tries],
                ).fetchall()
                found = tuple(sorted(checked_text(row[0], "部门名称") for row in rows))
            self._departments[word] = found
        return self._departments[word]


_COUNTY_PREFIXES = ("木垒县", "县")
