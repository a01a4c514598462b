"""Chart-ready data: a figure's table in display units and labels of one language."""
from __future__ import annotations

from dataclasses import dataclass

import pandas as pd
import polars as pl

from ecresearch.deck.model import Figure
from ecresearch.charts.style import LABELS

SCALES = ((1e12, "兆", "trillion"), (1e9, "十億", "billion"), (1e6, "百万", "million"))
UNIT_NAMES = {
    "USD": ("ドル", "USD"), "CNY": ("元", "CNY"), "EUR": ("ユーロ", "EUR"), "persons": ("人", "persons"),
    "visitors": ("人", "visitors"), "visits": ("回", "visits"), "minutes": ("分", "minutes"), "percent": ("%", "%"),
    "ratio": ("倍", "×"), "rank": ("位", "rank"), "firms": ("社", "firms"),
}
SKIP_SERIES = {"n", "unassigned"}  # sample sizes and unattributable values are listed, not plotted


@dataclass
class ChartData:
    frame: pd.DataFrame  # one row per plotted cell, in plot order
    hue_kind: str  # '' (series), 'origin' or 'vintage'
    unit_label: str
    divisor: float
    series_order: list[str]
    category_order: list[str]


def plotted_series(fig: Figure, table: pl.DataFrame) -> list[str]:
    chosen = fig.chart.get("series")
    keys = [s.key for s in fig.series if (chosen is None or s.key in chosen) and s.key not in SKIP_SERIES
            and s.unit != "text"]
    present = set(table["series"].unique().to_list())
    return [k for k in keys if k in present]


def display_unit(unit: str, max_abs: float, lang: str) -> tuple[float, str]:
    ja, en = UNIT_NAMES.get(unit, (unit, unit))
    if unit in ("USD", "CNY", "EUR", "persons", "visitors", "visits"):
        for div, sja, sen in SCALES:
            if max_abs >= div:
                return div, (f"{sja}{ja}" if lang == "ja" else f"{sen} {en}")
    return 1.0, (ja if lang == "ja" else en)


def prepare(fig: Figure, table: pl.DataFrame, lang: str = "ja") -> ChartData:
    words = LABELS[lang]
    keys = plotted_series(fig, table)
    df = table.filter(pl.col("series").is_in(keys))
    units = df["unit"].unique().to_list()
    if len(units) > 1:
        # mixed units in one chart: keep the first series' unit only (the others stay in the table)
        df = df.filter(pl.col("unit") == fig.series_by_key(keys[0]).unit)
        keys = [k for k in keys if fig.series_by_key(k).unit == units[0] or k == keys[0]]
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
    hue_kind = fig.chart.get("hue") or ("origin" if len(keys) == 1 and df["origin"].n_unique() > 1
                                        or (len(keys) == 1 and (df["origin"] == "external").all()) else "")
    df = df.with_columns(
        pl.col("series").replace_strict(key_order, return_dtype=pl.Int32).alias("_s"),
    ).sort("_s", "origin", "order", maintain_order=True)
    rows = []
    unidentified = 0
    seen_unid: dict[tuple, str] = {}
    for r in df.iter_rows(named=True):
        label = r[cat_col]
        if r["status"] in ("unidentified_label",) or label in ("（不明）", "unidentified"):
            key = (r["order"],)
            if key not in seen_unid:
                unidentified += 1
                seen_unid[key] = f"{words['unidentified']} {unidentified}"
            label = seen_unid[key]
        series_label = r[ser_col]
        if r["origin"] == "external":
            series_label = f"{series_label} ({r['vintage']})" if hue_kind == "vintage" else series_label
        hue = {"vintage": r["vintage"] or (words["deck"]), "origin": words["external"] if r["origin"] == "external"
               else words["deck"]}.get(hue_kind, series_label)
        rows.append({
            "label": str(label), "series": r["series"], "series_label": series_label, "hue": hue,
            "value": None if r["value"] is None else r["value"] / divisor, "raw_value": r["value"],
            "origin": r["origin"], "status": r["status"], "approx": bool(r["approx"]), "period": r["period"],
            "iso3": r["iso3"], "vintage": r["vintage"], "order": r["order"],
        })
    frame = pd.DataFrame(rows, columns=["label", "series", "series_label", "hue", "value", "raw_value", "origin",
                                        "status", "approx", "period", "iso3", "vintage", "order"])
    categories = list(dict.fromkeys(frame["label"]))
    if any(fig.series_by_key(k).period == "*" for k in keys):  # categories are periods: time order
        categories = sorted(categories)
    return ChartData(frame, hue_kind, unit_label, divisor, list(dict.fromkeys(frame["hue"])), categories)
