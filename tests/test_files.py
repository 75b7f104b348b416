"""-o FILE: Excel-ready csv, real xlsx workbooks (read back with openpyxl), print sheets."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable
from pathlib import Path

import openpyxl
import pytest
from typer.testing import Result

from dutylist import labels, source
from dutylist.store.build import build_database

from .conftest import MINI_YAML

Cli = Callable[..., Result]
BOX = "│─╭╮╰╯┃━┏┓┗┛"


def read_csv(path: Path) -> list[list[str]]:
    data = path.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf"), "Excel needs the BOM to read UTF-8"
    assert b"\r\n" in data and b"\r\r\n" not in data
    assert data.count(b"\n") == data.count(b"\r\n")  # every line ends with \r\n
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))


def as_json(cli: Cli, *args: str, db: Path) -> list[dict[str, object]]:
    result = cli(*args, "--format", "json", db=db)
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)  # type: ignore[no-any-return]


def test_csv_file_is_excel_ready_with_the_documents_column_names(
    cli: Cli, real_db: Path, tmp_path: Path
) -> None:
    target = tmp_path / "民生服务.csv"
    result = cli("filter-by-category", "民生服务", "-o", str(target), db=real_db)
    assert result.exit_code == 0, result.output
    assert result.stdout == ""
    assert result.stderr.startswith(labels.NOTE_WRITTEN.format(path=target))
    header, *rows = read_csv(target)
    assert header == ["编号", "清单", "序号", "事项类别", "事项名称", "对应上级部门 / 承接部门",
                      "职责归属", "备注"]
    expected = as_json(cli, "filter-by-category", "民生服务", db=real_db)
    assert [r[0] for r in rows] == [e["id"] for e in expected]
    assert [r[4] for r in rows] == [e["name"] for e in expected]  # every character kept
    assert {r[1] for r in rows} <= set(labels.LIST_TITLES.values())  # 基本履职事项, not basic
    # The machine format keeps the English keys.
    stdout = cli("filter-by-category", "民生服务", "--format", "csv", db=real_db).stdout
    assert stdout.splitlines()[0] == "id,list,seq,category,name,departments,whose,note"


def test_search_to_xlsx_reads_back(cli: Cli, real_db: Path, tmp_path: Path) -> None:
    target = tmp_path / "低保.xlsx"
    assert cli("search", "低保", "-o", str(target), db=real_db).exit_code == 0
    book = openpyxl.load_workbook(target)
    sheet = book.worksheets[0]
    assert sheet.freeze_panes == "A2"
    header = [c.value for c in sheet[1]]
    assert header[:2] == ["编号", "清单"] and "匹配内容" in header
    ids = [row[0] for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert ids == [e["id"] for e in as_json(cli, "search", "低保", db=real_db)]
    assert sheet.cell(2, 5).alignment.wrap_text


def test_export_writes_a_sheet_per_list_and_every_step(
    cli: Cli, real_db: Path, tmp_path: Path
) -> None:
    target = tmp_path / "清单.xlsx"
    result = cli("export", str(target), db=real_db)
    assert result.exit_code == 0, result.output
    book = openpyxl.load_workbook(target, read_only=True)
    assert book.sheetnames == [*labels.LIST_TITLES.values(), labels.SHEET_STEPS]
    info = json.loads(cli("info", "--format", "json", db=real_db).stdout)
    for kind, title in labels.LIST_TITLES.items():
        rows = list(book[title].iter_rows(min_row=2, values_only=True))
        assert len(rows) == int(info[f"count_{kind}"])
        assert {row[1] for row in rows} == {title}
    steps = list(book[labels.SHEET_STEPS].iter_rows(min_row=2, values_only=True))
    everything = tmp_path / "all.json"
    assert cli("export", str(everything), db=real_db).exit_code == 0
    exported = json.loads(everything.read_text("utf-8"))
    expected = [
        step
        for item in exported
        for side in ("upper_duties", "township_duties")
        for block in item[side]
        for step in block["steps"]
    ]
    assert [s[-1] for s in steps if s[2] != labels.WHOSE["basic"]] == expected
    c16 = [s for s in steps if s[0] == "C16"]
    assert {s[1] for s in c16} == {next(i["name"] for i in exported if i["id"] == "C16")}
    assert {s[2] for s in c16} == {next(i["whose"] for i in exported if i["id"] == "C16")}
    book.close()


def test_show_steps_csv_rows_carry_the_item_name_and_whose(
    cli: Cli, real_db: Path, tmp_path: Path
) -> None:
    target = tmp_path / "C16.csv"
    assert cli("show-steps", "C16", "-o", str(target), db=real_db).exit_code == 0
    header, *rows = read_csv(target)
    assert header[:3] == ["编号", "事项名称", "职责归属"]
    detail = json.loads(cli("show-steps", "C16", "--format", "json", db=real_db).stdout)
    assert {(r[0], r[1], r[2]) for r in rows} == {("C16", detail["name"], detail["whose"])}
    assert [r[-1] for r in rows] == [
        s for side in ("upper_duties", "township_duties") for b in detail[side] for s in b["steps"]
    ]


@pytest.mark.parametrize("suffix,fmt", [(".json", "json"), (".jsonl", "jsonl"), (".tsv", "tsv")])
def test_machine_files_are_what_format_prints(
    cli: Cli, real_db: Path, tmp_path: Path, suffix: str, fmt: str
) -> None:
    target = tmp_path / f"out{suffix}"
    assert cli("search", "养犬", "-o", str(target), db=real_db).exit_code == 0
    assert target.read_text("utf-8") == cli("search", "养犬", "--format", fmt, db=real_db).stdout


@pytest.mark.parametrize(
    "args,message",
    [
        (["search", "低保", "-o", "x.pdf"], "不支持的文件类型“.pdf”"),
        (["filter-by-category", "-o", "x.html"], ".html 文件只用于 show-steps"),
        (["search", "低保", "-f", "csv", "-o", "x.xlsx"], "请去掉 --format csv"),
        (["search", "低保", "-o", "没有这个文件夹/x.csv"], "无法写入"),
        (["export", "清单"], "不支持的文件类型"),
    ],
)
def test_bad_output_files_are_usage_errors(
    cli: Cli, real_db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
    args: list[str], message: str,
) -> None:
    monkeypatch.chdir(tmp_path)
    result = cli(*args, db=real_db)
    assert result.exit_code == 2, result.output
    assert result.stderr.startswith("错误：") and message in result.stderr
    assert list(tmp_path.iterdir()) == []  # nothing left behind


@pytest.fixture(scope="module")
def marked_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The mini list with markup in its data and a 文号 and date."""
    text = MINI_YAML.read_text("utf-8").replace(
        "老年人高龄津贴的发放管理", "老年人<b>高龄</b>津贴&发放<script>alert(1)</script>"
    ).replace(
        "  title: 测试乡履职事项清单\n",
        "  title: 测试乡履职事项清单\n  doc_number: 木政办〔2026〕1号\n  date: 2026-11-01\n",
    )
    folder = tmp_path_factory.mktemp("marked")
    (folder / "duties.yaml").write_text(text, "utf-8")
    build_database(source.load_catalog(folder / "duties.yaml"), folder / "duties.db")
    return folder / "duties.db"


