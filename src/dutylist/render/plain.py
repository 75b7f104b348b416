"""tsv, csv, json and jsonl: the standard library only, never Rich.

tsv has no header (one record a line, for ``cut`` and ``awk``); csv has a
header; json is one array (or object); jsonl one object a line.
Control characters in the data are written as escapes in tsv and csv (``\x1b``)
and escaped the JSON way in json (the value stays exact): never raw.
"""

from __future__ import annotations

import csv
import io
import json
import math
from collections.abc import Iterable, Iterator, Sequence
from typing import TYPE_CHECKING, Any, TextIO

from dutylist import labels
from dutylist.controls import json_safe, visible
from dutylist.render import Backups, Batch, Counts, Detail, Diff, Info, Payload, Rows, Searches

if TYPE_CHECKING:
    from dutylist.query import BlockView, DutyDetail, DutyRow, SearchResult

LIST_FIELDS = ["id", "list", "seq", "category", "name", "departments", "whose", "note"]
SEARCH_FIELDS = [
    "id", "list", "seq", "category", "name", "departments", "whose",
    "score", "matched", "matched_in", "partial", "verdict", "suggestion", "note",
]
STEP_FIELDS = ["id", "side", "block", "heading", "department", "number", "text", "name", "whose"]
BACKUP_FIELDS = [
    "number", "file", "replaced_at", "title", "doc_number", "date", "version", "built_at",
    "source_sha256", "ok", "problem",
]
COUNT_FIELDS = ["basic", "coordinated", "withdrawn", "total"]


def cell(value: Any) -> str:
    """A value as one tsv/csv cell: lists joined with 、, no tabs or line breaks."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (list, tuple)):
        value = labels.SEP.join(str(v) for v in value)
    # Escapes first (str.splitlines() would also break at \x85, \x1c… and \u2028).
    return visible(str(value)).replace("\t", " ").replace("\n", " ")


def to_json(value: Any, indent: int | None = None) -> str:
    """JSON keeping Chinese as is and every character exact, none a terminal acts on raw."""
    if indent is None:
        return json_safe(_COMPACT.encode(value))
    return json_safe(json.dumps(value, ensure_ascii=False, indent=indent))


_COMPACT = json.JSONEncoder(ensure_ascii=False)  # one encoder for every jsonl line


def write_records(
    records: Sequence[dict[str, Any]], fields: Sequence[str], fmt: str, out: TextIO
) -> None:
    """Write dicts as tsv (no header), csv (header), json (array) or jsonl."""
    if fmt == "json":
        out.write(to_json(list(records), 2) + "\n")
    elif fmt == "jsonl":
        for record in records:
            out.write(to_json(record) + "\n")
    elif fmt == "csv":
        buffer = io.StringIO()
        writer = csv.DictWriter(buffer, fieldnames=list(fields), extrasaction="ignore")
        writer.writeheader()
        for record in records:
            writer.writerow({f: cell(record.get(f)) for f in fields})
        out.write(buffer.getvalue())
    elif fmt == "tsv":
        for record in records:
            out.write("\t".join(cell(record.get(f)) for f in fields) + "\n")
    else:  # pragma: no cover - the CLI checks formats
        raise ValueError(fmt)


def stream_records(
    groups: Iterable[Sequence[dict[str, Any]]], fields: Sequence[str], fmt: str, out: TextIO
) -> None:
    """Write groups of records as they come, flushing after each group (``--stdin``).

    The same text as ``write_records`` of all the records, without holding them:
    json is one array, opened before the first record and closed after the last.
    """
    if fmt == "csv":
        writer = csv.DictWriter(out, fieldnames=list(fields), extrasaction="ignore",
                                lineterminator="\r\n")
        writer.writeheader()
    first = True
    for records in groups:
        for record in records:
            if fmt == "json":
                text = to_json(record, 2).replace("\n", "\n  ")
                out.write(("[\n  " if first else ",\n  ") + text)
            elif fmt == "jsonl":
                out.write(to_json(record) + "\n")
            elif fmt == "csv":
                writer.writerow({f: cell(record.get(f)) for f in fields})
            else:
                out.write("\t".join(cell(record.get(f)) for f in fields) + "\n")
            first = False
        out.flush()
    if fmt == "json":
        out.write("[]\n" if first else "\n]\n")


def batch_records(
    batch: Iterable[tuple[int, SearchResult | None]],
) -> Iterator[list[dict[str, Any]]]:
    """``--stdin``: for every input line, its rows, each carrying the query; a query with
    no result (or a blank line) is one record of the query and empty fields."""
    empty = dict.fromkeys(SEARCH_FIELDS)
    for _number, result in batch:
        if result is None:
            yield [{"query": "", **empty}]
        elif not result.rows:
            yield [{"query": result.query, **empty, "verdict": result.verdict,
                    "suggestion": result.suggestion}]
        else:
            yield search_records(result, with_query=True)


def batch_json_lines(batch: Iterable[tuple[int, SearchResult | None]]) -> Iterator[str]:
    """``--stdin --format jsonl``: each input line's records as JSON lines, the text
    ``to_json`` gives each record of ``batch_records``.

    Written from parts: an item's own fields (id to whose, and note) are encoded once
    and kept (``_item_json``), and only what the query adds is encoded for each row.
    """
    for number, search in batch:
        if search is None or not search.rows:
            (records,) = batch_records([(number, search)])
            yield "".join(to_json(record) + "\n" for record in records)
            continue
        head = '{"query": ' + _json_value(search.query) + ", "
        tail = (
            f', "partial": {_json_value(search.partial)}, "verdict": {_json_value(search.verdict)}'
            f', "suggestion": {_json_value(search.suggestion)}, "note": '
        )
        lines = []
        for row in search.rows:
            item, note = _item_json(row)
            score = round(row.score, 4) if row.score is not None else None
            lines.append(
                f'{head}{item}, "score": {_json_value(score)}, "matched": '
                f'{_json_value(row.matched)}, "matched_in": {_json_value(row.matched_in)}'
                f"{tail}{note}}}\n"
            )
        yield "".join(lines)


def _json_value(value: Any) -> str:
    """``to_json`` of one value, the common kinds without the encoder's set-up."""
    if value is None:
        return "null"
    if value is True or value is False:
        return "true" if value else "false"
    if type(value) is str:
        return json_safe(_COMPACT.encode(value))
    if type(value) is float and math.isfinite(value):
        return float.__repr__(value)
    return to_json(value)


