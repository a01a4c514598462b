"""Scoring: HHI intervals, normalisation and aggregation properties, parameters, the missing-data rule, the
Monte Carlo keeping the analyst's direction, Sobol indices checked on the Ishigami function."""

import math

import numpy as np
import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ecresearch import params as P
from ecresearch.errors import ParameterError
from ecresearch.params import Params
from ecresearch.scores import analysis, indicators
from ecresearch.scores.hhi import cr_interval, hhi, hhi_interval
from ecresearch.scores.model import aggregate, normalise, ranks, score
from ecresearch.scores.uncertain import TRIANGULAR, from_arrays, scoreable


@pytest.mark.parametrize(
    "shares, expected",
    [
        ([100], 10000),
        ([50, 50], 5000),
        ([25, 25, 25, 25], 2500),
        ([10] * 10, 1000),
        ([39.6, 25.0, 20.1, 8.6, 2.5, 2.2, 0.5, 1.5], 2684.72),
    ],
)
def test_hhi_known_vectors(shares, expected):
    assert hhi(shares) == pytest.approx(expected)


def test_hhi_interval_uses_the_smallest_listed_share():
    # 60 listed: the other 40 are at most 60 each → one player of 40
    assert hhi_interval([60]) == pytest.approx((3600, 3600 + 1600, 60))
    # 30 + 20 listed: the other 50 in players of at most 20 → 20 + 20 + 10
    assert hhi_interval([30, 20]) == pytest.approx((1300, 1300 + 400 + 400 + 100, 50))
    assert hhi_interval([50, 50]) == pytest.approx((5000, 5000, 100))
    with pytest.raises(ValueError):
        hhi([60, 50])
    with pytest.raises(ValueError):
        hhi([-1, 20])


shares = st.lists(st.floats(0.5, 60), min_size=1, max_size=8).filter(lambda s: sum(s) <= 100)


@settings(max_examples=80, deadline=None)
@given(shares)
def test_hhi_interval_brackets_every_completion(listed):
    low, high, cov = hhi_interval(listed)
    assert low <= high and cov == pytest.approx(min(sum(listed), 100))
    rest, cap = 100 - sum(listed), min(listed)
    # any completion of the market with unlisted players no larger than the smallest listed lies inside
    for n in range(math.ceil(rest / cap - 1e-9) if rest > 0 else 0, 40):
        if n == 0:
            assert low == pytest.approx(high)
            break
        completed = hhi(list(listed) + [rest / n] * n)
        assert low - 1e-6 <= completed <= high + 1e-6


@settings(max_examples=60, deadline=None)
@given(st.floats(5, 100), st.integers(1, 6))
def test_concentration_ratio_bounds_contain_equal_and_unequal_splits(c, n):
    low, high, cov = cr_interval(c, n)
    assert low <= high + 1e-9 and cov == c
    assert low == pytest.approx(c * c / n)
    equal = hhi([c / n] * n)
    assert low - 1e-6 <= equal <= high + 1e-6


matrices = st.lists(st.lists(st.floats(-50, 300, allow_nan=False), min_size=4, max_size=4), min_size=3, max_size=8)


WEIGHTS = np.array([0.2, 0.3, 0.5, 0.0])
ROUNDING = 1e-9  # z-scores go through a mean and a standard deviation: equal in exact arithmetic, a few ulps apart


def _improved(rows, norm: str, agg: str, pillar: int, bump: float) -> tuple[np.ndarray, np.ndarray]:
    """Scores before and after country 0 improves by ``bump`` in one weighted pillar, all else equal."""
    x = np.array(rows, dtype=float)
    base = aggregate(normalise(x, norm), WEIGHTS, agg)
    x[0, pillar] += bump
    return base, aggregate(normalise(x, norm), WEIGHTS, agg)


