"""Backups you can trust, an atomic restore, and messages that say what really happened."""

from __future__ import annotations

import errno
import json
import os
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from typer.testing import Result

from dutylist import listing as listing_module
from dutylist import paths
from dutylist.store.schema import connect, metadata

from .conftest import MINI_YAML

Cli = Callable[..., Result]


def version(tmp_path: Path, label: str) -> Path:
    """The mini list as revision ``label`` (its document version), a new file."""
    path = tmp_path / f"mini-{label}.yaml"
    text = MINI_YAML.read_text(encoding="utf-8").replace(
        "  title: 测试乡履职事项清单\n", f"  title: 测试乡履职事项清单\n  version: {label}\n"
    )
    path.write_text(text, encoding="utf-8")
    return path


def built_version(db: Path) -> str | None:
    conn = connect(db)
    try:
        return metadata(conn).get("version")
    finally:
        conn.close()


def listing(cli: Cli, db: Path) -> list[dict[str, object]]:
    result = cli("restore", "--list", "--format", "json", db=db)
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert isinstance(data, list)
    return data


def build(cli: Cli, source: Path, db: Path) -> Result:
    result = cli("build", str(source), db=db)
    assert result.exit_code == 0, result.output
    return result


def test_builds_keep_five_generations_each_with_its_revision(cli: Cli, tmp_path: Path) -> None:
    db = tmp_path / "d.db"
    for n in range(1, 8):
        build(cli, version(tmp_path, f"v{n}"), db)
    backups = listing(cli, db)
    assert [b["version"] for b in backups] == ["v6", "v5", "v4", "v3", "v2"]
    assert [b["number"] for b in backups] == [1, 2, 3, 4, 5]
    for backup in backups:
        assert backup["built_at"] and len(str(backup["source_sha256"])) == 64
        assert (tmp_path / str(backup["file"])).is_file()
    table = cli("restore", "--list", "--format", "tsv", db=db)
    assert table.exit_code == 0 and "v6" in table.stdout.splitlines()[0]


def test_a_build_that_changes_nothing_keeps_the_backup(cli: Cli, tmp_path: Path) -> None:
    db = tmp_path / "d.db"
    build(cli, version(tmp_path, "v1"), db)
    build(cli, version(tmp_path, "v2"), db)
    assert [b["version"] for b in listing(cli, db)] == ["v1"]
    again = build(cli, version(tmp_path, "v2"), db)
    assert "无变化" in again.stderr
    assert [b["version"] for b in listing(cli, db)] == ["v1"]
    assert cli("restore", db=db).exit_code == 0
    assert built_version(db) == "v1"


def test_restore_a_chosen_generation_then_undo(cli: Cli, tmp_path: Path) -> None:
    db = tmp_path / "d.db"
    for n in range(1, 5):
        build(cli, version(tmp_path, f"v{n}"), db)
    assert [b["version"] for b in listing(cli, db)] == ["v3", "v2", "v1"]
    result = cli("restore", "3", db=db)
    assert result.exit_code == 0, result.output
    assert built_version(db) == "v1"
    assert "v1" in result.stderr and "撤销" in result.stderr
    # the replaced database is the newest backup: restoring again undoes the restore
    assert [b["version"] for b in listing(cli, db)] == ["v4", "v3", "v2"]
    assert cli("restore", db=db).exit_code == 0
    assert built_version(db) == "v4"
    assert [b["version"] for b in listing(cli, db)] == ["v1", "v3", "v2"]


def test_restore_by_file_name(cli: Cli, tmp_path: Path) -> None:
    db = tmp_path / "d.db"
    for n in range(1, 4):
        build(cli, version(tmp_path, f"v{n}"), db)
    oldest = listing(cli, db)[-1]
    assert oldest["version"] == "v1"
    assert cli("restore", str(oldest["file"]), db=db).exit_code == 0
    assert built_version(db) == "v1"


@pytest.mark.parametrize("which", ["0", "9", "-1", "abc", "d.db", "../d.db.bak"])
def test_restore_of_an_unknown_backup_is_bad_input(cli: Cli, tmp_path: Path, which: str) -> None:
    db = tmp_path / "d.db"
    build(cli, version(tmp_path, "v1"), db)
    build(cli, version(tmp_path, "v2"), db)
    before = db.read_bytes()
    result = cli("restore", "--db", str(db), "--", which)
    assert result.exit_code == 2, result.output
    assert "备份" in result.stderr
    assert db.read_bytes() == before


