"""Every catalogued chart renders, draws exactly its table's values, in Japanese without tofu, deterministically."""

import hashlib
import re
from pathlib import Path

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
        if r.as_table:  # a mostly-unknown or single-value chart: its table holds every value it has
            cells = {c.get_text().get_text() for c in r.axes[0].tables[0].get_celld().values()}
            for row in r.data.frame.itertuples():
                if row.raw_value is not None and not np.isnan(row.raw_value):
                    assert any(c.lstrip("≈>+ ").startswith(f"{row.value:g}"[:3]) for c in cells), (fig.id, row)
        elif r.data is not None and fig.kind in ("bar", "hbar", "grouped_bar"):
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
    """A chart whose values are mostly lost (13 of 15 n/a boxes) is a table, its gaps named; one with a few
    gaps stays a chart and draws them as outlines."""
    fig = next(f for f in FIGURES if f.id == "us_top15_retailers")
    r = render(fig, _table(extracted, fig), lang="ja")
    assert r.as_table
    cells = [c.get_text().get_text() for c in r.axes[0].tables[0].get_celld().values()]
    assert cells.count("不明") == 15  # fifteen companies whose shares the text lost
    footer = "".join(t.get_text() for t in r.figure.texts)
    assert "値の大半が不明" in footer
    plt.close(r.figure)
    fig = next(f for f in FIGURES if f.id == "jp_firms_overseas_share")  # 1 gap of 36
    r = render(fig, _table(extracted, fig), lang="en")
    assert not r.as_table
    assert [t.get_text().strip() for t in r.axes[0].texts].count("n/a") == 1
    plt.close(r.figure)


def test_no_single_bar_chart(extracted):
    """Every bar chart drawn has at least two bars or a second series beside it; the rule is the data's."""
    from ecresearch.charts.data import prepare
    from ecresearch.charts.render import table_reason

    for fig in CHARTED:
        table = _table(extracted, fig)
        if fig.kind in ("pie", "ranking_table") or not has_image(fig, table):
            continue
        r = render(fig, table, lang="ja")
        try:
            data = prepare(fig, table, "ja")
            known = int(data.frame["value"].notna().sum())
            assert r.as_table == (table_reason(data) is not None), fig.id
            if not r.as_table:
                assert known >= 2 or data.secondary is not None, fig.id
                assert known * 2 >= len(data.frame), fig.id
        finally:
            plt.close(r.figure)


def test_english_labels(extracted):
    fig = next(f for f in FIGURES if f.id == "top10_countries")
    r = render(fig, _table(extracted, fig), lang="en")
    ticks = [t.get_text() for t in r.axes[0].get_yticklabels()]  # horizontal: 20 bars do not fit upright
    assert ticks[:2] == ["China", "United States"]
    title = r.figure.get_suptitle().replace("\n", " ")  # over both panels (bars and the growth side panel)
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
        drawn = drawn_series(r.figure) | (set(r.data.frame["series"]) if fig.kind == "pie" or r.as_table else set())
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


@pytest.fixture(scope="module")
def scored(extracted):
    from ecresearch import params as P
    from ecresearch.params import Params
    from ecresearch.scores import analysis
    from ecresearch.scores.model import score
    from ecresearch.scores.outputs import scores_table

    result = score(extracted.figures, extracted.external, P.validate(Params(draws=200)))
    alt = analysis.rescore(result, P.validate(Params(draws=200, concentration_direction="gatekeeper")))
    return scores_table(result, analysis.readings(result, alt)), analysis.directions(result, alt)


def _all_charts(extracted, scored, lang="ja"):
    """Every chart kind: each catalogued figure, and the three score charts (with and without a target)."""
    from ecresearch.charts.render import SEABORN_LESS
    from ecresearch.charts.scores import growth_sns_map, rank_bands, rank_shifts

    table, directions = scored
    for fig in CHARTED:
        t = _table(extracted, fig)
        if has_image(fig, t):
            yield fig.id, fig.kind in SEABORN_LESS, lambda fig=fig, t=t: render(fig, t, lang=lang).figure
    for hl in (None, "VNM"):
        yield f"rank_bands/{hl}", False, lambda hl=hl: rank_bands(table, lang=lang, highlight=hl)
        yield f"growth_sns_map/{hl}", False, lambda hl=hl: growth_sns_map(table, lang=lang, highlight=hl)
        yield f"rank_shifts/{hl}", False, lambda hl=hl: rank_shifts(directions, table, lang=lang, highlight=hl)


