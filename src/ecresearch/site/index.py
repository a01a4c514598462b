"""The entry page of an output set: the gallery, the data-quality page, the scoring page and every report."""

from __future__ import annotations

from pathlib import Path

from ecresearch import datasets, paths
from ecresearch.domain.formats import num, pct
from ecresearch.params import CORE_PILLARS
from ecresearch.pipeline.atomic import staged, write_text
from ecresearch.site.html import rel_link, render_page

TEXT = {
    "title": "ecresearch — 越境EC市場リサーチ / cross-border e-commerce research",
    "contents": "Contents / 目次",
    "gallery": "Charts of the JETRO deck, with their tables and provenance / デッキの図表",
    "quality": "Data-quality report: every inconsistency found in the deck / データ品質レポート",
    "scores": "Target-country scoring: method, robustness, sensitivity / 候補国のスコアリング",
    "changes": "What changed since the previous build, traced to the snapshot rows / 前回ビルドからの変更点",
    "reports": "Country reports / 国別レポート",
    "head": [
        "rank / 順位",
        "ISO3",
        "country / 国",
        "score",
        "median rank (5–95%)",
        "P(top 3)",
        "pillars / 柱",
        "report / レポート",
    ],
}


def build(root: Path, out: paths.OutputSet, countries: list[str]) -> None:
    scores = datasets.read("country_scores", out)
    rows = []
    for r in scores.iter_rows(named=True):
        name = f"{r['name_ja']} / {r['name_en']}"
        if r["ranked"]:
            links = (
                [
                    {
                        "href": rel_link(out.index, datasets.path("report_page", out, iso3=r["iso3"], lang=lang)),
                        "lang": lang,
                        "text": "日本語" if lang == "ja" else "English",
                    }
                    for lang in ("ja", "en")
                ]
                if r["iso3"] in countries
                else []
            )
            rows.append(
                {
                    "rank": r["rank"],
                    "iso3": r["iso3"],
                    "name": name,
                    "score": num(r["score"], "en", 1),
                    "band": f"{num(r['median_rank'], 'en', 1)} ({num(r['rank_p05'], 'en', 0)}–"
                    f"{num(r['rank_p95'], 'en', 0)})",
                    "p_top3": pct(r["p_top3"], "en"),
                    "pillars": f"{r['pillars_used']}/{len(CORE_PILLARS)}",
                    "links": links,
                }
            )
        else:
            rows.append(
                {
                    "rank": "—",
                    "iso3": r["iso3"],
                    "name": name,
                    "score": "—",
                    "band": f"not ranked: missing pillars carry {pct(r['missing_weight'], 'en')} of the weight",
                    "p_top3": "—",
                    "pillars": f"{r['pillars']}/{len(CORE_PILLARS)}",
                    "links": [],
                }
            )
    links = {
        "gallery": rel_link(out.index, datasets.path("gallery")),
        "quality": rel_link(out.index, datasets.path("quality_page")),
        "scores": rel_link(out.index, datasets.path("scores_page", out)),
    }
    changes = datasets.path("changes_page")  # written by `ecresearch diff`
    links["changes"] = rel_link(out.index, changes) if out.scenario is None and changes.exists() else None
    title = TEXT["title"] + ("" if out.scenario is None else f" — scenario {out.scenario}")
    write_text(
        staged(root, out.index),
        render_page(
            "index.html.j2", out.index, title=title, lang="en", out=out, with_stamp=True, t=TEXT, rows=rows, links=links
        ),
    )