@settings(max_examples=60, deadline=None)
@given(
    matrices, st.sampled_from(P.NORMALISATIONS), st.sampled_from(P.AGGREGATIONS), st.integers(0, 2), st.floats(0.5, 100)
)
def test_an_improved_country_s_score_does_not_fall(rows, norm, agg, pillar, bump):
    """Under every normalisation: a country's normalised value is non-decreasing in its own raw value (min-max:
    its place between the others' min and max; z-score: sqrt(n-1)·d/sqrt(n·s² + d²), with d its distance from
    the others' mean and s² their variance), and both aggregations increase in each pillar."""
    base, after = _improved(rows, norm, agg, pillar, bump)
    assert after[0] >= base[0] - ROUNDING * abs(base[0])


@settings(max_examples=60, deadline=None)
@given(matrices, st.sampled_from(P.AGGREGATIONS), st.integers(0, 2), st.floats(0.5, 100))
def test_under_min_max_an_improved_country_does_not_lose_rank(rows, agg, pillar, bump):
    """Min-max only: raising one value can only raise that column's min or max, and (v - min) / (max - min) falls
    as either rises, so no other country's score rises while this one's does not fall. (Checked with 20,000
    examples.) Countries are counted above it only when clearly above, so an exact tie is not decided by rounding."""
    base, after = _improved(rows, "minmax", agg, pillar, bump)
    others_before, others_after = np.delete(base, 0), np.delete(after, 0)
    assert (others_after <= others_before + ROUNDING * np.abs(others_before)).all()
    clearly_above = (others_after > after[0] + ROUNDING * abs(after[0])).sum()
    assert 1 + clearly_above <= ranks(base)[0]


def test_under_z_scores_an_improved_country_can_lose_rank():
    """Why the rank property holds for min-max only. Country 0 leads the third pillar; raising its lead widens
    that pillar's spread. With three countries a z-score cannot pass sqrt(2), so the leader gains little, while
    the wider spread pulls the laggard (country 1) towards the mean: country 1 gains more and overtakes."""
    rows = [[10.0, 0.0, 60.0, 10.0], [30.0, 70.0, 10.0, 0.0], [30.0, 20.0, 20.0, 40.0]]
    base, after = _improved(rows, "zscore", "arithmetic", pillar=2, bump=40.0)
    assert after[0] > base[0]  # its score rose...
    assert (ranks(base)[0], ranks(after)[0]) == (1, 2)  # ...and it fell from first to second
    assert after[1] - base[1] > after[0] - base[0] > 0
    # the same improvement under min-max keeps it first
    base, after = _improved(rows, "minmax", "arithmetic", pillar=2, bump=40.0)
    assert ranks(after)[0] <= ranks(base)[0]


@settings(max_examples=40, deadline=None)
@given(matrices, st.sampled_from(P.NORMALISATIONS), st.sampled_from(P.AGGREGATIONS), st.randoms())
def test_scores_do_not_depend_on_country_order(rows, norm, agg, rnd):
    x = np.array(rows)
    perm = list(range(len(rows)))
    rnd.shuffle(perm)
    w = np.array([1 / 3] * 3 + [0.0])
    assert aggregate(normalise(x[perm], norm), w, agg) == pytest.approx(aggregate(normalise(x, norm), w, agg)[perm])


def test_zero_weight_pillars_play_no_part():
    z = np.array([[10.0, 90, 50, np.nan], [90, 10, 50, 5]])
    only_growth = aggregate(z, np.array([1.0, 0, 0, 0]), "arithmetic")
    assert only_growth.tolist() == [10.0, 90.0]


@pytest.mark.parametrize(
    "bad, name",
    [
        (dict(weights={"growth": -0.1, "sns": 0.6, "concentration": 0.5}), "weights"),
        (dict(weights={"growth": 0, "sns": 0, "concentration": 0}), "weights"),
        (dict(weights={"growth": 1.0, "reach": 1.0}), "weights"),
        (dict(weights={"growth": float("nan")}), "weights"),
        (dict(normalisation="rank"), "normalisation"),
        (dict(aggregation="median"), "aggregation"),
        (dict(concentration_direction="up"), "concentration_direction"),
        (dict(hhi_point="max"), "hhi_point"),
        (dict(candidates=("IDN", "Atlantis")), "candidates"),
        (dict(candidates=("IDN", "インドネシア")), "candidates"),
        (dict(draws=0), "draws"),
        (dict(max_missing_weight=1.5), "max_missing_weight"),
    ],
)
def test_bad_parameters_name_the_parameter(bad, name):
    with pytest.raises(ParameterError, match=name):
        P.validate(Params(**bad))


