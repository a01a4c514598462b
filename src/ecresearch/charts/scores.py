"""Charts of the target-country scores: rank bands (uncertainty) and the growth × SNS map."""
from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import polars as pl

from .style import HIGHLIGHT, PALETTE, apply


def _name(row: dict, lang: str) -> str:
    return row["name_ja"] if lang == "ja" else row["name_en"]


def rank_bands(scores: pl.DataFrame, *, lang: str = "ja", highlight: str | None = None) -> plt.Figure:
    """Each ranked country: its rank under the chosen method (diamond), the Monte Carlo median (dot) and the
    5th-95th percentile band (bar)."""
    apply()
    df = scores.filter(pl.col("ranked")).sort("rank")
    rows = list(df.iter_rows(named=True))
    f, ax = plt.subplots(figsize=(9, 0.42 * len(rows) + 1.8))
    for i, r in enumerate(rows):
        colour = HIGHLIGHT if r["iso3"] == highlight else PALETTE[0]
        ax.plot([r["rank_p05"], r["rank_p95"]], [i, i], color=colour, alpha=0.35, linewidth=7, solid_capstyle="round")
        ax.plot(r["median_rank"], i, "o", color=colour)
        ax.plot(r["rank"], i, "D", color="white", markeredgecolor=colour, markersize=6)
    ax.set_yticks(range(len(rows)), [f"{_name(r, lang)} ({r['pillars_used']}/3)" for r in rows])
    ax.invert_yaxis()
    ax.set_xlim(0.5, len(rows) + 0.5)
    ax.set_xticks(range(1, len(rows) + 1))
    if lang == "ja":
        ax.set_title("候補国の順位と不確実性（◇ 基準の順位、● 中央値、帯 5～95%）", loc="left")
        ax.set_xlabel("順位（1＝最上位）")
    else:
        ax.set_title("Candidate ranks and uncertainty (◇ baseline, ● median, band 5th–95th pct.)", loc="left")
        ax.set_xlabel("rank (1 = best)")
    f.tight_layout()
    return f


def growth_sns_map(scores: pl.DataFrame, *, lang: str = "ja", highlight: str | None = None) -> plt.Figure:
    """Growth (x) vs daily SNS time relative to the world (y); bubble = 2022 e-commerce sales where the deck
    gives it (hollow where unknown); colour = HHI lower bound (grey where missing)."""
    apply()
    df = scores.filter(pl.col("growth_pct").is_not_null() & pl.col("sns_ratio").is_not_null())
    f, ax = plt.subplots(figsize=(9.5, 6))
    cmap = plt.get_cmap("viridis")
    hhis = [h for h in df["hhi_lower"].to_list() if h is not None]
    vmin, vmax = (min(hhis), max(hhis)) if hhis else (0, 1)
    for r in df.iter_rows(named=True):
        size = 60 + 1400 * np.sqrt((r["ecommerce_sales_2022_usd"] or 0) / 2.8e12)
        colour = cmap((r["hhi_lower"] - vmin) / (vmax - vmin or 1)) if r["hhi_lower"] is not None else "#bfbfbf"
        known = r["ecommerce_sales_2022_usd"] is not None
        ax.scatter(r["growth_pct"], r["sns_ratio"], s=size if known else 120, color=colour if known else "none",
                   edgecolor=HIGHLIGHT if r["iso3"] == highlight else (colour if not known else "white"),
                   linewidth=2.5 if r["iso3"] == highlight else 1.2, alpha=0.85, zorder=3)
        ax.annotate(_name(r, lang), (r["growth_pct"], r["sns_ratio"]), xytext=(6, 6), textcoords="offset points",
                    fontsize=9, color=HIGHLIGHT if r["iso3"] == highlight else "#222")
    ax.margins(x=0.12, y=0.08)
    ax.axhline(1.0, color="#7f7f7f", linestyle="--", linewidth=0.8)
    ax.axvline(0.0, color="#7f7f7f", linewidth=0.8)
    sm = plt.cm.ScalarMappable(cmap=cmap, norm=plt.Normalize(vmin, vmax))
    cb = f.colorbar(sm, ax=ax, fraction=0.04)
    if lang == "ja":
        ax.set_xlabel("EC小売額の伸び率 2022年（%）")
        ax.set_ylabel("1日のSNS利用時間（世界平均＝1、同一版）")
        ax.set_title("成長 × SNS利用（円の大きさ＝EC市場規模 2022、白抜き＝規模不明、色＝HHI下限）", loc="left", fontsize=11)
        cb.set_label("HHI（下限）")
    else:
        ax.set_xlabel("retail e-commerce growth 2022 (%)")
        ax.set_ylabel("daily social-media time (world average = 1, same edition)")
        ax.set_title("Growth × SNS usage (size = 2022 e-commerce sales, hollow = unknown, colour = HHI lower bound)",
                     loc="left", fontsize=11)
        cb.set_label("HHI (lower bound)")
    f.tight_layout()
    return f
