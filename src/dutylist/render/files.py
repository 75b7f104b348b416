"""Files written with ``-o FILE``: the format is the file's extension.

Spreadsheets (``.xlsx``, and ``.csv`` made for Excel and WPS: UTF-8 with a BOM,
``\\r\\n`` line ends) use the document's Chinese column names and list names;
machine formats (``.json``, ``.jsonl``, ``.tsv``) are exactly what ``--format``
prints, with the English keys. ``.html`` (a print sheet) and ``.txt`` (plain
text) are for one item (``show-steps``).

A file is written beside its target and renamed into place, so a failed write
leaves no half file. XlsxWriter is imported only to write an ``.xlsx``.
"""

from __future__ import annotations

import contextlib
import csv
import json
import os
import tempfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

from dutylist import labels
from dutylist.controls import visible
from dutylist.errors import UsageError
from dutylist.render import Counts, Detail, Export, Info, Payload, Rows, Searches
from dutylist.textio import display_width

if TYPE_CHECKING:
    from dutylist.query import DutyDetail, DutyRow

SUFFIXES = {
    ".csv": "csv", ".xlsx": "xlsx", ".json": "json", ".jsonl": "jsonl", ".tsv": "tsv",
    ".html": "html", ".htm": "html", ".txt": "text",
}
"""File extension -> format."""
ITEM_ONLY = ("html", "text")
"""Formats of one item (show-steps)."""


def format_for(path: Path, *, one_item: bool, given: str | None = None) -> str:
    """The format of ``-o path``; a usage error for an unknown extension or a clash."""
    suffix = path.suffix.lower()
    fmt = SUFFIXES.get(suffix)
    if fmt is None:
        known = [s for s, f in SUFFIXES.items() if one_item or f not in ITEM_ONLY]
        raise UsageError(labels.BAD_OUTPUT_SUFFIX.format(
            path=path, suffix=suffix or path.name, suffixes="、".join(known)))
    if fmt in ITEM_ONLY and not one_item:
        raise UsageError(labels.OUTPUT_NOT_FOR_COMMAND.format(
            path=path, suffix=suffix, commands="show-steps"))
    if given is not None and given.strip().lower() != fmt:
        raise UsageError(labels.OUTPUT_AND_FORMAT.format(suffix=suffix, fmt=fmt, given=given))
    return fmt


# ---------------------------------------------------------------- sheets


@dataclass(frozen=True)
class Sheet:
    """One table of a spreadsheet: a title (the sheet's name), headers and rows of cells."""

    title: str
    headers: Sequence[str]
    rows: Sequence[Sequence[str | int]]


def _text(value: Any) -> str | int:
    if value is None:
        return ""
    if isinstance(value, bool):
        return labels.YES if value else labels.NO
    if isinstance(value, int):
        return value
    if isinstance(value, (list, tuple)):
        return labels.SEP.join(str(v) for v in value)
    return str(value)


def _departments_header(rows: Sequence[DutyRow]) -> str:
    kinds = {row.list for row in rows}
    if kinds == {"withdrawn"}:
        return labels.WITHDRAWN_FIELD_TITLES["departments"]
    if "withdrawn" in kinds:
        return labels.DEPARTMENTS_HEADER
    return labels.FIELD_TITLES["departments"]


ITEM_FIELDS = ("id", "list", "seq", "category", "name", "departments", "whose", "note")


def _item_cells(row: DutyRow) -> list[str | int]:
    return [
        row.id, labels.LIST_TITLES[row.list], row.seq, row.category, row.name,
        _text(row.departments), labels.whose(row.list, row.departments), _text(row.note),
    ]


def _item_headers(rows: Sequence[DutyRow]) -> list[str]:
    headers = [labels.SHEET_HEADERS[f] for f in ITEM_FIELDS]
    headers[ITEM_FIELDS.index("departments")] = _departments_header(rows)
    return headers


def rows_sheet(rows: Sequence[DutyRow], title: str) -> Sheet:
    return Sheet(title, _item_headers(rows), [_item_cells(row) for row in rows])


STEP_FIELDS = ("id", "name", "whose", "side", "heading", "department", "number", "text")


