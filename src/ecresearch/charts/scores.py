"""Charts of the target-country scores: rank bands, the growth × SNS map, and rank shifts between the two
readings of concentration. Every chart names the candidates it leaves out and why."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import polars as pl

from ecresearch.charts.style import HIGHLIGHT, PALETTE, apply
from ecresearch.domain import labels
from ecresearch.domain.formats import fixed
from ecresearch.params import CORE_PILLARS


def size_steps(smax: float) -> list[float]:
    """Up to three round reference sizes (1-2-5 steps) up to the largest value, for a size legend."""
    import math

    if smax <= 0:
        return []
    top = 10 ** math.floor(math.log10(smax))
    top = max(m * top for m in (1, 2, 5) if m * top <= smax)
    steps = [top, top / 10, top / 100]
    return sorted(v for v in steps if v > 0)


def place_labels(ax, names: list[tuple], *, fontsize: int = 9) -> list:
    """Name each point beside it, choosing for each the first of eight offsets where its label overlaps no
    label placed before and stays inside the axes (deterministic: points in the given order)."""
    fig = ax.figure
    renderer = fig.canvas.get_renderer()
    box = ax.get_window_extent(renderer)
    placed, texts = [], []
    offsets = [
        (6, 6, "left", "bottom"),
        (6, -6, "left", "top"),
        (-6, 6, "right", "bottom"),
        (-6, -6, "right", "top"),
        (0, 10, "center", "bottom"),
        (0, -10, "center", "top"),
        (12, 0, "left", "center"),
        (-12, 0, "right", "center"),
    ]
    for x, y, label, colour in names:
        best = None
        for dx, dy, ha, va in offsets:
            t = ax.annotate(
                label,
                (x, y),
                xytext=(dx, dy),
                textcoords="offset points",
                ha=ha,
                va=va,
                fontsize=fontsize,
                color=colour,
            )
            bb = t.get_window_extent(renderer).padded(3)
            inside = bb.x0 >= box.x0 and bb.x1 <= box.x1 and bb.y0 >= box.y0 and bb.y1 <= box.y1
            clear = not any(bb.overlaps(p) for p in placed)
            if inside and clear:
                best = (t, bb)
                break
            t.remove()
        if best is None:  # no free place: the first offset, still named
            t = ax.annotate(label, (x, y), xytext=(6, 6), textcoords="offset points", fontsize=fontsize, color=colour)
            best = (t, t.get_window_extent(renderer))
        placed.append(best[1])
        texts.append(best[0])
    return texts


def _name(row: dict, lang: str) -> str:
    return row["name_ja"] if lang == "ja" else row["name_en"]


def _left_out(scores: pl.DataFrame, lang: str) -> str:
    out = scores.filter(~pl.col("ranked"))
    if out.height == 0:
        return ""
    return labels.label("chart_scores.left_out", lang) + ", ".join(
        f"{_name(r, lang)} ({r['pillars']}/{len(CORE_PILLARS)})" for r in out.iter_rows(named=True)
    )


def rank_bands(scores: pl.DataFrame, *, lang: str = "ja", highlight: str | None = None) -> plt.Figure:
    """Each ranked country: its rank under the chosen method (diamond), the Monte Carlo median (dot) and the
    5th-95th percentile band (bar)."""
    apply()
    t = labels.section("chart_scores", lang)
    rows = list(scores.filter(pl.col("ranked")).sort("rank").iter_rows(named=True))
    f, ax = plt.subplots(figsize=(9, 0.42 * len(rows) + 2.0))
    for i, r in enumerate(rows):
        colour = HIGHLIGHT if r["iso3"] == highlight else PALETTE[0]
        ax.plot([r["rank_p05"], r["rank_p95"]], [i, i], color=colour, alpha=0.35, linewidth=7, solid_capstyle="round")
        ax.plot(r["median_rank"], i, "o", color=colour)
        ax.plot(r["rank"], i, "D", color="white", markeredgecolor=colour, markersize=6)
    ax.set_yticks(range(len(rows)), [f"{_name(r, lang)} ({r['pillars_used']}/{len(CORE_PILLARS)})" for r in rows])
    ax.invert_yaxis()
    ax.set_xlim(0.5, len(rows) + 0.5)
    ax.set_xticks(range(1, len(rows) + 1))
    ax.set_title(t["bands"], loc="left")
    ax.set_xlabel(t["rank"])
    note = _left_out(scores, lang)
    if note:
        f.text(0.01, 0.005, note, fontsize=8, color="#555")
    f.tight_layout(rect=(0, 0.03 if note else 0, 1, 1))
    return f


def growth_sns_map(scores: pl.DataFrame, *, lang: str = "ja", highlight: str | None = None) -> plt.Figure:
    """Growth (x) vs daily SNS time relative to the world (y) for every scored candidate; an imputed value sits at
    its scored point with a bar over its range and a dashed outline (†). Bubble area = e-commerce sales (hollow
    where unknown), colour = scored HHI."""
    apply()
    t = labels.section("chart_scores", lang)
    df = scores
    f, ax = plt.subplots(figsize=(9.5, 6.2))
    cmap = plt.get_cmap("viridis")
    hhis = [h for h in df["hhi_value"].to_list() if h is not None] if "hhi_value" in df.columns else []
    vmin, vmax = (min(hhis), max(hhis)) if hhis else (0, 1)
    smax = max([v for v in df["size_usd"].to_list() if v is not None] or [1.0])

    def area(v):
        return 60 + 1400 * np.sqrt(v / smax)

    def at(r: dict, raw: str, pillar: str) -> tuple[float | None, tuple | None]:
        """A sourced value, or the imputed point with its range (drawn as a bar: never a position on the axis
        that reads as a value)."""
        if r[raw] is not None:
            return r[raw], None
        if r.get(f"{pillar}_scored") is None:
            return None, None
        return r[f"{pillar}_scored"], (r[f"{pillar}_low"], r[f"{pillar}_high"])

    names = []
    for r in df.iter_rows(named=True):
        (x, xr), (y, yr) = at(r, "growth_pct", "growth"), at(r, "sns_ratio", "sns")
        if x is None or y is None:
            continue  # not scored: named in the note under the chart
        hv = r.get("hhi_value")
        colour = cmap((hv - vmin) / (vmax - vmin or 1)) if hv is not None else "#bfbfbf"
        known = r["size_usd"] is not None
        imputed = xr is not None or yr is not None
        if imputed:
            ax.errorbar(
                x,
                y,
                xerr=None if xr is None else [[x - xr[0]], [xr[1] - x]],
                yerr=None if yr is None else [[y - yr[0]], [yr[1] - y]],
                fmt="none",
                ecolor="#9a9a9a",
                elinewidth=1.0,
                linestyle=":",
                capsize=3,
                zorder=2,
            )
        ax.scatter(
            x,
            y,
            s=area(r["size_usd"]) if known else 120,
            color=colour if known else "none",
            edgecolor=HIGHLIGHT if r["iso3"] == highlight else (colour if not known else "white"),
            linewidth=2.5 if r["iso3"] == highlight else 1.2,
            linestyle="--" if imputed else "-",
            alpha=0.85,
            zorder=3,
        )
        mark = ("" if r["ranked"] else " *") + (" †" if imputed else "")
        names.append((x, y, _name(r, lang) + mark, HIGHLIGHT if r["iso3"] == highlight else "#222"))
    ax.axhline(1.0, color="#7f7f7f", linestyle="--", linewidth=0.8)
    ax.axvline(0.0, color="#7f7f7f", linewidth=0.8)
    sm = plt.cm.ScalarMappable(cmap=cmap, norm=plt.Normalize(vmin, vmax))
    cb = f.colorbar(sm, ax=ax, fraction=0.04)
    cb.set_label(t["hhi"])
    # size legend, outside the plot: reference bubbles drawn with the same area scale as the data, and the
    # hollow marker of an unknown size
    handles = [
        ax.scatter(
            [],
            [],
            s=area(v),
            color="#bbbbbb",
            edgecolor="white",
            label=labels.label("chart_scores.size_step", lang, value=fixed(v / 1e9, 0)),
        )
        for v in size_steps(smax)
    ]
    handles.append(ax.scatter([], [], s=120, color="none", edgecolor="#7f7f7f", linewidth=1.2, label=t["unknown"]))
    ax.legend(
        handles=handles,
        title=t["size"],
        loc="upper left",
        bbox_to_anchor=(1.22, 1.0),
        frameon=False,
        labelspacing=2.2,
        borderpad=1.2,
        handletextpad=1.6,
        fontsize=8,
    )
    ax.set_xlabel(t["growth"])
    ax.set_ylabel(t["sns"])
    ax.set_title(t["map"], loc="left", fontsize=11)
    note = "* " + labels.label("chart_scores.not_ranked", lang) + "   † " + labels.label("chart_scores.imputed", lang)
    f.text(0.01, 0.005, note, fontsize=8, color="#555")
    f.tight_layout(rect=(0, 0.03, 1, 1))
    place_labels(ax, names)  # after the layout: label boxes are measured where they will be drawn
    return f


def rank_shifts(
    directions: pl.DataFrame, scores: pl.DataFrame, *, lang: str = "ja", highlight: str | None = None
) -> plt.Figure:
    """Slope chart: each country's rank with concentration read as channel (left) and as gatekeeper (right)."""
    apply()
    t = labels.section("chart_scores", lang)
    names = {r["iso3"]: _name(r, lang) for r in scores.iter_rows(named=True)}
    d = directions.drop_nulls(["rank_channel", "rank_gatekeeper"])
    f, ax = plt.subplots(figsize=(7, 0.38 * max(d.height, 4) + 1.8))
    for r in d.iter_rows(named=True):
        colour = (
            HIGHLIGHT if r["iso3"] == highlight else (PALETTE[2] if abs(r["shift_to_gatekeeper"]) >= 3 else PALETTE[0])
        )
        ax.plot([0, 1], [r["rank_channel"], r["rank_gatekeeper"]], "-o", color=colour)
        ax.text(-0.04, r["rank_channel"], names[r["iso3"]], ha="right", va="center", fontsize=9)
        ax.text(1.04, r["rank_gatekeeper"], names[r["iso3"]], ha="left", va="center", fontsize=9)
    ax.set_xlim(-0.6, 1.6)
    ax.invert_yaxis()
    ax.set_xticks([0, 1], [t["channel"], t["gatekeeper"]])
    ax.set_ylabel(t["rank"])
    ax.set_title(t["shifts"], loc="left", fontsize=11)
    ax.grid(axis="x", visible=False)
    note = _left_out(scores, lang)
    if note:
        f.text(0.01, 0.005, note, fontsize=8, color="#555")
    f.tight_layout(rect=(0, 0.03 if note else 0, 1, 1))
    return f
