# ---
# jupyter:
#   jupytext:
#     text_representation:
#       extension: .py
#       format_name: percent
#       format_version: '1.3'
#       jupytext_version: 1.19.6
#   kernelspec:
#     display_name: Python 3 (ipykernel)
#     language: python
#     name: python3
# ---

# %% [markdown]
#

# %% [markdown]
# # 03 — Target-country scoring / 候補国のスコアリング
#
# This notebook reads the scores the build's `scores` step published and explains them in the page's language
# (`lang`): every heading and sentence below comes from the label catalogue and the results. Run it for one
# language with papermill (`lang="ja"` or `"en"`); the build exports both as the scores pages.

# %% tags=["parameters"]
# Parameters (papermill)
from typing import Optional
scenario: Optional[str] = None  # None means the main build, or give the name of a built scenario
as_of: Optional[str] = None  # the pages' data-as-of date (YYYY-MM-DD); None: params.toml [pages]
lang: str = "en"  # the page's language: ja | en

# %%
# %matplotlib inline
# %config InlineBackend.print_figure_kwargs = {"bbox_inches": None}
import json

import matplotlib.pyplot as plt
import polars as pl
from IPython.display import HTML, Markdown, display

from ecresearch import paths
from ecresearch.params import CORE_PILLARS
from ecresearch.charts.scores import growth_sns_map, rank_bands, rank_shifts
from ecresearch.report import country as report
from ecresearch.domain.formats import num, pct
from ecresearch.domain.labels import label, section
from ecresearch.report.describe import describe

out = paths.output_set(scenario)
scores = pl.read_parquet(out.scores)
indicators = pl.read_parquet(out.indicators)
results = report.results(out)
meta = json.loads(out.params_json.read_text(encoding="utf-8"))
ranked = scores.filter(pl.col("ranked"))
readings = results["readings"]
holds = results["holds"]
chosen = meta["params"]["concentration_direction"]
candidates = meta["params"]["candidates"]
name_col = "name_ja" if lang == "ja" else "name_en"
names = dict(scores.select("iso3", name_col).rows())
sep = "、" if lang == "ja" else ", "


def T(key, **values):
    return label(f"scoring_page.{key}", lang, **values)


def word(value):
    """A data word (basis, reading, pillar, metric class, Sobol factor) in the page's language."""
    words = section("scoring_page.word", lang)
    return words.get(value, value)


def head(key):
    display(Markdown(f"## {T('h_' + key)}\n\n{T('x_' + key)}"))


def say(text):
    display(HTML(report.paragraph(text)))


def show(fig):
    display(fig)
    plt.close(fig)


def table(df, links=()):
    display(HTML(report.html_table(df, links=links)))


def yes_no(col):
    return pl.col(col).replace_strict({True: label("report.yes", lang), False: label("report.no", lang)},
                                      return_dtype=pl.String)


def listed(codes):
    return sep.join(names.get(c, c) for c in codes) or T("none")


display(Markdown(f"## {T('h_question')}\n\n{T('x_question')}"))
build_label = T("main_build") if scenario is None else T("scenario_build", name=scenario)
say(T("params", label=build_label, digest=meta["digest"], describe=describe(meta["params"], lang)))

# %%
head("holds")

# %%
# NBVAL_CHECK_OUTPUT
for r in holds.iter_rows(named=True):
    print(f"{r['iso3']} P(top 3) ≥ {r['p_top3_min']:.2f} in both readings (up to {r['p_top3_max']:.2f}); "
          f"P(rank 1) ≥ {r['p_rank1_min']:.2f}; ranks {r['best_rank']:g}–{r['worst_rank']:g} over both bands; "
          f"{'TOP 3 IN BOTH' if r['top3_in_both'] else ''}")

# %%
both = holds.filter(pl.col("top3_in_both"))["iso3"].to_list()
first = holds.filter(pl.col("first_in_both"))["iso3"].to_list()
say(T("holds_both", names=listed(both)) if both else T("holds_none"))
say(T("first_both", names=listed(first)) if first else T("first_none"))
lead = {rd: readings.filter((pl.col("reading") == rd) & (pl.col("rank") == 1))["iso3"].to_list()
        for rd in ("channel", "gatekeeper")}
say(T("point_lead", channel=listed(lead["channel"]), gatekeeper=listed(lead["gatekeeper"])))
se_max = readings.select(pl.max_horizontal(pl.col("p_rank1_se").max(), pl.col("p_top3_se").max())).item()
say(T("se_max", se=num(se_max, lang, 4), draws=meta["params"]["draws"]))


