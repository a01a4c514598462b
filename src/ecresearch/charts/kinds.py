"""One function per chart kind. Each draws ChartData on an Axes (or a Figure for multi-panel kinds);
gaps are drawn as gaps: a dashed outline marked 不明 / n/a, never a bar of invented height."""

from __future__ import annotations

import numpy as np
import pandas as pd
import seaborn as sns
from matplotlib.patches import Patch, Rectangle

from ecresearch.charts.data import ChartData, category_positions
from ecresearch.charts.style import EXTERNAL, HIGHLIGHT, MISSING_EDGE, PALETTE, SMALL, VINTAGE_PALETTE
from ecresearch.domain.formats import common_decimals, fixed, stated
from ecresearch.domain.labels import label


def _formatter(values: pd.Series):
    """One number format per chart: as many decimals as its values need (at most 2)."""
    need = common_decimals(values.dropna())
    return lambda v: fixed(v, need)


def _palette(data: ChartData, hue_kind: str, lang: str) -> dict[str, str]:
    external, deck = label("chart.external", lang), label("chart.deck", lang)
    pal: dict[str, str] = {}
    vint = iter(VINTAGE_PALETTE)
    base = iter(PALETTE)
    for h in data.series_order:
        if hue_kind == "origin":
            pal[h] = EXTERNAL if h == external else PALETTE[0]
        elif hue_kind == "vintage":
            pal[h] = PALETTE[0] if h == deck else next(vint)
        else:
            pal[h] = next(base)
    return pal


def _slot_width(positions: dict[str, float]) -> float:
    """The width a category's group of bars may take: 0.8 of the closest spacing of two categories."""
    xs = sorted(set(positions.values()))
    gaps = [b - a for a, b in zip(xs, xs[1:], strict=False) if b > a]
    return 0.8 * (min(gaps) if gaps else 1.0)


def _category_axis(ax, data: ChartData, axis: str, width: float) -> None:
    """Ticks at the categories' positions; a time axis keeps its true spacing and marks every year."""
    pos = [data.positions[c] for c in data.category_order]
    if axis == "x":
        ax.set_xticks(pos, data.category_order)
        ax.set_xlim(min(pos) - width, max(pos) + width)
        ax.grid(axis="x", visible=False)
    else:
        ax.set_yticks(pos, data.category_order)
        ax.set_ylim(max(pos) + width, min(pos) - width)  # first category on top
        ax.grid(axis="y", visible=False)
    if data.time_axis:
        from matplotlib.ticker import MultipleLocator

        (ax.xaxis if axis == "x" else ax.yaxis).set_minor_locator(MultipleLocator(1))
        ax.tick_params(axis=axis, which="minor", length=3, color="#bfbfbf")
        ax.tick_params(axis=axis, which="major", length=5, color="#7f7f7f")