_ITEM_JSON: dict[tuple[Any, ...], tuple[str, str]] = {}
ITEM_JSON_KEPT = 20_000
"""At most this many items' encoded fields are kept (then they are all forgotten)."""


def _item_json(row: DutyRow) -> tuple[str, str]:
    """An item's own fields as JSON: ``"id": …, "whose": …`` and its note's value."""
    key = (row.id, row.list, row.seq, row.category, row.name, *row.departments, None, row.note)
    found = _ITEM_JSON.get(key)
    if found is None:
        if len(_ITEM_JSON) >= ITEM_JSON_KEPT:
            _ITEM_JSON.clear()
        own = {name: value for name, value in row_record(row).items() if name != "note"}
        found = _ITEM_JSON[key] = (to_json(own)[1:-1], to_json(row.note))
    return found


def _write_object(data: dict[str, Any], fmt: str, out: TextIO) -> None:
    """One object as json (indented) or jsonl (one line)."""
    out.write(to_json(data, 2 if fmt == "json" else None) + "\n")


# ---------------------------------------------------------------- records


def row_record(row: DutyRow, *, search: bool = False) -> dict[str, Any]:
    """An item as listed: the data and whose duty it is (``whose``)."""
    data: dict[str, Any] = {
        "id": row.id,
        "list": row.list,
        "seq": row.seq,
        "category": row.category,
        "name": row.name,
        "departments": list(row.departments),
        "whose": labels.whose(row.list, row.departments),
    }
    if search:
        data["score"] = round(row.score, 4) if row.score is not None else None
        data["matched"] = row.matched
        data["matched_in"] = row.matched_in
    data["note"] = row.note
    return data


def search_records(result: SearchResult, *, with_query: bool = False) -> list[dict[str, Any]]:
    """A record of each row, its fields in the order of SEARCH_FIELDS (after ``query``)."""
    records = []
    for row in result.rows:
        data = {
            **row_record(row, search=True),
            "partial": result.partial,
            "verdict": result.verdict,
            "suggestion": result.suggestion,
        }
        record: dict[str, Any] = {"query": result.query} if with_query else {}
        record.update((name, data[name]) for name in SEARCH_FIELDS)
        records.append(record)
    return records


