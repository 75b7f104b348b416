"""Where databases live: --db, $DUTYLIST_DB, the user's folder, the bundled copy; backups.

One copy of the lookup order: ``locate_database`` (what a query reads) and
``build_target`` (where build writes and restore restores) share it.
Standard library only: this is on every query's path.
"""

from __future__ import annotations

import hashlib
import os
import sys
from pathlib import Path, PurePath
from typing import Literal, NamedTuple
from urllib.parse import quote

ENV_DB = "DUTYLIST_DB"

Origin = Literal["--db", "DUTYLIST_DB", "user", "bundled"]


class DbChoice(NamedTuple):
    path: Path
    origin: Origin


def user_data_dir() -> Path:
    """The per-user folder where ``dutylist build`` writes by default."""
    if sys.platform == "win32":
        base = os.environ.get("LOCALAPPDATA") or str(Path.home() / "AppData" / "Local")
        return Path(base) / "dutylist"
    if sys.platform == "darwin":
        return Path.home() / "Library" / "Application Support" / "dutylist"
    base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base) / "dutylist"


def user_db_path() -> Path:
    return user_data_dir() / "duties.db"


def bundled_db_path() -> Path:
    """The database the installed package carries (compiled by the wheel's build hook)."""
    return Path(__file__).resolve().parent / "data" / "duties.db"


def backup_path(db_path: Path) -> Path:
    """Where ``build`` keeps the database it replaced, for ``restore``."""
    return db_path.with_name(db_path.name + ".bak")


def _chosen(option: str | None) -> DbChoice | None:
    """The database named by --db or $DUTYLIST_DB, if any."""
    if option:
        return DbChoice(Path(option).expanduser(), "--db")
    # cmd.exe keeps the quotes of `set DUTYLIST_DB="\\server\共享\duties.db"` in the value.
    env = (os.environ.get(ENV_DB) or "").strip().strip('"')
    if env:
        return DbChoice(Path(env).expanduser(), "DUTYLIST_DB")
    return None


def locate_database(option: str | None = None) -> DbChoice:
    """Which database to read: --db, then $DUTYLIST_DB, then the user's build, then the bundled."""
    chosen = _chosen(option)
    if chosen is not None:
        return chosen
    user = user_db_path()
    if user.is_file():
        return DbChoice(user, "user")
    return DbChoice(bundled_db_path(), "bundled")


def build_target(option: str | None = None) -> Path:
    """Where build writes and restore restores: --db, $DUTYLIST_DB, else the user's folder."""
    chosen = _chosen(option)
    return chosen.path if chosen is not None else user_db_path()


def sha256_file(path: Path) -> str:
    """The hex sha256 of a file's bytes (to tell whether a source changed since a build)."""
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 16), b""):
            digest.update(chunk)
    return digest.hexdigest()


def sqlite_uri(path: PurePath, *, read_only: bool = True) -> str:
    r"""The ``file:`` URI that opens ``path`` in SQLite (read-only by default).

    SQLite accepts only an empty authority, so a Windows network path keeps its host in the
    path: ``\\server\共享\duties.db`` -> ``file:////server/%E5%85%B1%E4%BA%AB/duties.db``
    (``PureWindowsPath.as_uri`` would give ``file://server/…``, which SQLite refuses).
    A drive path becomes ``file:///C:/…``; ``%``, ``?``, ``#`` and spaces are escaped.
    A relative path is made absolute first (against the current folder).
    """
    if not path.is_absolute() and isinstance(path, Path):
        path = Path(os.path.abspath(path))
    text = path.as_posix()  # UNC: //server/share/…; drive: C:/…; POSIX: /…
    drive = path.drive
    if drive and not drive.startswith(("\\\\", "//")):  # a drive letter, not a UNC share
        uri = f"file:///{drive}{quote(text[len(drive):])}"
    else:
        uri = f"file://{quote(text)}"
    return uri + ("?mode=ro" if read_only else "")
