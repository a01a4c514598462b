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
# # 03 — Which countries should a Japanese seller target online?
#
# **Question.** Among the markets the deck discusses, which look most promising for a Japanese company starting
# to sell online across borders, judged on three pillars the deck emphasises: **growth** of retail e-commerce,
# **SNS usage** (daily social-media time relative to the world average of the same DataReportal edition) and
# **platform concentration** (HHI of platform shares, as an interval). Market size is optional context (weight 0
# by default).
#
# The scores are computed by the build's `scores` step (`ecresearch.scores`) with the parameters in
# `params.toml`; this notebook **reads** them and explains them, following the OECD/JRC *Handbook on
# Constructing Composite Indicators* (2008). It writes nothing. To re-weight: edit `params.toml` and run
# `ecresearch build`, or run `ecresearch build --weights 0.5,0.25,0.25` for a scenario, then set `scenario` below.
# Every sentence below is computed from the results, so it stays true under other parameters.

# %% tags=["parameters"]
# Parameters (papermill)
from typing import Optional
scenario: Optional[str] = None  # None means the main build, or give the name of a built scenario
as_of: Optional[str] = None  # the pages' data-as-of date (YYYY-MM-DD); None: params.toml [pages]

# %%
# %matplotlib inline
# %config InlineBackend.print_figure_kwargs = {"bbox_inches": None}
import json

import matplotlib.pyplot as plt
import polars as pl
from IPython.display import HTML, display

from ecresearch import paths
from ecresearch.params import CORE_PILLARS
from ecresearch.charts.scores import growth_sns_map, rank_bands, rank_shifts
from ecresearch.report import country as report
from ecresearch.domain.formats import num, pct

out = paths.output_set(scenario)
scores = pl.read_parquet(out.scores)
indicators = pl.read_parquet(out.indicators)
results = report.results(out)
meta = json.loads(out.params_json.read_text(encoding="utf-8"))
ranked = scores.filter(pl.col("ranked"))


def say(text):
    display(HTML(report.paragraph(text)))


def show(fig):
    display(fig)
    plt.close(fig)


def table(df, links=()):
    display(HTML(report.html_table(df, links=links)))


say(f"Parameters ({out.label()}, {meta['digest']}): {meta['describe']}.")
readings = results["readings"]
holds = results["holds"]
chosen = meta["params"]["concentration_direction"]
other = "gatekeeper" if chosen == "channel" else "channel"
candidates = meta["params"]["candidates"]

# %% [markdown]
# ## Headlines that hold under the uncertainty, in both readings
# Whether a dominant platform helps a newcomer (one clear **channel**, the route of JETRO's JAPAN MALL and JAPAN
# STORE) or hurts it (a **gatekeeper** that sets fees and visibility) is a value judgement, so both readings are
# scored and published side by side. Each Monte Carlo draws the weights around the chosen ones, every market's
# HHI in its interval (triangular, mode at the scored point `hhi_point`), every imputed or forecast value in its
# range, and the edition where a market has two; the coverage rule is applied per draw. Every probability comes
# with its Monte Carlo standard error sqrt(p(1 − p) / draws). A statement is a headline only when it holds with
# probability ≥ 0.9 in **both** readings.

# %%
# NBVAL_CHECK_OUTPUT
for r in holds.iter_rows(named=True):
    print(f"{r['iso3']} P(top 3) ≥ {r['p_top3_min']:.2f} in both readings (up to {r['p_top3_max']:.2f}); "
          f"P(rank 1) ≥ {r['p_rank1_min']:.2f}; ranks {r['best_rank']:g}–{r['worst_rank']:g} over both bands; "
          f"{'TOP 3 IN BOTH' if r['top3_in_both'] else ''}")

# %%
both = holds.filter(pl.col("top3_in_both"))["iso3"].to_list()
first = holds.filter(pl.col("first_in_both"))["iso3"].to_list()
say((f"In the top three with probability at least 0.9 under both readings: {', '.join(both)}. " if both else
     "No market is in the top three with probability 0.9 under both readings: the top is not settled. ")
    + (f"First in both: {', '.join(first)}." if first else
       "No market is first with probability 0.9 under both readings: rank 1 depends on the reading."))
lead = {rd: readings.filter((pl.col("reading") == rd) & (pl.col("rank") == 1))["iso3"].to_list() for rd in
        ("channel", "gatekeeper")}
say(f"Point rank 1: {', '.join(lead['channel'])} when a dominant platform is read as a channel, "
    f"{', '.join(lead['gatekeeper'])} when it is read as a gatekeeper.")
se_max = readings.select(pl.max_horizontal(pl.col("p_rank1_se").max(), pl.col("p_top3_se").max())).item()
say(f"Largest Monte Carlo standard error of the published probabilities: {num(se_max, 'en', 4)} "
    f"({meta['params']['draws']} draws).")

