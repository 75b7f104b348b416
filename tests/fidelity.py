"""Fidelity of a duties YAML to an official text, for any edition.

Deliberately independent of ``dutylist.importer``: the text is cut into tables
and items by 序号 alone, page headers and footers are removed from the squashed
text, and each item's raw text is compared with its YAML fields re-joined in
document order, ignoring only whitespace and line breaks.  Counts come from the
text.  Used on the real data (test_data_fidelity) and on revised editions the
tests write themselves (test_import_editions).
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

KINDS = ("basic", "coordinated", "withdrawn")
LETTERS = {"basic": "B", "coordinated": "C", "withdrawn": "W"}
NUMERALS = "一二三四五六七八九十"

# Page headers and footers, matched on text with all whitespace removed.
HEADER_RE = re.compile(r"序号事项类别事项名称(?:承接部门及工作方式)?|对应上级部门上级部门职责乡镇配合职责")
# A page footer is a line of its own.
INLINE_FOOTER_RE = re.compile(r"第\d+页[，,、/]?共\d+页")
FOOTER_RE = re.compile(r"第\d+页[，,]?共\d+页|[-－—–]\d+[-－—–]")
KEY_ORDER = {
    "basic": ["seq", "category", "name", "note"],
    "coordinated": [
        "seq", "category", "name", "departments", "upper_duties", "township_duties", "note",
    ],
    "withdrawn": ["seq", "category", "name", "departments", "upper_duties", "note"],
}
BLOCK_KEYS = ["heading", "department", "numbered", "steps"]


def read_source(path: Path) -> str:
    """An official text file as a clerk may have saved it (UTF-8, UTF-16 with a BOM,
    GBK/GB18030), decoded the way dutylist reads it, line ends as written."""
    from dutylist.source.text import decode

    return decode(path.read_bytes()).text


def text_lines(text: str) -> list[str]:
    """Lines as an editor counts them: CRLF, LF or a lone CR end a line."""
    return re.split(r"\r\n|\r|\n", text)


def squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


def _strip_artefacts(chunk: list[str]) -> str:
    # A page header spread over lines (对应上级 / 部门 / 上级部门职责 …) may lack its
    # first line; squashing joins what is left, and the regex removes it whole.
    text = "".join(s for s in map(squash, chunk) if not FOOTER_RE.fullmatch(s))
    text = HEADER_RE.sub("", INLINE_FOOTER_RE.sub("", text))
    return text.replace("对应上级部门上级部门职责乡镇配合职责", "")


def raw_segments(source_text: str) -> dict[str, str]:
    """Item id -> raw source text (whitespace, page headers and footers removed)."""
    lines = text_lines(source_text)
    coord = next(i for i, s in enumerate(lines) if squash(s) == "对应上级")
    withdrawn = next(i for i, s in enumerate(lines) if "承接部门及工作方式" in s)
    tables = {
        "basic": lines[:coord],
        "coordinated": lines[coord:withdrawn],
        "withdrawn": lines[withdrawn:],
    }
    out: dict[str, str] = {}
    for kind, tlines in tables.items():
        chunks: list[list[str]] = [[]]
        expected = 1
        for s in tlines:
            if re.match(rf"^\s*{expected}(\s|$)", s):
                chunks.append([])
                expected += 1
            chunks[-1].append(s)
        before = _strip_artefacts(chunks[0])
        assert before in ("", "序号事项类别事项名称"), f"{kind}: text before item 1: {before}"
        for seq, chunk in enumerate(chunks[1:], start=1):
            out[f"{LETTERS[kind]}{seq}"] = _strip_artefacts(chunk)
    return out


def whole_text(source_text: str) -> str:
    """Every non-artefact character of the text, squashed."""
    return _strip_artefacts(text_lines(source_text))


def blocks_text(blocks: list[dict[str, Any]]) -> str:
    parts = []
    headings = 0
    for b in blocks:
        if "heading" in b:
            parts.append(f"{NUMERALS[headings]}、{b['heading']}")
            headings += 1
        if "department" in b:
            parts.append(b["department"])
        if b.get("numbered", True):
            parts.extend(f"{i}.{s}" for i, s in enumerate(b["steps"], start=1))
        else:
            assert len(b["steps"]) == 1, "an unnumbered block is one paragraph"
            parts.append(b["steps"][0])
    return "".join(parts)


def rebuild(item_id: str, item: dict[str, Any]) -> str:
    """The item's fields re-joined in document order, whitespace removed."""
    parts = [str(item["seq"]), item["category"], item["name"]]
    if item_id[0] == "C":
        parts.append("、".join(item["departments"]))
        parts.append(blocks_text(item["upper_duties"]))
        parts.append(blocks_text(item["township_duties"]))
    elif item_id[0] == "W":
        parts.append("、".join(item["departments"]) + "：")
        parts.append(blocks_text(item["upper_duties"]))
    return squash("".join(parts))