def bars(
    ax, data: ChartData, *, orient: str = "v", hue_kind: str = "", lang: str = "ja", highlight: str | None = None
) -> None:
    """Bar and grouped bar, vertical or horizontal, each bar at its category's position (a period category
    sits at its time). Series are dodged in fixed slots; deck and external values of one category (hue by
    origin or vintage) stand side by side, never one behind the other. External values are grey and hatched;
    values the deck states as approximate or as a lower bound are dotted and labelled ≈ / > / +."""
    missing_word = label("chart.missing", lang)
    df = data.frame
    pal = _palette(data, hue_kind, lang)
    if not data.positions:
        data.positions = {c: float(i) for i, c in enumerate(data.category_order)}
    group = _slot_width(data.positions)
    fixed = hue_kind not in ("origin", "vintage")  # series keep their slot; origins share the category
    present = {
        c: [h for h in data.series_order if ((df["label"] == c) & (df["hue"] == h)).any()] for c in data.category_order
    }

    def slot(cat: str, hue: str) -> tuple[float, float]:
        hues = data.series_order if fixed else present[cat]
        n = max(len(hues), 1)
        w = group / n
        j = hues.index(hue) if hue in hues else 0
        return data.positions[cat] - group / 2 + w * (j + 0.5), w

    plot = df.dropna(subset=["value"])
    fmt = _formatter(plot[plot["bound"] == ""]["value"]) if not plot.empty else fixed
    notes = data.notes  # (hue, category) → the quality note's mark, e.g. ※1
    any_marked = False
    labelled = []
    if not plot.empty:
        plot = plot.assign(_pos=[slot(r["label"], r["hue"])[0] for _, r in plot.iterrows()])
        hues = [h for h in data.series_order if h in set(plot["hue"])]
        before = len(ax.containers)
        # one seaborn call: bars at their slot on a native (numeric) axis, one container per hue in hue_order
        sns.barplot(
            data=plot,
            **({"x": "_pos", "y": "value"} if orient == "v" else {"x": "value", "y": "_pos"}),
            hue="hue",
            hue_order=hues,
            palette={h: pal[h] for h in hues},
            native_scale=True,
            dodge=False,
            width=0.95,
            saturation=1,
            errorbar=None,
            legend=False,
            orient="x" if orient == "v" else "y",
            ax=ax,
        )
        for hue, c in zip(hues, ax.containers[before:], strict=True):
            rows = plot[plot["hue"] == hue].sort_values("_pos")  # seaborn draws a hue's bars in axis order
            c.set_label(hue)
            c.ec_hue, c.ec_categories, c.ec_series = hue, list(rows["label"]), sorted(set(rows["series"]))
            labels = []
            for patch, (_, r) in zip(c.patches, rows.iterrows(), strict=True):
                if r["origin"] == "external":
                    patch.set_hatch("//")
                    patch.set_edgecolor("white")
                if r["bound"]:
                    patch.set_hatch("..")
                    any_marked = True
                if highlight and r["iso3"] == highlight:
                    patch.set_facecolor(HIGHLIGHT)
                text = stated(r["value"], r["bound"]) if r["bound"] else fmt(r["value"])
                mark = notes.get((hue, r["label"]))
                labels.append(f"{text} {mark}" if mark else text)
            labelled.append((c, labels, [p.get_width() if orient == "v" else p.get_height() for p in c.patches]))
    # gaps: a dashed outline at the category's slot, labelled
    missing = df[df["value"].isna()]
    if not missing.empty:
        span = max(float(np.nanmax(np.abs(df["value"].astype(float)))) if df["value"].notna().any() else 1.0, 1e-9)
        for _, r in missing.iterrows():
            pos, w = slot(r["label"], r["hue"])
            size = span * 0.06
            w = w * 0.9
            # a plain patch, not a bar container: gaps must not count as plotted values
            rect = Rectangle((pos - w / 2, 0), w, size) if orient == "v" else Rectangle((0, pos - w / 2), size, w)
            rect.set(fill=False, edgecolor=MISSING_EDGE, linestyle="--", linewidth=1)
            ax.add_patch(rect)
            if orient == "v":
                ax.text(pos, size, missing_word, ha="center", va="bottom", fontsize=SMALL, color=MISSING_EDGE)
            else:
                ax.text(size, pos, " " + missing_word, ha="left", va="center", fontsize=SMALL, color=MISSING_EDGE)
    ax.ticklabel_format(axis="y" if orient == "v" else "x", style="plain", useOffset=False)  # no '1e6' offsets
    _category_axis(ax, data, "x" if orient == "v" else "y", group / 2 + 0.1 * group)
    # value labels: turned upright where a vertical bar is narrower than its label (no overlapping labels)
    lo, hi = ax.get_xlim() if orient == "v" else ax.get_ylim()
    axis_pts = ax.figure.get_size_inches()[0 if orient == "v" else 1] * 72 * 0.8
    for c, labels, ws in labelled:
        texts = ax.bar_label(c, labels=labels, fontsize=SMALL, padding=2)
        for t, w, shown in zip(texts, ws, labels, strict=False):
            if orient == "v" and len(shown) * SMALL * 0.6 > w / abs(hi - lo) * axis_pts:
                t.set_rotation(90)
    if orient == "v":
        ax.set_xlabel("")
        ax.set_ylabel(data.unit_label)
        ax.margins(y=0.08)
        if max((len(c) for c in data.category_order), default=0) > 6:
            ax.tick_params(axis="x", labelrotation=30)
            for t in ax.get_xticklabels():
                t.set_ha("right")
    else:
        ax.set_ylabel("")
        ax.set_xlabel(data.unit_label)
        ax.margins(x=0.1)
    handles = [c for c in ax.containers]
    if any_marked:
        handles.append(Patch(facecolor="white", edgecolor="#404040", hatch="..", label=label("chart.stated", lang)))
    if len(handles) > 1 or hue_kind in ("origin", "vintage"):
        # outside the plot area: a legend never covers a bar or its label
        ax.legend(handles=handles, title=None, loc="upper left", bbox_to_anchor=(1.01, 1.0), frameon=False)


BOX = {"boxstyle": "round,pad=0.15", "facecolor": "white", "edgecolor": "none", "alpha": 0.85}
SECONDARY_COLOURS = ["#ed7d31", "#70ad47", "#7030a0", "#997300"]


