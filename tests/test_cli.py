"""Every command, every format, every exit code, through the real CLI."""

from __future__ import annotations

import contextlib
import csv
import io
import json
import os
import re
import sqlite3
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from typer.testing import Result

from .conftest import MINI_YAML, REAL_YAML

Cli = Callable[..., Result]


def rows(result: Result) -> list[dict[str, object]]:
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert isinstance(data, list)
    return data


# ---------------------------------------------------------------- search


def test_search_json_fields(cli: Cli, mini_db: Path) -> None:
    (hit,) = rows(cli("search", "低保", "-f", "json", db=mini_db))
    assert list(hit) == ["id", "list", "seq", "category", "name", "departments", "whose",
                         "score", "matched", "matched_in", "partial", "verdict", "suggestion",
                         "note"]
    assert hit["id"] == "B1" and hit["whose"] == "本乡负责" and hit["matched_in"] == "name"
    assert isinstance(hit["score"], float) and hit["score"] > 0


def test_search_whose_duty_on_every_list(cli: Cli, mini_db: Path) -> None:
    found = {
        r["id"]: r["whose"]
        for word in ("高龄津贴", "收养", "低保")
        for r in rows(cli("search", word, "-f", "json", db=mini_db))
    }
    assert found["B1"] == "本乡负责"
    assert found["C1"] == "配合 木垒县民政局"
    assert found["W1"] == "已收回 → 木垒县民政局"


def test_search_tsv_is_the_default_when_piped(cli: Cli, mini_db: Path) -> None:
    result = cli("search", "低保", db=mini_db)
    assert result.exit_code == 0
    (line,) = result.stdout.splitlines()
    fields = line.split("\t")
    assert fields[:5] == ["B1", "basic", "1", "民生服务", "对困难群众、低保家庭按照规定给予最低生活保障"]
    assert "\x1b" not in result.stdout and "─" not in result.stdout


def test_search_csv_has_a_header_and_jsonl_one_object_a_line(cli: Cli, mini_db: Path) -> None:
    result = cli("search", "宣传", "-f", "csv", db=mini_db)
    table = list(csv.DictReader(io.StringIO(result.stdout)))
    assert [r["id"] for r in table] == ["C1", "C2"]
    assert table[1]["departments"] == "木垒县农业农村局、木垒县民政局"
    result = cli("search", "宣传", "-f", "jsonl", db=mini_db)
    assert [json.loads(line)["id"] for line in result.stdout.splitlines()] == ["C1", "C2"]


def test_search_filters_combine(cli: Cli, mini_db: Path) -> None:
    hits = rows(cli("search", "宣传", "--department", "农业农村局", "-f", "json", db=mini_db))
    assert [h["id"] for h in hits] == ["C2"]
    assert cli("search", "低保", "--list", "coordinated", db=mini_db).exit_code == 1
    hits = rows(cli("search", "宣传", "--category", "民生服务", "-f", "json", db=mini_db))
    assert [h["id"] for h in hits] == ["C1"]


def test_search_synonyms_and_partial_fallback(cli: Cli, mini_db: Path) -> None:
    hits = rows(cli("search", "狗", "-f", "json", db=mini_db))
    assert [h["id"] for h in hits] == ["B2"] and hits[0]["partial"] is False
    # Near misses never reach a pipeline unless asked for; the exit code says "not found".
    result = cli("search", "高龄 收养", "-f", "json", db=mini_db)
    assert result.exit_code == 1 and json.loads(result.stdout) == []
    assert "清单中没有与“高龄 收养”相关的事项" in result.stderr
    near = cli("search", "高龄 收养", "-f", "json", "--near", db=mini_db)
    hits = json.loads(near.stdout)
    assert near.exit_code == 1
    assert {h["id"] for h in hits} == {"C1", "W1"}
    assert all(h["partial"] and h["verdict"] == "partial" for h in hits)
    assert "部分匹配结果" in near.stderr
    table = cli("search", "高龄 收养", "-f", "table", db=mini_db)
    assert table.exit_code == 1 and "部分匹配结果" in table.stdout


