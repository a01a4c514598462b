"""Target-country scoring: growth, social-media usage and platform concentration.

Follows the OECD/JRC composite-indicator steps: indicators with their sources (``indicators``), missing
data by a stated rule, normalisation (min-max or z-score), weighting, aggregation (arithmetic or
geometric), Monte Carlo uncertainty over the choices (median rank and 5th-95th percentile band) and a
first-order sensitivity index for each choice. Every input value keeps its source and vintage.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import polars as pl

from .countries import resolve
from .errors import ParameterError

from .scoring_params import (  # noqa: F401  (re-exported: the notebook uses scoring.Params)
    AGGREGATIONS, DEFAULT_CANDIDATES, DEFAULT_WEIGHTS, DIRECTIONS, MISSING_RULES, NORMALISATIONS, PILLARS, Params,
    validate,
)

# DataReportal editions, in order of preference: the deck's own chart is Digital 2020.
SNS_EDITIONS = (("sns_time_digital2020", "Digital 2020"), ("sns_time_digital2022", "Digital 2022"),
                ("sns_time_digital2023", "Digital 2023"), ("sns_time_digital2024", "Digital 2024"))
# Platform-share metrics in classes, best first: shares of the whole market (0), spend surveys (1), shares of a
# subset of platforms (2). Web visits are not shares and are not used.
SHARE_METRICS = {
    "GMV share": 0, "ecommerce share": 0, "share of online shopping": 0, "share of retail ecommerce": 0,
    "share of US retail ecommerce": 0, "share of online retail (own sales and marketplace)": 0,
    "share of online retail": 0, "ecommerce share (excl. C2C)": 0, "share of B2C ecommerce": 0,
    "transaction value share (consumer survey)": 1, "share of online spend on physical goods (excl. grocers)": 1,
    "share of online spend": 1, "share of online spend (consumer survey)": 1,
    "GMV share among the top platforms": 2, "share of sales of the four largest platforms (excl. TikTok)": 2,
}
SHARE_TOPICS = ("platform_share", "us_retailer_share")
AGGREGATE_WORDS = (" + ", "largest", "Others", "others")
TARGET_YEAR = 2022  # the deck's reference year


# ── indicators ───────────────────────────────────────────────────────────────────────────────

INDICATOR_SCHEMA = {
    "iso3": pl.String, "pillar": pl.String, "indicator": pl.String, "value": pl.Float64, "unit": pl.String,
    "low": pl.Float64, "high": pl.Float64, "coverage": pl.Float64, "period": pl.String, "origin": pl.String,
    "source": pl.String, "vintage": pl.String, "url": pl.String, "note": pl.String,
}


def _row(**kw) -> dict:
    base = {k: None for k in INDICATOR_SCHEMA}
    base.update(kw)
    return base


def growth_indicators(figures: pl.DataFrame, external: pl.DataFrame) -> list[dict]:
    """Retail e-commerce growth 2022: the deck's top-10 table first; eMarketer's Feb 2022 forecast only
    for countries the deck lacks (flagged: another vintage, a forecast)."""
    rows = []
    deck = figures.filter((pl.col("figure_id") == "top10_countries") & (pl.col("series") == "growth_2022"))
    sizes = figures.filter((pl.col("figure_id") == "top10_countries") & (pl.col("series") == "sales_2022"))
    for r in deck.iter_rows(named=True):
        rows.append(_row(iso3=r["iso3"], pillar="growth", indicator="ecommerce_growth_2022", value=r["value"],
                         unit="percent", period="2022", origin="deck", source=r["source"], vintage="eMarketer Feb 2023",
                         note=f"deck slide {r['slide']}, line {r['line_start']}"))
    for r in sizes.iter_rows(named=True):
        rows.append(_row(iso3=r["iso3"], pillar="context", indicator="ecommerce_sales_2022", value=r["value"],
                         unit="USD", period="2022", origin="deck", source=r["source"], vintage="eMarketer Feb 2023",
                         note=f"deck slide {r['slide']}, line {r['line_start']}"))
    have = set(deck["iso3"].to_list())
    ext = external.filter((pl.col("topic") == "ecommerce_growth_2022f") & ~pl.col("country_iso3").is_in(list(have))
                          & (pl.col("country_iso3").str.len_chars() == 3) & (pl.col("country_iso3") != "SEA"))
    for r in ext.iter_rows(named=True):
        rows.append(_row(iso3=r["country_iso3"], pillar="growth", indicator="ecommerce_growth_2022", value=r["value"],
                         unit="percent", period=r["period"], origin="external", source=r["source_title"],
                         vintage=r["vintage"], url=r["source_url"],
                         note="forecast from an earlier vintage than the deck's; flagged" + (f"; {r['note']}" if r["note"] else "")))
    return rows


def sns_indicators(figures: pl.DataFrame, external: pl.DataFrame) -> list[dict]:
    """Daily social-media minutes relative to the world average of the same DataReportal edition.
    The deck's chart (Digital 2020) first; later editions only for countries it lacks, each with its edition."""
    rows = []
    deck = figures.filter((pl.col("figure_id") == "sns_daily_time") & pl.col("iso3").is_not_null())
    world_deck = deck.filter(pl.col("iso3") == "WLD")
    done: set[str] = set()
    if world_deck.height:
        avg = world_deck["value"][0]
        for r in deck.filter(pl.col("iso3") != "WLD").iter_rows(named=True):
            rows.append(_row(iso3=r["iso3"], pillar="sns", indicator="sns_minutes_vs_world", value=r["value"] / avg,
                             unit="ratio", period="2020-01", origin="deck", source="deck slide %d (labels matched to Digital 2020)" % r["slide"],
                             vintage="Digital 2020", url=r["url"],
                             note=f"{r['value']:.0f} min vs world {avg:.0f} min; deck line {r['line_start']}"))
            done.add(r["iso3"])
    for topic, edition in SNS_EDITIONS:
        ed = external.filter(pl.col("topic") == topic)
        world = ed.filter(pl.col("country_iso3") == "WLD")
        if world.height != 1:
            continue
        avg = world["value"][0]
        for r in ed.filter(pl.col("country_iso3") != "WLD").iter_rows(named=True):
            if r["country_iso3"] in done:
                continue
            rows.append(_row(iso3=r["country_iso3"], pillar="sns", indicator="sns_minutes_vs_world",
                             value=r["value"] / avg, unit="ratio", period=r["period"], origin="external",
                             source=r["source_title"], vintage=edition, url=r["source_url"],
                             note=f"{r['value']:.0f} min vs world {avg:.0f} min of the same edition ({edition})"))
            done.add(r["country_iso3"])
    return rows