def test_restore_without_any_backup(cli: Cli, tmp_path: Path) -> None:
    result = cli("restore", db=tmp_path / "d.db")
    assert result.exit_code == 2 and "没有可恢复的备份" in result.stderr
    listed = cli("restore", "--list", db=tmp_path / "d.db")
    assert listed.exit_code == 1 and "没有可恢复的备份" in listed.stderr


def test_a_damaged_backup_is_refused_and_listed_as_damaged(cli: Cli, tmp_path: Path) -> None:
    db = tmp_path / "d.db"
    for n in range(1, 4):
        build(cli, version(tmp_path, f"v{n}"), db)
    newest = tmp_path / str(listing(cli, db)[0]["file"])
    data = bytearray(newest.read_bytes())
    data[4096:8192] = b"\xff" * 4096  # a page in the middle
    newest.write_bytes(bytes(data))
    before = db.read_bytes()
    result = cli("restore", db=db)
    assert result.exit_code == 3, result.output
    assert "损坏" in result.stderr and "内部错误" not in result.stderr
    assert db.read_bytes() == before
    assert built_version(db) == "v3"
    assert listing(cli, db)[0]["ok"] is False
    # an older, intact generation can still be restored
    assert cli("restore", "2", db=db).exit_code == 0
    assert built_version(db) == "v1"


def test_a_backup_that_is_no_database_is_refused(cli: Cli, tmp_path: Path) -> None:
    db = tmp_path / "d.db"
    build(cli, version(tmp_path, "v1"), db)
    (tmp_path / "d.db.bak").write_text("not a database")  # the old single-backup name
    result = cli("restore", db=db)
    assert result.exit_code == 3 and "内部错误" not in result.stderr
    assert built_version(db) == "v1"


def test_the_old_single_backup_is_one_of_the_generations(cli: Cli, tmp_path: Path) -> None:
    db = tmp_path / "d.db"
    build(cli, version(tmp_path, "v1"), db)
    os.replace(db, tmp_path / "d.db.bak")  # as an older dutylist left it
    build(cli, version(tmp_path, "v2"), db)
    build(cli, version(tmp_path, "v3"), db)
    assert [b["version"] for b in listing(cli, db)] == ["v2", "v1"]
    assert cli("restore", "2", db=db).exit_code == 0
    assert built_version(db) == "v1"


def test_a_database_stranded_by_a_killed_restore_is_recovered(cli: Cli, tmp_path: Path) -> None:
    db = tmp_path / "d.db"
    build(cli, version(tmp_path, "v1"), db)
    build(cli, version(tmp_path, "v2"), db)
    # an older dutylist killed between its renames: the database sits in .swap
    os.replace(db, tmp_path / "d.db.swap")
    result = cli("restore", "--list", db=db)
    assert result.exit_code == 0, result.output
    assert built_version(db) == "v2"
    assert not (tmp_path / "d.db.swap").exists()
    assert "d.db.swap" in result.stderr


def test_a_swap_beside_a_database_becomes_a_backup(cli: Cli, tmp_path: Path) -> None:
    db = tmp_path / "d.db"
    build(cli, version(tmp_path, "v1"), db)
    (tmp_path / "d.db.swap").write_bytes(db.read_bytes())
    build(cli, version(tmp_path, "v2"), db)
    assert not (tmp_path / "d.db.swap").exists()
    assert sorted(b["version"] for b in listing(cli, db)) == ["v1", "v1"]


def test_restore_leaves_no_temporary_files(cli: Cli, tmp_path: Path) -> None:
    db = tmp_path / "d.db"
    build(cli, version(tmp_path, "v1"), db)
    build(cli, version(tmp_path, "v2"), db)
    assert cli("restore", db=db).exit_code == 0
    assert not [p.name for p in tmp_path.iterdir() if p.name.endswith((".tmp", ".swap"))]


def _dead_pid() -> int:
    proc = subprocess.Popen([sys.executable, "-c", "pass"])
    proc.wait()
    return proc.pid