# %%
wide = readings.pivot(on="reading", index="iso3", values=["rank", "median_rank", "rank_p05", "rank_p95", "p_rank1",
                                                           "p_top3", "p_top3_se"])
table(ranked.select("iso3", "name_en").join(wide, on="iso3", how="left"))
show(rank_bands(scores, lang="en"))

# %% [markdown]
# ## Steps 1–2. Data: every input with its source, edition and basis
# One edition per pillar wherever the sources allow: SNS time from the DataReportal edition that covers the most
# candidates (others only for markets it lacks, each as a ratio to the world average of its own edition), growth
# from the deck's eMarketer Feb 2023 estimates, a forecast only where no estimate exists — drawn over the range
# its own edition's later revisions imply, and labelled as a forecast. A value no source gives is **imputed**:
# drawn over the candidates' observed range of that pillar and scored at its median — never a silent
# re-weighting. Platform concentration is the HHI over owner groups (e.g. Tmall Global + Kaola as Alibaba), one
# data set per market; its metric class says what the shares measure, and HHIs of different classes are not
# strictly comparable.

# %%
basis = scores.filter(pl.col("iso3").is_in(candidates)).select(
    "iso3", "growth_basis", "sns_basis", "concentration_basis", "ranked")
table(basis)
table(indicators.filter(pl.col("iso3").is_in(candidates) & (pl.col("pillar") != "size")).select(
    "iso3", "pillar", "value", "low", "high", "metric_class", "vintage", "alt_value", "alt_vintage", "source", "url"
).sort("pillar", "iso3"), links=("url",))

# %%
cov = results["coverage"]
full = cov.filter(pl.col("growth") & pl.col("sns") & pl.col("concentration")).height
imputed = {p: scores.filter(pl.col(f"{p}_basis") == "imputed")["iso3"].to_list() for p in CORE_PILLARS}
say(f"{full} of {cov.height} candidates have a sourced value on all three pillars. Imputed: "
    + "; ".join(f"{p} for {', '.join(v)}" for p, v in imputed.items() if v)
    + f". A market is unranked when its imputed pillars carry more than "
    f"{pct(meta['params']['max_missing_weight'], 'en')} of the weight (in every draw, by that draw's weights); "
    "markets with no sourced value at all are not scored: "
    + (", ".join(cov.filter(~pl.col("iso3").is_in(scores["iso3"].to_list()))["iso3"].to_list()) or "none") + ".")
table(cov.select("iso3", "name_en", "growth", "sns", "concentration", "size", "missing_weight", "ranked"))

# %% [markdown]
# ## Steps 4–6. Normalisation, weighting, aggregation: the two readings' ranks
# The rank shifts between the readings show how much the value judgement matters.

# %%
d = results["directions"]
moved = d.filter(pl.col("shift_to_gatekeeper").abs() >= 3)
say(f"Chosen reading: {chosen}. Countries whose rank moves by 3 or more between the "
    "two readings: " + (", ".join(f"{r['iso3']} ({r['rank_channel']} → {r['rank_gatekeeper']})"
                                  for r in moved.iter_rows(named=True)) or "none") + ".")
show(rank_shifts(d, scores, lang="en"))
table(d)

# %% [markdown]
# ### Concentration as an interval over owner groups, against the US merger guidelines (descriptive only)
# Unlisted players are each no larger than the smallest listed one, so the upper bound packs the unlisted rest
# into as few such players as possible; the score uses the declared point of the interval (`hhi_point`). The
# interval's width follows how many players a source lists.

# %%
table(scores.filter(pl.col("hhi_lower").is_not_null()).select(
    "iso3", "hhi_lower", "hhi_value", "hhi_upper", "hhi_coverage", "hhi_class", "hhi_metric", "hhi_band_2010_lower",
    "hhi_band_2010_upper", "hhi_vintage"))

# %% [markdown]
# ## Extended analysis: normalisation and aggregation drawn too
# The same Monte Carlo, both readings, with min-max/z-score and arithmetic/geometric drawn at random as well.

# %%
ext = results["extended"]
ext_holds = ext.group_by("iso3").agg(pl.col("p_top3").min().alias("p_top3_min")).filter(pl.col("p_top3_min") >= 0.9)
say("In the top three with probability ≥ 0.9 in both readings when the methods vary too: "
    + (", ".join(sorted(ext_holds["iso3"].to_list())) or "none") + ".")
table(ext.pivot(on="reading", index="iso3", values=["p_rank1", "p_top3", "rank_p05", "rank_p95"]))

# %% [markdown]
# ## Step 4 (JRC). How the pillars relate: correlation, PCA, Cronbach's alpha (oriented)
# Statistics on the pillars as each reading scores them (concentration negated for a gatekeeper), over the
# sourced values only. A pair above |r| = 0.9 is flagged as redundant.

