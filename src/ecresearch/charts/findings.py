"""Quality findings about a charted value, noted on that chart. The quality step publishes its findings
(``quality_findings``); one that disputes a single printed value (``expected`` is the value as printed,
``actual`` what the check computed) marks that bar or point (※1) and the chart's footer says what was found."""

from __future__ import annotations

import math

import polars as pl

from ecresearch.charts.data import ChartData
from ecresearch.domain.formats import common_decimals, fixed
from ecresearch.domain.labels import catalogue, label


def disputed(findings: pl.DataFrame | None, figure_id: str) -> list[dict]:
    """The figure's issues about one value: both the printed and the computed value are stated."""
    if findings is None or findings.is_empty():
        return []
    return list(
        findings.filter(
            (pl.col("figure_id") == figure_id)
            & (pl.col("outcome") == "issue")
            & pl.col("expected").is_not_null()
            & pl.col("actual").is_not_null()
        ).iter_rows(named=True)
    )


def _names(row: dict) -> set[str]:
    """What a finding's subject may call a cell: its series, its category, or category and period."""
    names = {row["series"], row["category_ja"], row["category_en"]}
    names |= {f"{c} {row['period']}" for c in (row["category_ja"], row["category_en"]) if c}
    return {n for n in names if n}


def disputed_cell(table: pl.DataFrame, finding: dict) -> dict | None:
    """The deck row a finding speaks about: its subject names it, and its printed value is the finding's."""
    for row in table.filter((pl.col("origin") == "deck") & pl.col("value").is_not_null()).iter_rows(named=True):
        if finding["subject"] in _names(row) and math.isclose(row["value"], finding["expected"], rel_tol=1e-9):
            return row
    return None


def _shown(value: float, data: ChartData) -> str:
    v = value / data.divisor
    text = fixed(v, common_decimals([round(v, 2)]))
    return f"{text}{data.unit_label}" if data.unit_label == "%" else f"{text} {data.unit_label}"


def attach(data: ChartData, table: pl.DataFrame, findings: pl.DataFrame | None, lang: str) -> None:
    """Mark each disputed value drawn on the chart (main or secondary series) and add its footer line."""
    parts = [data] + ([data.secondary] if data.secondary is not None else [])
    n = 0
    for finding in disputed(findings, str(table["figure_id"][0]) if table.height else ""):
        cell = disputed_cell(table, finding)
        if cell is None:
            continue
        for part in parts:
            f = part.frame
            hit = f[(f["series"] == cell["series"]) & (f["order"] == cell["order"]) & (f["origin"] == "deck")]
            if hit.empty:
                continue
            r = hit.iloc[0]
            n += 1
            mark = label("chart.finding_mark", lang, n=n)
            part.notes[(r["hue"], r["label"])] = mark
            key = f"chart.finding.{finding['check']}"
            note = label(
                key if key in catalogue() else "chart.finding.other", lang, value=_shown(finding["actual"], part)
            )
            where = r["label"] if len(part.series_order) == 1 else f"{r['hue']} {r['label']}"
            data.note_lines.append(label("chart.finding_line", lang, mark=mark, category=where, note=note))
            break
