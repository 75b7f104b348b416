"""The Datasette plugin (``pip install 'dutylist[web]'``) on the real database.

Requests go through Datasette's own test client (``Datasette(...).client``)
against a database built from the 2024 edition (tests/fixtures/duties_2024.yaml); answers are compared with the
command line's. Skipped when Datasette is not installed (CI installs the extra
and runs this file in a step of its own).
"""

from __future__ import annotations

import asyncio
import contextlib
import gc
import json
import os
import re
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.error
import urllib.request
import warnings
from collections import Counter
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from typer.testing import Result

from dutylist import labels, query
from dutylist.names import category_names

# Datasette 0.65 opens throwaway in-memory connections and never closes them
# (datasette.utils.detect_json1, run on import and on table pages); from Python
# 3.13 each is a ResourceWarning when the garbage collector frees it, which may
# be much later. So: ignored in this module's tests, and collected right away,
# while ignored, after importing Datasette and after each test here. Our own
# connections in these tests are all closed.
_LEAK_MESSAGE = "unclosed database in <sqlite3.Connection"


def _collect_datasette_leaks() -> None:
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", _LEAK_MESSAGE, ResourceWarning)
        gc.collect()


with warnings.catch_warnings():
    warnings.filterwarnings("ignore", _LEAK_MESSAGE, ResourceWarning)
    datasette_app = pytest.importorskip("datasette.app")
    _collect_datasette_leaks()
pytestmark = pytest.mark.filterwarnings(f"ignore:{_LEAK_MESSAGE}:ResourceWarning")


@pytest.fixture(autouse=True)
def _no_leak_outlives_a_test() -> Iterator[None]:
    yield
    _collect_datasette_leaks()

Cli = Callable[..., Result]
BOM = "\ufeff".encode()


@pytest.fixture(scope="module")
def loop() -> Iterator[asyncio.AbstractEventLoop]:
    loop = asyncio.new_event_loop()
    yield loop
    loop.close()


def _datasette(files: list[Path], **kwargs: Any) -> Any:
    """Datasette without its thread pool, so that every connection it opens can be closed."""
    return datasette_app.Datasette(
        immutables=[str(f) for f in files], settings={"num_sql_threads": 0}, **kwargs
    )


def _close(ds: Any) -> None:
    for db in ds.databases.values():
        for conn in (db._read_connection, db._write_connection):
            if conn is not None:
                conn.close()
        db.close()


@pytest.fixture(scope="module")
def ds(db_2024: Path) -> Iterator[Any]:
    instance = _datasette([db_2024])
    yield instance
    _close(instance)


@pytest.fixture(scope="module")
def conn(db_2024: Path) -> Iterator[sqlite3.Connection]:
    connection = query.connect(db_2024)
    yield connection
    connection.close()


@pytest.fixture(scope="module")
def get(ds: Any, loop: asyncio.AbstractEventLoop) -> Callable[..., Any]:
    def fetch(path: str, instance: Any = None) -> Any:
        return loop.run_until_complete((instance or ds).client.get(path))

    return fetch


def cli_json(cli: Cli, db: Path, *args: str) -> Any:
    result = cli(*args, "--format", "json", "--db", str(db))
    assert result.exit_code in (0, 1), result.output
    return json.loads(result.stdout) if result.stdout.strip() else []


# ---------------------------------------------------------------- registration


def test_registered_by_entry_point(get: Callable[..., Any]) -> None:
    plugins = get("/-/plugins.json").json()
    mine = [p for p in plugins if p["name"] == "dutylist"]
    assert mine and mine[0]["templates"] is True
    assert {"register_routes", "get_metadata", "asgi_wrapper"} <= set(mine[0]["hooks"])


def test_index_leads_to_the_one_catalog(get: Callable[..., Any]) -> None:
    response = get("/-/dutylist?q=低保")
    assert response.status_code == 302
    assert response.headers["location"] == "/-/dutylist/duties?q=%E4%BD%8E%E4%BF%9D"


# ---------------------------------------------------------------- search


