"""Charts of the target-country scores: rank bands, the growth × SNS map, and rank shifts between the two
readings of concentration. Every chart names the candidates it leaves out and why."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import polars as pl
import seaborn as sns
from matplotlib.lines import Line2D
from matplotlib.text import Text

from ecresearch.charts.style import HIGHLIGHT, PALETTE, SMALL, WIDTH, apply
from ecresearch.charts.text import fit_title, wrap
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


def _direction(deg: float) -> tuple[float, float, str, str]:
    """A unit direction from a marker's centre and the label alignment that keeps the label on that side."""
    dx, dy = float(np.cos(np.deg2rad(deg))), float(np.sin(np.deg2rad(deg)))
    ha = "left" if dx > 0.3 else "right" if dx < -0.3 else "center"
    va = "bottom" if dy > 0.3 else "top" if dy < -0.3 else "center"
    return dx, dy, ha, va


# tried in this order: the four diagonals, above and below, the sides, then the eight directions between
OFFSETS = [
    _direction(d) for d in (45, -45, 135, -135, 90, -90, 0, 180, 22.5, -22.5, 157.5, -157.5, 67.5, -67.5, 112.5, -112.5)
]
GAPS = (3, 10, 18, 28, 40, 55)
LEADER = {
    "arrowstyle": "-",
    "color": "#7f7f7f",
    "linewidth": 0.6,
    "shrinkA": 1,
    "shrinkB": 4,
}  # points between a marker's edge and its label: the nearest free place wins


def text_box(t, renderer):
    """A label's own box (display units, a little padding), without its leader line."""
    t.update_positions(renderer)  # an annotation's text sits at its offset only once positioned
    return Text.get_window_extent(t, renderer).padded(2)


def _nearest_is_own(bb, own: tuple, circles: list[tuple]) -> bool:
    """Whether the marker whose edge is nearest to a label's box is the label's own (a label is read as naming
    the nearest marker)."""

    def gap(c):
        nx, ny = min(max(c[0], bb.x0), bb.x1), min(max(c[1], bb.y0), bb.y1)
        return np.hypot(nx - c[0], ny - c[1]) - c[2]

    return all(gap(own) <= gap(c) + 1e-6 for c in circles)


def _hits_circle(bb, cx: float, cy: float, r: float) -> bool:
    """Whether a box (display units) overlaps a circle: the box's nearest point to the centre is inside it."""
    nx, ny = min(max(cx, bb.x0), bb.x1), min(max(cy, bb.y0), bb.y1)
    return (nx - cx) ** 2 + (ny - cy) ** 2 < r**2


def marker_circles(ax, points: list[tuple[float, float, float]]) -> list[tuple[float, float, float]]:
    """Markers (data x, data y, area in points²) as circles in display units: centre and radius."""
    px = ax.figure.dpi / 72
    out = []
    for x, y, s in points:
        cx, cy = ax.transData.transform((x, y))
        out.append((float(cx), float(cy), float(np.sqrt(s) / 2 * px)))
    return out


def place_labels(ax, names: list[tuple], markers: list[tuple[float, float, float]], *, fontsize: int = SMALL) -> list:
    """Name each point beside its marker, at the first place (8 directions, then further out) where its label
    overlaps no marker (its own included), no label placed before, and stays inside the axes. ``markers`` are
    every drawn marker (data x, y, area in points²), ``names`` (x, y, text, colour, area). Deterministic: points
    are named in the given order; data → display coordinates after the layout is final."""
    renderer = ax.figure.canvas.get_renderer()
    box = ax.get_window_extent(renderer)
    circles = marker_circles(ax, markers)
    placed, texts = [], {}
    own_circles = marker_circles(ax, [(n[0], n[1], n[4]) for n in names])
    for i in _crowded_first(own_circles, circles):
        x, y, text, colour, area = names[i]
        radius_pt = np.sqrt(area) / 2
        own = own_circles[i]
        best = None  # (score, gap, offset, alignment): fewest clashes, then a label nearer its own marker
        for gap in GAPS:
            for dx, dy, ha, va in OFFSETS:
                d = radius_pt + gap
                t = ax.annotate(text, (x, y), xytext=(dx * d, dy * d), textcoords="offset points", ha=ha, va=va,
                                fontsize=fontsize)  # fmt: skip
                bb = text_box(t, renderer)
                t.remove()
                if not (bb.x0 >= box.x0 and bb.x1 <= box.x1 and bb.y0 >= box.y0 and bb.y1 <= box.y1):
                    continue
                clashes = sum(_hits_circle(bb, *c) for c in circles) + sum(bb.overlaps(p) for p in placed)
                score = (clashes, not _nearest_is_own(bb, own, circles))
                if best is None or score < best[0]:
                    best = (score, gap, (dx * d, dy * d), (ha, va))
            if best is not None and best[0] == (0, False):
                break
        _, gap, offset, (ha, va) = best or ((0, False), GAPS[0], (radius_pt + 3, radius_pt + 3), ("left", "bottom"))
        t = ax.annotate(
            text,
            (x, y),
            xytext=offset,
            textcoords="offset points",
            ha=ha,
            va=va,
            fontsize=fontsize,
            color=colour,
            zorder=6,
            arrowprops=LEADER if gap > GAPS[1] else None,  # a label set further out points at its marker
        )
        placed.append(text_box(t, renderer))
        texts[i] = t
    return [texts[i] for i in range(len(names))]


