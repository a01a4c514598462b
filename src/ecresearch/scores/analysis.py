"""What the ranking can and cannot conclude: robust statements, global sensitivity (Sobol), the pillars'
statistical structure (JRC step 4), the two concentration directions side by side, and an outside check."""

from __future__ import annotations

import math
from dataclasses import replace

import numpy as np
import polars as pl

from ecresearch.params import AGGREGATIONS, DIRECTIONS, NORMALISATIONS, PILLARS, SURE
from ecresearch.scores.model import Draws, Result, drawn_values, oriented, rank_draws, score_indicators
from ecresearch.scores.uncertain import CONC, FIXED

INDISTINCT = 0.9  # two countries are told apart when one ranks above the other in at least 90% of draws
REDUNDANT_R = 0.9  # |Pearson r| above which two pillars are flagged as measuring the same thing


def robust_pairs(result: Result) -> pl.DataFrame:
    """Pairs of scored countries whose order the Monte Carlo does not settle (P(A above B) in (10%, 90%)); a
    market unranked in a draw counts as below every ranked one."""
    t = result.draws.T  # countries × draws: each country's draws contiguous
    t = np.where(np.isnan(t), np.inf, t)
    c = result.countries
    rows = []
    for i in range(len(c)):  # against every later country at once (shares of whole counts: exact)
        ps = (t[i] < t[i + 1 :]).mean(axis=1) + 0.5 * (t[i] == t[i + 1 :]).mean(axis=1)
        for j, p in enumerate(ps.tolist(), start=i + 1):
            if 1 - INDISTINCT < p < INDISTINCT:
                rows.append({"a": c[i], "b": c[j], "p_a_above_b": round(p, 3)})
    return pl.DataFrame(rows, schema={"a": pl.String, "b": pl.String, "p_a_above_b": pl.Float64})


def contributions(result: Result) -> pl.DataFrame:
    """Each pillar's share of a country's (arithmetic) score: weight × normalised value over the weights it has."""
    p = result.params
    rows = []
    for r in result.scores.iter_rows(named=True):
        have = {q: r[f"{q}_norm"] for q in PILLARS if r[f"{q}_norm"] is not None and p.weights[q] > 0}
        wsum = sum(p.weights[q] for q in have)
        for q, z in have.items():
            rows.append({"iso3": r["iso3"], "pillar": q, "points": p.weights[q] * z / wsum})
    return pl.DataFrame(rows, schema={"iso3": pl.String, "pillar": pl.String, "points": pl.Float64})


READING_STATS = ("score", "rank", "median_rank", "rank_p05", "rank_p95", "p_ranked", "p_rank1", "p_top3",
                 "p_rank1_se", "p_top3_se")  # fmt: skip


def readings(*results: Result) -> pl.DataFrame:
    """One row per reading of concentration (channel, gatekeeper) and scored market: the headline statistics."""
    return (
        pl.concat(
            [
                r.scores.select("iso3", *READING_STATS).with_columns(reading=pl.lit(r.params.concentration_direction))
                for r in results
            ]
        )
        .select("reading", "iso3", *READING_STATS)
        .sort("reading", pl.col("rank").fill_null(999), "iso3")
    )


def holds(read: pl.DataFrame) -> pl.DataFrame:
    """Per market, what holds in both readings: the smallest P(rank 1) and P(top 3) over the readings, the widest
    band, and whether it is in the top three (or first) with probability >= SURE in each."""
    return (
        read.filter(pl.col("p_ranked") > 0)  # a market never ranked has nothing that holds (listed as unranked)
        .group_by("iso3")
        .agg(
            pl.col("p_rank1").min().alias("p_rank1_min"),
            pl.col("p_top3").min().alias("p_top3_min"),
            pl.col("p_top3").max().alias("p_top3_max"),
            pl.col("rank_p05").min().alias("best_rank"),
            pl.col("rank_p95").max().alias("worst_rank"),
            pl.col("p_ranked").min().alias("p_ranked_min"),
            pl.len().alias("readings"),
        )
        .with_columns(
            top3_in_both=(pl.col("p_top3_min") >= SURE) & (pl.col("readings") == 2),
            first_in_both=(pl.col("p_rank1_min") >= SURE) & (pl.col("readings") == 2),
        )
        .sort("p_top3_min", "p_rank1_min", "iso3", descending=[True, True, False])
    )


