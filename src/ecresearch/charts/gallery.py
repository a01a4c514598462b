"""The gallery page: every catalogued figure in deck order, with its reproduction, its table and its provenance."""
from __future__ import annotations

import html

import polars as pl

from ..deck.figures import FIGURES
from ..webfont import font_css, font_stack
from ..deck.model import Figure

STATUS_TEXT = {
    "deck": ("reproduced from deck data", "デッキのデータで再現"),
    "partial": ("partial: some values or labels lost", "一部再現（値・ラベルの欠落あり）"),
    "external": ("reproduced with external data (flagged)", "外部資料で再現（明示）"),
    "not_reproducible": ("not reproducible", "再現不可"),
}

CSS = """
body{font-family:FONTSTACK;margin:0;color:#222;background:#f7f7f7}
header{background:#1f4e79;color:#fff;padding:18px 32px}header h1{margin:0;font-size:22px}
header p{margin:6px 0 0;font-size:13px;opacity:.9}
main{max-width:1180px;margin:0 auto;padding:16px 24px}
nav{columns:2;font-size:13px;background:#fff;padding:12px 20px;border:1px solid #ddd}
nav a{color:#1f4e79;text-decoration:none}
section{background:#fff;border:1px solid #ddd;margin:18px 0;padding:14px 22px}
h2{font-size:18px;margin:4px 0}.en{color:#555;font-size:14px;font-weight:normal}
.badge{display:inline-block;font-size:12px;padding:2px 8px;border-radius:10px;margin-left:8px;color:#fff}
.b-deck{background:#2e7d32}.b-partial{background:#ef6c00}.b-external{background:#757575}.b-not_reproducible{background:#c62828}
img{max-width:100%;border:1px solid #eee;margin:8px 0}
table{border-collapse:collapse;font-size:12px;margin:8px 0;width:100%}
th,td{border:1px solid #ddd;padding:3px 6px;text-align:left;vertical-align:top}th{background:#eef3f8}
td.num{text-align:right;font-variant-numeric:tabular-nums}
tr.external td{background:#f2f2f2;color:#444}tr.missing td{color:#c00000}
.prov{font-size:13px}.prov li{margin:2px 0}.issue{color:#9c2b00}
details summary{cursor:pointer;color:#1f4e79;font-size:13px}
"""


def _e(x) -> str:
    return html.escape("" if x is None else str(x))


def _value(v, unit: str) -> str:
    if v is None:
        return "—"
    if unit in ("USD", "CNY", "EUR", "persons", "visitors", "visits") and abs(v) >= 1e6:
        for div, word in ((1e12, "tn"), (1e9, "bn"), (1e6, "m")):
            if abs(v) >= div:
                return f"{v / div:,.4g} {word}"
    return f"{v:,.6g}"


def figure_table_html(table: pl.DataFrame) -> str:
    cols = ["series_en", "category_ja", "category_en", "iso3", "period", "value", "unit", "printed", "origin",
            "status", "line_start", "source", "vintage"]
    head = "".join(f"<th>{c}</th>" for c in cols)
    rows = []
    for r in table.iter_rows(named=True):
        cls = "external" if r["origin"] == "external" else ("missing" if r["status"] in ("missing", "unidentified_label") else "")
        cells = []
        for c in cols:
            if c == "value":
                cells.append(f"<td class='num'>{_e(_value(r['value'], r['unit']))}</td>")
            elif c == "source" and r["url"]:
                cells.append(f"<td><a href='{_e(r['url'])}'>{_e(r['source'])}</a></td>")
            else:
                cells.append(f"<td>{_e(r[c])}</td>")
        rows.append(f"<tr class='{cls}'>{''.join(cells)}</tr>")
    return f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table>"


def text_table_html(cells: pl.DataFrame) -> str:
    rows = [f"<tr><td>{_e(r['row_ja'])}<br><span class='en'>{_e(r['row_en'])}</span></td><td>{_e(r['column'] or '(not separable)')}</td>"
            f"<td>{_e(r['text'])}</td><td>{_e(r['line_start'])}–{_e(r['line_end'])}</td></tr>" for r in cells.iter_rows(named=True)]
    return ("<table><thead><tr><th>row</th><th>column</th><th>text as printed</th><th>raw lines</th></tr></thead>"
            f"<tbody>{''.join(rows)}</tbody></table>")


