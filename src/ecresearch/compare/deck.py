"""The comparison as a PPTX deck (python-pptx): a title slide, then one slide per section with its chart (native
PowerPoint charts, editable) and the markets' cells as a table; each slide's sources and periods in its notes.
python-pptx escapes text for XML; characters XML cannot carry are dropped, and a chart label never starts like
a formula (the chart's data workbook would evaluate it)."""

from __future__ import annotations

import datetime as dt
import io

from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from pptx import Presentation
from pptx.chart.data import CategoryChartData
from pptx.enum.chart import XL_CHART_TYPE
from pptx.util import Inches, Pt

from ecresearch.compare.content import Comparison
from ecresearch.compare.stable import repack
from ecresearch.site.attribution import notice
from ecresearch.site.html import stamp

WIDE, HIGH = Inches(13.333), Inches(7.5)
# sections whose cells carry a number for the chart (the others are lists of names: a table only)
CHARTED = ("size_usd", "size_jpy", "growth", "platforms", "rules", "rank_channel", "rank_gatekeeper", "holds")
# how a unit is charted: the divisor of its values and their number format
SCALE = {"USD": (1e9, "#,##0.0"), "JPY": (1e12, "#,##0.0"), "share": (1, "0%"), "rank": (1, "0"), "rules": (1, "0")}


def clean(text) -> str:
    return ILLEGAL_CHARACTERS_RE.sub("", "" if text is None else str(text))


def chart_label(text: str) -> str:
    """A category or series name for the chart's data workbook, which XlsxWriter would store as a formula if it
    started with '=' (or '{=')."""
    text = clean(text)
    return " " + text if text.startswith(("=", "{")) else text


def series_name(c: Comparison, section: str) -> str:
    unit = c.markets[0].cells[section].unit or "pct"
    return f"{c.section_name(section)} ({c.unit_name(unit, chart=True)})"


def chart_data(c: Comparison, section: str) -> CategoryChartData | None:
    """The section's numbers: one bar per market (per market and platform for the platforms)."""
    unit = c.markets[0].cells[section].unit or "pct"
    div, fmt = SCALE.get(unit, (1, "#,##0.0"))
    data = CategoryChartData(number_format=fmt)
    pairs: list[tuple[str, float | None]]
    if section == "platforms":
        pairs = [(f"{m.name} · {name}", v) for m in c.markets for name, v in m.cells[section].parts]
    else:
        pairs = [(m.name, m.cells[section].value) for m in c.markets]
    if all(v is None for _, v in pairs) or not pairs:
        return None
    data.categories = [chart_label(k) for k, _ in pairs]
    data.add_series(chart_label(series_name(c, section)), [None if v is None else v / div for _, v in pairs])
    return data


def _text(frame, text: str, size: int, bold: bool = False) -> None:
    frame.text = clean(text)
    frame.word_wrap = True
    for p in frame.paragraphs:
        for r in p.runs:
            r.font.size = Pt(size)
            r.font.bold = bold


def _title(slide, text: str) -> None:
    box = slide.shapes.add_textbox(Inches(0.4), Inches(0.25), WIDE - Inches(0.8), Inches(0.7))
    _text(box.text_frame, text, 26, bold=True)


def _table(slide, c: Comparison, section: str, top, height) -> None:
    rows = len(c.markets) + 1
    shape = slide.shapes.add_table(rows, 3, Inches(0.4), top, WIDE - Inches(0.8), height)
    table = shape.table
    widths = (Inches(2.0), Inches(6.0), WIDE - Inches(8.8))
    for j, w in enumerate(widths):
        table.columns[j].width = w
    for j, h in enumerate((c.t("market"), c.section_name(section), c.t("source"))):
        _text(table.cell(0, j).text_frame, h, 12, bold=True)
    for i, m in enumerate(c.markets, 1):
        cell = m.cells[section]
        where = "—" if cell.source == "—" else f"{short(cell.source)} ({cell.period})"
        for j, text in enumerate((m.name, cell.text, where)):
            _text(table.cell(i, j).text_frame, text, 11 if j < 2 else 9)


def short(text: str, limit: int = 150) -> str:
    """A source list cut to fit its table cell; the slide's notes carry it whole."""
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _notes(slide, c: Comparison, section: str) -> None:
    lines = [c.t("notes_sources") + ":"]
    for m in c.markets:
        cell = m.cells[section]
        lines.append(f"{m.name}: {cell.source} — {c.t('period')}: {cell.period}")
        lines += [f"  {u}" for u in cell.urls]
    slide.notes_slide.notes_text_frame.text = clean("\n".join(lines))


def _section_slide(prs, c: Comparison, section: str) -> None:
    slide = prs.slides.add_slide(prs.slide_layouts[6])  # blank
    _title(slide, c.section_name(section))
    data = chart_data(c, section) if section in CHARTED else None
    if data is not None:
        frame = slide.shapes.add_chart(
            XL_CHART_TYPE.BAR_CLUSTERED, Inches(0.4), Inches(1.0), WIDE - Inches(0.8), Inches(3.0), data
        )
        chart = frame.chart
        chart.has_legend = False
        chart.plots[0].has_data_labels = True
        chart.plots[0].data_labels.number_format = data.number_format
        chart.plots[0].data_labels.number_format_is_linked = False
        chart.category_axis.reverse_order = True  # the first market on top, as in the table
        chart.font.size = Pt(11)
        if data.number_format.endswith("%"):
            chart.value_axis.maximum_scale = 1.0
        chart.value_axis.tick_labels.number_format = data.number_format
        chart.value_axis.tick_labels.number_format_is_linked = False
        chart.has_title = True
        title = series_name(c, section) + (" — " + c.t("chart_rank_note") if section.startswith("rank_") else "")
        _text(chart.chart_title.text_frame, title, 12)
        _table(slide, c, section, Inches(4.15), Inches(3.0))
    else:
        _table(slide, c, section, Inches(1.1), Inches(4.0))
    _notes(slide, c, section)


def presentation(c: Comparison):
    prs = Presentation()
    prs.slide_width, prs.slide_height = WIDE, HIGH
    n = notice(c.lang, c.as_of)
    first = prs.slides.add_slide(prs.slide_layouts[6])
    _title(first, c.title)
    box = first.shapes.add_textbox(Inches(0.4), Inches(1.3), WIDE - Inches(0.8), Inches(5.5))
    lines = [c.t("lead"), n["as_of"], n["deck"], n["jetro"], f"{n['disclaimer_lead']} 「{n['disclaimer']}」"]
    _text(box.text_frame, "\n".join(lines), 14)
    first.notes_slide.notes_text_frame.text = clean(stamp(c.out, c.lang, c.as_of)["text"])
    for section in c.sections:
        _section_slide(prs, c, section)
    props = prs.core_properties
    props.title = clean(c.title)
    props.author = props.last_modified_by = "ecresearch"
    props.language = c.lang
    props.revision = 1
    props.created = props.modified = dt.datetime.fromisoformat(c.as_of)
    return prs


def to_bytes(c: Comparison) -> bytes:
    buf = io.BytesIO()
    presentation(c).save(buf)
    return repack(buf.getvalue(), c.as_of)
