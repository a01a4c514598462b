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

import functools
from collections import OrderedDict
from dataclasses import dataclass, replace
from typing import overload

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
    by_pillar: np.ndarray | None = None  # the same values as PILLARS × countries × draws, contiguous (or None)

    def columns(self) -> np.ndarray:
        """The values as PILLARS × countries × draws: one market's draws of one pillar are contiguous."""
        return self.by_pillar if self.by_pillar is not None else np.ascontiguousarray(self.values.transpose(2, 1, 0))


def drawn_values(c: Cells, u: np.ndarray, switch: np.ndarray, hhi_point: str) -> np.ndarray:
    """Pillar values from quantiles ``u`` (draws × countries × pillars, in [0, 1]) of each cell's distribution —
    triangular for an HHI (mode at ``hhi_point``), uniform for a forecast or imputed range, fixed otherwise — and
    the edition switch (draws × pillars, bool): where it is on, a cell with a second edition takes that value.
    Computed on the drawn cells' columns only (the formulas are elementwise, so the numbers are those of the
    whole array)."""
    n = u.shape[0]
    k, m = c.point.shape
    v = np.broadcast_to(c.point.reshape(-1), (n, k * m)).copy()
    uu = u.reshape(n, k * m)
    flat = {f: getattr(c, f).reshape(-1) for f in ("low", "high", "dist", "alt")}
    tri = np.flatnonzero(flat["dist"] == TRIANGULAR)
    uni = np.flatnonzero(flat["dist"] == UNIFORM)
    v[:, tri] = triangular(uu[:, tri], flat["low"][tri], flat["high"][tri], hhi_point)
    low, high = flat["low"][uni], flat["high"][uni]
    v[:, uni] = low + uu[:, uni] * (high - low)
    alt = np.flatnonzero(~np.isnan(flat["alt"]))
    on = switch[:, alt % m]  # draws × cells with a second edition: the switch of the cell's pillar
    v[:, alt] = np.where(on, flat["alt"][alt], v[:, alt])
    return v.reshape(n, k, m)


@dataclass(frozen=True)
class Stream:
    """The random numbers of one Monte Carlo, in the order they are drawn from the seed: each weight's
    multiplier; normalisation and aggregation indices (only when methods vary); a quantile per cell; the
    edition switch per pillar. None of the panel's controls changes it, so it is drawn once per seed and shape."""

    weight_factor: np.ndarray  # draws × PILLARS
    normalisation: np.ndarray | None  # draws (None unless methods vary)
    aggregation: np.ndarray | None
    u: np.ndarray  # draws × countries × PILLARS, in [0, 1)
    switch: np.ndarray  # draws × PILLARS, bool


@functools.lru_cache(maxsize=4)
def random_stream(seed: int, n: int, noise: float, vary_methods: bool, shape: tuple[int, int]) -> Stream:
    """The stream of ``draw_inputs`` (read-only arrays, shared between callers)."""
    rng = np.random.default_rng(seed)
    factor = rng.uniform(1 - noise, 1 + noise, (n, len(PILLARS)))
    norm = rng.integers(2, size=n) if vary_methods else None
    agg = rng.integers(2, size=n) if vary_methods else None
    u = rng.uniform(size=(n, *shape))
    switch = rng.uniform(size=(n, len(PILLARS))) < EDITION_SWITCH
    return Stream(_frozen(factor), _frozen(norm), _frozen(agg), _frozen(u), _frozen(switch))


@overload
def _frozen(a: np.ndarray) -> np.ndarray: ...
@overload
def _frozen(a: None) -> None: ...
def _frozen(a: np.ndarray | None) -> np.ndarray | None:
    if a is not None:
        a.flags.writeable = False
    return a


# The drawn values of the last few (stream, HHI point, cells), in both layouts: a panel move that changes
# neither the cells nor the HHI point draws nothing.
_VALUES: OrderedDict[tuple, tuple[np.ndarray, np.ndarray]] = OrderedDict()
_VALUES_KEPT = 4


def _values(c: Cells, stream: Stream, stream_key: tuple, hhi_point: str) -> tuple[np.ndarray, np.ndarray]:
    key = (stream_key, hhi_point, *(getattr(c, f).tobytes() for f in ("point", "low", "high", "dist", "alt")))
    if key in _VALUES:
        _VALUES.move_to_end(key)
        return _VALUES[key]
    v = drawn_values(c, stream.u, stream.switch, hhi_point)
    _VALUES[key] = (_frozen(v), _frozen(np.ascontiguousarray(v.transpose(2, 1, 0))))
    while len(_VALUES) > _VALUES_KEPT:
        _VALUES.popitem(last=False)
    return _VALUES[key]


