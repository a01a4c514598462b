"""Indicators of the three pillars (and the size context), each value with its source, vintage and URL.

Growth and SNS usage come from the deck first and from external snapshots where the deck is silent; platform
concentration is an HHI interval from one data set per market, chosen by metric class, then coverage.
"""

from __future__ import annotations

from typing import Any

import polars as pl

from ecresearch import datasets
from ecresearch.countries import resolve
from ecresearch.deck.figures import FIGURES
from ecresearch.deck.model import Figure, Scored
from ecresearch.domain.editions import edition_year, year_of
from ecresearch.errors import ParameterError
from ecresearch.params import PILLARS
from ecresearch.scores.hhi import cr_interval, hhi_interval
from ecresearch.scores.owners import owner_of, subset_summing_to
from ecresearch.snapshots.raw import graded

# Platform-share metrics in classes, best first: shares of the whole market (0), spend surveys (1), shares of a
# subset of platforms (2). Web visits are not shares and are not used.
SHARE_METRICS = {
    "GMV share": 0,
    "ecommerce share": 0,
    "share of online shopping": 0,
    "share of retail ecommerce": 0,
    "share of retail ecommerce sales": 0,
    "share of US retail ecommerce sales": 0,
    "share of online shopping market": 0,
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
    "metric": pl.String,  # what the value measures (platform sets: the share metric of the source)
    "metric_class": pl.String,  # concentration: which kind of share the HHI is computed from (METRIC_CLASSES)
    "alt_value": pl.Float64,  # the same indicator in a second edition (a Monte Carlo factor), if any
    "alt_vintage": pl.String,
}

# Concentration data sets measure different things; the class is shown beside every HHI and stated as a caveat.
METRIC_CLASSES = ("market share", "spend survey", "share among the top platforms", "concentration ratio",
                  "cross-border import share")  # fmt: skip


# The rows behind each indicator: the data set the scores step chose, published as ``scored_data_sets`` so that
# reports, the index and ``diff`` show what was scored and never choose again. ``role`` is "member" for the rows
# the value is computed from (largest first) and "reference" for a denominator (the world average of SNS time).
DATA_SET_SCHEMA = datasets.dtypes("scored_data_sets")


def _row(members: list[dict] | None = None, **kw) -> dict:
    base: dict[str, Any] = {k: None for k in INDICATOR_SCHEMA}
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
GROWTH_TOPICS = ("ecommerce_growth_2022f", "ecommerce_growth")  # external growth rows the scores read
GROWTH_METRIC = "retail ecommerce growth"
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


def growth_indicators(figures: pl.DataFrame, external: pl.DataFrame, candidates=()) -> list[dict]:
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
    have = dict(zip(deck["iso3"].to_list(), deck["value"].to_list(), strict=True))
    forecasts = external.filter(
        pl.col("topic").is_in(list(GROWTH_TOPICS))
        & (pl.col("metric") == GROWTH_METRIC)
        & (pl.col("country_iso3").str.len_chars() == 3)
        & ~pl.col("country_iso3").is_in(["SEA", "WLD"])
    )
    # per country: the year nearest the deck's, then the newest edition
    forecasts = (
        forecasts.with_columns(
            pl.col("period").map_elements(_gap, return_dtype=pl.Int64).alias("_gap"),
            pl.col("vintage").map_elements(_edition_year, return_dtype=pl.Int64).alias("_ed"),
        )
        .sort("country_iso3", "_gap", pl.col("_ed"), descending=[False, False, True])
        .unique("country_iso3", keep="first", maintain_order=True)
    )
    # how far the forecast edition's numbers moved in the deck's later estimates, for the markets in both
    revisions = [
        have[r["country_iso3"]] - r["value"] for r in forecasts.iter_rows(named=True) if r["country_iso3"] in have
    ]
    for row in rows:
        if row["pillar"] == "growth":
            alt = forecasts.filter(pl.col("country_iso3") == row["iso3"])
            if alt.height:
                row["alt_value"], row["alt_vintage"] = alt["value"][0], alt["vintage"][0]
    revised = (min(revisions + [0.0]), max(revisions + [0.0]))  # the range the forecast edition moved by
    for r in forecasts.filter(~pl.col("country_iso3").is_in(list(have))).iter_rows(named=True):
        low, high = r["value"] + revised[0], r["value"] + revised[1]
        note = (
            f"a forecast of another edition than the deck's estimates; drawn between {low:g} and {high:g}, "
            f"the range of that edition's revisions in the deck's estimates ({len(revisions)} markets in both)"
        )
        rows.append(
            _growth_interval(r["country_iso3"], r, r["value"], low, high, "forecast", note, [external_member(r)])
        )
    growth_scored = set(have) | {r["iso3"] for r in rows if r["pillar"] == "growth"}
    rows += top_list_bounds(external, growth_scored, revised, min(have.values(), default=0.0), candidates)
    return rows


