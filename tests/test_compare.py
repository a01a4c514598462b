"""`ecresearch compare`: the page, the workbook and the deck hold what each country's report shows (read back
with openpyxl and python-pptx), escape text from data, rerun to the same bytes, and refuse a bad country."""

from __future__ import annotations

import dataclasses
import io
import re
import zipfile

import openpyxl
import polars as pl
import pytest
from pptx import Presentation

from ecresearch import cli, datasets, paths
from ecresearch.compare import content, deck, stable, workbook, write
from ecresearch.compare.where import folder
from ecresearch.domain.formats import pct
from ecresearch.domain.labels import label
from ecresearch.errors import CountryError, EcresearchError
from ecresearch.params import DIRECTIONS, SURE
from ecresearch.report import country

SHORTLIST = ["PHL", "IDN", "VNM"]


@pytest.fixture(scope="module", params=["ja", "en"])
def comparison(request) -> content.Comparison:
    return content.build(SHORTLIST, request.param)


@pytest.fixture(scope="module")
def reports(comparison) -> dict[str, country.Report]:
    return {c: country.load(c, comparison.lang) for c in comparison.codes}


def test_cells_are_what_the_reports_show(comparison, reports):
    external = country.external_figures()
    passages = datasets.read("deck_passages")
    rules = datasets.read("market_rules")
    for m in comparison.markets:
        rep, cells = reports[m.iso3], m.cells
        assert m.name == rep.name
        assert cells["platforms"].text == (", ".join(rep.platform_names()) or rep.t("no_scored_set"))
        assert [v for _, v in cells["platforms"].parts] == [p["value"] for p in rep.leading_platforms()]
        assert cells["networks"].text == ", ".join(rep.network_names(external))
        topics = list(dict.fromkeys(rep.topic(i["topic"]) for i in rep.current_rules(rules)))
        assert cells["rules"].text == ", ".join(topics) and cells["rules"].value == len(topics)
        assert cells["programmes"].text == ", ".join(rep.programme_fit(passages)[0])
        assert cells["growth"].value == rep.row["growth_pct"]
        size = rep.scored_set("size")
        assert cells["size_usd"].value == (size["value"][0] if size.height else None)
        for reading in DIRECTIONS:
            cell = cells[f"rank_{reading}"]
            assert cell.value == rep.row[f"rank_{reading}"]
            assert dict(cell.parts) == {"p05": rep.row[f"rank_p05_{reading}"], "p95": rep.row[f"rank_p95_{reading}"]}
        # what holds is what the report's reading lines say (or none of their holds lines)
        holds = [line for line in rep.reading_lines() if line in (rep.t(k, share=_sure(rep)) for k in _HOLDS)]
        assert (holds[0] if holds else label("compare.holds_none", rep.lang)) == cells["holds"].text
        for key, cell in cells.items():
            assert cell.text and cell.source and cell.period, (m.iso3, key)


_HOLDS = ("holds_top3", "holds_depends")


def _sure(rep) -> str:
    return pct(SURE, rep.lang)


def test_yen_at_the_decks_own_rate(comparison):
    rate = comparison.rate
    row = datasets.read("deck_figures").filter(pl.col("printed") == rate.printed).row(0, named=True)
    assert "円" in rate.printed and row["slide"] == rate.slide
    for m in comparison.markets:
        usd, yen = m.cells["size_usd"], m.cells["size_jpy"]
        assert (yen.value is None) == (usd.value is None)
        if usd.value is not None:
            assert yen.value == pytest.approx(usd.value * rate.yen_per_usd)
            assert str(rate.slide) in yen.source and rate.printed in yen.source


def test_yen_rate_is_read_from_the_printed_text():
    figures = pl.DataFrame(
        {"unit": ["USD", "USD"], "printed": ["$5", "5億USドル（約650億円）"], "slide": [1, 2], "line_start": [3, 4]}
    )
    rate = content.yen_rate(figures)
    assert rate.yen_per_usd == pytest.approx(130.0) and rate.slide == 2
    with pytest.raises(datasets.DatasetError, match="yen"):
        content.yen_rate(figures.head(1))


