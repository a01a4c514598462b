"""A market's data set is chosen once, by the scores step: the published rows reproduce every indicator, and
each report shows exactly those rows (platform, share, period, citation) in both languages."""

from __future__ import annotations

import html
import re

import polars as pl
import pytest

from ecresearch import datasets, paths
from ecresearch.report import country
from ecresearch.scores.hhi import cr_interval, hhi_interval
from ecresearch.scores.indicators import grouped_shares

OUT = paths.output_set(None)
SCORES = pl.read_parquet(OUT.scores)
RANKED = SCORES.filter(pl.col("ranked"))["iso3"].to_list()
SETS = pl.read_parquet(OUT.chosen)
INDICATORS = pl.read_parquet(OUT.indicators)


def members(iso3: str, pillar: str, role: str = "member") -> pl.DataFrame:
    return SETS.filter((pl.col("iso3") == iso3) & (pl.col("pillar") == pillar) & (pl.col("role") == role)).sort(
        "position"
    )


def test_every_indicator_has_its_rows_with_lineage():
    for r in INDICATORS.iter_rows(named=True):
        m = members(r["iso3"], r["pillar"])
        assert m.height >= 1, (r["iso3"], r["pillar"])
        for row in m.iter_rows(named=True):
            if row["origin"] == "external":
                assert row["snapshot"] and row["csv_line"] >= 2
            else:
                assert row["slide"] >= 1 and row["line_start"] >= 1
        assert set(m["vintage"]) == {r["vintage"]}


def test_the_published_rows_reproduce_the_indicator_values():
    for r in INDICATORS.iter_rows(named=True):
        m = members(r["iso3"], r["pillar"])
        if r["metric"] == "retail ecommerce growth (forecast bound)":  # bounds from a top-10 list
            assert r["low"] <= r["value"] <= r["high"] and m.height >= 1
        elif r["pillar"] in ("growth", "size"):
            assert m["value"].to_list() == [r["value"]]
        elif r["pillar"] == "sns":
            ref = members(r["iso3"], "sns", "reference")
            assert r["value"] == pytest.approx(m["value"][0] / ref["value"][0], rel=1e-12)
        else:
            entity = m["entity"][0]
            n = country_ratio_players(entity)
            low, high, _ = cr_interval(m["value"][0], n) if n else hhi_interval(grouped_shares(m.to_dicts()))
            assert (low, high) == pytest.approx((r["low"], r["high"]), rel=1e-12), r["iso3"]


def test_shares_of_one_owner_count_as_one():
    """China's two Alibaba slices (the deck's 計59.7% subtotal) are one share in the HHI: about 4,277, not 2,685."""
    m = members("CHN", "concentration")
    assert m.filter(pl.col("owner") == "Alibaba")["value"].sum() == pytest.approx(59.7)
    r = INDICATORS.filter((pl.col("iso3") == "CHN") & (pl.col("pillar") == "concentration")).row(0, named=True)
    assert r["low"] == pytest.approx(4276.64) and hhi_interval(m["value"].to_list())[0] == pytest.approx(2684.72)


def country_ratio_players(entity: str) -> int | None:
    from ecresearch.scores.indicators import _players_in

    return _players_in(entity) if "largest" in entity or " + " in entity else None


def _summary_platform_item(rep: country.Report, page: str) -> str:
    items = [html.unescape(i) for i in re.findall(r"<li>(.*?)</li>", page, re.S)]
    label = rep.t("leading", period="")[:8]
    found = [i for i in items if i.startswith(label)]
    assert len(found) == 1, items
    return found[0]


@pytest.mark.parametrize("lang", ["ja", "en"])
@pytest.mark.parametrize("iso3", RANKED)
def test_report_shows_the_scored_platform_data_set(iso3, lang):
    rep = country.load(iso3, lang)
    external = country.external_figures()
    scored = members(iso3, "concentration")
    lead = rep.leading_platforms()
    # the summary's players are the scored set's, largest first, with its values, period and source
    assert [p["value"] for p in lead] == scored["value"].head(3).to_list()
    assert {p["period"] for p in lead} == set(scored["period"].head(3))
    names = [p["name"] for p in lead]
    for name, r in zip(names, scored.head(3).iter_rows(named=True), strict=True):
        assert name == r["entity"] or (r["entity"] == "unidentified" and str(r["position"]) in name)
    page = rep.summary_html(
        datasets.read("deck_passages"), external, datasets.read("market_rules"), country.results(rep.out)
    )
    item = _summary_platform_item(rep, page)
    for shown in rep.platform_names():
        assert shown in item
    sources = set(scored["source"].head(3))
    assert all(any(s in p["citation"] for s in sources) for p in lead)
    for p in lead:
        assert p["citation"] in item
    # no player of another data set of this market is named in the summary
    others = external.filter(
        (pl.col("country_iso3") == iso3)
        & pl.col("topic").is_in(["platform_share", "us_retailer_share", "platform_sales", "platform_visits"])
        & ~pl.col("entity").is_in(scored["entity"].to_list())
    )
    for other in set(others["entity"]):
        assert f"{other} (" not in item, (iso3, other)
    # the platforms table marks exactly the scored rows
    table = rep.platforms(external)
    marked = table.filter(pl.col(rep.t("scored")) == rep.t("yes"))
    assert marked.height == scored.height
    # the periods as the page shows them: an old one (before [pages] max_age_years) marked as dated
    assert marked[rep.t("period")].to_list() == [rep._period(p) for p in scored["period"].to_list()]


def test_a_market_with_no_scored_set_says_so():
    rep = country.load("IDN", "en")
    rep.data_sets = rep.data_sets.filter(pl.col("pillar") != "concentration")
    assert rep.leading_platforms() == [] and rep.platform_names() == []
    page = rep.summary_html(
        datasets.read("deck_passages"),
        country.external_figures(),
        datasets.read("market_rules"),
        country.results(rep.out),
    )
    assert rep.t("no_scored_set") in _summary_platform_item(rep, page)


def test_the_figure_catalogue_declares_what_is_scored():
    from ecresearch.deck.figures import FIGURES
    from ecresearch.scores.indicators import _digital, deck_scored, sns_editions

    declared = [(fig, s) for fig in FIGURES for s in fig.scored]
    assert sorted(s.pillar for _, s in declared) == ["concentration", "growth", "size", "sns"]
    for fig, s in declared:
        assert s.series is None or s.series in {x.key for x in fig.series}, (fig.id, s.series)
    figures = datasets.read("deck_figures")
    external = datasets.read("external_figures")
    for _, s in declared:
        rows = deck_scored(figures, s.pillar)[2]
        assert rows.height > 0
        if s.pillar == "sns":  # the deck's chart is one edition among those the scoring weighs
            assert _digital(s.edition) in sns_editions(figures, external)
        else:
            assert set(INDICATORS.filter(pl.col("origin") == "deck")["vintage"]) >= {s.edition}
    with pytest.raises(LookupError):
        deck_scored(figures, "no-such-pillar")