def test_print_sheet_is_self_contained_escaped_and_carries_the_document(
    cli: Cli, marked_db: Path, mini_db: Path, tmp_path: Path
) -> None:
    target = tmp_path / "指引.html"
    assert cli("show-steps", "C1", "-o", str(target), db=marked_db).exit_code == 0
    page = target.read_text("utf-8")
    assert "@page" in page and "A4" in page
    assert "&lt;b&gt;高龄&lt;/b&gt;津贴&amp;发放&lt;script&gt;" in page
    assert "<script" not in page and "<b>" not in page
    assert "http" not in page and "src=" not in page and "<link" not in page  # nothing fetched
    for text in ("测试乡履职事项清单", "文号：木政办〔2026〕1号", "日期：2026-11-01",
                 labels.PRINT_SHEET, "组织开展高龄津贴政策宣传；", "各村核实到龄老年人信息并报乡；",
                 "配合 木垒县民政局"):
        assert text in page, text
    # No 文号 or date in the database: those lines are left out, not shown empty.
    plain = cli("show-steps", "C1", "--format", "html", db=mini_db).stdout
    assert "文号" not in plain and "日期" not in plain and "<h1>测试乡履职事项清单</h1>" in plain


def test_plain_text_has_no_borders(cli: Cli, real_db: Path) -> None:
    result = cli("show-steps", "C16", "--format", "text", db=real_db)
    assert result.exit_code == 0, result.output
    text = result.stdout
    assert not set(text) & set(BOX) and "\x1b" not in text
    detail = json.loads(cli("show-steps", "C16", "--format", "json", db=real_db).stdout)
    assert f"事项名称：{detail['name']}" in text
    for step_number, step in enumerate(detail["township_duties"][0]["steps"], start=1):
        assert f"{step_number}. {step}" in text
    assert cli("show-steps", "B28", "--format", "text", db=real_db).exit_code == 0
    assert cli("search", "低保", "--format", "text", db=real_db).exit_code == 2
