"""The scores step's outputs: the scores table, the indicators, the analysis tables and the charts of one
output set, each stamped with the parameters that made them."""

from __future__ import annotations

import json
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import polars as pl  # noqa: E402

from ecresearch import datasets, paths  # noqa: E402
from ecresearch.params import PILLARS  # noqa: E402
from ecresearch.pipeline.atomic import staged  # noqa: E402
from ecresearch.scores.hhi import HHI_BANDS_2010, HHI_BANDS_2023, hhi_band  # noqa: E402
from ecresearch.scores.model import Result  # noqa: E402

ALT = {"alt_value": "alt_value", "alt_vintage": "alt_vintage"}  # the second edition, drawn as a factor
SOURCE_COLS = {"origin": "origin", "vintage": "vintage", "source": "source", "url": "url", "note": "note"}


def scores_table(result: Result, readings: pl.DataFrame | None = None) -> pl.DataFrame:
    """One row per candidate: pillar values with source and vintage (and basis: observed, interval or imputed),
    normalised values, score, rank, band and probabilities of the chosen reading, then each reading's rank, band
    and probabilities side by side (``readings``). Candidates without enough data are kept with ranked = false
    and no score."""
    ind = result.indicators

    def pick(pillar: str, prefix: str, extra: dict | None = None) -> pl.DataFrame:
        cols = {**SOURCE_COLS, **(extra or {})}
        return (
            ind.filter(pl.col("pillar") == pillar)
            .unique("iso3", keep="first", maintain_order=True)
            .select("iso3", *[pl.col(k).alias(f"{prefix}_{v}") for k, v in cols.items()])
        )

    p = result.params
    wide = (
        result.coverage.select("iso3", "name_en", "name_ja", "ranked", "pillars", "missing_weight")
        .join(
            result.scores.rename(
                {
                    "growth_value": "growth_scored",
                    "sns_value": "sns_scored",
                    "size_value": "size_scored",
                    "concentration_value": "hhi_value",
                }
            ),
            on="iso3",
            how="left",
        )
        .join(pick("growth", "growth", ALT), on="iso3", how="left")
        .join(pick("sns", "sns", ALT), on="iso3", how="left")
        .join(
            pick(
                "concentration",
                "hhi",
                {"low": "lower", "high": "upper", "coverage": "coverage", "metric": "metric", "metric_class": "class"},
            ),
            on="iso3",
            how="left",
        )
        .join(pick("size", "size"), on="iso3", how="left")
    )
    # raw pillar values of every candidate (ranked or not): one column per pillar, null where missing
    raw = ind.filter(pl.col("pillar").is_in(list(PILLARS))).pivot(
        on="pillar", index="iso3", values="value", aggregate_function="first"
    )
    raw = raw.with_columns(pl.lit(None, pl.Float64).alias(q) for q in PILLARS if q not in raw.columns).select(
        "iso3", *PILLARS
    )
    wide = wide.join(
        raw.rename({"growth": "growth_pct", "sns": "sns_ratio", "concentration": "hhi_listed", "size": "size_usd"}),
        on="iso3",
        how="left",
    )

    def band(col: str, bands) -> pl.Expr:
        return pl.col(col).map_elements(lambda v: hhi_band(v, bands), return_dtype=pl.String)

    wide = wide.with_columns(
        band("hhi_lower", HHI_BANDS_2010).alias("hhi_band_2010_lower"),
        band("hhi_upper", HHI_BANDS_2010).alias("hhi_band_2010_upper"),
        band("hhi_lower", HHI_BANDS_2023).alias("hhi_band_2023_lower"),
        band("hhi_upper", HHI_BANDS_2023).alias("hhi_band_2023_upper"),
        pl.lit(p.describe()).alias("parameters"),
        pl.lit(p.digest()).alias("params_digest"),
    )
    if readings is not None:
        for reading in sorted(set(readings["reading"].to_list())):
            wide = wide.join(
                readings.filter(pl.col("reading") == reading).select(
                    "iso3", *[pl.col(c).alias(f"{c}_{reading}") for c in datasets.READING_COLUMNS]
                ),
                on="iso3",
                how="left",
            )
    return wide.sort(pl.col("rank").fill_null(999), "iso3")


def produced(result: Result, tables: dict[str, pl.DataFrame], extra: dict, out: paths.OutputSet) -> dict:
    """One output set's scoring results by dataset name (the engine validates and publishes them)."""
    table = scores_table(result, tables.get("readings"))
    ranked = table.filter(pl.col("ranked"))["iso3"].to_list()
    meta = {
        "scenario": out.scenario,
        "digest": result.params.digest(),
        "describe": result.params.describe(),
        "params": result.params.to_dict(),
        **extra,
    }
    return {
        "country_scores": table,
        "country_indicators": result.indicators,
        "scored_data_sets": result.data_sets,
        **{f"scoring_{name}": df for name, df in tables.items()},
        "ranked_countries": json.dumps({"ranked": ranked}) + "\n",
        "scoring_params": json.dumps(meta, indent=1, ensure_ascii=False, sort_keys=True) + "\n",
    }


def draw_charts(table: pl.DataFrame, directions: pl.DataFrame, root: Path, out: paths.OutputSet) -> None:
    """The score charts in both languages (images: written by the step itself, under its staging root)."""
    from ecresearch.charts.scores import growth_sns_map, rank_bands, rank_shifts
    from ecresearch.charts.style import save

    charts = staged(root, datasets.path("score_charts", out) / "x").parent
    for lang in ("ja", "en"):
        for name, fig in (
            ("rank_bands", rank_bands(table, lang=lang)),
            ("growth_sns_map", growth_sns_map(table, lang=lang)),
            ("rank_shifts", rank_shifts(directions, table, lang=lang)),
        ):
            save(fig, charts / f"{name}.{lang}")
            plt.close(fig)
