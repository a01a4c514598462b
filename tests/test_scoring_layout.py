"""The fast Monte Carlo path (one pillar at a time, countries × draws, cached random stream) gives bit for bit
the numbers of the whole-array formulas it replaces: ``aggregate(normalise(oriented(values)))`` over draws ×
countries × pillars, ``ranks``, and the per-country statistics computed one country at a time."""

import numpy as np
import pytest

from ecresearch import params as P
from ecresearch.params import Params
from ecresearch.scores import model as M
from ecresearch.scores.uncertain import Cells, eligible, from_arrays


def whole_array_scores(c: Cells, draws: M.Draws, params: Params) -> np.ndarray:
    """The previous vectorised path: every draw, country and pillar in one array, per (normalisation,
    aggregation) group."""
    n = len(draws.weights)
    ok = eligible(c, draws.weights[:, None, :], params.max_missing_weight)
    xd = M.oriented(np.where(ok[..., None], draws.values, np.nan), params.concentration_direction)
    scores = np.full((n, len(c.countries)), np.nan)
    for i, norm in enumerate(P.NORMALISATIONS):
        for j, agg in enumerate(P.AGGREGATIONS):
            sel = (draws.normalisation == i) & (draws.aggregation == j)
            if sel.any():
                scores[sel] = M.aggregate(M.normalise(xd[sel], norm), draws.weights[sel][:, None, :], agg)
    return scores


def reference_inputs(c: Cells, params: Params) -> M.Draws:
    """The draws as they were made before the stream was cached: one generator, in this order."""
    rng = np.random.default_rng(params.seed)
    n = params.draws
    w = np.array([params.weights[p] for p in P.PILLARS]) * rng.uniform(
        1 - params.weight_noise, 1 + params.weight_noise, (n, len(P.PILLARS))
    )
    w = w / w.sum(axis=1, keepdims=True)
    if params.vary_methods:
        norm, agg = rng.integers(2, size=n), rng.integers(2, size=n)
    else:
        norm = np.full(n, P.NORMALISATIONS.index(params.normalisation))
        agg = np.full(n, P.AGGREGATIONS.index(params.aggregation))
    u = rng.uniform(size=(n, *c.point.shape))
    switch = rng.uniform(size=(n, len(P.PILLARS))) < M.EDITION_SWITCH
    return M.Draws(w, norm, agg, reference_values(c, u, switch, params.hhi_point))


def reference_values(c: Cells, u, switch, hhi_point):
    """``drawn_values`` on the whole broadcast arrays, as before it computed only the drawn cells."""
    from ecresearch.scores.hhi import triangular
    from ecresearch.scores.uncertain import TRIANGULAR, UNIFORM

    v = np.broadcast_to(c.point, u.shape).copy()
    tri, uni = (np.broadcast_to(c.dist == d, v.shape) for d in (TRIANGULAR, UNIFORM))
    low, high, alt = (np.broadcast_to(a, v.shape) for a in (c.low, c.high, c.alt))
    v[tri] = triangular(u[tri], low[tri], high[tri], hhi_point)
    v[uni] = low[uni] + u[uni] * (high[uni] - low[uni])
    use_alt = switch[:, None, :] & ~np.isnan(alt)
    v[use_alt] = alt[use_alt]
    return v


def random_cells(rng, k: int, nan_pillar: bool) -> Cells:
    """k markets: growth, SNS, an HHI interval, size; some imputed cells, some second editions, and (when
    ``nan_pillar``) unsourced cells left NaN (no imputed range), so a market can lack a weighted value."""
    x = np.column_stack(
        [rng.normal(10, 8, k), rng.uniform(0.5, 2.5, k), rng.uniform(800, 6000, k), rng.uniform(1, 500, k)]
    )
    x[rng.uniform(size=k) < 0.4, 0] = x[0, 0]  # ties: equal values in some markets
    imputed = rng.uniform(size=x.shape) < 0.15
    imputed[:, 2] = False
    low, high = np.full(x.shape, np.nan), np.full(x.shape, np.nan)
    low[imputed], high[imputed] = x[imputed] * 0.5, x[imputed] * 1.5
    span = rng.uniform(0, 2000, k)
    low[:, 2], high[:, 2] = x[:, 2] - span / 2, x[:, 2] + span / 2
    x = np.where(imputed, np.nan, x)
    if nan_pillar:
        x[rng.uniform(size=k) < 0.3, 3] = np.nan  # unsourced, not imputed
    c = from_arrays(x, low, high, imputed=imputed)
    alt = np.where(rng.uniform(size=x.shape) < 0.2, x * rng.uniform(0.8, 1.2, x.shape), np.nan)
    tri = np.zeros(x.shape, dtype=bool)
    tri[:, 2] = high[:, 2] > low[:, 2]
    dist = np.where(tri, 1, c.dist)
    return Cells(c.countries, c.value, c.point, c.low, c.high, dist, alt, c.imputed)


