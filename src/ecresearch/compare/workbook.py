"""The comparison as an XLSX workbook (openpyxl): the side-by-side sheet, the numbers, the sources and what the
workbook was made from. Text from data is always a string cell, never a formula: a value that starts like one
(=, +, -, @) is stored as text with Excel's quote prefix, and characters XML cannot carry are dropped."""

from __future__ import annotations

import datetime as dt
import io
import math
import unicodedata

from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from ecresearch.compare.content import Cell, Comparison
from ecresearch.compare.stable import repack
from ecresearch.site.attribution import notice
from ecresearch.site.html import stamp

FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\n")
HEAD_FILL = PatternFill("solid", fgColor="1F4E79")
HEAD_FONT = Font(bold=True, color="FFFFFF")
WRAP = Alignment(wrap_text=True, vertical="top")


def put_text(ws, row: int, col: int, text) -> None:
    """A text cell that Excel shows as written and never evaluates."""
    s = ILLEGAL_CHARACTERS_RE.sub("", "" if text is None else str(text))
    cell = ws.cell(row=row, column=col)
    cell.value = s
    cell.data_type = "s"  # openpyxl would store '=…' as a formula
    if s.startswith(FORMULA_START):
        cell.quotePrefix = True
    cell.alignment = WRAP


def _width(text: str) -> int:
    """How many character widths a line takes (a CJK character takes two)."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def fit_rows(ws, widths: list[int], line_height: float = 15.0) -> None:
    """Row heights that show the wrapped text whole (Excel and LibreOffice do not grow a row for wrapped text
    written by a library)."""
    for row in ws.iter_rows(min_row=1):
        lines = 1
        for cell, width in zip(row, widths, strict=False):
            if isinstance(cell.value, str):
                n = sum(max(1, math.ceil(_width(part) / max(1, width - 1))) for part in cell.value.split("\n"))
                lines = max(lines, n)
        ws.row_dimensions[row[0].row].height = line_height * lines


def _print_wide(ws) -> None:
    """Printed (or converted to PDF) landscape, every column on one page's width."""
    ws.page_setup.orientation = "landscape"
    ws.page_setup.fitToWidth, ws.page_setup.fitToHeight = 1, 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_title_rows = "1:1"


def _sheet(wb: Workbook, title: str, head: list[str], rows: list[list], widths: list[int]):
    ws = wb.create_sheet(title)
    for j, h in enumerate(head, 1):
        put_text(ws, 1, j, h)
        ws.cell(row=1, column=j).fill = HEAD_FILL
        ws.cell(row=1, column=j).font = HEAD_FONT
    for i, row in enumerate(rows, 2):
        for j, v in enumerate(row, 1):
            if isinstance(v, float | int) and not isinstance(v, bool):
                ws.cell(row=i, column=j, value=v).number_format = "#,##0.00" if isinstance(v, float) else "0"
            else:
                put_text(ws, i, j, v)
    for j, w in enumerate(widths, 1):
        ws.column_dimensions[get_column_letter(j)].width = w
    fit_rows(ws, widths)
    _print_wide(ws)
    ws.freeze_panes = "B2"
    ws.auto_filter.ref = ws.dimensions
    return ws


def _side_text(cell: Cell) -> str:
    """A cell of the side-by-side sheet: its text, then its source and period (when it has a source)."""
    return cell.text if cell.source == "—" else f"{cell.text}\n({cell.source}; {cell.period})"


def workbook(c: Comparison) -> Workbook:
    t = c.t
    wb = Workbook()
    wb.remove(wb.active)
    side = [[c.section_name(s), *(_side_text(m.cells[s]) for m in c.markets)] for s in c.sections]
    _sheet(wb, t("sheet_compare"), [t("item"), *(m.name for m in c.markets)], side, [28, *([48] * len(c.markets))])
    numbers = [
        [c.section_name(s), m.name, cell.value, c.unit_name(cell.unit), cell.period, cell.source]
        for s in c.sections
        for m in c.markets
        if (cell := m.cells[s]).value is not None
    ]
    head = [t("item"), t("market"), t("value"), t("unit"), t("period"), t("source")]
    _sheet(wb, t("sheet_numbers"), head, numbers, [28, 16, 20, 12, 24, 70])
    sources = [
        [c.section_name(s), m.name, cell.source, cell.period, " ".join(cell.urls)]
        for s in c.sections
        for m in c.markets
        if (cell := m.cells[s]).source != "—"
    ]
    head = [t("item"), t("market"), t("source"), t("period"), t("link")]
    _sheet(wb, t("sheet_sources"), head, sources, [28, 16, 70, 24, 60])
    n = notice(c.lang, c.as_of)
    about = [[c.title], [n["as_of"]], [n["deck"]], [n["jetro"]], [f"{n['disclaimer_lead']} 「{n['disclaimer']}」"]]
    about.append([stamp(c.out, c.lang, c.as_of)["text"]])
    ws = wb.create_sheet(t("sheet_about"))
    for i, (text,) in enumerate(about, 1):
        put_text(ws, i, 1, text)
    ws.column_dimensions["A"].width = 120
    fit_rows(ws, [120])
    _print_wide(ws)
    ws["A1"].font = Font(bold=True, size=14)
    day = dt.datetime.fromisoformat(c.as_of)
    wb.properties.created = wb.properties.modified = day
    wb.properties.creator = wb.properties.lastModifiedBy = "ecresearch"
    wb.properties.title = c.title
    wb.properties.language = c.lang
    return wb


def to_bytes(c: Comparison) -> bytes:
    buf = io.BytesIO()
    workbook(c).save(buf)
    return repack(buf.getvalue(), c.as_of)
