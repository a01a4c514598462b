"""Indicators of the three pillars (and the size context), each value with its source, vintage and URL.

Growth and SNS usage come from the deck first and from external snapshots where the deck is silent; platform
concentration is an HHI interval from one data set per market, chosen by metric class, then coverage.
"""

from __future__ import annotations

import polars as pl

from ecresearch import datasets
from ecresearch.countries import resolve
from ecresearch.deck.figures import FIGURES
from ecresearch.deck.model import Figure, Scored
from ecresearch.domain.editions import edition_year, year_of
from ecresearch.errors import ParameterError
from ecresearch.params import PILLARS
from ecresearch.scores.hhi import cr_interval, hhi_interval
from ecresearch.snapshots.raw import graded

# Platform-share metrics in classes, best first: shares of the whole market (0), spend surveys (1), shares of a
# subset of platforms (2). Web visits are not shares and are not used.
SHARE_METRICS = {
    "GMV share": 0,
    "ecommerce share": 0,
    "share of online shopping": 0,
    "share of retail ecommerce": 0,
    "share of US retail ecommerce": 0,
    "share of online retail (own sales and marketplace)": 0,
    "share of online retail": 0,
    "ecommerce share (excl. C2C)": 0,
    "share of B2C ecommerce": 0,
    "transaction value share (consumer survey)": 1,
    "share of online spend on physical goods (excl. grocers)": 1,
    "share of online spend": 1,
    "share of online spend (consumer survey)": 1,
    "GMV share among the top platforms": 2,
    "share of sales of the four largest platforms (excl. TikTok)": 2,
}
SHARE_TOPICS = ("platform_share", "us_retailer_share")
AGGREGATE_WORDS = (" + ", "largest", "Others", "others")
TARGET_YEAR = 2022  # the deck's reference year
UNDATED_GAP = 10_000


# ── indicators ───────────────────────────────────────────────────────────────────────────────

INDICATOR_SCHEMA = {
    "iso3": pl.String,
    "pillar": pl.String,
    "indicator": pl.String,
    "value": pl.Float64,
    "unit": pl.String,
    "low": pl.Float64,
    "high": pl.Float64,
    "coverage": pl.Float64,
    "period": pl.String,
    "origin": pl.String,
    "source": pl.String,
    "vintage": pl.String,
    "url": pl.String,
    "note": pl.String,
}


# The rows behind each indicator: the data set the scores step chose, published as ``scored_data_sets`` so that
# reports, the index and ``diff`` show what was scored and never choose again. ``role`` is "member" for the rows
# the value is computed from (largest first) and "reference" for a denominator (the world average of SNS time).
DATA_SET_SCHEMA = datasets.dtypes("scored_data_sets")


def _row(members: list[dict] | None = None, **kw) -> dict:
    base = {k: None for k in INDICATOR_SCHEMA}
    base.update(kw)
    base["_members"] = members or []
    return base


def external_member(r: dict, role: str = "member") -> dict:
    """One external-snapshot row as a member of a chosen data set (with its snapshot file and CSV line)."""
    return {
        "role": role,
        "entity": r["entity"],
        "value": r["value"],
        "unit": r["unit"],
        "metric": r["metric"],
        "period": r["period"],
        "vintage": r["vintage"],
        "origin": "external",
        "source": r["source_title"],
        "url": r["source_url"],
        "snapshot": r["snapshot"],
        "csv_line": r["csv_line"],
    }


def deck_member(r: dict, metric: str, vintage: str | None, role: str = "member") -> dict:
    """One deck row as a member of a chosen data set (with its slide and line)."""
    return {
        "role": role,
        "entity": r["category_en"],
        "value": r["value"],
        "unit": r["unit"],
        "metric": metric,
        "period": r["period"],
        "vintage": vintage or r["vintage"],
        "origin": "deck",
        "source": r["source"],
        "url": r["url"],
        "slide": r["slide"],
        "line_start": r["line_start"],
    }


SNS_METRIC = "daily social media time"
CBEC_METRIC = "share of cross-border import e-commerce"  # the deck's China shares (the label catalogue translates it)


def deck_scored(figures: pl.DataFrame, pillar: str) -> tuple[Figure, Scored, pl.DataFrame]:
    """The deck rows the scoring reads for a pillar and their declaration (``scored=`` in deck/figures.py:
    the figure catalogue owns which series feed the scores and their edition)."""
    for fig in FIGURES:
        for scored in fig.scored:
            if scored.pillar == pillar:
                rows = figures.filter(pl.col("figure_id") == fig.id)
                return fig, scored, rows if scored.series is None else rows.filter(pl.col("series") == scored.series)
    raise LookupError(f"no deck figure declares scored={pillar!r}")


