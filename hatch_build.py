"""Hatch build hook: compile data/duties.yaml into the database the wheel ships.

The generated database is never committed: every wheel (and every wheel built
from the sdist) compiles it from the YAML at build time, so the package always
carries the list it was built from.

Two wheels built from the same commit are byte-identical: hatchling dates the
zip entries from ``SOURCE_DATE_EPOCH`` (or a fixed default), and the database
records as its build time the time of its source (``source_time`` below) rather
than the clock.
"""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

from hatchling.builders.hooks.plugin.interface import BuildHookInterface

PACKAGE_DB = "dutylist/data/duties.db"
INPUTS = ("data/duties.yaml", "data/synonyms.yaml")


def source_time(root: Path) -> dt.datetime | None:
    """When the source was last changed: ``SOURCE_DATE_EPOCH`` if set, else the commit time
    of a git checkout whose data files are unmodified. None when unknown (an sdist without
    ``SOURCE_DATE_EPOCH``, or edited data): the database then records the real build time."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if epoch.isdigit():
        return dt.datetime.fromtimestamp(int(epoch), dt.timezone.utc)
    git = ["git", "-C", str(root)]
    try:
        dirty = subprocess.run(
            [*git, "status", "--porcelain", "--", *INPUTS],
            capture_output=True, text=True, check=True, timeout=30,
        ).stdout.strip()
        stamp = subprocess.run(
            [*git, "log", "-1", "--format=%ct"],
            capture_output=True, text=True, check=True, timeout=30,
        ).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return None  # no git, or not a checkout
    if dirty or not stamp.isdigit():
        return None
    return dt.datetime.fromtimestamp(int(stamp), dt.timezone.utc)


class CustomBuildHook(BuildHookInterface):  # type: ignore[type-arg]
    PLUGIN_NAME = "custom"

    def initialize(self, version: str, build_data: dict[str, Any]) -> None:
        if self.target_name != "wheel":
            return
        root = Path(self.root)
        source = root / "data" / "duties.yaml"
        if not source.is_file():
            raise RuntimeError(f"{source} is missing: cannot build the bundled database")
        sys.path.insert(0, str(root / "src"))
        try:
            from dutylist import source as src
            from dutylist.store.build import build_database

            catalog = src.load_catalog(source)
            synonyms_path = src.synonyms_beside(source)
            synonyms = src.load_synonyms(synonyms_path) if synonyms_path else {}
            if version == "editable":
                # An editable install imports the package from src/: put the DB there.
                target = root / "src" / PACKAGE_DB
            else:
                self._tmp = tempfile.TemporaryDirectory()
                target = Path(self._tmp.name) / "duties.db"
                build_data["force_include"][str(target)] = PACKAGE_DB
            build_database(
                catalog,
                target,
                source=source,
                synonyms=synonyms,
                synonyms_source=None,
                keep_backup=False,
                tool_version=self.metadata.version,
                source_label="data/duties.yaml",
                built_at=source_time(root),
            )
        finally:
            sys.path.remove(str(root / "src"))

    def finalize(self, version: str, build_data: dict[str, Any], artifact_path: str) -> None:
        tmp = getattr(self, "_tmp", None)
        if tmp is not None:
            tmp.cleanup()
