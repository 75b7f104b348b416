"""Hatch build hook: compile data/duties.yaml into the database the wheel ships.

The generated database is never committed: every wheel (and every wheel built
from the sdist) compiles it from the YAML at build time, so the package always
carries the list it was built from.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path
from typing import Any

from hatchling.builders.hooks.plugin.interface import BuildHookInterface

PACKAGE_DB = "dutylist/data/duties.db"


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
            )
        finally:
            sys.path.remove(str(root / "src"))

    def finalize(self, version: str, build_data: dict[str, Any], artifact_path: str) -> None:
        tmp = getattr(self, "_tmp", None)
        if tmp is not None:
            tmp.cleanup()
