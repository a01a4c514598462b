"""A report's section for one product category: whether anything bars it in the market, then every sourced
line the segments table holds for it (demand evidence, rules, programmes, partner sites). Words come from the
label catalogue, names from the category catalogue; text from data is escaped."""

from __future__ import annotations

import html as _h

import polars as pl

from ecresearch.domain.formats import num
from ecresearch.domain.labels import label
from ecresearch.report.country import heading, html_table, paragraph
from ecresearch.segments.catalogue import require
from ecresearch.segments.view import reasons, rows_for, standing


def _where(r: dict, lang: str) -> str:
    if r["slide"] is not None:
        return label("category.deck_ref", lang, slide=r["slide"], line=r["line_start"])
    if r["snapshot"] is not None:
        return f"{r['snapshot']}:{r['record']}"
    return "—"


def _said(r: dict, lang: str) -> str:
    if r["aspect"] in ("programme", "platform"):  # the programme's (or partner site's) own word for it
        return f"{r['item']}: {r['word']}" + (f" ({r['route']})" if r["aspect"] == "platform" else "")
    text = (r["text_en"] or r["text_ja"]) if lang == "en" else (r["text_ja"] or r["text_en"])
    return text or r["word"]


def _value(r: dict, lang: str) -> str:
    if r["value"] is None:
        return "—"
    return num(r["value"], lang, 1) + (" %" if r["unit"] == "percent" else f" {r['unit']}")


def table(rows: pl.DataFrame, lang: str) -> pl.DataFrame:
    """One line per source row: aspect, what it says, its value and period, its status, its source."""
    t = lambda key: label(f"category.{key}", lang)  # noqa: E731
    out = []
    for r in rows.iter_rows(named=True):
        status = label(f"rule_status.{r['status']}", lang) if r["status"] else "—"
        out.append(
            {
                t("aspect"): t(f"aspect_{r['aspect']}"),
                t("what"): _said(r, lang),
                t("effect"): t(f"effect_{r['effect']}") + (" ⚠" if r["barred"] else ""),
                t("value"): _value(r, lang),
                t("period"): r["period"] or "—",
                t("status"): status,
                t("source"): r["source"] + (f" ({r['vintage']})" if r["vintage"] else ""),
                t("where"): _where(r, lang),
                t("url"): r["url"] or "",
            }
        )
    return pl.DataFrame(out) if out else pl.DataFrame()


def section_html(segments: pl.DataFrame, iso3: str, market: str, key: str, lang: str) -> str:
    """The category's section of a market's report (heading, standing, table or 'nothing in the sources')."""
    cat = require(key)
    rows = rows_for(segments, iso3, key)
    state = standing(rows)
    parts = [heading(label("category.heading", lang, name=cat.name(lang)))]
    why = label("category.sep", lang).join(reasons(rows))
    parts.append(
        f"<p class='category-{_h.escape(state)}'>"
        + _h.escape(label(f"category.standing_{state}", lang, market=market, reasons=why))
        + "</p>"
    )
    if not rows.height:
        return "".join(parts) + paragraph(label("category.none", lang))
    return "".join(parts) + html_table(table(rows, lang), links=(label("category.url", lang),))
