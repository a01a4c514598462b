"""Chart-ready data: a figure's table in display units and labels of one language."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import pandas as pd
import polars as pl

from ecresearch.deck.model import Figure
from ecresearch.domain import units
from ecresearch.domain.editions import period_position
from ecresearch.domain.formats import stated
from ecresearch.domain.labels import label

# the deck's steps of a scaled unit, each named by chart.scale.<name> in the catalogue
SCALES = ((1e12, "trillion"), (1e9, "billion"), (1e6, "million"))
SKIP_SERIES = {"n", "unassigned"}  # sample sizes and unattributable values are listed, not plotted


LOWER_STRICT = re.compile(r"を超え|超|more than|exceed", re.I)  # "7兆USドルを超える": > 7
LOWER_INCLUSIVE = re.compile(r"以上|at least|lower bound|or more", re.I)  # "13.1兆元以上": 13.1+


def bound_of(printed: str | None, note: str | None, approx: bool) -> str:
    """How the deck states a value: '' exact, 'approx' (約, 割), 'lower' (以上, at least: v+) or 'lower_strict'
    (を超える, 超, more than: > v). Read from the printed text and the extraction's note."""
    if not approx:
        return ""
    text = " ".join(t for t in (printed, note) if t)
    if LOWER_STRICT.search(text):
        return "lower_strict"
    if LOWER_INCLUSIVE.search(text):
        return "lower"
    return "approx"


def category_positions(categories: list[str]) -> tuple[dict[str, float], bool]:
    """Where each category sits on the axis: at its time when every category is a period (a true time axis:
    2011, 2014 and 2020 are not evenly spaced), else at its index."""
    times = [period_position(c) for c in categories]
    if len(categories) >= 2 and all(t is not None for t in times) and len(set(times)) == len(times):
        return dict(zip(categories, times, strict=False)), True
    return {c: float(i) for i, c in enumerate(categories)}, False


@dataclass
class ChartData:
    frame: pd.DataFrame  # one row per plotted cell, in plot order
    hue_kind: str  # '' (series), 'origin' or 'vintage'
    unit_label: str
    divisor: float
    series_order: list[str]
    category_order: list[str]
    secondary: ChartData | None = None  # series of another unit, drawn on a secondary axis
    omitted: list[str] = field(default_factory=list)  # table values not drawn, stated on the chart
    positions: dict[str, float] = field(default_factory=dict)  # category → axis position
    time_axis: bool = False
    notes: dict[tuple[str, str], str] = field(default_factory=dict)  # (hue, category) → quality note mark
    note_lines: list[str] = field(default_factory=list)  # the quality notes, for the footer


def plotted_series(fig: Figure, table: pl.DataFrame) -> list[str]:
    """The series drawn as the chart's main marks (bars, lines, slices): the description's choice, or all."""
    chosen = fig.chart.get("series")
    secondary = fig.chart.get("secondary", ())
    keys = [
        s.key
        for s in fig.series
        if (chosen is None or s.key in chosen)
        and s.key not in SKIP_SERIES
        and s.unit != "text"
        and s.key not in secondary
    ]
    present = set(table["series"].unique().to_list())
    keys = [k for k in keys if k in present]
    if keys:  # one unit per axis: the first series' unit
        unit = fig.series_by_key(keys[0]).unit
        keys = [k for k in keys if fig.series_by_key(k).unit == unit]
    return keys


def secondary_series(fig: Figure, table: pl.DataFrame) -> list[str]:
    """Series the description puts on a secondary axis (another unit, e.g. a share beside sales)."""
    present = set(table["series"].unique().to_list())
    return [k for k in fig.chart.get("secondary", ()) if k in present]


def display_unit(unit: str, max_abs: float, lang: str) -> tuple[float, str]:
    known = units.BASE_UNITS.get(unit)
    name = label(f"unit.{unit}", lang) if known else unit  # 'text' and the like: the name itself
    if known and known.scaled:
        for div, scale in SCALES:
            if max_abs >= div:
                return div, label("chart.scaled_unit", lang, scale=label(f"chart.scale.{scale}", lang), unit=name)
    return 1.0, name


