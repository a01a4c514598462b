"""The site check of report pages (tests/site_check.py) on pages made of a report's own fragments: a good page
passes, and each fault — no as-of date, generated text of the other language, an ended rule listed as current,
platforms marked as scored that are not the scored set — makes it fail."""

from __future__ import annotations

import html
from pathlib import Path

import pytest

from ecresearch import datasets, paths
from ecresearch.domain.labels import label
from ecresearch.report import country
from ecresearch.site.attribution import notice

from .site_check import check_report, data_names, scored_names

ISO3 = "THA"  # a market with a rule that has ended by as_of and a scored platform set


def _page(lang: str) -> tuple[str, str]:
    rep = country.load(ISO3, lang)
    passages, rules, external = (
        datasets.read("deck_passages"),
        datasets.read("market_rules"),
        country.external_figures(),
    )
    body = "".join(
        [
            rep.summary_html(passages, external, rules, country.results(rep.out)),
            country.html_table(rep.platforms(external)),
            country.html_table(rep.social_networks(external, passages)),
            rep.risks_html(rules),
        ]
    )
    n = notice(lang, rep.as_of)
    foot = f'<footer><p class="asof">{html.escape(n["as_of"])}</p><p>{html.escape(n["jetro"])}</p></footer>'
    return f'<html lang="{lang}"><body>{body}{foot}</body></html>', rep.as_of


def _check(page: str, lang: str, as_of: str) -> list[str]:
    processed = paths.ROOT / "data" / "processed"
    return check_report(Path("p.html"), page, lang, as_of, scored_names(processed, ISO3, lang), data_names(processed))


@pytest.mark.parametrize("lang", ["ja", "en"])
def test_a_report_page_passes_and_each_fault_fails(lang):
    page, as_of = _page(lang)
    assert _check(page, lang, as_of) == []
    other = "en" if lang == "ja" else "ja"
    # generated text of the other language, outside any element that declares it
    leak = html.escape(label("report.rules_ended", other))
    assert any("phrase" in p for p in _check(page.replace("</body>", f"<p>{leak}</p></body>"), lang, as_of))
    # the same text declared as a quote in its language is not a leak
    quoted = page.replace("</body>", f'<p><span lang="{other}">{leak}</span></p></body>')
    assert _check(quoted, lang, as_of) == []
    # no as-of date
    stamp = html.escape(notice(lang, as_of)["as_of"])
    assert any("missing as_of" in p for p in _check(page.replace(stamp, ""), lang, as_of))
    # an ended rule listed among the current ones
    assert "<ul class='ended'>" in page
    merged = page.replace("<ul class='ended'>", "<ul>")
    assert any("shown as current" in p for p in _check(merged, lang, as_of))
    # a platform marked as scored that is not in the scored set, or a scored one unmarked
    yes = f"<td>{html.escape(label('report.yes', lang))}</td></tr>"
    assert yes in page
    assert any("marked as scored" in p for p in _check(page.replace(yes, "<td></td></tr>", 1), lang, as_of))


def test_each_index_is_in_one_language(tmp_path):
    """The two indexes pass the page check (declared language, dated); an English index with a Japanese heading
    — the bilingual index it replaces — fails it."""
    from ecresearch.pipeline.atomic import staged
    from ecresearch.pipeline.dag import as_of
    from ecresearch.site import index
    from ecresearch.site.html import index_page

    from .site_check import check_page

    out = paths.output_set()
    index.build(tmp_path, out, [ISO3], as_of())
    pages = {lang: staged(tmp_path, index_page(out, lang)) for lang in ("en", "ja")}
    assert pages["ja"].name == "index.ja.html" and pages["en"].name == "index.html"
    for page in pages.values():
        problems = check_page(page)
        assert [p for p in problems if "broken link" not in p] == [], problems  # reports are not built here
    bad = tmp_path / "bad" / "index.html"
    bad.parent.mkdir()
    text = pages["en"].read_text(encoding="utf-8")
    head = label("index.contents", "en")
    bad.write_text(text.replace(f"<h2>{head}</h2>", f"<h2>{head} / {label('index.contents', 'ja')}</h2>"), "utf-8")
    assert any("untranslated heading" in p for p in check_page(bad))
