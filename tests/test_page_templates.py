"""Each piece of page chrome is written once, in its partial; base.html.j2 and the notebook pages include it."""

import re
import subprocess

import pytest

from ecresearch.site import html

from .conftest import REPO

PAGES = html.TEMPLATES / "pages"
# a mark of each partial's markup, and the partial that owns it
CHROME = {
    'name="ecresearch-params"': "meta.html.j2",
    'name="ecresearch-scores"': "meta.html.j2",
    '<header class="site">': "chrome.html.j2",
    '<nav class="site">': "chrome.html.j2",
    'class="lang"': "chrome.html.j2",
    'class="stamp"': "stamp.html.j2",
    'class="notice"': "stamp.html.j2",
    'class="dated"': "chrome.html.j2",
}


@pytest.mark.parametrize("mark, owner", CHROME.items())
def test_chrome_is_written_once(mark, owner):
    holders = [p.name for p in sorted(PAGES.glob("*.j2")) if mark in p.read_text(encoding="utf-8")]
    assert holders == [owner]


def test_base_includes_every_partial():
    base = (PAGES / "base.html.j2").read_text(encoding="utf-8")
    assert set(re.findall(r'{% include "([^"]+)"', base)) == {"meta.html.j2", "chrome.html.j2", "stamp.html.j2"}


NOTICE = {
    "as_of": "as of <d>",
    "deck": "deck",
    "jetro": "jetro",
    "disclaimer_lead": "lead",
    "disclaimer": "quote",
    "disclaimer_gloss": "",
}
STAMP = {"digest": "d1", "scores_sha": "s1", "as_of": "2026-12-01", "text": "made <with> care", "notices": [NOTICE]}
NAV = {
    "nav": [{"href": "index.html", "text": "Home"}],
    "other_lang": {"href": "x.ja.html", "lang": "ja", "text": "日本語"},
}


def test_pages_and_notebooks_share_the_chrome():
    values = {"title": "T", "subtitle": "S", "lang": "en", "stamp": STAMP, **NAV}
    page = html.env().get_template("base.html.j2").render(css="", **values)
    header = html.env().get_template("chrome.html.j2").render(**values)
    meta = html.env().get_template("meta.html.j2").render(**values)
    footer = html.env().get_template("notebook_footer.html.j2").render(**values)
    assert header in page and meta in page
    assert '<meta name="ecresearch-as-of" content="2026-12-01">' in meta  # what `ecresearch scenarios` reads
    assert footer.startswith('<main><footer class="notice">') and footer.endswith("</footer></main>")
    assert footer.removeprefix("<main>").removesuffix("</main>") in page
    assert '<p class="stamp">made &lt;with&gt; care</p>' in footer and "as of &lt;d&gt;" in footer
    assert '<p class="dated">as of &lt;d&gt;</p>' in header  # the date also under the title, escaped
    # the header stays on its own line before <main>, as it was when base.html.j2 held a copy
    assert header + "\n<main>" in page
    assert html.env().get_template("notebook_footer.html.j2").render(**{**values, "stamp": None}) == ""


def test_the_index_says_where_the_uncommitted_report_pages_are(tmp_path):
    """The report pages are git-ignored, so the committed index links pages that exist only in a build or on
    the published site: each index (one per language) says so in its language, next to the links."""
    from ecresearch import paths
    from ecresearch.domain.labels import label
    from ecresearch.pipeline.atomic import staged
    from ecresearch.pipeline.dag import as_of
    from ecresearch.site import index
    from ecresearch.site.html import index_page

    out = paths.output_set()
    index.build(tmp_path, out, ["IDN"], as_of())
    for lang, other in (("en", "ja"), ("ja", "en")):
        page = staged(tmp_path, index_page(out, lang)).read_text(encoding="utf-8")
        assert f'<html lang="{lang}"' in page
        assert re.search(rf'href="countries/IDN/{lang}/report\.html" hreflang="{lang}"', page)
        assert re.search(rf'href="countries/IDN/{other}/report\.html" hreflang="{other}" lang="{other}"', page)
        assert f'<p class="prov">{label("index.reports_built", lang)}</p>' in page
        assert label("index.reports_built", other) not in page
    ignored = subprocess.run(
        ["git", "check-ignore", "-q", "reports/countries/IDN/en/report.html"], cwd=REPO, check=False
    )
    assert ignored.returncode == 0  # what the sentence says: the pages are not in the repository