# %%
corr = results["correlations"].filter(pl.col("pillar_a") < pl.col("pillar_b"))
red = corr.filter(pl.col("redundant"))
alphas = meta["cronbach_alpha_by_reading"]
say(f"Cronbach's alpha over the {meta['pca_n']} markets with three sourced pillars: "
    + "; ".join(f"{rd} {num(a, 'en', 2) if a is not None else 'not computable'}" for rd, a in alphas.items())
    + ". The pillars measure one thing only under the reading where alpha is high.")
red_text = "; ".join(f"{a} and {b} (r = {num(r, 'en', 2)}, n = {n})" for a, b, r, n in
                     red.select("pillar_a", "pillar_b", "r", "n").rows())
rd = results["redundancy"]
moved_r = rd.filter(pl.col("shift").abs() >= 1)
say((f"Redundant pairs: {red_text}. Decision: the pillars stay separate — growth measures the market, SNS time "
     "the audience a seller can reach — and the effect of counting them as one 'digital momentum' pillar (each at "
     "half weight) is shown here: " + (", ".join(f"{r['iso3']} {r['rank']} → {r['rank_momentum']}"
                                             for r in moved_r.iter_rows(named=True)) or "no rank moves") + ".")
    if red.height else "No pair of pillars is redundant (|r| ≤ 0.9).")
table(corr)
table(rd)

# %%
table(results["pca"])

# %% [markdown]
# ## Step 7. Global sensitivity: Sobol indices
# First-order (S1) and total-order (ST) indices of each group of uncertain inputs on the ranks, with bootstrap
# 95% confidence half-widths (SALib, Saltelli sampling); averaged over countries, weighted by each country's rank
# variance. The inputs have the Monte Carlo's distributions, evaluated through the same code.

# %%
sob = results["sobol"]
top = sob.row(0, named=True) if sob.height else None
if top:
    say(f"The input that moves the ranks most is {top['factor']} (total-order index {num(top['ST'], 'en', 2)} "
        f"± {num(top['ST_conf'], 'en', 2)}).")
table(sob)

# %% [markdown]
# ## Step 8. An outside check: UNCTAD's B2C E-commerce Index 2020
# UNCTAD's index measures *readiness* (accounts, internet use, secure servers, postal reliability), not
# opportunity; only the 2020 edition is used.

# %%
u = meta["unctad_spearman"]
if u["rho"] is None:
    say(f"Only {u['n']} ranked candidates have a 2020 UNCTAD rank in the sources: too few for a correlation. "
        f"Missing: {', '.join(u['missing'])}.")
else:
    say(f"Spearman's rho between our rank and UNCTAD's 2020 rank: {num(u['rho'], 'en', 2)} (95% interval "
        f"{num(u['ci_low'], 'en', 2)} to {num(u['ci_high'], 'en', 2)}, n = {u['n']}). Candidates without a UNCTAD "
        f"rank in the sources: {', '.join(u['missing']) or 'none'}.")
table(results["unctad"])

# %% [markdown]
# ## Step 9. Presentation: growth × SNS for every scored candidate, and each pillar's contribution
# An imputed value is drawn at its scored point with a bar over its range, never on an axis margin.

# %%
show(growth_sns_map(scores, lang="en"))
table(results["contributions"].pivot(on="pillar", index="iso3", values="points"))

# %% [markdown]
# ## Point ranks of the chosen reading
# Pinned by nbval so that any change to a score is caught in CI.

# %%
# NBVAL_CHECK_OUTPUT
for r in scores.iter_rows(named=True):
    if r["ranked"]:
        print(f"{r['rank']:>2} {r['iso3']} score {r['score']:6.2f}  median rank {r['median_rank']:4.1f}  "
              f"band {r['rank_p05']:4.1f}-{r['rank_p95']:4.1f}  pillars {r['pillars_used']}/{len(CORE_PILLARS)}")
    else:
        print(f" - {r['iso3']} not ranked ({r['pillars']}/{len(CORE_PILLARS)} pillars)")

# %% [markdown]
# ## What if? Re-weight and re-rank here
# In JupyterLab (with this project's kernel) the panel below has sliders for the pillar weights, the reading of
# concentration, the HHI point and the missing-value limit; every change reranks with the same code as the
# scores step (Monte Carlo included) and redraws the table, the rank bands and what holds. "Show the command"
# prints the `ecresearch build … --scenario NAME` that makes the setting a complete scenario; "Build the
# scenario" runs it. Run without a front end (papermill, nbval, the page) the cell shows the result of the
# build's own parameters.

# %%
from ecresearch.scores import panel

whatif_panel = panel.show(scenario)
