"""What-if re-ranking for the panel of notebook 03: a setting of the panel's controls → parameters → the
ranking, its rank bands and what holds, as data and as one HTML fragment; and the scenario command that builds
the same parameters for good.

Fast because the indicator selection (most of ``score()``'s time) depends on none of the panel's controls: it
is done once by ``prepare`` (a ``score()`` under the base parameters), and ``rerank`` repeats only what follows
it in ``score()``, with the model's own functions. ``rerank`` falls back to ``score()`` when a parameter outside
the panel differs, and a test holds it equal to ``score()`` over a grid of settings. Pure: no widgets here."""

from __future__ import annotations

import html as _h
import shlex
from dataclasses import dataclass, fields

import polars as pl

from ecresearch.domain.formats import num, pct
from ecresearch.domain.labels import label, section
from ecresearch.errors import ParameterError
from ecresearch.params import CORE_PILLARS, PILLARS, Params, override, parse_weights, validate
from ecresearch.scores import model as M
from ecresearch.scores.analysis import INDISTINCT, robust_pairs

# The parameters the panel sets; any other difference from the base goes through score() itself.
PANEL_FIELDS = frozenset({"weights", "concentration_direction", "hhi_point", "max_missing_weight"})
WEIGHT_STEPS = 100  # the weight sliders count whole units: integer ratios give exactly the CLI's weights


@dataclass(frozen=True)
class Setting:
    """The panel's controls: relative integer weights (PILLARS order), the reading of concentration, the HHI
    point, and the missing-value limit."""

    weights: tuple[int, ...]
    direction: str
    hhi_point: str
    max_missing: float


def setting_of(params: Params) -> Setting:
    """The controls that show ``params`` (weights rounded to whole units of WEIGHT_STEPS)."""
    return Setting(
        tuple(round(params.weights[p] * WEIGHT_STEPS) for p in PILLARS),
        params.concentration_direction,
        params.hhi_point,
        round(params.max_missing_weight, 2),
    )


def weights_text(setting: Setting) -> str:
    """The --weights value: growth,sns,concentration, with size only when it is weighted."""
    w = setting.weights if setting.weights[-1] else setting.weights[: len(CORE_PILLARS)]
    return ",".join(str(v) for v in w)


def params_of(base: Params, setting: Setting) -> Params:
    """The parameters of a setting, made the way the CLI makes them from the command's flags (so the command
    rebuilds exactly what the panel showed)."""
    return override(
        base,
        weights=parse_weights(weights_text(setting)),
        concentration_direction=setting.direction,
        hhi_point=setting.hhi_point,
        max_missing_weight=setting.max_missing,
    )


# ── re-ranking ─────────────────────────────────────────────────────────────────────────────────


@dataclass(frozen=True)
class Prepared:
    """What no control of the panel changes: the inputs, the base parameters and the indicator selection."""

    figures: pl.DataFrame
    external: pl.DataFrame
    base: Params
    result: M.Result  # score() under the base parameters


def prepare(figures: pl.DataFrame, external: pl.DataFrame, base: Params) -> Prepared:
    base = validate(base)
    return Prepared(figures, external, base, M.score(figures, external, base))


def _outside_panel(prep: Prepared, params: Params) -> bool:
    return any(
        getattr(params, f.name) != getattr(prep.base, f.name) for f in fields(Params) if f.name not in PANEL_FIELDS
    )


def rerank(prep: Prepared, params: Params) -> M.Result:
    """``score(figures, external, params)`` without redoing the indicator selection (``model.score_indicators``
    on the base result's indicators): the panel's controls never change which data are selected."""
    params = validate(params)
    if _outside_panel(prep, params):
        return M.score(prep.figures, prep.external, params)
    return M.score_indicators(prep.result.indicators, prep.result.data_sets, params)


# ── what the panel shows ───────────────────────────────────────────────────────────────────────


@dataclass(frozen=True)
class View:
    """One setting's outcome: the parameters' description, the ranking (None when the setting ranks nothing)
    and the sentences that hold. ``params`` is None for the published result and when no weight is set."""

    params: Params | None
    describe: str | None
    ranking: pl.DataFrame | None
    holds: list[str]


# The columns of a scores table the panel shows (model.score's and the published country_scores both have them).
SHOWN = ("rank", "iso3", "score", "median_rank", "rank_p05", "rank_p95", "p_top3", "p_rank1", "pillars_used")


def view(prep: Prepared, params: Params, file_ranks: dict[str, int], lang: str = "en", file_label: str = "") -> View:
    """Rerank under ``params`` and compare with the ranks the build published (``file_ranks``, iso3 → rank)."""
    try:
        result = rerank(prep, params)
    except ParameterError:
        return View(params, params.describe(), None, [label("panel.too_few", lang)])
    names = result.coverage.select("iso3", pl.col(_name_col(lang)).alias("name"))
    table = ranking(result.scores, names, file_ranks)
    unranked = result.coverage.filter(~pl.col("ranked")).select("iso3", _name_col(lang)).rows()
    shown = table["iso3"].to_list()
    pairs = robust_pairs(result).filter(pl.col("a").is_in(shown) & pl.col("b").is_in(shown))
    text = holds(table, pairs, unranked, result.params.max_missing_weight, file_ranks, file_label, lang)
    return View(result.params, result.params.describe(), table, text)