def secondary(ax, data: ChartData, sec: ChartData, *, orient: str = "v", lang: str = "ja", bars_ax=None):
    """Series of another unit drawn over the bars: points (joined when a series has several) on a twin axis of
    their own unit, at the same category positions. Horizontal bars get the points in a side panel `ax`
    (sharing the categories) instead of a twin. Returns the axis drawn on."""
    on = ax.twinx() if orient == "v" else ax
    fmt = _formatter(sec.frame[sec.frame["bound"] == ""]["value"].dropna())
    handles = []
    for k, hue in enumerate(sec.series_order):
        g = sec.frame[(sec.frame["hue"] == hue)].dropna(subset=["value"])
        g = g.assign(_x=[data.positions[c] for c in g["label"]]).sort_values("_x")
        colour = SECONDARY_COLOURS[k % len(SECONDARY_COLOURS)]
        external = (g["origin"] == "external").all()
        xs, ys = g["_x"].to_numpy(float), g["value"].to_numpy(float)
        joined = len(g) > 1 and data.time_axis
        sns.lineplot(
            x=xs if orient == "v" else ys,
            y=ys if orient == "v" else xs,
            estimator=None,
            sort=False,
            orient="x" if orient == "v" else "y",
            marker="o",
            color=colour,
            linestyle=("--" if external else "-") if joined else "",
            markerfacecolor="white" if external else colour,
            markeredgecolor=colour,
            markersize=7,
            linewidth=1.6,
            legend=False,
            zorder=4,
            ax=on,
        )
        line = on.get_lines()[-1]
        line.set_label(
            hue + (label("chart.external_mark", lang) if external and len(g) else "") + f" [{sec.unit_label}]"
        )
        line.ec_series = sorted(set(g["series"]))
        line.ec_values = dict(zip(g["label"], ys, strict=False))
        handles.append(line)
        for x, y, (_, r) in zip(xs, ys, g.iterrows(), strict=False):
            text = stated(y, r["bound"]) if r["bound"] else fmt(y)
            mark = sec.notes.get((hue, r["label"]))
            text = f"{text} {mark}" if mark else text
            # above the point on a vertical chart, to its right on a horizontal one
            xy, offset, align = (
                ((x, y), (0, 8), {"ha": "center"}) if orient == "v" else ((y, x), (7, 0), {"va": "center"})
            )
            on.annotate(
                text,
                xy,
                xytext=offset,
                textcoords="offset points",
                fontsize=SMALL,
                color=colour,
                bbox=BOX,
                zorder=5,
                **align,
            )
    if orient == "v":
        top = float(np.nanmax(sec.frame["value"].astype(float))) if sec.frame["value"].notna().any() else 1.0
        bottom = min(0.0, float(np.nanmin(sec.frame["value"].astype(float))))
        on.set_ylim(bottom * 1.2, top * 1.35 if top > 0 else 1.0)
        on.set_ylabel(sec.unit_label)
        on.grid(False)
        on.spines["right"].set_visible(True)
        bars_legend = ax.get_legend()
        base = list(bars_legend.legend_handles) if bars_legend else list(ax.containers)
        labels = [h.get_label() for h in base]
        if bars_legend:
            bars_legend.remove()
            labels = [t.get_text() for t in bars_legend.get_texts()]
        # outside the plot, right of the secondary axis: never over a bar, a point or a label
        on.legend(
            base + handles,
            labels + [h.get_label() for h in handles],
            loc="upper left",
            bbox_to_anchor=(1.08, 1.0),
            frameon=False,
        )
    else:
        bars_legend = (bars_ax or ax).get_legend()
        if bars_legend:  # beside the side panel, not between the panels
            texts = [t.get_text() for t in bars_legend.get_texts()]
            handles_ = list(bars_legend.legend_handles)
            bars_legend.remove()
            on.legend(handles_, texts, loc="upper left", bbox_to_anchor=(1.02, 1.0), frameon=False)
        on.set_xlabel(sec.unit_label)
        on.set_title(" / ".join(sec.series_order), fontsize=10, loc="left")
        on.margins(x=0.25)
        on.tick_params(axis="y", labelleft=False)
        on.axvline(0, color="#7f7f7f", linewidth=0.8)
        on.grid(axis="y", visible=False)
    return on


