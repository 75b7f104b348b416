"""The plugin's pages: search and item pages, in HTML and JSON, answered by dutylist.query.

Each request runs dutylist's own query functions on Datasette's read-only
connection (``Database.execute_fn``), so the answers are exactly those of
``dutylist search`` and ``dutylist show-steps``. The JSON is built from the
result's data, field by field, so whatever a result carries is passed on.
"""

from __future__ import annotations

import dataclasses
import json
import sqlite3
from collections.abc import Callable, Mapping
from typing import Any, TypeVar
from urllib.parse import urlencode

from datasette.filters import FilterArguments
from datasette.utils import sqlite_timelimit
from datasette.utils.asgi import Response

from dutylist import labels, query
from dutylist.errors import DatabaseError, DutylistError, UsageError
from dutylist.ids import LIST_KINDS, ListKind
from dutylist.names import category_names, department_names
from dutylist.render import search_notes
from dutylist.render.plain import detail_record, search_records
from dutylist.store.schema import SCHEMA_VERSION
from dutylist.textsearch import find_spans
from dutylist.web import catalogs

T = TypeVar("T")

DEFAULT_LIMIT = 20

# The item page's fields, in order (titles from labels.FIELD_TITLES).
_ITEM_FIELDS = ("id", "list", "category", "name", "whose", "note")

# Fields of a search result that the page shows (as rows, or in the command line's
# notes); any other field a result carries is shown as it is, under WEB_OTHER_FIELDS.
_SHOWN_FIELDS = {
    "query", "rows", "partial", "verdict", "suggestion", "total", "total_capped", "words",
    "truncated_query",
}


def item_url(datasette: Any, database: str, duty_id: str, fmt: str | None = None) -> str:
    """The item's page: /DATABASE/duties/B28 (beside Datasette's own /DATABASE/duties/28)."""
    route = datasette.get_database(database).route
    return str(datasette.urls.path(f"/{route}/duties/{duty_id}" + (f".{fmt}" if fmt else "")))


def search_url(datasette: Any, database: str, fmt: str | None = None, **params: Any) -> str:
    route = datasette.get_database(database).route
    path = f"/-/dutylist/{route}" + (f".{fmt}" if fmt else "")
    query_string = urlencode({k: v for k, v in params.items() if v not in (None, "")})
    return str(datasette.urls.path(path + (f"?{query_string}" if query_string else "")))


# ---------------------------------------------------------------- plain data


def plain(value: Any) -> Any:
    """A result as JSON-ready data: as_dict() where a type has one, else field by field."""
    if hasattr(value, "as_dict"):
        return value.as_dict()
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: plain(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, tuple) and hasattr(value, "_asdict"):
        return {k: plain(v) for k, v in value._asdict().items()}
    if isinstance(value, Mapping):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple, set, frozenset)):
        return [plain(v) for v in value]
    return value


def search_payload(result: Any) -> dict[str, Any]:
    """Every field of a search result; rows exactly as ``dutylist search --format json``."""
    data: dict[str, Any] = {}
    for f in dataclasses.fields(result):
        if f.name != "rows":
            data[f.name] = plain(getattr(result, f.name))
    data["rows"] = search_records(result)
    return data


# ---------------------------------------------------------------- helpers


class _NotFound(DutylistError):
    """A page that does not exist: a database that is not a dutylist database, an unknown id."""


async def _catalog(datasette: Any, request: Any) -> Any:
    """The dutylist database named in the URL, once the reader may see it."""
    route = request.url_vars["database"]
    try:
        db = datasette.get_database(route=route)
    except KeyError:
        raise _NotFound(labels.WEB_NOT_A_CATALOG.format(database=route)) from None
    if not catalogs.is_catalog(datasette, db.name):
        await catalogs.refresh(datasette)
        if not catalogs.is_catalog(datasette, db.name):
            raise _NotFound(labels.WEB_NOT_A_CATALOG.format(database=db.name))
    await datasette.ensure_permissions(
        request.actor,
        [("view-table", (db.name, "duties")), ("view-database", db.name), "view-instance"],
    )
    return db


async def _run(datasette: Any, db: Any, fn: Callable[[sqlite3.Connection], T]) -> T:
    """Call a dutylist query function on Datasette's read-only connection, within its time limit."""
    meta = catalogs.found(datasette).get(db.name, {})
    found = meta.get("schema_version")
    if found != SCHEMA_VERSION:
        raise DatabaseError(
            labels.SCHEMA_UNSUPPORTED.format(path=db.path, found=found, expected=SCHEMA_VERSION)
        )

    def call(conn: sqlite3.Connection) -> T:
        previous = conn.row_factory
        conn.row_factory = sqlite3.Row  # dutylist reads columns by name
        try:
            with sqlite_timelimit(conn, datasette.setting("sql_time_limit_ms")):
                return fn(conn)
        except sqlite3.Error as error:
            raise DatabaseError(labels.DATABASE_DAMAGED.format(error=error)) from None
        finally:
            conn.row_factory = previous

    result: T = await db.execute_fn(call)
    return result