def step_rows(detail: DutyDetail) -> list[list[str | int]]:
    """One row per step, each carrying its item's id, name and verdict (whose duty)."""
    row = detail.row
    whose = labels.whose(row.list, row.departments)
    if row.list == "basic":
        return [[row.id, row.name, whose, labels.WHOSE["basic"], "", "", "", row.name]]
    cells: list[list[str | int]] = []
    for side, blocks in (("upper", detail.upper), ("township", detail.township)):
        side_title = (
            labels.WITHDRAWN_SIDE_TITLE if row.list == "withdrawn" else labels.SIDE_TITLES[side]
        )
        headings = 0
        for block in blocks:
            heading = ""
            if block.heading:
                heading = labels.heading_label(block.heading, headings)
                headings += 1
            for number, text in enumerate(block.steps, start=1):
                cells.append([
                    row.id, row.name, whose, side_title, heading, block.department or "",
                    number if block.numbered else "", text,
                ])
    return cells


def steps_sheet(details: Sequence[DutyDetail]) -> Sheet:
    headers = [labels.SHEET_HEADERS[f] for f in STEP_FIELDS]
    return Sheet(labels.SHEET_STEPS, headers, [r for d in details for r in step_rows(d)])


def sheets(payload: Payload) -> list[Sheet]:
    """A payload as spreadsheet tables (the first is what a csv file holds)."""
    h = labels.SHEET_HEADERS
    if isinstance(payload, Searches):
        headers = ([h["query"]] if payload.batch else []) + _item_headers(
            [row for result in payload.results for row in result.rows]
        ) + [h["matched_in"], h["matched"], h["partial"]]
        rows: list[list[str | int]] = []
        for result in payload.results:
            if payload.batch and not result.rows:  # --stdin: every input line has its row
                rows.append([result.query, *([""] * (len(headers) - 1))])
            for row in result.rows:
                titles = (labels.WITHDRAWN_FIELD_TITLES if row.list == "withdrawn"
                          else labels.FIELD_TITLES)
                rows.append(
                    ([result.query] if payload.batch else [])
                    + _item_cells(row)
                    + [titles.get(row.matched_in or "", ""), _text(row.matched),
                       _text(result.partial)]
                )
        return [Sheet(labels.SHEET_RESULTS, headers, rows)]
    if isinstance(payload, Rows):
        return [rows_sheet(payload.rows, labels.SHEET_ITEMS)]
    if isinstance(payload, Counts):
        key_title = h["category"] if payload.key == "category" else h["department"]
        kinds = ("basic", "coordinated", "withdrawn", "total")
        return [Sheet(labels.SHEET_COUNTS, [key_title, *(h[k] for k in kinds)],
                      [[e[payload.key], *(e[k] for k in kinds)] for e in payload.entries])]
    if isinstance(payload, Detail):
        return [steps_sheet([payload.detail])]
    if isinstance(payload, Export):
        lists = [rows_sheet(rows, labels.LIST_TITLES[kind]) for kind, rows in payload.lists]
        return [*lists, steps_sheet(payload.details)]
    if isinstance(payload, Info):
        shown = {**payload.data,
                 "origin": labels.ORIGIN_LABELS.get(payload.data.get("origin", ""))}
        return [Sheet(labels.SHEET_INFO, [h["item"], h["value"]],
                      [[label, _text(shown[key])] for key, label in labels.INFO_LABELS.items()
                       if shown.get(key) is not None])]
    raise UsageError(labels.OUTPUT_NOT_FOR_COMMAND.format(path="-o", suffix="", commands=""))


# ---------------------------------------------------------------- writing


