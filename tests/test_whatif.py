"""What-if re-ranking: the same numbers as score() for every setting of the panel, the command that rebuilds the
setting, and the HTML the panel and the page show."""

from __future__ import annotations

import re
from dataclasses import replace

import numpy as np
import polars as pl
import pytest
from polars.testing import assert_frame_equal

from ecresearch import cli, datasets, paths
from ecresearch.domain.labels import label
from ecresearch.errors import ParameterError
from ecresearch.params import PILLARS, Params, load_file, validate
from ecresearch.scores import whatif
from ecresearch.scores.analysis import INDISTINCT, robust_pairs
from ecresearch.scores.model import score
from tests.site_check import RAW_FLOAT

DRAWS = 400  # enough draws to exercise the bands and probabilities; the equality is exact at any number


@pytest.fixture(scope="module")
def inputs():
    return datasets.read("deck_figures"), datasets.read("external_figures")


@pytest.fixture(scope="module")
def prep(inputs):
    return whatif.prepare(*inputs, replace(load_file(paths.PARAMS_FILE), draws=DRAWS))


SETTINGS = [
    whatif.Setting((1, 1, 1, 0), "channel", "midpoint", 0.34),
    whatif.Setting((2, 1, 1, 0), "gatekeeper", "upper", 0.34),
    whatif.Setting((0, 1, 3, 0), "channel", "lower", 0.5),
    whatif.Setting((5, 2, 0, 0), "gatekeeper", "midpoint", 0.0),
    whatif.Setting((1, 1, 1, 1), "channel", "upper", 0.8),
]


@pytest.mark.parametrize("setting", SETTINGS, ids=str)
def test_rerank_equals_score(prep, inputs, setting):
    params = whatif.params_of(prep.base, setting)
    fast, ref = whatif.rerank(prep, params), score(*inputs, params)
    assert_frame_equal(fast.scores, ref.scores)
    assert_frame_equal(fast.coverage, ref.coverage)
    assert fast.countries == ref.countries
    assert np.array_equal(fast.draws, ref.draws, equal_nan=True)
    assert np.array_equal(fast.x, ref.x, equal_nan=True)


def test_a_parameter_outside_the_panel_goes_through_score(prep, inputs):
    params = replace(prep.base, normalisation="zscore", aggregation="geometric")
    assert_frame_equal(whatif.rerank(prep, params).scores, score(*inputs, params).scores)


def test_too_few_ranked_countries_is_the_same_error_as_score(inputs):
    base = validate(Params(draws=10, candidates=("KOR", "USA", "HKG")))
    prep = whatif.prepare(*inputs, base)
    strict = replace(base, max_missing_weight=0.0)
    with pytest.raises(ParameterError, match="fewer than two"):
        score(*inputs, strict)
    with pytest.raises(ParameterError, match="fewer than two"):
        whatif.rerank(prep, strict)
    v = whatif.view(prep, strict, {}, "en")
    assert v.ranking is None and v.holds == [label("panel.too_few", "en")]


def test_the_params_file_setting_is_the_params_file():
    base = load_file(paths.PARAMS_FILE)
    assert whatif.params_of(base, whatif.setting_of(base)).digest() == base.digest()


def test_weights_text_names_size_only_when_weighted():
    s = whatif.Setting((2, 1, 1, 0), "channel", "midpoint", 0.34)
    assert whatif.weights_text(s) == "2,1,1"
    assert whatif.weights_text(replace(s, weights=(2, 1, 1, 3))) == "2,1,1,3"