def _json(data: Any, status: int = 200) -> Response:
    return Response(
        json.dumps(data, ensure_ascii=False, indent=2),
        status=status,
        content_type="application/json; charset=utf-8",
    )


def _status(error: DutylistError) -> int:
    if isinstance(error, _NotFound):
        return 404
    return 500 if isinstance(error, DatabaseError) else 400


async def _error(datasette: Any, request: Any, error: DutylistError, fmt: str | None) -> Response:
    status = _status(error)
    if fmt == "json":
        return _json({"ok": False, "error": str(error), "status": status}, status)
    html = await datasette.render_template(
        "error.html",
        {"ok": False, "error": str(error), "status": status, "title": None},
        request=request,
    )
    return Response.html(html, status=status)


def _marked(text: str | None, query_words: list[str]) -> list[tuple[str, bool]]:
    """Text cut into (piece, is_match) for <mark>; the template escapes every piece."""
    if not text:
        return []
    pieces: list[tuple[str, bool]] = []
    at = 0
    for start, end in find_spans(text, query_words):
        if start > at:
            pieces.append((text[at:start], False))
        pieces.append((text[start:end], True))
        at = end
    if at < len(text):
        pieces.append((text[at:], False))
    return pieces


def _list_kind(text: str | None) -> ListKind | None:
    """The list named by ?list=, in any spelling ``dutylist search --list`` accepts."""
    if text is None:
        return None
    kind = labels.LIST_NAMES.get(text.strip().lower())
    if kind is None:
        raise UsageError(
            labels.BAD_LIST.format(value=labels.shorten(text), forms=labels.list_forms())
        )
    return kind


def _limit(text: str | None) -> int:
    if text is None or text == "":
        return DEFAULT_LIMIT
    if not text.isascii() or not text.isdigit():
        raise UsageError(labels.WEB_BAD_LIMIT.format(value=labels.shorten(text)))
    return int(text)


# ---------------------------------------------------------------- pages


async def index(datasette: Any, request: Any) -> Response:
    """/-/dutylist: the one catalog's search page, or a list when several are served."""
    found = await catalogs.refresh(datasette)
    if len(found) == 1:
        (name,) = found
        target = search_url(datasette, name)
        if request.query_string:
            target += "?" + request.query_string
        return Response.redirect(target)
    entries = [
        {"name": name, "title": meta.get("title") or name, "url": search_url(datasette, name)}
        for name, meta in found.items()
    ]
    html = await datasette.render_template(
        "dutylist_index.html", {"catalogs": entries, "labels": labels}, request=request
    )
    return Response.html(html)


async def search_page(datasette: Any, request: Any) -> Response:
    """/-/dutylist/DATABASE?q=低保 (HTML) and /-/dutylist/DATABASE.json?q=低保."""
    fmt = request.url_vars.get("format")
    args = request.args
    text = args.get("q") or ""
    list_text = args.get("list") or None
    category = args.get("category") or None
    department = args.get("department") or None
    try:
        db = await _catalog(datasette, request)
        limit = _limit(args.get("limit"))
        kind = _list_kind(list_text)
        # As on the command line: a page (like a table) shows near misses; JSON (like
        # --format json) has rows only when the list answers the query, unless ?near=1.
        near = fmt != "json" or args.get("near") in ("1", "true", "on")
        result = None
        if text.strip() or fmt == "json":
            result = await _run(
                datasette,
                db,
                lambda conn: query.search(
                    conn,
                    text,
                    kind=kind,
                    category=category,
                    department=department,
                    limit=limit or None,
                    near=near,
                ),
            )
            if not near and result.verdict != "found":
                result.rows = []
        choices = await _run(
            datasette,
            db,
            lambda conn: (category_names(conn), department_names(conn)),
        )
    except DutylistError as error:
        return await _error(datasette, request, error, fmt)
    payload = search_payload(result) if result is not None else None
    if fmt == "json":
        return _json({"ok": True, "database": db.name, **(payload or {})})
    rows = []
    for record in (payload or {}).get("rows", []):
        titles = (
            labels.WITHDRAWN_FIELD_TITLES if record["list"] == "withdrawn" else labels.FIELD_TITLES
        )
        rows.append(
            {
                **record,
                "url": item_url(datasette, db.name, record["id"]),
                "name_marked": _marked(record["name"], payload["words"] if payload else []),
                "matched_marked": _marked(record["matched"], payload["words"] if payload else []),
                "matched_in_title": titles.get(record["matched_in"] or "", ""),
            }
        )
    # The command line's notes, but "more rows" says so without naming --limit.
    notes = search_notes([result]) if result is not None else []
    more_url = None
    if result is not None and result.verdict == "found" and result.total > len(result.rows):
        total = f"{result.total:,}+" if result.total_capped else str(result.total)
        cli_more = labels.NOTE_MORE.format(total=total, shown=len(result.rows))
        notes = [n for n in notes if n != cli_more]
        notes.append(labels.WEB_MORE.format(total=total, shown=len(result.rows)))
        more_url = search_url(
            datasette, db.name, q=text, list=list_text, category=category,
            department=department, limit=0,
        )
    other = {
        key: value
        for key, value in (payload or {}).items()
        if key not in _SHOWN_FIELDS and value not in (None, False, "", [], {})
    }
    categories, departments = choices
    context = {
        "labels": labels,
        "database": db.name,
        "catalog_title": catalogs.found(datasette)[db.name].get("title") or db.name,
        "q": text,
        "kind": kind or "",
        "category": category or "",
        "department": department or "",
        "limit": args.get("limit") or "",
        "kinds": [(k, labels.LIST_TITLES[k]) for k in LIST_KINDS],
        "categories": categories,
        "departments": departments,
        "result": payload,
        "rows": rows,
        "notes": notes,
        "more_url": more_url,
        "other": other,
        "other_json": {k: json.dumps(v, ensure_ascii=False) for k, v in other.items()},
        "action": search_url(datasette, db.name),
        "json_url": search_url(
            datasette, db.name, "json", q=text, list=list_text, category=category,
            department=department, limit=args.get("limit"),
        ),
        "table_url": datasette.urls.table(db.name, "duties"),
    }
    html = await datasette.render_template("dutylist_search.html", context, request=request)
    return Response.html(html)


