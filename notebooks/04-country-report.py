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
# # 04 — Country report (papermill template)
#
# This notebook is the template behind `ecresearch report <country>`: papermill injects `country` and `lang`, and the
# build renders it to `reports/countries/<ISO3>/report.html` with the code hidden. All logic is in
# `ecresearch.report` and `ecresearch.market`; every number shown is cited in the appendix.

# %% tags=["parameters"]
# Parameters (papermill)
country = "IDN"  # ISO alpha-3 or alpha-2, or an English or Japanese name
lang = "ja"  # "ja" or "en"

# %%
# %matplotlib inline
import matplotlib.pyplot as plt
import polars as pl
from IPython.display import HTML, Markdown, display

from ecresearch import market, paths, report
from ecresearch.charts.render import render
from ecresearch.charts.scores import growth_sns_map, rank_bands
from ecresearch.raw import load_deck
from ecresearch.deck.figures import by_id

rep = report.load(country, lang)
deck = load_deck()
external = pl.read_parquet(paths.PROCESSED / "external_figures.parquet")
pl.Config.set_tbl_hide_dataframe_shape(True)
pl.Config.set_tbl_hide_column_data_types(True)
pl.Config.set_fmt_str_lengths(120)
pl.Config.set_tbl_rows(100)


def h(key):
    display(Markdown(f"## {rep.t(key)}"))


def show_figure(fig):
    display(fig)
    plt.close(fig)


display(Markdown(f"# {rep.t('title', name=rep.name)}"))

# %%
# NBVAL_CHECK_OUTPUT
r = rep.row
print(f"{rep.iso3} rank {r['rank']} score {r['score']:.2f} band {r['rank_p05']:g}-{r['rank_p95']:g} pillars {r['pillars_used']}/3")

# %%
h("score")
display(Markdown(rep.summary()))
show_figure(rank_bands(rep.scores, lang=lang, highlight=rep.iso3))

# %%
h("pillars")
display(HTML(report.html_table(rep.pillar_table())))
show_figure(growth_sns_map(rep.scores, lang=lang, highlight=rep.iso3))

# %%
h("platforms")
display(Markdown(rep.concentration_reading()))
display(HTML(report.html_table(rep.platforms(external))))

# %%
h("charts")
for figure_id in rep.charts():
    fig = by_id(figure_id)
    r = render(fig, rep.figures.filter(pl.col("figure_id") == figure_id), lang=lang, highlight=rep.iso3)
    if r is not None:
        show_figure(r.figure)

# %%
h("notes")
notes = market.deck_notes(deck, rep.iso3)
display(Markdown("\n".join(f"- {q.text} *(deck line {q.line})*" for q in notes) if notes else rep.t("no_notes")))

# %%
h("programmes")
display(Markdown("\n".join(f"- **{q.key}** — {q.text} *(deck line {q.line})*" + ("" if lang == "ja" else f"  \n  {q.en}")
                            for q in market.programmes(deck, rep.iso3))))

# %%
h("checklist")
display(Markdown("\n".join(f"- [{q.category}] {q.text} *(deck line {q.line})*" + ("" if lang == "ja" else f" — {q.en}")
                            for q in market.checklist(deck, rep.iso3))))

# %%
h("provenance")
display(HTML(report.html_table(rep.provenance())))