def test_marks_are_drawn_by_seaborn(extracted, scored, monkeypatch):
    """No chart but the declared seaborn-less kinds (donuts, tables) calls ax.bar/barh/plot/scatter itself:
    each such call must come from seaborn (the first caller outside matplotlib)."""
    import inspect
    import os

    from matplotlib.axes import Axes

    calls: list[str] = []

    def spy(name, original):
        def wrapped(self, *args, **kwargs):
            for frame in inspect.stack()[1:]:
                path = frame.filename.replace(os.sep, "/")
                if "/matplotlib/" in path or frame.function == "wrapped":  # barh calls bar: both spied
                    continue
                calls.append("seaborn" if "/seaborn/" in path else f"{name} from {path}:{frame.lineno}")
                break
            return original(self, *args, **kwargs)

        return wrapped

    for name in ("bar", "barh", "plot", "scatter"):
        monkeypatch.setattr(Axes, name, spy(name, getattr(Axes, name)))
    for chart_id, seaborn_less, draw in _all_charts(extracted, scored):
        calls.clear()
        f = draw()
        plt.close(f)
        if seaborn_less:
            continue
        direct = [c for c in calls if c != "seaborn"]
        assert not direct, f"{chart_id}: {direct}"
        tabled = any(ax.tables for ax in f.axes)
        assert tabled or "seaborn" in calls, f"{chart_id}: nothing drawn through seaborn"


def _label_boxes(f):
    from ecresearch.charts.scores import text_box

    ax = f.axes[0]
    renderer = f.canvas.get_renderer()
    return ax, [(t.ec_iso3, text_box(t, renderer)) for t in ax.texts if hasattr(t, "ec_iso3")]


@pytest.mark.parametrize("lang", ["ja", "en"])
@pytest.mark.parametrize("highlight", [None, "VNM", "THA"])
def test_map_labels_never_sit_on_another_marker(scored, lang, highlight):
    """In the growth × SNS map no country's name overlaps another country's bubble or another name."""
    from ecresearch.charts.scores import _hits_circle, growth_sns_map, marker_circles

    f = growth_sns_map(scored[0], lang=lang, highlight=highlight)
    try:
        ax, boxes = _label_boxes(f)
        assert len(boxes) == len(ax.ec_markers) >= 10
        circles = dict(zip(ax.ec_markers, marker_circles(ax, list(ax.ec_markers.values())), strict=True))
        for iso3, bb in boxes:
            on = [other for other, c in circles.items() if other != iso3 and _hits_circle(bb, *c)]
            assert not on, f"{iso3}'s label sits on {on}"
        for i, (a, ba) in enumerate(boxes):
            assert not any(ba.overlaps(bb) for _, bb in boxes[i + 1 :]), a
    finally:
        plt.close(f)


def test_label_placement_avoids_a_marker(monkeypatch):
    """The placement itself: a marker right of and above a point pushes its label elsewhere."""
    from ecresearch.charts.scores import _hits_circle, marker_circles, place_labels, text_box

    f, ax = plt.subplots(figsize=(6, 4))
    ax.set_xlim(0, 10)
    ax.set_ylim(0, 10)
    markers = [(5, 5, 100), (5.6, 5.6, 900)]
    (t,) = place_labels(ax, [(5, 5, "ベトナム", "#222", 100)], markers)
    bb = text_box(t, f.canvas.get_renderer())
    assert not _hits_circle(bb, *marker_circles(ax, [markers[1]])[0])
    assert t.get_position() != (0, 0)
    plt.close(f)


