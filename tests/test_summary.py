"""The pasteable summary paragraph (report.summary) built from fixture tables: each caveat, the market size in
US$ and yen (the deck's own conversion, else a declared rate), the readings and what holds, why and why not."""

from __future__ import annotations

import re

import polars as pl
import pytest

from ecresearch.domain.labels import label
from ecresearch.errors import ParameterError
from ecresearch.params import page_params
from ecresearch.report import summary

LANGS = ("ja", "en")


def _score(iso3: str, **kw) -> dict:
    row = {
        "iso3": iso3,
        "ranked": True,
        "growth_norm": 50.0,
        "sns_norm": 50.0,
        "concentration_norm": 50.0,
        "growth_basis": "observed",
        "sns_basis": "observed",
        "concentration_basis": "observed",
        "sns_vintage": "Digital 2024",
        "hhi_lower": 2000.0,
        "hhi_upper": 2000.0,
        "hhi_coverage": 100.0,
        "size_usd": 5.0e10,
        "size_vintage": "Survey 2023",
    }
    return {**row, **kw}


SCORES = pl.DataFrame(
    [
        _score("AAA", growth_norm=100.0, sns_norm=10.0, concentration_norm=60.0),
        _score("BBB", growth_norm=20.0, sns_basis="imputed", sns_norm=40.0, sns_vintage=None),
        _score("CCC", growth_norm=0.0, sns_vintage="Digital 2022", hhi_lower=1500.0, hhi_upper=2500.0),
        _score("DDD", growth_norm=70.0, concentration_basis="interval", hhi_lower=900.0, hhi_upper=1800.0),
        _score("EEE", size_usd=None, size_vintage=None),
    ]
)


def _ind(iso3: str, pillar: str, metric=None, low=None, high=None, vintage="Deck 2023", period="2022") -> dict:
    return {
        "iso3": iso3,
        "pillar": pillar,
        "metric": metric,
        "low": low,
        "high": high,
        "vintage": vintage,
        "period": period,
    }


INDICATORS = pl.DataFrame(
    [
        _ind("AAA", "growth"),
        _ind("AAA", "size"),
        _ind("BBB", "growth", "retail ecommerce growth (forecast)", 10.0, 20.0, "Forecaster Feb 2022 forecast"),
        _ind("CCC", "growth", "retail ecommerce growth (forecast bound)", -7.5, 15.9, "Top-ten list 2022"),
        _ind("DDD", "growth"),
    ]
)
READINGS = pl.DataFrame(
    {
        "reading": ["channel"] * 4 + ["gatekeeper"] * 4,
        "iso3": ["AAA", "BBB", "CCC", "DDD"] * 2,
        "rank": [1, 2, 3, 4, 2, 1, 4, None],
    }
)
HOLDS = pl.DataFrame(
    {
        "iso3": ["AAA", "BBB", "CCC"],
        "first_in_both": [False, False, False],
        "top3_in_both": [True, False, False],
        "p_top3_max": [1.0, 0.95, 0.2],
        "best_rank": [1.0, 1.0, 2.0],
        "worst_rank": [2.0, 3.0, 5.0],
    }
)
FIGURES = pl.DataFrame(
    {
        "iso3": ["WLD", "AAA"],
        "printed": ["5兆USドル（約650兆円）を超える", "2021年に8.2兆元"],
        "slide": [3, 9],
        "line_start": [11, 40],
        "period": ["2025", "2021"],
    }
)
PASSAGES = pl.DataFrame(
    {
        "iso3": ["AAA", "*"],
        "text_ja": ["売上高は2021年に8.2兆元（約160兆円）以上。", "なし"],
        "slide": [9, 2],
        "line_start": [40, 5],
    }
)
ENTRY = summary.Entry(["Shop A (40%)"], ["Net A"], ["rule one"])


def _row(iso3: str) -> dict:
    return SCORES.filter(pl.col("iso3") == iso3).row(0, named=True)


def _paragraph(iso3: str, lang: str, declared: dict | None = None, entry: summary.Entry = ENTRY) -> str:
    conv = summary.deck_conversions(FIGURES, PASSAGES)
    return summary.paragraph(
        f"Market {iso3}",
        _row(iso3),
        SCORES,
        INDICATORS,
        READINGS,
        HOLDS,
        conv,
        summary.yen_rate(conv, declared),
        entry,
        lang,
    )


def test_deck_conversions_are_read_from_the_printed_text():
    conv = summary.deck_conversions(FIGURES, PASSAGES)
    assert [(c.iso3, c.currency, c.amount, c.yen, c.slide, c.line, c.period) for c in conv] == [
        ("WLD", "USD", 5e12, 650e12, 3, 11, "2025"),
        ("AAA", "CNY", 8.2e12, 160e12, 9, 40, "2021"),
    ]
    rate = summary.yen_rate(conv, None)
    assert rate.value == pytest.approx(130.0) and rate.deck is conv[0]