# %%
def headline_table(read):
    """Both readings side by side: rank, median rank and band, P(rank 1), P(top 3) with its s.e."""
    rows = []
    for iso3 in ranked["iso3"].to_list():
        row = {T("col.name"): names[iso3]}
        for rd in ("channel", "gatekeeper"):
            r = read.filter((pl.col("reading") == rd) & (pl.col("iso3") == iso3))
            if r.height == 0:
                continue
            r = r.row(0, named=True)
            w = word(rd)
            row[f"{w}: {T('col.rank')}"] = r["rank"]
            row[f"{w}: {T('col.median_rank')}"] = r["median_rank"]
            row[f"{w}: {T('col.band')}"] = (f"{r['rank_p05']:g}–{r['rank_p95']:g}" if r["rank_p05"] is not None
                                             else "")
            row[f"{w}: {T('col.p_rank1')}"] = pct(r["p_rank1"], lang, 1)
            row[f"{w}: {T('col.p_top3')}"] = f"{pct(r['p_top3'], lang, 1)} ± {pct(r['p_top3_se'], lang, 1)}"
        rows.append(row)
    return pl.DataFrame(rows)


table(headline_table(readings))
show(rank_bands(scores, lang=lang))

# %%
head("data")

# %%
basis = scores.filter(pl.col("iso3").is_in(candidates)).select(
    pl.col("iso3").replace_strict(names, default=None).alias(T("col.name")),
    *[pl.col(f"{p}_basis").map_elements(word, return_dtype=pl.String).alias(T("col.basis", pillar=word(p)))
      for p in CORE_PILLARS],
    yes_no("ranked").alias(T("col.ranked")),
)
table(basis)
ind = indicators.filter(pl.col("iso3").is_in(candidates) & (pl.col("pillar") != "size")).sort("pillar", "iso3")
table(ind.select(
    pl.col("iso3").replace_strict(names, default=None).alias(T("col.name")),
    pl.col("pillar").map_elements(word, return_dtype=pl.String).alias(T("col.pillar")),
    pl.col("value").alias(T("col.value")),
    pl.col("low").alias(T("col.low")),
    pl.col("high").alias(T("col.high")),
    pl.col("metric_class").map_elements(word, return_dtype=pl.String).alias(T("col.metric_class")),
    pl.col("vintage").alias(T("col.vintage")),
    pl.concat_str(pl.col("alt_vintage"), pl.lit(" ("), pl.col("alt_value").round(3).cast(pl.String), pl.lit(")"))
    .alias(T("col.alt")),
    pl.col("source").alias(T("col.source")),
    pl.col("url").alias("URL"),
), links=("URL",))

# %%
cov = results["coverage"]
full = cov.filter(pl.col("growth") & pl.col("sns") & pl.col("concentration")).height
imputed = {p: scores.filter(pl.col(f"{p}_basis") == "imputed")["iso3"].to_list() for p in CORE_PILLARS}
items = [T("imputed_item", pillar=word(p), names=listed(v)) for p, v in imputed.items() if v]
unscored = cov.filter(~pl.col("iso3").is_in(scores["iso3"].to_list()))["iso3"].to_list()
say(T("imputed", full=full, total=cov.height, list=sep.join(items) or T("none"),
      limit=pct(meta["params"]["max_missing_weight"], lang), none=listed(unscored)))

# %%
head("readings")

# %%
d = results["directions"]
moved = d.filter(pl.col("shift_to_gatekeeper").abs() >= 3)
say(T("moved", chosen=word(chosen), list=sep.join(f"{names[r['iso3']]} ({r['rank_channel']} → {r['rank_gatekeeper']})"
                                                     for r in moved.iter_rows(named=True)) or T("none")))
show(rank_shifts(d, scores, lang=lang))
table(d.select(
    pl.col("iso3").replace_strict(names, default=None).alias(T("col.name")),
    pl.col("rank_channel").alias(f"{T('col.rank')}: {word('channel')}"),
    pl.col("rank_gatekeeper").alias(f"{T('col.rank')}: {word('gatekeeper')}"),
    pl.col("shift_to_gatekeeper").alias(T("col.shift")),
))

# %%
head("hhi")

# %%
bands = section("hhi_band", lang)
table(scores.filter(pl.col("hhi_lower").is_not_null()).select(
    pl.col("iso3").replace_strict(names, default=None).alias(T("col.name")),
    pl.concat_str(pl.col("hhi_lower").round(0).cast(pl.Int64).cast(pl.String), pl.lit(" · "),
                  pl.col("hhi_value").round(0).cast(pl.Int64).cast(pl.String), pl.lit(" · "),
                  pl.col("hhi_upper").round(0).cast(pl.Int64).cast(pl.String)).alias(T("col.hhi")),
    pl.col("hhi_coverage").alias(T("col.coverage")),
    pl.col("hhi_class").map_elements(word, return_dtype=pl.String).alias(T("col.metric_class")),
    pl.concat_str(pl.col("hhi_band_2010_lower").replace_strict(bands, default=None), pl.lit(" – "),
                  pl.col("hhi_band_2010_upper").replace_strict(bands, default=None)).alias(T("col.band_2010")),
    pl.col("hhi_vintage").alias(T("col.vintage")),
))

