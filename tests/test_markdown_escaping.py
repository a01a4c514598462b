"""Text from data in the committed Markdown (the data dictionary) and in `diff --format md` is escaped: markup
shows as text, and only http(s) URLs become links."""

from __future__ import annotations

import re
from dataclasses import replace
from pathlib import Path

import polars as pl

EVIL = "<img src=x onerror=alert(1)>"
JS = "javascript:alert(1)"


def test_the_data_dictionary_escapes_external_sources_and_urls(extracted):
    from ecresearch.clean.build import data_dictionary

    figures = extracted.figures.with_columns(
        pl.when(pl.col("origin") == "external").then(pl.lit(EVIL)).otherwise(pl.col("source")).alias("source"),
        pl.when(pl.col("origin") == "external").then(pl.lit(JS)).otherwise(pl.col("url")).alias("url"),
        pl.when(pl.col("origin") == "external").then(pl.lit("[x](javascript:y)")).otherwise(pl.col("vintage"))
        .alias("vintage"),
    )  # fmt: skip
    assert figures.filter(pl.col("origin") == "external").height > 0
    md = data_dictionary(replace(extracted, figures=figures))
    external = [line for line in md.splitlines() if line.startswith("External: ")]
    assert external and all("&lt;img" in line for line in external)
    assert "<img" not in md and "](javascript:" not in md
    assert not re.search(r"<javascript:", md)  # never an autolink


def test_diff_markdown_escapes_text_from_data(tmp_path: Path):
    from ecresearch.diff import changes

    old, new = tmp_path / "old" / "data" / "processed", tmp_path / "new" / "data" / "processed"
    for folder, value in ((old, 1.0), (new, 2.0)):
        folder.mkdir(parents=True)
        pl.DataFrame(
            {
                "topic": ["t"],
                "country_iso3": ["MYS"],
                "entity": [EVIL],
                "metric": ["[m](javascript:alert(1))"],
                "period": ["2099"],
                "vintage": ["Digital 2099"],
                "value": [value],
                "unit": ["minutes"],
                "snapshot": ["x.csv"],
                "csv_line": [2],
            }
        ).write_parquet(folder / "external_figures.parquet")
    report = changes.compare(changes.dir_side(old.parents[1]), changes.dir_side(new.parents[1]))
    md = changes.markdown(report)
    assert report["summary"]["values_changed"] == 1 and "&lt;img" in md
    assert "<img" not in md and "](javascript:" not in md