def test_stale_temporary_files_of_killed_builds_are_cleaned(cli: Cli, tmp_path: Path) -> None:
    db = tmp_path / "d.db"
    dead = tmp_path / f".d.db.pid{_dead_pid()}.abc123.tmp"
    old = tmp_path / ".d.db.x7k2p9q1.tmp"  # the form older versions wrote, without a pid
    fresh_unowned = tmp_path / ".d.db.q9w8e7r6.tmp"
    running = tmp_path / f".d.db.pid{os.getppid()}.zz99.tmp"  # a concurrent build, alive
    for path in (dead, old, fresh_unowned, running):
        path.write_bytes(b"partial")
    hour_ago = time.time() - 2 * 3600
    os.utime(old, (hour_ago, hour_ago))
    build(cli, version(tmp_path, "v1"), db)
    assert not dead.exists() and not old.exists()
    assert fresh_unowned.exists() and running.exists()


def test_a_full_disk_is_reported_as_such_and_the_old_database_kept(
    cli: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    db = tmp_path / "d.db"
    build(cli, version(tmp_path, "v1"), db)
    before = db.read_bytes()

    def full(*args: object, **kwargs: object) -> None:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(os, "fsync", full)
    result = cli("build", str(version(tmp_path, "v2")), db=db)
    assert result.exit_code == 3, result.output
    assert "磁盘空间不足" in result.stderr and "损坏" not in result.stderr
    assert db.read_bytes() == before
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".tmp")]


def test_sqlite_disk_full_is_reported_as_such(
    cli: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from dutylist.store import build as store_build

    db = tmp_path / "d.db"
    build(cli, version(tmp_path, "v1"), db)
    before = db.read_bytes()

    def full(path: Path, content: str) -> None:  # SQLite's own word for ENOSPC
        raise sqlite3.OperationalError("database or disk is full")

    monkeypatch.setattr(store_build, "_stamp_content", full)
    result = cli("build", str(version(tmp_path, "v2")), db=db)
    assert result.exit_code == 3, result.output
    assert "磁盘空间不足" in result.stderr
    assert db.read_bytes() == before
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".tmp")]


def test_build_through_a_symlink_writes_its_target(cli: Cli, tmp_path: Path) -> None:
    real = tmp_path / "real" / "duties.db"
    real.parent.mkdir()
    link = tmp_path / "link.db"
    link.symlink_to(real)
    result = build(cli, version(tmp_path, "v1"), link)
    assert "符号链接" in result.stderr and str(real) in result.stderr
    build(cli, version(tmp_path, "v2"), link)
    assert link.is_symlink() and built_version(real) == "v2"
    assert cli("restore", db=link).exit_code == 0
    assert link.is_symlink() and built_version(real) == "v1"


