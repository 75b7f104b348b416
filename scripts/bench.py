"""Benchmark dutylist: index build time, database size, search latency and CLI startup.

Synthetic corpora of 10, 100 and 1,000 townships' duty lists are made in memory
from the real list (``data/duties.yaml``): every township gets its own copy of
every item, with its own township name and small deterministic changes to the
text, merged into the three lists with ``seq`` running 1..N. Each corpus is
written with ``store.build.build_database`` and searched in-process with
``query.search`` on a warm connection. The CLI's cold start is compared with a
bare Typer hello-world in the same Python.

Run from the repository root::

    PYTHONPATH=src python scripts/bench.py --sizes 10,100,1000 --repeat 20

Options: ``--sizes`` (townships per corpus), ``--repeat`` (timed runs per query),
``--startup-runs`` (cold starts per command), ``--json`` (machine-readable output on
stdout), ``--json-out FILE`` (the JSON to a file as well), ``--keep DIR`` (keep the
built databases), ``--source`` (duties YAML), ``--no-startup`` / ``--startup-only``,
``--profile-build`` (cProfile of the largest build), ``--batch-lines`` / ``--batch-rounds`` /
``--no-batch`` (the ``--stdin`` batch against a plain python+sqlite3 loop), ``--diff-steps``
(edited steps of one item for the change-summary/diff timing), ``--diff-only``.
"""

from __future__ import annotations

import argparse
import cProfile
import dataclasses
import io
import json
import os
import platform
import pstats
import random
import re
import resource
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import textwrap
import time
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
SRC = REPO / "src"
DEFAULT_SOURCE = REPO / "data" / "duties.yaml"
FIXTURE_SOURCE = REPO / "tests" / "fixtures" / "mini.yaml"
DEFAULT_SYNONYMS = REPO / "data" / "synonyms.yaml"

SEED = 20261129

# Query classes, in the order they are reported.
QUERIES: dict[str, tuple[str, ...]] = {
    "1-char": ("犬", "乡", "村"),
    "2-char": ("低保", "养犬", "医保", "防汛", "党员"),
    "4-char": ("高龄津贴", "最低生活", "森林草原"),
    "multi-word": ("低保 审核", "高龄 津贴 发放", "农药 回收"),
    "synonym": ("狗", "打疫苗"),
    # Matches nothing, not even in the partial-match fallback.
    "nonsense": ("龘靐齉爩",),
    # Matches nothing as a whole, so the fallback ranks partial (bigram) matches.
    "fallback": ("低保火星基地",),
    # The words found in most items of a large corpus (the worst case for ranking).
    "common": ("工", "工作"),
    # Sixteen common words that no item holds all of: the worst partial-match fallback.
    "fallback-16": (
        "工作 管理 服务 村 乡 组织 开展 落实 负责 配合 指导 监督 检查 安全 宣传 火星",
    ),
}

# Packages whose import cost matters for startup (typer >= 0.26 bundles click, needs pydantic).
HEAVY_MODULES = ("sqlite_utils", "yaml", "rich", "pydantic", "pydantic_core", "click", "typer")

HELLO_WORLD = textwrap.dedent(
    """\
    import typer

    app = typer.Typer()


    @app.command()
    def hello(name: str = "world") -> None:
        print(f"hello {name}")


    if __name__ == "__main__":
        app()
    """
)

# Characters for generated place names (townships and villages).
_PLACE_HEADS = "东西南北上下前后大小新老红青白黑金石沙河泉山沟湾坡岭塘园林"
_PLACE_TAILS = "湖井台坪峪堡屯庄营寨洼滩岗源桥口梁坎坝渠溪川"
_TOWNSHIP_SUFFIXES = ("乡", "镇", "哈萨克族乡", "回族乡", "蒙古族乡")


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def import_dutylist() -> None:
    """Make ``dutylist`` importable from the source tree when it is not installed."""
    try:
        import dutylist  # noqa: F401
    except ImportError:
        sys.path.insert(0, str(SRC))


# ---------------------------------------------------------------- machine


def machine_info() -> dict[str, Any]:
    cpu = platform.processor() or "unknown"
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as handle:
            for line in handle:
                if line.startswith("model name"):
                    cpu = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    try:
        with open("/proc/meminfo", encoding="utf-8") as handle:
            mem_kib = int(handle.readline().split()[1])
        memory = f"{mem_kib / 1024 / 1024:.1f} GiB"
    except (OSError, ValueError, IndexError):
        memory = "unknown"
    return {
        "platform": platform.platform(),
        "cpu": cpu,
        "cores": os.cpu_count(),
        "memory": memory,
        "python": platform.python_version(),
        "python_executable": sys.executable,
        "sqlite": sqlite3.sqlite_version,
    }


# ---------------------------------------------------------------- corpus


def place_names(
    rng: random.Random, count: int, suffixes: tuple[str, ...], avoid: set[str]
) -> list[str]:
    """``count`` distinct generated place names, none of them in ``avoid``."""
    names: list[str] = []
    seen = set(avoid)
    while len(names) < count:
        length = rng.choice((1, 2, 2, 3))
        stem = "".join(rng.choice(_PLACE_HEADS) for _ in range(length)) + rng.choice(_PLACE_TAILS)
        name = stem + rng.choice(suffixes)
        if name not in seen:
            seen.add(name)
            names.append(name)
    return names