@pytest.mark.parametrize(
    "params, cli_args",
    [
        ("q=低保", ["低保"]),
        ("q=狗", ["狗"]),  # a synonym: 狗 -> 养犬, 犬只 ...
        ("q=低保家庭", ["低保家庭"]),
        ("q=养老+保险&limit=0", ["养老 保险", "--limit", "0"]),
        ("q=应急+xyzzy", ["应急 xyzzy"]),  # partial matches
        ("q=安全&list=coordinated&limit=5", ["安全", "--list", "coordinated", "--limit", "5"]),
        ("q=工作&category=民生服务", ["工作", "--category", "民生服务"]),
        ("q=发放&department=民政局", ["发放", "--department", "民政局"]),
    ],
)
def test_search_json_answers_like_the_command_line(
    get: Callable[..., Any], cli: Cli, db_2024: Path, params: str, cli_args: list[str]
) -> None:
    response = get(f"/-/dutylist/duties.json?{params}")
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "application/json; charset=utf-8"
    payload = response.json()
    expected = cli_json(cli, db_2024, "search", *cli_args)
    assert payload["rows"] == expected
    assert payload["ok"] is True and payload["database"] == "duties"
    assert payload["partial"] == any(row["partial"] for row in expected)


def test_search_json_carries_every_field_of_the_result(
    get: Callable[..., Any], conn: sqlite3.Connection
) -> None:
    payload = get("/-/dutylist/duties.json?q=工作&limit=1").json()
    result = query.search(conn, "工作", limit=1)
    for name, value in vars(result).items():
        if name != "rows":
            assert name in payload, name
            assert payload[name] == json.loads(json.dumps(value, default=vars)), name
    assert payload["total"] > len(payload["rows"]) == 1


def test_synonym_search_page(get: Callable[..., Any], conn: sqlite3.Connection) -> None:
    first = query.search(conn, "狗", limit=1).rows[0]
    page = get("/-/dutylist/duties?q=狗")
    assert page.status_code == 200
    assert page.headers["content-type"].startswith("text/html")
    assert labels.SEARCH_TITLE.format(query="狗") in page.text
    assert f'<a href="/duties/duties/{first.id}">{first.id}</a>' in page.text
    assert "没有找到" not in page.text


def test_nonsense_query_finds_nothing(get: Callable[..., Any]) -> None:
    payload = get("/-/dutylist/duties.json?q=qzxwv").json()
    assert payload["rows"] == [] and payload["total"] == 0
    page = get("/-/dutylist/duties?q=qzxwv")
    assert page.status_code == 200
    assert labels.NOTE_NOTHING_FOUND.format(query="qzxwv") in page.text


def test_partial_match_is_said(get: Callable[..., Any]) -> None:
    page = get("/-/dutylist/duties?q=应急+xyzzy")
    # Near misses are shown, and then said to be only that ("以上是…", after the rows).
    assert "<tbody>" in page.text and labels.NOTE_PARTIAL in page.text
    assert page.text.index(labels.NOTE_PARTIAL) > page.text.index("</tbody>")


def test_more_rows_than_shown_links_to_all(get: Callable[..., Any]) -> None:
    page = get("/-/dutylist/duties?q=工作&limit=2")
    assert "显示前 2 条" in page.text and "limit=0" in page.text


def test_search_page_without_query_is_a_form(get: Callable[..., Any], conn: sqlite3.Connection) -> None:
    page = get("/-/dutylist/duties")
    assert page.status_code == 200
    assert '<input type="search" name="q"' in page.text
    for category in category_names(conn):
        assert f"<option>{category}</option>" in page.text


@pytest.mark.parametrize(
    "params, message",
    [
        ("q=", labels.EMPTY_QUERY),
        ("q=低保&limit=abc", labels.WEB_BAD_LIMIT.format(value="abc")),
        ("q=低保&list=nope", labels.BAD_LIST.format(value="nope", forms=labels.list_forms())),
        ("q=低保&department=不存在的部门", "没有部门“不存在的部门”"),
    ],
)
def test_bad_requests_are_400_in_chinese(
    get: Callable[..., Any], params: str, message: str
) -> None:
    import markupsafe  # Jinja's escaping, as the pages use it

    response = get(f"/-/dutylist/duties.json?{params}")
    assert response.status_code == 400
    assert response.json()["ok"] is False and message in response.json()["error"]
    page = get(f"/-/dutylist/duties?{params}")
    if params != "q=":  # an empty query on the HTML page is just the form
        assert page.status_code == 400 and str(markupsafe.escape(message)) in page.text