def hhi(shares) -> float:
    """Herfindahl-Hirschman index of percentage shares (0-10,000)."""
    s = np.asarray(list(shares), dtype=float)
    if s.size == 0:
        raise ValueError("no shares")
    if (s < 0).any() or s.sum() > 100.5:
        raise ValueError(f"shares must be >= 0 and sum to at most 100, got {s.tolist()}")
    return float((s ** 2).sum())


# US merger-guideline bands, used only as descriptive yardsticks (they were written for antitrust markets).
HHI_BANDS_2010 = ((1500, "unconcentrated"), (2500, "moderately concentrated"), (float("inf"), "highly concentrated"))
HHI_BANDS_2023 = ((1000, "unconcentrated"), (1800, "moderately concentrated"), (float("inf"), "highly concentrated"))


def hhi_band(value: float | None, bands=HHI_BANDS_2010) -> str | None:
    """The guideline band of an HHI value: 2010 Horizontal Merger Guidelines (< 1,500 / 1,500-2,500 / > 2,500)
    or 2023 Merger Guidelines (< 1,000 / 1,000-1,800 / > 1,800)."""
    if value is None or value != value:
        return None
    for upper, name in bands:
        if value < upper:
            return name
    return bands[-1][1]  # pragma: no cover


def hhi_bounds(shares) -> tuple[float, float, float]:
    """(lower, upper, coverage) for the listed players' shares: the unlisted remainder R adds between 0
    (many tiny players) and R² (one player) to the index."""
    s = np.asarray(list(shares), dtype=float)
    covered = float(min(s.sum(), 100.0))
    rest = 100.0 - covered
    low = hhi(s)
    return low, low + rest ** 2, covered