def view_setting(
    prep: Prepared, setting: Setting, file_ranks: dict[str, int], lang: str = "en", file_label: str = ""
) -> View:
    """The view of the panel's controls; no parameters when every weight is zero."""
    if not any(setting.weights):
        return View(None, None, None, [label("panel.no_weight", lang)])
    return view(prep, params_of(prep.base, setting), file_ranks, lang, file_label)


def published_view(
    scores: pl.DataFrame, pairs: pl.DataFrame, meta: dict, lang: str = "en", file_label: str = ""
) -> View:
    """The view of what a build published (its scores table, robust pairs and parameters): what the panel
    shows before any change, read rather than recomputed."""
    ranked = scores.filter(pl.col("ranked"))
    file_ranks = dict(ranked.select("iso3", "rank").rows())
    names = scores.select("iso3", pl.col(_name_col(lang)).alias("name"))
    table = ranking(ranked, names, file_ranks)
    unranked = scores.filter(~pl.col("ranked")).select("iso3", _name_col(lang)).rows()
    shown = table["iso3"].to_list()  # as view() does: a pair with a market left unranked is not a ranked pair
    pairs = pairs.filter(pl.col("a").is_in(shown) & pl.col("b").is_in(shown))
    limit = meta["params"]["max_missing_weight"]
    return View(None, meta["describe"], table, holds(table, pairs, unranked, limit, file_ranks, file_label, lang))


def ranking(scores: pl.DataFrame, names: pl.DataFrame, file_ranks: dict[str, int]) -> pl.DataFrame:
    """The ranked countries with their names, bands, probabilities and the rank the build gives them."""
    files = pl.DataFrame(
        {"iso3": list(file_ranks), "file_rank": list(file_ranks.values())},
        schema={"iso3": pl.String, "file_rank": pl.Int64},
    )
    ranked = scores.filter(pl.col("rank").is_not_null())  # a market the setting leaves unranked is named apart
    return (
        ranked.select(SHOWN).join(names, on="iso3", how="left").join(files, on="iso3", how="left").sort("rank", "iso3")
    )


def holds(
    table: pl.DataFrame,
    pairs: pl.DataFrame,
    unranked: list[tuple[str, str]],
    max_missing: float,
    file_ranks: dict[str, int],
    file_label: str,
    lang: str,
) -> list[str]:
    """What holds: the countries surely in the top three, the most likely first, the pairs the Monte Carlo
    cannot order (``pairs``: a, b), the moves against the build, and who is left unranked ((iso3, name))."""
    t = section("panel", lang)
    share = pct(INDISTINCT, lang)
    rows = list(table.iter_rows(named=True))
    name = {r["iso3"]: r["name"] for r in rows}
    sure = [r["name"] for r in sorted(rows, key=lambda r: (-r["p_top3"], r["rank"])) if r["p_top3"] >= INDISTINCT]
    out = [
        label("panel.holds_top3", lang, share=share, names=", ".join(sure))
        if sure
        else label("panel.holds_top3_none", lang, share=share)
    ]
    first = max(rows, key=lambda r: (r["p_rank1"], -r["rank"]))
    out.append(label("panel.holds_first", lang, name=first["name"], share=pct(first["p_rank1"], lang)))
    if pairs.height:
        text = "; ".join(f"{name[a]}–{name[b]}" for a, b in pairs.select("a", "b").rows())
        out.append(label("panel.holds_pairs", lang, count=pairs.height, share=share, pairs=text))
    else:
        out.append(label("panel.holds_pairs_none", lang, share=share))
    newly, dropped = t["not_ranked_before"], t["dropped"]
    moves = [
        f"{r['name']} {r['file_rank']} → {r['rank']}" if r["file_rank"] is not None else f"{r['name']} ({newly})"
        for r in rows
        if r["file_rank"] != r["rank"]
    ]
    moves += [f"{n} ({dropped})" for iso3, n in unranked if iso3 in file_ranks]
    out.append(
        label("panel.holds_moves", lang, label=file_label, moves=", ".join(moves))
        if moves
        else label("panel.holds_same", lang, label=file_label)
    )
    if unranked:
        names = ", ".join(n for _, n in unranked)
        out.append(label("panel.holds_unranked", lang, share=pct(max_missing, lang), names=names))
    return out


def _name_col(lang: str) -> str:
    return "name_ja" if lang == "ja" else "name_en"


# ── HTML: one fragment, for the widget and for the static page ─────────────────────────────────

BAR_W, BAR_H, PAD = 200, 14, 6


