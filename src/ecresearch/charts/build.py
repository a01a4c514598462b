"""The charts step: every catalogued figure from data/processed → reports/figures/ and reports/charts.html."""
from __future__ import annotations

from pathlib import Path

import matplotlib

matplotlib.use("Agg")  # files only; notebooks keep their inline backend

import matplotlib.pyplot as plt  # noqa: E402
import polars as pl  # noqa: E402

from .. import paths  # noqa: E402
from ..atomic import staged, write_text
from ..deck.figures import FIGURES
from .gallery import gallery_html
from .render import render
from .style import save

GALLERY = paths.GALLERY


def load_processed() -> dict[str, pl.DataFrame]:
    names = ("deck_figures", "text_tables", "quality_findings", "catalogue")
    return {n: pl.read_parquet(paths.PROCESSED / f"{n}.parquet") for n in names}


def build(root: Path) -> None:
    data = load_processed()
    out = staged(root, paths.FIGURES / "x").parent
    images = {}
    for fig in FIGURES:
        table = data["deck_figures"].filter(pl.col("figure_id") == fig.id)
        r = render(fig, table, lang="ja")
        if r is None:
            continue
        save(r.figure, out / fig.id)
        plt.close(r.figure)
        images[fig.id] = f"figures/{fig.id}.svg"
    write_text(staged(root, GALLERY), gallery_html(data["catalogue"], data["deck_figures"], data["text_tables"],
                                                   data["quality_findings"], images))

