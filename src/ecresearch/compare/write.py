"""Write a comparison: the page, the workbook and the deck under ``<output set>/compare/<ISO3-ISO3-…>/<lang>/``,
staged and published together (all three or none), then the output set's index, which links every comparison
on disk. The folder is git-ignored like the country pages: a comparison is made on demand, never by the build."""

from __future__ import annotations

from pathlib import Path

from ecresearch import datasets
from ecresearch.compare import deck, workbook
from ecresearch.compare.content import Comparison, build
from ecresearch.compare.where import FILES, folder
from ecresearch.pipeline.atomic import publish, staged, staging, write_text
from ecresearch.site.html import rel_link, render_page
from ecresearch.textsafe import safe_url


def page_html(c: Comparison, page: Path) -> str:
    other_lang = "en" if c.lang == "ja" else "ja"
    other = folder(c.out, c.codes, other_lang) / FILES["html"]
    keys = ("lead", "downloads", "xlsx", "pptx", "reports", "item")
    rows = [
        {
            "key": s,
            "name": c.section_name(s),
            "cells": [
                {
                    "text": m.cells[s].text,
                    "source": m.cells[s].source,
                    "period": m.cells[s].period,
                    "sourced": m.cells[s].source != "—",
                    "urls": [u for u in (safe_url(x) for x in m.cells[s].urls) if u],
                }
                for m in c.markets
            ],
        }
        for s in c.sections
    ]
    reports = [
        {"name": m.name, "href": rel_link(page, datasets.path("report_page", c.out, iso3=m.iso3, lang=c.lang))}
        for m in c.markets
    ]
    return render_page(
        "compare.html.j2",
        page,
        title=c.title,
        lang=c.lang,
        out=c.out,
        other=other if other.exists() else None,
        as_of=c.as_of,
        t={k: c.t(k) for k in keys},
        markets=c.markets,
        rows=rows,
        reports=reports,
        files={k: FILES[k] for k in ("xlsx", "pptx")},
    )


def write(
    countries: list[str],
    lang: str = "ja",
    scenario: str | None = None,
    as_of: str | None = None,
    category: str | None = None,
) -> list[Path]:
    """Build the comparison and publish its three files; returns them (page first)."""
    c = build(countries, lang, scenario, as_of, category)
    where = folder(c.out, c.codes, lang, category)
    targets = {k: where / name for k, name in FILES.items()}
    with staging("compare") as root:
        write_text(staged(root, targets["html"]), page_html(c, targets["html"]))
        staged(root, targets["xlsx"]).write_bytes(workbook.to_bytes(c))
        staged(root, targets["pptx"]).write_bytes(deck.to_bytes(c))
        publish(root, list(targets.values()))
    return list(targets.values())
