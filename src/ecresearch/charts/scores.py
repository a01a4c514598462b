"""Charts of the target-country scores: rank bands, the growth × SNS map, and rank shifts between the two
readings of concentration. Every chart names the candidates it leaves out and why."""
from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import polars as pl

from ecresearch.charts.style import HIGHLIGHT, PALETTE, apply

LABELS = {
    "ja": {"bands": "候補国の順位と不確実性（◇ 基準の順位、● 中央値、帯 5～95%）", "rank": "順位（1＝最上位）",
           "left_out": "掲載外（データ不足で順位なし）: ", "growth": "EC小売額の伸び率（%）",
           "sns": "1日のSNS利用時間（世界平均＝1、同一版）",
           "map": "成長 × SNS利用（円の大きさ＝EC市場規模、白抜き＝規模不明、色＝HHI、枠外＝値なし）",
           "hhi": "HHI（採点値）", "no_value": "値なし", "size": "EC市場規模",
           "shifts": "集中度の読み方による順位の違い（チャネル → ゲートキーパー）", "channel": "チャネル",
           "gatekeeper": "ゲートキーパー"},
    "en": {"bands": "Candidate ranks and uncertainty (◇ baseline, ● median, band 5th–95th pct.)", "rank": "rank (1 = best)",
           "left_out": "Not shown (not ranked, too little data): ", "growth": "retail e-commerce growth (%)",
           "sns": "daily social-media time (world average = 1, same edition)",
           "map": "Growth × SNS usage (size = e-commerce sales, hollow = unknown, colour = HHI, margin = no value)",
           "hhi": "HHI (scored point)", "no_value": "no value", "size": "e-commerce sales",
           "shifts": "Rank under each reading of concentration (channel → gatekeeper)", "channel": "channel",
           "gatekeeper": "gatekeeper"},
}


def _name(row: dict, lang: str) -> str:
    return row["name_ja"] if lang == "ja" else row["name_en"]


def _left_out(scores: pl.DataFrame, lang: str) -> str:
    out = scores.filter(~pl.col("ranked"))
    if out.height == 0:
        return ""
    return LABELS[lang]["left_out"] + ", ".join(f"{_name(r, lang)} ({r['pillars']}/3)" for r in out.iter_rows(named=True))


