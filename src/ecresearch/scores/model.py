"""Target-country scoring: growth, social-media usage and platform concentration (market size as optional context).

Follows the OECD/JRC composite-indicator steps: indicators with their sources (``indicators``), missing values as
declared ranges (``uncertain``: never a silent re-weighting), normalisation (min-max or z-score), weighting,
aggregation (arithmetic or geometric), and a Monte Carlo over everything that is *uncertain* around the analyst's
choices: weights around the chosen ones, each HHI within its interval (triangular, most likely at the declared
``hhi_point``), each imputed or forecast value within its range, the edition where a market has two, and the
coverage rule applied per draw; normalisation and aggregation only when asked (the extended analysis). The Monte
Carlo is vectorised (arrays draws × countries × pillars); each published probability comes with its standard
error sqrt(p(1 - p) / draws). The concentration direction is the analyst's goal (a dominant platform as channel or
as gatekeeper), never drawn at random: both readings are published side by side.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import polars as pl

from ecresearch.errors import ParameterError
from ecresearch.params import AGGREGATIONS, CORE_PILLARS, NORMALISATIONS, PILLARS, Params, validate
from ecresearch.scores.hhi import triangular
from ecresearch.scores.indicators import coverage, select
from ecresearch.scores.uncertain import (
    CONC,
    TRIANGULAR,
    UNIFORM,
    Cells,
    cells,
    eligible,
    imputed_share,
    scoreable,
    weight_vector,
)

EDITION_SWITCH = 0.5  # per draw and pillar, the chance that markets with a second edition are scored from it


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


def oriented(x: np.ndarray, direction: str) -> np.ndarray:
    """Values with every pillar pointing the same way (higher is better): concentration negated for a gatekeeper."""
    x = np.array(x, dtype=float)
    if direction == "gatekeeper":
        x[..., CONC] = -x[..., CONC]
    return x


def composite(x: np.ndarray, weights: dict, normalisation: str, aggregation: str, direction: str) -> np.ndarray:
    """Scores of the countries in ``x`` (rows) from raw pillar values (columns in PILLARS order)."""
    z = normalise(oriented(x, direction), normalisation)
    return aggregate(z, np.array([weights[p] for p in PILLARS]), aggregation)


@dataclass(frozen=True)
class Draws:
    """The Monte Carlo's (or a Sobol sample's) inputs, one row per draw."""

    weights: np.ndarray  # draws × PILLARS, each row summing to 1
    normalisation: np.ndarray  # draws: index into NORMALISATIONS
    aggregation: np.ndarray  # draws: index into AGGREGATIONS
    values: np.ndarray  # draws × countries × PILLARS: every pillar value of the draw


def drawn_values(c: Cells, u: np.ndarray, switch: np.ndarray, hhi_point: str) -> np.ndarray:
    """Pillar values from quantiles ``u`` (draws × countries × pillars, in [0, 1]) of each cell's distribution —
    triangular for an HHI (mode at ``hhi_point``), uniform for a forecast or imputed range, fixed otherwise — and
    the edition switch (draws × pillars, bool): where it is on, a cell with a second edition takes that value."""
    n = u.shape[0]
    v = np.broadcast_to(c.point, (n, *c.point.shape)).copy()
    tri = np.broadcast_to(c.dist == TRIANGULAR, v.shape)
    uni = np.broadcast_to(c.dist == UNIFORM, v.shape)
    low = np.broadcast_to(c.low, v.shape)
    high = np.broadcast_to(c.high, v.shape)
    v[tri] = triangular(u[tri], low[tri], high[tri], hhi_point)
    v[uni] = low[uni] + u[uni] * (high[uni] - low[uni])
    alt = np.broadcast_to(c.alt, v.shape)
    use_alt = switch[:, None, :] & ~np.isnan(alt)
    v[use_alt] = alt[use_alt]
    return v


def draw_inputs(c: Cells, params: Params) -> Draws:
    """Draw every uncertain input for all draws at once from ``params.seed``: each weight × U(1 - noise,
    1 + noise), renormalised; normalisation and aggregation uniformly among the two each when ``vary_methods``
    (else the chosen ones); every cell's value from its distribution (see ``drawn_values``); per pillar, the
    edition switch with probability ``EDITION_SWITCH``."""
    rng = np.random.default_rng(params.seed)
    n = params.draws
    w = weight_vector(params) * rng.uniform(1 - params.weight_noise, 1 + params.weight_noise, (n, len(PILLARS)))
    w = w / w.sum(axis=1, keepdims=True)
    norm = rng.integers(2, size=n) if params.vary_methods else np.full(n, NORMALISATIONS.index(params.normalisation))
    agg = rng.integers(2, size=n) if params.vary_methods else np.full(n, AGGREGATIONS.index(params.aggregation))
    u = rng.uniform(size=(n, *c.point.shape))
    switch = rng.uniform(size=(n, len(PILLARS))) < EDITION_SWITCH
    return Draws(w, norm, agg, drawn_values(c, u, switch, params.hhi_point))


def rank_draws(c: Cells, draws: Draws, params: Params) -> np.ndarray:
    """Ranks of the countries in every draw (draws × countries), all draws at once; NaN where the coverage rule
    unranks a market under that draw's weights (it then takes no part in that draw's normalisation either)."""
    n = len(draws.weights)
    ok = eligible(c, draws.weights[:, None, :], params.max_missing_weight)  # draws × countries
    xd = oriented(np.where(ok[..., None], draws.values, np.nan), params.concentration_direction)
    scores = np.full((n, len(c.countries)), np.nan)
    for i, norm in enumerate(NORMALISATIONS):
        for j, agg in enumerate(AGGREGATIONS):
            sel = (draws.normalisation == i) & (draws.aggregation == j)
            if sel.any():
                scores[sel] = aggregate(normalise(xd[sel], norm), draws.weights[sel][:, None, :], agg)
    return ranks(scores)


def monte_carlo(c: Cells, params: Params) -> np.ndarray:
    """Ranks under what is uncertain around the chosen parameters (draws × countries)."""
    return rank_draws(c, draw_inputs(c, params), params)


@dataclass
class Result:
    params: Params
    indicators: pl.DataFrame
    coverage: pl.DataFrame
    scores: pl.DataFrame  # every scored market: point score and rank (null when unranked), Monte Carlo statistics
    draws: np.ndarray  # Monte Carlo ranks, draws × countries (NaN when unranked in a draw)
    countries: list[str]
    cells: Cells
    data_sets: pl.DataFrame  # the rows each indicator was computed from (published as scored_data_sets)
    inputs: Draws | None = None  # the Monte Carlo's drawn inputs

    @property
    def x(self) -> np.ndarray:
        """The sourced pillar values as scored (an HHI at its declared point; NaN where imputed)."""
        return np.where(self.cells.imputed, np.nan, self.cells.point)


def score(figures: pl.DataFrame, external: pl.DataFrame, params: Params | None = None) -> Result:
    params = validate(params or Params())
    ind, data_sets = select(figures, external, params.pins, params.candidates)
    return score_indicators(ind, data_sets, params)


def score_indicators(ind: pl.DataFrame, data_sets: pl.DataFrame, params: Params) -> Result:
    """The scores from indicators already selected (``select``): what every choice after the selection —
    weights, reading, HHI point, coverage rule, methods, draws — changes; the what-if panel re-ranks here."""
    params = validate(params)
    every = cells(ind, params)
    w = weight_vector(params)
    share = imputed_share(every.imputed, w)
    keep = scoreable(every, params)
    ranked = keep & eligible(every, w, params.max_missing_weight)
    cov = coverage(ind, params.candidates).with_columns(
        pl.Series("missing_weight", share.round(6)), pl.Series("ranked", ranked)
    )
    if ranked.sum() < 2:
        raise ParameterError(
            f"parameter 'weights': with these weights fewer than two candidates have enough data "
            f"(a country is unranked when its imputed pillars carry more than "
            f"{params.max_missing_weight:.0%} of the weight)"
        )
    c = every.select(keep)
    point_ok = ranked[keep]
    x = np.where(point_ok[:, None], c.point, np.nan)
    base = composite(x, params.weights, params.normalisation, params.aggregation, params.concentration_direction)
    base_rank = ranks(base)
    z = normalise(oriented(x, params.concentration_direction), params.normalisation)
    inputs = draw_inputs(c, params)
    mc = rank_draws(c, inputs, params)
    rows = [_row(c, i, x, z, base, base_rank, mc, params) for i in range(len(c.countries))]
    scores = pl.DataFrame(rows, infer_schema_length=None).sort(pl.col("rank").fill_null(999), "iso3")
    return Result(params, ind, cov, scores, mc, c.countries, c, data_sets, inputs)


def _row(c: Cells, i: int, x, z, base, base_rank, mc, params: Params) -> dict:
    d = mc[:, i]
    seen = d[~np.isnan(d)]
    p1, p3 = float(np.mean(d == 1)), float(np.mean(d <= 3))
    stat = (lambda f: float(f(seen))) if seen.size else (lambda f: None)
    return {
        "iso3": c.countries[i],
        **{f"{p}_value": _f(c.point[i, j]) for j, p in enumerate(PILLARS)},
        **{f"{p}_low": _f(c.low[i, j]) if c.dist[i, j] else None for j, p in enumerate(PILLARS)},
        **{f"{p}_high": _f(c.high[i, j]) if c.dist[i, j] else None for j, p in enumerate(PILLARS)},
        **{f"{p}_norm": _f(z[i, j]) for j, p in enumerate(PILLARS)},
        **{f"{p}_basis": c.basis(i, j) for j, p in enumerate(PILLARS)},
        "pillars_used": int(np.sum(~c.imputed[i, : len(CORE_PILLARS)])),
        "score": _f(base[i]),
        "rank": None if np.isnan(base_rank[i]) else int(base_rank[i]),
        "median_rank": stat(np.median),
        "rank_p05": stat(lambda s: np.percentile(s, 5)),
        "rank_p95": stat(lambda s: np.percentile(s, 95)),
        "p_ranked": float(seen.size / len(d)),
        "p_rank1": p1,
        "p_top3": p3,
        "p_rank1_se": mc_se(p1, params.draws),
        "p_top3_se": mc_se(p3, params.draws),
    }


def mc_se(p: float, draws: int) -> float:
    """Monte Carlo standard error of a probability estimated as a share of ``draws`` independent draws."""
    return float(np.sqrt(p * (1 - p) / draws))


def _f(v) -> float | None:
    return None if v != v else float(v)
