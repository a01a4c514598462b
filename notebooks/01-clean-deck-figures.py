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
# # 01 — Clean the deck's figures into tidy tables
#
# **Question.** Which numbers does the JETRO seminar deck on overseas e-commerce actually give us, and how far
# can we trust each one?
#
# The deck reached us as extracted text (`data/raw/deck/`): chart values, axis ticks and labels came out as loose
# runs, and many labels and values were lost. This notebook walks through what the package
# (`ecresearch.clean`) makes of it:
#
# 1. every raw file is checked against its provenance sidecar (sha256);
# 2. each figure of the deck has **one description** (`src/ecresearch/deck/figures.py`) saying where it is and how
#    to read its tokens; the extraction applies it and keeps, for every number, the raw line it came from;
# 3. gaps are filled from public sources (`data/raw/external/`) only where a description says so, flagged with
#    source and vintage;
# 4. consistency checks look for shares that do not sum to 100, growth rates that disagree with levels, totals
#    that are not the weighted mean of their parts, lost labels, and deck values that differ from other sources.
#
# `make reports` writes the same tables to `data/processed/` and the findings to `reports/data-quality.md`.

# %% tags=["parameters"]
# Parameters (papermill): the figure to look at in detail
figure_id = "top10_countries"

# %%
import polars as pl

from ecresearch.snapshots import raw
from ecresearch import datasets
from ecresearch.deck.figures import by_id

pl.Config.set_tbl_rows(40)
pl.Config.set_fmt_str_lengths(60)

# %% [markdown]
# ## 1. Raw snapshots and their provenance
# Every build starts here: a changed raw file stops it with the file's name.

# %%
# NBVAL_CHECK_OUTPUT
for f in raw.verify_raw():
    print(f.path.name, f.meta["sha256"][:16], f.meta["size_bytes"], "bytes —", f.meta["publisher"][:40])

# %% [markdown]
# ## 2. Extract every figure
# The clean step (`ecresearch build`) applied the descriptions and validated each table against its registered
# schema; this notebook reads what it published (`data/processed/`), validated again on read.

# %%
figures = datasets.read("deck_figures", full=True)
cat = datasets.read("catalogue")

# %% [markdown]
# ### The catalogue
# Each figure of the deck with its status: `deck` (all values from the deck text), `partial` (some lost),
# `external` (values lost; public figures shown and flagged), `not_reproducible` (no values anywhere).

# %%
# NBVAL_CHECK_OUTPUT
print(cat.group_by("status").len().sort("status"))
print("numbers read from the deck:", figures.filter((pl.col("origin") == "deck") & pl.col("value").is_not_null()).height)
print("gaps shown as missing:     ", figures.filter(pl.col("status") == "missing").height)
print("values with a lost label:  ", figures.filter(pl.col("status") == "unidentified_label").height)
print("external values (flagged): ", figures.filter(pl.col("origin") == "external").height)

# %%
cat.select("figure_id", "slide", "title_ja", "status", "deck_values", "external_values", "missing", "unidentified")

# %% [markdown]
# ## 3. One figure in detail
# Every row keeps the token as printed, its raw line, and its origin. Change `figure_id` above to look at another.

# %%
fig = by_id(figure_id)
print(fig.title_ja, "/", fig.title_en, "— source:", fig.source_ja or fig.source_en)
figures.filter(pl.col("figure_id") == figure_id).select(
    "series", "category_ja", "category_en", "iso3", "period", "value", "unit", "printed", "origin", "status", "line_start")

# %% [markdown]
# ### Key numbers
# The deck's top-10 table (eMarketer, Feb 2023), read from the raw text, in billions of US dollars.

# %%
# NBVAL_CHECK_OUTPUT
top10 = (figures.filter(pl.col("figure_id") == "top10_countries")
         .pivot(on="series", index=["iso3", "category_en"], values="value")
         .sort("sales_2022", descending=True))
for r in top10.iter_rows(named=True):
    print(f"{r['iso3']}  {r['category_en']:<15} 2021 {r['sales_2021'] / 1e9:>8.2f}  2022 {r['sales_2022'] / 1e9:>8.2f}  {r['growth_2022']:+.1f}%")

# %% [markdown]
# ## 4. Consistency checks
# Nothing is corrected silently: every problem is listed with the resolution chosen, and the values stay as printed.

# %%
findings = datasets.read("quality_findings")

# %%
# NBVAL_CHECK_OUTPUT
print(findings.group_by("check", "outcome").len().sort("check", "outcome"))

# %%
findings.filter(pl.col("outcome") == "issue").select("figure_id", "check", "subject", "message", "resolution")

# %% [markdown]
# **Reading.** The deck's own numbers mostly hold together: the top-10 growth rates equal the change between the
# printed levels, the shares sum to 100, and the Japanese-firm survey's series are confirmed by their sample-weighted
# means. The real problems are few and named: North America's printed growth (9.0%) cannot be a weighted mean of the
# US (8.6%) and Canada (1.5%); the click-and-collect chart's 76% growth does not match its own levels (+78.3%);
# Thailand's share of new online shoppers is 39% in the deck but 30% in the e-Conomy SEA coverage; and many charts
# lost their labels, which stay *unidentified* rather than guessed.
