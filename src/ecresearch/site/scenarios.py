"""What a build's parameters did to the ranking, and the scenarios built beside the main build: the markets a
set does not rank and why (the coverage rule: their imputed pillars' weight against ``max_missing_weight``),
said on the terminal and on the set's index; the main index lists every built scenario."""

from __future__ import annotations

import json

from ecresearch import datasets, paths


def unranked(out: paths.OutputSet) -> list[dict]:
    """The markets this set does not rank, each with its imputed weight, the limit, and (for a scenario)
    whether the main build ranks it: what these parameters unranked."""
    scores = datasets.read("country_scores", out)
    limit = float(datasets.read_json("scoring_params", out)["params"]["max_missing_weight"])
    main_ranked: set[str] = set()
    if out.scenario is not None and datasets.path("country_scores").exists():
        main = datasets.read("country_scores")
        main_ranked = set(main.filter(main["ranked"])["iso3"].to_list())
    return unranked_rows(scores, limit, main_ranked)


def unranked_rows(scores, limit: float, main_ranked: set[str]) -> list[dict]:
    """The unranked markets of a scores table (the coverage rule's verdict), with why."""
    return [
        {
            "iso3": r["iso3"],
            "name_en": r["name_en"],
            "name_ja": r["name_ja"],
            "missing_weight": float(r["missing_weight"]),
            "limit": limit,
            "ranked_in_main": r["iso3"] in main_ranked,
        }
        for r in scores.iter_rows(named=True)
        if not r["ranked"]
    ]


def message(out: paths.OutputSet) -> str | None:
    """One terminal line naming the markets the set does not rank and why, or None when it ranks them all."""
    return message_for(out.label(), unranked(out))


def message_for(what: str, items: list[dict]) -> str | None:
    if not items:
        return None
    parts = [
        f"{i['iso3']} ({'ranked in the main build; ' if i['ranked_in_main'] else ''}imputed pillars weigh "
        f"{i['missing_weight']:.0%} > max_missing_weight {i['limit']:.0%})"
        for i in items
    ]
    return f"ecresearch: the {what} does not rank {len(items)} market(s): " + ", ".join(parts)


def built() -> list[dict]:
    """Every scenario built under reports/scenarios/ (its scores' parameters readable): name, what its
    parameters are, and its index page; sorted by name."""
    found: list[dict] = []
    if not paths.SCENARIOS_DIR.is_dir():
        return found
    for folder in sorted(p for p in paths.SCENARIOS_DIR.iterdir() if p.is_dir()):
        if not paths.SCENARIO_NAME.fullmatch(folder.name):
            continue  # not a folder a build made
        out = paths.output_set(folder.name)
        try:
            meta = json.loads(out.params_json.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue  # not built (or damaged): not listed
        if not isinstance(meta, dict) or not out.index.is_file():
            continue
        params = meta.get("params") if isinstance(meta.get("params"), dict) else None
        found.append(
            {"name": folder.name, "describe": str(meta.get("describe", "")), "params": params, "index": out.index}
        )
    return found