class Varier:
    """Deterministic small changes to one township's copy of the text."""

    def __init__(self, rng: random.Random, township: str, original: str, villages: list[str]):
        self.rng = rng
        self.township = township
        self.original = original
        self.villages = villages

    def text(self, text: str, rate: float = 0.12) -> str:
        text = text.replace(self.original, self.township)
        if self.rng.random() >= rate or len(text) < 4:
            return text
        operation = self.rng.randrange(3)
        index = self.rng.randrange(len(text) - 1)
        if operation == 0:  # swap two neighbouring characters
            return text[:index] + text[index + 1] + text[index] + text[index + 2 :]
        if operation == 1:  # drop a character
            return text[:index] + text[index + 1 :]
        return f"{text.rstrip('。；;')}（{self.rng.choice(self.villages)}）"

    def name(self, text: str) -> str:
        text = text.replace(self.original, self.township)
        if self.rng.random() < 0.15:
            return f"{text}（{self.rng.choice(self.villages)}）"
        return self.text(text, rate=0.05)

    def block(self, block: Any) -> Any:
        return dataclasses.replace(
            block,
            heading=self.text(block.heading) if block.heading else None,
            steps=tuple(self.text(step) for step in block.steps),
        )


def make_corpus(catalog: Any, townships: int, seed: int = SEED) -> Any:
    """``townships`` varied copies of every item, merged into three contiguous lists.

    Township 0 is the real list unchanged; the others get a generated name (in
    place of the real one wherever the text names it) and small changes.
    """
    from dutylist.model import LIST_KINDS

    original = catalog.document.township
    rng = random.Random(seed)
    names = [original, *place_names(rng, townships - 1, _TOWNSHIP_SUFFIXES, {original})]
    villages = list(place_names(rng, 400, ("村",), set()))
    items: dict[str, list[Any]] = {kind: [] for kind in LIST_KINDS if kind in catalog.lists}
    for number, township in enumerate(names):
        varier = Varier(random.Random(f"{seed}:{number}"), township, original, villages)
        for kind in items:
            for duty in catalog.lists[kind].items:
                seq = len(items[kind]) + 1
                if number == 0:
                    items[kind].append(dataclasses.replace(duty, seq=seq))
                    continue
                items[kind].append(
                    dataclasses.replace(
                        duty,
                        seq=seq,
                        name=varier.name(duty.name),
                        note=varier.text(duty.note, 0.0) if duty.note else None,
                        upper_duties=tuple(varier.block(b) for b in duty.upper_duties),
                        township_duties=tuple(varier.block(b) for b in duty.township_duties),
                    )
                )
    lists = {
        kind: dataclasses.replace(catalog.lists[kind], items=tuple(duties))
        for kind, duties in items.items()
    }
    document = dataclasses.replace(catalog.document, source=None)
    return dataclasses.replace(catalog, document=document, lists=lists)


def count_items(catalog: Any) -> dict[str, int]:
    return {kind: len(duty_list.items) for kind, duty_list in catalog.lists.items()}


# ---------------------------------------------------------------- measuring


def percentile(samples: list[float], fraction: float) -> float:
    """Linear-interpolated percentile (as numpy's default)."""
    ordered = sorted(samples)
    if not ordered:
        return float("nan")
    position = (len(ordered) - 1) * fraction
    low = int(position)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


def summary(samples_ms: list[float]) -> dict[str, float]:
    return {
        "p50_ms": round(percentile(samples_ms, 0.50), 3),
        "p95_ms": round(percentile(samples_ms, 0.95), 3),
        "p99_ms": round(percentile(samples_ms, 0.99), 3),
        "max_ms": round(max(samples_ms), 3),
        "samples": len(samples_ms),
    }


def _proc_status_kib(field: str) -> int | None:
    """A ``/proc/self/status`` memory figure (VmRSS, VmHWM) in KiB, where Linux has one."""
    try:
        with open("/proc/self/status", encoding="ascii") as handle:
            for line in handle:
                if line.startswith(field + ":"):
                    return int(line.split()[1])
    except (OSError, ValueError, IndexError):
        pass
    return None


def _reset_peak_rss() -> bool:
    """Reset this process's peak RSS (VmHWM) so the next peak is the build's (Linux >= 4.0)."""
    try:
        with open("/proc/self/clear_refs", "w", encoding="ascii") as handle:
            handle.write("5")
        return True
    except OSError:
        return False


def _build_function() -> Callable[..., Any]:
    """``build_database`` wherever this checkout keeps it (before/after the restructure)."""
    try:
        from dutylist.store.build import build_database
    except ImportError:
        from dutylist.store import build_database  # type: ignore[attr-defined,no-redef]
    return build_database


def time_build(
    catalog: Any, target: Path, synonyms: dict[str, list[str]], profile: bool
) -> tuple[float, str | None, dict[str, float | None]]:
    """Seconds to build, an optional cProfile report, and memory: the process's RSS before
    the build (the corpus is already in memory) and its peak during the build, in MiB."""
    import gc

    build_database = _build_function()

    gc.collect()
    reset = _reset_peak_rss()
    before = _proc_status_kib("VmRSS")
    profiler = cProfile.Profile() if profile else None
    cpu_start = time.process_time()
    start = time.perf_counter()
    if profiler:
        profiler.enable()
    build_database(catalog, target, synonyms=synonyms, keep_backup=False)
    if profiler:
        profiler.disable()
    elapsed = time.perf_counter() - start
    cpu = time.process_time() - cpu_start
    peak = _proc_status_kib("VmHWM") if reset else None
    memory = {
        # CPU seconds of the build (user + system): less sensitive than the wall
        # clock to other processes on a shared machine.
        "cpu_seconds": round(cpu, 2),
        "rss_before_mib": round(before / 1024, 1) if before else None,
        "peak_rss_mib": round(peak / 1024, 1) if peak else None,
        "build_added_mib": round((peak - before) / 1024, 1) if peak and before else None,
    }
    report = None
    if profiler:
        out = io.StringIO()
        pstats.Stats(profiler, stream=out).sort_stats("cumulative").print_stats(25)
        report = out.getvalue()
    return elapsed, report, memory