def growth_indicators(figures: pl.DataFrame, external: pl.DataFrame) -> list[dict]:
    """Retail e-commerce growth 2022: the deck's top-10 table first; eMarketer's Feb 2022 forecast only
    for countries the deck lacks (flagged: another vintage, a forecast)."""
    rows = []
    for pillar, unit in (("growth", "percent"), ("size", "USD")):
        _, scored, table = deck_scored(figures, pillar)
        for r in table.iter_rows(named=True):
            rows.append(
                _row(
                    iso3=r["iso3"],
                    pillar=pillar,
                    indicator=scored.indicator,
                    value=r["value"],
                    unit=unit,
                    period=scored.period,
                    origin="deck",
                    source=r["source"],
                    vintage=scored.edition,
                    note=f"deck slide {r['slide']}, line {r['line_start']}",
                    members=[deck_member(r, scored.indicator, scored.edition)],
                )
            )
    deck = deck_scored(figures, "growth")[2]
    have = set(deck["iso3"].to_list())
    ext = external.filter(
        pl.col("topic").is_in(["ecommerce_growth_2022f", "ecommerce_growth"])
        & (pl.col("metric") == "retail ecommerce growth")
        & ~pl.col("country_iso3").is_in(list(have))
        & (pl.col("country_iso3").str.len_chars() == 3)
        & ~pl.col("country_iso3").is_in(["SEA", "WLD"])
    )
    # per country: the year nearest the deck's, then the newest edition
    ext = (
        ext.with_columns(
            pl.col("period").map_elements(_gap, return_dtype=pl.Int64).alias("_gap"),
            pl.col("vintage").map_elements(_edition_year, return_dtype=pl.Int64).alias("_ed"),
        )
        .sort("country_iso3", "_gap", pl.col("_ed"), descending=[False, False, True])
        .unique("country_iso3", keep="first", maintain_order=True)
    )
    for r in ext.iter_rows(named=True):
        rows.append(
            _row(
                iso3=r["country_iso3"],
                pillar="growth",
                indicator="ecommerce_growth_2022",
                value=r["value"],
                unit="percent",
                period=r["period"],
                origin="external",
                source=r["source_title"],
                vintage=r["vintage"],
                url=r["source_url"],
                note="another edition than the deck's (a forecast); flagged" + (f"; {r['note']}" if r["note"] else ""),
                members=[external_member(r)],
            )
        )
    return rows


def _edition_year(vintage: str) -> int:
    return edition_year(vintage, default=0)  # an undated edition ('CNNIC') sorts as the oldest


def sns_indicators(figures: pl.DataFrame, external: pl.DataFrame) -> list[dict]:
    """Daily social-media minutes relative to the world average of the same DataReportal edition.
    The deck's chart (Digital 2020) first; for countries it lacks, the newest edition that has them."""
    rows = []
    _, scored, deck = deck_scored(figures, "sns")
    deck = deck.filter(pl.col("iso3").is_not_null())
    world_deck = deck.filter(pl.col("iso3") == "WLD")
    done: set[str] = set()
    if world_deck.height:
        avg = world_deck["value"][0]
        for r in deck.filter(pl.col("iso3") != "WLD").iter_rows(named=True):
            rows.append(
                _row(
                    iso3=r["iso3"],
                    pillar="sns",
                    indicator=scored.indicator,
                    value=r["value"] / avg,
                    unit="ratio",
                    period=scored.period,
                    origin="deck",
                    source=f"deck slide {r['slide']} (labels matched to {scored.edition})",
                    vintage=scored.edition,
                    url=r["url"],
                    note=f"{r['value']:.0f} min vs world {avg:.0f} min; deck line {r['line_start']}",
                    members=[
                        deck_member(r, SNS_METRIC, scored.edition),
                        deck_member(world_deck.row(0, named=True), SNS_METRIC, scored.edition, "reference"),
                    ],
                )
            )
            done.add(r["iso3"])
    sns = external.filter(
        pl.col("topic").str.starts_with("sns_time")
        & pl.col("vintage").str.starts_with("Digital ")
        & (pl.col("metric") == SNS_METRIC)
    )
    for edition in sorted(set(sns["vintage"].to_list()), key=_edition_year, reverse=True):
        ed = sns.filter(pl.col("vintage") == edition)
        world = ed.filter(pl.col("country_iso3") == "WLD").unique("value")  # the same figure from two snapshots
        if world.height != 1:
            continue
        avg = world["value"][0]
        for r in ed.filter(pl.col("country_iso3") != "WLD").sort("country_iso3").iter_rows(named=True):
            if r["country_iso3"] in done:
                continue
            rows.append(
                _row(
                    iso3=r["country_iso3"],
                    pillar="sns",
                    indicator="sns_minutes_vs_world",
                    value=r["value"] / avg,
                    unit="ratio",
                    period=r["period"],
                    origin="external",
                    source=r["source_title"],
                    vintage=edition,
                    url=r["source_url"],
                    note=f"{r['value']:.0f} min vs world {avg:.0f} min of the same edition ({edition})",
                    members=[external_member(r), external_member(world.row(0, named=True), "reference")],
                )
            )
            done.add(r["country_iso3"])
    return rows