def test_info_with_an_unreadable_source_warns_and_succeeds(
    cli: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    db = tmp_path / "d.db"
    build(cli, version(tmp_path, "v1"), db)

    def denied(path: Path) -> str:
        raise PermissionError(errno.EACCES, os.strerror(errno.EACCES), str(path))

    monkeypatch.setattr(listing_module, "sha256_file", denied)
    result = cli("info", db=db)
    assert result.exit_code == 0, result.output
    assert "警告" in result.stderr and "无法读取" in result.stderr


def _readonly_wal_copy(mini_db: Path, folder: Path, *, with_wal: bool) -> Path:
    folder.mkdir(mode=0o755)
    db = folder / "w.db"
    db.write_bytes(mini_db.read_bytes())
    conn = sqlite3.connect(db)
    conn.execute("PRAGMA journal_mode = WAL")
    if with_wal:
        conn.execute("PRAGMA wal_autocheckpoint = 0")
        conn.execute("INSERT INTO metadata VALUES ('wal_only', 'yes')")
        conn.commit()
        kept = (folder / "w.db-wal").read_bytes()
        base = db.read_bytes()
        conn.close()
        db.write_bytes(base)
        (folder / "w.db-wal").write_bytes(kept)
    else:
        conn.close()
    for extra in folder.glob("w.db-shm"):
        extra.unlink()
    db.chmod(0o644)
    folder.chmod(0o555)
    return db


def _as_unprivileged(*args: str) -> subprocess.CompletedProcess[str]:
    """Run dutylist where a read-only folder really is read-only (not as root)."""
    command = [sys.executable, "-m", "dutylist", *args]
    if os.geteuid() == 0:
        command = ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", *command]
    env = {**os.environ, "PYTHONPATH": str(Path(paths.__file__).parents[1])}
    return subprocess.run(command, capture_output=True, text=True, env=env, timeout=60)


@pytest.mark.slow
@pytest.mark.skipif(
    os.geteuid() == 0 and not Path("/usr/bin/setpriv").exists(), reason="needs a non-root user"
)
@pytest.mark.parametrize("with_wal", [False, True])
def test_a_wal_database_in_a_read_only_folder_is_not_called_corrupt(
    mini_db: Path, with_wal: bool
) -> None:
    probe = _as_unprivileged("--version")
    if probe.returncode != 0:  # e.g. the checkout or venv lies in a folder only root may enter
        pytest.skip(f"the unprivileged user cannot run dutylist here: {probe.stderr.strip()}")
    base = Path(tempfile.mkdtemp(prefix="dutylist-ro-"))
    base.chmod(0o755)
    try:
        db = _readonly_wal_copy(mini_db, base / "ro", with_wal=with_wal)
        result = _as_unprivileged("info", "--db", str(db), "--format", "json")
        assert "损坏" not in result.stderr, result.stderr
        if with_wal:
            assert result.returncode == 3 and "只读" in result.stderr
        else:
            assert result.returncode == 0, result.stderr
            assert json.loads(result.stdout)["title"] == "测试乡履职事项清单"
    finally:
        (base / "ro").chmod(0o755)
        import shutil

        shutil.rmtree(base)


def test_readers_never_fail_or_see_the_bundled_list_during_restores(
    cli: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Readers with --db and with the default lookup, while restore runs again and again."""
    xdg = tmp_path / "xdg"
    monkeypatch.setenv("XDG_DATA_HOME", str(xdg))
    db = paths.user_db_path()
    build(cli, version(tmp_path, "v1"), db)
    build(cli, version(tmp_path, "v2"), db)
    stop = threading.Event()
    seen: list[str] = []
    errors: list[str] = []

    def read(explicit: bool) -> None:
        while not stop.is_set():
            try:
                choice = paths.locate_database(str(db) if explicit else None)
                if choice.origin == "bundled":
                    errors.append("bundled database used")
                    continue
                conn = connect(choice.path)
                try:
                    seen.append(metadata(conn)["version"])
                finally:
                    conn.close()
            except Exception as error:  # noqa: BLE001 - every failure is a finding
                errors.append(repr(error))

    readers = [threading.Thread(target=read, args=(n % 2 == 0,)) for n in range(4)]
    for reader in readers:
        reader.start()
    try:
        deadline = time.monotonic() + 3
        restores = 0
        while time.monotonic() < deadline and restores < 40:
            result = cli("restore", db=db)
            assert result.exit_code == 0, result.output
            restores += 1
    finally:
        stop.set()
        for reader in readers:
            reader.join()
    assert restores >= 5
    assert not errors, errors[:5]
    assert set(seen) <= {"v1", "v2"} and len(seen) > restores


@pytest.mark.slow
@pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL")
def test_a_kill_at_any_moment_leaves_a_good_database_and_no_stranded_files(
    cli: Cli, tmp_path: Path
) -> None:
    """restore and build killed at arbitrary moments: the database is always whole, one of
    the two versions, and the next build clears what the killed processes left."""
    import random
    import signal

    db = tmp_path / "d.db"
    sources = [version(tmp_path, "v1"), version(tmp_path, "v2")]
    for source in sources:
        build(cli, source, db)
    env = {**os.environ, "PYTHONPATH": str(Path(paths.__file__).parents[1])}
    rng = random.Random(12)
    for attempt in range(6):
        command = (["restore"] if attempt % 2 else ["build", str(sources[attempt % 4 // 2])])
        proc = subprocess.Popen(
            [sys.executable, "-m", "dutylist", *command, "--db", str(db)],
            env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )
        time.sleep(rng.uniform(0.2, 1.2))
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        assert built_version(db) in ("v1", "v2")  # whole, and one of the two
        conn = connect(db)
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        conn.close()
    build(cli, sources[0], db)
    assert not [p.name for p in tmp_path.iterdir() if p.name.endswith((".tmp", ".swap"))]
    assert len(listing(cli, db)) <= 5
