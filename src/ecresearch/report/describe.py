"""The scoring parameters in words of a page's language (``Params.describe`` is the English stamp line)."""

from __future__ import annotations

from ecresearch.domain.formats import pct
from ecresearch.domain.labels import label, section
from ecresearch.params import PILLARS


def describe(p: dict, lang: str) -> str:
    """One line for a page: the weights as percentages, then every choice (``p``: ``Params.to_dict()``)."""
    w = section("scoring_page.word", lang)
    sep = "、" if lang == "ja" else ", "
    weights = sep.join(f"{w[q]} {pct(p['weights'][q], lang)}" for q in PILLARS)
    pins = sep.join(f"{k} = {v}" for k, v in sorted(p.get("pins", {}).items()))
    return label(
        "scoring_page.describe",
        lang,
        weights=weights,
        normalisation=w[p["normalisation"]],
        aggregation=w[p["aggregation"]],
        direction=w[p["concentration_direction"]],
        hhi_point=w[f"point_{p['hhi_point']}"],
        limit=pct(p["max_missing_weight"], lang),
        draws=p["draws"],
        noise=pct(p["weight_noise"], lang),
        methods=w["methods_varied"] if p["vary_methods"] else "",
        seed=p["seed"],
        pins=label("scoring_page.pins", lang, pins=pins) if pins else "",
    )
