"""Model -> SQLite: schema, metadata, atomic replace, read-only use."""

from __future__ import annotations

import contextlib
import dataclasses
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from dutylist import query, source
from dutylist.errors import DatabaseError
from dutylist.paths import sha256_file
from dutylist.store import build
from dutylist.store.build import build_database
from dutylist.store.schema import SCHEMA_VERSION, connect, metadata

from .conftest import MINI_YAML, REAL_YAML, OpenDb
from .fidelity import real_counts


def test_schema_and_metadata(mini_db: Path) -> None:
    with contextlib.closing(sqlite3.connect(mini_db)) as conn:
        check_schema_and_metadata(conn)


def check_schema_and_metadata(conn: sqlite3.Connection) -> None:
    tables = {row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    assert {"metadata", "duties", "departments", "department_aliases", "duty_departments",
            "blocks", "steps", "synonyms", "duties_fts", "names_fts", "chars_fts"} <= tables
    meta = dict(conn.execute("SELECT key, value FROM metadata"))
    assert meta["schema_version"] == SCHEMA_VERSION == "5"
    assert meta["count_basic"] == "2" and meta["count_coordinated"] == "2"
    assert meta["count_withdrawn"] == "1"
    assert meta["source_sha256"] == sha256_file(MINI_YAML)
    assert meta["source_path"] == str(MINI_YAML.resolve())
    assert meta["built_at"].endswith("+00:00")
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "delete"
    steps = conn.execute(
        "SELECT s.text FROM steps s JOIN blocks b ON b.id = s.block_id "
        "WHERE b.duty_id = 'C1' AND b.side = 'township' ORDER BY s.position"
    ).fetchall()
    assert steps == [("各村核实到龄老年人信息并报乡；",), ("配合做好“两癌”筛查宣传。",)]
    aliases = conn.execute(
        "SELECT a.alias FROM department_aliases a JOIN departments p ON p.id = a.department_id "
        "WHERE p.name = '木垒县民政局' ORDER BY a.position").fetchall()
    assert aliases == [("县民政局",), ("民政局",)]
    # Each fact once: no department text on duties, no alias JSON on departments.
    assert "departments" not in {r[1] for r in conn.execute("PRAGMA table_info(duties)")}
    assert "aliases" not in {r[1] for r in conn.execute("PRAGMA table_info(departments)")}


def test_real_database_counts(real_db: Path, open_db: OpenDb) -> None:
    conn = open_db(real_db)
    meta = metadata(conn)
    counts = real_counts()  # from the official text in data/source/
    assert (meta["count_basic"], meta["count_coordinated"], meta["count_withdrawn"]) == (
        str(counts["basic"]), str(counts["coordinated"]), str(counts["withdrawn"]))
    assert conn.execute("SELECT count(*) FROM duties").fetchone()[0] == sum(counts.values())


def test_failed_build_leaves_previous_database_untouched(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "duties.db"
    catalog = source.load_catalog(MINI_YAML)
    build_database(catalog, target)
    before = target.read_bytes()

    def explode(*args: object, **kwargs: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(build, "_insert_metadata", explode)
    with pytest.raises(DatabaseError, match="磁盘空间不足"):
        build_database(catalog, target)
    assert target.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["duties.db"]


def test_rebuild_keeps_a_backup_unless_nothing_changed(tmp_path: Path) -> None:
    target = tmp_path / "duties.db"
    catalog = source.load_catalog(MINI_YAML)
    assert build_database(catalog, target).backup is None
    again = build_database(catalog, target)
    assert again.unchanged and again.backup is None  # the same content: no copy of it kept
    second = target.read_bytes()
    revised = dataclasses.replace(
        catalog, document=dataclasses.replace(catalog.document, version="2")
    )
    built = build_database(revised, target)
    assert built.backup is not None and built.backup.parent == tmp_path
    assert built.backup.name.startswith("duties.db.") and built.backup.suffix == ".bak"
    assert built.backup.read_bytes() == second


def test_unwritable_target_is_a_clear_error(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("x")
    with pytest.raises(DatabaseError, match="无法写入"):
        build_database(source.load_catalog(MINI_YAML), blocker / "sub" / "duties.db")


def test_queries_open_the_database_read_only(mini_db: Path) -> None:
    before = sorted(p.name for p in mini_db.parent.iterdir())
    conn = connect(mini_db)
    query.search(conn, "低保")
    with pytest.raises(sqlite3.OperationalError, match="readonly"):
        conn.execute("DELETE FROM duties")
    conn.close()
    assert sorted(p.name for p in mini_db.parent.iterdir()) == before


def test_connect_rejects_missing_corrupt_and_foreign_files(tmp_path: Path) -> None:
    with pytest.raises(DatabaseError, match="数据库不存在"):
        connect(tmp_path / "missing.db")
    corrupt = tmp_path / "corrupt.db"
    corrupt.write_bytes(b"this is not sqlite" * 100)
    with pytest.raises(DatabaseError, match="不是 dutylist 数据库"):
        connect(corrupt)
    foreign = tmp_path / "foreign.db"
    with contextlib.closing(sqlite3.connect(foreign)) as conn:
        conn.execute("CREATE TABLE t (x)")
        conn.commit()
    with pytest.raises(DatabaseError, match="不是 dutylist 数据库"):
        connect(foreign)
    with pytest.raises(DatabaseError, match="不是数据库文件"):
        connect(tmp_path)


@pytest.mark.slow
def test_two_builds_at_once_leave_a_valid_database(tmp_path: Path, open_db: OpenDb) -> None:
    target = tmp_path / "duties.db"
    command = [sys.executable, "-m", "dutylist", "build", str(REAL_YAML), "--db", str(target)]
    procs = [subprocess.Popen(command, stderr=subprocess.DEVNULL) for _ in range(3)]
    assert [p.wait(timeout=120) for p in procs] == [0, 0, 0]
    conn = open_db(target)
    assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert conn.execute("SELECT count(*) FROM duties").fetchone()[0] == sum(real_counts().values())
    assert not [p for p in tmp_path.iterdir() if p.suffix == ".tmp"]
