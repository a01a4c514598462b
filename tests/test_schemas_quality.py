"""Schemas reject bad tables; every consistency check finds real cases and fails on a bad table."""

import pandera.errors
import polars as pl
import pytest

from ecresearch.clean import schemas
from ecresearch.clean.quality import growth, parts, run_checks, share_sums, weighted_mean
from ecresearch.deck.figures import FIGURES, by_id


def test_all_tables_validate(extracted):
    schemas.long_schema().validate(extracted.figures)
    for fig in FIGURES:
        schemas.figure_schema(fig).validate(extracted.figures.filter(pl.col("figure_id") == fig.id))
    schemas.EXTERNAL.validate(extracted.external)
    schemas.TEXT_CELLS.validate(extracted.text_cells)


def _edit(df, fig_id, series, category, **cols):
    cond = (pl.col("figure_id") == fig_id) & (pl.col("series") == series) & (pl.col("category_ja") == category)
    return df.with_columns([pl.when(cond).then(pl.lit(v)).otherwise(pl.col(c)).alias(c) for c, v in cols.items()])


@pytest.mark.parametrize("column, value", [("unit", "CNY"), ("iso3", "usa"), ("origin", "guess"), ("slide", 0)])
def test_schema_rejects(extracted, column, value):
    bad = _edit(extracted.figures, "top10_countries", "sales_2021", "日本", **{column: value})
    with pytest.raises((pandera.errors.SchemaError, pl.exceptions.PolarsError)):
        schemas.figure_schema(by_id("top10_countries")).validate(bad.filter(pl.col("figure_id") == "top10_countries"))


def test_schema_rejects_deck_value_without_line(extracted):
    bad = extracted.figures.with_columns(pl.lit(None, dtype=pl.Int32).alias("line_start"))
    with pytest.raises(pandera.errors.SchemaError, match="raw line"):
        schemas.long_schema().validate(bad)


def test_schema_rejects_duplicates(extracted):
    with pytest.raises(pandera.errors.SchemaError, match="duplicate"):
        schemas.long_schema().validate(pl.concat([extracted.figures, extracted.figures.head(1)]))


@pytest.fixture(scope="module")
def findings(extracted):
    return run_checks(extracted.figures, extracted.external)


def _issue(findings, check, figure_id):
    return findings.filter(
        (pl.col("check") == check) & (pl.col("figure_id") == figure_id) & (pl.col("outcome") == "issue")
    )


def test_real_inconsistencies_are_found(findings):
    assert _issue(findings, "growth_vs_levels", "us_click_collect").height == 1  # 76% printed, levels give 78.3%
    assert _issue(findings, "weighted_mean", "regional_growth_2022").height == 1  # North America 9.0 vs US+CA 8.0
    assert _issue(findings, "deck_vs_external", "sea_new_online_shoppers")["subject"].to_list() == ["Thailand 2020"]
    assert _issue(findings, "missing_values", "jp_firms_overseas_share").height == 1
    assert _issue(findings, "label_order", "regional_growth_2022").height == 1
    assert _issue(findings, "vintage_mix", "world_ec_sales").height == 1
    assert _issue(findings, "weighted_mean", "sea_new_online_shoppers").height == 1  # 36 vs plain mean 36.7


def test_checks_that_hold(findings):
    passing = findings.filter(pl.col("outcome") == "pass")
    assert (
        passing.filter((pl.col("check") == "growth_vs_levels") & (pl.col("figure_id") == "top10_countries")).height == 1
    )
    assert passing.filter((pl.col("check") == "weighted_mean") & (pl.col("figure_id") == "jp_firms_ec_use")).height == 1
    assert passing.filter(pl.col("check") == "parts_sum").height == 4


def test_share_sum_fails_on_a_bad_table(extracted):
    fig = by_id("us_category_share_2022")
    assert all(f.outcome == "pass" for f in share_sums(fig, extracted.figures))
    bad = _edit(extracted.figures, fig.id, "share", "家具", value=25.7)
    assert [f.outcome for f in share_sums(fig, bad)] == ["issue"]


def test_growth_check_fails_on_a_bad_table(extracted):
    fig = by_id("top10_countries")
    bad = _edit(extracted.figures, fig.id, "growth_2022", "日本", value=12.0)
    [finding] = growth(fig, fig.checks[0], bad)
    assert finding.outcome == "issue" and "日本" in finding.message


def test_weighted_mean_fails_when_series_are_swapped(extracted):
    fig = by_id("jp_firms_ec_use")
    df = extracted.figures
    swapped = df.with_columns(
        pl.when((pl.col("figure_id") == fig.id) & (pl.col("series") == "large"))
        .then(pl.lit("sme"))
        .when((pl.col("figure_id") == fig.id) & (pl.col("series") == "sme"))
        .then(pl.lit("large"))
        .otherwise(pl.col("series"))
        .alias("series")
    )
    assert weighted_mean(fig, fig.checks[0], df)[0].outcome == "pass"
    assert weighted_mean(fig, fig.checks[0], swapped)[0].outcome == "issue"


def test_parts_check_fails_on_a_bad_table(extracted):
    fig = by_id("jp_firms_overseas_share_1to10")
    bad = _edit(extracted.figures, fig.id, "all", "1～5％", value=13.0)
    assert parts(fig, fig.checks[0], extracted.figures)[0].outcome == "pass"
    assert parts(fig, fig.checks[0], bad)[0].outcome == "issue"


def test_every_kind_of_check_runs_and_an_unknown_one_is_an_error(extracted):
    from dataclasses import replace

    from ecresearch.clean.quality import CHECKS

    assert {type(c) for f in FIGURES for c in f.checks} <= set(CHECKS)
    fig = replace(FIGURES[0], checks=(object(),))
    with pytest.raises(TypeError, match="unknown check"):
        run_checks(extracted.figures, extracted.external, figures=[fig])