def test_weights_are_relative_and_normalised():
    p = P.validate(Params(weights={"growth": 2, "sns": 1, "concentration": 1}))
    assert p.weights == pytest.approx({"growth": 0.5, "sns": 0.25, "concentration": 0.25, "size": 0.0})
    assert P.validate(p) == p and p.digest() == P.validate(p).digest()


def test_params_file_errors_name_the_file(tmp_path):
    f = tmp_path / "params.toml"
    f.write_text("[scoring]\nweigths = {growth = 1}\n")
    with pytest.raises(ParameterError, match=r"params.toml \[scoring\]: unknown parameter\(s\) \['weigths'\]"):
        P.load_file(f)
    f.write_text("[scoring\n")
    with pytest.raises(ParameterError, match="params.toml"):
        P.load_file(f)


def test_candidates_accept_names_and_codes():
    assert P.validate(Params(candidates=("Indonesia", "ベトナム", "us", "CHN"))).candidates == (
        "IDN",
        "VNM",
        "USA",
        "CHN",
    )


@pytest.fixture(scope="module")
def result(extracted):
    return score(extracted.figures, extracted.external, Params(draws=300))


def test_monte_carlo_is_reproducible(extracted, result):
    again = score(extracted.figures, extracted.external, Params(draws=300))
    assert again.scores.equals(result.scores)
    other = score(extracted.figures, extracted.external, Params(draws=300, seed=1))
    assert other.scores["score"].to_list() == result.scores["score"].to_list()  # the baseline has no randomness
    assert not np.array_equal(other.draws, result.draws)


def test_band_is_the_percentiles_of_the_draws(result):
    s = result.scores
    for i, c in enumerate(result.countries):
        r = s.filter(pl.col("iso3") == c).row(0, named=True)
        d = result.draws[:, i]
        seen = d[~np.isnan(d)]
        if seen.size == 0:  # never ranked (too much imputed in every draw): no band
            assert r["rank_p05"] is None and r["p_ranked"] == 0 and r["rank"] is None
            continue
        assert r["rank_p05"] == np.percentile(seen, 5)
        assert r["rank_p95"] == np.percentile(seen, 95)
        assert r["p_top3"] == pytest.approx(np.mean(d <= 3))
        assert r["p_ranked"] == pytest.approx(seen.size / d.size)
    # some country's rank is genuinely uncertain (a band wider than one place), or the analysis says nothing
    assert (s["rank_p95"] - s["rank_p05"]).max() >= 1


def test_monte_carlo_keeps_the_chosen_direction():
    """With nothing uncertain (no weight noise, point HHIs), every draw equals the baseline of the chosen
    direction, which differs from the other direction's: the direction is never drawn at random."""
    from ecresearch.scores.model import composite, monte_carlo

    x = np.array([[10.0, 1.5, 6000, np.nan], [5.0, 1.0, 1000, np.nan], [8.0, 0.8, 3000, np.nan]])
    c = from_arrays(x)
    for direction in P.DIRECTIONS:
        p = P.validate(Params(draws=50, weight_noise=0.0, concentration_direction=direction))
        draws = monte_carlo(c, p)
        base = ranks(composite(x, p.weights, p.normalisation, p.aggregation, direction))
        assert (draws == base).all(), direction
    ch = ranks(composite(x, P.validate(Params()).weights, "minmax", "arithmetic", "channel"))
    gk = ranks(composite(x, P.validate(Params()).weights, "minmax", "arithmetic", "gatekeeper"))
    assert not np.array_equal(ch, gk)


