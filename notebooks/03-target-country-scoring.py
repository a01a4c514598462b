# ---
# jupyter:
#   jupytext:
#     text_representation:
#       extension: .py
#       format_name: percent
#       format_version: '1.3'
#       jupytext_version: 1.19.6
#   kernelspec:
#     display_name: Python 3
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

# %% [markdown]
# ## Headlines that hold under the uncertainty
# First what survives the Monte Carlo (weights perturbed around the chosen ones, every market's HHI drawn in its
# interval from a triangular distribution whose mode is the scored point `hhi_point`, methods varied only when
# asked): the probability of ranking first and of the top three, each with its Monte Carlo standard error
# sqrt(p(1 − p) / draws), and the pairs the analysis cannot tell apart. Point ranks come after.

# %%
# NBVAL_CHECK_OUTPUT
robust = ranked.sort("p_top3", "p_rank1", descending=True).select(
    "iso3", "name_en", "rank", "median_rank", "rank_p05", "rank_p95", "p_rank1", "p_top3", "p_rank1_se", "p_top3_se",
    "pillars_used")
for r in robust.iter_rows(named=True):
    print(f"{r['iso3']} P(rank 1) {r['p_rank1']:.3f} ± {r['p_rank1_se']:.3f}  P(top 3) {r['p_top3']:.3f} ± "
          f"{r['p_top3_se']:.3f}  median {r['median_rank']:4.1f}  "
          f"band {r['rank_p05']:g}-{r['rank_p95']:g}  point rank {r['rank']}  pillars {r['pillars_used']}/{len(CORE_PILLARS)}")

# %%
sure = robust.filter(pl.col("p_top3") >= 0.9)["name_en"].to_list()
pairs = results["robust_pairs"]
say(f"Largest Monte Carlo standard error of these probabilities: "
    f"{num(max(ranked['p_rank1_se'].max(), ranked['p_top3_se'].max()), 'en', 4)} ({meta['params']['draws']} draws).")
say(("In the top three in at least 90% of draws: " + ", ".join(sure) + ". ") if sure else
    "No country is in the top three in 90% of draws: the top of the ranking is not settled. ")
say(f"{pairs.height} pairs of countries cannot be told apart (neither ranks above the other in 90% of draws): "
    + "; ".join(f"{a}–{b}" for a, b in pairs.select("a", "b").rows()) + ".")
show(rank_bands(scores, lang="en"))

# %% [markdown]
# ## Steps 1–2. Data: every input with its source, and the coverage
# The deck's values come first; public figures fill only what the deck lacks, each with its edition. SNS values
# outside the deck's chart come from later DataReportal editions, compared only through the ratio to the world
# average of their own edition. Platform data sets measure different things (GMV share, spend surveys, traffic):
# the HHI is an interval, and comparable only within one metric.

# %%
table(indicators.filter(pl.col("pillar") != "size").select(
    "iso3", "pillar", "value", "low", "high", "coverage", "origin", "vintage", "source", "url").sort("pillar", "iso3"),
    links=("url",))

# %%
cov = results["coverage"]
full = cov.filter(pl.col("growth") & pl.col("sns") & pl.col("concentration")).height
say(f"{full} of {cov.height} candidates have all three pillars. A country is unranked when its missing pillars carry "
    f"more than {pct(meta['params']['max_missing_weight'], 'en')} of the weight; otherwise it is scored over the "
    "pillars it has (weights renormalised) and flagged with its pillar count — no value is imputed.")
table(cov.select("iso3", "name_en", "growth", "sns", "concentration", "size", "missing_weight", "ranked"))

# %% [markdown]
# ## Steps 4–6. Normalisation, weighting, aggregation, and the direction of concentration
# Whether a dominant platform helps a newcomer (one clear **channel**, the route of JETRO's JAPAN MALL and JAPAN
# STORE) or hurts it (a **gatekeeper** that sets fees and visibility) is a value judgement: the analyst chooses it
# in `params.toml`, and the Monte Carlo keeps it. Here both readings side by side, with the rank shifts.

# %%
d = results["directions"]
moved = d.filter(pl.col("shift_to_gatekeeper").abs() >= 3)
say(f"Chosen reading: {meta['params']['concentration_direction']}. Countries whose rank moves by 3 or more between the "
    "two readings: " + (", ".join(f"{r['iso3']} ({r['rank_channel']} → {r['rank_gatekeeper']})"
                                  for r in moved.iter_rows(named=True)) or "none") + ".")
show(rank_shifts(d, scores, lang="en"))
table(d)

# %% [markdown]
# ### Concentration as an interval, against the US merger guidelines (descriptive yardsticks only)
# Unlisted players are each no larger than the smallest listed one, so the upper bound packs the unlisted rest
# into as few such players as possible; the score uses the declared point of the interval (`hhi_point`).

# %%
table(scores.filter(pl.col("hhi_lower").is_not_null()).select(
    "iso3", "hhi_lower", "hhi_value", "hhi_upper", "hhi_coverage", "hhi_band_2010_lower", "hhi_band_2010_upper",
    "hhi_band_2023_lower", "hhi_band_2023_upper", "hhi_vintage"))

# %% [markdown]
# ## Step 4 (JRC). How the pillars relate: correlation, PCA, Cronbach's alpha
# Two pillars that move together count the same thing twice. A pair above |r| = 0.9 is flagged as redundant.

# %%
corr = results["correlations"].filter(pl.col("pillar_a") < pl.col("pillar_b"))
red = corr.filter(pl.col("redundant"))
say(("Redundant pairs: " + "; ".join(f"{a} and {b} (r = {num(r, 'en', 2)}, n = {n})" for a, b, r, n in
                                     red.select("pillar_a", "pillar_b", "r", "n").rows())
     + ". Their combined weight counts one phenomenon twice: consider lowering one of them.") if red.height
    else "No pair of pillars is redundant (|r| ≤ 0.9).")
alpha = meta.get("cronbach_alpha")
say(f"Cronbach's alpha of the three pillars over the {meta['pca_n']} complete countries: "
    f"{num(alpha, 'en', 2) if alpha is not None else 'not computable (too few complete countries)'}.")
table(corr)

# %%
table(results["pca"])

# %% [markdown]
# ## Step 7. Global sensitivity: Sobol indices
# First-order (S1) and total-order (ST) indices of each uncertain input on the ranks, with bootstrap 95%
# confidence half-widths (SALib, Saltelli sampling); averaged over countries, weighted by each country's rank
# variance. ST − S1 is the share that acts through interactions. The inputs have the Monte Carlo's
# distributions (each HHI as a quantile of its triangular distribution), evaluated through the same code.

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
# ## Step 9. Presentation: growth × SNS for every candidate, and each pillar's contribution

# %%
show(growth_sns_map(scores, lang="en"))
table(results["contributions"].pivot(on="pillar", index="iso3", values="points"))

# %% [markdown]
# ## Point ranks
# The ranking under the chosen parameters, pinned by nbval so that any change to a score is caught in CI.

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