def _frame(fig: Figure, table: pl.DataFrame, keys: list[str], lang: str, hue_kind: str | None) -> ChartData:
    df = table.filter(pl.col("series").is_in(keys))
    unit = df["unit"][0] if df.height else "percent"
    max_abs = float(df["value"].abs().max() or 0.0)
    divisor, unit_label = display_unit(unit, max_abs, lang)
    scale = fig.series_by_key(keys[0]).scale if keys else 1
    if scale in (10**6, 10**9, 10**12) and unit in ("USD", "CNY", "persons"):  # the deck's own unit (十億ドル, 兆元)
        divisor, unit_label = display_unit(unit, float(scale), lang)
    cat_col = "category_ja" if lang == "ja" else "category_en"
    ser_col = "series_ja" if lang == "ja" else "series_en"
    key_order = {k: i for i, k in enumerate(keys)}
    # one series mixing deck and external values is coloured by origin unless the figure says otherwise
    if hue_kind is None:
        hue_kind = (
            "origin"
            if len(keys) == 1 and df["origin"].n_unique() > 1 or (len(keys) == 1 and (df["origin"] == "external").all())
            else ""
        )
    df = df.with_columns(
        pl.col("series").replace_strict(key_order, return_dtype=pl.Int32).alias("_s"),
    ).sort("_s", "origin", "order", maintain_order=True)
    rows = []
    unidentified = 0
    seen_unid: dict[tuple, str] = {}
    for r in df.iter_rows(named=True):
        category = r[cat_col]
        if r["status"] in ("unidentified_label",) or category in ("（不明）", "unidentified"):
            key = (r["order"],)
            if key not in seen_unid:
                unidentified += 1
                seen_unid[key] = label("chart.unidentified", lang, n=unidentified)
            category = seen_unid[key]
        series_label = r[ser_col]
        if r["origin"] == "external":
            series_label = f"{series_label} ({r['vintage']})" if hue_kind == "vintage" else series_label
        hue = {
            "vintage": r["vintage"] or label("chart.deck", lang),
            "origin": label("chart.external" if r["origin"] == "external" else "chart.deck", lang),
        }.get(hue_kind, series_label)
        rows.append(
            {
                "label": str(category),
                "series": r["series"],
                "series_label": series_label,
                "hue": hue,
                "value": None if r["value"] is None else r["value"] / divisor,
                "raw_value": r["value"],
                "origin": r["origin"],
                "status": r["status"],
                "approx": bool(r["approx"]),
                "period": r["period"],
                "iso3": r["iso3"],
                "vintage": r["vintage"],
                "order": r["order"],
                "bound": bound_of(r["printed"], r["note"], bool(r["approx"])),
            }
        )
    frame = pd.DataFrame(
        rows,
        columns=[
            "label",
            "series",
            "series_label",
            "hue",
            "value",
            "raw_value",
            "origin",
            "status",
            "approx",
            "period",
            "iso3",
            "vintage",
            "order",
            "bound",
        ],
    )
    categories = list(dict.fromkeys(frame["label"]))
    if any(fig.series_by_key(k).period == "*" for k in keys):  # categories are periods: time order
        categories = sorted(categories)
    return ChartData(frame, hue_kind, unit_label, divisor, list(dict.fromkeys(frame["hue"])), categories)


def _omitted(fig: Figure, table: pl.DataFrame, drawn: set[str], lang: str) -> list[str]:
    """The table's values a chart does not draw, as text for the chart itself (nothing is dropped silently)."""
    out = []
    ser_col = "series_ja" if lang == "ja" else "series_en"
    cat_col = "category_ja" if lang == "ja" else "category_en"
    rest = table.filter(~pl.col("series").is_in(sorted(drawn)) & (pl.col("unit") != "text"))
    for key in rest["series"].unique(maintain_order=True).to_list():
        part = rest.filter(pl.col("series") == key).sort("order")
        unit = part["unit"][0]
        divisor, unit_label = display_unit(unit, float(part["value"].abs().max() or 0.0), lang)
        values = []
        for r in part.iter_rows(named=True):
            v = None if r["value"] is None else r["value"] / divisor
            shown = stated(v, bound_of(r["printed"], r["note"], bool(r["approx"]))) or label("chart.missing", lang)
            values.append(f"{r[cat_col]} {shown}")
        out.append(f"{part[ser_col][0]} ({unit_label}): " + label("chart.list_sep", lang).join(values))
    return out


def prepare(fig: Figure, table: pl.DataFrame, lang: str = "ja") -> ChartData:
    keys = plotted_series(fig, table)
    data = _frame(fig, table, keys, lang, fig.chart.get("hue"))
    sec_keys = secondary_series(fig, table)
    if sec_keys:
        data.secondary = _frame(fig, table, sec_keys, lang, "")
        extra = [c for c in data.secondary.category_order if c not in data.category_order]
        data.category_order = data.category_order + extra
    data.positions, data.time_axis = category_positions(data.category_order)
    if data.time_axis:
        data.category_order = sorted(data.category_order, key=data.positions.get)
        if data.secondary is not None:
            data.secondary.positions = data.positions
    data.omitted = _omitted(fig, table, set(keys) | set(sec_keys), lang)
    return data
