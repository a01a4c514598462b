"""reports/index.html: the entry page linking the gallery, the scores and every country report."""
from __future__ import annotations

import html
from pathlib import Path

import polars as pl

from . import paths
from .atomic import staged, write_text
from .charts.gallery import page

CSS = """
body{font-family:FONTSTACK;margin:0;color:#222;background:#f7f7f7}
header{background:#1f4e79;color:#fff;padding:18px 32px}header h1{margin:0;font-size:22px}
main{max-width:1100px;margin:0 auto;padding:16px 24px}section{background:#fff;border:1px solid #ddd;margin:16px 0;padding:12px 20px}
table{border-collapse:collapse;font-size:13px;width:100%}th,td{border:1px solid #ddd;padding:4px 8px;text-align:left}
th{background:#eef3f8}td.num{text-align:right}a{color:#1f4e79}
"""


def build(root: Path) -> None:
    scores = pl.read_parquet(paths.SCORES)
    rows = []
    for r in scores.iter_rows(named=True):
        name = f"{html.escape(r['name_ja'])} / {html.escape(r['name_en'])}"
        if r["ranked"]:
            link = f"<a href='countries/{r['iso3']}/report.html'>report</a>"
            rows.append(f"<tr><td class='num'>{r['rank']}</td><td>{r['iso3']}</td><td>{name}</td>"
                        f"<td class='num'>{r['score']:.1f}</td><td>{r['median_rank']:g} ({r['rank_p05']:g}–{r['rank_p95']:g})</td>"
                        f"<td>{r['pillars_used']}/3</td><td>{link}</td></tr>")
        else:
            rows.append(f"<tr><td>—</td><td>{r['iso3']}</td><td>{name}</td><td colspan='3'>not ranked: "
                        f"{r['pillars']} of 3 pillars have data</td><td>—</td></tr>")
    body = (
        "<body><header><h1>ecresearch — 越境EC市場リサーチ / cross-border e-commerce research</h1></header><main>"
        "<section><h2>Contents</h2><ul>"
        "<li><a href='charts.html'>Charts of the JETRO deck (gallery)</a> — every figure, its table and provenance</li>"
        "<li><a href='data-quality.md'>Data-quality report</a> — every inconsistency found in the deck, with its resolution</li>"
        "<li><a href='scores/scores.md'>Target-country scores</a> and the <a href='scores/03-target-country-scoring.ipynb'>"
        "scoring notebook as run</a></li></ul></section>"
        "<section><h2>Country reports</h2><table><thead><tr><th>rank</th><th>ISO3</th><th>country</th><th>score</th>"
        "<th>median rank (5–95%)</th><th>pillars</th><th>report</th></tr></thead><tbody>"
        + "".join(rows) + "</tbody></table>"
        f"<p style='font-size:12px;color:#555'>Scoring parameters: {html.escape(scores['parameters'][0])}</p>"
        "<p style='font-size:12px;color:#555'>English version of a report: <code>ecresearch report &lt;ISO3&gt; "
        "--lang en</code> → countries/&lt;ISO3&gt;/en/report.html</p></section></main></body></html>\n")
    write_text(staged(root, paths.INDEX), page("ecresearch", body, CSS))