def test_nothing_found_exits_1(cli: Cli, mini_db: Path) -> None:
    result = cli("search", "火星", "-f", "json", db=mini_db)
    assert result.exit_code == 1
    assert json.loads(result.stdout) == []
    assert "清单中没有与“火星”相关的事项" in result.stderr


@pytest.mark.parametrize("query", ["", "   "])
def test_empty_query_is_a_usage_error(cli: Cli, mini_db: Path, query: str) -> None:
    result = cli("search", query, db=mini_db)
    assert result.exit_code == 2
    assert "查询词不能为空" in result.stderr and result.stdout == ""


@pytest.mark.parametrize(
    "query",
    ['"(*', "NEAR(", "低保 NEAR(", "' OR 1=1; DROP TABLE duties; --", "*", "a\x00b\x07c",
     "低" * 5000, "低保" + "\x1b[31m"],
)
def test_hostile_queries_are_just_text(cli: Cli, mini_db: Path, query: str) -> None:
    result = cli("search", query, "-f", "json", db=mini_db)
    assert result.exit_code in (0, 1), result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    json.loads(result.stdout)
    assert cli("search", "低保", "-f", "json", db=mini_db).exit_code == 0  # DB intact


def test_stdin_batch_answers_every_line_in_order(cli: Cli, mini_db: Path) -> None:
    """Output lines up with input: a blank line or a query with no result still has its line."""
    result = cli("search", "--stdin", "-n", "1", db=mini_db, input="低保\n\n火星\n狗\n")
    assert result.exit_code == 0
    lines = [line.split("\t") for line in result.stdout.splitlines()]
    assert [(f[0], f[1]) for f in lines] == [("低保", "B1"), ("", ""), ("火星", ""), ("狗", "B2")]
    assert {len(f) for f in lines} == {15}  # the query and every search field, empty or not
    assert result.stderr == (
        "共 3 个查询：1 个在清单中没有相关事项。它们是：第 3 行“火星”。\n"
    )
    assert cli("search", "--stdin", db=mini_db, input="火星\n").exit_code == 1
    assert cli("search", "--stdin", db=mini_db, input="\n").exit_code == 2
    assert cli("search", "--stdin", db=mini_db, input="\n \n").stdout == ""
    assert cli("search", "x", "--stdin", db=mini_db, input="x\n").exit_code == 2


@pytest.mark.parametrize("fmt", ["tsv", "csv", "json", "jsonl"])
def test_stdin_batch_formats_line_up(cli: Cli, mini_db: Path, fmt: str) -> None:
    queries = ["火星", "低保", "", "民政局", "火星"]
    result = cli("search", "--stdin", "-n", "1", "-f", fmt, db=mini_db,
                 input="\n".join(queries) + "\n")
    assert result.exit_code == 0, result.output
    if fmt == "json":
        records = json.loads(result.stdout)
    elif fmt == "jsonl":
        records = [json.loads(line) for line in result.stdout.splitlines()]
    elif fmt == "csv":
        records = list(csv.DictReader(io.StringIO(result.stdout)))
    else:
        records = [{"query": line.split("\t")[0], "id": line.split("\t")[1]}
                   for line in result.stdout.splitlines()]
    assert [r["query"] for r in records] == queries
    assert [bool(r["id"]) for r in records] == [False, True, False, True, False]
    assert "第 1 行“火星”、第 5 行“火星”" in result.stderr


def test_stdin_batch_with_a_larger_limit_repeats_the_query(cli: Cli, mini_db: Path) -> None:
    result = cli("search", "--stdin", "-n", "5", "-f", "jsonl", db=mini_db,
                 input="民政局\n火星\n")
    records = [json.loads(line) for line in result.stdout.splitlines()]
    assert len(records) > 2
    assert [r["query"] for r in records] == ["民政局"] * (len(records) - 1) + ["火星"]


