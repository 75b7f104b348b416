"""One item on paper or in a chat: the print sheet (办事指引, HTML for A4) and plain text.

The HTML page is self-contained (no scripts, fonts or images from elsewhere), escapes
every piece of data, and carries the document's title, 文号 and date when the
database has them. The plain text has no borders or colours, for pasting into
WeChat or an OA document. Standard library only.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from html import escape as _html_escape
from typing import TYPE_CHECKING

from dutylist import labels
from dutylist.controls import visible

if TYPE_CHECKING:
    from dutylist.query import BlockView, DutyDetail


def _sections(detail: DutyDetail) -> list[tuple[str, Sequence[BlockView]]]:
    """(title, blocks) of each side shown, in the document's words."""
    row = detail.row
    departments = labels.SEP.join(row.departments)
    if row.list == "basic":
        return []
    if row.list == "withdrawn":
        return [(labels.WITHDRAWN_PANEL.format(departments=departments), detail.upper)]
    return [
        (labels.UPPER_PANEL.format(departments=departments), detail.upper),
        (labels.TOWNSHIP_PANEL, detail.township),
    ]


def _facts(detail: DutyDetail) -> list[tuple[str, str]]:
    row = detail.row
    titles = labels.FIELD_TITLES
    facts = [
        (titles["id"], row.id),
        (titles["list"], labels.LIST_TITLES[row.list]),
        (titles["category"], row.category),
        (titles["name"], row.name),
        (titles["whose"], labels.whose(row.list, row.departments)),
    ]
    if row.note:
        facts.append((titles["note"], row.note))
    return facts


def _lines(blocks: Sequence[BlockView]) -> Iterator[tuple[str, str, str]]:
    """(kind, number, text) of a cell: ``heading``, ``department`` or ``step`` lines."""
    headings = 0
    for block in blocks:
        if block.heading:
            yield "heading", "", labels.heading_label(block.heading, headings)
            headings += 1
        if block.department:
            yield "department", "", block.department
        for number, step in enumerate(block.steps, start=1):
            yield "step", f"{number}." if block.numbered else "", step


def document_lines(document: Mapping[str, str]) -> list[str]:
    """``文号：…``, ``日期：…``, ``版本：…`` for the fields the database has (none if unset)."""
    return [
        f"{labels.INFO_LABELS[key]}：{document[key]}"
        for key in ("doc_number", "date", "version")
        if document.get(key)
    ]


# ---------------------------------------------------------------- plain text


def escape(text: str) -> str:
    """Data as HTML text: markup characters escaped, control characters shown as escapes
    (a bidi override would reorder the printed line, ESC is no character to print)."""
    return _html_escape(visible(text))


def plain_text(detail: DutyDetail) -> str:
    """The item as plain text: facts, then each side's steps, numbered as printed."""
    out = [f"{label}：{value}" for label, value in _facts(detail)]
    if detail.row.list == "basic":
        out += ["", labels.BASIC_DETAIL]
    for title, blocks in _sections(detail):
        out += ["", f"{title}："]
        for _kind, number, text in _lines(blocks):
            out.append(f"{number} {text}" if number else text)
    # Pasted into a chat or printed to a terminal: control characters as escapes.
    return "\n".join(visible(line) for line in out) + "\n"


# ---------------------------------------------------------------- HTML

_CSS = """
@page { size: A4; margin: 18mm 16mm 20mm 16mm; }
html { font-family: "SimSun", "Songti SC", "Noto Serif CJK SC", serif; font-size: 12pt;
       line-height: 1.6; color: #000; }
body { max-width: 178mm; margin: 0 auto; }
header { text-align: center; border-bottom: 1.5pt solid #000; margin-bottom: 6mm; }
header h1 { font-size: 16pt; margin: 0 0 2mm 0; font-family: "SimHei", "Heiti SC",
            "Noto Sans CJK SC", sans-serif; }
header p { margin: 0 0 2mm 0; font-size: 10.5pt; }
h2 { font-size: 13pt; margin: 5mm 0 2mm 0; font-family: "SimHei", "Heiti SC",
     "Noto Sans CJK SC", sans-serif; break-after: avoid; page-break-after: avoid; }
table.facts { border-collapse: collapse; width: 100%; }
table.facts th, table.facts td { border: 0.75pt solid #000; padding: 1.5mm 2mm;
                                 vertical-align: top; text-align: left; }
table.facts th { width: 24mm; white-space: nowrap; background: #f0f0f0; }
section { break-inside: auto; }
ol.steps { list-style: none; margin: 0; padding: 0; }
ol.steps li { display: flex; gap: 1.5mm; margin: 0 0 1mm 0; break-inside: avoid;
              page-break-inside: avoid; }
ol.steps li .n { flex: none; min-width: 2em; text-align: right; }
p.heading { font-weight: bold; margin: 2mm 0 1mm 0; }
p.department { font-weight: bold; margin: 2mm 0 1mm 0; }
footer { margin-top: 8mm; font-size: 9pt; color: #444; border-top: 0.5pt solid #888;
         padding-top: 2mm; }
@media screen { body { margin: 12mm auto; } }
"""


def html_page(detail: DutyDetail, document: Mapping[str, str]) -> str:
    """A print sheet (办事指引) of one item: A4, self-contained, every value escaped."""
    row = detail.row
    title = document.get("title") or labels.LIST_TITLES[row.list]
    parts = [
        "<!DOCTYPE html>",
        '<html lang="zh-CN">',
        "<head>",
        '<meta charset="utf-8">',
        f"<title>{escape(row.id)} {escape(row.name)} — {escape(labels.PRINT_SHEET)}</title>",
        f"<style>{_CSS}</style>",
        "</head>",
        "<body>",
        "<header>",
        f"<h1>{escape(title)}</h1>",
    ]
    meta = document_lines(document)
    if meta:
        parts.append(f"<p>{escape('　'.join(meta))}</p>")
    parts += [f"<p>{escape(labels.PRINT_SHEET)}</p>", "</header>", "<main>",
              '<table class="facts">']
    for label, value in _facts(detail):
        parts.append(f"<tr><th>{escape(label)}</th><td>{escape(value)}</td></tr>")
    parts.append("</table>")
    if row.list == "basic":
        parts.append(f"<p>{escape(labels.BASIC_DETAIL)}</p>")
    for section_title, blocks in _sections(detail):
        parts += ["<section>", f"<h2>{escape(section_title)}</h2>"]
        open_list = False
        for kind, number, text in _lines(blocks):
            if kind == "step":
                if not open_list:
                    parts.append('<ol class="steps">')
                    open_list = True
                mark = f'<span class="n">{escape(number)}</span>' if number else ""
                parts.append(f"<li>{mark}<span>{escape(text)}</span></li>")
                continue
            if open_list:
                parts.append("</ol>")
                open_list = False
            parts.append(f'<p class="{kind}">{escape(text)}</p>')
        if open_list:
            parts.append("</ol>")
        parts.append("</section>")
    doc_number = document.get("doc_number")
    source = f"{title}（{doc_number}）" if doc_number else title
    parts += ["</main>", f"<footer>{escape(labels.PRINT_FOOTER.format(source=source))}</footer>",
              "</body>", "</html>"]
    return "\n".join(parts) + "\n"
