"""Render a catalogued figure from its table, in the house style, with its source line."""
from __future__ import annotations

import textwrap
from dataclasses import dataclass

import matplotlib.pyplot as plt
import pandas as pd
import polars as pl

from ecresearch.deck.model import Figure
from ecresearch.charts import kinds
from ecresearch.charts.data import ChartData, prepare
from ecresearch.charts.style import LABELS, apply

IMAGE_KINDS = {"bar", "hbar", "grouped_bar", "line", "pie", "ranking_table"}


@dataclass
class Rendered:
    figure: plt.Figure
    data: ChartData | None
    axes: list
    orient: str


def has_image(fig: Figure, table: pl.DataFrame) -> bool:
    return fig.kind in IMAGE_KINDS and table.filter(pl.col("unit") != "text").height > 0


def _orient(fig: Figure) -> str:
    return "h" if fig.kind == "hbar" or fig.chart.get("orient") == "h" else "v"


def title(fig: Figure, data: ChartData | None, lang: str) -> str:
    t = fig.title_ja if lang == "ja" else fig.title_en
    if data is None or data.frame.empty:
        return t
    periods = sorted(set(data.frame["period"].astype(str)))
    if len(periods) > 1:
        periods = [p for p in periods if p not in ("unstated", "*")]
    period = periods[0] if len(periods) == 1 else f"{periods[0]}–{periods[-1]}"
    if period in ("unstated", "*"):
        return f"{t}（{data.unit_label}）" if lang == "ja" else f"{t} ({data.unit_label})"
    return f"{t}（{data.unit_label}、{period}）" if lang == "ja" else f"{t} ({data.unit_label}, {period})"


def source_lines(fig: Figure, table: pl.DataFrame, slide: int | None, lang: str) -> str:
    words = LABELS[lang]
    src = fig.source_ja or fig.source_en
    lines = [f"{words['source']}: {src}" + (f"（{words['slide']} {slide}）" if lang == "ja" else f" ({words['slide']} {slide})")]
    ext = table.filter(pl.col("origin") == "external").select("source", "vintage").unique(maintain_order=True)
    for r in ext.iter_rows(named=True):
        lines.append(f"{words['external']}: {r['source']} [{r['vintage']}]")
    if fig.note_en and lang == "en":
        lines.append(f"{words['note']}: {fig.note_en}")
    elif lang == "ja" and (table["status"].is_in(["missing", "unidentified_label", "label_external"]).any()
                           or ext.height):
        lines.append(f"{words['note']}: 不明＝デッキのテキストから値またはラベルが失われた箇所。灰色・斜線＝外部資料（年版に注意）。")
    return "\n".join("\n".join(textwrap.wrap(line, 120)) for line in lines)


def _ranking_frame(fig: Figure, table: pl.DataFrame, lang: str) -> tuple[pd.DataFrame, str | None]:
    cat = "category_ja" if lang == "ja" else "category_en"
    if fig.id == "sea_top5_platforms":
        from ecresearch.countries import resolve
        wide = table.pivot(on="value", index="iso3", values=cat, sort_columns=True)
        wide = wide.rename({c: str(int(float(c))) for c in wide.columns if c != "iso3"})
        names = [resolve(i).name_ja if lang == "ja" else resolve(i).name_en for i in wide["iso3"]]
        df = wide.to_pandas()
        df.insert(0, "国・地域" if lang == "ja" else "Country", names)
        return df.drop(columns=["iso3"]), "iso3"
    df = table.sort("value").select(pl.col("value").cast(pl.Int64).alias("順位" if lang == "ja" else "Rank"),
                                    pl.col(cat).alias("国・地域" if lang == "ja" else "Country")).to_pandas()
    return df, None


def render(fig: Figure, table: pl.DataFrame, *, lang: str = "ja", highlight: str | None = None) -> Rendered | None:
    """Draw one figure; None for text tables and figures with no values at all."""
    if not has_image(fig, table):
        return None
    apply()
    slide = int(table["slide"][0]) if table.height else None
    orient = _orient(fig)
    if fig.kind == "ranking_table":
        frame, _ = _ranking_frame(fig, table, lang)
        f, ax = plt.subplots(figsize=(9, 0.45 * len(frame) + 1.6))
        hl = None
        if highlight:
            from ecresearch.countries import resolve
            c = resolve(highlight)
            hl = c.name_ja if lang == "ja" else c.name_en
        kinds.ranking_table(ax, frame, highlight_row=hl)
        ax.set_title(fig.title_ja if lang == "ja" else fig.title_en, loc="left")
        f.text(0.01, 0.0, source_lines(fig, table, slide, lang), fontsize=8, va="top", color="#404040")
        return Rendered(f, None, [ax], orient)
    data = prepare(fig, table, lang)
    n = len(data.category_order) * max(len(data.series_order), 1)
    if fig.kind == "pie":
        f = plt.figure(figsize=(4.2 * len(data.series_order) + 1, 4.6))
        axes = kinds.donuts(f, data, lang=lang)
        f.suptitle(title(fig, data, lang), x=0.01, ha="left", fontsize=13)
    else:
        height = max(4.2, 0.32 * n + 1.8) if orient == "h" else 5.0
        f, ax = plt.subplots(figsize=(10, height))
        axes = [ax]
        if fig.kind == "line":
            kinds.lines(ax, data, lang=lang, highlight=highlight)
        else:
            kinds.bars(ax, data, orient=orient, hue_kind=data.hue_kind, lang=lang,
                       highlight=highlight if fig.chart.get("highlight") else None)
        ax.set_title(title(fig, data, lang), loc="left")
    f.tight_layout()
    shown = table.filter(pl.col("series").is_in(list(set(data.frame["series"]))))  # the footer names what is drawn
    f.text(0.01, 0.0, source_lines(fig, shown, slide, lang), fontsize=8, va="top", color="#404040")
    return Rendered(f, data, axes, orient)
