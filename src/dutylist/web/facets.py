"""A department facet for the duties table: counts through duty_departments.

An item may have several departments, so a plain column facet cannot count
them. This facet counts items per department over the rows the table page
currently shows, and selecting a department uses Datasette's own
``?_through=`` filter on the duty_departments link table.
"""

from __future__ import annotations

import json
from typing import Any

from datasette.database import QueryInterrupted
from datasette.facets import Facet
from datasette.utils import path_with_added_args, path_with_removed_args

from dutylist.web import catalogs

FACET_NAME = "department"


class DepartmentFacet(Facet):  # type: ignore[misc]
    type = "dutylist_department"

    async def suggest(self) -> list[dict[str, Any]]:
        return []

    async def facet_results(self) -> tuple[list[dict[str, Any]], list[str]]:
        results: list[dict[str, Any]] = []
        timed_out: list[str] = []
        if self.table != "duties" or not catalogs.is_catalog(self.ds, self.database):
            return results, timed_out
        qs_pairs = self.get_querystring_pairs()
        size = self.get_facet_size()
        for source_and_config in self.get_configs():
            source = source_and_config["source"]
            sql = (
                "SELECT p.id AS value, p.name AS label, count(DISTINCT l.duty_id) AS count "
                "FROM duty_departments l JOIN departments p ON p.id = l.department_id "
                f"WHERE l.duty_id IN (SELECT id FROM ({self.sql})) "
                f"GROUP BY p.id ORDER BY count DESC, p.id LIMIT {size + 1}"
            )
            try:
                rows = await self.ds.execute(
                    self.database,
                    sql,
                    self.params,
                    truncate=False,
                    custom_time_limit=self.ds.setting("facet_time_limit_ms"),
                )
            except QueryInterrupted:
                timed_out.append(FACET_NAME)
                continue
            values = []
            for row in rows.rows[:size]:
                through = json.dumps(
                    {"table": "duty_departments", "column": "department_id",
                     "value": str(row["value"])},
                    ensure_ascii=False,
                    separators=(",", ":"),
                )
                selected = ("_through", through) in qs_pairs
                change = path_with_removed_args if selected else path_with_added_args
                toggle = change(self.request, {"_through": through})
                values.append(
                    {
                        "value": row["value"],
                        "label": row["label"],
                        "count": row["count"],
                        "toggle_url": self.ds.absolute_url(self.request, self.ds.urls.path(toggle)),
                        "selected": selected,
                    }
                )
            results.append(
                {
                    "name": FACET_NAME,
                    "type": self.type,
                    "hideable": source != "metadata",
                    "toggle_url": self.ds.urls.path(
                        path_with_removed_args(self.request, {f"_facet_{self.type}": "departments"})
                    ),
                    "results": values,
                    "truncated": len(rows.rows) > size,
                }
            )
        return results, timed_out