def test_query_text_is_escaped(get: Callable[..., Any]) -> None:
    page = get("/-/dutylist/duties?q=<script>alert(1)</script>")
    assert page.status_code == 200
    assert "<script>alert(1)</script>" not in page.text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page.text


def test_not_a_dutylist_database(get: Callable[..., Any]) -> None:
    response = get("/-/dutylist/nosuch.json?q=低保")
    assert response.status_code == 404 and "不是 dutylist 数据库" in response.json()["error"]


# ---------------------------------------------------------------- item pages


@pytest.mark.parametrize(
    "path", ["/duties/duties/C16.json", "/-/dutylist/duties/C16.json", "/duties/duties/c-016.json"]
)
def test_item_json_is_show_steps(
    get: Callable[..., Any], cli: Cli, db_2024: Path, path: str
) -> None:
    response = get(path)
    assert response.status_code == 200
    assert response.json() == cli_json(cli, db_2024, "show-steps", "C16")


def test_item_page_shows_both_sides(get: Callable[..., Any], conn: sqlite3.Connection) -> None:
    detail = query.get_duty(conn, "C16")
    page = get("/duties/duties/C16")
    assert page.status_code == 200
    text = page.text
    assert detail.row.name in text
    assert text.index("上级部门职责") < text.index("乡镇配合职责")
    for block in [*detail.upper, *detail.township]:
        assert block.steps
        for step in block.steps:
            assert f"<li>{step}</li>" in text or f"<p>{step}</p>" in text


def test_basic_item_page(get: Callable[..., Any], conn: sqlite3.Connection) -> None:
    row = query.get_duty(conn, "B28").row
    page = get("/duties/duties/B28")
    assert page.status_code == 200 and row.name in page.text and "本乡负责" in page.text


def test_datasette_rowid_pages_still_work(get: Callable[..., Any]) -> None:
    response = get("/duties/duties/1.json?_shape=objects")
    assert response.status_code == 200 and response.json()["rows"][0]["rowid"] == 1


@pytest.mark.parametrize("path", ["/duties/duties/B99999", "/-/dutylist/duties/xyz"])
def test_unknown_item_is_404(get: Callable[..., Any], path: str) -> None:
    page = get(path)
    assert page.status_code == 404
    assert "事项" in page.text
    assert get(path + ".json").status_code == 404


def test_table_ids_link_to_item_pages(get: Callable[..., Any]) -> None:
    page = get("/duties/duties?_size=3")
    assert '<a href="/duties/duties/B1">B1</a>' in page.text


# ---------------------------------------------------------------- the duties table


def test_table_page_offers_list_category_and_department_facets(
    get: Callable[..., Any], conn: sqlite3.Connection
) -> None:
    data = get("/duties/duties.json?_size=0").json()
    facets = data["facet_results"]
    assert set(facets) >= {"list", "category", "department"}
    categories = {c["category"]: c["total"] for c in query.category_counts(conn)}
    assert {v["value"]: v["count"] for v in facets["category"]["results"]} == categories
    # Each department as printed for an item (C84's "木垒县应急管理局及其他…" is a value of
    # its own, which filter-by-department also counts under 木垒县应急管理局).
    departments = Counter(d for row in query.filter_duties(conn) for d in set(row.departments))
    shown = facets["department"]["results"]
    assert shown
    for value in shown:
        assert departments[value["label"]] == value["count"]
    # Choosing a department filters the table to its items.
    chosen = get(shown[0]["toggle_url"].removeprefix("http://localhost")).json()
    assert chosen["filtered_table_rows_count"] == shown[0]["count"]
    html = get("/duties/duties").text
    assert "facet-duties-duties-department" in html


