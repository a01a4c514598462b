"""A heading printed as its own notebook output keeps with what follows it in the PDF (no heading stranded at
the foot of a page): the output is marked, and the print stylesheet keeps a marked block with the next."""

from __future__ import annotations

from ecresearch.site.pdf import PRINT_CSS, keep_headings

OUT = (
    '<div class="jp-OutputArea-child">\n<div class="jp-RenderedHTMLCommon jp-RenderedHTML" tabindex="0">\n'
    "{}\n</div>\n</div>"
)


def test_a_heading_only_output_is_marked_and_kept_with_the_next():
    page = OUT.format("<h2>2. 3つの柱</h2>") + OUT.format("<table><tr><td>1</td></tr></table>")
    marked = keep_headings(page)
    assert marked.count("heading-only") == 1
    assert marked.index("heading-only") < marked.index("3つの柱") < marked.index("<table>")
    assert ".heading-only" in PRINT_CSS.split("break-after")[0]


def test_an_output_with_more_than_its_heading_is_left_alone():
    page = OUT.format("<h2>要約</h2><p>本文</p>") + OUT.format("<p>x</p>")
    assert keep_headings(page) == page