def rank_bands(scores: pl.DataFrame, *, lang: str = "ja", highlight: str | None = None) -> plt.Figure:
    """Each ranked country: its rank under the chosen method (diamond), the Monte Carlo median (dot) and the
    5th-95th percentile band (bar)."""
    apply()
    t = LABELS[lang]
    rows = list(scores.filter(pl.col("ranked")).sort("rank").iter_rows(named=True))
    f, ax = plt.subplots(figsize=(9, 0.42 * len(rows) + 2.0))
    for i, r in enumerate(rows):
        colour = HIGHLIGHT if r["iso3"] == highlight else PALETTE[0]
        ax.plot([r["rank_p05"], r["rank_p95"]], [i, i], color=colour, alpha=0.35, linewidth=7, solid_capstyle="round")
        ax.plot(r["median_rank"], i, "o", color=colour)
        ax.plot(r["rank"], i, "D", color="white", markeredgecolor=colour, markersize=6)
    ax.set_yticks(range(len(rows)), [f"{_name(r, lang)} ({r['pillars_used']}/3)" for r in rows])
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
    """Growth (x) vs daily SNS time relative to the world (y) for every candidate; a missing value is drawn on
    the margin band of its axis. Bubble area = e-commerce sales (hollow where unknown), colour = scored HHI."""
    apply()
    t = LABELS[lang]
    df = scores
    f, ax = plt.subplots(figsize=(9.5, 6.2))
    cmap = plt.get_cmap("viridis")
    hhis = [h for h in df["hhi_value"].to_list() if h is not None] if "hhi_value" in df.columns else []
    vmin, vmax = (min(hhis), max(hhis)) if hhis else (0, 1)
    g = [v for v in df["growth_pct"].to_list() if v is not None] or [0.0]
    s = [v for v in df["sns_ratio"].to_list() if v is not None] or [1.0]
    gx = min(g) - 0.18 * (max(g) - min(g) or 1)  # the margin where a missing growth value is drawn
    sy = min(s) - 0.18 * (max(s) - min(s) or 1)
    smax = max([v for v in df["size_usd"].to_list() if v is not None] or [1.0])

    def area(v):
        return 60 + 1400 * np.sqrt(v / smax)

    for r in df.iter_rows(named=True):
        x = r["growth_pct"] if r["growth_pct"] is not None else gx
        y = r["sns_ratio"] if r["sns_ratio"] is not None else sy
        hv = r.get("hhi_value")
        colour = cmap((hv - vmin) / (vmax - vmin or 1)) if hv is not None else "#bfbfbf"
        known = r["size_usd"] is not None
        ax.scatter(x, y, s=area(r["size_usd"]) if known else 120, color=colour if known else "none",
                   edgecolor=HIGHLIGHT if r["iso3"] == highlight else (colour if not known else "white"),
                   linewidth=2.5 if r["iso3"] == highlight else 1.2, alpha=0.85, zorder=3)
        ax.annotate(_name(r, lang) + ("" if r["ranked"] else " *"), (x, y), xytext=(6, 6), textcoords="offset points",
                    fontsize=9, color=HIGHLIGHT if r["iso3"] == highlight else "#222")
    ax.axvspan(gx - 0.1 * abs(gx or 1), gx + 0.5 * (g[0] - gx if g else 1) * 0 + 0.06 * (max(g) - min(g) or 1),
               color="#eeeeee", zorder=0)
    ax.axhspan(sy - 0.05, sy + 0.04 * (max(s) - min(s) or 1), color="#eeeeee", zorder=0)
    ax.text(gx, ax.get_ylim()[1], t["no_value"], fontsize=8, color="#777", ha="center", va="top")
    ax.text(ax.get_xlim()[1], sy, t["no_value"], fontsize=8, color="#777", ha="right", va="bottom")
    ax.axhline(1.0, color="#7f7f7f", linestyle="--", linewidth=0.8)
    ax.axvline(0.0, color="#7f7f7f", linewidth=0.8)
    sm = plt.cm.ScalarMappable(cmap=cmap, norm=plt.Normalize(vmin, vmax))
    cb = f.colorbar(sm, ax=ax, fraction=0.04)
    cb.set_label(t["hhi"])
    for v in (1e11, 1e12):  # size legend
        if v <= smax * 1.5:
            ax.scatter([], [], s=area(v), color="#bbbbbb", label=f"{v / 1e9:,.0f} bn USD")
    ax.legend(title=t["size"], loc="upper left", frameon=True, labelspacing=1.6, borderpad=1.0, fontsize=8)
    ax.set_xlabel(t["growth"])
    ax.set_ylabel(t["sns"])
    ax.set_title(t["map"], loc="left", fontsize=11)
    note = ("* " + ("順位なし（データ不足）" if lang == "ja" else "not ranked (too little data)"))
    f.text(0.01, 0.005, note, fontsize=8, color="#555")
    f.tight_layout(rect=(0, 0.03, 1, 1))
    return f


def rank_shifts(directions: pl.DataFrame, scores: pl.DataFrame, *, lang: str = "ja",
                highlight: str | None = None) -> plt.Figure:
    """Slope chart: each country's rank with concentration read as channel (left) and as gatekeeper (right)."""
    apply()
    t = LABELS[lang]
    names = {r["iso3"]: _name(r, lang) for r in scores.iter_rows(named=True)}
    d = directions.drop_nulls(["rank_channel", "rank_gatekeeper"])
    f, ax = plt.subplots(figsize=(7, 0.38 * max(d.height, 4) + 1.8))
    for r in d.iter_rows(named=True):
        colour = HIGHLIGHT if r["iso3"] == highlight else (PALETTE[2] if abs(r["shift_to_gatekeeper"]) >= 3 else PALETTE[0])
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