def test_monte_carlo_varies_methods_only_when_asked():
    from ecresearch.scores.model import composite, monte_carlo

    # four markets whose order depends on the normalisation and the aggregation
    x = np.array(
        [
            [9.9, 0.7, 4627.0, np.nan],
            [23.7, 1.1, 2042.2, np.nan],
            [9.1, 0.8, 3168.6, np.nan],
            [13.6, 0.9, 5894.1, np.nan],
        ]
    )
    c = from_arrays(x)
    fixed = monte_carlo(c, P.validate(Params(draws=200, weight_noise=0.0)))
    assert (fixed == fixed[0]).all()
    varied = monte_carlo(c, P.validate(Params(draws=200, weight_noise=0.0, vary_methods=True)))
    seen = {tuple(r) for r in varied}
    expected = {
        tuple(ranks(composite(x, P.validate(Params()).weights, n, a, "channel")))
        for n in P.NORMALISATIONS
        for a in P.AGGREGATIONS
    }
    assert seen <= expected and len(seen) > 1


def reference_ranks(cells, inputs, params):
    """The Monte Carlo one draw at a time (a plain loop over ``composite``), on given drawn inputs: the
    coverage rule by that draw's weights, then the ranks of the markets it keeps."""
    from ecresearch.scores.model import composite

    n, k = len(inputs.weights), len(cells.countries)
    out = np.full((n, k), np.nan)
    for d in range(n):
        w = inputs.weights[d]
        share = (cells.imputed * w).sum(axis=1) / w.sum()
        keep = share <= params.max_missing_weight + 1e-9
        xd = np.where(keep[:, None], inputs.values[d], np.nan)
        norm, agg = P.NORMALISATIONS[inputs.normalisation[d]], P.AGGREGATIONS[inputs.aggregation[d]]
        out[d] = ranks(composite(xd, dict(zip(P.PILLARS, w, strict=False)), norm, agg, params.concentration_direction))
    return out


@pytest.mark.parametrize("direction", P.DIRECTIONS)
@pytest.mark.parametrize("hhi_point", P.HHI_POINTS)
def test_vectorised_monte_carlo_equals_the_per_draw_reference_on_the_same_inputs(extracted, direction, hhi_point):
    """On one set of drawn inputs (methods varied, imputed cells, editions), the vectorised ranks equal the
    per-draw reference's exactly."""
    from ecresearch.scores.model import draw_inputs, rank_draws

    p = P.validate(Params(draws=400, vary_methods=True, concentration_direction=direction, hhi_point=hhi_point))
    r = score(extracted.figures, extracted.external, p)
    inputs = draw_inputs(r.cells, p)
    assert set(inputs.normalisation) == {0, 1} and set(inputs.aggregation) == {0, 1}
    assert r.cells.imputed.any() and (~np.isnan(r.cells.alt)).any()  # the comparison covers both
    assert np.array_equal(rank_draws(r.cells, inputs, p), reference_ranks(r.cells, inputs, p), equal_nan=True)


def test_hhi_draws_are_triangular_with_the_mode_at_the_declared_point(extracted):
    from ecresearch.scores.model import draw_inputs

    for where in P.HHI_POINTS:
        p = P.validate(Params(draws=20000, hhi_point=where))
        c = score(extracted.figures, extracted.external, P.validate(Params(draws=10, hhi_point=where))).cells
        j = P.PILLARS.index("concentration")
        has = (c.dist[:, j] == TRIANGULAR) & (c.high[:, j] > c.low[:, j])
        low, high = c.low[has, j], c.high[has, j]
        mode = {"lower": low, "midpoint": (low + high) / 2, "upper": high}[where]
        assert np.allclose(c.point[has, j], mode)  # the point score honours hhi_point
        h = draw_inputs(c, p).values[:, has, j]
        assert (h >= low).all() and (h <= high).all()
        mean, sd = (low + mode + high) / 3, (high - low) / np.sqrt(18) * 1.5  # sd of a triangular ≤ span/sqrt(18)
        assert (np.abs(h.mean(axis=0) - mean) <= 4 * sd / np.sqrt(len(h))).all(), where


