# ---
# jupyter:
#   jupytext:
#     text_representation:
#       extension: .py
#       format_name: percent
#       format_version: '1.3'
#       jupytext_version: 1.19.6
#   kernelspec:
#     display_name: Python 3 (ecresearch)
#     language: python
#     name: python3
# ---

# %% [markdown]
# # 03 — Which countries should a Japanese seller target online?
#
# **Question.** Among the markets the deck discusses, which look most promising for a Japanese company starting to
# sell online across borders, judged on three pillars the deck itself emphasises?
#
# 1. **Growth** — retail e-commerce growth in 2022 (the deck's top-10 table, eMarketer Feb 2023); market size is
#    context, not a pillar.
# 2. **SNS usage** — daily time on social media relative to the world average *of the same DataReportal edition*
#    (the deck's chart is Digital 2020); SNS is where Southeast Asian and Chinese shoppers discover products
#    (influencers, live commerce).
# 3. **Platform concentration** — the Herfindahl-Hirschman index of platform shares (0-10,000), a lower bound over
#    the listed players. For China the deck's cross-border *import* platform shares are used: that is the market a
#    Japanese exporter enters.
#
# The method follows the OECD/JRC *Handbook on Constructing Composite Indicators* (2008): each step below says the
# choice made and why. Everything is a parameter: re-weight by editing the next cell and re-running, or with
# `ecresearch build --weights 0.5,0.25,0.25`.

# %% tags=["parameters"]
# Parameters (papermill)
weights = {"growth": 1 / 3, "sns": 1 / 3, "concentration": 1 / 3}  # non-negative, sum to 1
normalisation = "minmax"  # "minmax" (1-100) or "zscore" (50 ± 10 per s.d.)
aggregation = "arithmetic"  # "arithmetic" (compensatory) or "geometric" (penalises a weak pillar)
concentration_direction = "channel"  # or "gatekeeper" (see steps 4-6)
candidates = ["CHN", "USA", "GBR", "KOR", "IND", "DEU", "IDN", "CAN", "FRA", "SGP", "MYS", "THA", "VNM", "PHL", "HKG"]
missing = "reweight"  # "reweight" over available pillars, "min" (worst observed), or "exclude" (needs all three)
min_pillars = 2  # a country needs at least this many pillars to be ranked
draws = 1000  # Monte Carlo draws
seed = 20230201
lang = "ja"  # labels of the charts
output_root = None  # the build passes a staging folder, None writes nothing

# %%
# %matplotlib inline
import polars as pl
from IPython.display import Markdown, display

from ecresearch import scoring
from ecresearch.charts.scores import growth_sns_map, rank_bands
from ecresearch import paths

params = scoring.validate(scoring.Params(
    weights=weights, normalisation=normalisation, aggregation=aggregation,
    concentration_direction=concentration_direction, candidates=tuple(candidates), missing=missing,
    min_pillars=min_pillars, draws=draws, seed=seed))
# the cleaned, validated tables of the clean step (notebook 01 shows how they are made)
figures = pl.read_parquet(paths.PROCESSED / "deck_figures.parquet")
external = pl.read_parquet(paths.PROCESSED / "external_figures.parquet")
pl.Config.set_tbl_rows(60)
pl.Config.set_fmt_str_lengths(90)

# %% [markdown]
# ## Steps 1-2. Framework and data: every input with its source
# The deck's values come first; public figures fill only what the deck lacks, each with its vintage. Growth for the
# Philippines (and Brazil, Mexico) is eMarketer's **Feb 2022 forecast**, an earlier vintage than the deck's; SNS values
# for countries outside the deck's chart come from later DataReportal editions, compared only through the ratio to the
# world average of their own edition; the HHI sets measure different things (GMV share, share of online spend...) and
# cover different shares of each market, so each is a lower bound with its upper bound (the unlisted remainder as one
# player).
#
# For Southeast Asia the deck only *ranks* platforms by traffic (Similarweb): a ranking shows which sites are the main
# doors into a market, but no concentration index can be computed from ranks. Their HHI comes from the external
# GMV shares (Momentum Works), often Shopee's share alone, hence wide bounds.

# %%
result = scoring.score(figures, external, params)
result.indicators.filter(pl.col("pillar") != "context").select(
    "iso3", "pillar", "value", "low", "high", "coverage", "origin", "vintage", "source", "note")

# %% [markdown]
# ## Step 3. Missing data
# No value is imputed silently. The coverage table lists every candidate with the pillars it has. By default a
# country with two of three pillars is scored over those two (weights re-normalised) and flagged `2/3`; with fewer it
# is not ranked. Hong Kong has no usable value on any pillar: the deck only ranks its platforms by traffic.

# %%
# NBVAL_CHECK_OUTPUT
print(result.coverage.select("iso3", "name_en", "growth", "sns", "concentration", "pillars", "ranked"))

# %% [markdown]
# ## Steps 4-6. Normalisation, weighting, aggregation
# Min-max scaling to 1-100 (positive, so a geometric mean is defined) and equal weights by default: there is no
# evidence in the deck that one pillar matters more. The direction of concentration defaults to **channel**: JETRO's
# programmes (JAPAN MALL, JAPAN STORE) and the deck's advice lead a first-time exporter through the dominant
# marketplaces, so one clear channel lowers the cost of entry; the gatekeeper reading is tested below.