def items_by_id(data: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {
        f"{LETTERS[kind]}{it['seq']}": it
        for kind in KINDS
        for it in data["lists"][kind]["items"]
    }


def check_fields(data: dict[str, Any]) -> None:
    """Every item has its keys in order, non-empty and trimmed; seq runs 1, 2, 3 …"""
    for kind in KINDS:
        items = data["lists"][kind]["items"]
        assert [it["seq"] for it in items] == list(range(1, len(items) + 1)), kind
        for it in items:
            where = (kind, it["seq"])
            keys = list(it)
            assert keys == [k for k in KEY_ORDER[kind] if k in it], where
            assert set(KEY_ORDER[kind]) - set(keys) <= {"note"}, where
            for k in ("category", "name", "note"):
                if k in it:
                    assert isinstance(it[k], str) and it[k] and it[k].strip() == it[k], where
            if kind == "basic":
                continue
            assert it["departments"] and all(isinstance(d, str) and d for d in it["departments"])
            for side in ("upper_duties", "township_duties"):
                if side not in it:
                    continue
                assert it[side], (where, side)
                for b in it[side]:
                    assert list(b) == [k for k in BLOCK_KEYS if k in b], where
                    assert "numbered" not in b or b["numbered"] is False, where
                    assert b["steps"] and all(
                        isinstance(s, str) and s and s.strip() == s for s in b["steps"]
                    ), where


def check_departments(data: dict[str, Any]) -> None:
    """Declared once each, in order of first appearance; no name or alias claimed twice."""
    declared = [d["name"] for d in data["departments"]]
    referenced: list[str] = []
    for kind in ("coordinated", "withdrawn"):
        for it in data["lists"][kind]["items"]:
            referenced.extend(d for d in it["departments"] if d not in referenced)
    assert declared == referenced
    seen: dict[str, str] = {}
    for d in data["departments"]:
        assert set(d) <= {"name", "aliases", "former_names"}, d
        for label in (d["name"], *d.get("aliases", [])):
            assert label not in seen, f"{label} claimed by {seen.get(label)} and {d['name']}"
            seen[label] = d["name"]


def mismatches(source_text: str, data: dict[str, Any]) -> list[str]:
    """Item ids whose YAML differs from the text (empty when faithful), plus coverage."""
    raw = raw_segments(source_text)
    items = items_by_id(data)
    problems = []
    if set(raw) != set(items):
        problems.append(f"ids differ: {sorted(set(raw) ^ set(items))}")
    problems.extend(
        item_id for item_id in raw
        if item_id in items and rebuild(item_id, items[item_id]) != raw[item_id]
    )
    whole = re.sub(r"^序号事项类别事项名称", "", whole_text(source_text))
    if sum(len(v) for v in raw.values()) != len(whole):
        problems.append("some text of the source lies in no item")
    return problems


def check_edition(source_text: str, data: dict[str, Any]) -> None:
    """All fidelity checks on one (text, YAML data) pair."""
    check_fields(data)
    check_departments(data)
    assert mismatches(source_text, data) == []


def real_counts() -> dict[str, int]:
    """Items per list of the official text that data/duties.yaml names (data/source/…).

    For tests of the real data that need its counts: they come from the text,
    so a new edition in data/ keeps such tests true.
    """

    import yaml

    root = Path(__file__).resolve().parents[1]
    data = yaml.safe_load((root / "data" / "duties.yaml").read_text(encoding="utf-8"))
    text = read_source(root / data["document"]["source"])
    ids = raw_segments(text)
    return {kind: sum(1 for i in ids if i[0] == LETTERS[kind]) for kind in KINDS}
