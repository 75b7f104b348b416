"""Datasette plugin: dutylist's own search, item pages and facets over a dutylist database.

Installed by ``pip install 'dutylist[web]'`` and registered under Datasette's
``datasette`` entry point group, so both ``datasette duties.db`` and
``dutylist serve`` load it. It is a thin adapter: every answer comes from
``dutylist.query`` run on Datasette's own read-only connection; nothing here
tokenises, matches or ranks.

Only Datasette imports this package; the command line never does (except
``dutylist serve``, inside the command).
"""

from __future__ import annotations

from typing import Any

from datasette import hookimpl
from markupsafe import Markup, escape

from dutylist.controls import visible
from dutylist.web import bom, catalogs, facets, views


@hookimpl
def prepare_jinja2_environment(env: Any) -> None:
    """Every value a page prints shows control characters as escapes (``\\u202e``), as the
    command line's tables do: a bidi override in the data would reorder what a reader
    sees, on dutylist's pages and Datasette's own (the duties table, its rows)."""
    env.finalize = _shown


def _shown(value: Any) -> Any:
    if isinstance(value, Markup):  # already HTML: the escapes add no markup
        return Markup(visible(str(value)))
    if isinstance(value, str):
        return visible(value)
    return value


@hookimpl
def startup(datasette: Any) -> Any:
    async def inner() -> None:
        await catalogs.refresh(datasette)

    return inner


@hookimpl
def get_metadata(datasette: Any, key: Any, database: Any, table: Any) -> dict[str, Any]:
    return catalogs.metadata(datasette)


@hookimpl
def register_routes() -> list[tuple[str, Any]]:
    return views.ROUTES


@hookimpl
def filters_from_request(request: Any, database: str, table: str, datasette: Any) -> Any:
    """``?_search=`` on the duties table filters by dutylist's own search (Datasette ignores it)."""
    if table != "duties" or not (request.args.get("_search") or "").strip():
        return None
    if not catalogs.is_catalog(datasette, database):
        return None
    return views.table_search_filter(datasette, request, database)


@hookimpl
def register_facet_classes() -> list[type]:
    return [facets.DepartmentFacet]


@hookimpl
def render_cell(value: Any, column: str, table: str | None, database: str, datasette: Any) -> Any:
    """In the duties table, an item's id links to its page (both sides' steps)."""
    if table != "duties" or column != "id" or not isinstance(value, str):
        return None
    if not catalogs.is_catalog(datasette, database):
        return None
    href = views.item_url(datasette, database, value)
    return Markup('<a href="{}">{}</a>').format(href, escape(value))


@hookimpl
def asgi_wrapper(datasette: Any) -> Any:
    return bom.add_csv_bom
