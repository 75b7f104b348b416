"""``dutylist import`` end to end on a revised edition the tests write themselves:
import -> validate -> diff -> build -> show-steps -> filter by the old name -> restore."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from typer.testing import Result

from dutylist import cli as cli_module

from . import fidelity
from .conftest import REAL_SYNONYMS
from .editions import FOOTERS, NEW_DEPARTMENT, Edition, base_text, revised_edition

Cli = Callable[..., Result]


@pytest.fixture
def checkout(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A folder like the project's: data/source/ with the 2024 text, data/synonyms.yaml."""
    (tmp_path / "data" / "source").mkdir(parents=True)
    (tmp_path / "data" / "source" / "edition_2024.txt").write_text(base_text(), encoding="utf-8")
    (tmp_path / "data" / "synonyms.yaml").write_bytes(REAL_SYNONYMS.read_bytes())
    monkeypatch.chdir(tmp_path)
    return tmp_path


def _main(monkeypatch: pytest.MonkeyPatch, *args: str) -> int:
    monkeypatch.setattr(sys, "argv", ["dutylist", *args])
    with pytest.raises(SystemExit) as exit_info:
        cli_module.main()
    return int(exit_info.value.code or 0)


def test_revision_end_to_end(cli: Cli, checkout: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    db = checkout / "duties.db"
    # the 2024 edition, imported and built
    result = cli("import", "data/source/edition_2024.txt")
    assert result.exit_code == 0, result.output
    assert "基本 103 项，配合 101 项，收回 37 项" in result.stderr
    assert cli("build", "data/duties.yaml", db=db).exit_code == 0

    # a revised edition replaces it
    (checkout / "data" / "source" / "edition_2024.txt").unlink()
    revision = revised_edition()
    text = checkout / "data" / "source" / "edition_2027.txt"
    text.write_text(revision.text, encoding="utf-8")
    code = _main(monkeypatch, "import", "data/source/edition_2027.txt",
                 "--doc-number", "木政办〔2027〕3号", "--date", "2027-03-01", "--version", "2027.1")
    assert code == 0
    data_yaml = checkout / "data" / "duties.yaml"
    import yaml

    data = yaml.safe_load(data_yaml.read_text(encoding="utf-8"))
    fidelity.check_edition(revision.text, data)
    assert data["document"]["version"] == "2027.1"
    assert data["document"]["source"] == "data/source/edition_2027.txt"

    result = cli("validate", "data/duties.yaml", db=db)
    assert result.exit_code == 0, result.output
    assert "移动 1 项：C12 → W38" in result.stderr

    result = cli("diff", str(db), "data/duties.yaml", "--format", "json")
    assert result.exit_code == 1
    diff = json.loads(result.stdout)
    assert [(m["old_id"], m["new_id"]) for m in diff["moved"]] == [("C12", "W38")]
    assert {d["name"] for d in diff["added"]} == set(revision.added)
    assert {d["name"] for d in diff["removed"]} == set(revision.removed)
    renamed = [c for c in diff["departments"]["changed"] if c["renamed"]]
    assert [(c["old_name"], c["new_name"]) for c in renamed] == [revision.renamed]
    assert diff["new"]["document"]["version"] == "2027.1"

    result = cli("build", "data/duties.yaml", db=db)
    assert result.exit_code == 0, result.output
    new_id = next(d["id"] for d in diff["added"] if d["list"] == "coordinated")
    shown = json.loads(cli("show-steps", new_id, "-f", "json", db=db).stdout)
    assert shown["departments"] == revision.two_departments[1]

    # the old department name still finds its items, saying it was renamed
    result = cli("filter-by-department", "农业农村局", "-f", "json", db=db)
    assert result.exit_code == 0, result.output
    rows = json.loads(result.stdout)
    assert rows and all(NEW_DEPARTMENT in r["departments"] for r in rows)
    assert "原名 木垒县农业农村局" in result.stderr and NEW_DEPARTMENT in result.stderr
    result = cli("search", "木垒县农业农村局", "-f", "json", db=db)
    assert result.exit_code == 0 and "已更名为" in result.stderr
    assert any(NEW_DEPARTMENT in r["departments"] for r in json.loads(result.stdout))

    # and the build can be undone
    assert cli("restore", db=db).exit_code == 0
    assert cli("show-steps", "W38", db=db).exit_code == 2


def test_import_into_another_file_carries_from_data(cli: Cli, checkout: Path) -> None:
    assert cli("import", "data/source/edition_2024.txt").exit_code == 0
    (checkout / "new.txt").write_text(revised_edition().text, encoding="utf-8")
    result = cli("import", "new.txt", "-o", "review.yaml")
    assert result.exit_code == 0, result.output
    assert "沿用 data/duties.yaml" in result.stderr
    assert "部门更名：木垒县农业农村局 → " + NEW_DEPARTMENT in result.stderr
    assert (checkout / "review.yaml").is_file()
    again = cli("import", "new.txt", "-o", "review.yaml")
    assert again.exit_code == 0 and "内容无变化" in again.stderr


@pytest.mark.parametrize("footer", FOOTERS)
def test_any_footer_then_diff_json_is_clean(cli: Cli, checkout: Path, footer: str) -> None:
    assert cli("import", "data/source/edition_2024.txt", "-o", "a.yaml").exit_code == 0
    ed = Edition()
    for chunk in ed.items["coordinated"][::9]:
        chunk.insert(len(chunk) // 2, footer)
    (checkout / "b.txt").write_text(ed.text(), encoding="utf-8")
    assert cli("import", "b.txt", "-o", "b.yaml", "--previous", "a.yaml").exit_code == 0
    diff = json.loads(cli("diff", "a.yaml", "b.yaml", "-f", "json").stdout)
    assert diff["summary"] == {**diff["summary"], "added": 0, "removed": 0, "changed": 0,
                               "moved": 0, "renumbered": 0}
    assert [c["field"] for c in diff["document"]] == ["source"]


def test_errors_name_the_source_line_and_exit_2(checkout: Path, monkeypatch: pytest.MonkeyPatch,
                                                capsys: pytest.CaptureFixture[str]) -> None:
    assert _main(monkeypatch, "import", "missing.txt") == 2
    assert "missing.txt: 文件不存在" in capsys.readouterr().err
    bad = checkout / "bad.txt"
    bad.write_text("说明文字\n" + base_text(), encoding="utf-8")
    assert _main(monkeypatch, "import", str(bad), "-o", "x.yaml") == 2
    err = capsys.readouterr().err
    assert f"错误：{bad}:1: " in err and "第 1 项之前" in err and "Traceback" not in err
    assert not (checkout / "x.yaml").exists()
    latin1 = checkout / "latin1.txt"
    latin1.write_bytes(base_text().encode() + "\n1 café\n".encode("latin-1"))
    assert _main(monkeypatch, "import", str(latin1), "-o", "x.yaml") == 2
    assert "UTF-8" in capsys.readouterr().err
    assert not (checkout / "x.yaml").exists()


def test_default_output_needs_a_data_folder(cli: Cli, tmp_path: Path,
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "t.txt").write_text(base_text(), encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    result = cli("import", "t.txt")
    assert result.exit_code == 2 and "-o" in result.stderr


def test_build_without_synonyms_says_so_and_counts_the_change(cli: Cli, checkout: Path) -> None:
    db = checkout / "duties.db"
    assert cli("import", "data/source/edition_2024.txt").exit_code == 0
    result = cli("build", "data/duties.yaml", db=db)
    assert result.exit_code == 0 and "没有同义词表" not in result.stderr
    (checkout / "data" / "synonyms.yaml").unlink()
    for command in ("validate", "build"):
        result = cli(command, "data/duties.yaml", db=db)
        assert result.exit_code == 0, result.output
        assert "没有同义词表" in result.stderr and "synonyms.yaml" in result.stderr
        assert "同义词：" in result.stderr and "条 → 0 条" in result.stderr
        assert "无变化" not in result.stderr


def test_diff_tsv_and_csv_are_data_one_change_per_line(cli: Cli, checkout: Path) -> None:
    import csv
    import io

    from dutylist.render.diff import DIFF_FIELDS

    assert cli("import", "data/source/edition_2024.txt", "-o", "old.yaml").exit_code == 0
    (checkout / "new.txt").write_text(revised_edition().text, encoding="utf-8")
    assert cli("import", "new.txt", "-o", "new.yaml", "--previous", "old.yaml").exit_code == 0
    result = cli("diff", "old.yaml", "new.yaml", "--format", "csv")
    assert result.exit_code == 1
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert list(rows[0]) == list(DIFF_FIELDS)
    changes = {r["change"] for r in rows}
    assert {"document", "department_renamed", "added", "removed", "moved", "changed",
            "renumbered"} <= changes
    moved = [r for r in rows if r["change"] == "moved"]
    assert (moved[0]["old_id"], moved[0]["id"], moved[0]["old"], moved[0]["new"]) == (
        "C12", "W38", "coordinated", "withdrawn")
    # a withdrawn item's cells in the withdrawn list's own words
    assert {r["label"] for r in moved if r["field"] == "upper_duties"} == {"工作方式"}
    assert any(r["where"] == "1.1" for r in moved)
    assert not any("[-" in r["old"] + r["new"] for r in rows)  # values, not marked prose
    tsv = cli("diff", "old.yaml", "new.yaml", "--format", "tsv").stdout.splitlines()
    assert len(tsv) == len(rows)
    assert all(line.count("\t") == len(DIFF_FIELDS) - 1 for line in tsv)
    prose = cli("diff", "old.yaml", "new.yaml").stdout  # piped, no --format: for reading
    assert "> 移动 C12 → W38" in prose and "  工作方式：" in prose


def test_source_recorded_the_same_from_any_folder(cli: Cli, checkout: Path, tmp_path: Path,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    text = checkout / "data" / "source" / "edition_2024.txt"
    assert cli("import", str(text)).exit_code == 0
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    result = cli("import", str(text), "-o", "x.yaml", "--previous",
                 str(checkout / "data" / "duties.yaml"))
    assert result.exit_code == 0, result.output
    assert (elsewhere / "x.yaml").read_bytes() == (checkout / "data" / "duties.yaml").read_bytes()