async def item_page(datasette: Any, request: Any) -> Response:
    """/DATABASE/duties/B28 and /-/dutylist/DATABASE/B28, with .json: the item and its steps."""
    fmt = request.url_vars.get("format")
    duty_id = request.url_vars["duty_id"]
    try:
        db = await _catalog(datasette, request)
        try:
            detail = await _run(datasette, db, lambda conn: query.get_duty(conn, duty_id))
        except UsageError as error:  # not an id, or no such item
            raise _NotFound(str(error)) from None
    except DutylistError as error:
        return await _error(datasette, request, error, fmt)
    data = detail_record(detail)
    if fmt == "json":
        return _json(data)
    departments = labels.SEP.join(data["departments"])
    sections = []
    if data["list"] == "withdrawn":
        sections.append(
            (labels.WITHDRAWN_PANEL.format(departments=departments), data["upper_duties"])
        )
    elif data["list"] != "basic":
        sections.append((labels.UPPER_PANEL.format(departments=departments), data["upper_duties"]))
        sections.append((labels.TOWNSHIP_PANEL, data["township_duties"]))
    fields = [
        (labels.FIELD_TITLES[key], labels.LIST_TITLES[data[key]] if key == "list" else data[key])
        for key in _ITEM_FIELDS
        if data.get(key)
    ]
    context = {
        "labels": labels,
        "database": db.name,
        "item": data,
        "fields": fields,
        "sections": sections,
        "basic_body": labels.BASIC_DETAIL if data["list"] == "basic" else None,
        "search_url": search_url(datasette, db.name),
        "json_url": item_url(datasette, db.name, data["id"], "json"),
    }
    html = await datasette.render_template("dutylist_item.html", context, request=request)
    return Response.html(html)


async def table_search_filter(datasette: Any, request: Any, database: str) -> Any:
    """The items ``dutylist search`` finds for ?_search=, as a filter on the duties table page."""
    text = request.args.get("_search") or ""
    db = datasette.get_database(database)
    result = await _run(
        datasette, db, lambda conn: query.search(conn, text, limit=None, near=False)
    )
    ids = [row.id for row in result.rows] if result.verdict == "found" else []
    note = labels.WEB_TABLE_SEARCH
    return FilterArguments(
        ["id IN (SELECT value FROM json_each(:dutylist_search_ids))"],
        {"dutylist_search_ids": json.dumps(ids, ensure_ascii=False)},
        [note.format(query=labels.shorten(text))],
    )


ROUTES: list[tuple[str, Any]] = [
    (r"^/-/dutylist$", index),
    (r"^/-/dutylist/(?P<database>[^/.]+)(\.(?P<format>json))?$", search_page),
    (
        r"^/-/dutylist/(?P<database>[^/.]+)/(?P<duty_id>[^/.]+)(\.(?P<format>json))?$",
        item_page,
    ),
    # Ids start with a letter (B28), so Datasette's own rowid pages (/duties/duties/28) remain.
    (
        r"^/(?P<database>[^/.]+)/duties/(?P<duty_id>[A-Za-z][^/.]*)(\.(?P<format>json))?$",
        item_page,
    ),
]
