"""Generations of replaced databases: kept by ``build``, listed and put back by ``restore``.

Every database a build or a restore replaces is kept beside it as
``<name>.<UTC time>.bak`` (``duties.db.20261129-150012-123456.bak``); the newest
:data:`MAX_BACKUPS` are kept. A backup is labelled by its own metadata (文号,
date, version, source sha256, built_at), so ``restore --list`` says which
revision each one is.

Nothing here ever leaves a moment without a database: files are copied to a
temporary file beside the target, flushed to disk, checked, and renamed over
the target with ``os.replace`` (atomic on POSIX and Windows). A process killed at
any point leaves at most a temporary file, which the next build or restore
removes once its owner is gone.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import errno
import os
import re
import secrets
import shutil
import sqlite3
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from dutylist import labels
from dutylist.errors import DatabaseError, UsageError
from dutylist.store.schema import connect, metadata

MAX_BACKUPS = 5
"""Generations kept beside a database."""
STALE_SECONDS = 3600
"""A temporary file whose owner cannot be told is removed once it is this old."""

_STAMP = "%Y%m%d-%H%M%S-%f"
_LEGACY_SUFFIXES = (".bak",)  # the single backup of older versions


@dataclass(frozen=True)
class Backup:
    """One kept database: its file, when it was replaced, and its own metadata."""

    path: Path
    replaced_at: dt.datetime
    meta: dict[str, str]
    problem: str | None = None

    @property
    def ok(self) -> bool:
        return self.problem is None

    def as_dict(self, number: int) -> dict[str, object]:
        meta = self.meta
        return {
            "number": number,
            "file": self.path.name,
            "replaced_at": self.replaced_at.isoformat(timespec="seconds"),
            "title": meta.get("title"),
            "doc_number": meta.get("doc_number"),
            "date": meta.get("date"),
            "version": meta.get("version"),
            "built_at": meta.get("built_at"),
            "source_sha256": meta.get("source_sha256"),
            "ok": self.ok,
            "problem": self.problem,
        }


# ---------------------------------------------------------------- names


def real_target(path: Path) -> Path:
    """The file a database path stands for: a symlink's target (written through, kept a link)."""
    path = Path(path)
    if path.is_symlink():
        return Path(os.path.realpath(path))
    return path


def temp_path(target: Path) -> Path:
    """A new temporary file name beside ``target`` that says which process owns it."""
    return target.with_name(f".{target.name}.pid{os.getpid()}.{secrets.token_hex(4)}.tmp")


def _temp_re(target: Path) -> re.Pattern[str]:
    # ours: .duties.db.pid123.9f8e7d6c.tmp; older versions: .duties.db.k2j4h6g8.tmp and
    # .duties.db.k2j4h6g8.bak.tmp; SQLite may add -journal while writing one.
    return re.compile(
        rf"^\.{re.escape(target.name)}\.(?:pid(\d+)\.)?[A-Za-z0-9_]+(?:\.bak)?\.tmp"
        r"(?:-journal|-wal|-shm)?$"
    )


def _backup_re(target: Path) -> re.Pattern[str]:
    return re.compile(rf"^{re.escape(target.name)}\.(\d{{8}}-\d{{6}}-\d{{6}})\.bak$")


def _new_backup_path(target: Path) -> Path:
    while True:
        stamp = dt.datetime.now(dt.timezone.utc).strftime(_STAMP)
        path = target.with_name(f"{target.name}.{stamp}.bak")
        if not path.exists():
            return path
        time.sleep(0.000_01)


# ---------------------------------------------------------------- housekeeping


def _alive(pid: int) -> bool | None:
    """Whether process ``pid`` runs; None where that cannot be asked safely."""
    if sys.platform == "win32":  # os.kill(pid, 0) would terminate it there
        return None
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:  # it exists but belongs to someone else
        return True
    return True