@pytest.mark.parametrize("lang", LANGS)
def test_a_forecast_growth_market_gets_the_forecast_caveat(lang):
    text = _paragraph("BBB", lang)
    forecast = label("summary.caveat_forecast", lang, vintage="Forecaster Feb 2022 forecast")
    assert forecast in text
    assert label("summary.caveat_imputed", lang, pillar=label("pillar_short.sns", lang)) in text
    for other in ("AAA", "DDD"):
        assert "forecast" not in " ".join(summary.caveats(_row(other), INDICATORS, SCORES, lang)).lower()


@pytest.mark.parametrize("lang", LANGS)
def test_a_forecast_bound_an_other_edition_and_an_interval_are_caveats(lang):
    cav = summary.caveats(_row("CCC"), INDICATORS, SCORES, lang)
    assert label("summary.caveat_bound", lang, lo="-7.5", hi="15.9", vintage="Top-ten list 2022") in cav
    assert label("summary.caveat_editions", lang, mine="Digital 2022", common="Digital 2024") in cav
    # CCC's HHI interval is not marked: its basis is 'observed'; DDD's is, with its bounds
    assert not [c for c in cav if "1,500" in c]
    dd = summary.caveats(_row("DDD"), INDICATORS, SCORES, lang)
    assert dd == [label("summary.caveat_interval", lang, lo="900", hi="1,800", coverage="100")]
    assert summary.caveats(_row("AAA"), INDICATORS, SCORES, lang) == []


@pytest.mark.parametrize("lang", LANGS)
def test_market_size_in_yen_by_the_deck_own_conversion_else_its_rate_else_the_declared_one(lang):
    own = _paragraph("AAA", lang)  # the deck converts this market's own figure
    assert label("summary.cny_trillion", lang, amount="8.2") in own
    assert label("summary.yen_trillion", lang, amount="160") in own
    # the US$ size at the rate the deck's own US$ conversion implies (650 / 5 = 130 yen per US$), stated
    usd = summary.amount_text(5e10, "USD", lang)
    assert usd in own and summary.yen_text(5e10 * 130, lang) in own
    assert "130.0" in own
    declared = {"rate": 150.25, "date": "2022-12-30", "source": "Central bank"}
    text = _paragraph("DDD", lang, declared)  # no conversion of its own: the declared rate, with date and source
    assert label("summary.rate_declared", lang, rate="150.25", date="2022-12-30", source="Central bank") in text
    assert summary.yen_text(5e10 * 150.25, lang) in text
    assert label("summary.cny_trillion", lang, amount="8.2") not in text


@pytest.mark.parametrize("lang", LANGS)
def test_market_size_is_stated_even_when_missing(lang):
    assert label("summary.size_none", lang) in _paragraph("EEE", lang)


@pytest.mark.parametrize("lang", LANGS)
def test_readings_and_what_holds(lang):
    t = lambda k, **kw: label(f"summary.{k}", lang, **kw)  # noqa: E731
    a = _paragraph("AAA", lang)
    assert t("rank", reading=t("reading_channel"), rank=1) in a
    assert t("rank", reading=t("reading_gatekeeper"), rank=2) in a
    assert t("holds_top3", share="90%") in a
    assert t("holds_depends", share="90%") in _paragraph("BBB", lang)
    assert t("holds_band", best="2", worst="5") in _paragraph("CCC", lang)
    assert t("rank_unranked", reading=t("reading_gatekeeper")) in _paragraph("DDD", lang)


@pytest.mark.parametrize("lang", LANGS)
def test_why_and_why_not_from_the_pillars_against_the_candidates(lang):
    t = lambda k, **kw: label(f"summary.{k}", lang, **kw)  # noqa: E731
    p = lambda k: label(f"pillar_short.{k}", lang)  # noqa: E731
    a = summary.why_sentences(_row("AAA"), SCORES, lang)
    assert t("why", pillar=p("growth"), pos=1, n=5) in a
    assert t("why_not", pillar=p("sns"), pos=4, n=4) in a
    # an imputed pillar is neither a strength nor a weakness; a best pillar in the lower half is no reason
    b = summary.why_sentences(_row("BBB"), SCORES, lang)
    assert p("sns") not in b
    c = summary.why_sentences(_row("CCC"), SCORES, lang)
    assert t("why_not", pillar=p("growth"), pos=5, n=5) in c


@pytest.mark.parametrize("lang", LANGS)
def test_where_to_start_and_the_rules_or_none_found(lang):
    text = _paragraph("AAA", lang)
    assert "Shop A (40%)" in text and "Net A" in text and "rule one" in text
    empty = _paragraph("AAA", lang, entry=summary.Entry([], [], []))
    assert label("summary.rules_none", lang) in empty and label("summary.none", lang) in empty


