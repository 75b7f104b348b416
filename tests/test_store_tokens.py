"""The index's 'ascii' tokenizer sees exactly the tokens textsearch made (issue 14).

The build stores token streams (``textsearch.index_streams``) in FTS5 tables
whose tokenizer only has to split on spaces. 'ascii' does that faster than
'unicode61'; these tests pin down that it splits every stream into the same
tokens, for Chinese, Latin, full-width and other scripts alike.
"""

from __future__ import annotations

import contextlib
import sqlite3

from hypothesis import given, settings
from hypothesis import strategies as st

from dutylist.store.schema import TABLES_SQL
from dutylist.textsearch import char_stream, index_streams

TEXT = st.text(
    alphabet=st.one_of(
        st.sampled_from("低保家庭养犬只、，。“”（）ＡＰＰ１２ab12 ئۇيغۇرÀÉßΣς\u3000\n"),
        st.characters(codec="utf-8", exclude_categories=("Cs",)),
    ),
    max_size=40,
)


def _terms(tokenizer: str, streams: list[str]) -> list[tuple[str, int, int]]:
    with contextlib.closing(sqlite3.connect(":memory:")) as conn:  # Python 3.13 warns otherwise
        conn.execute(f"CREATE VIRTUAL TABLE t USING fts5(x, content='', tokenize='{tokenizer}')")
        conn.execute("CREATE VIRTUAL TABLE v USING fts5vocab(t, 'instance')")
        conn.executemany("INSERT INTO t (rowid, x) VALUES (?, ?)", enumerate(streams, 1))
        return conn.execute("SELECT term, doc, offset FROM v ORDER BY doc, offset").fetchall()


@settings(max_examples=150, deadline=None)
@given(texts=st.lists(TEXT, min_size=1, max_size=5))
def test_ascii_splits_streams_into_the_tokens_textsearch_made(texts: list[str]) -> None:
    streams = [stream for text in texts for stream in index_streams(text)]
    unigrams = streams[1::2]
    streams.append(char_stream(unigrams[0], " ".join(unigrams[1:2]), " ".join(unigrams[2:])))
    terms = _terms("ascii", streams)
    assert terms == _terms("unicode61 remove_diacritics 0", streams)
    made = [(token, doc) for doc, stream in enumerate(streams, 1) for token in stream.split()]
    assert [(term, doc) for term, doc, _ in terms] == made


def test_the_schema_uses_the_ascii_tokenizer() -> None:
    assert TABLES_SQL.count("tokenize='ascii'") == 3