def time_queries(db_path: Path, repeat: int) -> dict[str, Any]:
    """Latency of every query, run ``repeat`` times in-process on one warm connection."""
    from dutylist import query

    try:
        from dutylist.store.schema import connect, load_synonyms
    except ImportError:  # the layout before the restructure, for before/after runs
        connect, load_synonyms = query.connect, query.load_synonyms  # type: ignore[attr-defined]

    conn = connect(db_path)
    # As the CLI does: the synonyms are read once per process, not per query.
    synonyms = load_synonyms(conn)
    per_query: dict[str, Any] = {}
    per_class: dict[str, list[float]] = {}
    everything: list[float] = []
    try:
        for query_class, texts in QUERIES.items():
            for text in texts:
                result = query.search(conn, text, synonyms=synonyms)  # warm-up, hit count
                samples = []
                for _ in range(repeat):
                    start = time.perf_counter()
                    query.search(conn, text, synonyms=synonyms)
                    samples.append((time.perf_counter() - start) * 1000)
                per_query[text] = {
                    "class": query_class,
                    "total": result.total,
                    "partial": result.partial,
                    **summary(samples),
                }
                per_class.setdefault(query_class, []).extend(samples)
                everything.extend(samples)
    finally:
        conn.close()
    return {
        "overall": summary(everything),
        "classes": {name: summary(samples) for name, samples in per_class.items()},
        "queries": per_query,
    }


def bench_size(
    catalog: Any,
    townships: int,
    synonyms: dict[str, list[str]],
    workdir: Path,
    repeat: int,
    profile: bool,
) -> dict[str, Any]:
    start = time.perf_counter()
    corpus = make_corpus(catalog, townships)
    corpus_seconds = time.perf_counter() - start
    items = count_items(corpus)
    log(f"[{townships}] corpus: {sum(items.values())} items in {corpus_seconds:.1f} s; building…")
    target = workdir / f"bench-{townships}.db"
    load = os.getloadavg()[0]
    build_seconds, profile_report, memory = time_build(corpus, target, synonyms, profile)
    size_mb = target.stat().st_size / 1e6
    log(
        f"[{townships}] built in {build_seconds:.1f} s (CPU {memory['cpu_seconds']} s, "
        f"load {load:.1f}), {size_mb:.1f} MB, "
        f"peak RSS {memory['peak_rss_mib']} MiB (corpus {memory['rss_before_mib']} MiB); "
        "searching…"
    )
    del corpus
    latency = time_queries(target, repeat)
    overall = latency["overall"]
    log(
        f"[{townships}] p50 {overall['p50_ms']:.2f} ms, p95 {overall['p95_ms']:.2f} ms, "
        f"p99 {overall['p99_ms']:.2f} ms"
    )
    result = {
        "townships": townships,
        "items": sum(items.values()),
        "items_per_list": items,
        "corpus_seconds": round(corpus_seconds, 2),
        "build_seconds": round(build_seconds, 2),
        "build_load": round(load, 2),
        "build_memory": memory,
        "db_mb": round(size_mb, 2),
        "kb_per_item": round(size_mb * 1000 / sum(items.values()), 3),
        "db_path": str(target),
        "latency": latency,
        "max_rss_mib": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
    }
    if profile_report:
        result["build_profile"] = profile_report
    return result


# ---------------------------------------------------------------- startup


def _timed_run(command: list[str], env: dict[str, str], cwd: Path) -> tuple[float, int, str]:
    start = time.perf_counter()
    completed = subprocess.run(command, env=env, cwd=cwd, capture_output=True, check=False)
    elapsed = (time.perf_counter() - start) * 1000
    return elapsed, completed.returncode, completed.stderr.decode("utf-8", "replace")


def cli_command() -> tuple[list[str], str]:
    """How to start the CLI: the installed console script, else ``python -m dutylist``."""
    script = Path(sys.executable).parent / "dutylist"
    if script.is_file() and os.access(script, os.X_OK):
        return [str(script)], f"console script {script}"
    return [
        sys.executable,
        "-m",
        "dutylist",
    ], f"{sys.executable} -m dutylist (console script not installed)"


def subprocess_env(db_path: Path) -> dict[str, str]:
    import dutylist

    env = dict(os.environ)
    package_root = str(Path(dutylist.__file__).resolve().parent.parent)
    env["PYTHONPATH"] = os.pathsep.join(p for p in (package_root, env.get("PYTHONPATH")) if p)
    env["DUTYLIST_DB"] = str(db_path)
    env.pop("PYTHONSTARTUP", None)
    # An installed package has its bytecode compiled at install time. With
    # PYTHONDONTWRITEBYTECODE set (as in some shells), a source checkout would
    # recompile every module on every start and the comparison would be unfair;
    # the untimed warm-up run writes the bytecode.
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    return env