TOP_LIST = "ecommerce_growth_top10_2022"  # eMarketer's complete list of the ten fastest-growing markets, 2022


def top_list_bounds(
    external: pl.DataFrame, done: set[str], revised: tuple[float, float], floor: float, candidates=()
) -> list[dict]:
    """Growth bounds from a complete top-10 list (a forecast edition): a listed market whose value is not printed
    lies between the bounds its rank allows (rows 'lower bound' / 'upper bound'); a market the list omits grew
    less than the tenth. Both widened by the range of that edition's revisions in the deck's estimates; an
    omitted market's floor is the lowest estimate in the deck. Each is an interval from a source, never imputed."""
    top = external.filter(pl.col("topic") == TOP_LIST)
    if top.height == 0:
        return []
    lo_rev, hi_rev = revised
    rows = []
    bounds = top.filter(pl.col("metric").str.starts_with("retail ecommerce growth, "))
    for iso3 in sorted(set(bounds["country_iso3"].to_list()) - done):
        b = bounds.filter(pl.col("country_iso3") == iso3)
        low = b.filter(pl.col("metric").str.ends_with("lower bound"))
        high = b.filter(pl.col("metric").str.ends_with("upper bound"))
        if not (low.height and high.height):
            continue
        rows.append(_bound_row(iso3, low.row(0, named=True), low["value"][0] + lo_rev, high["value"][0] + hi_rev,
                               [external_member(low.row(0, named=True)), external_member(high.row(0, named=True))],
                               "between the values its rank in the list allows"))  # fmt: skip
        done.add(iso3)
    listed = set(top["country_iso3"].to_list()) - {"SEA", "WLD"}
    tenth = top.filter((pl.col("unit") == "rank") & (pl.col("value") == 10))
    if len(listed) == 10 and tenth.height == 1:  # the list is complete: every other market grew less than the tenth
        tenth_row = tenth.row(0, named=True)
        value = external.filter(  # the tenth's own value, in the list's edition (any snapshot)
            (pl.col("country_iso3") == tenth_row["country_iso3"])
            & (pl.col("metric") == "retail ecommerce growth")
            & (pl.col("vintage") == tenth_row["vintage"])
        )
        cap = value["value"][0] if value.height else None
        if cap is not None:
            for iso3 in candidates:
                if iso3 in done or iso3 in listed:
                    continue
                why = f"not in the list, so below its tenth ({tenth_row['country_iso3']} {cap:g}%)"
                rows.append(_bound_row(iso3, tenth_row, floor, cap + hi_rev, [external_member(tenth_row)], why))
    return rows


def _bound_row(iso3: str, r: dict, low: float, high: float, members: list[dict], why: str) -> dict:
    note = (
        f"a bound from eMarketer's list of the ten fastest-growing markets (a forecast edition): {why}; "
        f"drawn between {low:g} and {high:g}, scored at the midpoint"
    )
    return _growth_interval(iso3, r, (low + high) / 2, low, high, "forecast bound", note, members)


def _growth_interval(
    iso3: str, r: dict, value: float, low: float, high: float, kind: str, note: str, members: list[dict]
) -> dict:
    """A growth value known as an interval from an external row of a forecast edition (its source and period)."""
    return _row(
        iso3=iso3,
        pillar="growth",
        indicator="ecommerce_growth_2022",
        value=value,
        low=low,
        high=high,
        unit="percent",
        period=r["period"],
        origin="external",
        source=r["source_title"],
        vintage=r["vintage"],
        url=r["source_url"],
        metric=f"retail ecommerce growth ({kind})",
        note=note,
        members=members,
    )


def _edition_year(vintage: str) -> int:
    return edition_year(vintage, default=0)  # an undated edition ('CNNIC') sorts as the oldest


