"""Every catalogued chart renders, draws exactly its table's values, in Japanese without tofu, deterministically."""
import hashlib
import re

import matplotlib.pyplot as plt
import numpy as np
import polars as pl
import pytest
from fontTools.ttLib import TTFont
from matplotlib.text import Text

from ecresearch.charts.gallery import gallery_html
from ecresearch.charts.kinds import plotted_values
from ecresearch.charts.render import has_image, render
from ecresearch.charts.style import save
from ecresearch.deck.figures import FIGURES
from ecresearch.reports.webfont import _font_paths

CHARTED = [f for f in FIGURES if f.kind in ("bar", "hbar", "grouped_bar", "line", "pie", "ranking_table")]


def _table(extracted, fig):
    return extracted.figures.filter(pl.col("figure_id") == fig.id)


@pytest.fixture(scope="module")
def glyphs():
    cmaps = [set(TTFont(p).getBestCmap()) for p in _font_paths()]
    return set().union(*cmaps)


@pytest.mark.parametrize("fig", CHARTED, ids=lambda f: f.id)
def test_chart_draws_its_table(extracted, fig, glyphs):
    table = _table(extracted, fig)
    if not has_image(fig, table):
        assert fig.status == "not_reproducible", f"{fig.id} has data but no chart"
        return
    r = render(fig, table, lang="ja")
    try:
        if r.data is not None and fig.kind in ("bar", "hbar", "grouped_bar"):
            frame = r.data.frame
            # the chart data is the table, in display units
            plotted_rows = table.filter(pl.col("series").is_in(frame["series"].unique().tolist()))
            assert len(frame) == plotted_rows.height
            expected = {(row.hue, row.label): row.raw_value / r.data.divisor
                        for row in frame.itertuples() if row.raw_value is not None and not np.isnan(row.raw_value)}
            drawn = plotted_values(r.axes[0], r.data, r.orient)
            assert drawn.keys() == expected.keys()
            for key, value in expected.items():
                assert drawn[key] == pytest.approx(value), key
            # and the table's values, unscaled, are what the chart data holds
            assert sorted(frame["raw_value"].dropna()) == pytest.approx(sorted(plotted_rows["value"].drop_nulls().to_list()))
        if fig.kind == "pie":
            for ax, hue in zip(r.axes, r.data.series_order):
                shares = r.data.frame[r.data.frame["hue"] == hue]["value"].dropna().to_numpy()
                spans = np.array([w.theta2 - w.theta1 for w in ax.patches])
                assert spans / 360 == pytest.approx(shares / shares.sum(), abs=1e-6)
        texts = "".join(t.get_text() for t in r.figure.findobj(Text))
        missing = {c for c in texts if not c.isspace() and ord(c) not in glyphs}
        assert not missing, f"tofu in {fig.id}: {missing}"
    finally:
        plt.close(r.figure)


def test_gaps_are_shown_not_invented(extracted):
    fig = next(f for f in FIGURES if f.id == "us_top15_retailers")
    r = render(fig, _table(extracted, fig), lang="ja")
    labels = [t.get_text().strip() for t in r.axes[0].texts]
    assert labels.count("不明") == 15  # fifteen companies whose shares the text lost
    plt.close(r.figure)


def test_english_labels(extracted):
    fig = next(f for f in FIGURES if f.id == "top10_countries")
    r = render(fig, _table(extracted, fig), lang="en")
    ticks = [t.get_text() for t in r.axes[0].get_xticklabels()]
    assert ticks[:2] == ["China", "United States"]
    title = r.axes[0].get_title(loc="left")
    assert title.startswith("Top 10 countries") and "billion USD" in title
    plt.close(r.figure)


def test_outputs_are_byte_deterministic(extracted, tmp_path):
    fig = next(f for f in FIGURES if f.id == "sns_daily_time")
    digests = []
    for i in range(2):
        r = render(fig, _table(extracted, fig), lang="ja")
        files = save(r.figure, tmp_path / str(i) / fig.id)
        plt.close(r.figure)
        digests.append([hashlib.sha256(f.read_bytes()).hexdigest() for f in files])
    assert digests[0] == digests[1]


def test_gallery_links_every_figure(extracted):
    from ecresearch.tables.build import catalogue
    from ecresearch.tables.quality import run_checks
    images = {f.id: f"figures/{f.id}.svg" for f in FIGURES if has_image(f, _table(extracted, f))}
    page = gallery_html(catalogue(extracted), extracted.figures, extracted.text_cells,
                        run_checks(extracted.figures, extracted.external), images)
    for fig in FIGURES:
        assert f'id="{fig.id}"' in page
    assert set(re.findall(r'<img src="figures/([^"]+)\.svg"', page)) == set(images)
    assert "@font-face" in page


def test_data_never_becomes_markup_or_a_live_link(extracted):
    """A deck line with an event handler and a javascript: URL in an external row are shown as text."""
    import polars as pl

    from ecresearch.tables.build import catalogue
    from ecresearch.tables.quality import run_checks
    evil = "<img src=x onerror=alert(1)>"
    figs = extracted.figures.with_columns(pl.when(pl.col("figure_id") == "top10_countries").then(pl.lit(evil))
                                          .otherwise(pl.col("source")).alias("source"),
                                          pl.when(pl.col("origin") == "external").then(pl.lit("javascript:alert(1)"))
                                          .otherwise(pl.col("url")).alias("url"))
    page = gallery_html(catalogue(extracted), figs, extracted.text_cells, run_checks(extracted.figures, extracted.external), {})
    assert evil not in page and "&lt;img src=x onerror=alert(1)&gt;" in page
    assert 'href="javascript:' not in page
