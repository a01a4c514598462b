"""`ecresearch scenarios list | show NAME | compare A B`: the built output sets side by side.

Reads only what each set published (its ``params.json``, its scores table, the date its index page states);
never scores again. ``main`` names the main build; any other name a folder under ``reports/scenarios/``."""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys

from ecresearch.errors import EcresearchError

MAIN = "main"
RANK_COLUMNS = ("iso3", "name_en", "ranked", "rank", "score", "median_rank", "rank_p05", "rank_p95", "p_top3")


def output_set(name: str):
    from ecresearch import paths

    return paths.output_set(None if name == MAIN else name)


def built_names() -> list[str]:
    """``main`` (when built) and every scenario folder that holds its published parameters, by name."""
    from ecresearch import paths

    names = [MAIN] if output_set(MAIN).params_json.is_file() else []
    if paths.SCENARIOS_DIR.is_dir():
        names += sorted(
            d.name
            for d in paths.SCENARIOS_DIR.iterdir()
            if d.is_dir() and paths.SCENARIO_NAME.fullmatch(d.name) and output_set(d.name).params_json.is_file()
        )
    return names


def _require_built(name: str):
    out = output_set(name)  # a bad name is a one-line parameter error
    if not out.params_json.is_file():
        known = ", ".join(built_names()) or "none"
        raise EcresearchError(f"scenario {name!r} has not been built (built: {known}); `ecresearch scenarios list`")
    return out


def flatten(params: dict, prefix: str = "") -> dict[str, str]:
    """Parameters as ``key = value`` text, nested tables as dotted keys (``weights.growth``), lists joined."""
    flat: dict[str, str] = {}
    for key in sorted(params):
        value = params[key]
        name = f"{prefix}{key}"
        if isinstance(value, dict) and value:
            flat.update(flatten(value, f"{name}."))
        elif isinstance(value, list):
            flat[name] = ",".join(str(v) for v in value)
        elif isinstance(value, float):
            flat[name] = f"{value:.6g}"
        else:
            flat[name] = json.dumps(value, ensure_ascii=False) if not isinstance(value, str) else value
    return flat


def _as_of(out) -> str | None:
    """The date the set's index page states it is dated with (None for a page made before it said so)."""
    from ecresearch.pipeline.consistency import page_meta

    try:
        return page_meta(out.index).get("ecresearch-as-of") or None
    except OSError:
        return None


def summary(name: str) -> dict:
    """What a built set published: its parameters, when its scores were published, its as-of date, its ranks."""
    from ecresearch import datasets, paths

    out = _require_built(name)
    meta = datasets.read_json("scoring_params", out)
    if not isinstance(meta.get("params"), dict):
        raise EcresearchError(f"{paths.rel(out.params_json)}: no 'params' table; {datasets.rebuild_hint(out)}")
    scores = datasets.read("country_scores", out).select(RANK_COLUMNS).sort("rank", nulls_last=True)
    built = dt.datetime.fromtimestamp(out.params_json.stat().st_mtime, dt.UTC).strftime("%Y-%m-%d %H:%M UTC")
    ranked = scores.filter("ranked")["iso3"].to_list()
    return {
        "name": name,
        "folder": paths.rel(out.scores_dir.parent) if out.scenario else paths.rel(paths.REPORTS),
        "built": built,
        "as_of": _as_of(out),
        "digest": meta.get("digest"),
        "describe": meta.get("describe"),
        "params": flatten(meta["params"]),
        "ranked": len(ranked),
        "top3": ranked[:3],
        "ranks": scores.to_dicts(),
    }


def params_diff(a: dict, b: dict, *, every: bool = False) -> list[dict]:
    """The parameters of two sets side by side (like ``dvc params diff``): the differing ones, or all."""
    keys = sorted(set(a["params"]) | set(b["params"]))
    rows = [{"param": k, a["name"]: a["params"].get(k), b["name"]: b["params"].get(k)} for k in keys]
    return [r for r in rows if every or r[a["name"]] != r[b["name"]]]


def ranks_side_by_side(a: dict, b: dict) -> list[dict]:
    """Every market of either set with its rank, score and P(top 3) in each, and the change of rank (b - a),
    in the order of b's ranks (then a's)."""
    ra = {r["iso3"]: r for r in a["ranks"]}
    rb = {r["iso3"]: r for r in b["ranks"]}
    order = [r["iso3"] for r in b["ranks"]] + [i for i in ra if i not in rb]
    rows = []
    for iso3 in order:
        x, y = ra.get(iso3, {}), rb.get(iso3, {})
        rank_a, rank_b = x.get("rank"), y.get("rank")
        rows.append(
            {
                "iso3": iso3,
                "name_en": y.get("name_en") or x.get("name_en"),
                f"rank_{a['name']}": rank_a,
                f"rank_{b['name']}": rank_b,
                "change": None if rank_a is None or rank_b is None else rank_b - rank_a,
                f"score_{a['name']}": x.get("score"),
                f"score_{b['name']}": y.get("score"),
                f"p_top3_{a['name']}": x.get("p_top3"),
                f"p_top3_{b['name']}": y.get("p_top3"),
            }
        )
    return rows


