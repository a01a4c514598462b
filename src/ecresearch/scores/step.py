"""The scores step: processed tables + parameters → scores, analysis tables and charts of one output set.

A Python step (not a notebook): notebook 03 reads what it writes and explains it. Both readings of platform
concentration are scored and published side by side; the chosen one (``concentration_direction``) leads."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import polars as pl

from ecresearch import datasets, paths
from ecresearch.params import DIRECTIONS, Params
from ecresearch.scores import analysis, outputs
from ecresearch.scores.model import score


def compute(params: Params) -> tuple:
    figures = datasets.read("deck_figures")
    external = datasets.read("external_figures")
    result = score(figures, external, params)
    other = next(d for d in DIRECTIONS if d != result.params.concentration_direction)
    alt = analysis.rescore(result, replace(result.params, concentration_direction=other))
    both = analysis.readings(result, alt)
    table = outputs.scores_table(result, both)
    per_country = analysis.sobol(result)
    corr = analysis.pillar_correlations(result)
    by_reading = {d: analysis.pca(result, d) for d in DIRECTIONS}  # oriented as each reading scores
    pca, alpha, n_pca = by_reading[result.params.concentration_direction]
    alphas = {d: a for d, (_, a, _) in by_reading.items()}
    unctad, rho = analysis.unctad_comparison(table.filter(pl.col("ranked")), external)
    tables = {
        "coverage": result.coverage,
        "readings": both,
        "holds": analysis.holds(both),
        "extended": analysis.extended(result),
        "redundancy": analysis.redundancy(result),
        "directions": analysis.directions(result, alt),
        "robust_pairs": analysis.robust_pairs(result),
        "contributions": analysis.contributions(result),
        "sobol_by_country": per_country,
        "sobol": analysis.sobol_summary(per_country),
        "correlations": corr,
        "pca": pca,
        "unctad": unctad,
    }
    extra = {
        "cronbach_alpha": alpha,
        "cronbach_alpha_by_reading": alphas,
        "pca_n": n_pca,
        "unctad_spearman": rho,
        "redundant_pairs": corr.filter(pl.col("redundant") & (pl.col("pillar_a") < pl.col("pillar_b")))
        .select("pillar_a", "pillar_b")
        .rows(),
    }
    return result, tables, extra


def build(root: Path, params: Params, out: paths.OutputSet) -> dict:
    """Draw the score charts under the staging root; return the tables and files by dataset name."""
    result, tables, extra = compute(params)
    named = outputs.produced(result, tables, extra, out)
    outputs.draw_charts(named["country_scores"], tables["directions"], root, out)
    return named