def band_svg(r: dict, n: int) -> str:
    """The rank band of one row as inline SVG: 5th-95th percentile bar, median dot, point rank diamond, and a
    tick at the parameters file's rank."""

    def x(rank: float) -> str:
        return f"{PAD + (rank - 1) / max(n - 1, 1) * (BAR_W - 2 * PAD):.1f}"

    y = BAR_H / 2
    parts = [
        f'<line x1="{x(r["rank_p05"])}" y1="{y}" x2="{x(r["rank_p95"])}" y2="{y}" stroke="#4c72b0" '
        f'stroke-opacity="0.35" stroke-width="7" stroke-linecap="round"/>',
        f'<circle cx="{x(r["median_rank"])}" cy="{y}" r="3" fill="#4c72b0"/>',
    ]
    cx = float(x(r["rank"]))
    parts.append(
        f'<polygon points="{cx:.1f},{y - 4} {cx + 4:.1f},{y} {cx:.1f},{y + 4} {cx - 4:.1f},{y}" fill="white" '
        f'stroke="#4c72b0"/>'
    )
    if r["file_rank"] is not None:
        fx = x(r["file_rank"])
        parts.append(f'<line x1="{fx}" y1="1" x2="{fx}" y2="{BAR_H - 1}" stroke="#555" stroke-width="1"/>')
    return f'<svg width="{BAR_W}" height="{BAR_H}" role="img">{"".join(parts)}</svg>'


def html(v: View, lang: str = "en", note: str = "") -> str:
    """The ranking table with its rank bands, and what holds: every cell escaped, numbers in the page's locale."""
    t = section("panel", lang)
    c = section("panel.col", lang)
    head = f"<p><em>{_h.escape(note)}</em></p>" if note else ""
    if v.describe is not None:
        setting = label("panel.setting", lang, describe=v.describe)
        head += f"<p>{_h.escape(setting)}</p>"
    heading = t["holds_h"]
    holds_html = f"<h4>{_h.escape(heading)}</h4><ul>" + "".join(f"<li>{_h.escape(s)}</li>" for s in v.holds)
    holds_html += "</ul>"
    if v.ranking is None:
        return f'<div class="ecresearch-whatif">{head}{holds_html}</div>'
    n = max(
        [v.ranking.height, *v.ranking["file_rank"].drop_nulls()]
    )  # one scale for this setting's and the build's ranks
    cols = ("rank", "country", "score", "band", "bars", "p_top3", "p_rank1", "pillars", "file_rank")
    rows = []
    for r in v.ranking.iter_rows(named=True):
        cells = (
            str(r["rank"]),
            _h.escape(f"{r['name']} ({r['iso3']})"),
            num(r["score"], lang, 1),
            f"{num(r['median_rank'], lang, 1)} ({num(r['rank_p05'], lang, 0)}–{num(r['rank_p95'], lang, 0)})",
            band_svg(r, n),
            pct(r["p_top3"], lang),
            pct(r["p_rank1"], lang),
            f"{r['pillars_used']}/{len(CORE_PILLARS)}",
            "—" if r["file_rank"] is None else str(r["file_rank"]),
        )
        rows.append("<tr>" + "".join(f"<td>{x}</td>" for x in cells) + "</tr>")
    table = (
        "<table><thead><tr>"
        + "".join(f"<th>{_h.escape(c[k])}</th>" for k in cols)
        + f"</tr></thead><tbody>{''.join(rows)}</tbody></table>"
    )
    return f'<div class="ecresearch-whatif">{head}{table}{holds_html}</div>'


# ── the scenario command ───────────────────────────────────────────────────────────────────────

# Parameters outside the panel that `ecresearch build` has a flag for (flag, how the value is written).
OTHER_FLAGS = {
    "normalisation": ("--normalisation", str),
    "aggregation": ("--aggregation", str),
    "draws": ("--draws", str),
}


def command_args(setting: Setting, scenario: str, base: Params, file_params: Params) -> list[str]:
    """``ecresearch build`` flags that make ``params_of(base, setting)`` a scenario named ``scenario``: the
    panel's four controls always, and the base's other parameters where they differ from the parameters file."""
    args = [
        "build",
        "--weights",
        weights_text(setting),
        "--direction",
        setting.direction,
        "--hhi-point",
        setting.hhi_point,
        "--max-missing",
        str(setting.max_missing),
    ]
    for name, (flag, fmt) in OTHER_FLAGS.items():
        if getattr(base, name) != getattr(file_params, name):
            args += [flag, fmt(getattr(base, name))]
    if base.vary_methods and not file_params.vary_methods:
        args.append("--vary-methods")
    return [*args, "--scenario", scenario]


def command(args: list[str]) -> str:
    return shlex.join(["ecresearch", *args])


def default_scenario(params: Params) -> str:
    """The name the CLI gives a scenario left unnamed."""
    return f"p-{params.digest()}"