def test_stdin_batch_streams(mini_db: Path) -> None:
    """Each answer is written before the next line is read (a person typing gets replies)."""
    env = {**os.environ, "DUTYLIST_DB": str(mini_db)}
    child = subprocess.Popen(
        [sys.executable, "-m", "dutylist", "search", "--stdin", "-n", "1"],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env,
        text=True, encoding="utf-8",
    )
    assert child.stdin is not None and child.stdout is not None
    child.stdin.write("低保\n")
    child.stdin.flush()
    assert child.stdout.readline().startswith("低保\tB1\t")  # while stdin is still open
    child.stdin.write("火星\n")
    child.stdin.flush()
    assert child.stdout.readline().startswith("火星\t\t")
    _, err = child.communicate("", timeout=60)
    assert child.returncode == 0 and "第 2 行“火星”" in err


def test_stdin_batch_names_at_most_ten_missing(cli: Cli, mini_db: Path) -> None:
    result = cli("search", "--stdin", db=mini_db, input="火星\n" * 12 + "低保\n")
    assert result.exit_code == 0
    assert result.stderr.count("火星") == 10 and "第 12 行" not in result.stderr
    assert "共 13 个查询：12 个在清单中没有相关事项" in result.stderr and " 等。" in result.stderr


def test_limit(cli: Cli, mini_db: Path) -> None:
    result = cli("search", "民政局", "-n", "1", "-f", "json", db=mini_db)
    assert len(rows(result)) == 1
    assert "共 3 条" in result.stderr
    assert len(rows(cli("search", "民政局", "-n", "0", "-f", "json", db=mini_db))) == 3


def test_bad_format_and_list_are_usage_errors(cli: Cli, mini_db: Path) -> None:
    result = cli("search", "低保", "-f", "xml", db=mini_db)
    assert result.exit_code == 2 and "xml" in result.output
    assert cli("search", "低保", "--list", "other", db=mini_db).exit_code == 2
    assert rows(cli("search", "收养", "--list", "收回", "-f", "json", db=mini_db))[0]["id"] == "W1"


# ---------------------------------------------------------------- filters


def test_filter_by_category(cli: Cli, mini_db: Path) -> None:
    hits = rows(cli("filter-by-category", "民生服务", "-f", "json", db=mini_db))
    assert [h["id"] for h in hits] == ["B1", "C1", "W1"]
    assert list(hits[0]) == ["id", "list", "seq", "category", "name", "departments", "whose",
                             "note"]
    hits = rows(cli("filter-by-category", "民生", "--list", "basic", "-f", "json", db=mini_db))
    assert [h["id"] for h in hits] == ["B1"]


def test_filter_by_category_without_argument_counts(cli: Cli, mini_db: Path) -> None:
    counts = rows(cli("filter-by-category", "-f", "json", db=mini_db))
    assert counts == [
        {"category": "民生服务", "basic": 1, "coordinated": 1, "withdrawn": 1, "total": 3},
        {"category": "乡村振兴", "basic": 1, "coordinated": 1, "withdrawn": 0, "total": 2},
    ]


def test_unknown_category_suggests(cli: Cli, mini_db: Path) -> None:
    result = cli("filter-by-category", "民生服", db=mini_db)
    assert result.exit_code == 0  # a unique fragment is accepted
    result = cli("filter-by-category", "民声服务", db=mini_db)
    assert result.exit_code == 2
    assert "没有事项类别“民声服务”" in result.stderr and "民生服务" in result.stderr


@pytest.mark.parametrize("name", ["民政局", "县民政局", "木垒县民政局", "民政"])
def test_filter_by_department_accepts_every_form(cli: Cli, mini_db: Path, name: str) -> None:
    hits = rows(cli("filter-by-department", name, "-f", "json", db=mini_db))
    assert [h["id"] for h in hits] == ["C1", "C2", "W1"]


def test_department_counts_and_unknown(cli: Cli, mini_db: Path) -> None:
    counts = rows(cli("filter-by-department", "-f", "json", db=mini_db))
    assert counts[0] == {"department": "木垒县民政局", "basic": 0, "coordinated": 2,
                         "withdrawn": 1, "total": 3}
    result = cli("filter-by-department", "木垒县", db=mini_db)
    assert result.exit_code == 2 and "不明确" in result.stderr
    result = cli("filter-by-department", "农业局", db=mini_db)
    assert result.exit_code == 2 and "木垒县农业农村局" in result.stderr