def test_monte_carlo_honours_hhi_point(extracted):
    """P(rank 1) moves with the declared HHI point: some market's differs between lower and upper by far more
    than the Monte Carlo error; and every drawn HHI stays in its market's interval."""
    lower = score(extracted.figures, extracted.external, Params(draws=4000, hhi_point="lower"))
    upper = score(extracted.figures, extracted.external, Params(draws=4000, hhi_point="upper"))
    a, b = (r.scores.sort("iso3") for r in (lower, upper))
    se = np.sqrt(a["p_rank1_se"].to_numpy() ** 2 + b["p_rank1_se"].to_numpy() ** 2)
    assert (np.abs(a["p_rank1"].to_numpy() - b["p_rank1"].to_numpy()) > np.maximum(5 * se, 0.02)).any()
    j = P.PILLARS.index("concentration")
    for r in (lower, upper):
        h = r.inputs.values[:, :, j]
        assert (h >= r.cells.low[:, j] - 1e-9).all() and (h <= r.cells.high[:, j] + 1e-9).all()


def test_published_probabilities_have_standard_errors(result):
    s = result.scores
    for name in ("p_rank1", "p_top3"):
        p = s[name].to_numpy()
        assert s[f"{name}_se"].to_numpy() == pytest.approx(np.sqrt(p * (1 - p) / result.params.draws))


def test_committed_probabilities_are_precise_enough():
    """Every probability in the committed scores table, in both readings, has a Monte Carlo standard error of at
    most 0.01."""
    from ecresearch import paths

    table = pl.read_parquet(paths.PROCESSED / "country_scores.parquet").filter(pl.col("ranked"))
    for name in ("p_rank1", "p_top3"):
        for col in (f"{name}_se", f"{name}_se_channel", f"{name}_se_gatekeeper"):
            assert table[col].max() <= 0.01
    assert 0.5 / math.sqrt(P.validate(Params()).draws) <= 0.01  # whatever p is, under the default draws


def test_sobol_evaluates_through_the_vectorised_path(result):
    """Each Saltelli sample row ranks like the per-draw reference given the same inputs."""
    problem, _ = analysis.sobol_problem(result)
    assert {"imputed_values", "hhi_intervals", "editions"} <= set(problem["groups"])
    lo, hi = np.array(problem["bounds"]).T
    sample = lo + np.random.default_rng(3).uniform(size=(64, problem["num_vars"])) * (hi - lo)
    inputs = analysis.sobol_draws(result, problem, sample)
    expected = reference_ranks(result.cells, inputs, result.params)
    expected = np.where(np.isnan(expected), len(result.countries) + 1, expected)
    assert np.array_equal(analysis._evaluate(result, problem, sample), expected)


