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
from ecresearch.charts.kinds import bar_positions, drawn_series, plotted_values
from ecresearch.charts.render import has_image, render
from ecresearch.charts.style import save
from ecresearch.deck.figures import FIGURES
from ecresearch.site.webfont import _font_paths

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
            expected = {
                (row.hue, row.label): row.raw_value / r.data.divisor
                for row in frame.itertuples()
                if row.raw_value is not None and not np.isnan(row.raw_value)
            }
            drawn = plotted_values(r.axes[0], r.data, r.orient)
            assert drawn.keys() == expected.keys()
            for key, value in expected.items():
                assert drawn[key] == pytest.approx(value), key
            # and the table's values, unscaled, are what the chart data holds
            assert sorted(frame["raw_value"].dropna()) == pytest.approx(
                sorted(plotted_rows["value"].drop_nulls().to_list())
            )
        if fig.kind == "pie":
            for ax, hue in zip(r.axes, r.data.series_order, strict=False):
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
    ticks = [t.get_text() for t in r.axes[0].get_yticklabels()]  # horizontal: 20 bars do not fit upright
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
    from ecresearch.clean.build import catalogue
    from ecresearch.clean.quality import run_checks

    images = {f.id: f"figures/{f.id}.svg" for f in FIGURES if has_image(f, _table(extracted, f))}
    page = gallery_html(
        catalogue(extracted),
        extracted.figures,
        extracted.text_cells,
        run_checks(extracted.figures, extracted.external),
        images,
    )
    for fig in FIGURES:
        assert f'id="{fig.id}"' in page
    assert set(re.findall(r'<img src="figures/([^"]+)\.svg"', page)) == set(images)
    assert "@font-face" in page


def test_data_never_becomes_markup_or_a_live_link(extracted):
    """A deck line with an event handler and a javascript: URL in an external row are shown as text."""
    import polars as pl

    from ecresearch.clean.build import catalogue
    from ecresearch.clean.quality import run_checks

    evil = "<img src=x onerror=alert(1)>"
    figs = extracted.figures.with_columns(
        pl.when(pl.col("figure_id") == "top10_countries")
        .then(pl.lit(evil))
        .otherwise(pl.col("source"))
        .alias("source"),
        pl.when(pl.col("origin") == "external")
        .then(pl.lit("javascript:alert(1)"))
        .otherwise(pl.col("url"))
        .alias("url"),
    )
    page = gallery_html(
        catalogue(extracted), figs, extracted.text_cells, run_checks(extracted.figures, extracted.external), {}
    )
    assert evil not in page and "&lt;img src=x onerror=alert(1)&gt;" in page
    assert 'href="javascript:' not in page


def _render(extracted, fid, lang="ja"):
    fig = next(f for f in FIGURES if f.id == fid)
    return fig, render(fig, _table(extracted, fig), lang=lang)


@pytest.mark.parametrize("lang", ["ja", "en"])
def test_uneven_years_on_a_true_time_axis(extracted, lang):
    """2011, 2014–17, 2020–21: bars stand at their year, and the deck's 2021 value beside the external one."""
    fig, r = _render(extracted, "china_online_retail_sales", lang)
    try:
        pos = bar_positions(r.axes[0])
        centre = {}
        for (_hue, cat), x in pos.items():
            centre.setdefault(cat, []).append(x)
        years = sorted(centre, key=int)
        mids = [np.mean(centre[y]) for y in years]
        assert np.diff(mids) == pytest.approx(np.diff([int(y) for y in years]))
        # 2021 has a deck and an external bar: side by side, not overlapping
        bars_2021 = [
            p for c in r.axes[0].containers for p, cat in zip(c.patches, c.ec_categories, strict=False) if cat == "2021"
        ]  # noqa: E501 - a data string kept whole
        assert len(bars_2021) == 2
        a, b = sorted(bars_2021, key=lambda p: p.get_x())
        assert a.get_x() + a.get_width() <= b.get_x() + 1e-9
        assert {c.ec_hue for c in r.axes[0].containers} == set(r.data.series_order)  # legend names deck and external
    finally:
        plt.close(r.figure)
    fig, r = _render(extracted, "sea_population_outlook", lang)
    try:
        for line in r.axes[0].get_lines():
            if getattr(line, "ec_series", None):
                assert all(float(x) == int(x) and 2020 <= x <= 2050 for x in line.get_xdata())
        ticks = {t.get_text(): t.get_position()[0] for t in r.axes[0].get_xticklabels()}
        assert {k: v for k, v in ticks.items() if k} == {"2024": 2024, "2031": 2031, "2045": 2045, "2050": 2050}
    finally:
        plt.close(r.figure)