def test_quality_findings_reach_their_chart(extracted):
    """A finding that disputes a charted value (北米 +9.0% vs +8.04% from its members; Thailand 39% vs 30%)
    marks that bar and is stated in the chart's footer, in the chart's language."""
    from ecresearch.clean.quality import run_checks

    findings = run_checks(extracted.figures, extracted.external)
    cases = [("regional_growth_2022", "北米", "8.04"), ("sea_new_online_shoppers", "タイ", "30")]
    for fid, category, computed in cases:
        fig = next(f for f in FIGURES if f.id == fid)
        for lang in ("ja", "en"):
            r = render(fig, _table(extracted, fig), lang=lang, findings=findings)
            try:
                name = (
                    category
                    if lang == "ja"
                    else r.data.frame.set_index("order")["label"].get(
                        _table(extracted, fig).filter(pl.col("category_ja") == category)["order"][0]
                    )
                )
                mark = r.data.notes[next(k for k in r.data.notes if k[1] == name)]
                bar_labels = [t.get_text() for t in r.axes[0].texts]
                assert any(t.endswith(mark) for t in bar_labels), (fid, lang, bar_labels)
                footer = "".join(t.get_text() for t in r.figure.texts)
                line = next(ln for ln in footer.split("\n") if ln.startswith(mark))
                assert name in line and computed in line
                assert ("データ品質" in line) == (lang == "ja")
            finally:
                plt.close(r.figure)
    # without the findings, no mark
    fig = next(f for f in FIGURES if f.id == "regional_growth_2022")
    r = render(fig, _table(extracted, fig), lang="ja")
    assert not r.data.notes
    plt.close(r.figure)


def test_titles_never_run_into_a_side_panel(extracted):
    for lang in ("ja", "en"):
        fig, r = _render(extracted, "top10_countries", lang)
        try:
            renderer = r.figure.canvas.get_renderer()
            side = r.axes[1]
            side_title = side.title.get_window_extent(renderer)
            main = r.figure._suptitle.get_window_extent(renderer)
            assert not main.overlaps(side_title), lang
            assert main.y0 >= side_title.y1 - 1 or main.x1 <= side.get_window_extent(renderer).x0, lang
        finally:
            plt.close(r.figure)


def _phone_chart_px() -> int:
    """The width (CSS px) the site's phone layout gives a chart: read from site.css, never typed here."""
    import ecresearch.site

    css = (Path(ecresearch.site.__file__).parent / "templates" / "site.css").read_text(encoding="utf-8")
    widths = {int(w) for w in re.findall(r"img\{max-width:none !important;width:(\d+)px\}", css)}
    assert len(widths) == 1, widths
    return widths.pop()


def test_chart_text_is_legible_on_a_phone(extracted, scored, tmp_path):
    """At 390 px a page shows a chart at the phone width of site.css; its smallest text is then ≥ 9 CSS px."""
    from ecresearch.charts.style import save

    phone = _phone_chart_px()
    for chart_id, _, draw in _all_charts(extracted, scored, "en"):
        f = draw()
        try:
            sizes = [t.get_fontsize() for t in f.findobj(Text) if t.get_text().strip() and t.get_visible()]
            png = save(f, tmp_path / chart_id.replace("/", "_"))[1]
            from PIL import Image

            width_in = Image.open(png).size[0] / plt.rcParams["savefig.dpi"]
            css_px = min(sizes) * phone / (72 * width_in)
            assert css_px >= 9, f"{chart_id}: {min(sizes)} pt on {width_in:.1f} in → {css_px:.1f} px"
        finally:
            plt.close(f)


def test_long_titles_break_between_words():
    """A title too wide breaks before its parenthesis and after a comma, never inside a word such as HHI."""
    from ecresearch.charts.text import _display_width, wrap_title

    title = "成長 × SNS利用（円の大きさ＝EC市場規模、白抜き＝規模不明、色＝HHI、棒＝補完値の範囲）"
    lines = wrap_title(title, 40).split("\n")
    assert "".join(lines) == title
    assert lines[0] == "成長 × SNS利用" and all(_display_width(x) <= 40 for x in lines)
    assert all("HHI" in x or "H" not in x for x in lines)
    assert wrap_title("短い題（単位）", 40) == "短い題（単位）"