def _block_record(block: BlockView) -> dict[str, Any]:
    data: dict[str, Any] = {}
    if block.heading:
        data["heading"] = block.heading
    if block.department:
        data["department"] = block.department
    data["numbered"] = block.numbered
    data["steps"] = list(block.steps)
    return data


def detail_record(detail: DutyDetail) -> dict[str, Any]:
    """show-steps as one object: the item, then its duties cells."""
    data = row_record(detail.row)
    data["upper_duties"] = [_block_record(b) for b in detail.upper]
    data["township_duties"] = [_block_record(b) for b in detail.township]
    return data


def step_records(detail: DutyDetail) -> list[dict[str, Any]]:
    """One record per step (tsv/csv of show-steps), each with its item's name and whose duty
    it is; a basic item is one record of its text."""
    row = detail.row
    item = {"name": row.name, "whose": labels.whose(row.list, row.departments)}
    if row.list == "basic":
        return [
            {"id": row.id, "side": "township", "block": 1, "heading": None,
             "department": None, "number": None, "text": row.name, **item}
        ]
    records = []
    for side, blocks in (("upper", detail.upper), ("township", detail.township)):
        for block_number, block in enumerate(blocks, start=1):
            for number, text in enumerate(block.steps, start=1):
                records.append(
                    {
                        "id": row.id,
                        "side": side,
                        "block": block_number,
                        "heading": block.heading,
                        "department": block.department,
                        "number": number if block.numbered else None,
                        "text": text,
                        **item,
                    }
                )
    return records


def _write_info(info: dict[str, Any], fmt: str, out: TextIO) -> None:
    if fmt in ("json", "jsonl"):
        _write_object(info, fmt, out)
    elif fmt == "csv":
        write_records([info], [k for k in labels.INFO_LABELS if k in info], "csv", out)
    else:
        for key in labels.INFO_LABELS:
            if info.get(key) is not None:
                out.write(f"{key}\t{cell(info[key])}\n")


def write_payload(payload: Payload, fmt: str, out: TextIO) -> None:
    """Any command's payload in a plain format."""
    if isinstance(payload, Batch) and fmt == "jsonl":
        for lines in batch_json_lines(payload):
            out.write(lines)
            out.flush()
    elif isinstance(payload, Batch):
        stream_records(batch_records(payload), ["query", *SEARCH_FIELDS], fmt, out)
    elif isinstance(payload, Searches):
        records = [
            record
            for result in payload.results
            for record in search_records(result, with_query=payload.batch)
        ]
        fields = (["query"] if payload.batch else []) + SEARCH_FIELDS
        write_records(records, fields, fmt, out)
    elif isinstance(payload, Rows):
        write_records([row_record(r) for r in payload.rows], LIST_FIELDS, fmt, out)
    elif isinstance(payload, Counts):
        write_records(payload.entries, [payload.key, *COUNT_FIELDS], fmt, out)
    elif isinstance(payload, Detail):
        if fmt in ("json", "jsonl"):
            _write_object(detail_record(payload.detail), fmt, out)
        else:
            write_records(step_records(payload.detail), STEP_FIELDS, fmt, out)
    elif isinstance(payload, Info):
        _write_info(payload.data, fmt, out)
    elif isinstance(payload, Diff):
        if fmt in ("json", "jsonl"):
            text = payload.diff.to_json(indent=None if fmt == "jsonl" else 2)
            out.write(json_safe(text) + "\n")
        elif fmt in ("tsv", "csv"):  # data: one change per line
            from dutylist.render.diff import DIFF_FIELDS, diff_records

            write_records(diff_records(payload.diff), DIFF_FIELDS, fmt, out)
        else:  # "text": the marked prose, for reading in a pipe
            from dutylist.render.diff import text_lines

            out.write("\n".join(visible(line) for line in text_lines(payload.diff)) + "\n")
    elif isinstance(payload, Backups):
        write_records(payload.records, BACKUP_FIELDS, fmt, out)
