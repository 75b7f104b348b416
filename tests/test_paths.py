"""Where databases are found, and how a path becomes the URI SQLite opens (UNC shares too)."""

from __future__ import annotations

import shutil
from pathlib import Path, PurePosixPath, PureWindowsPath

import pytest

from dutylist.paths import locate_database, sqlite_uri
from dutylist.store.schema import connect, metadata


@pytest.mark.parametrize(
    "path,uri",
    [
        # A network share: the host goes into the path (SQLite refuses an authority).
        (PureWindowsPath(r"\\server\共享\duties.db"),
         "file:////server/%E5%85%B1%E4%BA%AB/duties.db?mode=ro"),
        (PureWindowsPath("//server/share/清单/duties.db"),
         "file:////server/share/%E6%B8%85%E5%8D%95/duties.db?mode=ro"),
        (PureWindowsPath(r"C:\Users\张三\My Docs\a#b?.db"),
         "file:///C:/Users/%E5%BC%A0%E4%B8%89/My%20Docs/a%23b%3F.db?mode=ro"),
        (PureWindowsPath(r"Z:\duties.db"), "file:///Z:/duties.db?mode=ro"),
        (PurePosixPath("/home/clerk/100% 清单/duties.db"),
         "file:///home/clerk/100%25%20%E6%B8%85%E5%8D%95/duties.db?mode=ro"),
    ],
)
def test_sqlite_uri(path: PureWindowsPath | PurePosixPath, uri: str) -> None:
    assert sqlite_uri(path) == uri
    assert not uri.startswith("file://server")  # the mistake PureWindowsPath.as_uri makes


def test_a_database_in_a_folder_with_awkward_characters_opens(
    tmp_path: Path, mini_db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "共享 #1 ?x% 文件夹"
    folder.mkdir()
    shutil.copy(mini_db, folder / "duties.db")
    conn = connect(folder / "duties.db")
    try:
        assert metadata(conn)["schema_version"]
    finally:
        conn.close()
    monkeypatch.chdir(folder)  # a relative path is taken from the current folder
    conn = connect(Path("duties.db"))
    conn.close()


def test_dutylist_db_may_carry_the_quotes_cmd_keeps(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DUTYLIST_DB", '"/srv/共享/duties.db"')
    assert locate_database(None).path == Path("/srv/共享/duties.db")