def _year(period: str) -> int:
    digits = "".join(ch for ch in period[:4] if ch.isdigit())
    return int(digits) if len(digits) == 4 else 0


def concentration_indicators(figures: pl.DataFrame, external: pl.DataFrame) -> list[dict]:
    """HHI (lower bound over the listed players, with the upper bound and coverage) per country.

    China: the deck's cross-border import platform shares (the market Japanese exporters sell into).
    Elsewhere: one external set per country, the best metric (GMV share first) nearest to 2022; sets of
    different metrics are not comparable, which the 'indicator' note says."""
    rows = []
    cn = figures.filter((pl.col("figure_id") == "china_cbec_platform_share") & (pl.col("series") == "share"))
    if cn.height:
        low, high, cov = hhi_bounds(cn["value"].to_list())
        rows.append(_row(iso3="CHN", pillar="concentration", indicator="hhi", value=low, low=low, high=high,
                         coverage=cov, unit="hhi", period="2022Q3", origin="deck", source=cn["source"][0],
                         vintage="Analysys 2022Q3",
                         note=f"{cn.height} cross-border import platforms (names not printed), shares sum to {cov:.1f}%"))
    shares = external.filter(pl.col("topic").is_in(list(SHARE_TOPICS)))
    individual = shares.filter(~pl.any_horizontal([pl.col("entity").str.contains(w, literal=True) for w in AGGREGATE_WORDS]))
    for iso3 in sorted(set(individual["country_iso3"].to_list()) - {"CHN", "SEA"}):
        best = None
        for metric, klass in SHARE_METRICS.items():
            sets = individual.filter((pl.col("country_iso3") == iso3) & (pl.col("metric") == metric))
            for (period, vintage), g in sets.group_by("period", "vintage", maintain_order=True):
                key = (klass, abs(_year(period) - TARGET_YEAR), -g.height, metric)
                if best is None or key < best[0]:
                    best = (key, metric, period, vintage, g)
        if best is None:
            continue
        _, metric, period, vintage, g = best
        low, high, cov = hhi_bounds(g["value"].to_list())
        players = ", ".join(f"{e} {v:g}" for e, v in zip(g["entity"], g["value"]))
        rows.append(_row(iso3=iso3, pillar="concentration", indicator="hhi", value=low, low=low, high=high,
                         coverage=cov, unit="hhi", period=period, origin="external", source=g["source_title"][0],
                         vintage=vintage, url=g["source_url"][0],
                         note=f"{metric}: {players} (covers {cov:.0f}%); lower bound over listed players, "
                              f"comparable only within one metric"))
    return rows


def indicators(figures: pl.DataFrame, external: pl.DataFrame) -> pl.DataFrame:
    rows = growth_indicators(figures, external) + sns_indicators(figures, external) + \
        concentration_indicators(figures, external)
    return pl.DataFrame(rows, schema=INDICATOR_SCHEMA, orient="row").sort("pillar", "iso3")


def coverage(ind: pl.DataFrame, candidates) -> pl.DataFrame:
    """Every candidate with the pillars it has."""
    rows = []
    for iso3 in candidates:
        have = set(ind.filter((pl.col("iso3") == iso3) & pl.col("pillar").is_in(list(PILLARS)))["pillar"].to_list())
        rows.append({"iso3": iso3, "name_en": resolve(iso3).name_en, "name_ja": resolve(iso3).name_ja,
                     **{p: p in have for p in PILLARS}, "pillars": len(have)})
    return pl.DataFrame(rows)


# ── normalisation, aggregation ───────────────────────────────────────────────────────────────