def test_missing_values_are_imputed_never_re_weighted(extracted):
    """A missing pillar is a declared range (the candidates' observed range, scored at its median), flagged as
    imputed; a market is unranked when its imputed pillars carry more than the set share of the weight, and a
    market with no sourced value on any weighted pillar is not scored at all."""
    res = score(extracted.figures, extracted.external, Params(draws=10))
    # Hong Kong: only a growth bound (not in the top-10 list), two pillars imputed: never ranked, in no draw
    assert res.coverage.filter(pl.col("iso3") == "HKG")["ranked"][0] is False
    assert res.scores.filter(pl.col("iso3") == "HKG")["p_ranked"][0] == 0
    x = np.array([[1.0, 1.0, 1000, np.nan], [np.nan, np.nan, np.nan, np.nan]])
    blank = from_arrays(x, imputed=np.isnan(x))
    assert scoreable(blank, P.validate(Params())).tolist() == [True, False]
    c = res.cells
    j = int(np.flatnonzero(c.imputed[:, :3].any(axis=0))[0])  # a core pillar with a gap (KOR's SNS time)
    gap = c.imputed[:, j]
    seen = c.point[~gap, j]
    assert np.allclose(c.low[gap, j], seen.min()) and np.allclose(c.high[gap, j], seen.max())
    assert np.allclose(c.point[gap, j], np.median(seen))
    row = res.scores.filter(pl.col("iso3") == c.countries[int(np.flatnonzero(gap)[0])]).row(0, named=True)
    assert row[f"{P.PILLARS[j]}_basis"] == "imputed" and row["pillars_used"] == 2
    heavy = score(
        extracted.figures,
        extracted.external,
        Params(draws=10, weights={"growth": 0.2, "sns": 0.6, "concentration": 0.2}),
    )
    no_sns = set(heavy.coverage.filter(~pl.col("sns"))["iso3"].to_list()) & set(heavy.countries)
    assert "KOR" in no_sns
    assert heavy.scores.filter(pl.col("iso3").is_in(list(no_sns)))["rank"].null_count() == len(no_sns)
    strict = score(extracted.figures, extracted.external, Params(draws=10, max_missing_weight=0.0))
    assert set(strict.scores.filter(pl.col("rank").is_not_null())["pillars_used"].to_list()) == {3}


def test_coverage_rule_is_applied_per_draw():
    """A market with one imputed pillar of three sits at the rule's edge under 0.34: it is ranked in the point
    (declared weights) and leaves the ranking exactly in the draws whose weights give that pillar more."""
    from ecresearch.scores.model import draw_inputs, rank_draws

    x = np.array([[10.0, 1.5, 3000, np.nan], [5.0, 1.0, 1000, np.nan], [np.nan, 0.8, 2000, np.nan]])
    imputed = np.isnan(x) & (np.arange(4) < 3)
    lo = np.where(imputed, 5.0, np.nan)
    hi = np.where(imputed, 10.0, np.nan)
    c = from_arrays(x, lo, hi, imputed=imputed)
    p = P.validate(Params(draws=2000, max_missing_weight=0.34))
    inputs = draw_inputs(c, p)
    r = rank_draws(c, inputs, p)
    share = inputs.weights[:, 0] / inputs.weights.sum(axis=1)
    assert np.array_equal(np.isnan(r[:, 2]), share > 0.34 + 1e-9)
    assert 0.2 < np.isnan(r[:, 2]).mean() < 0.8  # both entry and exit occur
    assert not np.isnan(r[:, :2]).any()


@given(st.floats(-10, 40), st.floats(0.1, 20), st.floats(0.5, 2.0), st.floats(0.5, 2.0))
@settings(max_examples=40, deadline=None)
def test_band_contains_the_ranks_at_both_ends_of_an_imputed_interval(low, width, sns_a, sns_b):
    """Drawn over its imputed interval (quantiles 0 to 1), a market's ranks run from its rank with the value at the
    interval's lower end to its rank at the upper end, monotonically (more growth never ranks lower), so the
    band contains both ends."""
    from ecresearch.scores.model import Draws, composite, drawn_values, rank_draws

    high = low + width
    x = np.array(
        [[np.nan, sns_a, 3000, np.nan], [20.0, sns_b, 1500, np.nan], [5.0, 1.2, 4000, np.nan], [15, 0.9, 2500, np.nan]]
    )
    imputed = np.zeros_like(x, dtype=bool)
    imputed[0, 0] = True
    lo, hi = np.full_like(x, np.nan), np.full_like(x, np.nan)
    lo[0, 0], hi[0, 0] = low, high
    c = from_arrays(x, lo, hi, imputed=imputed)
    p = P.validate(Params())
    n = 101
    u = np.zeros((n, *x.shape))
    u[:, 0, 0] = np.linspace(0, 1, n)
    w = np.tile([p.weights[q] for q in P.PILLARS], (n, 1))
    draws = Draws(
        w, np.zeros(n, dtype=int), np.zeros(n, dtype=int), drawn_values(c, u, np.zeros((n, 4), bool), "midpoint")
    )
    d = rank_draws(c, draws, p)[:, 0]
    ends = []
    for end in (low, high):
        xe = x.copy()
        xe[0, 0] = end
        ends.append(ranks(composite(xe, p.weights, p.normalisation, p.aggregation, p.concentration_direction))[0])
    assert d[0] == ends[0] and d[-1] == ends[1]
    assert (np.diff(d) <= 0).all()
    assert d.min() <= min(ends) and max(ends) <= d.max()


