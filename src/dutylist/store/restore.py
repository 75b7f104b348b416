"""Put back the database a build replaced: the current one and its backup swap places."""

from __future__ import annotations

import os
from pathlib import Path

from dutylist import labels
from dutylist.errors import UsageError
from dutylist.paths import backup_path
from dutylist.store.schema import connect


def restore_backup(target: Path) -> Path:
    """Swap ``target`` and its backup (so a second restore undoes the first); return the backup.

    Refuses when there is no backup or the backup is not a dutylist database.
    """
    backup = backup_path(target)
    if not backup.is_file():
        raise UsageError(labels.NO_BACKUP.format(backup=backup))
    connect(backup).close()  # refuse to restore something that is not a database
    swap = target.with_name(target.name + ".swap")
    if target.exists():
        os.replace(target, swap)
    os.replace(backup, target)
    if swap.exists():
        os.replace(swap, backup)
    return backup