def directions(result: Result, alt: Result) -> pl.DataFrame:
    """Ranks under both readings of concentration (channel vs gatekeeper), the chosen one included."""
    by = {result.params.concentration_direction: result, alt.params.concentration_direction: alt}
    a = by["channel"].scores.select("iso3", pl.col("rank").alias("rank_channel"))
    b = by["gatekeeper"].scores.select("iso3", pl.col("rank").alias("rank_gatekeeper"))
    df = a.join(b, on="iso3", how="full", coalesce=True)
    return (
        df.with_columns((pl.col("rank_gatekeeper") - pl.col("rank_channel")).alias("shift_to_gatekeeper"))
        .select("iso3", "rank_channel", "rank_gatekeeper", "shift_to_gatekeeper")
        .sort("rank_channel", "iso3", nulls_last=True)
    )


def rescore(result: Result, params) -> Result:
    """The scores under other choices after the selection (the same indicators and data sets)."""
    return score_indicators(result.indicators, result.data_sets, params)


def extended(result: Result) -> pl.DataFrame:
    """The extended analysis: both readings again with normalisation and aggregation drawn too."""
    return readings(
        *(rescore(result, replace(result.params, concentration_direction=d, vary_methods=True)) for d in DIRECTIONS)
    )


def redundancy(result: Result) -> pl.DataFrame:
    """The effect of counting growth and SNS as one 'digital momentum' pillar (each at half its weight) on the
    ranks of the chosen reading."""
    w = dict(result.params.weights)
    w["growth"], w["sns"] = w["growth"] / 2, w["sns"] / 2
    merged = rescore(result, replace(result.params, weights=w))
    a = result.scores.select("iso3", "rank", "p_top3")
    b = merged.scores.select("iso3", pl.col("rank").alias("rank_momentum"), pl.col("p_top3").alias("p_top3_momentum"))
    return (
        a.join(b, on="iso3", how="full", coalesce=True)
        .with_columns((pl.col("rank_momentum") - pl.col("rank")).alias("shift"))
        .sort(pl.col("rank").fill_null(999), "iso3")
    )


# ── JRC step 4: multivariate analysis ──────────────────────────────────────────────────────────


def pillar_correlations(result: Result) -> pl.DataFrame:
    """Pearson r between pillars over the ranked countries that have both (n per pair)."""
    x = result.x
    names = [p for p in PILLARS if np.sum(~np.isnan(x[:, PILLARS.index(p)])) >= 3]
    rows = []
    for a in names:
        for b in names:
            ia, ib = PILLARS.index(a), PILLARS.index(b)
            ok = ~np.isnan(x[:, ia]) & ~np.isnan(x[:, ib])
            r = float(np.corrcoef(x[ok, ia], x[ok, ib])[0, 1]) if ok.sum() >= 3 else None
            rows.append(
                {
                    "pillar_a": a,
                    "pillar_b": b,
                    "r": r,
                    "n": int(ok.sum()),
                    "redundant": bool(a != b and r is not None and abs(r) > REDUNDANT_R),
                }
            )
    return pl.DataFrame(
        rows,
        schema={"pillar_a": pl.String, "pillar_b": pl.String, "r": pl.Float64, "n": pl.Int64, "redundant": pl.Boolean},
    )


def pca(result: Result, direction: str | None = None) -> tuple[pl.DataFrame, float | None, int]:
    """PCA of the standardised core pillars over complete cases (sourced values only), each pillar oriented the
    way the reading scores it (concentration negated for a gatekeeper); Cronbach's alpha of the same; n."""
    cols = [PILLARS.index(p) for p in ("growth", "sns", "concentration")]
    x = oriented(result.x, direction or result.params.concentration_direction)[:, cols]
    x = x[~np.isnan(x).any(axis=1)]
    n = x.shape[0]
    if n < 4:  # too few complete markets: an empty table with every column the pages read
        schema = {"component": pl.Int64, "eigenvalue": pl.Float64, "explained": pl.Float64}
        schema |= {f"loading_{p}": pl.Float64 for p in ("growth", "sns", "concentration")}
        return pl.DataFrame(schema=schema), None, n
    z = (x - x.mean(axis=0)) / x.std(axis=0, ddof=1)
    vals, vecs = np.linalg.eigh(np.corrcoef(z, rowvar=False))
    order = np.argsort(vals)[::-1]
    vals, vecs = vals[order], vecs[:, order]
    vecs = vecs * np.sign(vecs[np.argmax(np.abs(vecs), axis=0), range(vecs.shape[1])])  # deterministic signs
    rows = [
        {
            "component": k + 1,
            "eigenvalue": float(vals[k]),
            "explained": float(vals[k] / vals.sum()),
            **{f"loading_{p}": float(vecs[i, k]) for i, p in enumerate(("growth", "sns", "concentration"))},
        }
        for k in range(len(vals))
    ]
    k = z.shape[1]
    item_var = z.var(axis=0, ddof=1).sum()
    total_var = z.sum(axis=1).var(ddof=1)
    alpha = float(k / (k - 1) * (1 - item_var / total_var))
    return pl.DataFrame(rows), alpha, n