def test_growth_only_weights_work(extracted):
    g = score(
        extracted.figures, extracted.external, Params(draws=10, weights={"growth": 1, "sns": 0, "concentration": 0})
    )
    assert g.scores["iso3"][0] == "IDN"  # fastest growth in the deck's table (34.0%)
    assert g.scores["score"].is_not_null().all()


def test_every_input_has_a_source(result):
    ind = result.indicators
    assert ind["source"].null_count() == 0 and ind["vintage"].null_count() == 0
    assert ind.filter(pl.col("origin") == "external")["url"].null_count() == 0


def test_china_uses_the_decks_cross_border_shares(result):
    cn = result.indicators.filter((pl.col("iso3") == "CHN") & (pl.col("pillar") == "concentration"))
    assert (
        cn["origin"][0] == "deck"
        and cn["value"][0] == pytest.approx(59.7**2 + 25.0**2 + 8.6**2 + 2.5**2 + 2.2**2 + 1.5**2 + 0.5**2)
        and cn["coverage"][0] == pytest.approx(100)
    )


def test_weak_sources_are_never_scored(extracted, result):
    weak = extracted.external.filter(pl.col("source_grade") == "C")
    assert weak.height > 0
    assert not set(result.indicators["source"].drop_nulls().to_list()) & set(weak["source_title"].to_list())


def ishigami(x, a=7.0, b=0.1):
    return np.sin(x[:, 0]) + a * np.sin(x[:, 1]) ** 2 + b * x[:, 2] ** 4 * np.sin(x[:, 0])


def test_sobol_indices_on_ishigami():
    """Known analytic indices (a=7, b=0.1): S1 = 0.314, 0.442, 0; ST = 0.558, 0.442, 0.244."""
    problem = {"num_vars": 3, "names": ["x1", "x2", "x3"], "bounds": [[-math.pi, math.pi]] * 3}
    (out,) = analysis.sobol_indices(problem, ishigami, 2048, seed=7)
    f = out["factors"]
    for name, s1, st_ in (("x1", 0.314, 0.558), ("x2", 0.442, 0.442), ("x3", 0.0, 0.244)):
        assert f[name]["S1"] == pytest.approx(s1, abs=0.05)
        assert f[name]["ST"] == pytest.approx(st_, abs=0.05)


def test_spearman_interval():
    rho, lo, hi, n = analysis.spearman_ci([1, 2, 3, 4, 5, 6], [1, 2, 3, 4, 6, 5])
    assert n == 6 and lo < rho < hi and rho == pytest.approx(0.9428571)
    assert analysis.spearman_ci([1, 2, 3], [3, 2, 1])[0] is None


def test_concentration_ratio_gives_an_interval_where_no_player_is_listed(result):
    """Canada lists no individual shares, only the five largest companies' combined share: CR5 = 40%."""
    can = result.indicators.filter((pl.col("iso3") == "CAN") & (pl.col("pillar") == "concentration")).row(0, named=True)
    low, high, cov = cr_interval(40, 5)
    assert (can["low"], can["high"], can["coverage"]) == pytest.approx((low, high, cov)) and "CR5" in can["note"]


