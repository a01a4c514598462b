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
# # 02 — Reproduce the deck's charts
#
# **Question.** Can every chart of the deck be redrawn from the cleaned tables, and where it cannot, what exactly is
# missing?
#
# Each chart is drawn by one function per chart kind (`ecresearch.charts.kinds`), driven by the same figure
# descriptions as the extraction. Values from public sources are grey and hatched with their vintage in the source
# line; values the deck text lost are dashed red outlines marked 不明 / n/a. `make reports` writes every figure to
# `reports/figures/<figure_id>.svg|png` and the gallery `reports/charts.html`.

# %% tags=["parameters"]
# Parameters (papermill)
lang = "ja"  # "ja" or "en": labels of the charts
highlight = None  # an ISO3 code to highlight, e.g. "IDN"

# %%
# %matplotlib inline
import matplotlib.pyplot as plt
from IPython.display import display
import polars as pl

from ecresearch.charts.render import has_image, render
from ecresearch import datasets
from ecresearch.deck.figures import FIGURES, by_id

if lang not in ("ja", "en"):
    raise ValueError(f"parameter lang must be 'ja' or 'en', not {lang!r}")
figures = datasets.read("deck_figures")  # the clean step's tables, never extracted again here
cat = datasets.read("catalogue")


def show(figure_id):
    fig = by_id(figure_id)
    r = render(fig, figures.filter(pl.col("figure_id") == figure_id), lang=lang, highlight=highlight)
    if r is None:
        print(f"{figure_id}: no chart ({fig.status}) — {fig.note_en}")
        return
    display(r.figure)
    plt.close(r.figure)


# %% [markdown]
# ## The catalogue: what can be reproduced
# Every chart and data table of the deck (photos and diagrams excluded), in deck order, with its status.

# %%
# NBVAL_CHECK_OUTPUT
for r in cat.iter_rows(named=True):
    drawn = "chart" if has_image(by_id(r["figure_id"]), figures.filter(pl.col("figure_id") == r["figure_id"])) else "table only" if r["text_cells"] else "—"
    print(f"slide {r['slide']:>2}  {r['figure_id']:<32} {r['status']:<17} {drawn:<10} deck {r['deck_values']:>3}  ext {r['external_values']:>2}  gaps {r['missing'] + r['unidentified']:>2}")

# %% [markdown]
# ## World: a market led by China
# The deck's top-10 table survives whole: sales in 2021 and 2022 and growth, all from eMarketer (Feb 2023).

# %%
show("top10_countries")

# %% [markdown]
# Regional growth also survives, but its labels and values were printed in separate runs; the pairing is the printed
# order, and the data-quality report shows why North America's 9.0% is doubtful.

# %%
show("regional_growth_2022")

# %% [markdown]
# ## China: cross-border platforms without names
# The eight platform shares are printed, their names are not. They stay *unidentified*; the deck's subtotal (59.7%)
# is matched by exactly one pair of slices.

# %%
show("china_cbec_platform_share")

# %% [markdown]
# ## Southeast Asia: time on social media
# The bars' values are printed without country labels. Eight are matched by value to DataReportal's Digital 2020
# edition; two remain unidentified rather than guessed.

# %%
show("sns_daily_time")

# %%
show("sea_top5_platforms")

# %% [markdown]
# ## Japanese firms: e-commerce abroad is still small
# Most firms selling online earn less than 1% of their EC sales abroad. The large-firm series printed one value fewer
# than its bands; the gap is placed where the sample-weighted means match.

# %%
show("jp_firms_overseas_share")

# %% [markdown]
# ## A chart the text lost entirely
# Where the deck text has no values and no public source was found, the chart is listed with the reason instead.

# %%
show("us_category_sales")
