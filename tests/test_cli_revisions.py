"""validate, diff, build's change summary and restore, through the CLI, on real revisions."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path

from typer.testing import Result

from .conftest import YAML_2024

Cli = Callable[..., Result]
REAL = YAML_2024.read_text(encoding="utf-8")


def revised(tmp_path: Path, old: str, new: str, name: str = "duties.yaml") -> Path:
    assert REAL.count(old) >= 1, old
    path = tmp_path / name
    path.write_text(REAL.replace(old, new, 1), encoding="utf-8")
    return path


def test_validate_ok_and_invalid(cli: Cli, tmp_path: Path) -> None:
    result = cli("validate", str(YAML_2024), db=tmp_path / "none.db")
    assert result.exit_code == 0 and "校验通过" in result.stderr and result.stdout == ""
    bad = revised(tmp_path, "      - seq: 2\n", "      - seq: 20\n")
    result = cli("validate", str(bad))
    assert result.exit_code == 2
    assert f"{bad}:" in result.stderr and "B20：序号 seq 20 不连续，应为 2" in result.stderr
    assert not list(tmp_path.glob("*.db"))


def test_diff_exit_codes_and_char_level_change(cli: Cli, tmp_path: Path) -> None:
    assert cli("diff", str(YAML_2024), str(YAML_2024)).exit_code == 0
    new = revised(tmp_path, "组织开展高龄津贴政策宣传", "组织开展高龄津贴和养老政策宣传")
    result = cli("diff", str(YAML_2024), str(new))
    assert result.exit_code == 1
    assert "修改 1 项：C16" in result.stdout
    assert "高龄津贴{+和养老+}政策宣传" in result.stdout
    data = json.loads(cli("diff", str(YAML_2024), str(new), "-f", "json").stdout)
    assert [c["id"] for c in data["changed"]] == ["C16"]
    assert cli("diff", str(YAML_2024), str(tmp_path / "missing.yaml")).exit_code == 2


def test_build_prints_changes_then_restore_undoes_it(cli: Cli, tmp_path: Path) -> None:
    db = tmp_path / "duties.db"
    assert cli("build", str(YAML_2024), db=db).exit_code == 0
    original = db.read_bytes()
    new = revised(tmp_path, "        name: 老年人高龄津贴的发放管理",
                  "        name: 老年人高龄津贴和生活补贴的发放管理")
    result = cli("build", str(new), db=db)
    assert result.exit_code == 0
    assert "修改 1 项：C16" in result.stderr
    assert f"dutylist restore --db {db}" in result.stderr
    hit = json.loads(cli("show-steps", "C16", "-f", "json", db=db).stdout)
    assert hit["name"] == "老年人高龄津贴和生活补贴的发放管理"

    result = cli("restore", db=db)
    assert result.exit_code == 0, result.output
    assert db.read_bytes() == original
    assert json.loads(cli("show-steps", "C16", "-f", "json", db=db).stdout)["name"] == (
        "老年人高龄津贴的发放管理")
    # restoring again swaps back: an undo of the undo
    assert cli("restore", db=db).exit_code == 0
    assert json.loads(cli("show-steps", "C16", "-f", "json", db=db).stdout)["name"] == (
        "老年人高龄津贴和生活补贴的发放管理")


def test_restore_without_backup_is_an_error(cli: Cli, tmp_path: Path) -> None:
    result = cli("restore", db=tmp_path / "duties.db")
    assert result.exit_code == 2 and "没有可恢复的备份" in result.stderr


def test_revision_fields_show_in_info(cli: Cli, tmp_path: Path) -> None:
    new = revised(tmp_path, "  title: 大南沟乌孜别克族乡履职事项清单\n",
                  "  title: 大南沟乌孜别克族乡履职事项清单\n  doc_number: 木政办〔2026〕1号\n"
                  "  date: 2026-11-01\n  version: 2026.1\n")
    db = tmp_path / "d.db"
    assert cli("build", str(new), db=db).exit_code == 0
    data = json.loads(cli("info", "-f", "json", db=db).stdout)
    assert (data["doc_number"], data["date"], data["version"]) == (
        "木政办〔2026〕1号", "2026-11-01", "2026.1")
    assert "木政办〔2026〕1号" in cli("diff", str(YAML_2024), str(new)).stdout


def test_build_warns_about_synonyms_that_can_never_match(cli: Cli, tmp_path: Path) -> None:
    synonyms = tmp_path / "synonyms.yaml"
    synonyms.write_text("schema: 1\nsynonyms:\n  狗: [犬, 火星犬]\n", encoding="utf-8")
    result = cli("build", str(YAML_2024), "--synonyms", str(synonyms), db=tmp_path / "d.db")
    assert result.exit_code == 0
    assert "警告" in result.stderr and "'火星犬' 在清单中找不到" in result.stderr


def test_diff_table_is_drawn_from_data_not_from_marks_in_the_text(cli: Cli, tmp_path: Path) -> None:
    # A step whose own text looks like diff marks is data: shown as written, never coloured.
    new = revised(tmp_path, "组织开展高龄津贴政策宣传", "组织开展高龄津贴[-政策-]{+宣传+}")
    result = cli("diff", str(YAML_2024), str(new), "-f", "table",
                 env={"FORCE_COLOR": "1", "TTY_COMPATIBLE": "1"})
    assert result.exit_code == 1, result.output
    plain = re.sub(r"\x1b\[[0-9;]*m", "", result.stdout)
    assert "组织开展高龄津贴[-政策-]{+宣传+}；" in plain  # the text as written
    styles = re.findall(r"\x1b\[([0-9;]*)m", result.stdout)
    assert not any("9" in style.split(";") for style in styles)  # nothing struck through
    assert any("4" in style.split(";") for style in styles)  # the insertion underlined
