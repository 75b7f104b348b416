"""The relevance set (bench/relevance.yaml) and the held-out set (bench/heldout.yaml) are well
formed against the 2024 edition they were written for.

Only its shape is checked here — never that search reaches some score:
scores are measured by scripts/relevance.py and recorded in BENCHMARKS.md.
"""

from __future__ import annotations

import importlib.util
import re
import sys
from collections import Counter
from pathlib import Path
from types import ModuleType

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
SET = ROOT / "bench" / "relevance.yaml"
HELDOUT = ROOT / "bench" / "heldout.yaml"
# The set is written for the 2024 edition (see the top of bench/relevance.yaml).
DUTIES = ROOT / "tests" / "fixtures" / "duties_2024.yaml"
SCRIPT = ROOT / "scripts" / "relevance.py"

KINDS = {"exact", "everyday", "question", "typo", "department", "pinyin", "out_of_scope"}
LIST_PREFIX = {"basic": "B", "coordinated": "C", "withdrawn": "W"}
MIN_PER_KIND = {SET: 20, HELDOUT: 10}


@pytest.fixture(scope="module", params=[SET, HELDOUT], ids=["relevance", "heldout"])
def which(request: pytest.FixtureRequest) -> Path:
    path: Path = request.param
    return path


@pytest.fixture(scope="module")
def queries(which: Path) -> list[dict]:
    return yaml.safe_load(which.read_text(encoding="utf-8"))["queries"]


@pytest.fixture(scope="module")
def data() -> dict:
    return yaml.safe_load(DUTIES.read_text(encoding="utf-8"))


def _real_ids(data: dict) -> set[str]:
    return {
        f"{prefix}{item['seq']}"
        for key, prefix in LIST_PREFIX.items()
        for item in data["lists"][key]["items"]
    }


def test_every_query_has_known_keys_and_kind(queries):
    for entry in queries:
        assert set(entry) <= {"kind", "q", "expect", "department", "note"}, entry
        assert entry["kind"] in KINDS, entry
        assert isinstance(entry["q"], str) and entry["q"].strip() == entry["q"] != "", entry
        assert "\n" not in entry["q"], entry
        assert isinstance(entry.get("expect", []), list), entry


def test_queries_are_unique(queries):
    """scripts/relevance.py groups --stdin rows by query text, so no text may repeat."""
    counts = Counter(" ".join(e["q"].split()) for e in queries)
    assert [q for q, n in counts.items() if n > 1] == []


def test_every_kind_has_enough_queries(queries, which):
    counts = Counter(e["kind"] for e in queries)
    assert set(counts) == KINDS
    assert {k: n for k, n in counts.items() if n < MIN_PER_KIND[which]} == {}


def test_the_held_out_set_repeats_no_query_of_the_relevance_set():
    """Held out means never tuned on: a query of both sets would be tuned through the other."""
    def texts(path: Path) -> set[str]:
        return {" ".join(e["q"].split()) for e in yaml.safe_load(path.read_text("utf-8"))["queries"]}

    assert texts(SET) & texts(HELDOUT) == set()


def test_expected_ids_exist_in_the_2024_edition(queries, data):
    real = _real_ids(data)
    unknown = [(e["q"], i) for e in queries for i in e.get("expect", []) if i not in real]
    assert unknown == []
    for entry in queries:
        ids = entry.get("expect", [])
        assert len(ids) == len(set(ids)), entry
        assert all(re.fullmatch(r"[BCW][1-9][0-9]*", i) for i in ids), entry


def test_departments_named_exist_in_the_2024_edition(queries, data):
    names = {d["name"] for d in data["departments"]}
    assert [e["q"] for e in queries if e.get("department") and e["department"] not in names] == []


def test_in_scope_queries_expect_something_and_out_of_scope_nothing(queries):
    for entry in queries:
        if entry["kind"] == "out_of_scope":
            assert entry.get("expect", []) == [] and "department" not in entry, entry
        else:
            assert entry.get("expect") or entry.get("department"), entry


def test_pinyin_queries_are_latin_and_others_are_not(queries):
    for entry in queries:
        if entry["kind"] == "pinyin":
            assert re.fullmatch(r"[A-Za-z ]+", entry["q"]), entry
        elif entry["kind"] != "typo":
            assert re.search(r"[\u4e00-\u9fff]", entry["q"]), entry


def _script() -> ModuleType:
    spec = importlib.util.spec_from_file_location("relevance_script", SCRIPT)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up
    spec.loader.exec_module(module)
    return module


def test_scoring_arithmetic():
    """hit@1, hit@5, MRR and the out-of-scope counts, on hand-made results."""
    rel = _script()
    q = rel.Query
    results = [
        q("exact", "a", ["B1"], ids=["B1", "B2"], partial=[False, False]),
        q("exact", "b", ["B1", "B9"], ids=["B2", "B9"], partial=[False, False]),
        q("exact", "c", ["B1"], ids=["B2"], partial=[False]),
        q("exact", "d", ["B1"]),
        q("out_of_scope", "e", [], ids=["C1"], partial=[True]),
        q("out_of_scope", "f", [], ids=["C1"], partial=[False]),
        q("out_of_scope", "g", []),
    ]
    table = rel.score(results)
    assert table["exact"] == {"n": 4, "hit@1": 0.25, "hit@5": 0.5, "mrr": 0.375, "answered": 3}
    assert table["out_of_scope"] == {"n": 3, "answered": 2, "full": 1, "silent": 1}


def test_department_items_follow_the_filter_rule(data):
    """A printed name 'X及其他…' counts as X, as filter-by-department does."""
    items = _script().department_items(DUTIES)
    assert set(items) == {d["name"] for d in data["departments"]}
    for name, ids in items.items():
        assert ids, name
        longer = [n for n in items if n != name and n.startswith(name + "及其他")]
        for other in longer:
            assert set(items[other]) <= set(ids)