# ── global sensitivity: Sobol indices ──────────────────────────────────────────────────────────


def _drawn_cells(result: Result) -> list[tuple[int, int, str]]:
    """The cells the Monte Carlo draws (a range wider than a point): (country, pillar, group)."""
    c = result.cells
    out = []
    for i in range(len(c.countries)):
        for j, q in enumerate(PILLARS):
            if c.dist[i, j] != FIXED and c.high[i, j] > c.low[i, j] and result.params.weights[q] > 0:
                group = "imputed_values" if c.imputed[i, j] else ("hhi_intervals" if j == CONC else "forecast_ranges")
                out.append((i, j, group))
    return out


def sobol_problem(result: Result) -> tuple[dict, list[str]]:
    """The uncertain inputs: a multiplier per weighted pillar, every drawn cell's position in its range (a
    quantile of its distribution; grouped as HHI intervals, forecast ranges, imputed values), the edition switch of
    each pillar with a second edition, and normalisation/aggregation when the analyst asked to vary them."""
    p, c = result.params, result.cells
    names, bounds, groups = [], [], []
    for q in PILLARS:
        if p.weights[q] > 0:
            names.append(f"weight_{q}")
            bounds.append([1 - p.weight_noise, 1 + p.weight_noise])
            groups.append(f"weight_{q}")
    for i, j, group in _drawn_cells(result):
        names.append(f"{PILLARS[j]}_{c.countries[i]}")
        bounds.append([0.0, 1.0])
        groups.append(group)
    for j, q in enumerate(PILLARS):
        if p.weights[q] > 0 and (~np.isnan(c.alt[:, j])).any():
            names.append(f"edition_{q}")
            bounds.append([0.0, 1.0])
            groups.append("editions")
    if p.vary_methods:
        for m in ("normalisation", "aggregation"):
            names.append(m)
            bounds.append([0.0, 1.0])
            groups.append(m)
    return {"num_vars": len(names), "names": names, "bounds": bounds, "groups": groups}, names


def sobol_draws(result: Result, problem: dict, sample: np.ndarray) -> Draws:
    """A Saltelli sample as Monte Carlo inputs: weight multipliers renormalised, each drawn cell at a quantile of
    the same distribution as the Monte Carlo's, each edition switch and method by halves."""
    p, c = result.params, result.cells
    n = sample.shape[0]
    idx = {name: i for i, name in enumerate(problem["names"])}
    w = np.tile(np.array([p.weights[q] for q in PILLARS]), (n, 1))
    for j, q in enumerate(PILLARS):
        if f"weight_{q}" in idx:
            w[:, j] *= sample[:, idx[f"weight_{q}"]]
    w = w / w.sum(axis=1, keepdims=True)
    u = np.full((n, *c.point.shape), 0.5)
    for i, j, _ in _drawn_cells(result):
        u[:, i, j] = sample[:, idx[f"{PILLARS[j]}_{c.countries[i]}"]]
    switch = np.zeros((n, len(PILLARS)), dtype=bool)
    for j, q in enumerate(PILLARS):
        if f"edition_{q}" in idx:
            switch[:, j] = sample[:, idx[f"edition_{q}"]] >= 0.5

    def method(name: str, choices: tuple, chosen: str) -> np.ndarray:
        if name in idx:
            return (sample[:, idx[name]] >= 0.5).astype(int)
        return np.full(n, choices.index(chosen))

    values = drawn_values(c, u, switch, p.hhi_point)  # undrawn cells (weight 0) sit at the middle quantile
    norm = method("normalisation", NORMALISATIONS, p.normalisation)
    return Draws(w, norm, method("aggregation", AGGREGATIONS, p.aggregation), values)


def _evaluate(result: Result, problem: dict, sample: np.ndarray) -> np.ndarray:
    """Ranks of every sample row through the Monte Carlo's vectorised path; a market unranked in a row takes the
    place after the last."""
    r = rank_draws(result.cells, sobol_draws(result, problem, sample), result.params)
    return np.where(np.isnan(r), len(result.countries) + 1, r)