def imported_modules(python_args: list[str], env: dict[str, str], cwd: Path) -> dict[str, Any]:
    """Top-level modules imported by ``python *python_args`` (``-X importtime``)."""
    completed = subprocess.run(
        [sys.executable, "-X", "importtime", *python_args],
        env=env,
        cwd=cwd,
        capture_output=True,
        check=False,
    )
    # Self time summed per top-level package (typer.main and typer._adapters count as typer).
    own_us: dict[str, int] = {}
    pattern = re.compile(r"import time:\s+(\d+) \|\s+\d+ \|\s*(\S+)")
    for line in completed.stderr.decode("utf-8", "replace").splitlines():
        match = pattern.match(line)
        if match:
            package = match.group(2).split(".", 1)[0]
            own_us[package] = own_us.get(package, 0) + int(match.group(1))
    heavy = {name: round(own_us[name] / 1000, 1) for name in HEAVY_MODULES if name in own_us}
    slowest = sorted(own_us.items(), key=lambda item: item[1], reverse=True)[:8]
    return {
        "heavy_imported_ms": heavy,
        "heavy_not_imported": [name for name in HEAVY_MODULES if name not in own_us],
        "slowest_packages_ms": {name: round(us / 1000, 1) for name, us in slowest},
        "total_import_ms": round(sum(own_us.values()) / 1000, 1),
        "packages": len(own_us),
    }


def real_list_db(catalog: Any, synonyms: dict[str, list[str]], workdir: Path) -> Path:
    """The real list built once into ``workdir`` (for the startup and batch benchmarks)."""
    build_database = _build_function()
    db_path = workdir / "startup.db"
    if not db_path.exists():
        build_database(catalog, db_path, synonyms=synonyms, keep_backup=False)
    return db_path


def bench_startup(
    catalog: Any, synonyms: dict[str, list[str]], workdir: Path, runs: int
) -> dict[str, Any]:
    """Cold start of ``dutylist search 低保`` against a bare Typer hello-world."""
    command, how = cli_command()
    db_path = real_list_db(catalog, synonyms, workdir)
    env = subprocess_env(db_path)
    version = subprocess.run(
        [*command, "--version"], env=env, cwd=workdir, capture_output=True, check=False
    )
    if version.returncode != 0:
        reason = (version.stderr.decode("utf-8", "replace").strip().splitlines() or ["?"])[-1]
        return {"skipped": f"`{' '.join(command[-2:])} --version` failed: {reason}"}
    hello = workdir / "typer_hello.py"
    hello.write_text(HELLO_WORLD, encoding="utf-8")
    commands: dict[str, list[str]] = {
        "python_bare": [sys.executable, "-c", "pass"],
        "typer_hello": [sys.executable, str(hello)],
        "dutylist_search": [*command, "search", "低保"],
    }
    samples: dict[str, list[float]] = {name: [] for name in commands}
    exit_codes: dict[str, set[int]] = {name: set() for name in commands}
    errors: dict[str, str] = {}
    for argv in commands.values():  # one untimed run each, to warm the page cache
        _timed_run(argv, env, workdir)
    for _ in range(runs):  # interleaved, so drift affects all commands alike
        for name, argv in commands.items():
            elapsed, code, stderr = _timed_run(argv, env, workdir)
            samples[name].append(elapsed)
            exit_codes[name].add(code)
            if code != 0:
                errors[name] = stderr.strip()[-500:]
    medians = {name: round(statistics.median(values), 1) for name, values in samples.items()}
    ratio = medians["dutylist_search"] / medians["typer_hello"]
    return {
        "how": how,
        "version": version.stdout.decode("utf-8", "replace").strip(),
        "runs": runs,
        "median_ms": medians,
        "min_ms": {name: round(min(values), 1) for name, values in samples.items()},
        "exit_codes": {name: sorted(codes) for name, codes in exit_codes.items()},
        "errors": errors,
        "ratio": round(ratio, 3),
        "target_ratio": 1.2,
        "meets_target": ratio <= 1.2,
        # A console script runs dutylist.cli:main, which imports what ``-m dutylist`` does.
        "imports_dutylist": imported_modules(["-m", "dutylist", "search", "低保"], env, workdir),
        "imports_typer_hello": imported_modules([str(hello)], env, workdir),
    }


# ---------------------------------------------------------------- batch (--stdin)

# The floor for a batch of queries: one process, one connection, one ranked FTS5
# query per line (bigram phrases, as the index stores them), rows written as JSON
# lines. Self-contained, so that whatever dutylist does per query is measured
# against plain python + sqlite3 and not against itself.
_CONNECT_LINE = 'conn = sqlite3.connect(f"file:{sys.argv[1]}?mode=ro", uri=True)\n'
_BEGIN = 'conn.execute("BEGIN")\n'