def _gap(period: str) -> int:
    """Years between a period and the deck's; a period without a year is farther than any dated one."""
    year = year_of(period)
    return UNDATED_GAP if year is None else abs(year - TARGET_YEAR)


def _hhi_row(iso3: str, interval: tuple, members: list[dict], **source) -> dict:
    """One market's concentration indicator: the HHI interval (scored at its lower bound here; the model picks
    the declared point) with the rows it was computed from."""
    low, high, cov = interval
    return _row(
        iso3=iso3,
        pillar="concentration",
        indicator="hhi",
        value=low,
        low=low,
        high=high,
        coverage=cov,
        unit="hhi",
        members=members,
        **source,
    )


def concentration_indicators(figures: pl.DataFrame, external: pl.DataFrame) -> list[dict]:
    """HHI (lower bound over the listed players, with the upper bound and coverage) per country.

    China: the deck's cross-border import platform shares (the market Japanese exporters sell into).
    Elsewhere: one external set per country, the best metric (GMV share first) nearest to 2022; sets of
    different metrics are not comparable, which the 'indicator' note says."""
    rows = []
    fig, scored, cn = deck_scored(figures, "concentration")
    if cn.height:
        interval = hhi_interval(cn["value"].to_list())
        rows.append(
            _hhi_row(
                fig.iso3,  # the market the figure is about
                interval,
                [
                    deck_member(r, CBEC_METRIC, scored.edition)
                    for r in cn.sort("value", descending=True, maintain_order=True).iter_rows(named=True)
                ],
                period=scored.period,
                origin="deck",
                source=cn["source"][0],
                vintage=scored.edition,
                note=f"{cn.height} cross-border import platforms (names not printed), shares sum to "
                f"{interval[2]:.1f}%; metric: {CBEC_METRIC}, not of domestic e-commerce",
            )
        )
    shares = external.filter(pl.col("topic").is_in(list(SHARE_TOPICS)))
    individual = shares.filter(
        ~pl.any_horizontal([pl.col("entity").str.contains(w, literal=True) for w in AGGREGATE_WORDS])
    )
    for iso3 in sorted(set(individual["country_iso3"].to_list()) - {fig.iso3, "SEA"}):
        best = None
        for metric, klass in SHARE_METRICS.items():
            sets = individual.filter((pl.col("country_iso3") == iso3) & (pl.col("metric") == metric))
            for (period, vintage), g in sets.group_by("period", "vintage", maintain_order=True):
                # best metric class, then the set that covers most of the market, then the year nearest the deck's
                key = (klass, -round(min(float(g["value"].sum()), 100.0), 1), _gap(period), metric)
                if best is None or key < best[0]:
                    best = (key, metric, period, vintage, g)
        if best is None:
            continue
        _, metric, period, vintage, g = best
        interval = hhi_interval(g["value"].to_list())
        players = ", ".join(f"{e} {v:g}" for e, v in zip(g["entity"], g["value"], strict=False))
        rows.append(
            _hhi_row(
                iso3,
                interval,
                [
                    external_member(m)
                    for m in g.sort(["value", "entity"], descending=[True, False]).iter_rows(named=True)
                ],
                period=period,
                origin="external",
                source=g["source_title"][0],
                vintage=vintage,
                url=g["source_url"][0],
                note=f"{metric}: {players} (covers {interval[2]:.0f}%); interval: unlisted players no larger "
                f"than the smallest listed; comparable only within one metric",
            )
        )
    done = {r["iso3"] for r in rows}
    rows += concentration_ratio_rows(shares, done)
    return rows


