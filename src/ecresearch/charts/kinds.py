"""One function per chart kind. Each draws ChartData on an Axes (or a Figure for multi-panel kinds);
gaps are drawn as gaps: a dashed outline marked 不明 / n/a, never a bar of invented height."""
from __future__ import annotations

from matplotlib.patches import Rectangle
import numpy as np
import pandas as pd
import seaborn as sns

from ecresearch.charts.data import ChartData
from ecresearch.charts.style import EXTERNAL, HIGHLIGHT, LABELS, MISSING_EDGE, PALETTE, VINTAGE_PALETTE


def _fmt(v: float, decimals: int | None = None) -> str:
    if v is None or pd.isna(v):
        return ""
    if decimals is None:
        a = abs(v)
        decimals = 0 if a >= 100 else 1 if a >= 1 or v == 0 else 2
    return f"{v:,.{decimals}f}"


def _formatter(values: pd.Series):
    """One number format per chart: as many decimals as its values need (at most 2)."""
    vals = [float(v) for v in values.dropna()]
    need = 0
    for v in vals:
        for d in (0, 1, 2):
            if abs(round(v, d) - v) < 1e-9:
                need = max(need, d)
                break
        else:
            need = 2
    return lambda v: _fmt(v, need)


def _category_at(patch, data: ChartData, orient: str) -> str | None:
    centre = patch.get_x() + patch.get_width() / 2 if orient == "v" else patch.get_y() + patch.get_height() / 2
    i = int(round(centre))
    return data.category_order[i] if 0 <= i < len(data.category_order) else None


def _palette(data: ChartData, hue_kind: str, lang: str) -> dict[str, str]:
    words = LABELS[lang]
    pal: dict[str, str] = {}
    vint = iter(VINTAGE_PALETTE)
    base = iter(PALETTE)
    for h in data.series_order:
        if hue_kind == "origin":
            pal[h] = EXTERNAL if h == words["external"] else PALETTE[0]
        elif hue_kind == "vintage":
            pal[h] = PALETTE[0] if h == words["deck"] else next(vint)
        else:
            pal[h] = next(base)
    return pal


def bars(ax, data: ChartData, *, orient: str = "v", hue_kind: str = "", lang: str = "ja",
         highlight: str | None = None) -> None:
    """Bar and grouped bar, vertical or horizontal. External values are grey and hatched."""
    words = LABELS[lang]
    df = data.frame
    pal = _palette(data, hue_kind, lang)
    plot = df.dropna(subset=["value"])
    x, y = ("label", "value") if orient == "v" else ("value", "label")
    # origin/vintage colour one value per category: no dodging; series side by side otherwise
    dodge = len(data.series_order) > 1 and hue_kind not in ("origin", "vintage")
    sns.barplot(data=plot, x=x, y=y, hue="hue", order=data.category_order, hue_order=data.series_order,
                palette=pal, orient=orient, ax=ax, errorbar=None, dodge=dodge,
                legend=len(data.series_order) > 1 or hue_kind in ("origin", "vintage"))
    # annotate, hatch external/approximate bars, highlight the target country. Seaborn draws no patch
    # for an absent (category, hue) pair, so each patch is matched to its category by position.
    fmt = _formatter(plot["value"])
    for hue, container in zip(data.series_order, ax.containers):
        labels = []
        for patch in container.patches:
            cat = _category_at(patch, data, orient)
            row = plot[(plot["hue"] == hue) & (plot["label"] == cat)]
            if row.empty:
                labels.append("")
                continue
            r = row.iloc[0]
            if r["origin"] == "external":
                patch.set_hatch("//")
                patch.set_edgecolor("white")
            if r["approx"]:
                patch.set_hatch("..")
            if highlight and r["iso3"] == highlight:
                patch.set_facecolor(HIGHLIGHT)
            labels.append(("≈" if r["approx"] else "") + fmt(r["value"]))
        ax.bar_label(container, labels=labels, fontsize=8, padding=2)
    # gaps: a dashed outline at the category, labelled
    missing = df[df["value"].isna()]
    if not missing.empty:
        span = max(float(np.nanmax(np.abs(df["value"].astype(float)))) if df["value"].notna().any() else 1.0, 1e-9)
        n = len(data.series_order) if dodge else 1
        width = 0.8 / max(n, 1)
        for _, r in missing.iterrows():
            i = data.category_order.index(r["label"])
            j = data.series_order.index(r["hue"]) if r["hue"] in data.series_order else 0
            pos = i - 0.4 + width * (j + 0.5) if n > 1 else i
            size = span * 0.06
            w = width * 0.9
            # a plain patch, not a bar container: gaps must not count as plotted values
            rect = (Rectangle((pos - w / 2, 0), w, size) if orient == "v" else Rectangle((0, pos - w / 2), size, w))
            rect.set(fill=False, edgecolor=MISSING_EDGE, linestyle="--", linewidth=1)
            ax.add_patch(rect)
            if orient == "v":
                ax.text(pos, size, words["missing"], ha="center", va="bottom", fontsize=8, color=MISSING_EDGE)
            else:
                ax.text(size, pos, " " + words["missing"], ha="left", va="center", fontsize=8, color=MISSING_EDGE)
    ax.ticklabel_format(axis="y" if orient == "v" else "x", style="plain", useOffset=False)  # no '1e6' offsets
    if orient == "v":
        ax.set_xlabel("")
        ax.set_ylabel(data.unit_label)
        if max((len(c) for c in data.category_order), default=0) > 6:
            ax.tick_params(axis="x", labelrotation=30)
            for t in ax.get_xticklabels():
                t.set_ha("right")
    else:
        ax.set_ylabel("")
        ax.set_xlabel(data.unit_label)
    if ax.get_legend():
        ax.legend(title=None, loc="best", frameon=False)