# ---------------------------------------------------------------- show-steps


@pytest.mark.parametrize("given", ["C2", "c2", "C-2", "C-002", " c 02 ", "ｃ２", "Ｃ－００２"])
def test_show_steps_id_forms(cli: Cli, mini_db: Path, given: str) -> None:
    result = cli("show-steps", given, "-f", "json", db=mini_db)
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["id"] == "C2"


def test_show_steps_structure(cli: Cli, mini_db: Path) -> None:
    detail = json.loads(cli("show-steps", "C2", "-f", "json", db=mini_db).stdout)
    assert detail["upper_duties"] == [
        {"heading": "农药使用指导、服务工作", "numbered": True, "steps": ["开展农药使用指导。"]},
        {"heading": "农药包装废弃物回收清理工作", "numbered": True, "steps": ["回收农药包装废弃物。"]},
    ]
    assert detail["township_duties"] == [
        {"department": "县农业农村局", "numbered": False, "steps": ["配合开展宣传，拨打12345热线。"]}
    ]
    tsv = cli("show-steps", "C1", db=mini_db).stdout.splitlines()
    assert tsv[0].split("\t") == ["C1", "upper", "1", "", "", "1", "组织开展高龄津贴政策宣传；",
                                  "老年人高龄津贴的发放管理", "配合 木垒县民政局"]
    assert tsv[2].split("\t")[1] == "township" and tsv[2].split("\t")[5] == "1"


def test_show_steps_table_for_each_list(cli: Cli, mini_db: Path) -> None:
    basic = cli("show-steps", "B1", "-f", "table", db=mini_db).stdout
    assert "本乡负责" in basic and "未拆分" in basic
    coordinated = cli("show-steps", "C1", "-f", "table", db=mini_db).stdout
    assert coordinated.index("上级部门职责") < coordinated.index("乡镇配合职责")
    assert "1. 组织开展高龄津贴政策宣传；" in coordinated and "2. 配合做好“两癌”筛查宣传。" in coordinated
    withdrawn = cli("show-steps", "W1", "-f", "table", db=mini_db).stdout
    assert "承接部门及工作方式" in withdrawn and "承接部门：木垒县民政局" in withdrawn
    assert "负责收养登记。" in withdrawn


@pytest.mark.parametrize("given", ["C9", "X1", "16", "C"])
def test_show_steps_unknown_id(cli: Cli, mini_db: Path, given: str) -> None:
    result = cli("show-steps", given, db=mini_db)
    assert result.exit_code == 2 and result.stdout == ""
    assert result.stderr.startswith("错误：")


# ---------------------------------------------------------------- info, errors


def test_info(cli: Cli, mini_db: Path) -> None:
    result = cli("info", "-f", "json", db=mini_db)
    assert result.exit_code == 0
    data = json.loads(result.stdout)
    assert data["origin"] == "--db" and data["database"] == str(mini_db)
    assert data["count_basic"] == "2" and data["department_count"] == 2 and data["synonym_count"] == 2
    assert "warning" not in data


def test_info_warns_when_the_yaml_changed(cli: Cli, tmp_path: Path) -> None:
    yaml_copy = tmp_path / "duties.yaml"
    yaml_copy.write_text(MINI_YAML.read_text(encoding="utf-8"), encoding="utf-8")
    db = tmp_path / "d.db"
    assert cli("build", str(yaml_copy), db=db).exit_code == 0
    yaml_copy.write_text(yaml_copy.read_text(encoding="utf-8") + "\n# edited\n", encoding="utf-8")
    result = cli("info", "-f", "json", db=db)
    assert "比源文件" in result.stderr and "warning" in json.loads(result.stdout)


def test_database_choice_env_then_user_then_bundled(
    cli: Cli, mini_db: Path, tmp_path: Path
) -> None:
    result = cli("info", "-f", "json", env={"DUTYLIST_DB": str(mini_db)})
    assert json.loads(result.stdout)["origin"] == "DUTYLIST_DB"
    user_db = tmp_path / "xdg-data" / "dutylist" / "duties.db"
    assert cli("build", str(MINI_YAML)).exit_code == 0  # default target: the user's folder
    assert user_db.is_file()
    data = json.loads(cli("info", "-f", "json").stdout)
    assert (data["origin"], data["database"]) == ("user", str(user_db))


