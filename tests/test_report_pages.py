"""The country report as a client reads it: dated and attributed, in one language, rules judged against the
as-of parameter, quotes and charts attached to the market they speak of, programme rounds with their dates."""

from __future__ import annotations

import html
import re

import polars as pl
import pytest

from ecresearch import datasets
from ecresearch.deck.figures import FIGURES
from ecresearch.domain.labels import catalogue, section
from ecresearch.errors import ParameterError
from ecresearch.params import load_pages, page_params
from ecresearch.report import country
from ecresearch.report.rules import register, status

RANKED = datasets.read("country_scores").filter(pl.col("ranked"))["iso3"].to_list()
# catalogue sections whose English a Japanese page must never show (data values translated by the catalogue)
TRANSLATED = (
    "measure",
    "hhi_band",
    "rule_topic",
    "checklist_category",
    "rule_status",
    "network_use",
    "report_unit",
    "summary",
)


def _fragments(rep: country.Report) -> str:
    """Every generated part of a report page, as the notebook arranges them."""
    passages = datasets.read("deck_passages")
    rules = datasets.read("market_rules")
    external = country.external_figures()
    rep.charts()  # the notebook cites the charts' values before the appendix
    parts = [
        rep.summary_html(passages, external, rules, country.results(rep.out)),
        country.html_table(rep.pillar_table()),
        country.paragraph(rep.concentration_reading()),
        country.html_table(rep.platforms(external)),
        country.html_table(rep.social_networks(external, passages)),
        *(rep.quotes_html(passages, kind) for kind in ("note", "programme", "checklist")),
        rep.risks_html(rules),
        country.html_table(rep.provenance(), links=rep.provenance_links()),
    ]
    return "".join(parts)


def _without_data_names(text: str) -> str:
    """The page's text with the names data brings (source titles, editions, players, files) taken out: what is
    left is what the report generated."""
    ext = datasets.read("external_figures")
    rules = datasets.read("market_rules")
    sets = datasets.read("scored_data_sets")
    names = set(ext["source_title"].drop_nulls()) | set(ext["vintage"].drop_nulls()) | set(ext["entity"])
    names |= set(rules["source_title"].drop_nulls()) | set(rules["vintage"].drop_nulls())
    names |= set(sets["source"].drop_nulls()) | set(sets["vintage"].drop_nulls())
    text = re.sub(r"https?://\S+", " ", re.sub(r"<[^>]+>", " ", text))
    text = re.sub(r"<span lang='en'>.*?</span>", " ", text)
    for n in sorted(names, key=len, reverse=True):
        text = text.replace(n, " ")
    return text


@pytest.mark.parametrize("iso3", RANKED)
def test_japanese_report_has_no_generated_english(iso3):
    html = _fragments(country.load(iso3, "ja"))
    html = re.sub(r"<span lang='en'>.*?</span>", " ", html)  # a rule with no Japanese text is a labelled quote
    text = _without_data_names(html)
    english = {
        v["en"]
        for k, v in catalogue().items()
        if k.split(".", 1)[0] in TRANSLATED and v["en"] != v["ja"] and len(v["en"]) > 3
    }
    leaked = sorted(e for e in english if re.search(rf"(?<![A-Za-z]){re.escape(e)}(?![A-Za-z])", text))
    raw_keys = sorted(set(datasets.read("market_rules")["topic"]))
    leaked += [k for k in raw_keys if k in text or k.replace("_", " ") in text]
    leaked += [w for w in ("deck slide", " line ", "unstated", ">yes<", ">no<") if w in html]
    assert not leaked, (iso3, leaked)


@pytest.mark.parametrize("lang", ["ja", "en"])
def test_no_ended_rule_is_shown_as_current(lang):
    """Judged against as_of: a rule whose last day has passed is listed apart as ended, never as current; at
    an earlier as_of the same rule is current."""
    rules = datasets.read("market_rules")
    ended = rules.filter(pl.col("valid_until").is_not_null())
    assert ended.height, "the rules register has no rule with an end date to check"
    for r in ended.iter_rows(named=True):
        late = country.load(r["country_iso3"], lang, as_of="2099-01-01").risks_html(rules)
        current, _, old = late.partition("<ul class='ended'>")
        assert r["valid_until"] in old and r["valid_until"] not in current
        items = register(rules, r["country_iso3"], "2099-01-01", 730)
        assert all(i["status"] == "ended" for i in items if i["valid_until"] and i["valid_until"] < "2099-01-01")


def test_rule_status_against_as_of():
    import datetime as dt

    base = {"valid_until": None, "effective": "2024-01-01", "last_checked": None, "vintage": "2024-06"}
    day = dt.date(2025, 1, 1)
    assert status(base, day, 730) == "in_force"
    assert status({**base, "valid_until": "2024-12-31"}, day, 730) == "ended"
    assert status({**base, "effective": "2025-02-01"}, day, 730) == "not_yet"
    assert status({**base, "vintage": "2014"}, day, 730) == "check_again"
    assert status({**base, "vintage": "2014", "last_checked": "2024-12-01"}, day, 730) == "in_force"
    assert status({**base, "vintage": "n.d."}, day, 730) == "check_again"