BASELINE_LOOP = textwrap.dedent(
    """\
    import json, sqlite3, sys

    conn = sqlite3.connect(f"file:{sys.argv[1]}?mode=ro", uri=True)
    # Schema 5 keeps single characters in their own table (chars_fts, tagged by field):
    # a one-character word is looked up there, as dutylist does.
    chars = conn.execute(
        "SELECT 1 FROM sqlite_master WHERE name = 'chars_fts'"
    ).fetchone() is not None
    columns = (
        "d.id, d.list, d.seq, d.category, d.name, "
        "(SELECT group_concat(p.name, '、') FROM duty_departments l "
        "JOIN departments p ON p.id = l.department_id WHERE l.duty_id = d.id) AS departments, "
        "d.note"
    )
    ranked = (
        f"SELECT {columns}, bm25(duties_fts) AS rank "
        "FROM duties_fts JOIN duties d ON d.rowid = duties_fts.rowid "
        "WHERE duties_fts MATCH ?{also} ORDER BY rank LIMIT 20"
    )
    # (+: filter the FTS scan; as an index, SQLite would run the MATCH once per rowid)
    also = " AND +duties_fts.rowid IN (SELECT rowid FROM chars_fts WHERE chars_fts MATCH ?)"
    # Only characters: chars_fts holds no positions, so no bm25; in document order.
    by_chars = (
        f"SELECT {columns}, 0.0 AS rank FROM chars_fts JOIN duties d "
        "ON d.rowid = chars_fts.rowid WHERE chars_fts MATCH ? ORDER BY d.rowid LIMIT 20"
    )
    names = ("id", "list", "seq", "category", "name", "departments", "note", "score")


    def phrase(word):
        if len(word) == 1:
            return '"' + word + '"'
        return "(" + " + ".join('"' + a + b + '"' for a, b in zip(word, word[1:])) + ")"


    def char(word):
        return "(" + " OR ".join(f'"{tag}{word}"' for tag in "ndb") + ")"


    out = sys.stdout
    for line in sys.stdin:
        text = line.strip()
        if not text:
            continue
        words = text.split()
        single = [w for w in words if len(w) == 1] if chars else []
        multi = [w for w in words if w not in single]
        if not multi:
            sql, args = by_chars, (" AND ".join(map(char, single)),)
        elif single:
            sql = ranked.format(also=also)
            args = (" AND ".join(map(phrase, multi)), " AND ".join(map(char, single)))
        else:
            sql, args = ranked.format(also=""), (" AND ".join(map(phrase, multi)),)
        for row in conn.execute(sql, args):
            record = dict(zip(names, row))
            record["query"] = text
            out.write(json.dumps(record, ensure_ascii=False) + "\\n")
    """
)


# Runs a command and writes its peak RSS (KiB) to a file. The command is forked
# from this small process, not from the bench, whose memory Linux would count in
# the child's peak (the high-water mark survives fork and exec).
_PEAK_RSS_WRAPPER = (
    "import resource, subprocess, sys\n"
    "code = subprocess.run(sys.argv[2:]).returncode\n"
    "usage = resource.getrusage(resource.RUSAGE_CHILDREN)\n"
    "open(sys.argv[1], 'w').write(str(usage.ru_maxrss))\n"
    "sys.exit(code)\n"
)


def _timed_child(
    command: list[str], stdin_path: Path, env: dict[str, str], cwd: Path
) -> tuple[float, float, int]:
    """(wall ms, peak RSS MiB, exit code) of one child process reading ``stdin_path``."""
    peak_file = cwd / "peak_rss.txt"
    wrapped = [sys.executable, "-c", _PEAK_RSS_WRAPPER, str(peak_file), *command]
    with open(stdin_path, "rb") as stdin:
        start = time.perf_counter()
        code = subprocess.run(
            wrapped, stdin=stdin, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
            env=env, cwd=cwd, check=False,
        ).returncode
        elapsed = (time.perf_counter() - start) * 1000
    return elapsed, int(peak_file.read_text(encoding="ascii")) / 1024, code


def bench_batch(db_path: Path, workdir: Path, lines: int, rounds: int) -> dict[str, Any]:
    """Per-query cost of ``dutylist search --stdin`` against the plain python+sqlite3 loop.

    Each command reads ``lines`` queries and, separately, one query; the per-query
    cost is the difference of the medians divided by ``lines - 1``, so process
    start is not counted. Runs alternate between the commands.
    """
    command, how = cli_command()
    env = subprocess_env(db_path)
    texts = [text for texts in QUERIES.values() for text in texts]
    many = workdir / f"batch-{lines}.txt"
    many.write_text(
        "".join(texts[i % len(texts)] + "\n" for i in range(lines)), encoding="utf-8"
    )
    one = workdir / "batch-1.txt"
    one.write_text(texts[0] + "\n", encoding="utf-8")
    loop = workdir / "baseline_loop.py"
    loop.write_text(BASELINE_LOOP, encoding="utf-8")
    # The same loop inside one read transaction, as dutylist runs a command: the tighter
    # floor, reported beside the plain loop (the target is against the plain one).
    loop_tx = workdir / "baseline_loop_tx.py"
    loop_tx.write_text(BASELINE_LOOP.replace(_CONNECT_LINE, _CONNECT_LINE + _BEGIN), "utf-8")
    commands = {
        "dutylist": [*command, "search", "--stdin", "--format", "jsonl"],
        "baseline": [sys.executable, str(loop), str(db_path)],
        "baseline_tx": [sys.executable, str(loop_tx), str(db_path)],
    }
    samples: dict[str, dict[str, list[float]]] = {
        name: {"many": [], "one": []} for name in commands
    }
    peak_rss: dict[str, float] = {}
    codes: dict[str, set[int]] = {name: set() for name in commands}
    for argv in commands.values():  # warm-up (bytecode, page cache)
        _timed_child(argv, one, env, workdir)
    for _ in range(rounds):
        for name, argv in commands.items():
            for key, path in (("one", one), ("many", many)):
                elapsed, rss, code = _timed_child(argv, path, env, workdir)
                samples[name][key].append(elapsed)
                codes[name].add(code)
                if key == "many":
                    peak_rss[name] = max(peak_rss.get(name, 0.0), rss)
    per_query = {
        name: (statistics.median(s["many"]) - statistics.median(s["one"])) / (lines - 1)
        for name, s in samples.items()
    }
    failed = {name: sorted(c) for name, c in codes.items() if c - {0, 1}}
    if failed:  # 1 = nothing found for the last query, which is fine
        raise SystemExit(f"batch: a command failed (exit codes {failed}): {commands}")
    ratio = per_query["dutylist"] / per_query["baseline"]
    ratio_tx = per_query["dutylist"] / per_query["baseline_tx"]
    return {
        "how": how,
        "db": str(db_path),
        "lines": lines,
        "rounds": rounds,
        "load": round(os.getloadavg()[0], 2),
        "per_query_ms": {name: round(v, 4) for name, v in per_query.items()},
        "median_ms": {
            name: {key: round(statistics.median(v), 1) for key, v in s.items()}
            for name, s in samples.items()
        },
        "peak_rss_mib": {name: round(v, 1) for name, v in peak_rss.items()},
        "exit_codes": {name: sorted(c) for name, c in codes.items()},
        "ratio": round(ratio, 2),
        "ratio_one_transaction": round(ratio_tx, 2),
        "target_ratio": 3.0,
        "meets_target": ratio <= 3.0,
    }