def test_table_search_uses_dutylist_search(get: Callable[..., Any], conn: sqlite3.Connection) -> None:
    expected = sorted(row.id for row in query.search(conn, "狗", limit=None).rows)
    data = get("/duties/duties.json?_search=狗&_shape=objects&_size=max").json()
    assert sorted(row["id"] for row in data["rows"]) == expected
    assert data["filtered_table_rows_count"] == len(expected) > 0
    assert get("/duties/duties.json?_search=qzxwv").json()["filtered_table_rows_count"] == 0


def test_fts_tables_are_hidden(get: Callable[..., Any]) -> None:
    tables = {t["name"]: t for t in get("/duties.json").json()["tables"]}
    assert tables["duties_fts"]["hidden"] and tables["names_fts"]["hidden"]
    assert tables["chars_fts"]["hidden"]
    assert not tables["duties"]["hidden"]


# ---------------------------------------------------------------- safety


@pytest.mark.parametrize(
    "path", ["/duties.json?sql=select+1", "/duties/duties.json?_where=1"]
)
def test_no_arbitrary_sql_by_default(get: Callable[..., Any], path: str) -> None:
    assert get(path).status_code == 403


def test_operator_can_turn_sql_on(db_2024: Path, get: Callable[..., Any]) -> None:
    metadata = {"databases": {"duties": {"allow_sql": True}}}
    instance = _datasette([db_2024], metadata=metadata)
    try:
        response = get("/duties.json?sql=select+count(*)+from+duties&_shape=array", instance)
        assert response.status_code == 200, response.text
    finally:
        _close(instance)


def test_database_is_immutable(get: Callable[..., Any]) -> None:
    databases = {d["name"]: d for d in get("/-/databases.json").json()}
    assert databases["duties"]["is_mutable"] is False


@pytest.mark.parametrize(
    "path", ["/duties/duties.csv?_size=3", "/duties/duties.csv?_size=3&_dl=1", "/duties.csv?sql=select+1"]
)
def test_csv_starts_with_a_bom(get: Callable[..., Any], path: str) -> None:
    response = get(path)
    if "sql=" in path:  # refused, so no CSV and no BOM
        assert response.status_code == 403 and not response.content.startswith(BOM)
        return
    assert response.status_code == 200
    assert response.content.startswith(BOM + b"rowid,id,list")
    assert response.content.count(BOM) == 1
    assert not get("/duties/duties.json?_size=1").content.startswith(BOM)


# ---------------------------------------------------------------- dutylist serve


def test_query_path_does_not_import_datasette(db_2024: Path) -> None:
    code = (
        "import sys\n"
        "from dutylist.cli import run\n"
        f"code = run(['search', '低保', '--db', {str(db_2024)!r}, '--format', 'json'])\n"
        "assert code == 0, code\n"
        "assert not [m for m in sys.modules if m.split('.')[0] in ('datasette', 'dutylist.web')]\n"
        "assert 'dutylist.web' not in sys.modules\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr


def test_serve_without_the_extra_says_how_to_install(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], db_2024: Path
) -> None:
    from dutylist.cli import run

    monkeypatch.setitem(sys.modules, "datasette", None)  # as if not installed
    for name in [m for m in sys.modules if m.startswith("dutylist.web")]:
        monkeypatch.delitem(sys.modules, name)
    assert run(["serve", "--db", str(db_2024)]) == 2
    assert labels.WEB_EXTRA_MISSING in capsys.readouterr().err