def sns_editions(figures: pl.DataFrame, external: pl.DataFrame) -> dict[str, dict]:
    """Every DataReportal edition with a world average: {edition: {"world": row, "rows": {iso3: row}, "deck": bool}}.
    The deck's chart is one edition (Digital 2020); a country's value is its minutes over the world average of
    the same edition."""
    out: dict[str, dict] = {}
    _, scored, deck = deck_scored(figures, "sns")
    deck = deck.filter(pl.col("iso3").is_not_null())
    world = deck.filter(pl.col("iso3") == "WLD")
    if world.height:
        out[_digital(scored.edition)] = {
            "edition": scored.edition,
            "period": scored.period,
            "deck": True,
            "world": world.row(0, named=True),
            "rows": {r["iso3"]: r for r in deck.filter(pl.col("iso3") != "WLD").iter_rows(named=True)},
        }
    sns = external.filter(
        pl.col("topic").str.starts_with("sns_time")
        & pl.col("vintage").str.starts_with("Digital ")
        & (pl.col("metric") == SNS_METRIC)
    ).with_columns(pl.col("vintage").map_elements(_digital, return_dtype=pl.String).alias("_edition"))
    for edition in sorted(set(sns["_edition"].to_list())):
        ed = sns.filter(pl.col("_edition") == edition).sort("snapshot", "csv_line")
        w = ed.filter(pl.col("country_iso3") == "WLD").unique("value")  # the same figure from two snapshots
        known = out.get(edition)
        if known is None and w.height != 1:
            continue
        if known is not None and not (w.height == 0 or w["value"].to_list() == [known["world"]["value"]]):
            continue  # another world average under the same edition name: not the same edition
        entry = known or {"edition": edition, "deck": False, "world": w.row(0, named=True), "rows": {}}
        for r in ed.filter(pl.col("country_iso3") != "WLD").iter_rows(named=True):
            entry["rows"].setdefault(r["country_iso3"], r)  # the deck's own values first, then the first snapshot
        out[edition] = entry
    return out


def _digital(vintage: str) -> str:
    """One name per DataReportal edition: 'Digital 2020 (We Are Social / Hootsuite)' → 'Digital 2020'."""
    year = edition_year(vintage, default=0)
    return f"Digital {year}" if year else vintage


def sns_indicators(figures: pl.DataFrame, external: pl.DataFrame, candidates=()) -> list[dict]:
    """Daily social-media minutes relative to the world average of the same DataReportal edition, one edition
    for as many candidates as it covers: editions in order of the candidates they cover (then the newest), each
    country from the first that has it; the next edition that has it is its alternative (a Monte Carlo factor).
    The deck's own chart (Digital 2020) is one of the editions; its values stay in the deck's chart either way."""
    eds = sns_editions(figures, external)
    wanted = set(candidates)

    def order(key: str) -> tuple:
        e = eds[key]
        return (-len(wanted & set(e["rows"])), -_edition_year(e["edition"]), not e["deck"], key)

    keys = sorted(eds, key=order)
    rows = []
    for iso3 in sorted({c for e in eds.values() for c in e["rows"]}):
        having = [k for k in keys if iso3 in eds[k]["rows"]]
        first, alt = having[0], (having[1] if len(having) > 1 else None)
        rows.append(_sns_row(iso3, eds[first], eds[alt] if alt else None))
    return rows


def _sns_row(iso3: str, ed: dict, alt: dict | None) -> dict:
    r, w = ed["rows"][iso3], ed["world"]
    avg = w["value"]
    if "slide" in r:  # a row of the deck's chart
        members = [deck_member(r, SNS_METRIC, ed["edition"]), deck_member(w, SNS_METRIC, ed["edition"], "reference")]
        source, url = f"deck slide {r['slide']} (labels matched to {ed['edition']})", r["url"]
        period, line = ed["period"], f"; deck line {r['line_start']}"
    else:
        ref = (
            external_member(w, "reference")
            if "slide" not in w
            else deck_member(w, SNS_METRIC, ed["edition"], "reference")
        )
        members = [external_member(r), ref]
        for m in members:  # one name per edition ('Digital 2020 (We Are Social / Hootsuite)' is Digital 2020)
            m["vintage"] = ed["edition"]
        source, url, period, line = r["source_title"], r["source_url"], r["period"], ""
    row = _row(
        iso3=iso3,
        pillar="sns",
        indicator="sns_minutes_vs_world",
        value=r["value"] / avg,
        unit="ratio",
        period=period,
        origin="deck" if "slide" in r else "external",
        source=source,
        vintage=ed["edition"],
        url=url,
        metric=SNS_METRIC,
        note=f"{r['value']:.0f} min vs world {avg:.0f} min of the same edition ({ed['edition']}){line}",
        members=members,
    )
    if alt is not None:
        row["alt_value"] = alt["rows"][iso3]["value"] / alt["world"]["value"]
        row["alt_vintage"] = alt["edition"]
    return row


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


def metric_class(metric: str) -> str:
    return METRIC_CLASSES[SHARE_METRICS[metric]]


def grouped_shares(members: list[dict]) -> list[float]:
    """The shares the HHI is computed over: members of one declared owner summed into one share."""
    by_owner: dict[str, float] = {}
    out = []
    for m in members:
        if m.get("owner"):
            by_owner[m["owner"]] = by_owner.get(m["owner"], 0.0) + m["value"]
        else:
            out.append(m["value"])
    return sorted(out + list(by_owner.values()), reverse=True)