def clean_stale(target: Path) -> list[Path]:
    """Remove temporary files of builds and restores that were killed; return them.

    A file is removed when its owner process is gone, or (when the owner cannot be
    told) once it is older than :data:`STALE_SECONDS`. A running build's file stays.
    """
    pattern = _temp_re(target)
    removed: list[Path] = []
    try:
        entries = list(target.parent.iterdir())
    except OSError:
        return removed
    now = time.time()
    for path in entries:
        match = pattern.match(path.name)
        if not match:
            continue
        try:
            age = now - path.lstat().st_mtime
        except OSError:
            continue
        owner = int(match.group(1)) if match.group(1) else None
        alive = _alive(owner) if owner is not None and owner != os.getpid() else None
        if owner == os.getpid():
            continue
        if alive is False or (alive is None and age > STALE_SECONDS):
            with contextlib.suppress(OSError):
                path.unlink()
                removed.append(path)
    return removed


def recover(target: Path) -> list[str]:
    """Put right what an older dutylist's interrupted restore left (``<name>.swap``).

    That restore renamed the database to ``.swap`` first: with no database, the
    ``.swap`` is the database; beside one, it is a backup. Returns notes to show.
    """
    swap = target.with_name(target.name + ".swap")
    if not swap.is_file():
        return []
    if not target.exists():
        os.replace(swap, target)
        return [labels.NOTE_SWAP_RECOVERED.format(swap=swap, target=target)]
    kept = _new_backup_path(target)
    os.replace(swap, kept)
    return [labels.NOTE_SWAP_KEPT.format(swap=swap, backup=kept.name)]


# ---------------------------------------------------------------- checking


def check_database(path: Path, *, thorough: bool = True) -> dict[str, str]:
    """The metadata of a dutylist database that is intact, else DatabaseError saying why."""
    conn = connect(path)
    try:
        pragma = "integrity_check" if thorough else "quick_check"
        rows = [row[0] for row in conn.execute(f"PRAGMA {pragma}(5)")]
        if rows != ["ok"]:
            detail = "；".join(map(str, rows))
            raise DatabaseError(labels.BACKUP_DAMAGED.format(path=path, detail=detail))
        return metadata(conn)
    except sqlite3.Error as exc:
        raise DatabaseError(labels.BACKUP_DAMAGED.format(path=path, detail=exc)) from None
    finally:
        conn.close()


def content_of(path: Path) -> str | None:
    """The ``content_sha256`` a database was built with; None if absent or unreadable."""
    if not path.is_file():
        return None
    try:
        conn = connect(path)
    except DatabaseError:
        return None
    try:
        return metadata(conn).get("content_sha256")
    except sqlite3.Error:
        return None
    finally:
        conn.close()


# ---------------------------------------------------------------- listing


def list_backups(target: Path, *, check: bool = True) -> list[Backup]:
    """The backups of ``target``, newest first (``restore 1`` is the first)."""
    target = real_target(target)
    pattern = _backup_re(target)
    found: list[tuple[dt.datetime, Path]] = []
    try:
        entries = list(target.parent.iterdir())
    except OSError:
        return []
    for path in entries:
        match = pattern.match(path.name)
        if match:
            when = dt.datetime.strptime(match.group(1), _STAMP).replace(tzinfo=dt.timezone.utc)
        elif path.name in (target.name + s for s in _LEGACY_SUFFIXES):
            when = dt.datetime.fromtimestamp(path.stat().st_mtime, dt.timezone.utc)
        else:
            continue
        if path.is_file():
            found.append((when, path))
    found.sort(key=lambda pair: (pair[0], pair[1].name), reverse=True)
    backups = []
    for when, path in found:
        meta: dict[str, str] = {}
        problem = None
        if check:
            try:
                meta = check_database(path, thorough=False)
            except DatabaseError as error:
                problem = str(error)
        backups.append(Backup(path, when, meta, problem))
    return backups


def choose(backups: list[Backup], which: str | None, target: Path) -> Backup:
    """The backup named by ``which``: None for the newest, a number from 1, or a file name."""
    if not backups:
        raise UsageError(labels.NO_BACKUP.format(folder=target.parent, name=target.name))
    if which is None:
        return backups[0]
    text = which.strip()
    if text.isascii() and text.isdigit() and len(text) < 10:
        number = int(text)
        if 1 <= number <= len(backups):
            return backups[number - 1]
        raise UsageError(labels.NO_SUCH_BACKUP_NUMBER.format(number=text, count=len(backups)))
    for backup in backups:
        if text in (backup.path.name, str(backup.path)):
            return backup
    raise UsageError(labels.NO_SUCH_BACKUP_NAME.format(name=text))


