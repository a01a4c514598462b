"""`ecresearch build | report | countries`: the command line. Errors print one line and exit non-zero."""
from __future__ import annotations

import argparse
import os
import sys

from .errors import EcresearchError


def _weights(text: str | None) -> dict | None:
    """'0.5,0.25,0.25' or 'growth=0.5,sns=0.25,concentration=0.25' → weights (validated later)."""
    if text is None:
        return None
    from .errors import ParameterError
    from .scoring_params import PILLARS

    parts = [p.strip() for p in text.split(",") if p.strip()]
    try:
        if all("=" in p for p in parts):
            return {k.strip(): float(v) for k, v in (p.split("=", 1) for p in parts)}
        if len(parts) != len(PILLARS):
            raise ValueError
        return dict(zip(PILLARS, (float(p) for p in parts)))
    except ValueError:
        raise ParameterError(f"parameter 'weights': cannot read {text!r}; give three numbers in the order "
                             f"{','.join(PILLARS)} or name=value pairs") from None


def scoring_args(args: argparse.Namespace) -> dict:
    """Scoring parameters from the command line, validated before any notebook starts."""
    from .dag import scoring_params
    from .scoring_params import Params, validate

    params = scoring_params(_weights(args.weights), normalisation=args.normalisation, aggregation=args.aggregation,
                            concentration_direction=args.direction)
    checked = validate(Params(weights=params["weights"], normalisation=params["normalisation"],
                              aggregation=params["aggregation"],
                              concentration_direction=params["concentration_direction"],
                              candidates=tuple(params["candidates"])))
    params["weights"] = checked.weights
    return params


def _add_scoring_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("--weights", help="pillar weights growth,sns,concentration (sum to 1), e.g. 0.5,0.25,0.25")
    p.add_argument("--normalisation", choices=None, help="minmax (default) or zscore")
    p.add_argument("--aggregation", help="arithmetic (default) or geometric")
    p.add_argument("--direction", help="concentration direction: channel (default) or gatekeeper")


def _build(args: argparse.Namespace) -> int:
    from .dag import downstream_steps, ranked_countries, steps
    from .pipeline import execute

    sparams = scoring_args(args)
    # one report per scored country, known once the scores step has run
    expand = None if args.only else {"scores": lambda: downstream_steps(ranked_countries())}
    result = execute(steps(only=args.only, scoring=sparams), force=args.force, quiet=args.quiet, jobs=args.jobs,
                     expand=expand)
    ran = [k for k, v in result.items() if v == "ran"]
    print(f"ecresearch build: {len(ran)} of {len(result)} steps ran" if ran
          else f"ecresearch build: everything is up to date ({len(result)} steps)")
    return 0


def _report(args: argparse.Namespace) -> int:
    from .dag import report_step, steps
    from .pipeline import execute
    from .report import require_scored, scored_countries, target

    if args.lang not in ("ja", "en"):
        from .errors import ParameterError
        raise ParameterError(f"parameter 'lang' must be 'ja' or 'en', got {args.lang!r}")
    iso3 = target(args.country)  # before any kernel starts
    sparams = scoring_args(args)
    execute(steps(scoring=sparams), quiet=True, jobs=args.jobs)
    require_scored(iso3, scored_countries())
    step = report_step(iso3, args.lang)
    status = execute([step], force=args.force, quiet=args.quiet, jobs=1)[step.name]
    from . import paths
    out = step.outputs[1]
    print(f"{paths.rel(out)} ({'up to date' if status == 'up to date' else 'written'})")
    return 0


def _countries(args: argparse.Namespace) -> int:
    from .report import scored_countries

    scores = scored_countries()
    print(f"{'rank':>4}  iso3  {'country':<16} {'score':>6}  {'median (5-95%)':<15} growth sns conc.")
    for r in scores.iter_rows(named=True):
        flags = "  ".join("yes" if r[c] is not None else " - " for c in ("growth_pct", "sns_ratio", "hhi_lower"))
        if r["ranked"]:
            band = f"{r['median_rank']:g} ({r['rank_p05']:g}-{r['rank_p95']:g})"
            print(f"{r['rank']:>4}  {r['iso3']}   {r['name_en']:<16} {r['score']:6.1f}  {band:<15} {flags}")
        else:
            print(f"{'-':>4}  {r['iso3']}   {r['name_en']:<16} {'':>6}  {'not ranked':<15} {flags}")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="ecresearch", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    b = sub.add_parser("build", help="build everything that is out of date")
    b.add_argument("--force", action="store_true", help="rebuild every step")
    b.add_argument("--quiet", action="store_true", default=bool(os.environ.get("CI")), help="no progress lines")
    b.add_argument("--only", metavar="STEP", help="run one step (e.g. clean)")
    b.add_argument("--jobs", type=int, default=os.cpu_count() or 1, help="parallel country reports")
    _add_scoring_options(b)
    b.set_defaults(func=_build)
    r = sub.add_parser("report", help="(re)generate the report for one country: ISO3, ISO2, English or Japanese name")
    r.add_argument("country")
    r.add_argument("--lang", default="ja", help="ja (default) or en")
    r.add_argument("--force", action="store_true", help="rerun the report even if up to date")
    r.add_argument("--quiet", action="store_true", default=bool(os.environ.get("CI")))
    r.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    _add_scoring_options(r)
    r.set_defaults(func=_report)
    c = sub.add_parser("countries", help="list the scored countries with score, rank band and data coverage")
    c.set_defaults(func=_countries)
    args = parser.parse_args(argv)
    try:
        return args.func(args)
    except EcresearchError as exc:
        print(f"ecresearch: error: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("ecresearch: interrupted; previous outputs are intact", file=sys.stderr)
        return 130
    finally:
        if "ecresearch.runner" in sys.modules:
            sys.modules["ecresearch.runner"].shutdown_kernels()


if __name__ == "__main__":
    sys.exit(main())