# ---------------------------------------------------------------- output

# At the largest size (issue 14): build time, peak memory of the build, latency, size.
TARGETS = {
    "build_seconds": 45.0,
    "build_peak_mib": 0.8 * 1024,
    "p50_ms": 20.0,
    "p99_ms": 50.0,
    "kb_per_item": 1.5,
}


def format_report(report: dict[str, Any]) -> str:
    lines: list[str] = []
    machine = report["machine"]
    lines.append("dutylist benchmark")
    lines.append(f"  machine : {machine['platform']}")
    lines.append(f"  cpu     : {machine['cpu']}, {machine['cores']} cores, {machine['memory']}")
    lines.append(f"  python  : {machine['python']} ({machine['python_executable']})")
    lines.append(f"  sqlite  : {machine['sqlite']}")
    lines.append(f"  source  : {report['source']} ({report['source_items']} items)")
    lines.append(f"  repeat  : {report['repeat']} timed runs per query, warm connection")
    code = report["code"]
    shown = ("query.py", "store/build.py", "store/schema.py")
    lines.append("  code    : " + ", ".join(f"{n} {code[n]}" for n in shown if n in code))
    lines.append("")
    sizes = report["sizes"]
    if sizes:
        header = (
            f"{'townships':>9} {'items':>8} {'build s':>8} {'CPU s':>6} {'load':>5} "
            f"{'peak MiB':>9} {'DB MB':>8} {'KB/item':>8} "
            f"{'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8} {'max ms':>8}"
        )
        lines.append(header)
        for size in sizes:
            overall = size["latency"]["overall"]
            peak = size["build_memory"]["peak_rss_mib"]
            lines.append(
                f"{size['townships']:>9} {size['items']:>8} {size['build_seconds']:>8.1f} "
                f"{size['build_memory']['cpu_seconds']:>6.1f} "
                f"{size['build_load']:>5.1f} {peak if peak is not None else '?':>9} "
                f"{size['db_mb']:>8.1f} {size['kb_per_item']:>8.2f} "
                f"{overall['p50_ms']:>8.2f} {overall['p95_ms']:>8.2f} "
                f"{overall['p99_ms']:>8.2f} {overall['max_ms']:>8.2f}"
            )
        lines.append(
            "(peak MiB: the bench process's peak RSS during the build, the in-memory corpus "
            "included; RSS before each build: "
            + ", ".join(
                f"{s['townships']}: {s['build_memory']['rss_before_mib']}" for s in sizes
            )
            + " MiB)"
        )
        lines.append("")
        lines.append("p50 / p99 ms by query class:")
        lines.append(
            f"{'class':<12}" + "".join(f"{str(s['townships']) + ' lists':>20}" for s in sizes)
        )
        for query_class in QUERIES:
            cells = []
            for size in sizes:
                stats = size["latency"]["classes"][query_class]
                cells.append(f"{stats['p50_ms']:>9.2f} / {stats['p99_ms']:<8.2f}")
            lines.append(f"{query_class:<12}" + "".join(f"{c:>20}" for c in cells))
        lines.append("")
        lines.append("per query: p50 ms (hits; * = partial-match fallback)")
        lines.append(f"{'query':<16}" + "".join(f"{str(s['townships']):>22}" for s in sizes))
        for text in (t for texts in QUERIES.values() for t in texts):
            cells = []
            for size in sizes:
                stats = size["latency"]["queries"][text]
                star = "*" if stats["partial"] else ""
                cells.append(f"{stats['p50_ms']:.2f} ({stats['total']}{star})")
            # East Asian characters are two columns wide; pad by display width.
            pad = 16 - sum(2 if ord(ch) > 0x2E80 else 1 for ch in text)
            lines.append(text + " " * max(pad, 1) + "".join(f"{c:>22}" for c in cells))
        lines.append("")
        largest = sizes[-1]
        overall = largest["latency"]["overall"]
        checks = {
            "build_seconds": largest["build_seconds"],
            "build_peak_mib": largest["build_memory"]["peak_rss_mib"],
            "p50_ms": overall["p50_ms"],
            "p99_ms": overall["p99_ms"],
            "kb_per_item": largest["kb_per_item"],
        }
        verdicts = []
        for name, value in checks.items():
            if value is None:
                verdicts.append(f"{name} not measured")
                continue
            verdict = "ok" if value <= TARGETS[name] else "MISSED"
            verdicts.append(f"{name} {value} (target ≤ {TARGETS[name]:g}: {verdict})")
        lines.append(f"targets at {largest['townships']} lists: " + "; ".join(verdicts))
        for size in sizes:
            if "build_profile" in size:
                lines.append("")
                lines.append(f"cProfile of the {size['townships']}-list build (cumulative):")
                lines.append(size["build_profile"])
    for diff in report.get("diff", []):
        lines.append(
            f"diff of one item with {diff['steps']} edited steps: change summary "
            f"{diff['summary_seconds']} s, with text and json {diff['diff_seconds']} s"
        )
    if report.get("diff_only"):
        return "\n".join(lines)
    batch = report.get("batch")
    if batch:
        lines.append("")
        per = batch["per_query_ms"]
        lines.append(
            f"batch ({batch['lines']} queries on stdin, real list, median of {batch['rounds']} "
            f"rounds, load {batch['load']}): per query dutylist search --stdin "
            f"{per['dutylist']:.3f} ms, python+sqlite3 loop {per['baseline']:.3f} ms; "
            f"ratio {batch['ratio']:.2f}x (target ≤ 3x: "
            f"{'ok' if batch['meets_target'] else 'MISSED'}); peak RSS MiB {batch['peak_rss_mib']}"
        )
        lines.append(
            f"  the loop in one read transaction, as dutylist reads: {per['baseline_tx']:.3f} ms; "
            f"ratio {batch['ratio_one_transaction']:.2f}x"
        )
    startup = report.get("startup")
    lines.append("")
    if startup is None:
        lines.append("startup: not measured (--no-startup)")
    elif "skipped" in startup:
        lines.append(f"startup: SKIPPED — {startup['skipped']}")
    else:
        medians = startup["median_ms"]
        lines.append(
            f"startup ({startup['how']}; median of {startup['runs']} cold runs, stdout piped):"
        )
        lines.append(f"  python -c pass        {medians['python_bare']:>8.1f} ms")
        lines.append(f"  typer hello-world     {medians['typer_hello']:>8.1f} ms")
        lines.append(f"  dutylist search 低保  {medians['dutylist_search']:>8.1f} ms")
        verdict = "ok" if startup["meets_target"] else "MISSED"
        lines.append(
            f"  ratio dutylist / typer hello: {startup['ratio']:.2f}x (target ≤ 1.2x: {verdict})"
        )
        if startup["errors"]:
            lines.append(f"  non-zero exits: {startup['exit_codes']}; stderr: {startup['errors']}")
        for label, key in (
            ("dutylist search", "imports_dutylist"),
            ("typer hello", "imports_typer_hello"),
        ):
            imports = startup[key]
            heavy = (
                ", ".join(f"{k} {v} ms" for k, v in imports["heavy_imported_ms"].items()) or "none"
            )
            lines.append(f"  {label}: heavy packages imported (own import time): {heavy}")
            slowest = ", ".join(f"{k} {v}" for k, v in imports["slowest_packages_ms"].items())
            lines.append(
                f"  {label}: all imports {imports['total_import_ms']} ms; slowest: {slowest}"
            )
            lines.append(
                f"  {label}: not imported: {', '.join(imports['heavy_not_imported']) or 'none'}"
            )
    return "\n".join(lines)