# ---------------------------------------------------------------- writing


def _fsync_dir(folder: Path) -> None:
    """Make a rename in ``folder`` durable (POSIX); a no-op where folders cannot be opened."""
    try:
        handle = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(handle)
    except OSError:
        pass
    finally:
        os.close(handle)


def copy_durably(source: Path, destination: Path) -> None:
    """Copy ``source`` to ``destination`` (a new temporary file) and flush it to disk."""
    shutil.copyfile(source, destination)
    with open(destination, "rb+") as handle:
        os.fsync(handle.fileno())


def keep(target: Path, *, limit: int = MAX_BACKUPS) -> Path:
    """Keep a copy of ``target`` as the newest backup; drop generations beyond ``limit``."""
    tmp = temp_path(target)
    try:
        copy_durably(target, tmp)
        backup = _new_backup_path(target)
        os.replace(tmp, backup)
    finally:
        with contextlib.suppress(FileNotFoundError):
            tmp.unlink()
    prune(target, limit=limit)
    return backup


def prune(target: Path, *, limit: int = MAX_BACKUPS) -> list[Path]:
    """Remove the oldest backups beyond ``limit``; return them."""
    removed = []
    for backup in list_backups(target, check=False)[limit:]:
        with contextlib.suppress(OSError):
            backup.path.unlink()
            removed.append(backup.path)
    return removed


def replace_atomically(tmp: Path, target: Path) -> None:
    """Rename a complete, flushed temporary file over ``target`` (never a moment without one)."""
    os.replace(tmp, target)
    _fsync_dir(target.parent)


@dataclass(frozen=True)
class Restored:
    """What a restore did: the database file, the backup put back, its metadata, where the
    replaced database was kept."""

    target: Path
    backup: Backup
    meta: dict[str, str]
    saved_as: Path | None
    notes: tuple[str, ...] = ()


def revision_label(meta: dict[str, str]) -> str:
    """``清单标题（文号 X，日期 Y，版本 Z，构建于 T）`` from a database's metadata."""
    parts = [f"{label} {meta[key]}" for key, label in labels.REVISION_PARTS.items()
             if meta.get(key)]
    return (meta.get("title") or "") + (f"（{'，'.join(parts)}）" if parts else "")


def restore(db: Path, which: str | None = None) -> Restored:
    """Put back a backup of ``db`` (newest by default), keeping the replaced one as a backup.

    The backup is checked (integrity and schema) before and after it is copied; the
    database is replaced with one rename, so a reader sees the old or the new one.
    """
    target = real_target(db)
    notes = recover(target)
    clean_stale(target)
    chosen = choose(list_backups(target, check=False), which, target)
    try:
        check_database(chosen.path)
    except DatabaseError as error:
        raise DatabaseError(
            labels.BACKUP_UNUSABLE.format(name=chosen.path.name, error=error)
        ) from None
    tmp = temp_path(target)
    try:
        copy_durably(chosen.path, tmp)
        meta = check_database(tmp)
        saved = keep(target, limit=MAX_BACKUPS + 1) if target.is_file() else None
        replace_atomically(tmp, target)
    except OSError as error:
        raise write_error(error, target) from None
    finally:
        with contextlib.suppress(FileNotFoundError):
            tmp.unlink()
    with contextlib.suppress(OSError):
        chosen.path.unlink()
    prune(target)
    return Restored(target, chosen, meta, saved, tuple(notes))


def write_error(error: OSError, target: Path) -> DatabaseError:
    """A failed write said as what it is; the database in place is untouched."""
    if error.errno in (errno.ENOSPC, getattr(errno, "EDQUOT", None)):
        return DatabaseError(labels.DISK_FULL.format(folder=target.parent))
    if error.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        return DatabaseError(labels.NO_WRITE_PERMISSION.format(folder=target.parent))
    return DatabaseError(labels.WRITE_FAILED.format(path=target, reason=error.strerror or error))