NUMBER_WORDS = {"two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "ten": 10}
CR_METRICS = ("combined market share",)  # a share of the whole market, not of a subset of sellers


def _players_in(entity: str) -> int | None:
    """How many players an aggregate row sums: 'A + B + C' → 3, 'five largest companies' → 5."""
    if " + " in entity:
        return entity.count(" + ") + 1
    for word, n in NUMBER_WORDS.items():
        if entity.lower().startswith(f"{word} largest") or entity.lower().startswith(f"top {word}"):
            return n
    return None


def concentration_ratio_rows(shares: pl.DataFrame, done: set[str]) -> list[dict]:
    """For markets with no individual shares, an HHI interval from a concentration ratio (CR-n = the top n
    players' combined share of the market): bounds from the most equal and the most unequal split."""
    rows = []
    agg = shares.filter(pl.col("metric").is_in(list(CR_METRICS)) & (pl.col("unit") == "pct"))
    for r in agg.sort("country_iso3", "period", "value", descending=[False, True, True]).iter_rows(named=True):
        n = _players_in(r["entity"])
        if r["country_iso3"] in done or r["country_iso3"] in ("SEA", "WLD") or n is None:
            continue
        rows.append(
            _hhi_row(
                r["country_iso3"],
                cr_interval(r["value"], n),
                [external_member(r)],
                period=r["period"],
                origin="external",
                source=r["source_title"],
                vintage=r["vintage"],
                url=r["source_url"],
                note=f"CR{n} = {r['value']:g}% ({r['entity']}): interval from the concentration ratio alone; "
                "comparable only within one metric",
            )
        )
        done.add(r["country_iso3"])
    return rows


def apply_pins(external: pl.DataFrame, pins: dict | None) -> pl.DataFrame:
    """Keep, for each pinned indicator, only the rows of the pinned edition (``{"sns_time": "Digital 2024"}``).
    A key covers its topic and the topics named after it (``sns_time`` also covers ``sns_time_digital2024``)."""
    for topic, vintage in (pins or {}).items():
        covered = (pl.col("topic") == topic) | pl.col("topic").str.starts_with(f"{topic}_")
        editions = sorted(set(external.filter(covered)["vintage"].drop_nulls().to_list()))
        if not editions:
            raise ParameterError(
                f"parameter 'pins': no snapshot has the topic {topic!r}; topics are {_topics(external)}"
            )
        if vintage not in editions:
            raise ParameterError(
                f"parameter 'pins': {topic} = {vintage!r} is not an edition of it; editions: {editions}"
            )
        external = external.filter(~covered | (pl.col("vintage") == vintage))
    return external


def _topics(external: pl.DataFrame) -> list[str]:
    return sorted(set(external["topic"].to_list()))


def select(
    figures: pl.DataFrame, external: pl.DataFrame, pins: dict | None = None
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """The indicators, and the rows of the data set each was computed from (the one place that chooses)."""
    # weak sources (grade C) are kept in the processed table for the record, never scored
    external = apply_pins(graded(external), pins)
    rows = (
        growth_indicators(figures, external)
        + sns_indicators(figures, external)
        + concentration_indicators(figures, external)
    )
    members = []
    for r in rows:
        for pos, m in enumerate(r.pop("_members"), start=1):
            members.append(
                {k: None for k in DATA_SET_SCHEMA}
                | {"iso3": r["iso3"], "pillar": r["pillar"], "indicator": r["indicator"], "position": pos}
                | m
            )
    ind = pl.DataFrame(rows, schema=INDICATOR_SCHEMA, orient="row").sort("pillar", "iso3")
    sets = pl.DataFrame(members, schema=DATA_SET_SCHEMA, orient="row").sort("pillar", "iso3", "role", "position")
    return ind, sets


def indicators(figures: pl.DataFrame, external: pl.DataFrame, pins: dict | None = None) -> pl.DataFrame:
    return select(figures, external, pins)[0]


def coverage(ind: pl.DataFrame, candidates) -> pl.DataFrame:
    """Every candidate with the pillars it has."""
    rows = []
    for iso3 in candidates:
        have = set(ind.filter((pl.col("iso3") == iso3) & pl.col("pillar").is_in(list(PILLARS)))["pillar"].to_list())
        rows.append(
            {
                "iso3": iso3,
                "name_en": resolve(iso3).name_en,
                "name_ja": resolve(iso3).name_ja,
                **{p: p in have for p in PILLARS},
                "pillars": len(have - {"size"}),
            }
        )
    return pl.DataFrame(rows)