# ---------------------------------------------------------------- change summary / diff


def edited_steps_pair(catalog: Any, steps: int) -> tuple[Any, Any]:
    """Two versions of the list that differ in one coordinated item with ``steps`` edited steps.

    The old item's upper duties are ``steps`` real steps (cycled, numbered to keep them
    distinct); in the new version every one of them has one character inserted.
    """
    from dutylist.model import Block

    pool = [s for d in catalog.duties() for b in (*d.upper_duties, *d.township_duties)
            for s in b.steps]
    old_steps = tuple(f"{pool[n % len(pool)]}（{n}）" for n in range(steps))
    new_steps = tuple(s[: len(s) // 2] + "改" + s[len(s) // 2 :] for s in old_steps)

    def with_steps(texts: tuple[str, ...]) -> Any:
        lists = dict(catalog.lists)
        coordinated = lists["coordinated"]
        first = dataclasses.replace(coordinated.items[0], upper_duties=(Block(steps=texts),))
        lists["coordinated"] = dataclasses.replace(
            coordinated, items=(first, *coordinated.items[1:])
        )
        return dataclasses.replace(catalog, lists=lists)

    return with_steps(old_steps), with_steps(new_steps)


def bench_diff(catalog: Any, step_counts: list[int]) -> list[dict[str, Any]]:
    """Seconds for build's change summary and ``diff`` (text and json) of one item with N
    edited steps: the comparison must grow with the size of the change, not its square."""
    from dutylist.render.diff import summary_lines, text_lines
    from dutylist.revisions import diff_catalogs

    results = []
    for steps in step_counts:
        old, new = edited_steps_pair(catalog, steps)
        started = time.perf_counter()
        result = diff_catalogs(old, new)
        summary_lines(result)
        compared = time.perf_counter() - started
        text_lines(result)
        result.to_json()
        total = time.perf_counter() - started
        log(f"diff: {steps} edited steps: summary {compared:.2f} s, "
            f"with text and json {total:.2f} s")
        results.append({"steps": steps, "summary_seconds": round(compared, 3),
                        "diff_seconds": round(total, 3)})
    return results


# ---------------------------------------------------------------- main


def parse_sizes(text: str) -> list[int]:
    try:
        sizes = [int(part) for part in text.split(",") if part.strip()]
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"not a comma-separated list of numbers: {text!r}"
        ) from None
    if not sizes or any(size < 1 for size in sizes):
        raise argparse.ArgumentTypeError("sizes must be positive numbers")
    return sizes


def parse_args(argv: Iterable[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--sizes",
        type=parse_sizes,
        default=[10, 100, 1000],
        help="townships per synthetic corpus, comma-separated (default 10,100,1000)",
    )
    parser.add_argument("--repeat", type=int, default=20, help="timed runs per query (default 20)")
    parser.add_argument(
        "--startup-runs",
        type=int,
        default=15,
        help="cold starts per command for the startup comparison (default 15)",
    )
    parser.add_argument("--json", action="store_true", help="print machine-readable JSON on stdout")
    parser.add_argument(
        "--json-out", type=Path, metavar="FILE", help="also write the JSON report to FILE"
    )
    parser.add_argument("--keep", type=Path, metavar="DIR", help="keep the built databases in DIR")
    parser.add_argument("--source", type=Path, help=f"duties YAML (default {DEFAULT_SOURCE})")
    parser.add_argument("--synonyms", type=Path, default=DEFAULT_SYNONYMS, help="synonyms YAML")
    parser.add_argument("--no-startup", action="store_true", help="skip the CLI startup comparison")
    parser.add_argument(
        "--startup-only", action="store_true", help="only the CLI startup comparison"
    )
    parser.add_argument(
        "--profile-build", action="store_true", help="cProfile the build of the largest corpus"
    )
    parser.add_argument(
        "--batch-lines",
        type=int,
        default=2000,
        help="queries per --stdin batch for the batch comparison (default 2000)",
    )
    parser.add_argument(
        "--batch-rounds", type=int, default=3, help="rounds of the batch comparison (default 3)"
    )
    parser.add_argument("--no-batch", action="store_true", help="skip the --stdin batch comparison")
    parser.add_argument(
        "--diff-steps",
        type=parse_sizes,
        default=[250, 500, 1000],
        help="edited steps of one item for the change-summary/diff timing (default 250,500,1000)",
    )
    parser.add_argument(
        "--diff-only", action="store_true", help="only the change-summary/diff timing"
    )
    args = parser.parse_args(list(argv) if argv is not None else None)
    if args.repeat < 1 or args.startup_runs < 1 or args.batch_rounds < 1:
        parser.error("--repeat, --startup-runs and --batch-rounds must be at least 1")
    if args.batch_lines < 2:
        parser.error("--batch-lines must be at least 2")
    return args


def resolve_source(option: Path | None) -> tuple[Path, bool]:
    """The duties YAML to vary, and whether it is the fixture stand-in."""
    if option is not None:
        return option, False
    if DEFAULT_SOURCE.is_file():
        return DEFAULT_SOURCE, False
    log(f"WARNING: {DEFAULT_SOURCE} not found; using {FIXTURE_SOURCE} (numbers NOT representative)")
    return FIXTURE_SOURCE, True


def code_fingerprint() -> dict[str, str]:
    """Short sha256 of each dutylist module, since the package changes under the benchmark."""
    import hashlib

    import dutylist

    package = Path(dutylist.__file__).resolve().parent
    return {
        path.relative_to(package).as_posix(): hashlib.sha256(path.read_bytes()).hexdigest()[:12]
        for path in sorted(package.rglob("*.py"))
    }


def run(args: argparse.Namespace, workdir: Path) -> dict[str, Any]:
    from dutylist import source as dl_source

    source_path, stand_in = resolve_source(args.source)
    catalog = dl_source.load_catalog(source_path)
    synonyms = dl_source.load_synonyms(args.synonyms) if args.synonyms.is_file() else {}
    report: dict[str, Any] = {
        "date": time.strftime("%Y-%m-%d"),
        "command": " ".join([Path(sys.executable).name, *sys.argv]),
        "machine": machine_info(),
        "code": code_fingerprint(),
        "source": str(source_path),
        "source_is_fixture": stand_in,
        "source_items": sum(count_items(catalog).values()),
        "synonyms": len(synonyms),
        "repeat": args.repeat,
        "queries": {name: list(texts) for name, texts in QUERIES.items()},
        "sizes": [],
        "startup": None,
        "batch": None,
        "diff_only": args.diff_only,
    }
    if not args.startup_only:
        report["diff"] = bench_diff(catalog, args.diff_steps)
    if args.diff_only:
        return report
    if not args.startup_only:
        largest = max(args.sizes)
        for townships in args.sizes:
            profile = args.profile_build and townships == largest
            report["sizes"].append(
                bench_size(catalog, townships, synonyms, workdir, args.repeat, profile)
            )
    if not args.no_startup:
        log("startup: timing cold starts…")
        report["startup"] = bench_startup(catalog, synonyms, workdir, args.startup_runs)
    if not args.no_batch:
        log("batch: --stdin against the python+sqlite3 loop…")
        db_path = real_list_db(catalog, synonyms, workdir)
        report["batch"] = bench_batch(db_path, workdir, args.batch_lines, args.batch_rounds)
    return report


def with_workdir(keep: Path | None, body: Callable[[Path], dict[str, Any]]) -> dict[str, Any]:
    if keep is not None:
        keep.mkdir(parents=True, exist_ok=True)
        return body(keep)
    with tempfile.TemporaryDirectory(prefix="dutylist-bench-") as tmp:
        return body(Path(tmp))


def main(argv: Iterable[str] | None = None) -> int:
    args = parse_args(argv)
    import_dutylist()
    report = with_workdir(args.keep, lambda workdir: run(args, workdir))
    text = json.dumps(report, ensure_ascii=False, indent=2)
    if args.json_out is not None:
        args.json_out.write_text(text + "\n", encoding="utf-8")
    if args.json:
        print(text)
    else:
        print(format_report(report))
    return 0


if __name__ == "__main__":
    sys.exit(main())