# %%
scores = scoring.scores_table(result)
scores.select("rank", "iso3", "name_en", "score", "growth_pct", "sns_ratio", "hhi_lower", "pillars_used",
              "median_rank", "rank_p05", "rank_p95")

# %% [markdown]
# ### Concentration against the US merger guidelines (descriptive yardsticks only)
# 2010 Horizontal Merger Guidelines: unconcentrated below 1,500, highly concentrated above 2,500. 2023 Merger
# Guidelines: highly concentrated above 1,800. Each market is shown at its lower and upper bound; the bands were
# written for antitrust markets and are used here only to read the numbers.

# %%
scores.filter(pl.col("hhi_lower").is_not_null()).select(
    "iso3", "hhi_lower", "hhi_upper", "hhi_coverage", "hhi_band_2010_lower", "hhi_band_2010_upper",
    "hhi_band_2023_lower", "hhi_band_2023_upper", "hhi_vintage")

# %% [markdown]
# ## Step 7. Uncertainty and sensitivity
# Monte Carlo over the choices an analyst could reasonably make: each weight × U(0.75, 1.25), min-max or z-score,
# arithmetic or geometric, channel or gatekeeper, re-weighting or worst-value for missing pillars, and where each HHI
# lies between its bounds. The band is the 5th-95th percentile of the rank; the table says which choice moves the
# ranks most (first-order share of rank variance).

# %%
display(rank_bands(scores, lang=lang))
result.sensitivity

# %% [markdown]
# ## Step 8. Comparison with an independent measure
# UNCTAD's B2C E-commerce Index measures *readiness* (accounts, internet use, secure servers, postal reliability),
# not opportunity. Only one edition (2020) is used; it covers five of our ranked candidates.

# %%
cmp = result.comparison
both = cmp.drop_nulls("unctad_rank_2020")
rho = cmp["spearman_rho"][0]
display(Markdown(
    f"Spearman's rho between our rank and UNCTAD's 2020 rank over the {both.height} countries in both: "
    f"**{rho:.2f}**. " + ("Too few countries overlap to conclude much. " if both.height < 8 else "") +
    "Disagreement is expected where a big, fast market has weak readiness (China: UNCTAD rank "
    f"{both.filter(pl.col('iso3') == 'CHN')['unctad_rank_2020'][0]:.0f}) or where a ready market is saturated and "
    "shrinking (the United Kingdom and Germany rank near the top of UNCTAD's index but low here)."))
cmp

# %% [markdown]
# ## Step 9. Presentation: growth × SNS, by region

# %%
display(growth_sns_map(scores, lang=lang))


# %%
def line(iso3):
    r = scores.filter(pl.col("iso3") == iso3).row(0, named=True)
    if not r["ranked"]:
        return f"{r['name_en']}: not ranked ({r['pillars']}/3 pillars)"
    return (f"{r['name_en']}: rank {r['rank']} (band {r['rank_p05']:g}–{r['rank_p95']:g}), growth "
            f"{'missing' if r['growth_pct'] is None else format(r['growth_pct'], '.1f') + '%'}, SNS × "
            f"{'missing' if r['sns_ratio'] is None else format(r['sns_ratio'], '.2f')}, HHI ≥ "
            f"{'missing' if r['hhi_lower'] is None else format(r['hhi_lower'], '.0f')}")

display(Markdown("\n".join([
    "**China.** " + line("CHN") + ". The deck stresses the bonded-zone and direct-mail cross-border models, a "
    "positive list and live commerce (about 40% of internet users watched it by end-2020): growth is modest but the "
    "market is the largest and the import channel is concentrated.",
    "", "**United States.** " + line("USA") + ". Amazon holds about 38% of e-commerce; JAPAN STORE gives a "
    "supported route onto Amazon.com. Slower growth and average SNS use keep the score middling.",
    "", "**Southeast Asia.** " + "; ".join(line(c) for c in ("IDN", "PHL", "VNM", "MYS", "THA", "SGP")) +
    ". Shopee leads every market's traffic ranking (Lazada second in most); SNS time is the world's highest; "
    "growth is known only for Indonesia (deck) and the Philippines (older forecast).",
    "", "**Europe.** " + "; ".join(line(c) for c in ("GBR", "DEU", "FRA")) + ". E-commerce shrank in 2022 "
    "(the deck's table) and SNS use is below the world average.",
])))

# %% [markdown]
# ## Result
# The final table, pinned by nbval so that any change to a score is caught in CI.

# %%
# NBVAL_CHECK_OUTPUT
for r in scores.iter_rows(named=True):
    if r["ranked"]:
        print(f"{r['rank']:>2} {r['iso3']} score {r['score']:6.2f}  median rank {r['median_rank']:4.1f}  "
              f"band {r['rank_p05']:4.1f}-{r['rank_p95']:4.1f}  pillars {r['pillars_used']}/3")
    else:
        print(f" - {r['iso3']} not ranked ({r['pillars']}/3 pillars)")

# %%
if output_root is not None:
    from pathlib import Path
    from ecresearch import score_outputs
    written = score_outputs.write(result, Path(output_root))
    print(f"wrote {len(written)} files")