@pytest.mark.parametrize("other", [{}, {"normalisation": "zscore", "draws": 500}, {"vary_methods": True}])
def test_the_command_rebuilds_exactly_the_setting(other):
    """The printed command, read by the real CLI, gives the panel's parameters and the scenario's name."""
    file_params = load_file(paths.PARAMS_FILE)
    base = validate(replace(file_params, **other))
    setting = whatif.Setting((3, 1, 2, 0), "gatekeeper", "lower", 0.4)
    want = whatif.params_of(base, setting)
    args = whatif.command_args(setting, "growth-first", base, file_params)
    assert whatif.command(args).startswith("ecresearch build --weights 3,1,2 ")
    ns = cli.parser().parse_args(args)
    got, out = cli.resolve_params(ns)
    assert got == want and got.digest() == want.digest()
    assert out.scenario == "growth-first"


def test_default_scenario_name_is_the_clis():
    base = load_file(paths.PARAMS_FILE)
    params = whatif.params_of(base, SETTINGS[1])
    assert params != base
    ns = cli.parser().parse_args(whatif.command_args(SETTINGS[1], "x", base, base)[:-2])  # without --scenario
    _, out = cli.resolve_params(ns)
    assert out.scenario == whatif.default_scenario(params)


def test_what_holds_follows_the_draws(prep):
    params = whatif.params_of(prep.base, SETTINGS[1])
    result = whatif.rerank(prep, params)
    file_ranks = {"IDN": 1, "HKG": 2}  # HKG: ranked by the "file", unranked by this setting
    v = whatif.view(prep, params, file_ranks, "en", "main build")
    sure = v.ranking.filter(pl.col("p_top3") >= INDISTINCT)["name"].to_list()
    assert all(name in v.holds[0] for name in sure)
    first = v.ranking.sort("p_rank1", descending=True)["name"][0]
    assert first in v.holds[1]
    pairs = robust_pairs(result)
    assert (f"{pairs.height} pairs" in v.holds[2]) if pairs.height else "Every pair" in v.holds[2]
    assert "Hong Kong (now unranked)" in v.holds[3]
    idn = v.ranking.filter(pl.col("iso3") == "IDN").row(0, named=True)
    assert (f"Indonesia 1 → {idn['rank']}" in v.holds[3]) == (idn["rank"] != 1)
    assert "Hong Kong" in v.holds[4]  # unranked, with the limit


def test_html_escapes_names_and_prints_no_raw_floats(prep):
    v = whatif.view(prep, prep.base, {}, "en")
    evil = v.ranking.with_columns(pl.lit("<b onclick=x>&").alias("name"))
    out = whatif.html(whatif.View(v.params, "<describe>", evil, ["<i>holds</i>"]), "en", note="<note>")
    assert "<b onclick" not in out and "&lt;b onclick=x&gt;&amp;" in out
    assert "<i>holds" not in out and "&lt;note&gt;" in out and "&lt;describe&gt;" in out
    text = re.sub(r"<svg.*?</svg>", " ", out)
    text = re.sub(r"<[^>]+>", " ", text)
    assert not RAW_FLOAT.findall(text)
    assert out.count("<svg") == v.ranking.height


def test_html_in_japanese_uses_the_catalogue(prep):
    v = whatif.view(prep, prep.base, {}, "ja")
    out = whatif.html(v, "ja")
    assert label("panel.col.rank", "ja") in out and "P(top 3)" not in out
    assert set(v.ranking["name"]) <= set(prep.result.coverage["name_ja"])


def test_band_svg_places_the_ranks_in_order():
    row = {"rank_p05": 2.0, "rank_p95": 5.0, "median_rank": 3.0, "rank": 3, "file_rank": 1}
    svg = whatif.band_svg(row, 10)
    band_start, tick = (float(v) for v in re.findall(r'x1="([\d.]+)"', svg))  # the band, then the file's tick
    band_end = float(re.search(r'x2="([\d.]+)"', svg).group(1))
    median = float(re.search(r'cx="([\d.]+)"', svg).group(1))
    assert tick < band_start < median < band_end  # rank 1 < 2 < 3 < 5, left to right


def test_every_pillar_has_a_slider_label():
    for p in PILLARS:
        assert label(f"panel.weight.{p}", "en")
