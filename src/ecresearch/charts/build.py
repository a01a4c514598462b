"""The charts step: every catalogued figure from data/processed → reports/figures/ and reports/charts.html."""

from __future__ import annotations

import os
from pathlib import Path

import matplotlib

matplotlib.use("Agg")  # files only; notebooks keep their inline backend

import matplotlib.pyplot as plt  # noqa: E402
import polars as pl  # noqa: E402

from ecresearch import datasets  # noqa: E402
from ecresearch.charts.gallery import gallery_html, quality_html
from ecresearch.charts.render import render
from ecresearch.charts.style import save
from ecresearch.deck.figures import FIGURES
from ecresearch.pipeline.atomic import staged, write_text
from ecresearch.pipeline.orphans import process_pool


def load_processed() -> dict[str, pl.DataFrame]:
    names = ("deck_figures", "text_tables", "quality_findings", "catalogue", "external_figures")
    return {n: datasets.read(n) for n in names}


def _render_some(figure_ids: list[str], out: str) -> list[str]:
    """Render and save some figures (in a worker process); return those that have an image."""
    from ecresearch.deck.figures import by_id

    table = datasets.read("deck_figures")
    findings = datasets.read("quality_findings")  # the quality step's findings: a disputed value is noted
    done = []
    for fid in figure_ids:
        r = render(by_id(fid), table.filter(pl.col("figure_id") == fid), lang="ja", findings=findings)
        if r is None:
            continue
        save(r.figure, Path(out) / fid)
        plt.close(r.figure)
        done.append(fid)
    return done


def build(root: Path) -> None:
    data = load_processed()
    out = staged(root, datasets.path("chart_images") / "x").parent
    ids = [f.id for f in FIGURES]
    workers = max(1, min(os.cpu_count() or 1, 4))
    chunks = [
        ids[i::workers] for i in range(workers)
    ]  # each figure is independent: the files do not depend on the split
    with process_pool(workers) as pool:
        rendered = {fid for part in pool.map(_render_some, chunks, [str(out)] * workers) for fid in part}
    images = {fid: f"figures/{fid}.svg" for fid in ids if fid in rendered}
    write_text(
        staged(root, datasets.path("gallery")),
        gallery_html(data["catalogue"], data["deck_figures"], data["text_tables"], data["quality_findings"], images),
    )
    write_text(staged(root, datasets.path("quality_page")), quality_html(data["quality_findings"]))