CASES = [
    # draws, weights, normalisation, aggregation, varied, direction, limit, NaN pillar
    (1, {"growth": 1, "sns": 1, "concentration": 1}, "minmax", "arithmetic", False, "channel", 0.5, False),
    (7, {"growth": 2, "sns": 1, "concentration": 1}, "zscore", "geometric", False, "gatekeeper", 0.34, False),
    (
        2501,
        {"growth": 1, "sns": 1, "concentration": 1, "size": 1},
        "minmax",
        "arithmetic",
        True,
        "gatekeeper",
        0.5,
        True,
    ),
    (4000, {"growth": 0, "sns": 1, "concentration": 2}, "zscore", "arithmetic", True, "channel", 0.0, False),
    (3000, {"growth": 1, "sns": 0, "concentration": 1, "size": 1}, "minmax", "geometric", False, "channel", 0.34, True),
    (5000, {"growth": 3, "sns": 1, "concentration": 1}, "zscore", "geometric", True, "channel", 0.5, True),
]


@pytest.mark.parametrize("case", range(len(CASES)))
@pytest.mark.parametrize("seed", [1, 2])
def test_the_fast_path_equals_the_whole_array_formulas_bit_for_bit(case, seed):
    n, weights, norm, agg, vary, direction, limit, nan_pillar = CASES[case]
    rng = np.random.default_rng(seed * 100 + case)
    c = random_cells(rng, int(rng.integers(3, 16)), nan_pillar)
    p = P.validate(
        Params(
            weights=weights,
            normalisation=norm,
            aggregation=agg,
            vary_methods=vary,
            concentration_direction=direction,
            max_missing_weight=limit,
            draws=n,
            seed=seed,
        )
    )
    inputs = M.draw_inputs(c, p)
    ref = reference_inputs(c, p)
    for f in ("weights", "normalisation", "aggregation", "values"):
        assert np.array_equal(getattr(inputs, f), getattr(ref, f), equal_nan=True), f
    expected = whole_array_scores(c, ref, p)
    got = M.draw_scores(c, inputs, p)
    assert np.array_equal(got, expected, equal_nan=True)
    assert np.array_equal(M.rank_draws(c, inputs, p), M.ranks(expected), equal_nan=True)


@pytest.mark.parametrize("n", [3001, 10000, 57])
def test_draw_stats_equal_the_statistics_of_each_column_alone(n):
    rng = np.random.default_rng(n)
    k = 15
    mc = rng.integers(1, k + 1, (n, k)).astype(float)
    mc[:, 8] = np.sort(mc[:, 8])  # sorted columns: neighbouring order statistics differ, so interpolation shows
    mc[rng.uniform(size=n) < 0.3, 2] = np.nan  # a market unranked in some draws
    mc[:, 5] = np.nan  # and one in every draw
    mc[:, 7] = 4.0  # one always fourth
    stats = M.draw_stats(mc, n)
    for i in range(k):
        d = mc[:, i]
        seen = d[~np.isnan(d)]
        one = (
            {"median_rank": float(np.median(seen)), "rank_p05": float(np.percentile(seen, 5))}
            | {"rank_p95": float(np.percentile(seen, 95))}
            if seen.size
            else {"median_rank": None, "rank_p05": None, "rank_p95": None}
        )
        p1, p3 = float(np.mean(d == 1)), float(np.mean(d <= 3))
        one |= {"p_ranked": float(seen.size / n), "p_rank1": p1, "p_top3": p3}
        one |= {"p_rank1_se": M.mc_se(p1, n), "p_top3_se": M.mc_se(p3, n)}
        assert stats[i] == one, i


def test_the_random_stream_and_drawn_values_are_reused_only_for_the_same_inputs():
    rng = np.random.default_rng(9)
    c = random_cells(rng, 6, False)
    p = P.validate(Params(draws=500, hhi_point="lower"))
    first = M.draw_inputs(c, p)
    again = M.draw_inputs(c, P.validate(Params(draws=500, hhi_point="lower", weights={"growth": 2, "sns": 1})))
    assert again.values is first.values  # another weighting draws nothing
    with pytest.raises(ValueError):
        first.values[0, 0, 0] = 1.0  # shared, so read-only
    upper = M.draw_inputs(c, P.validate(Params(draws=500, hhi_point="upper")))
    assert not np.array_equal(upper.values, first.values)
    assert np.array_equal(upper.values, reference_inputs(c, P.validate(Params(draws=500, hhi_point="upper"))).values)
    moved = Cells(c.countries, c.value, c.point + 1, c.low + 1, c.high + 1, c.dist, c.alt, c.imputed)
    assert np.array_equal(M.draw_inputs(moved, p).values, reference_inputs(moved, p).values)
    reseeded = P.validate(Params(draws=500, hhi_point="lower", seed=1))
    assert np.array_equal(M.draw_inputs(c, reseeded).weights, reference_inputs(c, reseeded).weights)