def sobol_indices(problem: dict, evaluate, base_samples: int, seed: int) -> list[dict]:
    """First- and total-order Sobol indices (with bootstrap 95% half-widths) of every output column of
    ``evaluate(sample) -> (n, k)``, by Saltelli sampling (SALib). One dict per output with 'variance' and, per
    factor (or group), S1, S1_conf, ST, ST_conf."""
    from SALib.analyze import sobol as sobol_analyze
    from SALib.sample import sobol as sobol_sample

    if len(set(problem.get("groups") or problem["names"])) < 2:  # SALib needs two groups at least
        problem = {k: v for k, v in problem.items() if k != "groups"}
    sample = sobol_sample.sample(problem, base_samples, calc_second_order=False, seed=seed)
    y = np.asarray(evaluate(sample), dtype=float)
    y = y.reshape(len(sample), -1)
    names = list(dict.fromkeys(problem.get("groups") or problem["names"]))
    out = []
    for j in range(y.shape[1]):
        var = float(np.var(y[:, j]))
        if var == 0:
            out.append({"variance": 0.0, "factors": {}})
            continue
        si = sobol_analyze.analyze(problem, y[:, j], calc_second_order=False, seed=seed, print_to_console=False)
        out.append(
            {
                "variance": var,
                "factors": {
                    n: {k: float(si[k][i]) for k in ("S1", "S1_conf", "ST", "ST_conf")} for i, n in enumerate(names)
                },
            }
        )
    return out


def sobol(result: Result, base_samples: int = 256) -> pl.DataFrame:
    """Sobol indices of each input group on each country's rank (see ``sobol_indices``)."""
    problem, _ = sobol_problem(result)
    schema = {
        "iso3": pl.String,
        "factor": pl.String,
        "variance": pl.Float64,
        "S1": pl.Float64,
        "S1_conf": pl.Float64,
        "ST": pl.Float64,
        "ST_conf": pl.Float64,
    }
    if problem["num_vars"] == 0:
        return pl.DataFrame(schema=schema)
    per_output = sobol_indices(problem, lambda smp: _evaluate(result, problem, smp), base_samples, result.params.seed)
    rows = [
        {"iso3": c, "factor": f, "variance": o["variance"], **v}
        for c, o in zip(result.countries, per_output, strict=False)
        for f, v in o["factors"].items()
    ]
    return pl.DataFrame(rows, schema=schema)


def sobol_summary(per_country: pl.DataFrame) -> pl.DataFrame:
    """Indices averaged over countries, weighted by each country's rank variance."""
    if per_country.height == 0:
        return pl.DataFrame(
            schema={
                "factor": pl.String,
                "S1": pl.Float64,
                "S1_conf": pl.Float64,
                "ST": pl.Float64,
                "ST_conf": pl.Float64,
            }
        )
    w = pl.col("variance") / pl.col("variance").sum().over("factor")
    return (
        per_country.group_by("factor")
        .agg((pl.col(c) * w).sum().alias(c) for c in ("S1", "S1_conf", "ST", "ST_conf"))
        .sort(["ST", "factor"], descending=[True, False])
    )


# ── outside check ──────────────────────────────────────────────────────────────────────────────


def spearman_ci(a, b) -> tuple[float | None, float | None, float | None, int]:
    """Spearman's rho with a 95% interval (Fisher z, Bonett-Wright standard error), and n."""
    a, b = np.asarray(a, float), np.asarray(b, float)
    n = len(a)
    if n < 4:
        return None, None, None, n
    ra = pl.Series(a).rank().to_numpy()
    rb = pl.Series(b).rank().to_numpy()
    rho = float(np.corrcoef(ra, rb)[0, 1])
    se = math.sqrt((1 + rho**2 / 2) / (n - 3))
    z = math.atanh(max(min(rho, 0.999999), -0.999999))
    return rho, math.tanh(z - 1.96 * se), math.tanh(z + 1.96 * se), n


def unctad_comparison(scores: pl.DataFrame, external: pl.DataFrame) -> tuple[pl.DataFrame, dict]:
    """Our rank beside UNCTAD's B2C E-commerce Index 2020 rank (one edition), with rho, its interval and n."""
    un = external.filter(
        (pl.col("topic") == "unctad_b2c_index")
        & (pl.col("vintage") == "UNCTAD B2C E-commerce Index 2020")
        & pl.col("metric").str.contains("rank")
    ).unique(["country_iso3"], keep="first", maintain_order=True)
    df = (
        scores.select("iso3", "rank")
        .join(
            un.select(
                pl.col("country_iso3").alias("iso3"),
                pl.col("value").alias("unctad_rank_2020"),
                pl.col("source_title").alias("unctad_source"),
            ),
            on="iso3",
            how="left",
        )
        .sort("rank")
    )
    both = df.drop_nulls("unctad_rank_2020")
    rho, lo, hi, n = spearman_ci(both["rank"].to_list(), both["unctad_rank_2020"].to_list())
    return df, {
        "rho": rho,
        "ci_low": lo,
        "ci_high": hi,
        "n": n,
        "missing": df.filter(pl.col("unctad_rank_2020").is_null())["iso3"].to_list(),
    }