@pytest.mark.parametrize("content", [None, b"", b"garbage" * 1000, b"SQLite format 3\x00" + b"x" * 4000])
def test_missing_or_corrupt_database(cli: Cli, tmp_path: Path, content: bytes | None) -> None:
    path = tmp_path / "x.db"
    if content is not None:
        path.write_bytes(content)
    result = cli("search", "低保", db=path)
    assert result.exit_code == 3
    assert result.stdout == ""
    (line,) = result.stderr.splitlines()
    assert line.startswith("错误：") and str(path) in line


# ---------------------------------------------------------------- build


def test_build_invalid_yaml_writes_nothing(cli: Cli, tmp_path: Path, mini_db: Path) -> None:
    db = tmp_path / "d.db"
    db.write_bytes(mini_db.read_bytes())
    before = db.read_bytes()
    bad = tmp_path / "bad.yaml"
    bad.write_text(MINI_YAML.read_text(encoding="utf-8").replace("seq: 2", "seq: 5"),
                   encoding="utf-8")
    result = cli("build", str(bad), db=db)
    assert result.exit_code == 2
    assert f"{bad}:" in result.stderr and "不连续" in result.stderr
    assert db.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["bad.yaml", "d.db"]


def test_build_reports_counts_and_backup(cli: Cli, tmp_path: Path) -> None:
    db = tmp_path / "d.db"
    first = cli("build", str(MINI_YAML), db=db)
    assert first.exit_code == 0 and "基本 2 项" in first.stderr
    second = cli("build", str(MINI_YAML), db=db)
    assert "内容与原数据库相同" in second.stderr and not list(tmp_path.glob("d.db.*.bak"))
    revised = tmp_path / "revised.yaml"
    revised.write_text(MINI_YAML.read_text(encoding="utf-8").replace("测试备注", "新备注"),
                       encoding="utf-8")
    third = cli("build", str(revised), db=db)
    (backup,) = tmp_path.glob("d.db.*.bak")
    assert f"原数据库已备份为 {backup}" in third.stderr