def _crowded_first(own: list[tuple], circles: list[tuple], reach: float = 120.0) -> list[int]:
    """The order labels are placed in: the point with most markers near it first (it has the fewest free
    places), ties in the given order. Deterministic; distances in display units."""
    near = [sum(np.hypot(c[0] - o[0], c[1] - o[1]) < reach for c in circles) for o in own]
    return sorted(range(len(own)), key=lambda i: (-near[i], i))


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
    5th-95th percentile band (bar), drawn with seaborn (one row per country, colour by highlight)."""
    apply()
    t = labels.section("chart_scores", lang)
    ranked = scores.filter(pl.col("ranked")).sort("rank")
    rows = ranked.with_row_index("y").with_columns(
        pl.when(pl.col("iso3") == (highlight or "")).then(pl.lit("target")).otherwise(pl.lit("other")).alias("role")
    )
    palette = {"target": HIGHLIGHT, "other": PALETTE[0]}
    order = ["other", "target"]
    f, ax = plt.subplots(figsize=(WIDTH, 0.42 * rows.height + 2.0))
    bands = rows.unpivot(index=["iso3", "y", "role"], on=["rank_p05", "rank_p95"], value_name="x").to_pandas()
    sns.lineplot(
        data=bands,
        x="x",
        y="y",
        units="iso3",
        estimator=None,
        sort=False,
        orient="y",
        hue="role",
        hue_order=order,
        palette=palette,
        alpha=0.35,
        linewidth=7,
        solid_capstyle="round",
        legend=False,
        ax=ax,
    )
    points = rows.select("y", "role", "median_rank", "rank").to_pandas()
    sns.scatterplot(
        data=points, x="median_rank", y="y", hue="role", hue_order=order, palette=palette, s=40, legend=False, ax=ax
    )
    for role in order:  # the rank itself: a white diamond outlined in the row's colour
        part = points[points["role"] == role]
        sns.scatterplot(
            data=part, x="rank", y="y", marker="D", color="white", edgecolor=palette[role], linewidth=1.2, s=36,
            legend=False, ax=ax, zorder=4,
        )  # fmt: skip
    ax.set_yticks(
        range(rows.height),
        [f"{_name(r, lang)} ({r['pillars_used']}/{len(CORE_PILLARS)})" for r in rows.iter_rows(named=True)],
    )
    ax.set_ylim(rows.height - 0.5, -0.5)
    ax.set_xlim(0.5, rows.height + 0.5)
    ax.set_xticks(range(1, rows.height + 1))
    ax.set_title(t["bands"], loc="left")
    ax.set_xlabel(t["rank"])
    ax.set_ylabel("")
    note = _left_out(scores, lang)
    if note:
        f.text(0.01, 0.005, note, fontsize=SMALL, color="#555")
    f.tight_layout(rect=(0, 0.03 if note else 0, 1, 1))
    return f


def _at(r: dict, raw: str, pillar: str) -> tuple[float | None, tuple | None]:
    """A sourced value, or the imputed point with its range (drawn as a bar: never a position on the axis that
    reads as a value)."""
    if r[raw] is not None:
        return r[raw], None
    if r.get(f"{pillar}_scored") is None:
        return None, None
    return r[f"{pillar}_scored"], (r[f"{pillar}_low"], r[f"{pillar}_high"])


def map_points(scores: pl.DataFrame, lang: str, highlight: str | None) -> pd.DataFrame:
    """One row per scored candidate of the growth × SNS map: position, imputed ranges, size, colour value."""
    rows = []
    for r in scores.iter_rows(named=True):
        (x, xr), (y, yr) = _at(r, "growth_pct", "growth"), _at(r, "sns_ratio", "sns")
        if x is None or y is None:
            continue  # not scored: named in the note under the chart
        imputed = xr is not None or yr is not None
        mark = ("" if r["ranked"] else " *") + (" †" if imputed else "")
        rows.append(
            {
                "iso3": r["iso3"],
                "x": x,
                "y": y,
                "xr": xr,
                "yr": yr,
                "size_usd": r["size_usd"],
                "hhi": r.get("hhi_value"),
                "imputed": imputed,
                "name": _name(r, lang) + mark,
                "target": r["iso3"] == highlight,
            }
        )
    return pd.DataFrame(rows, columns=["iso3", "x", "y", "xr", "yr", "size_usd", "hhi", "imputed", "name", "target"])


def growth_sns_map(scores: pl.DataFrame, *, lang: str = "ja", highlight: str | None = None) -> plt.Figure:
    """Growth (x) vs daily SNS time relative to the world (y) for every scored candidate; an imputed value sits at
    its scored point with a bar over its range and a dashed outline (†). Bubble area = e-commerce sales (hollow
    where unknown), colour = scored HHI. Each country is named beside its bubble, on no other bubble or name."""
    apply()
    t = labels.section("chart_scores", lang)
    f, ax = plt.subplots(figsize=(WIDTH, 6.8))
    cmap = plt.get_cmap("viridis")
    pts = map_points(scores, lang, highlight)
    hhis = [h for h in pts["hhi"] if h is not None and not pd.isna(h)]
    vmin, vmax = (min(hhis), max(hhis)) if hhis else (0, 1)
    smax = max([v for v in scores["size_usd"].to_list() if v is not None] or [1.0])

    def area(v):
        return 60 + 1400 * np.sqrt(v / smax)

    markers, names = [], []
    for r in pts.to_dict("records"):
        known = r["size_usd"] is not None and not pd.isna(r["size_usd"])
        colour = cmap((r["hhi"] - vmin) / (vmax - vmin or 1)) if not pd.isna(r["hhi"]) else "#bfbfbf"
        s = area(r["size_usd"]) if known else 120
        if r["imputed"]:  # the imputed range: an annotation of the point, not a mark of its own
            xr, yr = r["xr"], r["yr"]
            ax.errorbar(
                r["x"], r["y"],
                xerr=None if xr is None else [[r["x"] - xr[0]], [xr[1] - r["x"]]],
                yerr=None if yr is None else [[r["y"] - yr[0]], [yr[1] - r["y"]]],
                fmt="none", ecolor="#9a9a9a", elinewidth=1.0, linestyle=":", capsize=3, zorder=2,
            )  # fmt: skip
        sns.scatterplot(
            x=[r["x"]],
            y=[r["y"]],
            s=s,
            color=colour if known else "none",
            edgecolor=HIGHLIGHT if r["target"] else (colour if not known else "white"),
            linewidth=2.5 if r["target"] else 1.2,
            linestyle="--" if r["imputed"] else "-",
            alpha=0.85,
            zorder=3,
            legend=False,
            ax=ax,
        )
        markers.append((r["x"], r["y"], s))
        names.append((r["x"], r["y"], r["name"], HIGHLIGHT if r["target"] else "#222", s))
    ax.axhline(1.0, color="#7f7f7f", linestyle="--", linewidth=0.8)
    ax.axvline(0.0, color="#7f7f7f", linewidth=0.8)
    ax.margins(x=0.2, y=0.08)  # room for the names of the outermost bubbles inside the axes
    sm = plt.cm.ScalarMappable(cmap=cmap, norm=plt.Normalize(vmin, vmax))
    cb = f.colorbar(sm, ax=ax, fraction=0.04)
    cb.set_label(t["hhi"])
    # size legend, outside the plot: reference bubbles with the data's area scale (marker size is a diameter in
    # points: the square root of the area), and the hollow marker of an unknown size
    handles = [
        Line2D([], [], linestyle="", marker="o", markersize=np.sqrt(area(v)), color="#bbbbbb", markeredgecolor="white",
               label=labels.label("chart_scores.size_step", lang, value=fixed(v / 1e9, 0)))
        for v in size_steps(smax)
    ]  # fmt: skip
    handles.append(
        Line2D([], [], linestyle="", marker="o", markersize=np.sqrt(120), markerfacecolor="none",
               markeredgecolor="#7f7f7f", markeredgewidth=1.2, label=t["unknown"])
    )  # fmt: skip
    ax.legend(
        handles=handles,
        title=t["size"],
        loc="upper left",
        bbox_to_anchor=(1.25, 1.0),
        frameon=False,
        labelspacing=2.2,
        borderpad=1.2,
        handletextpad=1.6,
        fontsize=SMALL,
    )
    ax.set_xlabel(t["growth"])
    ax.set_ylabel(t["sns"])
    note = "* " + labels.label("chart_scores.not_ranked", lang) + "   † " + labels.label("chart_scores.imputed", lang)
    f.text(0.01, 0.005, "\n".join(wrap(note, int(WIDTH * 72 / (SMALL * 0.55)))), fontsize=SMALL, color="#555")
    f.tight_layout(rect=(0, 0.06, 1, 1))
    fit_title(ax, t["map"], 11)
    f.tight_layout(rect=(0, 0.06, 1, 1))
    texts = place_labels(ax, names, markers)  # after the layout: label boxes are measured where they are drawn
    for text, iso3 in zip(texts, pts["iso3"], strict=True):
        text.ec_iso3 = iso3
    ax.ec_markers = dict(zip(pts["iso3"], markers, strict=True))  # for tests: where each country's bubble is
    return f


def rank_shifts(
    directions: pl.DataFrame, scores: pl.DataFrame, *, lang: str = "ja", highlight: str | None = None
) -> plt.Figure:
    """Slope chart: each country's rank with concentration read as channel (left) and as gatekeeper (right)."""
    apply()
    t = labels.section("chart_scores", lang)
    names = {r["iso3"]: _name(r, lang) for r in scores.iter_rows(named=True)}
    d = directions.drop_nulls(["rank_channel", "rank_gatekeeper"]).sort("iso3")
    d = d.with_columns(
        pl.when(pl.col("iso3") == (highlight or ""))
        .then(pl.lit("target"))
        .when(pl.col("shift_to_gatekeeper").abs() >= 3)
        .then(pl.lit("moved"))
        .otherwise(pl.lit("other"))
        .alias("role")
    )
    palette = {"other": PALETTE[0], "moved": PALETTE[2], "target": HIGHLIGHT}
    f, ax = plt.subplots(figsize=(WIDTH * 0.8, 0.38 * max(d.height, 4) + 1.8))
    long = d.unpivot(index=["iso3", "role"], on=["rank_channel", "rank_gatekeeper"], variable_name="reading")
    long = long.with_columns((pl.col("reading") == "rank_gatekeeper").cast(pl.Int8).alias("x")).to_pandas()
    sns.lineplot(
        data=long,
        x="x",
        y="value",
        units="iso3",
        estimator=None,
        sort=False,
        hue="role",
        hue_order=[k for k in palette if k in set(long["role"])],
        palette=palette,
        marker="o",
        markeredgecolor="none",
        legend=False,
        ax=ax,
    )
    for r in d.iter_rows(named=True):
        ax.text(-0.04, r["rank_channel"], names[r["iso3"]], ha="right", va="center", fontsize=SMALL)
        ax.text(1.04, r["rank_gatekeeper"], names[r["iso3"]], ha="left", va="center", fontsize=SMALL)
    ax.set_xlim(-0.6, 1.6)
    ax.invert_yaxis()
    ax.set_xticks([0, 1], [t["channel"], t["gatekeeper"]])
    ax.set_xlabel("")
    ax.set_ylabel(t["rank"])
    ax.set_title(t["shifts"], loc="left", fontsize=11)
    ax.grid(axis="x", visible=False)
    note = _left_out(scores, lang)
    if note:
        f.text(0.01, 0.005, "\n".join(wrap(note, int(WIDTH * 0.8 * 72 / (SMALL * 0.55)))), fontsize=SMALL, color="#555")
    f.tight_layout(rect=(0, 0.05 if note else 0, 1, 1))
    return f