def _owners_note(members: list[dict]) -> str:
    owners = sorted({m["owner"] for m in members if m.get("owner")})
    return f"; shares counted by owner ({', '.join(owners)})" if owners else ""


def concentration_indicators(figures: pl.DataFrame, external: pl.DataFrame) -> list[dict]:
    """HHI (lower bound over the listed players' groups, with the upper bound and coverage) per country.

    China: the deck's cross-border import platform shares (the market Japanese exporters sell into), its two
    Alibaba slices counted as one (the deck's subtotal). Elsewhere: one external set per country — the best metric
    class (a share of the whole market first), then the newest period, then the set that covers most of the
    market; players of one owner counted as one (``owners``). Sets of different metric classes are not
    comparable: each HHI carries its class."""
    rows = []
    fig, scored, cn = deck_scored(figures, "concentration")
    if cn.height and fig.iso3 is None:
        raise ValueError(f"{fig.id}: the deck's concentration figure names no market (iso3)")
    if cn.height and fig.iso3 is not None:
        cn = cn.sort("value", descending=True, maintain_order=True)
        members = [deck_member(r, CBEC_METRIC, scored.edition) for r in cn.iter_rows(named=True)]
        sub = figures.filter((pl.col("figure_id") == fig.id) & (pl.col("series") == "subtotal"))
        if sub.height:
            pair = subset_summing_to([m["value"] for m in members], sub["value"][0])
            # the subtotal's label names the slices ("Tmall Global + Kaola (Alibaba)"): their declared owner
            owner = owner_of(sub["category_en"][0].split(" + ")[0], year_of(scored.period))
            for i in (pair or ()) if owner else ():
                members[i]["owner"] = owner
        interval = hhi_interval(grouped_shares(members))
        rows.append(
            _hhi_row(
                fig.iso3,  # the market the figure is about
                interval,
                members,
                period=scored.period,
                origin="deck",
                source=cn["source"][0],
                vintage=scored.edition,
                metric=CBEC_METRIC,
                metric_class="cross-border import share",
                note=f"{cn.height} cross-border import platforms (names not printed), shares sum to "
                f"{interval[2]:.1f}%{_owners_note(members)}; metric: {CBEC_METRIC}, not of domestic e-commerce",
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
                # best metric class, then the newest period, then the set that covers most of the market
                year = year_of(period)
                key = (klass, -(year or 0), -round(min(float(g["value"].sum()), 100.0), 1), metric, vintage)
                if best is None or key < best[0]:
                    best = (key, metric, period, vintage, g)
        if best is None:
            continue
        _, metric, period, vintage, g = best
        members = [
            external_member(m) | {"owner": owner_of(m["entity"], year_of(period))}
            for m in g.sort(["value", "entity"], descending=[True, False]).iter_rows(named=True)
        ]
        interval = hhi_interval(grouped_shares(members))
        players = ", ".join(f"{m['entity']} {m['value']:g}" for m in members)
        rows.append(
            _hhi_row(
                iso3,
                interval,
                members,
                period=period,
                origin="external",
                source=g["source_title"][0],
                vintage=vintage,
                url=g["source_url"][0],
                metric=metric,
                metric_class=metric_class(metric),
                note=f"{metric}: {players} (covers {interval[2]:.0f}%){_owners_note(members)}; interval: unlisted "
                f"players no larger than the smallest listed; comparable only within one metric class",
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
                metric=r["metric"],
                metric_class="concentration ratio",
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
    figures: pl.DataFrame, external: pl.DataFrame, pins: dict | None = None, candidates=()
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """The indicators, and the rows of the data set each was computed from (the one place that chooses)."""
    # weak sources (grade C) are kept in the processed table for the record, never scored
    external = apply_pins(graded(external), pins)
    rows = (
        growth_indicators(figures, external, candidates)
        + sns_indicators(figures, external, candidates)
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


def indicators(figures: pl.DataFrame, external: pl.DataFrame, pins: dict | None = None, candidates=()) -> pl.DataFrame:
    return select(figures, external, pins, candidates)[0]


def coverage(ind: pl.DataFrame, candidates) -> pl.DataFrame:
    """Every candidate with the pillars it has."""
    have_by: dict[str, set[str]] = {}
    for iso3, pillar in zip(ind["iso3"].to_list(), ind["pillar"].to_list(), strict=True):  # no query: a few rows
        if pillar in PILLARS:
            have_by.setdefault(iso3, set()).add(pillar)
    rows = []
    for iso3 in candidates:
        have = have_by.get(iso3, set())
        country = resolve(iso3)
        rows.append(
            {
                "iso3": iso3,
                "name_en": country.name_en,
                "name_ja": country.name_ja,
                **{p: p in have for p in PILLARS},
                "pillars": len(have - {"size"}),
            }
        )
    return pl.DataFrame(rows)
