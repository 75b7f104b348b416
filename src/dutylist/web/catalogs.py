"""Which of Datasette's databases are dutylist databases, and the metadata the plugin adds.

Found once at startup (and again when a page names a database not seen yet):
a dutylist database has ``duties`` and a ``metadata`` table holding its
schema version. Datasette's own metadata (``-m metadata.json``) is applied
after the plugin's, so an operator can override any of it.
"""

from __future__ import annotations

import weakref
from typing import Any

from markupsafe import Markup

from dutylist import labels

_TABLES = {"duties", "metadata", "duties_fts"}

# Per Datasette instance: database name -> that database's metadata table.
_FOUND: weakref.WeakKeyDictionary[Any, dict[str, dict[str, str]]] = weakref.WeakKeyDictionary()

DEPARTMENT_FACET = {"dutylist_department": "departments"}


async def refresh(datasette: Any) -> dict[str, dict[str, str]]:
    found: dict[str, dict[str, str]] = {}
    for name, db in list(datasette.databases.items()):
        if name == "_internal" or db.is_memory:
            continue
        if not _TABLES <= set(await db.table_names()):
            continue
        rows = await db.execute("SELECT key, value FROM metadata", log_sql_errors=False)
        meta = {row[0]: row[1] for row in rows.rows}
        if "schema_version" in meta:
            found[name] = meta
    _FOUND[datasette] = found
    return found


def found(datasette: Any) -> dict[str, dict[str, str]]:
    return _FOUND.get(datasette, {})


def is_catalog(datasette: Any, database: str) -> bool:
    return database in found(datasette)


def metadata(datasette: Any) -> dict[str, Any]:
    """Datasette metadata for every dutylist database: facets, no arbitrary SQL, hidden indexes."""
    databases: dict[str, Any] = {}
    for name, meta in found(datasette).items():
        search_url = datasette.urls.path(f"/-/dutylist/{datasette.get_database(name).route}")
        entry: dict[str, Any] = {
            # Arbitrary SQL (?sql= and ?_where=) is off unless the operator's
            # own metadata says otherwise: {"databases": {NAME: {"allow_sql": true}}}.
            "allow_sql": False,
            "description_html": str(
                Markup('<a href="{}">{}</a>').format(search_url, labels.WEB_SEARCH_LINK)
            ),
            "tables": {
                "duties": {
                    "facets": ["list", "category", DEPARTMENT_FACET],
                    "label_column": "name",
                },
                "duties_fts": {"hidden": True},
                "names_fts": {"hidden": True},
                "chars_fts": {"hidden": True},
            },
        }
        if meta.get("title"):
            entry["title"] = meta["title"]  # Jinja escapes it
        databases[name] = entry
    return {"databases": databases} if databases else {}
