"""Target-country scoring: growth, social-media usage and platform concentration (market size as optional context).

Follows the OECD/JRC composite-indicator steps: indicators with their sources (``indicators``), missing data by
a declared rule, normalisation (min-max or z-score), weighting, aggregation (arithmetic or geometric), and a
Monte Carlo over what is *uncertain* around the analyst's choices — weights around the chosen ones, each HHI
within its interval, and normalisation/aggregation only when asked. The concentration direction is the
analyst's goal (a dominant platform as channel or as gatekeeper), never drawn at random.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import polars as pl

from ecresearch.errors import ParameterError
from ecresearch.params import AGGREGATIONS, CORE_PILLARS, NORMALISATIONS, PILLARS, Params, validate
from ecresearch.scores.hhi import point
from ecresearch.scores.indicators import coverage, select

CONC = PILLARS.index("concentration")


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


def aggregate(z: np.ndarray, weights: np.ndarray, method: str) -> np.ndarray:
    """Weighted arithmetic or geometric mean over the pillars a country has (weights renormalised over them);
    pillars with weight 0 play no part. NaN where a country has no weighted pillar."""
    z = np.asarray(z, dtype=float)
    w = np.asarray(weights, dtype=float)
    ok = ~np.isnan(z) & (w > 0)
    ww = np.where(ok, w, 0.0)
    wsum = ww.sum(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        if method == "arithmetic":
            score = (np.where(ok, z, 0.0) * ww).sum(axis=1) / wsum
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


def missing_weight(x: np.ndarray, weights: dict) -> np.ndarray:
    """Per country, the share of the total weight carried by the pillars it lacks."""
    w = np.array([weights[p] for p in PILLARS])
    return (np.isnan(x) * w).sum(axis=1)


def composite(x: np.ndarray, weights: dict, normalisation: str, aggregation: str, direction: str) -> np.ndarray:
    """Scores of the countries in ``x`` (rows) from raw pillar values (columns in PILLARS order)."""
    x = np.array(x, dtype=float)
    if direction == "gatekeeper":
        x[:, CONC] = -x[:, CONC]  # high concentration counts against
    z = normalise(x, normalisation)
    return aggregate(z, np.array([weights[p] for p in PILLARS]), aggregation)


@dataclass
class Result:
    params: Params
    indicators: pl.DataFrame
    coverage: pl.DataFrame
    scores: pl.DataFrame
    draws: np.ndarray  # Monte Carlo ranks, draws × ranked countries
    countries: list[str]
    x: np.ndarray  # raw pillar values of the ranked countries
    low: np.ndarray  # HHI interval per ranked country
    high: np.ndarray
    data_sets: pl.DataFrame  # the rows each indicator was computed from (published as scored_data_sets)


def pillar_matrix(ind: pl.DataFrame, countries: list[str]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Raw values (countries × PILLARS) and the HHI interval bounds."""
    x = np.full((len(countries), len(PILLARS)), np.nan)
    low = np.full(len(countries), np.nan)
    high = np.full(len(countries), np.nan)
    for r in ind.iter_rows(named=True):
        if r["iso3"] in countries and r["pillar"] in PILLARS:
            i = countries.index(r["iso3"])
            x[i, PILLARS.index(r["pillar"])] = r["value"]
            if r["pillar"] == "concentration":
                low[i], high[i] = r["low"], r["high"]
    return x, low, high


def monte_carlo(x: np.ndarray, low: np.ndarray, high: np.ndarray, params: Params) -> np.ndarray:
    """Ranks under what is uncertain around the chosen parameters (draws × countries)."""
    rng = np.random.default_rng(params.seed)
    n, k = params.draws, x.shape[0]
    out = np.full((n, k), np.nan)
    w0 = np.array([params.weights[p] for p in PILLARS])
    for d in range(n):
        w = w0 * rng.uniform(1 - params.weight_noise, 1 + params.weight_noise, len(PILLARS))
        w = w / w.sum()
        norm = NORMALISATIONS[rng.integers(2)] if params.vary_methods else params.normalisation
        agg = AGGREGATIONS[rng.integers(2)] if params.vary_methods else params.aggregation
        xd = x.copy()
        has = ~np.isnan(low)
        xd[has, CONC] = rng.uniform(low[has], high[has])  # each market's HHI anywhere in its interval
        out[d] = ranks(composite(xd, dict(zip(PILLARS, w, strict=False)), norm, agg, params.concentration_direction))
    return out


def score(figures: pl.DataFrame, external: pl.DataFrame, params: Params | None = None) -> Result:
    params = validate(params or Params())
    ind, data_sets = select(figures, external, params.pins)
    cov = coverage(ind, params.candidates)
    x_all, _, _ = pillar_matrix(ind, list(params.candidates))
    miss = missing_weight(x_all, params.weights)
    cov = cov.with_columns(
        pl.Series("missing_weight", miss.round(6)), pl.Series("ranked", miss <= params.max_missing_weight + 1e-9)
    )
    countries = cov.filter(pl.col("ranked"))["iso3"].to_list()
    if len(countries) < 2:
        raise ParameterError(
            f"parameter 'weights': with these weights fewer than two candidates have enough data "
            f"(a country is unranked when its missing pillars carry more than "
            f"{params.max_missing_weight:.0%} of the weight)"
        )
    x, low, high = pillar_matrix(ind, countries)
    has = ~np.isnan(low)
    x[has, CONC] = [point(lo, hi, params.hhi_point) for lo, hi in zip(low[has], high[has], strict=False)]
    base = composite(x, params.weights, params.normalisation, params.aggregation, params.concentration_direction)
    base_rank = ranks(base)
    signed = x.copy()
    if params.concentration_direction == "gatekeeper":
        signed[:, CONC] = -signed[:, CONC]
    z = normalise(signed, params.normalisation)
    mc = monte_carlo(x, low, high, params)
    rows = []
    for i, c in enumerate(countries):
        rows.append(
            {
                "iso3": c,
                **{f"{p}_value": _f(x[i, j]) for j, p in enumerate(PILLARS)},
                **{f"{p}_norm": _f(z[i, j]) for j, p in enumerate(PILLARS)},
                "pillars_used": int(np.sum(~np.isnan(x[i, : len(CORE_PILLARS)]))),
                "score": float(base[i]),
                "rank": int(base_rank[i]),
                "median_rank": float(np.median(mc[:, i])),
                "rank_p05": float(np.percentile(mc[:, i], 5)),
                "rank_p95": float(np.percentile(mc[:, i], 95)),
                "p_rank1": float(np.mean(mc[:, i] == 1)),
                "p_top3": float(np.mean(mc[:, i] <= 3)),
            }
        )
    scores = pl.DataFrame(rows, infer_schema_length=None).sort("rank", "iso3")
    return Result(params, ind, cov, scores, mc, countries, x, low, high, data_sets)


def _f(v) -> float | None:
    return None if v != v else float(v)