def draw_inputs(c: Cells, params: Params) -> Draws:
    """Draw every uncertain input for all draws at once from ``params.seed``: each weight × U(1 - noise,
    1 + noise), renormalised; normalisation and aggregation uniformly among the two each when ``vary_methods``
    (else the chosen ones); every cell's value from its distribution (see ``drawn_values``); per pillar, the
    edition switch with probability ``EDITION_SWITCH``. The random stream (``random_stream``) and the drawn
    values are reused while the seed, the draws, the cells and the HHI point stay the same."""
    n = params.draws
    key = (params.seed, n, params.weight_noise, params.vary_methods, c.point.shape)
    s = random_stream(*key)
    w = weight_vector(params) * s.weight_factor
    w = w / w.sum(axis=1, keepdims=True)
    # the stream holds the method draws exactly when methods vary (it is keyed by vary_methods)
    norm = s.normalisation if s.normalisation is not None else np.full(n, NORMALISATIONS.index(params.normalisation))
    agg = s.aggregation if s.aggregation is not None else np.full(n, AGGREGATIONS.index(params.aggregation))
    return Draws(w, norm, agg, *_values(c, s, key, params.hhi_point))


def rank_draws(c: Cells, draws: Draws, params: Params) -> np.ndarray:
    """Ranks of the countries in every draw (draws × countries), all draws at once; NaN where the coverage rule
    unranks a market under that draw's weights (it then takes no part in that draw's normalisation either)."""
    return draw_ranks(draw_scores(c, draws, params).T).T


def draw_scores(c: Cells, draws: Draws, params: Params) -> np.ndarray:
    """Scores of the countries in every draw (draws × countries), NaN where unranked: the numbers of
    ``aggregate(normalise(oriented(values)))`` on the whole draws × countries × pillars array, bit for bit.
    Computed one pillar at a time on countries × draws arrays, so that a reduction over the countries is an
    elementwise operation between rows (added first to last, as numpy adds over that axis of the whole array)
    and the pillars are added in PILLARS order (as numpy adds a last axis of four); pillars that no draw weights
    are skipped (they add exact zeros). A view of a countries × draws array."""
    n, k = len(draws.weights), len(c.countries)
    ok = _eligible_draws(c, draws.weights, params.max_missing_weight)  # countries × draws
    weighted = [j for j in range(len(PILLARS)) if (draws.weights[:, j] > 0).any()]
    if not weighted:
        return np.full((n, k), np.nan)
    cols = draws.columns()
    x = {j: cols[j] if ok.all() else np.where(ok, cols[j], np.nan) for j in weighted}
    if params.concentration_direction == "gatekeeper" and CONC in x:
        x[CONC] = -x[CONC]
    # with every weighted cell's range finite, a value is NaN only where its market is unranked in that draw
    whole = not any(np.isnan(getattr(c, f)[:, weighted]).any() for f in ("point", "low", "high"))
    w = np.ascontiguousarray(draws.weights.T)  # PILLARS × draws
    scores = np.full((k, n), np.nan)
    for i, norm in enumerate(NORMALISATIONS):
        for j, agg in enumerate(AGGREGATIONS):
            sel = (draws.normalisation == i) & (draws.aggregation == j)
            if sel.all():
                z = {q: _normalise_columns(v, norm) for q, v in x.items()}
                return _aggregate_columns(z, w, agg, whole).T
            if sel.any():
                z = {q: _normalise_columns(v[:, sel], norm) for q, v in x.items()}
                scores[:, sel] = _aggregate_columns(z, w[:, sel], agg, whole)
    return scores.T


def _eligible_draws(c: Cells, weights: np.ndarray, max_missing_weight: float) -> np.ndarray:
    """``eligible`` per draw as countries × draws, computed once per distinct pattern of imputed pillars."""
    codes = c.imputed @ (1 << np.arange(c.imputed.shape[1]))  # one integer per pattern
    _, first, which = np.unique(codes, return_index=True, return_inverse=True)
    patterns = c.imputed[first][:, None, :]
    ok = eligible(replace(c, imputed=patterns), weights, max_missing_weight)  # patterns × draws
    return ok[which]


def _sum_rows(a: np.ndarray) -> np.ndarray:
    """The sum over the countries (rows), first to last: the order numpy adds the countries axis of the whole
    draws × countries × pillars array in (its order for a countries × draws array varies with the size)."""
    total = a[0].copy()
    for row in a[1:]:
        total += row
    return total


def _normalise_columns(x: np.ndarray, method: str) -> np.ndarray:
    """``normalise`` of one pillar as countries × draws (NaN where unranked)."""
    with np.errstate(invalid="ignore", divide="ignore"):
        if method == "minmax":
            # fmin/fmax skip NaN (min and max are exact: normalise's range); NaN stays NaN through the rest
            lo = np.fmin.reduce(x, axis=0)
            span = np.fmax.reduce(x, axis=0) - lo
            out = x - lo
            out /= span
            out *= 99
            out += 1
            flat = ~(span > 0)  # a draw whose ranked values are all equal: every one in the middle
            if flat.any():
                out[:, flat] = np.where(np.isnan(x[:, flat]), np.nan, 1 + 99 * 0.5)
            return out
        if method == "zscore":
            ok = ~np.isnan(x)
            n = ok.sum(axis=0)
            mean = _sum_rows(np.where(ok, x, 0.0)) / n
            sd = np.sqrt(_sum_rows(np.where(ok, (x - mean) ** 2, 0.0)) / n)
            out = np.maximum(1.0, 50 + 10 * np.where(sd > 0, (x - mean) / sd, 0.0))
            return np.where(ok, out, np.nan)
    raise ParameterError(f"parameter 'normalisation' must be one of {list(NORMALISATIONS)}, got {method!r}")