def lines(ax, data: ChartData, *, lang: str = "ja", highlight: str | None = None) -> None:
    """Series over time, one line per category (e.g. country); categories without data are listed."""
    words = LABELS[lang]
    df = data.frame.dropna(subset=["value"]).copy()
    df["period"] = df["period"].astype(str)
    periods = sorted(df["period"].unique())
    for k, (label, g) in enumerate(df.groupby("label", sort=False)):
        g = g.sort_values("period")
        colour = HIGHLIGHT if highlight and g["iso3"].iloc[0] == highlight else PALETTE[k % len(PALETTE)]
        ax.plot([periods.index(p) for p in g["period"]], g["value"], marker="o", label=label, color=colour,
                linestyle="--" if (g["origin"] == "external").all() else "-")
    ax.set_xticks(range(len(periods)), periods)
    ax.set_ylabel(data.unit_label)
    absent = [c for c in data.category_order if c not in set(df["label"])]
    if absent:
        ax.text(0.01, 0.02, f"{words['no_data']}: " + ", ".join(absent), transform=ax.transAxes, fontsize=9,
                color=MISSING_EDGE)
    ax.legend(frameon=False, fontsize=8, ncols=2)


def donuts(fig, data: ChartData, *, lang: str = "ja") -> list:
    """Shares as donuts, one per series; unidentified slices keep their value and say so."""
    groups = [(h, data.frame[data.frame["hue"] == h]) for h in data.series_order]
    axes = fig.subplots(1, len(groups), squeeze=False)[0]
    for ax, (hue, g) in zip(axes, groups):
        g = g.dropna(subset=["value"])
        colours = [EXTERNAL if o == "external" else PALETTE[i % len(PALETTE)] for i, o in enumerate(g["origin"])]
        wedges, _ = ax.pie(g["value"], colors=colours, startangle=90, counterclock=False,
                           wedgeprops={"width": 0.42, "edgecolor": "white"})
        for w, (_, r) in zip(wedges, g.iterrows()):
            if r["value"] < 4:  # small slices are named in the legend only
                continue
            ang = np.deg2rad((w.theta1 + w.theta2) / 2)
            ax.text(np.cos(ang) * 0.79, np.sin(ang) * 0.79, f"{_fmt(r['value'])}%", ha="center", va="center",
                    fontsize=9, color="white")
        ax.legend(wedges, [f"{r['label']}: {_fmt(r['value'])}%" for _, r in g.iterrows()], loc="upper center",
                  bbox_to_anchor=(0.5, 0.0), frameon=False, fontsize=8, ncols=2)
        ax.set_title(hue if len(groups) > 1 else "", fontsize=11)
        ax.set_aspect("equal")
    return list(axes)


def ranking_table(ax, table: pd.DataFrame, *, highlight_row: str | None = None) -> None:
    """A ranking as a table image: one row per entity, columns as given."""
    ax.axis("off")
    t = ax.table(cellText=table.values.tolist(), colLabels=list(table.columns), loc="center", cellLoc="left",
                 colLoc="left")
    t.auto_set_font_size(False)
    t.set_fontsize(10)
    t.scale(1, 1.5)
    for (row, col), cell in t.get_celld().items():
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
    for hue, c in zip(data.series_order, ax.containers):
        for p in c.patches:
            v = p.get_height() if orient == "v" else p.get_width()
            if not np.isnan(v):
                out[(hue, _category_at(p, data, orient))] = float(v)
    return out

