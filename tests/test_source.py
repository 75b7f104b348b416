"""YAML -> model: validation reports every problem as file:line: message."""

from __future__ import annotations

from pathlib import Path

import pytest

from dutylist.errors import SourceError
from dutylist.source import load_catalog, load_synonyms, parse_catalog

from .conftest import MINI_YAML, REAL_YAML

MINI = MINI_YAML.read_text(encoding="utf-8")


def problems(text: str) -> list[str]:
    with pytest.raises(SourceError) as caught:
        parse_catalog(text, "duties.yaml")
    assert caught.value.exit_code == 2
    return caught.value.problems


def line_of(text: str, needle: str, nth: int = 1) -> int:
    lines = text.splitlines()
    found = [i + 1 for i, line in enumerate(lines) if needle in line]
    return found[nth - 1]


def test_fixture_loads() -> None:
    catalog = parse_catalog(MINI)
    assert [d.id for d in catalog.duties()] == ["B1", "B2", "C1", "C2", "W1"]
    c2 = catalog.lists["coordinated"].items[1]
    assert c2.departments == ("木垒县农业农村局", "木垒县民政局")
    assert c2.upper_duties[0].heading == "农药使用指导、服务工作"
    assert c2.township_duties[0].department == "县农业农村局"
    assert c2.township_duties[0].numbered is False


def test_real_list_loads_with_the_documents_counts() -> None:
    from .fidelity import real_counts

    catalog = load_catalog(REAL_YAML)
    assert {k: len(v.items) for k, v in catalog.lists.items()} == real_counts()


def test_syntax_error_names_file_and_line() -> None:
    text = MINI.replace("  township: 测试乡", "  township: [测试乡", 1)
    (problem,) = problems(text)
    assert problem.startswith("duties.yaml:")
    assert "YAML 格式错误" in problem
    assert int(problem.split(":")[1]) >= line_of(text, "township: [测试乡")


def test_unknown_key() -> None:
    text = MINI.replace("        name: 收养登记", "        name: 收养登记\n        colour: red")
    assert problems(text) == [
        f"duties.yaml:{line_of(text, 'colour')}: lists.withdrawn 中的一个事项有未知的键 'colour'"
        "（可用的键：category, departments, name, note, seq, upper_duties）"
    ]


def test_missing_and_empty_fields_all_reported_at_once() -> None:
    text = MINI.replace("        category: 乡村振兴\n        name: 做好饲养犬只防疫管理工作",
                        "        category: 乡村振兴\n        name: ''")
    text = text.replace("      - seq: 1\n        category: 民生服务\n        name: 收养登记",
                        "      - seq: 1\n        name: 收养登记")
    found = problems(text)
    assert f"duties.yaml:{line_of(text, 'name: ' + repr(''))}: B2 的 name 为空" in found
    assert any(p.endswith("缺少 W1 的 category") for p in found)
    assert len(found) == 2


def test_duplicate_id_and_gap_in_seq() -> None:
    text = MINI.replace("      - seq: 2\n        category: 乡村振兴\n        name: 做好",
                        "      - seq: 1\n        category: 乡村振兴\n        name: 做好")
    (problem,) = problems(text)
    assert "事项编号 B1 重复（首次出现在第" in problem
    text = MINI.replace("      - seq: 2\n        category: 乡村振兴\n        name: 做好",
                        "      - seq: 3\n        category: 乡村振兴\n        name: 做好")
    (problem,) = problems(text)
    assert problem == (
        f"duties.yaml:{line_of(text, 'seq: 3')}: B3：序号 seq 3 不连续，应为 2"
        "（seq 须依次为 1、2、3……，不能跳号或乱序）"
    )


def test_empty_steps() -> None:
    text = MINI.replace("          - steps: [负责收养登记。]", "          - steps: []")
    text = text.replace("          - numbered: false\n            steps: [负责收养登记。]",
                        "          - numbered: false\n            steps: []")
    (problem,) = problems(text)
    assert problem.endswith("W1 的 upper_duties：steps 为空")


