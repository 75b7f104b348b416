"""Put back a database a build (or restore) replaced: a chosen backup, atomically.

See ``store.backups``: the backup is checked, copied beside the database, checked
again and renamed over it; the database it replaces becomes the newest backup.
"""

from __future__ import annotations

from pathlib import Path

from dutylist.store.backups import Backup, Restored, list_backups, real_target, recover, restore


def restore_backup(target: Path, which: str | None = None) -> Restored:
    """Restore backup ``which`` (None: the newest; a number from 1; a file name) of ``target``."""
    return restore(target, which)


def backups_of(target: Path) -> tuple[Path, list[str], list[Backup]]:
    """(the real database file, notes on what was recovered, its backups newest first)."""
    real = real_target(target)
    notes = recover(real)
    return real, notes, list_backups(real)