def test_one_language_per_paragraph():
    data = ("Market", "Shop", "Net", "rule one", "Forecaster", "Digital", "Survey", "Deck", "Top-ten list", "forecast")
    for iso3 in SCORES["iso3"]:
        ja = _paragraph(iso3, "ja")
        for word in data:
            ja = ja.replace(word, " ")
        assert not re.findall(r"[a-z]{3,}", ja), (iso3, ja)
        en = _paragraph(iso3, "en")
        assert not re.search(r"[\u3040-\u30ff\u4e00-\u9fff]", en), (iso3, en)


def test_the_declared_rate_is_checked():
    ok = page_params({"as_of": "2026-12-01", "usd_jpy": {"rate": 131.5, "date": "2022", "source": "X"}})
    assert ok.usd_jpy == (131.5, "2022", "X")
    with pytest.raises(ParameterError, match="usd_jpy"):
        page_params({"as_of": "2026-12-01", "usd_jpy": {"rate": 131.5}})
    with pytest.raises(ParameterError, match="usd_jpy.rate"):
        page_params({"as_of": "2026-12-01", "usd_jpy": {"rate": -1, "date": "2022", "source": "X"}})
    with pytest.raises(ParameterError, match="max_age_years"):
        page_params({"as_of": "2026-12-01", "max_age_years": -1})


def test_a_figure_older_than_the_declared_age_is_judged_against_as_of():
    from ecresearch.report.rules import older_than

    assert older_than("2018", "2026-12-01", 5) and older_than("2021-11", "2026-12-01", 5)
    assert not older_than("2021", "2026-12-01", 5) and not older_than("2024-01", "2026-12-01", 5)
    assert not older_than("2018", "2026-12-01", 0) and not older_than(None, "2026-12-01", 5)
    assert not older_than("2018", "2020-02-29", 5) and older_than("2014", "2020-02-29", 5)


@pytest.mark.parametrize("lang", LANGS)
def test_an_old_figure_in_a_report_table_is_marked(lang):
    """The platforms and networks tables mark the periods [pages] max_age_years before as_of calls old, with the
    catalogue's mark; the same report with no age limit (or an earlier as_of) marks none."""
    from ecresearch import datasets
    from ecresearch.report import country
    from ecresearch.report.rules import older_than

    ext = country.external_figures()
    passages = datasets.read("deck_passages")
    rep = country.load("USA", lang)
    col = rep.t("period")

    def shown(years: int) -> list[str]:
        rep.max_age_years = years
        return [p for t in (rep.platforms(ext), rep.social_networks(ext, passages)) for p in t[col].to_list()]

    bare = shown(0)
    old = sorted({p for p in bare if re.fullmatch(r"\d{4}", p) and older_than(p, rep.as_of, 5)})
    assert old, "no old figure in the market's tables to mark"
    assert not [p for p in bare if p.startswith(label("report.dated_year", lang, year="")[:4])]
    marked = shown(5)
    assert len(marked) == len(bare)
    for was, now in zip(bare, marked, strict=True):
        assert now == (label("report.dated_year", lang, year=was) if was in old else was)


def test_a_fiscal_year_or_an_unreadable_period_is_judged_by_its_end():
    from ecresearch.report.rules import older_than

    assert not older_than("2022-23", "2026-12-01", 3) and older_than("2019-20", "2026-12-01", 5)
    assert not older_than("2024-99", "2026-12-01", 5)  # no such month: not a date, never marked


def test_the_deck_own_conversions_are_read_from_its_lines():
    """The conversions the summary uses stand on the deck's lines as printed (slide and line kept), one of a
    US$ amount (the rate for markets without their own) and China's own; China's report states it."""
    from ecresearch import datasets, paths
    from ecresearch.report import country

    lines = paths.DECK_TEXT.read_text(encoding="utf-8").splitlines()
    conv = summary.deck_conversions(datasets.read("deck_figures"), datasets.read("deck_passages"))
    assert {c.currency for c in conv} == {"USD", "CNY"}
    for c in conv:
        assert c.printed in lines[c.line - 1], (c, lines[c.line - 1])
    own = [c for c in conv if c.iso3 == "CHN"]
    assert own
    for lang in LANGS:
        rep = country.load("CHN", lang)
        text = rep.summary_paragraph(
            datasets.read("deck_passages"),
            country.external_figures(),
            datasets.read("market_rules"),
            country.results(rep.out),
        )
        assert summary.yen_text(own[0].yen, lang) in text
        assert any(c["what"] == "yen conversion" and c["value"] == own[0].printed for c in rep.cited)