def test_undeclared_department() -> None:
    text = MINI.replace("departments: [木垒县民政局]\n        upper_duties:\n          - numbered",
                        "departments: [木垒县教育局]\n        upper_duties:\n          - numbered")
    (problem,) = problems(text)
    assert problem == (
        f"duties.yaml:{line_of(text, '木垒县教育局')}: W1：部门 '木垒县教育局' "
        "未在 departments 中声明"
    )


def test_python_tag_is_an_error_not_code(tmp_path: Path) -> None:
    marker = tmp_path / "pwned"
    text = MINI.replace(
        "  township: 测试乡",
        f"  township: !!python/object/apply:os.system ['touch {marker}']",
    )
    (problem,) = problems(text)
    assert "不允许使用标签 'tag:yaml.org,2002:python/object/apply:os.system'" in problem
    assert not marker.exists()


def test_not_a_mapping_and_empty_file() -> None:
    assert problems("- just\n- a list\n") == ["duties.yaml:1: 文件应为映射（键: 值）"]
    assert problems("") == ["duties.yaml:1: 文件为空"]


def test_missing_file_and_bad_encoding(tmp_path: Path) -> None:
    with pytest.raises(SourceError, match="文件不存在"):
        load_catalog(tmp_path / "nope.yaml")
    bad = tmp_path / "bad.yaml"
    bad.write_bytes(b"\xff\xfe\x00garbage!")  # UTF-16 cut in the middle of a character
    with pytest.raises(SourceError, match="不是 UTF-8 编码（似乎是 UTF-16 编码，但内容不完整"):
        load_catalog(bad)


def test_gbk_and_utf16_files_are_read_as_written(tmp_path: Path) -> None:
    """Notepad's "ANSI" (GBK) and "Unicode" (UTF-16) files are read, each character as
    written; the note says how (the YAML problems then name the same lines)."""
    text = "schema: 1\r\n\r\ndocument:\r\n  title: 大南沟乡\r\n  county: ''\r\n"
    expected = ["4: 缺少 document.township", "5: document.county 为空", "1: 缺少 departments",
                "1: 缺少 lists"]
    cr = text.replace("\r\n", "\r")  # old Mac line ends: YAML counts them as lines too
    for name, raw in (("gbk.yaml", text.encode("gbk")), ("u16.yaml", text.encode("utf-16")),
                      ("gbk.yaml", cr.encode("gbk")), ("u16.yaml", cr.encode("utf-16"))):
        path = tmp_path / name
        path.write_bytes(raw)
        notes: list[str] = []
        with pytest.raises(SourceError) as info:
            load_catalog(path, notes=notes)
        assert info.value.problems == [f"{path}:{problem}" for problem in expected]
        encoding = "GBK/GB18030" if name == "gbk.yaml" else "UTF-16"
        assert notes == [f"已按 {encoding} 编码读取 {path}"]
    bom = tmp_path / "bom.yaml"
    bom.write_bytes(b"\xef\xbb\xbf" + b"- a\n")
    assert problems_of(bom) == [f"{bom}:1: 文件应为映射（键: 值）"]  # a BOM is no problem


def test_a_file_in_no_encoding_read_says_so_and_where(tmp_path: Path) -> None:
    latin1 = tmp_path / "latin1.yaml"
    latin1.write_bytes("schema: 1\ndocument:\n  title: café au lait\n".encode("latin-1"))
    with pytest.raises(SourceError) as info:
        load_catalog(latin1)
    assert str(info.value) == (
        f"{latin1}:3: 文件不是 UTF-8 编码；请用文本编辑器“另存为”UTF-8 编码后重试"
    )


def problems_of(path: Path) -> list[str]:
    with pytest.raises(SourceError) as info:
        load_catalog(path)
    return info.value.problems