def lines(ax, data: ChartData, *, lang: str = "ja", highlight: str | None = None) -> None:
    """Series over time, one line per category (e.g. country), on a true time axis (points at their period);
    categories without data are listed."""
    df = data.frame.dropna(subset=["value"]).copy()
    df["period"] = df["period"].astype(str)
    periods = sorted(df["period"].unique())
    where, _time = category_positions(periods)
    for k, (category, g) in enumerate(df.groupby("label", sort=False)):
        g = g.assign(_x=[where[p] for p in g["period"]]).sort_values("_x")
        colour = HIGHLIGHT if highlight and g["iso3"].iloc[0] == highlight else PALETTE[k % len(PALETTE)]
        sns.lineplot(
            x=g["_x"].to_numpy(float),
            y=g["value"].to_numpy(float),
            estimator=None,
            sort=False,
            marker="o",
            color=colour,
            linestyle="--" if (g["origin"] == "external").all() else "-",
            legend=False,
            ax=ax,
        )
        line = ax.get_lines()[-1]
        line.set_label(category)
        line.ec_series = sorted(set(g["series"]))
    ax.set_xticks([where[p] for p in periods], periods)
    if _time:
        from matplotlib.ticker import MultipleLocator

        ax.xaxis.set_minor_locator(MultipleLocator(1))
        ax.tick_params(axis="x", which="minor", length=3, color="#bfbfbf")
        ax.tick_params(axis="x", which="major", length=5, color="#7f7f7f")
    ax.set_ylabel(data.unit_label)
    absent = [c for c in data.category_order if c not in set(df["label"])]
    if absent:
        ax.text(
            0.01,
            0.02,
            label("chart.no_data", lang, items=", ".join(absent)),
            transform=ax.transAxes,
            fontsize=9,
            color=MISSING_EDGE,
        )
    ax.legend(frameon=False, fontsize=SMALL, ncols=2)


def donuts(fig, data: ChartData, *, lang: str = "ja") -> list:
    """Shares as donuts, one per series; unidentified slices keep their value and say so."""
    groups = [(h, data.frame[data.frame["hue"] == h]) for h in data.series_order]
    axes = fig.subplots(1, len(groups), squeeze=False)[0]
    for ax, (hue, g) in zip(axes, groups, strict=False):
        g = g.dropna(subset=["value"])
        colours = [EXTERNAL if o == "external" else PALETTE[i % len(PALETTE)] for i, o in enumerate(g["origin"])]
        wedges, _ = ax.pie(
            g["value"],
            colors=colours,
            startangle=90,
            counterclock=False,
            wedgeprops={"width": 0.42, "edgecolor": "white"},
        )
        for w, (_, r) in zip(wedges, g.iterrows(), strict=False):
            if r["value"] < 4:  # small slices are named in the legend only
                continue
            ang = np.deg2rad((w.theta1 + w.theta2) / 2)
            ax.text(
                np.cos(ang) * 0.79,
                np.sin(ang) * 0.79,
                f"{fixed(r['value'])}%",
                ha="center",
                va="center",
                fontsize=9,
                color="white",
            )
        ax.legend(
            wedges,
            [f"{r['label']}: {fixed(r['value'])}%" for _, r in g.iterrows()],
            loc="upper center",
            bbox_to_anchor=(0.5, 0.0),
            frameon=False,
            fontsize=SMALL,
            ncols=1 if len(groups) > 2 else 2,  # three donuts side by side: one column each
        )
        ax.set_title(hue if len(groups) > 1 else "", fontsize=11)
        ax.set_aspect("equal")
    return list(axes)


def ranking_table(ax, table: pd.DataFrame, *, highlight_row: str | None = None) -> None:
    """A ranking as a table image: one row per entity, columns as given."""
    ax.axis("off")
    t = ax.table(
        cellText=table.values.tolist(), colLabels=list(table.columns), loc="center", cellLoc="left", colLoc="left"
    )
    t.auto_set_font_size(False)
    t.set_fontsize(10)
    t.scale(1, 1.5)
    for (row, _col), cell in t.get_celld().items():
        cell.set_edgecolor("#d9d9d9")
        if row == 0:
            cell.set_facecolor("#1f4e79")
            cell.get_text().set_color("white")
        elif highlight_row is not None and str(table.iloc[row - 1, 0]) == highlight_row:
            cell.set_facecolor("#fde9e7")
    t.auto_set_column_width(list(range(len(table.columns))))


def plotted_values(ax, data: ChartData, orient: str = "v") -> dict[tuple[str, str], float]:
    """What a bar chart draws: (series label, category) → bar length, read back from the patches (for tests)."""
    out = {}
    for c in ax.containers:
        for p, cat in zip(c.patches, c.ec_categories, strict=False):
            v = p.get_height() if orient == "v" else p.get_width()
            if not np.isnan(v):
                out[(c.ec_hue, cat)] = float(v)
    return out


def bar_positions(ax, orient: str = "v") -> dict[tuple[str, str], float]:
    """(series label, category) → the centre of its bar along the category axis (for tests)."""
    out = {}
    for c in ax.containers:
        for p, cat in zip(c.patches, c.ec_categories, strict=False):
            out[(c.ec_hue, cat)] = p.get_x() + p.get_width() / 2 if orient == "v" else p.get_y() + p.get_height() / 2
    return out


def drawn_series(fig) -> set[str]:
    """Series keys drawn anywhere in a figure: bars, lines and points carry the keys they draw (for tests)."""
    keys = set()
    for ax in fig.axes:
        for c in ax.containers:
            keys |= set(getattr(c, "ec_series", ()))
        for line in ax.get_lines():
            keys |= set(getattr(line, "ec_series", ()))
    return keys