def write_file(payload: Payload, fmt: str, path: Path) -> None:
    """Write ``payload`` to ``path`` in ``fmt`` (atomically: a temp file renamed into place)."""
    if isinstance(payload, Export) and fmt != "xlsx":
        # One table: every item (csv, tsv), or every item in full (json, jsonl).
        if fmt in ("json", "jsonl"):
            from dutylist.render.plain import detail_record

            records = [detail_record(detail) for detail in payload.details]
            text = (json.dumps(records, ensure_ascii=False, indent=2) + "\n" if fmt == "json"
                    else "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records))
            _atomic(path, lambda f: f.write(text.encode("utf-8")))
            return
        payload = Rows([detail.row for detail in payload.details])
    if fmt == "csv":
        _atomic(path, lambda f: write_excel_csv(sheets(payload)[0], f))
    elif fmt == "xlsx":
        _atomic(path, lambda f: write_xlsx(sheets(payload), f))
    elif fmt in ("html", "text"):
        from dutylist.render import sheet as print_sheet

        if not isinstance(payload, Detail):  # pragma: no cover - format_for refuses it
            raise TypeError(payload)
        text = (print_sheet.html_page(payload.detail, payload.document) if fmt == "html"
                else print_sheet.plain_text(payload.detail))
        _atomic(path, lambda f: f.write(text.encode("utf-8")))
    else:
        import io

        from dutylist.render.plain import write_payload

        buffer = io.StringIO()
        write_payload(payload, fmt, buffer)
        _atomic(path, lambda f: f.write(buffer.getvalue().encode("utf-8")))


def _atomic(path: Path, write: Callable[[IO[bytes]], Any]) -> None:
    path = path.expanduser()
    try:
        handle, tmp_name = tempfile.mkstemp(
            dir=path.parent if str(path.parent) else ".", prefix=f".{path.name}.", suffix=".tmp"
        )
    except OSError as error:
        raise UsageError(labels.CANNOT_WRITE.format(path=path, reason=_reason(error))) from None
    try:
        with os.fdopen(handle, "wb") as out:
            write(out)
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp_name, 0o666 & ~umask)  # as an ordinary file (mkstemp makes it private)
        os.replace(tmp_name, path)
    except OSError as error:
        with contextlib.suppress(OSError):
            os.unlink(tmp_name)
        reason = _reason(error)
        if isinstance(error, PermissionError) and path.exists():
            reason += labels.FILE_BUSY
        raise UsageError(labels.CANNOT_WRITE.format(path=path, reason=reason)) from None
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp_name)
        raise


def _reason(error: OSError) -> str:
    return error.strerror or str(error)


def write_excel_csv(sheet: Sheet, out: IO[bytes]) -> None:
    """csv as Excel and WPS open it: UTF-8 with a BOM, ``\\r\\n`` line ends, one header row."""
    import io

    text = io.StringIO(newline="")
    writer = csv.writer(text, lineterminator="\r\n")
    writer.writerow(sheet.headers)
    writer.writerows([_shown(value) for value in row] for row in sheet.rows)
    out.write(text.getvalue().encode("utf-8-sig"))


def _shown(value: str | int) -> str | int:
    """A cell as people read it: control characters written as escapes (``\\x1b``), as in
    a table; a bidi override would reorder the line, ESC is nothing to print."""
    return value if isinstance(value, int) else visible(value)


MAX_COLUMN_WIDTH = 60
"""Widest column of a sheet, in character widths; longer text wraps inside its cell."""


def column_widths(sheet: Sheet) -> list[int]:
    """Fit each column to its content (wide characters count two), within limits."""
    widths = []
    for index, header in enumerate(sheet.headers):
        longest = max([display_width(str(row[index])) for row in sheet.rows] or [0])
        widths.append(max(6, min(MAX_COLUMN_WIDTH, max(longest, display_width(header)) + 2)))
    return widths


def write_xlsx(tables: Sequence[Sheet], out: IO[bytes]) -> None:
    """A workbook: a sheet per table, bold frozen header row, wrapped text, fitted columns,
    an autofilter, and A4 landscape printing that repeats the header on every page."""
    import xlsxwriter  # type: ignore[import-untyped]

    book = xlsxwriter.Workbook(out, {
        "strings_to_numbers": False, "strings_to_formulas": False, "strings_to_urls": False,
        "in_memory": True,
    })
    header = book.add_format(
        {"bold": True, "text_wrap": True, "valign": "top", "bg_color": "#DDEBF7", "border": 1}
    )
    body = book.add_format({"text_wrap": True, "valign": "top"})
    for table in tables:
        sheet = book.add_worksheet(_sheet_name(table.title))
        for column, width in enumerate(column_widths(table)):
            sheet.set_column(column, column, width, body)
        for column, title in enumerate(table.headers):
            sheet.write_string(0, column, title, header)
        for row_number, row in enumerate(table.rows, start=1):
            for column, value in enumerate(row):
                if isinstance(value, int):
                    sheet.write_number(row_number, column, value, body)
                else:
                    sheet.write_string(row_number, column, _shown(value), body)
        sheet.freeze_panes(1, 0)
        if table.rows:
            sheet.autofilter(0, 0, len(table.rows), len(table.headers) - 1)
        sheet.set_landscape()
        sheet.set_paper(9)  # A4
        sheet.repeat_rows(0)
        sheet.fit_to_pages(1, 0)
    book.close()


def _sheet_name(title: str) -> str:
    """Excel's rules: at most 31 characters, none of []:*?/\\."""
    cleaned = "".join("_" if c in "[]:*?/\\" else c for c in title)
    return cleaned[:31] or "Sheet"