# %%
head("extended")

# %%
ext = results["extended"]
ext_holds = ext.group_by("iso3").agg(pl.col("p_top3").min().alias("p_top3_min")).filter(pl.col("p_top3_min") >= 0.9)
say(T("extended_holds", names=listed(sorted(ext_holds["iso3"].to_list()))))
table(headline_table(ext))

# %%
head("stats")

# %%
corr = results["correlations"].filter(pl.col("pillar_a") < pl.col("pillar_b"))
red = corr.filter(pl.col("redundant"))
alphas = meta["cronbach_alpha_by_reading"]
say(T("alpha", n=meta["pca_n"], list=sep.join(
    f"{word(rd)} {num(a, lang, 2) if a is not None else T('not_computable')}" for rd, a in alphas.items())))
rd = results["redundancy"]
moves = sep.join(f"{names[r['iso3']]} {r['rank']} → {r['rank_momentum']}"
                 for r in rd.filter(pl.col("shift").abs() >= 1).iter_rows(named=True))
pairs = sep.join(f"{word(a)} – {word(b)} (r = {num(r, lang, 2)}, n = {n})"
                 for a, b, r, n in red.select("pillar_a", "pillar_b", "r", "n").rows())
say(T("redundant", pairs=pairs, moves=moves or T("no_moves")) if red.height else T("no_redundant"))
table(corr.select(
    pl.concat_str(pl.col("pillar_a").map_elements(word, return_dtype=pl.String), pl.lit(" – "),
                  pl.col("pillar_b").map_elements(word, return_dtype=pl.String)).alias(T("col.pair")),
    pl.col("r").alias(T("col.r")), pl.col("n").alias(T("col.n")), yes_no("redundant").alias(T("col.redundant")),
))
table(rd.filter(pl.col("rank").is_not_null()).select(
    pl.col("iso3").replace_strict(names, default=None).alias(T("col.name")),
    pl.col("rank").alias(T("col.rank")),
    pl.col("rank_momentum").alias(T("col.rank_momentum")),
    pl.col("shift").alias(T("col.shift")),
))

# %%
table(results["pca"].select(
    pl.col("component").alias(T("col.component")), pl.col("explained").alias(T("col.explained")),
    *[pl.col(f"loading_{p}").alias(word(p)) for p in CORE_PILLARS]))

# %%
head("sobol")

# %%
sob = results["sobol"]
top = sob.row(0, named=True) if sob.height else None
if top:
    say(T("sobol_top", factor=word(top["factor"]), st=num(top["ST"], lang, 2), conf=num(top["ST_conf"], lang, 2)))
table(sob.select(
    pl.col("factor").map_elements(word, return_dtype=pl.String).alias(T("col.factor")),
    pl.col("S1").alias(T("col.S1")), pl.col("S1_conf").alias(f"S1 {T('col.conf')}"),
    pl.col("ST").alias(T("col.ST")), pl.col("ST_conf").alias(f"ST {T('col.conf')}"),
))

# %%
head("unctad")

# %%
u = meta["unctad_spearman"]
if u["rho"] is None:
    say(T("unctad_few", n=u["n"], missing=listed(u["missing"])))
else:
    say(T("unctad_rho", rho=num(u["rho"], lang, 2), lo=num(u["ci_low"], lang, 2), hi=num(u["ci_high"], lang, 2),
          n=u["n"], missing=listed(u["missing"])))
table(results["unctad"].select(
    pl.col("iso3").replace_strict(names, default=None).alias(T("col.name")),
    pl.col("rank").alias(T("col.rank")),
    pl.col("unctad_rank_2020").alias(T("col.unctad")),
    pl.col("unctad_source").alias(T("col.source")),
))

# %%
head("map")

# %%
show(growth_sns_map(scores, lang=lang))
contrib = results["contributions"].with_columns(pl.col("pillar").map_elements(word, return_dtype=pl.String))
table(contrib.pivot(on="pillar", index="iso3", values="points").select(
    pl.col("iso3").replace_strict(names, default=None).alias(T("col.name")), pl.exclude("iso3")))

# %%
head("points")

# %%
# NBVAL_CHECK_OUTPUT
for r in scores.iter_rows(named=True):
    if r["ranked"]:
        print(f"{r['rank']:>2} {r['iso3']} score {r['score']:6.2f}  median rank {r['median_rank']:4.1f}  "
              f"band {r['rank_p05']:4.1f}-{r['rank_p95']:4.1f}  pillars {r['pillars_used']}/{len(CORE_PILLARS)}")
    else:
        print(f" - {r['iso3']} not ranked ({r['pillars']}/{len(CORE_PILLARS)} pillars)")

# %%
head("whatif")

# %%
from ecresearch.scores import panel

whatif_panel = panel.show(scenario, lang)