def test_register_leaves_out_corrected_records_and_merges_sources():
    rows = [
        ("XXX", "t", "2019-01-01", None, None, "a.csv", 2),
        ("XXX", "t", "2022-03-01", None, "a.csv:2", "b.csv", 2),
        ("XXX", "u", "2020-01-01", None, None, "a.csv", 3),
        ("XXX", "u", "2020-01-01", None, None, "a.csv", 4),
    ]
    cols = ["country_iso3", "topic", "effective", "valid_until", "replaces", "snapshot", "record"]
    df = pl.DataFrame(rows, schema=cols, orient="row").with_columns(
        pl.lit("s").alias("summary_en"),
        pl.lit("s").alias("summary_ja"),
        pl.lit(None, pl.String).alias("last_checked"),
        pl.lit("2024").alias("vintage"),
        pl.col("record").cast(pl.Int32),
    )
    items = register(df, "XXX", "2025-01-01", 730)
    assert [(i["topic"], i["effective"], len(i["sources"])) for i in items] == [
        ("t", "2022-03-01", 1),
        ("u", "2020-01-01", 2),
    ]


def test_every_page_is_dated_and_attributed():
    """The stamp of a page names the as-of date in its language, the deck's title and publisher from its
    sidecar, and quotes the deck's disclaimer as the deck text has it."""
    from ecresearch import paths
    from ecresearch.site.attribution import date_text, notice

    as_of = load_pages(paths.PARAMS_FILE).as_of
    snap = datasets.read("snapshots").filter(pl.col("file") == paths.rel(paths.DECK_TEXT)).row(0, named=True)
    disclaimer = datasets.read("deck_passages").filter(pl.col("key") == "disclaimer")["text_ja"][0]
    deck_lines = paths.DECK_TEXT.read_text(encoding="utf-8").replace("\n", "")
    assert disclaimer in deck_lines.replace(" ", "") or disclaimer[:40] in deck_lines
    for lang in ("ja", "en"):
        n = notice(lang, as_of)
        assert date_text(as_of, lang) in n["as_of"]
        assert snap["publisher"] in n["deck"] and snap["title"].split(" (")[0] in n["deck"]
        assert n["disclaimer"] == disclaimer


def test_page_parameters_are_checked():
    with pytest.raises(ParameterError, match="'as_of' is missing"):
        page_params({})
    with pytest.raises(ParameterError, match="'as_of' must be a date"):
        page_params({"as_of": "December 2026"})
    with pytest.raises(ParameterError, match="'recheck_days'"):
        page_params({"as_of": "2026-12-01", "recheck_days": 0})
    with pytest.raises(ParameterError, match="unknown parameter"):
        page_params({"as_of": "2026-12-01", "today": True})


@pytest.mark.parametrize("iso3", RANKED)
def test_charts_and_quotes_belong_to_the_market(iso3):
    rep = country.load(iso3, "en")
    own = {f.id: f.iso3 for f in FIGURES}
    for fid in rep.charts():
        assert own[fid] in (iso3, None, "WLD") or (own[fid] == "SEA"), (iso3, fid)
    passages = datasets.read("deck_passages")
    notes = passages.filter((pl.col("kind") == "note") & (pl.col("iso3") == iso3))
    from ecresearch.clean.passages import about_other_market

    assert not [t for t in notes["text_ja"] if about_other_market(t, iso3)]


def test_programme_round_ended_by_as_of_says_check_again():
    passages = datasets.read("deck_passages")
    rounds = passages.filter((pl.col("kind") == "programme") & (pl.col("category") == "round"))
    assert rounds.height
    for r in rounds.iter_rows(named=True):
        end = country.round_end(r["text_ja"])
        assert end is not None
        late = country.load(r["iso3"], "en", as_of="2099-01-01").quotes_html(passages, "programme")
        early = country.load(r["iso3"], "en", as_of="2000-01-01").quotes_html(passages, "programme")
        ended = html.escape(section("report", "en")["round_ended"].format(date=end))
        assert ended in late and ended not in early


def test_deck_networks_are_listed_once_with_their_slides():
    passages = datasets.read("deck_passages")
    nets = passages.filter(pl.col("kind") == "network")
    rep = country.load("CHN", "ja")
    listed = rep.deck_networks(passages)
    names = [n["name"] for n in listed]
    assert len(names) == len(set(names)) == nets.filter(pl.col("iso3") == "CHN")["key"].n_unique()
    table = rep.social_networks(country.external_figures(), passages)
    assert table.height == table.unique().height


@pytest.mark.parametrize("iso3", RANKED)
def test_client_tables_cite_no_weak_source(iso3):
    """No link of a grade-C source, and a deck figure's reference link only when graded A or B; a page titled
    for another market is marked as such where it is cited."""
    ext = datasets.read("external_figures").filter(pl.col("source_url").is_not_null())
    weak = set(ext.filter(pl.col("source_grade") == "C")["source_url"])
    ungraded = set(ext.filter(pl.col("source_grade").is_null())["source_url"]) - set(
        ext.filter(pl.col("source_grade").is_in(["A", "B"]))["source_url"]
    )
    rep = country.load(iso3, "en")
    _fragments(rep)
    for c in rep.cited:
        assert c["url"] not in weak, (iso3, c)
        if c["origin"] == "deck":
            assert c["url"] not in ungraded, (iso3, c)
