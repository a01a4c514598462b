"""Render a catalogued figure from its table, in the house style, with its source line."""

from __future__ import annotations

from dataclasses import dataclass

import matplotlib.pyplot as plt
import pandas as pd
import polars as pl

from ecresearch.charts import kinds
from ecresearch.charts.data import ChartData, prepare
from ecresearch.charts.findings import attach
from ecresearch.charts.style import SMALL, WIDTH, apply
from ecresearch.charts.text import _display_width, fit_title, wrap, wrap_title  # noqa: F401 - re-exported
from ecresearch.deck.model import Figure
from ecresearch.domain.labels import label

IMAGE_KINDS = {"bar", "hbar", "grouped_bar", "line", "pie", "ranking_table"}
# kinds seaborn has no function for: drawn with matplotlib (every other kind goes through seaborn)
SEABORN_LESS = {"pie", "ranking_table"}


@dataclass
class Rendered:
    figure: plt.Figure
    data: ChartData | None
    axes: list
    orient: str
    as_table: bool = False  # drawn as a table of values instead of a chart (see table_reason)


def has_image(fig: Figure, table: pl.DataFrame) -> bool:
    return fig.kind in IMAGE_KINDS and table.filter(pl.col("unit") != "text").height > 0


def _orient(fig: Figure, data: ChartData | None = None) -> str:
    """Horizontal for hbar and when the description says so; also when vertical bars would be too narrow
    for their value labels (many bars on nominal categories: the labels would overlap)."""
    if fig.kind == "hbar" or fig.chart.get("orient") == "h":
        return "h"
    if fig.chart.get("orient") == "v" or data is None or data.time_axis or fig.kind not in ("bar", "grouped_bar"):
        return "v"
    n = len(data.category_order) * max(len(data.series_order), 1)
    return "h" if n > MAX_VERTICAL_BARS else "v"


MAX_VERTICAL_BARS = 12
FOOTER_SIZE = SMALL  # points


def add_footer(f: plt.Figure, text: str, *, size: float = FOOTER_SIZE) -> None:
    """The source line(s) inside the figure, wrapped to its width: the figure grows by the footer's height,
    so nothing is cut, whether it is saved with bbox_inches='tight' or not."""
    w_in, h_in = f.get_size_inches()
    columns = int(w_in * 72 / (size * 0.55))  # a half-width character is about 0.55 em
    lines = [part for line in text.split("\n") for part in wrap(line, columns)]
    footer_in = (len(lines) * size * 1.3 + size) / 72
    f.set_size_inches(w_in, h_in + footer_in)
    f.tight_layout(rect=(0, footer_in / (h_in + footer_in), 1, 1))
    f.text(
        0.01,
        (size * 0.4 / 72) / (h_in + footer_in),
        "\n".join(lines),
        fontsize=size,
        va="bottom",
        ha="left",
        color="#404040",
        linespacing=1.3,
    )


def title(fig: Figure, data: ChartData | None, lang: str) -> str:
    t = fig.title_ja if lang == "ja" else fig.title_en
    if data is None or data.frame.empty:
        return t
    frames = [data.frame] + ([data.secondary.frame] if data.secondary is not None else [])
    periods = sorted({str(p) for fr in frames for p in fr["period"]})
    if len(periods) > 1:
        periods = [p for p in periods if p not in ("unstated", "*")]
    period = periods[0] if len(periods) == 1 else f"{periods[0]}–{periods[-1]}"
    if period in ("unstated", "*"):
        return label("chart.title_unit", lang, title=t, unit=data.unit_label)
    return label("chart.title_unit_period", lang, title=t, unit=data.unit_label, period=period)


def source_lines(fig: Figure, table: pl.DataFrame, slide: int | None, lang: str) -> str:
    src = fig.source_ja or fig.source_en
    if not fig.source_ja and lang == "ja" and src.startswith("no source printed"):
        src = label("chart.no_source", lang)  # the figure's English note is not a Japanese caption
    lines = [label("chart.source_line", lang, source=src, slide=slide)]
    ext = table.filter(pl.col("origin") == "external").select("source", "vintage").unique(maintain_order=True)
    for r in ext.iter_rows(named=True):
        lines.append(label("chart.external_line", lang, source=r["source"], vintage=r["vintage"]))
    if fig.note_en and lang == "en":
        lines.append(label("chart.note_line", lang, note=fig.note_en))
    elif lang == "ja" and (
        table["status"].is_in(["missing", "unidentified_label", "label_external"]).any() or ext.height
    ):
        lines.append(label("chart.note_line", lang, note=label("chart.gaps_note", lang)))
    return "\n".join(lines)


def _ranking_frame(fig: Figure, table: pl.DataFrame, lang: str) -> tuple[pd.DataFrame, str | None]:
    cat = "category_ja" if lang == "ja" else "category_en"
    if fig.id == "sea_top5_platforms":
        from ecresearch.countries import resolve

        wide = table.pivot(on="value", index="iso3", values=cat, sort_columns=True)
        wide = wide.rename({c: str(int(float(c))) for c in wide.columns if c != "iso3"})
        names = [resolve(i).name_ja if lang == "ja" else resolve(i).name_en for i in wide["iso3"]]
        df = wide.to_pandas()
        df.insert(0, label("chart.country", lang), names)
        return df.drop(columns=["iso3"]), "iso3"
    df = (
        table.sort("value")
        .select(
            pl.col("value").cast(pl.Int64).alias(label("chart.rank", lang)),
            pl.col(cat).alias(label("chart.country", lang)),
        )
        .to_pandas()
    )
    return df, None


