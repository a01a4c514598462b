"""Scoring: HHI, normalisation and aggregation properties, parameter errors, reproducible uncertainty."""
import numpy as np
import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ecresearch.scoring import model as scoring
from ecresearch.errors import ParameterError
from ecresearch.scoring.model import Params, aggregate, hhi, hhi_bounds, normalise, ranks


@pytest.mark.parametrize("shares, expected", [
    ([100], 10000), ([50, 50], 5000), ([25, 25, 25, 25], 2500), ([10] * 10, 1000),
    ([39.6, 25.0, 20.1, 8.6, 2.5, 2.2, 0.5, 1.5], 2684.72),
])
def test_hhi_known_vectors(shares, expected):
    assert hhi(shares) == pytest.approx(expected)


def test_hhi_bounds_cover_the_unlisted_remainder():
    assert hhi_bounds([60]) == pytest.approx((3600, 3600 + 40 ** 2, 60))
    assert hhi_bounds([50, 50]) == pytest.approx((5000, 5000, 100))
    with pytest.raises(ValueError):
        hhi([60, 50])
    with pytest.raises(ValueError):
        hhi([-1, 20])


matrices = st.lists(st.lists(st.floats(-50, 300, allow_nan=False), min_size=3, max_size=3), min_size=3, max_size=8)


@settings(max_examples=60, deadline=None)
@given(matrices, st.sampled_from(scoring.NORMALISATIONS), st.sampled_from(scoring.AGGREGATIONS),
       st.integers(0, 2), st.floats(0.5, 100))
def test_score_is_monotone_in_each_pillar(rows, norm, agg, pillar, bump):
    x = np.array(rows)
    w = np.array([0.2, 0.3, 0.5])
    base = aggregate(normalise(x, norm), w, agg, "reweight")
    x2 = x.copy()
    x2[0, pillar] += bump
    after = aggregate(normalise(x2, norm), w, agg, "reweight")
    # the improved country never loses ground against any other
    assert ranks(after)[0] <= ranks(base)[0]


@settings(max_examples=40, deadline=None)
@given(matrices, st.sampled_from(scoring.NORMALISATIONS), st.sampled_from(scoring.AGGREGATIONS), st.randoms())
def test_scores_do_not_depend_on_country_order(rows, norm, agg, rnd):
    x = np.array(rows)
    perm = list(range(len(rows)))
    rnd.shuffle(perm)
    w = np.array([1 / 3] * 3)
    a = aggregate(normalise(x, norm), w, agg, "reweight")
    b = aggregate(normalise(x[perm], norm), w, agg, "reweight")
    assert b == pytest.approx(a[perm])


def test_normalised_scores_are_positive_and_bounded():
    z = normalise(np.array([[1.0, -5, 3], [2, 0, 3], [3, 5, 3]]), "minmax")
    assert z.min() >= 1 and z.max() <= 100
    assert (z[:, 2] == 50.5).all()  # a constant pillar does not discriminate


@pytest.mark.parametrize("bad, name", [
    (dict(weights={"growth": -0.1, "sns": 0.6, "concentration": 0.5}), "weights"),
    (dict(weights={"growth": 0, "sns": 0, "concentration": 0}), "weights"),
    (dict(weights={"growth": 0.5, "sns": 0.5, "concentration": 0.5}), "weights"),
    (dict(weights={"growth": 1.0}), "weights"),
    (dict(normalisation="rank"), "normalisation"),
    (dict(aggregation="median"), "aggregation"),
    (dict(concentration_direction="up"), "concentration_direction"),
    (dict(candidates=("IDN", "Atlantis")), "candidates"),
    (dict(candidates=("IDN", "インドネシア")), "candidates"),
    (dict(draws=0), "draws"),
])
def test_bad_parameters_name_the_parameter(bad, name):
    with pytest.raises(ParameterError, match=name):
        scoring.validate(Params(**bad))


def test_candidates_accept_names_and_codes():
    p = scoring.validate(Params(candidates=("Indonesia", "ベトナム", "us", "CHN")))
    assert p.candidates == ("IDN", "VNM", "USA", "CHN")


@pytest.fixture(scope="module")
def result(extracted):
    return scoring.score(extracted.figures, extracted.external, Params(draws=300))


def test_monte_carlo_is_reproducible(extracted, result):
    again = scoring.score(extracted.figures, extracted.external, Params(draws=300))
    assert again.scores.equals(result.scores)
    other = scoring.score(extracted.figures, extracted.external, Params(draws=300, seed=1))
    assert other.scores["score"].to_list() == result.scores["score"].to_list()  # baseline does not depend on the seed


def test_bands_contain_the_median(result):
    s = result.scores
    assert (s["rank_p05"] <= s["median_rank"]).all() and (s["median_rank"] <= s["rank_p95"]).all()


def test_coverage_and_missing_rules(extracted, result):
    cov = result.coverage
    assert cov.filter(pl.col("iso3") == "HKG")["ranked"][0] is False
    assert not result.scores.filter(pl.col("iso3") == "HKG").height
    strict = scoring.score(extracted.figures, extracted.external, Params(missing="exclude", draws=50))
    assert set(strict.scores["pillars_used"].to_list()) == {3}


def test_every_input_has_a_source(result):
    ind = result.indicators
    assert ind["source"].null_count() == 0 and ind["vintage"].null_count() == 0
    ext = ind.filter(pl.col("origin") == "external")
    assert ext["url"].null_count() == 0


def test_china_uses_the_decks_cross_border_shares(result):
    cn = result.indicators.filter((pl.col("iso3") == "CHN") & (pl.col("pillar") == "concentration"))
    assert cn["origin"][0] == "deck" and cn["value"][0] == pytest.approx(2684.72) and cn["coverage"][0] == pytest.approx(100)


def test_direction_flips_the_concentration_pillar(extracted):
    a = scoring.score(extracted.figures, extracted.external, Params(draws=10))
    b = scoring.score(extracted.figures, extracted.external, Params(draws=10, concentration_direction="gatekeeper"))
    hi = a.scores.sort("hhi_lower", descending=True, nulls_last=True)["iso3"][0]
    assert a.scores.filter(pl.col("iso3") == hi)["concentration_norm"][0] == pytest.approx(100)
    assert b.scores.filter(pl.col("iso3") == hi)["concentration_norm"][0] == pytest.approx(1)


def test_weights_change_the_ranking(extracted):
    growth_only = scoring.score(extracted.figures, extracted.external,
                                Params(weights={"growth": 1.0, "sns": 0.0, "concentration": 0.0}, missing="exclude", draws=10))
    assert growth_only.scores["iso3"][0] == "IDN"  # fastest growth in the deck's table (34.0%)