@pytest.mark.parametrize("fig", [f for f in CHARTED if f.kind != "ranking_table"], ids=lambda f: f.id)
def test_every_series_is_drawn_or_stated(extracted, fig):
    table = _table(extracted, fig)
    if not has_image(fig, table):
        return
    r = render(fig, table, lang="ja")
    try:
        drawn = drawn_series(r.figure) | (set(r.data.frame["series"]) if fig.kind == "pie" else set())
        footer = "".join(t.get_text() for t in r.figure.texts)
        for key in table.filter(pl.col("unit") != "text")["series"].unique().to_list():
            label = fig.series_by_key(key).ja
            assert key in drawn or f"{label} (" in footer, f"{fig.id}: series {key} neither drawn nor stated"
    finally:
        plt.close(r.figure)


@pytest.mark.parametrize(
    "fid,key",
    [
        ("us_ec_sales_share", "ec_share"),
        ("world_ec_sales", "growth"),
        ("top10_countries", "growth_2022"),
        ("china_live_commerce_users", "user_share"),
    ],
)
def test_secondary_series_are_drawn(extracted, fid, key):
    fig, r = _render(extracted, fid)
    try:
        assert key in drawn_series(r.figure)
        line = next(l for ax in r.figure.axes for l in ax.get_lines() if key in getattr(l, "ec_series", ()))
        expected = _table(extracted, fig).filter(pl.col("series") == key).drop_nulls("value")
        assert len(line.get_xdata()) == expected.height
        assert sorted(line.ec_values.values()) == pytest.approx(sorted(expected["value"].to_list()))
    finally:
        plt.close(r.figure)


@pytest.mark.parametrize("lang", ["ja", "en"])
def test_lower_bounds_are_labelled_as_lower_bounds(extracted, lang):
    fig, r = _render(extracted, "world_ec_sales", lang)  # '7兆USドルを超える'
    try:
        labels = [t.get_text() for t in r.axes[0].texts]
        assert "> 7" in labels and not any(t.startswith("≈7") for t in labels)
    finally:
        plt.close(r.figure)
    fig, r = _render(extracted, "china_online_retail_sales", lang)  # '13.1兆元以上'
    try:
        assert "13.1+" in [t.get_text() for t in r.axes[0].texts]
    finally:
        plt.close(r.figure)


def test_top10_labels_do_not_overlap(extracted):
    fig, r = _render(extracted, "top10_countries")
    try:
        assert r.orient == "h"
        renderer = r.figure.canvas.get_renderer()
        for ax in r.figure.axes:
            boxes = [t.get_window_extent(renderer) for t in ax.texts + ax.get_yticklabels() if t.get_text()]
            for i, a in enumerate(boxes):
                assert not any(a.overlaps(b) for b in boxes[i + 1 :]), ax
    finally:
        plt.close(r.figure)


@pytest.mark.parametrize("fid", ["china_live_viewers_age", "china_online_retail_sales"])
def test_source_line_is_inside_the_figure(extracted, fid, tmp_path):
    """Saved without bbox_inches='tight', the footer still fits: wrapped, and the figure sized to it."""
    fig, r = _render(extracted, fid)
    try:
        r.figure.savefig(tmp_path / "x.png")
        renderer = r.figure.canvas.get_renderer()
        fbox = r.figure.bbox
        footer = [t for t in r.figure.texts if t.get_text().startswith("出所")]
        assert footer
        b = footer[0].get_window_extent(renderer)
        assert b.x0 >= fbox.x0 and b.x1 <= fbox.x1 and b.y0 >= fbox.y0 - 1e-6 and b.y1 <= fbox.y1
        if fid == "china_live_viewers_age":
            assert "業界ネット注目度分析報告」" in footer[0].get_text().replace("\n", "")
    finally:
        plt.close(r.figure)


def test_size_legend_steps():
    from ecresearch.charts.scores import size_steps

    assert size_steps(3.2e12) == [2e10, 2e11, 2e12]
    assert size_steps(0) == []


def test_save_keeps_a_language_suffix(tmp_path):
    """'rank_bands.ja' and 'rank_bands.en' are two charts: saving one must not overwrite the other."""
    for lang in ("ja", "en"):
        fig, ax = plt.subplots()
        ax.set_title(lang)
        written = save(fig, tmp_path / f"rank_bands.{lang}")
        plt.close(fig)
        assert sorted(p.name for p in written) == [f"rank_bands.{lang}.png", f"rank_bands.{lang}.svg"]
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "rank_bands.en.png",
        "rank_bands.en.svg",
        "rank_bands.ja.png",
        "rank_bands.ja.svg",
    ]