def table_reason(data: ChartData) -> str | None:
    """Why a chart is shown as a table of its values: more than half of its values unknown (a chart of n/a
    boxes), or a single value and nothing beside it (a one-bar chart says no more than the number)."""
    cells = len(data.frame)
    known = int(data.frame["value"].notna().sum())
    if cells and (cells - known) * 2 > cells:
        return "as_table_unknown"
    if known <= 1 and data.secondary is None:
        return "as_table_single"
    return None


def value_table(data: ChartData, lang: str) -> pd.DataFrame:
    """The chart's values as a table: one row per category, one column per series; gaps say 不明 / n/a."""
    from ecresearch.domain.formats import stated

    missing = label("chart.missing", lang)
    cells = {(r["hue"], r["label"]): stated(r["value"], r["bound"]) or missing for _, r in data.frame.iterrows()}
    rows = [[c] + [cells.get((h, c), "") for h in data.series_order] for c in data.category_order]
    return pd.DataFrame(rows, columns=[label("chart.item", lang), *data.series_order])


def _as_table(fig: Figure, data: ChartData, table: pl.DataFrame, reason: str, slide, lang: str) -> Rendered:
    frame = value_table(data, lang)
    f, ax = plt.subplots(figsize=(WIDTH, 0.3 * len(frame) + 1.0))
    kinds.ranking_table(ax, frame)
    fit_title(ax, title(fig, data, lang), plt.rcParams["axes.titlesize"])
    known = int(data.frame["value"].notna().sum())
    lines = [source_lines(fig, table, slide, lang), label(f"chart.{reason}", lang, known=known, total=len(data.frame))]
    if data.omitted:
        lines.append(label("chart.not_drawn", lang, items=label("chart.series_sep", lang).join(data.omitted)))
    f.tight_layout()
    add_footer(f, "\n".join(lines + data.note_lines))
    return Rendered(f, data, [ax], "v", as_table=True)


def render(
    fig: Figure,
    table: pl.DataFrame,
    *,
    lang: str = "ja",
    highlight: str | None = None,
    findings: pl.DataFrame | None = None,
) -> Rendered | None:
    """Draw one figure; None for text tables and figures with no values at all. ``findings`` (the published
    quality findings) notes a disputed value on the chart."""
    if not has_image(fig, table):
        return None
    apply()
    slide = int(table["slide"][0]) if table.height else None
    if fig.kind == "ranking_table":
        frame, _ = _ranking_frame(fig, table, lang)
        f, ax = plt.subplots(figsize=(WIDTH, 0.45 * len(frame) + 1.6))
        hl = None
        if highlight:
            from ecresearch.countries import resolve

            c = resolve(highlight)
            hl = c.name_ja if lang == "ja" else c.name_en
        kinds.ranking_table(ax, frame, highlight_row=hl)
        ax.set_title(fig.title_ja if lang == "ja" else fig.title_en, loc="left")
        add_footer(f, source_lines(fig, table, slide, lang))
        return Rendered(f, None, [ax], "v")
    data = prepare(fig, table, lang)
    attach(data, table, findings, lang)
    reason = table_reason(data) if fig.kind != "pie" else None
    if reason:
        return _as_table(fig, data, table, reason, slide, lang)
    orient = _orient(fig, data)
    n = len(data.category_order) * max(len(data.series_order), 1)
    if fig.kind == "pie":
        f = plt.figure(figsize=(min(3.6 * len(data.series_order) + 1, WIDTH), 4.6))
        axes = kinds.donuts(f, data, lang=lang)
        size = plt.rcParams["axes.titlesize"]
        columns = int(f.get_size_inches()[0] * 72 / (size * 0.55))
        f.suptitle(wrap_title(title(fig, data, lang), columns), x=0.01, ha="left", fontsize=size)
    else:
        height = max(4.2, 0.36 * n + 1.8) if orient == "h" else 5.0
        if orient == "h" and data.secondary is not None:
            f, (ax, side) = plt.subplots(
                1, 2, figsize=(WIDTH, height), sharey=True, gridspec_kw={"width_ratios": [2.6, 1]}
            )
        else:
            f, ax = plt.subplots(figsize=(WIDTH, height))
            side = ax
        axes = [ax]
        if fig.kind == "line":
            kinds.lines(ax, data, lang=lang, highlight=highlight)
        else:
            kinds.bars(
                ax,
                data,
                orient=orient,
                hue_kind=data.hue_kind,
                lang=lang,
                highlight=highlight if fig.chart.get("highlight") else None,
            )
            if data.secondary is not None:
                axes.append(kinds.secondary(side, data, data.secondary, orient=orient, lang=lang, bars_ax=ax))
        f.tight_layout()
        if side is not ax:  # over both panels: a long title never runs into the side panel's title
            size = plt.rcParams["axes.titlesize"]
            columns = int(f.get_size_inches()[0] * 72 / (size * 0.55))
            f.suptitle(wrap_title(title(fig, data, lang), columns), x=0.01, ha="left", fontsize=size)
        else:
            fit_title(ax, title(fig, data, lang), plt.rcParams["axes.titlesize"])
    f.tight_layout()
    drawn = set(data.frame["series"]) | (set(data.secondary.frame["series"]) if data.secondary is not None else set())
    shown = table.filter(pl.col("series").is_in(sorted(drawn)))  # the footer names what is drawn
    footer = source_lines(fig, shown, slide, lang)
    if data.omitted:
        footer += "\n" + label("chart.not_drawn", lang, items=label("chart.series_sep", lang).join(data.omitted))
    add_footer(f, "\n".join([footer, *data.note_lines]))
    return Rendered(f, data, axes, orient)
