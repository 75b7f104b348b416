#!/usr/bin/env python3
"""Kept for old instructions: the importer is the ``dutylist import`` command now.

    python scripts/import_source.py [OFFICIAL_TEXT] [-o data/duties.yaml] [--version …]

is ``dutylist import`` with the same options; OFFICIAL_TEXT defaults to the one text in
data/source/ of this checkout.  See ``dutylist import --help``.
"""

from __future__ import annotations

import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def main(argv: list[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    if not args or args[0].startswith("-"):
        texts = sorted((REPO / "data" / "source").glob("*.txt"))
        if len(texts) == 1:
            args.insert(0, str(texts[0]))
    sys.path.insert(0, str(REPO / "src"))
    from dutylist.cli import run

    return run(["import", *args])


if __name__ == "__main__":
    sys.exit(main())
