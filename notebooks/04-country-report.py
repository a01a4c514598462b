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
# # 04 — Country report (papermill template)
#
# This notebook is the template behind `ecresearch report <country>`: papermill injects `country`, `lang` and
# `scenario`, and the build renders it to `reports/countries/<ISO3>/<lang>/report.html` with the code hidden.
# All logic is in `ecresearch.report.country`; the report reads only `data/processed/` and the scores of its
# output set, and every number shown is cited in the appendix. Text from data is escaped (shown, never rendered).

# %% tags=["parameters"]
# Parameters (papermill)
from typing import Optional
country: str = "IDN"  # ISO alpha-3 or alpha-2, or an English or Japanese name
lang: str = "ja"  # "ja" or "en"
scenario: Optional[str] = None  # None means the main build, or give the name of a built scenario
as_of: Optional[str] = None  # the data-as-of date (YYYY-MM-DD) rules are judged against; None: params.toml [pages]
category: Optional[str] = None  # a product category key (domain/catalogue/categories.toml): adds its section

# %%
# %matplotlib inline
# %config InlineBackend.print_figure_kwargs = {"bbox_inches": None}
import matplotlib.pyplot as plt
import polars as pl
from IPython.display import HTML, display

from ecresearch import datasets
from ecresearch.params import CORE_PILLARS
from ecresearch.charts.render import render
from ecresearch.charts.scores import growth_sns_map, rank_bands
from ecresearch.deck.figures import by_id
from ecresearch.report import country as report

rep = report.load(country, lang, scenario, as_of)
passages = datasets.read("deck_passages")
rules = datasets.read("market_rules")
results = report.results(rep.out)
external = report.external_figures()  # weak sources (grade C) are never cited
findings = datasets.read("quality_findings")  # the quality step's findings: a disputed value is noted on its chart


def show_figure(fig):
    display(fig)
    plt.close(fig)


display(HTML(report.heading(rep.t("title", name=rep.name), 1)))

# %%
# NBVAL_CHECK_OUTPUT
r = rep.row
print(f"{rep.iso3} rank {r['rank']} score {r['score']:.2f} band {r['rank_p05']:g}-{r['rank_p95']:g} pillars {r['pillars_used']}/{len(CORE_PILLARS)}")

# %%
display(HTML(rep.summary_html(passages, external, rules, results)))

# %%
if category is not None:  # the product category asked for: what bars it here, and every sourced line on it
    from ecresearch.report.category import section_html

    display(HTML(section_html(datasets.read("category_segments"), rep.iso3, rep.name, category, lang)))

# %%
display(HTML(report.heading(rep.t("score"))))
display(HTML(report.paragraph(rep.summary())))
show_figure(rank_bands(rep.scores, lang=lang, highlight=rep.iso3))

# %%
display(HTML(report.heading(rep.t("pillars"))))
display(HTML(report.html_table(rep.pillar_table())))
show_figure(growth_sns_map(rep.scores, lang=lang, highlight=rep.iso3))

# %%
display(HTML(report.heading(rep.t("platforms"))))
display(HTML(report.paragraph(rep.concentration_reading())))
display(HTML(report.html_table(rep.platforms(external))))

# %%
display(HTML(report.heading(rep.t("social"))))
display(HTML(report.html_table(rep.social_networks(external, passages))))

# %%
display(HTML(report.heading(rep.t("charts"))))
for figure_id in rep.charts():
    table = rep.figures.filter(pl.col("figure_id") == figure_id)
    r = render(by_id(figure_id), table, lang=lang, highlight=rep.iso3, findings=findings)
    if r is not None:
        show_figure(r.figure)

# %%
display(HTML(report.heading(rep.t("notes"))))
display(HTML(rep.quotes_html(passages, "note")))

# %%
display(HTML(report.heading(rep.t("programmes"))))
display(HTML(rep.quotes_html(passages, "programme")))

# %%
display(HTML(report.heading(rep.t("checklist"))))
display(HTML(rep.quotes_html(passages, "checklist")))
display(HTML(rep.risks_html(rules)))

# %%
display(HTML(report.heading(rep.t("provenance"))))
display(HTML(report.html_table(rep.provenance(), links=rep.provenance_links())))
display(HTML(report.paragraph(rep.weak_note())))