def test_serve_refuses_a_foreign_database(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from dutylist.cli import run

    other = tmp_path / "other.db"
    with contextlib.closing(sqlite3.connect(other)) as connection:
        connection.execute("CREATE TABLE t (x)")
    assert run(["serve", "--db", str(other)]) == 3
    assert "不是 dutylist 数据库" in capsys.readouterr().err


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@pytest.mark.slow
def test_dutylist_serve_serves(db_2024: Path) -> None:
    port = _free_port()
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    command = [sys.executable, "-m", "dutylist", "serve", "--db", str(db_2024), "--port", str(port)]
    server = subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                with urllib.request.urlopen(f"{base}/-/dutylist/duties.json?q=%E7%8B%97") as page:
                    payload = json.load(page)
                break
            except (urllib.error.URLError, ConnectionError):
                assert server.poll() is None, server.stderr.read() if server.stderr else ""
                assert time.monotonic() < deadline, "dutylist serve did not start"
                time.sleep(0.2)
        assert payload["rows"] and payload["query"] == "狗"
        with pytest.raises(urllib.error.HTTPError) as refused:
            urllib.request.urlopen(f"{base}/duties.json?sql=select+1")
        refused.value.close()
        assert refused.value.code == 403
        with urllib.request.urlopen(f"{base}/-/databases.json") as page:
            assert [d["is_mutable"] for d in json.load(page)] == [False]
    finally:
        server.terminate()
        server.communicate(timeout=30)


def test_several_databases_at_once(
    db_2024: Path, tmp_path: Path, get: Callable[..., Any]
) -> None:
    """A county serves every township's file; each database has its own pages."""
    import shutil

    files = [tmp_path / "danangou.db", tmp_path / "dongcheng.db"]
    for file in files:
        shutil.copy(db_2024, file)
    instance = _datasette(files)
    try:
        index = get("/-/dutylist", instance)
        assert index.status_code == 200
        for name in ("danangou", "dongcheng"):
            assert f'href="/-/dutylist/{name}"' in index.text
            payload = get(f"/-/dutylist/{name}.json?q=低保", instance).json()
            assert payload["database"] == name and payload["rows"]
            assert get(f"/{name}/duties/B28.json", instance).json()["id"] == "B28"
            assert get(f"/{name}.json?sql=select+1", instance).status_code == 403
    finally:
        _close(instance)


def test_verdict_and_suggestion_pass_through(
    get: Callable[..., Any], conn: sqlite3.Connection
) -> None:
    expected = query.search(conn, "养拳", near=False)
    payload = get("/-/dutylist/duties.json?q=养拳").json()
    assert payload["verdict"] == expected.verdict
    assert payload["suggestion"] == expected.suggestion
    if expected.suggestion:
        page = get("/-/dutylist/duties?q=养拳")
        note = labels.NOTE_SUGGESTION.format(suggestion=labels.shorten(expected.suggestion))
        assert note in page.text
    nothing = get("/-/dutylist/duties.json?q=qzxwv").json()
    assert nothing["verdict"] == "not_found"


@pytest.mark.parametrize("query_text", ["应急 xyzzy", "低保"])
def test_near_parameter_is_the_near_option(
    get: Callable[..., Any], cli: Cli, db_2024: Path, query_text: str
) -> None:
    payload = get(f"/-/dutylist/duties.json?q={query_text}&near=1").json()
    assert payload["rows"] == cli_json(cli, db_2024, "search", query_text, "--near")


RAW_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def test_pages_show_control_characters_as_escapes(
    tmp_path: Path, loop: asyncio.AbstractEventLoop
) -> None:
    """A bidi override or an ESC in the data reaches no reader raw: dutylist's pages and
    Datasette's own table and row pages print escapes; JSON keeps the text exact."""
    from dutylist.source import load_catalog
    from dutylist.store.build import build_database

    from .conftest import ROOT

    db = tmp_path / "hostile.db"
    build_database(load_catalog(ROOT / "tests" / "fixtures" / "hostile.yaml"), db)
    instance = _datasette([db])
    try:
        pages = [
            f"/-/dutylist/{db.stem}/B1", f"/-/dutylist/{db.stem}/C2",
            f"/-/dutylist/{db.stem}?q=低保", f"/{db.stem}/duties", f"/{db.stem}/duties/B1",
        ]
        for path in pages:
            response = loop.run_until_complete(instance.client.get(path))
            assert response.status_code == 200, path
            assert not RAW_CONTROL.findall(response.text), path
        shown = loop.run_until_complete(instance.client.get(f"/-/dutylist/{db.stem}/B1")).text
        assert "\\x1b" in shown
        data = loop.run_until_complete(instance.client.get(f"/-/dutylist/{db.stem}/B1.json"))
        assert "\x1b" in data.json()["category"]  # exact, JSON-escaped
    finally:
        _close(instance)