def test_build_without_source_outside_a_checkout(
    cli: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    result = cli("build", db=tmp_path / "d.db")
    assert result.exit_code == 2 and "data/duties.yaml" in result.stderr


# ---------------------------------------------------------------- real processes


def _run(*args: str, db: Path, **kwargs: object) -> subprocess.CompletedProcess[bytes]:
    env = {**os.environ, "DUTYLIST_DB": str(db)}
    return subprocess.run([sys.executable, "-m", "dutylist", *args], env=env,
                          capture_output=True, timeout=60, **kwargs)  # type: ignore[call-overload]


@pytest.mark.slow
def test_closed_pipe_ends_quietly_with_the_result_code(real_db: Path) -> None:
    env = {**os.environ, "DUTYLIST_DB": str(real_db)}
    proc = subprocess.Popen([sys.executable, "-m", "dutylist", "search", "村", "-n", "0"],
                            env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    assert proc.stdout is not None and proc.stderr is not None
    first = proc.stdout.readline()
    proc.stdout.close()  # the reader goes away, as `| head -1` does
    code = proc.wait(timeout=60)
    stderr = proc.stderr.read().decode()
    proc.stderr.close()
    assert first.startswith(b"B") or first.startswith(b"C")
    assert code == 0
    assert "Traceback" not in stderr and "BrokenPipe" not in stderr


@pytest.mark.slow
def test_no_colour_when_piped_and_no_traceback(real_db: Path) -> None:
    result = _run("search", "低保", db=real_db)
    assert result.returncode == 0
    assert b"\x1b[" not in result.stdout
    result = _run("show-steps", "Z99", db=real_db)
    assert result.returncode == 2 and b"Traceback" not in result.stderr


@pytest.mark.slow
def test_piped_search_does_not_import_heavy_modules(real_db: Path) -> None:
    # ruff's TID253 (pyproject) keeps these off every module's top level; this one run checks
    # what a real piped search pulls in through the imports between modules.
    heavy = ("sqlite_utils", "yaml", "rich", "pypinyin", "datasette", "xlsxwriter", "openpyxl")
    code = (
        "import sys, runpy; sys.argv = ['dutylist', 'search', '低保'];\n"
        "try:\n    runpy.run_module('dutylist', run_name='__main__')\n"
        "except SystemExit as stop:\n    code = stop.code\n"
        f"heavy = [m for m in {heavy!r} if m in sys.modules]\n"
        "print('HEAVY', heavy, 'EXIT', code, file=sys.stderr)"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, timeout=60,
                            env={**os.environ, "DUTYLIST_DB": str(real_db)})
    assert b"HEAVY [] EXIT 0" in result.stderr, result.stderr


def test_real_build_from_the_checkout(cli: Cli, tmp_path: Path) -> None:
    result = cli("build", str(REAL_YAML), db=tmp_path / "r.db")
    assert result.exit_code == 0, result.output
    from .fidelity import real_counts

    counts = real_counts()  # from the official text in data/source/
    assert "基本 {basic} 项，配合 {coordinated} 项，收回 {withdrawn} 项".format(**counts) \
        in result.stderr


@pytest.mark.slow
@pytest.mark.parametrize(
    "words,cword,expected",
    [
        ("dutylist search 低保 --category 民", 4, ["民生服务", "民族宗教"]),
        ("dutylist search 低保 --department 县民", 4, ["县民政局"]),
        ("dutylist filter-by-department 民政", 2, ["民政局"]),
        ("dutylist filter-by-category 乡", 2, ["乡村振兴"]),
    ],
)
def test_shell_completion_from_the_database(
    real_db: Path, words: str, cword: int, expected: list[str]
) -> None:
    env = {**os.environ, "DUTYLIST_DB": str(real_db), "_DUTYLIST_COMPLETE": "complete_bash",
           "COMP_WORDS": words, "COMP_CWORD": str(cword)}
    code = "from dutylist.cli import main; main()"
    result = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True,
                            timeout=60, text=True)
    assert result.stdout.split() == expected, result.stderr


def test_no_color_is_honoured(cli: Cli, mini_db: Path) -> None:
    forced = cli("search", "低保", "-f", "table", db=mini_db,
                 env={"FORCE_COLOR": "1", "TTY_COMPATIBLE": "1"})
    plain = cli("search", "低保", "-f", "table", db=mini_db,
                env={"FORCE_COLOR": "1", "TTY_COMPATIBLE": "1", "NO_COLOR": "1"})
    colour = re.compile(r"\x1b\[[0-9;]*\b(3[0-9]|4[0-9]|9[0-7])m")
    assert colour.search(forced.stdout)
    assert not colour.search(plain.stdout)  # bold may stay; colours go


def test_a_database_damaged_inside_is_one_clear_line(cli: Cli, tmp_path: Path, mini_db: Path) -> None:
    import sqlite3

    db = tmp_path / "damaged.db"
    db.write_bytes(mini_db.read_bytes())
    with sqlite3.connect(db) as conn:
        conn.execute("DROP TABLE names_fts")
    conn.close()
    result = cli("search", "低保", db=db)
    assert result.exit_code == 3
    (line,) = result.stderr.splitlines()
    assert line.startswith("错误：数据库读取失败") and "names_fts" in line


COMMANDS_WITH_FORMAT = [
    ("search", "宣传"),
    ("filter-by-category", "民生服务"),
    ("filter-by-category",),
    ("filter-by-department", "民政局"),
    ("filter-by-department",),
    ("show-steps", "C2"),
    ("info",),
]


@pytest.mark.parametrize("fmt", ["table", "tsv", "csv", "json", "jsonl"])
@pytest.mark.parametrize("command", COMMANDS_WITH_FORMAT, ids=" ".join)
def test_every_command_in_every_format(
    cli: Cli, mini_db: Path, command: tuple[str, ...], fmt: str
) -> None:
    result = cli(*command, "--format", fmt, db=mini_db)
    assert result.exit_code == 0, result.output
    out = result.stdout
    assert out.strip()
    if fmt == "json":
        json.loads(out)
    elif fmt == "jsonl":
        assert all(isinstance(json.loads(line), dict) for line in out.splitlines())
    elif fmt == "csv":
        table = list(csv.reader(io.StringIO(out)))
        assert len({len(row) for row in table}) == 1  # a header and rows of the same width
    elif fmt == "tsv":
        assert len({len(line.split("\t")) for line in out.splitlines()}) == 1
        assert "\x1b" not in out
    else:
        assert any(word in out for word in ("编号", "事项类别", "部门", "数据库"))


def test_the_bundled_database_is_there_and_opens_read_only() -> None:
    from dutylist.paths import bundled_db_path
    from dutylist.store.schema import connect, metadata

    path = bundled_db_path()
    assert path.is_file()
    conn = connect(path)
    from dutylist import source

    counts = source.load_catalog(REAL_YAML).counts()
    assert metadata(conn)["count_coordinated"] == str(counts["coordinated"])
    with pytest.raises(sqlite3.OperationalError, match="readonly"):
        conn.execute("DELETE FROM duties")
    conn.close()


def test_a_run_builds_only_its_own_command_and_leaves_the_app_whole(
    mini_db: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Startup: Typer turns a registered command into click parameters on every run; a
    run of one command converts that command only, and the app keeps every command."""
    import typer.main

    from dutylist import cli

    before = [list(t.registered_commands) for t in (cli.app, cli.revise_app)]
    converted: list[str] = []
    real = typer.main.get_command_from_info

    def spy(command_info, **kwargs):  # type: ignore[no-untyped-def]
        command = real(command_info, **kwargs)
        converted.append(str(command.name))
        return command

    monkeypatch.setattr(typer.main, "get_command_from_info", spy)
    assert cli.run(["search", "低保", "--db", str(mini_db), "-f", "tsv"]) == 0
    assert converted == ["search"]
    assert cli.run(["validate", "--help"]) == 0
    assert converted[1:] == ["validate"]
    assert [list(t.registered_commands) for t in (cli.app, cli.revise_app)] == before
    converted.clear()
    assert cli.run(["--help"]) == 0
    assert {"search", "filter-by-department", "build", "restore"} <= set(converted)
    listed = capsys.readouterr().out
    assert "filter-by-department" in listed and "restore" in listed


def test_a_command_reads_one_snapshot_of_the_database(mini_db: Path) -> None:
    """The command's connection holds one read transaction (a --stdin batch answers every
    line from the same version of the list) and can write nothing."""
    from dutylist import options

    conn = options.connect(str(mini_db))
    try:
        assert conn.in_transaction
        with pytest.raises(sqlite3.OperationalError):
            conn.execute("DELETE FROM duties")
    finally:
        options.close_connections()


def test_a_batch_answers_every_line_from_one_version_of_the_list(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The list rebuilt while a --stdin batch runs: the batch's later lines are answered
    from the version it started with; the next command reads the new one."""
    from dutylist import batch, options, query, source
    from dutylist.store.build import build_database

    db = tmp_path / "list.db"
    build_database(source.load_catalog(MINI_YAML), db, source=MINI_YAML)
    edited = tmp_path / "edited.yaml"
    edited.write_text(
        MINI_YAML.read_text(encoding="utf-8").replace("低保家庭", "低保户"), encoding="utf-8"
    )

    def lines():  # type: ignore[no-untyped-def]
        yield "低保"
        build_database(source.load_catalog(edited), db, source=edited)
        yield "低保"

    monkeypatch.setattr(batch, "stdin_lines", lines)
    try:
        answers = [r for _n, r in batch.answer_lines(str(db), None, None, None, 5, False, "tsv")]
    finally:
        options.close_connections()
    names = [[row.name for row in result.rows] for result in answers if result]
    assert len(names) == 2 and names[0] == names[1] and any("低保家庭" in n for n in names[0])
    with contextlib.closing(query.connect(db)) as conn:
        assert any("低保户" in row.name for row in query.search(conn, "低保").rows)