def test_a_pin_keeps_one_edition_of_an_indicator(extracted):
    from ecresearch.scores.indicators import apply_pins

    pinned = apply_pins(extracted.external, {"sns_time": "Digital 2024"})
    sns = pinned.filter(pl.col("topic").str.starts_with("sns_time"))
    assert sns.height and set(sns["vintage"].to_list()) == {"Digital 2024"}
    assert (
        pinned.filter(~pl.col("topic").str.starts_with("sns_time")).height
        == extracted.external.filter(~pl.col("topic").str.starts_with("sns_time")).height
    )
    res = score(extracted.figures, extracted.external, Params(draws=10, pins={"sns_time": "Digital 2024"}))
    assert set(res.indicators.filter((pl.col("pillar") == "sns") & (pl.col("origin") == "external"))["vintage"]) == {
        "Digital 2024"
    }


def test_growth_bounds_from_the_complete_top_ten_list(result):
    """eMarketer's 2022 list of the ten fastest-growing markets bounds the candidates it lists without a value
    (between their rank's bounds) and every candidate it omits (below the tenth), widened downward by that forecast
    edition's revisions; such a value is an interval from a source, never imputed."""
    g = result.indicators.filter(pl.col("pillar") == "growth")
    by = {r["iso3"]: r for r in g.iter_rows(named=True)}
    revisions = [8.6 - 15.9, 25.5 - 25.5]  # the deck's estimates minus the forecast, for USA and India
    for iso3 in ("VNM", "MYS", "THA"):
        assert by[iso3]["low"] == pytest.approx(18.0 + min(revisions)) and by[iso3]["high"] == pytest.approx(20.6)
    assert by["SGP"]["high"] == pytest.approx(15.9) and by["SGP"]["low"] == pytest.approx(-7.5)
    c = result.cells
    j = P.PILLARS.index("growth")
    for iso3 in ("VNM", "MYS", "THA", "SGP"):
        assert not c.imputed[c.countries.index(iso3), j]


def test_cronbach_alpha_is_computed_on_the_oriented_pillars(result):
    """Negating concentration for the gatekeeper reading changes alpha; the channel reading's alpha is the one of
    the raw pillars."""
    _, a_channel, n = analysis.pca(result, "channel")
    _, a_gate, _ = analysis.pca(result, "gatekeeper")
    assert n >= 4 and a_channel is not None and a_gate is not None
    assert a_channel != pytest.approx(a_gate)
    raw = result.x[:, :3]
    raw = raw[~np.isnan(raw).any(axis=1)]
    z = (raw - raw.mean(axis=0)) / raw.std(axis=0, ddof=1)
    alpha = 3 / 2 * (1 - z.var(axis=0, ddof=1).sum() / z.sum(axis=1).var(ddof=1))
    assert a_channel == pytest.approx(alpha)


def test_platform_sets_prefer_recent_complete_sets_with_the_largest_players(result):
    """The US set is the newest share set (with Walmart), the UK set the one with eBay; each HHI carries its
    metric class."""
    sets = result.data_sets.filter(pl.col("pillar") == "concentration")
    assert "Walmart" in sets.filter(pl.col("iso3") == "USA")["entity"].to_list()
    assert "eBay" in sets.filter(pl.col("iso3") == "GBR")["entity"].to_list()
    conc = result.indicators.filter(pl.col("pillar") == "concentration")
    assert conc["metric_class"].null_count() == 0
    assert set(conc["metric_class"]) <= set(indicators.METRIC_CLASSES)


def test_both_readings_are_published_side_by_side(extracted):
    from ecresearch.scores.step import compute

    result, tables, _ = compute(P.validate(Params(draws=200)))
    read = tables["readings"]
    assert set(read["reading"]) == {"channel", "gatekeeper"}
    for reading in ("channel", "gatekeeper"):
        r = score(extracted.figures, extracted.external, Params(draws=200, concentration_direction=reading))
        mine = read.filter(pl.col("reading") == reading).sort("iso3")
        assert mine["p_top3"].to_list() == r.scores.sort("iso3")["p_top3"].to_list()
    holds = tables["holds"]
    for row in holds.iter_rows(named=True):
        assert row["p_top3_min"] == read.filter(pl.col("iso3") == row["iso3"])["p_top3"].min()