def _aggregate_columns(z: dict[int, np.ndarray], w: np.ndarray, method: str, whole: bool) -> np.ndarray:
    """``aggregate`` of per-pillar normalised values (pillar → countries × draws) with per-draw weights ``w``
    (PILLARS × draws). ``whole``: a value is NaN only where all of its market's are (unranked in the draw), so
    the weight sum is the draw's and the NaN carried through the sum is ``aggregate``'s NaN for a market
    without a weighted value."""
    if method not in AGGREGATIONS:
        raise ParameterError(f"parameter 'aggregation' must be one of {list(AGGREGATIONS)}, got {method!r}")
    total = wsum = None
    with np.errstate(invalid="ignore", divide="ignore"):
        for j, zj in z.items():
            if whole:
                ww = w[j]
                term = (zj if method == "arithmetic" else np.log(zj)) * ww
            else:
                ok = ~np.isnan(zj)
                ww = np.where(ok, w[j], 0.0)
                term = np.where(ok, zj if method == "arithmetic" else np.log(np.where(ok, zj, 1.0)), 0.0) * ww
            total, wsum = (term, ww) if total is None else (total + term, wsum + ww)
        assert total is not None and wsum is not None  # at least one pillar is weighted
        score = total / wsum if method == "arithmetic" else np.exp(total / wsum)
    return np.where(wsum > 0, score, np.nan)


def draw_ranks(scores: np.ndarray) -> np.ndarray:
    """``ranks`` of countries × draws scores (ranks within each column), counting the countries above each one
    row by row: k comparisons of countries × draws instead of one countries × countries × draws array."""
    above = np.zeros(scores.shape, dtype=np.int16)
    for row in scores:
        above += row > scores  # NaN compares False: not counted above anyone
    return np.where(np.isnan(scores), np.nan, 1.0 + above)


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
    cov = coverage(ind, params.candidates).hstack(  # hstack, not with_columns: no query (the panel's hot path)
        [pl.Series("missing_weight", share.round(6)), pl.Series("ranked", ranked)]
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
    stats = draw_stats(mc, params.draws)
    rows = [_row(c, i, x, z, base, base_rank, stats[i]) for i in range(len(c.countries))]
    rows.sort(key=lambda r: (999 if r["rank"] is None else r["rank"], r["iso3"]))  # unranked last
    scores = pl.DataFrame(rows, infer_schema_length=None)
    return Result(params, ind, cov, scores, mc, c.countries, c, data_sets, inputs)


def _row(c: Cells, i: int, x, z, base, base_rank, stats: dict) -> dict:
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
        **stats,
    }


def draw_stats(mc: np.ndarray, draws: int) -> list[dict]:
    """Per country (a column of the Monte Carlo ranks ``mc``, draws × countries): the median rank and the 5th
    and 95th percentiles of the draws that rank it (None if none does), the share of draws that rank it, P(first),
    P(top three) and their standard errors. The countries ranked in every draw are summarised together, as
    small integers (ranks are whole numbers: the same percentiles, and the median is the 50th percentile)."""
    t = np.ascontiguousarray(mc.T)  # countries × draws
    k, n = t.shape
    seen = ~np.isnan(t)
    counts = seen.sum(axis=1)
    full = np.flatnonzero(counts == n)
    med, p05, p95 = np.full(k, np.nan), np.full(k, np.nan), np.full(k, np.nan)
    if full.size:
        p05[full], med[full], p95[full] = np.percentile(t[full].astype(np.int16), [5, 50, 95], axis=1)
    for part in np.flatnonzero((counts > 0) & (counts < n)):
        d = t[part, seen[part]]
        med[part], p05[part], p95[part] = np.median(d), np.percentile(d, 5), np.percentile(d, 95)
    p1s, p3s = (t == 1).mean(axis=1), (t <= 3).mean(axis=1)  # NaN compares False
    out = []
    for i in range(k):
        p1, p3 = float(p1s[i]), float(p3s[i])
        out.append(
            {
                "median_rank": _f(med[i]),
                "rank_p05": _f(p05[i]),
                "rank_p95": _f(p95[i]),
                "p_ranked": float(int(counts[i]) / n),
                "p_rank1": p1,
                "p_top3": p3,
                "p_rank1_se": mc_se(p1, draws),
                "p_top3_se": mc_se(p3, draws),
            }
        )
    return out


def mc_se(p: float, draws: int) -> float:
    """Monte Carlo standard error of a probability estimated as a share of ``draws`` independent draws."""
    return float(np.sqrt(p * (1 - p) / draws))


def _f(v) -> float | None:
    return None if v != v else float(v)
