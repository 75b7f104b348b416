"""Score search quality on the relevance set (bench/relevance.yaml).

Every query of the set is fed, in ONE run of the real command line, to::

    dutylist search --stdin --format jsonl --limit 5

(``python -m dutylist`` in this Python, so the installed tool and its database are
used: ``--db`` or ``$DUTYLIST_DB`` if given, else the tool's default). Rows are
grouped by their ``query`` field; a query with no row found nothing.

Reported per kind (exact, everyday, question, typo, department, pinyin):

- hit@1  the first row is an expected item
- hit@5  an expected item is among the first five rows
- MRR    mean of 1/rank of the first expected item (0 when none in the five)
- answered  queries that returned any row

and for out_of_scope (where the right answer is nothing): how many returned
anything (``answered``), how many of those had a row not flagged ``partial``
(``full``), and how many correctly returned nothing (``silent``).

Expected items are the query's ``expect`` ids, then, if it names a ``department``,
every item of that department in the data file (``data/duties.yaml``; a printed
name "X及其他…" counts as X, as ``filter-by-department`` does).

With ``--filters``, queries that name a ``department`` are also run through
``dutylist filter-by-department QUERY --format jsonl`` in this process (through the
``dutylist.cli:main`` entry point of the installed package, whatever ``--command`` says)
and counted as resolved when they list exactly that department's items.

Run from the repository root, with the tool installed in the Python used::

    python scripts/relevance.py                  # table
    python scripts/relevance.py --misses         # and every query missed in the top 5
    python scripts/relevance.py --json           # machine-readable, on stdout

Scores are a yardstick, not a test: tests/test_relevance.py checks only the set's shape.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import json
import os
import platform
import subprocess
import sys
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

REPO = Path(__file__).resolve().parent.parent
DEFAULT_SET = REPO / "bench" / "relevance.yaml"
DEFAULT_DATA = REPO / "data" / "duties.yaml"

KINDS = ("exact", "everyday", "question", "typo", "department", "pinyin", "out_of_scope")
IN_SCOPE = KINDS[:-1]
LIST_PREFIX = {"basic": "B", "coordinated": "C", "withdrawn": "W"}
LIMIT = 5


@dataclass
class Query:
    kind: str
    text: str
    expect: list[str]
    department: str | None = None
    ids: list[str] = field(default_factory=list)  # returned, in order
    partial: list[bool] = field(default_factory=list)

    def rank(self) -> int | None:
        """1-based rank of the first expected item among the returned rows."""
        wanted = set(self.expect)
        for position, item in enumerate(self.ids, start=1):
            if item in wanted:
                return position
        return None


def load_set(path: Path) -> list[dict[str, Any]]:
    doc = yaml.safe_load(path.read_text(encoding="utf-8"))
    queries: list[dict[str, Any]] = doc["queries"]
    return queries


def department_items(data_path: Path) -> dict[str, list[str]]:
    """Department full name -> ids of its items, in list order."""
    doc = yaml.safe_load(data_path.read_text(encoding="utf-8"))
    names = [d["name"] for d in doc["departments"]]
    items: dict[str, list[str]] = {name: [] for name in names}
    for list_key, prefix in LIST_PREFIX.items():
        for item in doc["lists"][list_key]["items"]:
            for printed in item.get("departments") or []:
                for name in names:
                    if printed == name or printed.startswith(name + "及其他"):
                        if f"{prefix}{item['seq']}" not in items[name]:
                            items[name].append(f"{prefix}{item['seq']}")
    return items


def build_queries(
    raw: Iterable[dict[str, Any]], by_department: dict[str, list[str]]
) -> list[Query]:
    queries = []
    for entry in raw:
        expect = list(entry.get("expect") or [])
        department = entry.get("department")
        if department:
            expect += [i for i in by_department[department] if i not in expect]
        queries.append(Query(entry["kind"], str(entry["q"]), expect, department))
    return queries


def _key(text: str) -> str:
    return " ".join(text.split())


def run_search(queries: list[Query], command: list[str], db: str | None) -> None:
    """One process for the whole set; rows grouped back onto their queries."""
    args = [*command, "search", "--stdin", "--format", "jsonl", "--limit", str(LIMIT)]
    if db:
        args += ["--db", db]
    env = {**os.environ, "PYTHONIOENCODING": "utf-8", "NO_COLOR": "1"}
    stdin = "".join(q.text + "\n" for q in queries)
    done = subprocess.run(
        args, input=stdin.encode("utf-8"), capture_output=True, env=env, check=False
    )
    if done.returncode not in (0, 1):
        sys.exit(
            f"{' '.join(args)} exited {done.returncode}:\n"
            + done.stderr.decode("utf-8", "replace")
        )
    by_text = {q.text: q for q in queries}
    by_key = {_key(q.text): q for q in queries}
    for line in done.stdout.decode("utf-8").splitlines():
        if not line.strip():
            continue
        row = json.loads(line)
        echoed = str(row.get("query", ""))
        query = by_text.get(echoed) or by_key.get(_key(echoed))
        if query is None:
            sys.exit(f"a row names a query that was not sent: {echoed!r}")
        if row.get("id") and len(query.ids) < LIMIT:  # a row without id is a notice, not an item
            query.ids.append(str(row["id"]))
            query.partial.append(bool(row.get("partial")))


def run_filters(
    queries: list[Query], by_department: dict[str, list[str]], db: str | None
) -> dict[str, Any]:
    """filter-by-department for every query naming a department, through the entry point."""
    from dutylist.cli import main

    checked = resolved = 0
    failures: list[str] = []
    for query in queries:
        if not query.department:
            continue
        checked += 1
        argv = ["dutylist", "filter-by-department", query.text, "--format", "jsonl"]
        if db:
            argv += ["--db", db]
        out, err = io.StringIO(), io.StringIO()
        old_argv = sys.argv
        sys.argv = argv
        code = 0
        try:
            with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
                main()
        except SystemExit as stop:
            code = stop.code if isinstance(stop.code, int) else 1
        finally:
            sys.argv = old_argv
        ids = [json.loads(line)["id"] for line in out.getvalue().splitlines() if line.strip()]
        if code == 0 and sorted(ids) == sorted(by_department[query.department]):
            resolved += 1
        else:
            failures.append(f"{query.text} (exit {code})")
    return {"checked": checked, "resolved": resolved, "unresolved": failures}


def score(queries: list[Query]) -> dict[str, dict[str, Any]]:
    table: dict[str, dict[str, Any]] = {}
    for kind in KINDS:
        group = [q for q in queries if q.kind == kind]
        if not group:
            continue
        answered = sum(1 for q in group if q.ids)
        if kind == "out_of_scope":
            full = sum(1 for q in group if q.ids and not all(q.partial))
            table[kind] = {"n": len(group), "answered": answered, "full": full,
                           "silent": len(group) - answered}
            continue
        ranks = [q.rank() for q in group]
        table[kind] = {
            "n": len(group),
            "hit@1": sum(1 for r in ranks if r == 1) / len(group),
            "hit@5": sum(1 for r in ranks if r is not None) / len(group),
            "mrr": sum(1 / r for r in ranks if r is not None) / len(group),
            "answered": answered,
        }
    in_scope = [q for q in queries if q.kind in IN_SCOPE]
    if in_scope:
        ranks = [q.rank() for q in in_scope]
        table["all in-scope"] = {
            "n": len(in_scope),
            "hit@1": sum(1 for r in ranks if r == 1) / len(in_scope),
            "hit@5": sum(1 for r in ranks if r is not None) / len(in_scope),
            "mrr": sum(1 / r for r in ranks if r is not None) / len(in_scope),
            "answered": sum(1 for q in in_scope if q.ids),
        }
    return table


def print_table(table: dict[str, dict[str, Any]], filters: dict[str, Any] | None) -> None:
    print(f"{'kind':<14}{'n':>5}{'hit@1':>8}{'hit@5':>8}{'MRR':>8}{'answered':>10}")
    for kind, row in table.items():
        if kind == "out_of_scope":
            continue
        print(f"{kind:<14}{row['n']:>5}{row['hit@1']:>8.2f}{row['hit@5']:>8.2f}"
              f"{row['mrr']:>8.2f}{row['answered']:>10}")
    oos = table.get("out_of_scope")
    if oos:
        print(f"out_of_scope  {oos['n']:>5}  answered {oos['answered']}"
              f" (of which with a non-partial row {oos['full']}), said nothing {oos['silent']}")
    if filters:
        print(f"filter-by-department: {filters['resolved']}/{filters['checked']} names resolved"
              " to exactly their department's items")


def print_misses(queries: list[Query]) -> None:
    print("\nmissed in the top 5 (kind | query | expected | returned):")
    for q in queries:
        if q.kind == "out_of_scope":
            if q.ids:
                print(f"  {q.kind} | {q.text} | - | {' '.join(q.ids)}")
        elif q.rank() is None:
            print(f"  {q.kind} | {q.text} | {' '.join(q.expect[:4])} | {' '.join(q.ids) or '-'}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--set", type=Path, default=DEFAULT_SET, help="relevance set YAML")
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA,
                        help="duties YAML, for the items of each department")
    parser.add_argument("--db", help="database file passed to dutylist (default: the tool's)")
    parser.add_argument("--command", default=f"{sys.executable} -m dutylist",
                        help="how to run the tool (split on spaces)")
    parser.add_argument("--filters", action="store_true",
                        help="also check filter-by-department on department names")
    parser.add_argument("--misses", action="store_true", help="list every query missed")
    parser.add_argument("--json", action="store_true", help="JSON on stdout instead of a table")
    args = parser.parse_args(argv)

    by_department = department_items(args.data)
    queries = build_queries(load_set(args.set), by_department)
    run_search(queries, args.command.split(), args.db)
    table = score(queries)
    filters = run_filters(queries, by_department, args.db) if args.filters else None
    if args.json:
        payload = {
            "set": str(args.set),
            "python": platform.python_version(),
            "scores": table,
            "filters": filters,
            "queries": [
                {"kind": q.kind, "q": q.text, "expect": q.expect[:10], "returned": q.ids,
                 "partial": q.partial, "rank": q.rank()}
                for q in queries
            ],
        }
        print(json.dumps(payload, ensure_ascii=False, indent=1))
    else:
        print_table(table, filters)
        if args.misses:
            print_misses(queries)
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except BrokenPipeError:  # e.g. piped into head
        sys.stderr.close()
        sys.exit(0)
