"""The gallery page: every catalogued figure in deck order, with its reproduction, its table and its provenance."""

from __future__ import annotations

import polars as pl

from ecresearch import datasets
from ecresearch.clean.quality_report import quality_report
from ecresearch.deck.figures import FIGURES
from ecresearch.deck.model import Figure
from ecresearch.domain import units
from ecresearch.domain.labels import label
from ecresearch.site.html import rel_link, render_page, safe_url


def _e(x) -> str:
    return "" if x is None else str(x)


def _value(v, unit: str) -> str:
    from ecresearch.domain.formats import compact

    known = units.BASE_UNITS.get(unit)
    return compact(v, scaled=known is not None and known.scaled)


COLUMNS = [
    "series_en",
    "category_ja",
    "category_en",
    "iso3",
    "period",
    "value",
    "unit",
    "printed",
    "origin",
    "status",
    "line_start",
    "source",
    "vintage",
]


def table_rows(table: pl.DataFrame) -> list[dict]:
    rows = []
    for r in table.iter_rows(named=True):
        cls = (
            "external"
            if r["origin"] == "external"
            else ("missing" if r["status"] in ("missing", "unidentified_label") else "")
        )
        rows.append(
            {
                **{c: _e(r[c]) for c in COLUMNS},
                "value": _value(r["value"], r["unit"]),
                "cls": cls,
                "url": safe_url(r["url"]),
            }
        )
    return rows


def provenance(fig: Figure, table: pl.DataFrame, findings: pl.DataFrame) -> list[dict]:
    deck = table.filter((pl.col("origin") == "deck") & pl.col("value").is_not_null())
    items = [
        {
            "text": f"Deck source as printed: {fig.source_ja or fig.source_en}; {deck.height} values read from the "
            "deck text" + (f" (raw lines {deck['line_start'].min()}–{deck['line_end'].max()})" if deck.height else "")
        }
    ]
    ext = table.filter(pl.col("origin") == "external").group_by("source", "vintage", "url", maintain_order=True).len()
    for r in ext.iter_rows(named=True):
        url = safe_url(r["url"])
        items.append(
            {
                "text": f"External ({r['len']} values), vintage {r['vintage']}:",
                "link": {"href": url, "text": r["source"]} if url else None,
                "link_text": r["source"],
            }
        )
    gaps = table.filter(pl.col("status").is_in(["missing", "unidentified_label"])).height
    if gaps:
        items.append({"text": f"Still missing: {gaps} values or labels (shown as 不明 / unidentified)", "issue": True})
    named = table.filter(pl.col("status") == "label_external").height
    if named:
        items.append({"text": f"{named} labels matched by value to an external edition (see the table's notes)"})
    for r in findings.filter((pl.col("figure_id") == fig.id) & (pl.col("outcome") == "issue")).iter_rows(named=True):
        items.append({"text": f"Check {r['check']}: {r['message']} → {r['resolution']}", "issue": True})
    if fig.note_en:
        items.append({"text": f"Note: {fig.note_en}"})
    return items


def gallery_html(
    catalogue: pl.DataFrame,
    figures: pl.DataFrame,
    text_cells: pl.DataFrame,
    findings: pl.DataFrame,
    images: dict[str, str],
) -> str:
    counts = catalogue.group_by("status").len()
    summary = ", ".join(
        f"{r['len']} {label('status.' + r['status'], 'en')}" for r in counts.sort("status").iter_rows(named=True)
    )
    sections = []
    for fig in FIGURES:
        cat = catalogue.filter(pl.col("figure_id") == fig.id).row(0, named=True)
        table = figures.filter(pl.col("figure_id") == fig.id)
        en, ja = label(f"status.{fig.status}", "en"), label(f"status.{fig.status}", "ja")
        cells = text_cells.filter(pl.col("figure_id") == fig.id)
        sections.append(
            {
                "id": fig.id,
                "slide": cat["slide"],
                "title_ja": fig.title_ja,
                "title_en": fig.title_en,
                "status": fig.status,
                "status_en": en,
                "status_ja": ja,
                "image": images.get(fig.id),
                "no_image": "text table (shown below)" if fig.kind == "text_table" else (fig.note_en or "no values"),
                "prov": provenance(fig, table, findings),
                "text_cells": [
                    {
                        "row_ja": r["row_ja"],
                        "row_en": r["row_en"],
                        "column": r["column"] or "(not separable)",
                        "text": r["text"],
                        "lines": f"{r['line_start']}–{r['line_end']}",
                    }
                    for r in cells.iter_rows(named=True)
                ]
                if fig.kind == "text_table"
                else [],
                "rows": table_rows(table),
            }
        )
    subtitle = (
        f"{len(FIGURES)} figures in deck order: {summary}. Grey hatched bars are external values (with "
        "vintage); dashed red outlines mark values the deck text lost."
    )
    return render_page(
        "gallery.html.j2",
        datasets.path("gallery"),
        title="海外EC市場セミナー資料の図表 / Charts of the JETRO deck",
        lang="ja",
        subtitle=subtitle,
        sections=sections,
        columns=COLUMNS,
    )


def quality_html(findings: pl.DataFrame) -> str:
    """The data-quality report as a page: the document of ``quality_report``, through quality.html.j2."""
    doc = quality_report(findings)
    page = datasets.path("quality_page")
    return render_page(
        "quality.html.j2",
        page,
        title=f"{doc.title} / {doc.title_ja}",
        lang="en",
        subtitle=doc.lead,
        doc=doc,
        gallery=rel_link(page, datasets.path("gallery")),
    )
