#!/usr/bin/env python3
"""Import the official text (as extracted from the PDF) into data/duties.yaml.

Usage:
    python scripts/import_source.py [OFFICIAL_TEXT] [-o data/duties.yaml]
                                    [--doc-number 文号] [--date 日期] [--version 版本]

OFFICIAL_TEXT defaults to the one text in data/source/.  The importer is part of the
package (``dutylist.importer``); the YAML being replaced (the output, if it exists)
gives what the text does not hold: document fields, department aliases and former
names, notes.  Prefer the installed command ``dutylist import`` where available.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def main(argv: list[str] | None = None) -> int:
    sys.path.insert(0, str(REPO / "src"))
    from dutylist.errors import DutylistError
    from dutylist.importer import import_text, read_previous, read_text, write_atomic

    ap = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    ap.add_argument("source", nargs="?")
    ap.add_argument("-o", "--output", default="data/duties.yaml")
    ap.add_argument("--doc-number")
    ap.add_argument("--date")
    ap.add_argument("--version")
    args = ap.parse_args(argv)
    texts = sorted((REPO / "data" / "source").glob("*.txt"))
    src = Path(args.source) if args.source else (texts[0] if len(texts) == 1 else None)
    if src is None:
        print("错误：请指定官方文本文件", file=sys.stderr)
        return 2
    out = Path(args.output)
    try:
        shown = src.resolve().relative_to(Path.cwd()).as_posix()
    except ValueError:
        shown = src.as_posix()
    try:
        previous = read_previous(out) if out.is_file() else None
        result = import_text(
            read_text(src), previous=previous, shown=shown, source=shown,
            revision={"doc_number": args.doc_number, "date": args.date, "version": args.version},
        )
        write_atomic(out, result.yaml)
    except DutylistError as error:
        print(f"错误：{error}", file=sys.stderr)
        return error.exit_code
    return 0


if __name__ == "__main__":
    sys.exit(main())