def normalise(x: np.ndarray, method: str) -> np.ndarray:
    """Per-column normalisation over the countries, NaN kept. Scores are positive (1-100 for min-max,
    50 ± 10 per s.d. for z-scores, floored at 1) so that geometric aggregation is defined."""
    x = np.asarray(x, dtype=float)
    out = np.full_like(x, np.nan)
    for j in range(x.shape[1]):
        col = x[:, j]
        ok = ~np.isnan(col)
        if ok.sum() == 0:
            continue
        v = col[ok]
        if method == "minmax":
            span = v.max() - v.min()
            out[ok, j] = 1 + 99 * ((v - v.min()) / span if span > 0 else np.full_like(v, 0.5))
        elif method == "zscore":
            sd = v.std()
            out[ok, j] = np.maximum(1.0, 50 + 10 * ((v - v.mean()) / sd if sd > 0 else 0.0))
        else:
            raise ParameterError(f"parameter 'normalisation' must be one of {list(NORMALISATIONS)}, got {method!r}")
    return out


def aggregate(z: np.ndarray, weights: np.ndarray, method: str, missing: str) -> np.ndarray:
    """Weighted arithmetic or geometric mean over pillars; missing pillars by the stated rule."""
    z = np.asarray(z, dtype=float).copy()
    w = np.asarray(weights, dtype=float)
    if missing == "min":
        colmin = np.nanmin(np.where(np.isnan(z), np.inf, z), axis=0)
        z = np.where(np.isnan(z), colmin, z)
    ok = ~np.isnan(z)
    ww = np.where(ok, w, 0.0)
    wsum = ww.sum(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        if method == "arithmetic":
            score = np.where(ok, z, 0.0).__mul__(ww).sum(axis=1) / wsum
        elif method == "geometric":
            score = np.exp((np.where(ok, np.log(np.where(ok, z, 1.0)), 0.0) * ww).sum(axis=1) / wsum)
        else:
            raise ParameterError(f"parameter 'aggregation' must be one of {list(AGGREGATIONS)}, got {method!r}")
    return np.where(wsum > 0, score, np.nan)


def ranks(scores: np.ndarray) -> np.ndarray:
    """1 = best; ties share the better rank; NaN scores get NaN ranks."""
    out = np.full(scores.shape, np.nan)
    ok = ~np.isnan(scores)
    v = scores[ok]
    out[ok] = [1 + int((v > s).sum()) for s in v]
    return out


# ── the model ────────────────────────────────────────────────────────────────────────────────


@dataclass
class Result:
    params: Params
    indicators: pl.DataFrame
    coverage: pl.DataFrame
    scores: pl.DataFrame
    sensitivity: pl.DataFrame
    comparison: pl.DataFrame


def _matrix(ind: pl.DataFrame, countries: list[str]) -> np.ndarray:
    x = np.full((len(countries), len(PILLARS)), np.nan)
    for i, c in enumerate(countries):
        for j, p in enumerate(PILLARS):
            sel = ind.filter((pl.col("iso3") == c) & (pl.col("pillar") == p))
            if sel.height:
                x[i, j] = sel["value"][0]
    return x


def _score(x: np.ndarray, weights: dict, normalisation: str, aggregation: str, direction: str,
           missing: str) -> np.ndarray:
    x = x.copy()
    if direction == "gatekeeper":
        x[:, 2] = -x[:, 2]  # high concentration counts against
    z = normalise(x, normalisation)
    w = np.array([weights[p] for p in PILLARS])
    return aggregate(z, w, aggregation, missing)


def score(figures: pl.DataFrame, external: pl.DataFrame, params: Params = Params()) -> Result:
    params = validate(params)
    ind = indicators(figures, external)
    cov = coverage(ind, params.candidates)
    keep = cov.filter(pl.col("pillars") >= (3 if params.missing == "exclude" else params.min_pillars))
    countries = keep["iso3"].to_list()
    if len(countries) < 2:
        raise ParameterError("parameter 'candidates': fewer than two countries have enough pillars to rank")
    x = _matrix(ind, countries)
    base = _score(x, params.weights, params.normalisation, params.aggregation, params.concentration_direction,
                  params.missing)
    base_rank = ranks(base)
    z = normalise(np.where(np.arange(3) == 2, -x, x) if params.concentration_direction == "gatekeeper" else x,
                  params.normalisation)

    # Monte Carlo over weights, normalisation, aggregation, direction and the HHI's unlisted remainder
    rng = np.random.default_rng(params.seed)
    lo = np.full(len(countries), np.nan)
    hi = np.full(len(countries), np.nan)
    for r in ind.filter(pl.col("pillar") == "concentration").iter_rows(named=True):
        if r["iso3"] in countries:
            lo[countries.index(r["iso3"])], hi[countries.index(r["iso3"])] = r["low"], r["high"]
    n = params.draws
    all_ranks = np.full((n, len(countries)), np.nan)
    factors = {"weights_growth": np.empty(n), "normalisation": np.empty(n, dtype=object),
               "aggregation": np.empty(n, dtype=object), "direction": np.empty(n, dtype=object),
               "missing_rule": np.empty(n, dtype=object), "hhi_remainder": np.empty(n)}
    for d in range(n):
        noise = rng.uniform(1 - params.weight_noise, 1 + params.weight_noise, 3)
        w = np.array([params.weights[p] for p in PILLARS]) * noise
        w = w / w.sum() if w.sum() > 0 else np.full(3, 1 / 3)
        norm = NORMALISATIONS[rng.integers(2)]
        agg = AGGREGATIONS[rng.integers(2)]
        direction = DIRECTIONS[rng.integers(2)]
        rule = params.missing if params.missing == "exclude" else ("reweight", "min")[rng.integers(2)]
        u = rng.uniform()  # where each HHI lies between its bounds (one draw for all: same kind of source gap)
        xd = x.copy()
        xd[:, 2] = lo + u * (hi - lo)
        s = _score(xd, dict(zip(PILLARS, w)), norm, agg, direction, rule)
        all_ranks[d] = ranks(s)
        factors["weights_growth"][d] = w[0]
        factors["normalisation"][d], factors["aggregation"][d], factors["direction"][d] = norm, agg, direction
        factors["hhi_remainder"][d] = u
        factors["missing_rule"][d] = rule

    rows = []
    for i, c in enumerate(countries):
        pillars = {p: x[i, j] for j, p in enumerate(PILLARS)}
        rows.append({
            "iso3": c, "name_en": resolve(c).name_en, "name_ja": resolve(c).name_ja,
            "growth_pct": pillars["growth"], "sns_ratio": pillars["sns"], "hhi_lower": pillars["concentration"],
            "growth_norm": z[i, 0], "sns_norm": z[i, 1], "concentration_norm": z[i, 2],
            "pillars_used": int(np.sum(~np.isnan(x[i]))), "score": base[i], "rank": int(base_rank[i]),
            "median_rank": float(np.nanmedian(all_ranks[:, i])),
            "rank_p05": float(np.nanpercentile(all_ranks[:, i], 5)),
            "rank_p95": float(np.nanpercentile(all_ranks[:, i], 95)),
        })
    scores = pl.DataFrame(rows).with_columns(
        pl.col(c).fill_nan(None) for c in ("growth_pct", "sns_ratio", "hhi_lower", "growth_norm", "sns_norm",
                                            "concentration_norm")
    ).sort("rank", "iso3")
    return Result(params, ind, cov.with_columns(pl.col("iso3").is_in(countries).alias("ranked")),
                  scores, sensitivity(all_ranks, factors), unctad_comparison(scores, external))


def sensitivity(all_ranks: np.ndarray, factors: dict) -> pl.DataFrame:
    """First-order effect of each choice: the share of rank variance explained by it (Var E[rank|factor] / Var rank),
    averaged over countries. Continuous factors are binned into quintiles."""
    out = []
    total_var = np.nanvar(all_ranks, axis=0)
    for name, values in factors.items():
        if values.dtype == object:
            groups = values
        else:
            groups = np.digitize(values, np.quantile(values, [0.2, 0.4, 0.6, 0.8]))
        levels = sorted(set(groups.tolist()), key=str)
        means = np.array([np.nanmean(all_ranks[groups == lv], axis=0) for lv in levels])
        shares = np.array([np.mean(groups == lv) for lv in levels])
        between = (shares[:, None] * (means - np.nanmean(all_ranks, axis=0)) ** 2).sum(axis=0)
        with np.errstate(invalid="ignore", divide="ignore"):
            s = np.where(total_var > 0, between / total_var, 0.0)
        out.append({"factor": name, "first_order_index": float(np.mean(s)),
                    "max_mean_rank_shift": float(np.max(np.abs(means.max(axis=0) - means.min(axis=0))))})
    return pl.DataFrame(out).sort("first_order_index", descending=True)


def unctad_comparison(scores: pl.DataFrame, external: pl.DataFrame) -> pl.DataFrame:
    """Our rank beside UNCTAD's B2C E-commerce Index 2020 rank (one edition only), with Spearman's rho."""
    un = external.filter((pl.col("topic") == "unctad_b2c_index") & (pl.col("vintage") == "UNCTAD B2C E-commerce Index 2020"))
    df = scores.select("iso3", "name_en", "rank").join(
        un.select(pl.col("country_iso3").alias("iso3"), pl.col("value").alias("unctad_rank_2020")), on="iso3", how="left")
    both = df.drop_nulls("unctad_rank_2020")
    rho = None
    if both.height >= 3:
        a = both["rank"].rank().to_numpy()
        b = both["unctad_rank_2020"].rank().to_numpy()
        rho = float(np.corrcoef(a, b)[0, 1])
    return df.with_columns(pl.lit(rho, dtype=pl.Float64).alias("spearman_rho"),
                           pl.lit(both.height, dtype=pl.Int32).alias("n_overlap")).sort("rank")


def scores_table(result: Result) -> pl.DataFrame:
    """One row per candidate: pillar values with source and vintage, normalised values, score, rank and band.
    Candidates without enough pillars are kept with ranked = false and no score."""
    ind = result.indicators
    def pick(pillar: str, cols: dict[str, str]) -> pl.DataFrame:
        return ind.filter(pl.col("pillar") == pillar).select("iso3", *[pl.col(k).alias(v) for k, v in cols.items()])
    wide = (result.coverage.select("iso3", "name_en", "name_ja", "ranked", "pillars")
            .join(result.scores.drop("name_en", "name_ja"), on="iso3", how="left")
            .join(pick("growth", {"origin": "growth_origin", "vintage": "growth_vintage", "source": "growth_source"}), on="iso3", how="left")
            .join(pick("sns", {"origin": "sns_origin", "vintage": "sns_edition", "source": "sns_source"}), on="iso3", how="left")
            .join(pick("concentration", {"high": "hhi_upper", "coverage": "hhi_coverage", "origin": "hhi_origin",
                                         "vintage": "hhi_vintage", "source": "hhi_source", "note": "hhi_players"}),
                  on="iso3", how="left")
            .join(pick("context", {"value": "ecommerce_sales_2022_usd"}), on="iso3", how="left"))
    p = result.params
    def band(col: str, bands) -> pl.Expr:
        return pl.col(col).map_elements(lambda v: hhi_band(v, bands), return_dtype=pl.String)
    wide = wide.with_columns(
        band("hhi_lower", HHI_BANDS_2010).alias("hhi_band_2010_lower"),
        band("hhi_upper", HHI_BANDS_2010).alias("hhi_band_2010_upper"),
        band("hhi_lower", HHI_BANDS_2023).alias("hhi_band_2023_lower"),
        band("hhi_upper", HHI_BANDS_2023).alias("hhi_band_2023_upper"),
    )
    return wide.with_columns(
        pl.lit(f"weights={p.weights}; normalisation={p.normalisation}; aggregation={p.aggregation}; "
               f"direction={p.concentration_direction}; missing={p.missing}; min_pillars={p.min_pillars}; "
               f"draws={p.draws}; weight_noise={p.weight_noise}; seed={p.seed}").alias("parameters")
    ).sort(pl.col("rank").fill_null(999), "iso3")
