"""Target-country scoring: growth, social-media usage and platform concentration (market size as optional context).

Follows the OECD/JRC composite-indicator steps: indicators with their sources (``indicators``), missing data by
a declared rule, normalisation (min-max or z-score), weighting, aggregation (arithmetic or geometric), and a
Monte Carlo over what is *uncertain* around the analyst's choices — weights around the chosen ones, each HHI
within its interval (triangular, most likely at the declared ``hhi_point``), and normalisation/aggregation only
when asked. The Monte Carlo is vectorised (arrays draws × countries × pillars); each published probability
comes with its standard error sqrt(p(1 - p) / draws). The concentration direction is the
analyst's goal (a dominant platform as channel or as gatekeeper), never drawn at random.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import polars as pl

from ecresearch.errors import ParameterError
from ecresearch.params import AGGREGATIONS, CORE_PILLARS, NORMALISATIONS, PILLARS, Params, validate
from ecresearch.scores.hhi import point, triangular
from ecresearch.scores.indicators import coverage, select

CONC = PILLARS.index("concentration")


def normalise(x: np.ndarray, method: str) -> np.ndarray:
    """Per-column normalisation over the countries (axis -2; leading axes are draws), NaN kept. Scores are
    positive (1-100 for min-max, 50 ± 10 per s.d. for z-scores, floored at 1) so that geometric aggregation is
    defined."""
    x = np.asarray(x, dtype=float)
    ok = ~np.isnan(x)
    n = ok.sum(axis=-2, keepdims=True)
    with np.errstate(invalid="ignore", divide="ignore"):
        if method == "minmax":
            lo = np.min(np.where(ok, x, np.inf), axis=-2, keepdims=True)
            span = np.max(np.where(ok, x, -np.inf), axis=-2, keepdims=True) - lo
            out = 1 + 99 * np.where(span > 0, (x - lo) / span, 0.5)
        elif method == "zscore":
            mean = np.where(ok, x, 0.0).sum(axis=-2, keepdims=True) / n
            sd = np.sqrt(np.where(ok, (x - mean) ** 2, 0.0).sum(axis=-2, keepdims=True) / n)
            out = np.maximum(1.0, 50 + 10 * np.where(sd > 0, (x - mean) / sd, 0.0))
        else:
            raise ParameterError(f"parameter 'normalisation' must be one of {list(NORMALISATIONS)}, got {method!r}")
    return np.where(ok, out, np.nan)


def aggregate(z: np.ndarray, weights: np.ndarray, method: str) -> np.ndarray:
    """Weighted arithmetic or geometric mean over the pillars a country has (weights renormalised over them);
    pillars with weight 0 play no part. NaN where a country has no weighted pillar. ``z`` is (..., countries,
    pillars); ``weights`` is (pillars,) or, per draw, (..., 1, pillars)."""
    z = np.asarray(z, dtype=float)
    w = np.asarray(weights, dtype=float)
    ok = ~np.isnan(z) & (w > 0)
    ww = np.where(ok, w, 0.0)
    wsum = ww.sum(axis=-1)
    with np.errstate(invalid="ignore", divide="ignore"):
        if method == "arithmetic":
            score = (np.where(ok, z, 0.0) * ww).sum(axis=-1) / wsum
        elif method == "geometric":
            score = np.exp((np.where(ok, np.log(np.where(ok, z, 1.0)), 0.0) * ww).sum(axis=-1) / wsum)
        else:
            raise ParameterError(f"parameter 'aggregation' must be one of {list(AGGREGATIONS)}, got {method!r}")
    return np.where(wsum > 0, score, np.nan)


def ranks(scores: np.ndarray) -> np.ndarray:
    """Ranks over the last axis (countries): 1 = best; ties share the better rank; NaN scores get NaN ranks."""
    s = np.asarray(scores, dtype=float)
    above = (s[..., None, :] > s[..., :, None]).sum(axis=-1)  # NaN compares False: not counted above anyone
    return np.where(np.isnan(s), np.nan, 1.0 + above)


def missing_weight(x: np.ndarray, weights: dict) -> np.ndarray:
    """Per country, the share of the total weight carried by the pillars it lacks."""
    w = np.array([weights[p] for p in PILLARS])
    return (np.isnan(x) * w).sum(axis=1)


def composite(x: np.ndarray, weights: dict, normalisation: str, aggregation: str, direction: str) -> np.ndarray:
    """Scores of the countries in ``x`` (rows) from raw pillar values (columns in PILLARS order)."""
    x = np.array(x, dtype=float)
    if direction == "gatekeeper":
        x[..., CONC] = -x[..., CONC]  # high concentration counts against
    z = normalise(x, normalisation)
    return aggregate(z, np.array([weights[p] for p in PILLARS]), aggregation)


@dataclass(frozen=True)
class Draws:
    """The Monte Carlo's (or a Sobol sample's) inputs, one row per draw."""

    weights: np.ndarray  # draws × PILLARS, each row summing to 1
    normalisation: np.ndarray  # draws: index into NORMALISATIONS
    aggregation: np.ndarray  # draws: index into AGGREGATIONS
    hhi: np.ndarray  # draws × countries; NaN where a country has no HHI interval (its value in x is kept)


def draw_inputs(low: np.ndarray, high: np.ndarray, params: Params) -> Draws:
    """Draw every uncertain input for all draws at once from ``params.seed``: each weight × U(1 - noise,
    1 + noise), renormalised; normalisation and aggregation uniformly among the two each when ``vary_methods``
    (else the chosen ones); each market's HHI from the triangular distribution on its interval [low, high]
    with its mode at the declared ``hhi_point`` (lower, midpoint or upper), so the scored point is the most
    likely value and the draws never leave the interval (see ``hhi.triangular``)."""
    rng = np.random.default_rng(params.seed)
    n, k = params.draws, len(low)
    w = np.array([params.weights[p] for p in PILLARS]) * rng.uniform(
        1 - params.weight_noise, 1 + params.weight_noise, (n, len(PILLARS))
    )
    w = w / w.sum(axis=1, keepdims=True)
    norm = rng.integers(2, size=n) if params.vary_methods else np.full(n, NORMALISATIONS.index(params.normalisation))
    agg = rng.integers(2, size=n) if params.vary_methods else np.full(n, AGGREGATIONS.index(params.aggregation))
    has = ~np.isnan(low)
    hhi = np.full((n, k), np.nan)
    hhi[:, has] = triangular(rng.uniform(size=(n, int(has.sum()))), low[has], high[has], params.hhi_point)
    return Draws(w, norm, agg, hhi)


def rank_draws(x: np.ndarray, draws: Draws, direction: str) -> np.ndarray:
    """Ranks of the countries in every draw (draws × countries), all draws at once: arrays draws × countries ×
    pillars, one normalisation/aggregation pass per method pair that occurs."""
    n = len(draws.weights)
    xd = np.broadcast_to(np.asarray(x, dtype=float), (n, *x.shape)).copy()
    has = ~np.isnan(draws.hhi)
    xd[..., CONC] = np.where(has, draws.hhi, xd[..., CONC])
    if direction == "gatekeeper":
        xd[..., CONC] = -xd[..., CONC]  # high concentration counts against
    scores = np.full((n, x.shape[0]), np.nan)
    for i, norm in enumerate(NORMALISATIONS):
        for j, agg in enumerate(AGGREGATIONS):
            sel = (draws.normalisation == i) & (draws.aggregation == j)
            if sel.any():
                scores[sel] = aggregate(normalise(xd[sel], norm), draws.weights[sel][:, None, :], agg)
    return ranks(scores)


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
    inputs: Draws | None = None  # the Monte Carlo's drawn inputs


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
    """Ranks under what is uncertain around the chosen parameters (draws × countries): the inputs drawn by
    ``draw_inputs`` (weights, methods when asked, each HHI from a triangular distribution on its interval with
    its mode at ``hhi_point``), ranked by ``rank_draws``."""
    return rank_draws(x, draw_inputs(low, high, params), params.concentration_direction)


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
    inputs = draw_inputs(low, high, params)
    mc = rank_draws(x, inputs, params.concentration_direction)
    p_rank1, p_top3 = np.mean(mc == 1, axis=0), np.mean(mc <= 3, axis=0)
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
                "p_rank1": float(p_rank1[i]),
                "p_top3": float(p_top3[i]),
                "p_rank1_se": mc_se(p_rank1[i], params.draws),
                "p_top3_se": mc_se(p_top3[i], params.draws),
            }
        )
    scores = pl.DataFrame(rows, infer_schema_length=None).sort("rank", "iso3")
    return Result(params, ind, cov, scores, mc, countries, x, low, high, data_sets, inputs)


def mc_se(p: float, draws: int) -> float:
    """Monte Carlo standard error of a probability estimated as a share of ``draws`` independent draws."""
    return float(np.sqrt(p * (1 - p) / draws))


def _f(v) -> float | None:
    return None if v != v else float(v)