# ── the command ───────────────────────────────────────────────────────────────────────────────


def _dump(value) -> None:
    print(json.dumps(value, ensure_ascii=False, indent=1))


def _cell(value, fmt: str = "") -> str:
    if value is None:
        return "-"
    return format(value, fmt) if fmt else str(value)


def _list(args: argparse.Namespace) -> int:
    sets = [summary(n) for n in built_names()]
    if args.json:
        _dump([{k: v for k, v in s.items() if k != "ranks"} for s in sets])
        return 0
    if not sets:
        print("no built set: `ecresearch build` makes the main build, `--scenario NAME` a scenario", file=sys.stderr)
        return 0
    print(f"{'name':<20} {'built':<20} {'as of':<10} {'digest':<10} {'ranked':>6}  {'top 3':<13}  parameters")
    for s in sets:
        print(
            f"{s['name']:<20} {s['built']:<20} {_cell(s['as_of']):<10} {_cell(s['digest']):<10} {s['ranked']:>6}  "
            f"{' '.join(s['top3']):<13}  {s['describe'] or ''}"
        )
    return 0


def _print_ranks(ranks: list[dict]) -> None:
    print(f"{'rank':>4}  iso3  {'country':<16} {'score':>6}  {'median (5-95%)':<15} {'P(top3)':>7}")
    for r in ranks:
        band = "not ranked" if not r["ranked"] else f"{r['median_rank']:g} ({r['rank_p05']:g}-{r['rank_p95']:g})"
        print(
            f"{_cell(r['rank']):>4}  {r['iso3']}   {r['name_en']:<16} {_cell(r['score'], '6.1f'):>6}  {band:<15} "
            f"{_cell(r['p_top3'], '7.0%'):>7}"
        )


def _show(args: argparse.Namespace) -> int:
    s = summary(args.name)
    if args.json:
        _dump(s)
        return 0
    print(f"{s['name']} ({s['folder']}): built {s['built']}, as of {_cell(s['as_of'])}, digest {s['digest']}")
    print(f"  {s['describe']}")
    print()
    width = max(map(len, s["params"]), default=0)
    for k, v in s["params"].items():
        print(f"  {k:<{width}}  {v}")
    print()
    _print_ranks(s["ranks"])
    return 0


def _compare(args: argparse.Namespace) -> int:
    if args.a == args.b:
        raise EcresearchError(f"scenarios compare: {args.a!r} twice; name two different sets")
    a, b = summary(args.a), summary(args.b)
    params, ranks = params_diff(a, b, every=args.all), ranks_side_by_side(a, b)
    if args.json:
        _dump({"a": args.a, "b": args.b, "params": params, "ranks": ranks})
        return 0
    na, nb = a["name"], b["name"]
    w = max([len("param"), *(len(r["param"]) for r in params)])
    cw = max(12, len(na), len(nb))
    print(f"{'param':<{w}}  {na:<{cw}}  {nb:<{cw}}")
    for r in params:
        print(f"{r['param']:<{w}}  {_cell(r[na]):<{cw}}  {_cell(r[nb]):<{cw}}")
    if not params:
        print("(the same parameters)")
    print()
    rw = max(6, len(na), len(nb))
    print(f"iso3  {'country':<16} {na:>{rw}} {nb:>{rw}} {'change':>6}  {'score':>13}  {'P(top3)':>11}")
    for r in ranks:
        change = r["change"]
        shown = "-" if change is None else ("=" if change == 0 else f"{change:+d}")
        scores = f"{_cell(r[f'score_{na}'], '.1f')}/{_cell(r[f'score_{nb}'], '.1f')}"
        p = f"{_cell(r[f'p_top3_{na}'], '.0%')}/{_cell(r[f'p_top3_{nb}'], '.0%')}"
        print(
            f"{r['iso3']}   {r['name_en'] or '':<16} {_cell(r[f'rank_{na}']):>{rw}} {_cell(r[f'rank_{nb}']):>{rw}} "
            f"{shown:>6}  {scores:>13}  {p:>11}"
        )
    return 0


def add_command(sub) -> None:
    p = sub.add_parser("scenarios", help="the built scenarios (and main): list, show one, compare two")
    ssub = p.add_subparsers(dest="scenarios_command", required=True, metavar="ACTION")
    li = ssub.add_parser("list", help="every built set: when built, as-of date, parameters, top 3")
    li.add_argument("--json", action="store_true", help="machine-readable JSON")
    li.set_defaults(func=_list)
    sh = ssub.add_parser("show", help="one set's parameters and ranks")
    sh.add_argument("name", metavar="NAME", help=f"a scenario name, or {MAIN!r} for the main build")
    sh.add_argument("--json", action="store_true", help="machine-readable JSON")
    sh.set_defaults(func=_show)
    co = ssub.add_parser("compare", help="two sets' parameters and ranks side by side")
    co.add_argument("a", metavar="A", help=f"a scenario name, or {MAIN!r}")
    co.add_argument("b", metavar="B", help=f"a scenario name, or {MAIN!r}")
    co.add_argument("--all", action="store_true", help="every parameter, not only those that differ")
    co.add_argument("--json", action="store_true", help="machine-readable JSON")
    co.set_defaults(func=_compare)
