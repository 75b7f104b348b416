"""controls: every character a terminal would act on is shown as its escape; JSON stays exact."""

from __future__ import annotations

import json

from hypothesis import given, settings
from hypothesis import strategies as st

from dutylist.controls import (
    CONTROL_RE,
    controls_in,
    has_surrogate,
    json_safe,
    visible,
    visible_line,
)


def test_escapes_are_the_python_spelling() -> None:
    assert visible("a\x1b]0;标题\x07b") == "a\\x1b]0;标题\\x07b"
    assert visible("\x9b2J\x7f\x85") == "\\x9b2J\\x7f\\x85"
    assert visible("右\u202e左\u2066x\u2069") == "右\\u202e左\\u2066x\\u2069"
    assert visible("\udcb5") == "\\udcb5"


def test_layout_characters_are_kept_in_cells_but_not_in_lines() -> None:
    assert visible("一\t二\n三") == "一\t二\n三"
    assert visible_line("一\t二\n三\r") == "一\\x09二\\x0a三\\x0d"


def test_ordinary_text_is_untouched() -> None:
    text = "对困难群众、低保家庭按照规定给予最低生活保障（1.5万元）[b]“两癌”—…·\u3000𠀀"
    assert visible(text) == text and controls_in(text) == []


def test_controls_are_listed_once_in_order() -> None:
    assert controls_in("\x1b[2J\x07\x1b]0;x\x07") == ["\\x1b", "\\x07"]


def test_surrogates() -> None:
    assert has_surrogate("a\ud800") and not has_surrogate("𠀀")


@settings(max_examples=50, deadline=None)
@given(st.text())
def test_visible_text_has_no_control_left(text: str) -> None:
    assert not CONTROL_RE.search(visible(text))
    assert "\n" not in visible_line(text) and "\t" not in visible_line(text)


@settings(max_examples=50, deadline=None)
@given(st.recursive(st.text(), lambda inner: st.lists(inner, max_size=3), max_leaves=5))
def test_json_safe_is_the_same_json_value(value: object) -> None:
    encoded = json_safe(json.dumps(value, ensure_ascii=False))
    assert json.loads(encoded) == value
    assert not CONTROL_RE.search(encoded)