def test_workbook_holds_the_same_numbers(comparison):
    wb = openpyxl.load_workbook(io.BytesIO(workbook.to_bytes(comparison)))
    t = comparison.t
    assert wb.sheetnames == [t("sheet_compare"), t("sheet_numbers"), t("sheet_sources"), t("sheet_about")]
    side = wb[t("sheet_compare")]
    assert side.freeze_panes == "B2" and side.column_dimensions["B"].width > 20
    assert [c.value for c in side[1]] == [t("item"), *(m.name for m in comparison.markets)]
    for i, s in enumerate(comparison.sections, 2):
        for j, m in enumerate(comparison.markets, 2):
            assert side.cell(i, j).value.startswith(m.cells[s].text)
    got = {(r[0], r[1]): r[2] for r in wb[t("sheet_numbers")].iter_rows(min_row=2, values_only=True)}
    want = {
        (comparison.section_name(s), m.name): m.cells[s].value
        for s in comparison.sections
        for m in comparison.markets
        if m.cells[s].value is not None
    }
    assert got.keys() == want.keys()
    for k, v in want.items():
        assert got[k] == pytest.approx(v), k
    sources = list(wb[t("sheet_sources")].iter_rows(min_row=2, values_only=True))
    assert {(r[0], r[1]) for r in sources} >= {(comparison.section_name("growth"), m.name) for m in comparison.markets}
    assert wb[t("sheet_about")]["A2"].value.startswith(label("attribution.as_of", comparison.lang, date="")[:4])


def test_deck_holds_the_same_numbers(comparison):
    prs = Presentation(io.BytesIO(deck.to_bytes(comparison)))
    slides = list(prs.slides)
    assert len(slides) == 1 + len(comparison.sections)
    for section, slide in zip(comparison.sections, slides[1:], strict=True):
        texts = [s.text_frame.text for s in slide.shapes if s.has_text_frame]
        assert comparison.section_name(section) in texts
        table = next(s.table for s in slide.shapes if s.has_table)
        for i, m in enumerate(comparison.markets, 1):
            assert table.cell(i, 0).text == m.name and table.cell(i, 1).text == m.cells[section].text
        notes = slide.notes_slide.notes_text_frame.text
        for m in comparison.markets:
            assert f"{m.name}: {m.cells[section].source}" in notes
        charts = [s.chart for s in slide.shapes if s.has_chart]
        data = deck.chart_data(comparison, section) if section in deck.CHARTED else None
        assert len(charts) == (data is not None)
        if charts:
            div = deck.SCALE.get(comparison.markets[0].cells[section].unit, (1, ""))[0]
            values = list(charts[0].plots[0].series[0].values)
            if section == "platforms":
                want = [v for m in comparison.markets for _, v in m.cells[section].parts]
            else:
                want = [m.cells[section].value for m in comparison.markets]
            assert values == [None if v is None else pytest.approx(v / div) for v in want]


def test_page_shows_every_cell_dated_and_stamped(comparison):
    page = folder(comparison.out, comparison.codes, comparison.lang) / "compare.html"
    text = write.page_html(comparison, page)
    assert f'<html lang="{comparison.lang}">' in text
    assert '<meta name="ecresearch-params"' in text
    assert label("attribution.as_of", comparison.lang, date="")[:4] in text
    for m in comparison.markets:
        for cell in m.cells.values():
            assert _esc(cell.text) in text
    for name in ("compare.xlsx", "compare.pptx"):
        assert f'href="{name}"' in text
    for c in comparison.codes:
        assert f"countries/{c}/{comparison.lang}/report.html" in text


def _esc(text: str) -> str:
    import html

    return html.escape(text)


HOSTILE = dict(
    text='=HYPERLINK("http://evil.example","x")<script>alert(1)</script>\x07',
    source="+cmd|' /C calc'!A0 <b>bold</b>",
    period="@SUM(1)",
    urls=("javascript:alert(1)", "https://ok.example/a?b=<c>"),
)


def _hostile(c: content.Comparison) -> content.Comparison:
    m = c.markets[0]
    bad = {k: dataclasses.replace(v, **HOSTILE) for k, v in m.cells.items()}
    bad["platforms"] = dataclasses.replace(bad["platforms"], parts=(("=1+1", 50.0),))
    return dataclasses.replace(c, markets=[dataclasses.replace(m, cells=bad), *c.markets[1:]])


def test_text_from_data_is_escaped_everywhere(comparison):
    c = _hostile(comparison)
    page = write.page_html(c, folder(c.out, c.codes, c.lang) / "compare.html")
    assert "<script>" not in page and "<b>bold</b>" not in page and "javascript:" not in page
    assert "&lt;script&gt;" in page and 'href="https://ok.example/a?b=&lt;c&gt;"' in page
    wb = openpyxl.load_workbook(io.BytesIO(workbook.to_bytes(c)))
    cells = [cell for ws in wb.worksheets for row in ws.iter_rows() for cell in row if cell.value is not None]
    assert all(cell.data_type != "f" for cell in cells)  # no formula anywhere
    starts = [cell for cell in cells if str(cell.value).startswith(workbook.FORMULA_START)]
    assert starts and all(cell.quotePrefix for cell in starts)
    assert any(str(cell.value).startswith("=HYPERLINK") for cell in cells)
    assert not any("\x07" in str(cell.value) for cell in cells)
    data = deck.to_bytes(c)
    prs = Presentation(io.BytesIO(data))
    texts = [sh.text_frame.text for s in prs.slides for sh in s.shapes if sh.has_text_frame]
    texts += [
        cell.text for s in prs.slides for sh in s.shapes if sh.has_table for row in sh.table.rows for cell in row.cells
    ]
    assert any("<script>alert(1)</script>" in t for t in texts) and not any("\x07" in t for t in texts)
    with zipfile.ZipFile(io.BytesIO(data)) as z:  # the chart's data workbook holds no formula either
        for name in (n for n in z.namelist() if n.endswith(".xlsx")):
            emb = openpyxl.load_workbook(io.BytesIO(z.read(name)))
            assert all(cell.data_type != "f" for ws in emb.worksheets for row in ws.iter_rows() for cell in row)