@pytest.mark.parametrize("text,line,words", [
    ("a: b: c\n", 1, "此处不能出现冒号"),
    ("schema: 1\ndocument:\n\ttitle: x\n", 3, "制表符"),
    ("lists:\n  basic:\n    title: x\n   items: []\n", 4, "缩进不对"),
    ("a: \"abc\nb: 2\nc: 3\n", 1, "引号没有闭合"),
    ("a: [x, y\nb: 2\n", 1, "方括号"),
    ('a: "\\q"\n', 1, "无法识别的转义"),
    ("a: `x`\n", 1, "值不能以“`”开头"),
    ("a: *x\n", 1, "锚点和别名"),
])
def test_yaml_syntax_errors_in_chinese_at_the_right_line(text: str, line: int, words: str) -> None:
    found = problems(text)
    assert len(found) == 1 and found[0].startswith(f"duties.yaml:{line}: "), found
    assert words in found[0], found


def test_synonyms_file(tmp_path: Path) -> None:
    good = tmp_path / "synonyms.yaml"
    good.write_text("schema: 1\nsynonyms:\n  狗: [犬, 犬只]\n  医保: 基本医疗保险\n", encoding="utf-8")
    assert load_synonyms(good) == {"狗": ["犬", "犬只"], "医保": ["基本医疗保险"]}
    bad = tmp_path / "bad.yaml"
    bad.write_text("schema: 1\nsynonyms:\n  狗: [犬]\n  狗: [犬只]\n  猫: []\n", encoding="utf-8")
    with pytest.raises(SourceError) as caught:
        load_synonyms(bad)
    assert caught.value.problems == [
        f"{bad}:4: 同义词 '狗' 重复",
        f"{bad}:5: '猫' 的同义词为空",
    ]


def test_every_synonym_target_occurs_in_the_2024_list() -> None:
    """The synonyms were written for the 2024 edition; on another edition in data/,
    ``dutylist validate``/``build`` warn about a target the revision removed."""
    from dutylist.source import synonym_targets_not_found

    from .conftest import REAL_SYNONYMS, YAML_2024

    catalog = load_catalog(YAML_2024)
    assert synonym_targets_not_found(catalog, load_synonyms(REAL_SYNONYMS)) == []
    assert synonym_targets_not_found(catalog, {"狗": ["犬", "火星犬"]}) == [
        "同义词 '狗' 的 '火星犬' 在清单中找不到，不会匹配任何事项"
    ]


def test_anchors_and_aliases_are_refused_quickly() -> None:
    laughs = "a: &a [x, x, x, x, x, x, x, x, x, x]\n" + "".join(
        f"{chr(98 + i)}: &{chr(98 + i)} [{', '.join(['*' + chr(97 + i)] * 10)}]\n" for i in range(8)
    )
    (problem,) = problems(laughs)
    assert "不支持 YAML 锚点和别名" in problem
    text = MINI.replace("  township: 测试乡", "  township: &t 测试乡").replace(
        "  county: 木垒县", "  county: *t")
    (problem,) = problems(text)
    assert problem.startswith("duties.yaml:") and "锚点" in problem


REAL_TEXT = (Path(__file__).resolve().parents[1] / "data" / "duties.yaml").read_text(encoding="utf-8")


@pytest.mark.parametrize("old,new,expected", [
    ("      - seq: 5\n", "      - sqe: 5\n", "的键 'sqe' 拼写有误，应为 'seq'"),
    ("        category: 党的建设\n", "        Category: 党的建设\n", "拼写有误，应为 'category'"),
    ("      - seq: 5\n", "      - seq: x\n", "seq 应为整数"),
    ("      - seq: 5\n", "      - {}\n", ""),
])
def test_one_cause_one_message(old: str, new: str, expected: str) -> None:
    """A misspelt, missing or bad key in one item is one problem, not a cascade of seq gaps."""
    found = problems(REAL_TEXT.replace(old, new, 1))
    if new == "      - {}\n":  # the item's other keys now belong to the list: many unknown keys
        assert not any("不连续" in p for p in found), found
        return
    assert len(found) == 1, found
    assert expected in found[0]


def test_a_renumbering_is_reported_once() -> None:
    import re

    text = re.sub(r"      - seq: 5\n        category: [^\n]*\n        name: [^\n]*\n", "",
                  REAL_TEXT, count=1)
    found = problems(text)
    assert len(found) == 1, found
    assert "B6：序号 seq 6 不连续，应为 5" in found[0] and "只在此报告一次" in found[0]