def provenance_html(fig: Figure, table: pl.DataFrame, findings: pl.DataFrame) -> str:
    deck = table.filter((pl.col("origin") == "deck") & pl.col("value").is_not_null())
    items = [f"<li>Deck source as printed: <b>{_e(fig.source_ja or fig.source_en)}</b>; "
             f"{deck.height} values read from the deck text"
             + (f" (raw lines {deck['line_start'].min()}–{deck['line_end'].max()})" if deck.height else "") + "</li>"]
    ext = table.filter(pl.col("origin") == "external").group_by("source", "vintage", "url", maintain_order=True).len()
    for r in ext.iter_rows(named=True):
        link = f"<a href='{_e(r['url'])}'>{_e(r['source'])}</a>" if r["url"] else _e(r["source"])
        items.append(f"<li>External ({r['len']} values): {link}, vintage <b>{_e(r['vintage'])}</b></li>")
    gaps = table.filter(pl.col("status").is_in(["missing", "unidentified_label"])).height
    if gaps:
        items.append(f"<li class='issue'>Still missing: {gaps} values or labels (shown as 不明 / unidentified)</li>")
    named = table.filter(pl.col("status") == "label_external").height
    if named:
        items.append(f"<li>{named} labels matched by value to an external edition (see the table's notes)</li>")
    for r in findings.filter((pl.col("figure_id") == fig.id) & (pl.col("outcome") == "issue")).iter_rows(named=True):
        items.append(f"<li class='issue'>Check <i>{_e(r['check'])}</i>: {_e(r['message'])} → {_e(r['resolution'])}</li>")
    if fig.note_en:
        items.append(f"<li>Note: {_e(fig.note_en)}</li>")
    return f"<ul class='prov'>{''.join(items)}</ul>"


def gallery_html(catalogue: pl.DataFrame, figures: pl.DataFrame, text_cells: pl.DataFrame, findings: pl.DataFrame,
                 images: dict[str, str]) -> str:
    counts = catalogue.group_by("status").len()
    summary = ", ".join(f"{r['len']} {STATUS_TEXT[r['status']][0]}" for r in counts.sort("status").iter_rows(named=True))
    nav, sections = [], []
    for fig in FIGURES:
        cat = catalogue.filter(pl.col("figure_id") == fig.id).row(0, named=True)
        table = figures.filter(pl.col("figure_id") == fig.id)
        en, ja = STATUS_TEXT[fig.status]
        nav.append(f"<li><a href='#{fig.id}'>{cat['slide']}. {_e(fig.title_ja)}</a> <span class='badge b-{fig.status}'>{ja}</span></li>")
        img = (f"<img src='{_e(images[fig.id])}' alt='{_e(fig.title_en)}'>" if fig.id in images
               else f"<p class='issue'>No chart image: {_e('text table (shown below)' if fig.kind == 'text_table' else fig.note_en or 'no values')}</p>")
        body = text_table_html(text_cells.filter(pl.col("figure_id") == fig.id)) if fig.kind == "text_table" else (
            f"<details{' open' if table.height <= 12 else ''}><summary>Table behind the chart ({table.height} rows) — "
            f"data/processed/figures/{fig.id}.parquet</summary>{figure_table_html(table)}</details>" if table.height else "")
        sections.append(
            f"<section id='{fig.id}'><h2>Slide {cat['slide']}: {_e(fig.title_ja)} <span class='en'>/ {_e(fig.title_en)}</span>"
            f"<span class='badge b-{fig.status}'>{en}</span></h2>{img}{provenance_html(fig, table, findings)}{body}</section>")
    body = (
        "<body><header><h1>海外EC市場セミナー資料の図表 / Charts of the JETRO deck</h1>"
        f"<p>{len(FIGURES)} figures in deck order: {summary}. Grey hatched bars are external values (with vintage); "
        "dashed red outlines mark values the deck text lost.</p></header><main>"
        f"<nav><ul style='list-style:none;padding:0'>{''.join(nav)}</ul></nav>{''.join(sections)}"
        "<p style='font-size:12px;color:#666'>Generated by <code>ecresearch build</code> from data/raw; see "
        "reports/data-quality.md for every consistency finding.</p></main></body></html>\n")
    return page("ecresearch: deck charts", body)


def page(title: str, body: str, css: str = CSS) -> str:
    """A self-contained HTML page whose Japanese text renders from embedded, subset fonts."""
    fonts = font_css(title + body + css)
    return (f"<!DOCTYPE html><html lang='ja'><head><meta charset='utf-8'><title>{_e(title)}</title>"
            f"<style>{fonts}{css.replace('FONTSTACK', font_stack())}</style></head>{body}")