def test_reruns_are_byte_identical(comparison):
    assert workbook.to_bytes(comparison) == workbook.to_bytes(comparison)
    assert deck.to_bytes(comparison) == deck.to_bytes(comparison)
    # whatever clock the libraries and zipfile stamp, the repacked package carries the as-of date only
    raw = io.BytesIO()
    workbook.workbook(comparison).save(raw)
    other = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(raw.getvalue())) as src, zipfile.ZipFile(other, "w") as dst:
        for info in src.infolist():
            body = src.read(info.filename)
            if info.filename == "docProps/core.xml":
                body = re.sub(rb"<dcterms:modified([^>]*)>[^<]*<", rb"<dcterms:modified\1>2001-02-03T04:05:06Z<", body)
            dst.writestr(zipfile.ZipInfo(info.filename, (2011, 5, 6, 7, 8, 10)), body)
    a, b = stable.repack(raw.getvalue(), comparison.as_of), stable.repack(other.getvalue(), comparison.as_of)
    assert a == b
    with zipfile.ZipFile(io.BytesIO(a)) as z:
        assert f"{comparison.as_of}T00:00:00Z".encode() in z.read("docProps/core.xml")


@pytest.mark.parametrize(("code", "why"), [("TWN", "not among the scored candidates"), ("HKG", "has no score")])
def test_bad_country_exits_2_and_writes_nothing(code, why, capsys):
    target = folder(paths.output_set(None), ["PHL", code], "en")
    assert cli.main(["compare", "PHL", code, "--lang", "en"]) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and code in err and why in err
    assert not target.exists()


def test_shortlist_is_checked_first():
    with pytest.raises(EcresearchError, match="at least two"):
        content.check(["PHL"])
    with pytest.raises(EcresearchError, match="named twice"):
        content.check(["PHL", "フィリピン"])
    with pytest.raises(CountryError, match="not a country"):
        content.check(["PHL", "../IDN"])


def test_index_lists_comparisons_on_disk(monkeypatch):
    from ecresearch.compare import where
    from ecresearch.site import index

    out = paths.output_set(None)
    page = where.folder(out, ["PHL", "IDN"], "ja") / "compare.html"
    monkeypatch.setattr(where, "pages", lambda out: [page])
    # each index (one language) lists every comparison; one in the other language is marked with its name
    assert index.compare_links(out.index, out, "ja") == [
        {"href": "compare/PHL-IDN/ja/compare.html", "lang": "ja", "text": "PHL · IDN"}
    ]
    assert index.compare_links(out.index, out, "en") == [
        {"href": "compare/PHL-IDN/ja/compare.html", "lang": "ja", "text": f"PHL · IDN ({label('nav.other', 'en')})"}
    ]


def test_a_category_adds_its_standing_as_the_ranking_view_says_it():
    from ecresearch.segments.view import reasons, rows_for, standing

    segments = datasets.read("category_segments")
    c = content.build(["CHN", "USA"], "en", category="seafood")
    assert c.sections[-1] == "category" and "seafood" in c.section_name("category").lower()
    for m in c.markets:
        rows = rows_for(segments, m.iso3, "seafood")
        cell = m.cells["category"]
        assert cell.value == len(reasons(rows))
        if standing(rows) == "barred":
            assert cell.text.startswith(label("category.mark_barred", "en")) and cell.source != "—"
    assert standing(rows_for(segments, "CHN", "seafood")) == "barred"  # the 2023 suspension of aquatic products
    # the workbook carries the same row
    book = openpyxl.load_workbook(io.BytesIO(workbook.to_bytes(c)))
    side = book.worksheets[0]
    names = [row[0].value for row in side.iter_rows()]
    assert c.section_name("category") in names


def test_compare_takes_a_category_and_refuses_an_unknown_one(capsys):
    assert cli.main(["compare", "PHL", "IDN", "--category", "no-such-category"]) == 2
    assert "no-such-category" in capsys.readouterr().err
