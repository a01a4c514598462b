"""The command line: `ecresearch build | report | countries | steps | notebooks | scenarios | export | snapshot |
diff | completion`.

Every error a user can cause prints one line naming the file, line, parameter or country, and exits
non-zero; ``--debug`` shows the traceback. Parameters come from ``params.toml``; flags override them for one
run, which then writes a complete scenario under ``reports/scenarios/<name>/`` instead of touching the main
build."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from typing import Any

from ecresearch.errors import EcresearchError
from ecresearch.progress import Progress, Stages

DESCRIPTION = (
    "Reproducible cross-border e-commerce market research: build the deck's tables, checks and charts, score "
    "the target countries, write their reports (ja, en) and the site; list and compare scenarios, export the "
    "tables for analysts, compare builds (diff) and add data snapshots."
)
EPILOG = "Parameters live in params.toml (committed); flags override them for one run as a scenario."


def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("ecresearch")
    except PackageNotFoundError:  # pragma: no cover - running from a source tree
        return "unknown"


def resolve_params(args: argparse.Namespace):
    """(parameters, output set) for this run: params.toml, then the flags; other parameters → a scenario."""
    from ecresearch import params as P
    from ecresearch import paths

    base = P.load_file(paths.PARAMS_FILE)
    effective = P.override(
        base,
        weights=P.parse_weights(args.weights) if getattr(args, "weights", None) is not None else None,
        normalisation=getattr(args, "normalisation", None),
        aggregation=getattr(args, "aggregation", None),
        concentration_direction=getattr(args, "direction", None),
        hhi_point=getattr(args, "hhi_point", None),
        max_missing_weight=getattr(args, "max_missing", None),
        draws=getattr(args, "draws", None),
        vary_methods=True if getattr(args, "vary_methods", False) else None,
        candidates=P.parse_candidates(args.candidates, base.candidates) if getattr(args, "candidates", None) else None,
    )
    scenario = getattr(args, "scenario", None)
    if scenario == "main":  # `ecresearch scenarios` calls the main build 'main'
        raise P.ParameterError("parameter 'scenario': 'main' names the main build; choose another name")
    if scenario is None and effective != base:
        scenario = f"p-{effective.digest()}"
    return effective, paths.output_set(scenario)


def _set_params(out):
    """The parameters an output set was built with (a report never re-scores with other parameters)."""

    from ecresearch import params as P
    from ecresearch import paths

    if out.scenario is None:
        return P.load_file(paths.PARAMS_FILE)
    if not out.params_json.exists():
        raise EcresearchError(
            f"scenario {out.scenario!r} has not been built: run `ecresearch build --scenario "
            f"{out.scenario}` with its parameters first"
        )
    from ecresearch import datasets

    meta = datasets.read_json("scoring_params", out)
    if not isinstance(meta.get("params"), dict):
        raise EcresearchError(f"{paths.rel(out.params_json)}: no 'params' table; {datasets.rebuild_hint(out)}")
    return P.from_mapping(meta["params"], where=paths.rel(out.params_json))


def _set_flags(out) -> str:
    return "" if out.scenario is None else f" --scenario {out.scenario} (with its parameters)"


def _scores_changed(out, before) -> bool:
    """Did this command change the set's scores (or find pages made from other scores)?"""
    from ecresearch.pipeline import consistency

    if consistency.set_stamp(out) != before:
        return True
    want = consistency.set_stamp(out)
    return any(consistency.page_stamp(p) != want for p in consistency.pages(out))


class _VersionAction(argparse.Action):
    """--version, looked up only when asked (reading the package metadata costs start-up time)."""

    def __call__(self, parser, namespace, values, option_string=None):
        print(f"{parser.prog} {_version()}")
        parser.exit()


def _jobs(text: str) -> int:
    """--jobs: a whole number of steps at once, at least one."""
    try:
        n = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if n < 1:
        raise argparse.ArgumentTypeError(f"{n} steps at once: give 1 or more")
    return n


class _Parser(argparse.ArgumentParser):
    """argparse with the project's one-line errors: a bad option names itself on one line and exits 2."""

    def error(self, message: str):
        command = self.prog.partition(" ")[2]  # "build" in "ecresearch build"; empty for the top level
        where = f"{command}: " if command else ""
        self.exit(2, f"ecresearch: error: {where}{message} (see `{self.prog} -h`)\n")


def _add_global_options(p: argparse.ArgumentParser, *, sub: bool) -> None:
    """--debug and --root, before the subcommand or after it (after it, they default to nothing so that the
    value given before the subcommand stands)."""
    kw: dict[str, Any] = {"default": argparse.SUPPRESS} if sub else {}
    p.add_argument("--debug", action="store_true", help="show the traceback of an error", **kw)
    p.add_argument(
        "--root",
        metavar="PATH",
        help="the project folder (default: the nearest folder at or above the working directory whose "
        "pyproject.toml has [tool.ecresearch]; or $ECRESEARCH_ROOT)",
        **kw,
    )


def _build(args: argparse.Namespace) -> int:
    from ecresearch import datasets, paths
    from ecresearch.pipeline import consistency, dag
    from ecresearch.pipeline.engine import execute, plan

    category = chosen_category(args)
    params, out = resolve_params(args)
    names = dag.step_names(params, out)
    if args.only and args.only not in names:
        raise EcresearchError(f"--only {args.only!r}: no such step; `ecresearch steps` lists them")
    steps = dag.clean_steps() + [dag.scores_step(params, out)]
    if args.only:
        steps = [s for s in dag.all_steps(params, out) if s.name == args.only]
    if args.dry_run:
        planned = [
            {"name": name, "status": status}
            for name, status in plan(dag.all_steps(params, out, category), force=args.force).items()
            if not args.only or name == args.only
        ]
        if args.json:
            import json

            print(json.dumps(planned, indent=1))
        else:
            print("\n".join(f"{row['name']}: {row['status']}" for row in planned))
        return 0
    if args.json:
        raise EcresearchError("--json: only with --dry-run (a build prints its progress, not a plan)")
    expand = (
        None if args.only else {dag.scores_step(params, out).name: lambda: dag.downstream_steps(out, category=category)}
    )
    if not args.only and set(plan(steps, force=args.force).values()) != {"up to date"}:
        from ecresearch.pipeline import runner
        from ecresearch.snapshots.raw import verify_raw

        verify_raw()  # changed raw data fails here, before a kernel starts (the clean step checks it again)
        # the notebooks will run: start one kernel (and its imports) beside the clean step, which uses one core
        runner.prestart(paths.NB_REPORT)
    downstream = 0 if args.only or not out.ranked.exists() else len(dag.downstream_steps(out, category=category))
    progress = Progress(len(steps), args.quiet, downstream)
    before = consistency.set_stamp(out)
    try:
        result = execute(steps, force=args.force, progress=progress, jobs=args.jobs, expand=expand)
    finally:
        progress.close()
    n = len(consistency.stale(out)) if args.only and _scores_changed(out, before) else 0
    if n:  # one step: the pages it leaves behind are named, not rebuilt
        print(
            f"ecresearch: {n} page(s) of the {out.label()} were made from other scores; "
            f"`ecresearch build{_set_flags(out)}` rebuilds them",
            file=sys.stderr,
        )
    if not args.only:
        _say_unranked(out, args.jobs)
    ran = sum(v == "ran" for v in result.values())
    where = paths.rel(out.index)
    if args.pdf:
        from ecresearch.site.pdf import write_pdf

        pages = datasets.path("report_page", out, iso3="*", lang="*").relative_to(out.countries_dir)
        for html in sorted(out.countries_dir.glob(pages.as_posix())):
            write_pdf(html)
    if ran:
        print(f"ecresearch build ({out.label()}): {ran} of {len(result)} steps ran; open {where}")
    else:
        print(f"ecresearch build ({out.label()}): everything is up to date; open {where}")
    return 0


def _say_unranked(out, jobs: int) -> None:
    """Name the markets the set does not rank and why; after a scenario, bring the main index's list of
    scenarios up to date (when the main build exists)."""
    from ecresearch import datasets, paths
    from ecresearch.pipeline import dag
    from ecresearch.pipeline.engine import execute
    from ecresearch.site import scenarios

    if out.scores.exists():
        line = scenarios.message(out)
        if line:
            print(line, file=sys.stderr)
    main = paths.output_set(None)
    if out.scenario is not None and datasets.path("country_scores").exists() and main.index.exists():
        execute([dag.index_step(dag.ranked_countries(main), main)], jobs=jobs)


def _report(args: argparse.Namespace) -> int:
    from ecresearch import paths
    from ecresearch.pipeline import consistency, dag
    from ecresearch.pipeline.engine import execute, plan
    from ecresearch.report.country import require_scored, scored_countries, target

    iso3 = target(args.country)  # before any kernel starts
    category = chosen_category(args)
    out = paths.output_set(args.scenario)
    params = _set_params(out)
    upstream = [*dag.clean_steps()[:1], dag.segments_step(), dag.scores_step(params, out)]
    if iso3 not in dag.ranked_countries(out):  # an economy without a score: its descriptive report
        from ecresearch.report.descriptive import report_command

        done = report_command(iso3, out, upstream, lang=args.lang, pdf=args.pdf, jobs=args.jobs)
        if done is not None:
            return done
    step = dag.report_step(iso3, args.lang, out, category)
    if set(plan(upstream).values()) == {"up to date"} and plan([step], force=args.force)[step.name] != "up to date":
        require_scored(iso3, scored_countries(out))  # checked again below; a kernel starts only for a real report
        import threading

        from ecresearch.pipeline import runner
        from ecresearch.site import webfont

        runner.prestart(paths.NB_REPORT)  # start-up and imports overlap the work before the notebook runs
        threading.Thread(target=webfont.warm, daemon=True).start()  # and the page's fonts, while it runs
    # bring the set up to date with ITS parameters (never others), then this report and the index
    stages = Stages(3 + bool(args.pdf), args.quiet, "ecresearch report")
    try:
        before = consistency.set_stamp(out)
        stages.stage(f"checking the data and scores of the {out.label()}")
        execute(upstream, jobs=args.jobs)
        require_scored(iso3, scored_countries(out))
        if _scores_changed(out, before):  # every page of the set cites the new scores, this report among them
            stages.close()
            print(
                f"ecresearch: the scores of the {out.label()} changed: rebuilding every page of the set",
                file=sys.stderr,
            )
            steps = dag.downstream_steps(out)
            if category is not None:
                steps.insert(-1, step)  # this category's report too (the set's own pages are rebuilt in any case)
            progress = Progress(len(steps), args.quiet)
            try:
                status = execute(steps, force=args.force, jobs=args.jobs, progress=progress)[step.name]
            finally:
                progress.close()
        else:
            stages.stage(f"the report of {iso3} ({args.lang}): running notebook 04")
            status = execute([step], force=args.force, jobs=1)[step.name]
            stages.stage(f"the index of the {out.label()}")
            execute([dag.index_step(dag.ranked_countries(out), out)], jobs=1)
        html = step.outputs[1]
        pdf = None
        if args.pdf:
            from ecresearch.site.pdf import write_pdf

            stages.stage("the PDF")
            pdf = write_pdf(html)
    finally:
        stages.close()
    if pdf is not None:
        print(paths.rel(pdf))
    print(f"{paths.rel(html)} ({'up to date' if status == 'up to date' else 'written'})")
    return 0


def _compare(args: argparse.Namespace) -> int:
    """A shortlist side by side: the page, workbook and deck of ``compare/``, from the set's scores brought up
    to date with its own parameters (as `report` does); an unknown or unscored country exits 2, nothing written."""
    from ecresearch import paths
    from ecresearch.compare.content import check
    from ecresearch.compare.write import write
    from ecresearch.errors import CountryError
    from ecresearch.pipeline import consistency, dag
    from ecresearch.pipeline.engine import execute

    out = paths.output_set(args.scenario)
    try:
        check(args.countries, args.scenario)  # names and codes first, before any step runs
        before = consistency.set_stamp(out)
        execute(dag.clean_steps()[:1] + [dag.scores_step(_set_params(out), out)], jobs=1)
        if _scores_changed(out, before):
            print(
                f"ecresearch: the scores of the {out.label()} changed: rebuilding every page of the set",
                file=sys.stderr,
            )
            execute(dag.downstream_steps(out), jobs=os.cpu_count() or 1)
        files = write(args.countries, args.lang, args.scenario, category=chosen_category(args))
    except CountryError as exc:
        print(f"ecresearch: error: {exc}", file=sys.stderr)
        return 2
    execute([dag.index_step(dag.ranked_countries(out), out)], jobs=1)
    for f in files:
        print(paths.rel(f))
    return 0


def _countries(args: argparse.Namespace) -> int:
    import json

    from ecresearch import paths
    from ecresearch.params import DIRECTIONS
    from ecresearch.report.country import scored_countries

    scores = scored_countries(paths.output_set(args.scenario))
    cols = [
        "rank",
        "iso3",
        "name_en",
        "name_ja",
        "ranked",
        "score",
        "median_rank",
        "rank_p05",
        "rank_p95",
        "p_rank1",
        "p_top3",
        "pillars",
        "growth_pct",
        "sns_ratio",
        "hhi_value",
        # both readings of concentration side by side (the chosen one leads the columns above)
        *(f"{c}_{reading}" for reading in DIRECTIONS for c in ("rank", "p_rank1", "p_top3")),
    ]
    from ecresearch.domain.formats import rank_band
    from ecresearch.params import CORE_PILLARS

    table = scores.select(cols)
    category = chosen_category(args)
    if category is not None:  # the ranking view of one category: what bars it, flagged beside each market
        from ecresearch.segments.view import with_standing

        table = with_standing(table, category)
    if args.json:
        print(json.dumps(table.to_dicts(), ensure_ascii=False, indent=1))
        return 0
    if args.csv:
        sys.stdout.write(table.write_csv())
        return 0
    print(
        f"{'rank':>4}  iso3  {'country':<16} {'score':>6}  {'median (5-95%)':<15} {'P(top3)':>7}  "
        f"{'channel':>11}  {'gatekeeper':>11}  pillars"
    )

    def reading(r: dict, name: str) -> str:
        rank = r[f"rank_{name}"]
        return "-" if rank is None else f"{rank} ({r[f'p_top3_{name}']:.0%})"

    for r in table.iter_rows(named=True):
        flag = "" if category is None else f"  {category}: {r['category_standing']}"
        if category is not None and r["category_reasons"]:
            flag += f" ({r['category_reasons']})"
        if r["ranked"]:
            band = rank_band(r["median_rank"], r["rank_p05"], r["rank_p95"], plain=True)
            print(
                f"{r['rank']:>4}  {r['iso3']}   {r['name_en']:<16} {r['score']:6.1f}  {band:<15} "
                f"{r['p_top3']:7.0%}  {reading(r, 'channel'):>11}  {reading(r, 'gatekeeper'):>11}  "
                f"{r['pillars']}/{len(CORE_PILLARS)}{flag}"
            )
        else:
            print(
                f"{'-':>4}  {r['iso3']}   {r['name_en']:<16} {'':>6}  {'not ranked':<15} {'':>7}  "
                f"{r['pillars']}/{len(CORE_PILLARS)}{flag}"
            )
    return 0


def _notebooks(args: argparse.Namespace) -> int:
    """Run the notebooks in place so that their stored outputs (what nbval compares) are current."""
    from ecresearch import paths
    from ecresearch.pipeline.notebooks import refresh

    chosen = sorted(paths.NOTEBOOKS.glob("[0-9][0-9]-*.ipynb"))
    if args.names:
        chosen = [nb for nb in chosen if any(nb.name.startswith(n) for n in args.names)]
        if not chosen:
            raise EcresearchError(f"no notebook in {paths.rel(paths.NOTEBOOKS)} starts with {args.names}")
    for nb in chosen:
        print(f"running {paths.rel(nb)}", file=sys.stderr, flush=True)
        refresh(nb)
    print(f"ecresearch notebooks: {len(chosen)} notebook(s) refreshed")
    return 0


def _steps(args: argparse.Namespace) -> int:
    from ecresearch import paths
    from ecresearch.pipeline import dag

    params, out = resolve_params(args)
    steps = dag.all_steps(params, out)
    if args.json:
        import json

        rows = [
            {
                "name": s.name,
                "after": list(s.after),
                "notebook": paths.rel(s.notebook) if s.notebook else None,
                "inputs": [paths.rel(p) for p in s.inputs],
                "outputs": [paths.rel(p) for p in s.outputs],
            }
            for s in steps
        ]
        print(json.dumps(rows, ensure_ascii=False, indent=1))
        return 0
    for step in steps:
        after = f"  (after {', '.join(step.after)})" if step.after else ""
        print(f"{step.name}{after}")
    return 0


def add_category_option(p: argparse.ArgumentParser) -> None:
    """``--category KEY`` (a product category of domain/catalogue/categories.toml), shared by the commands
    that take one; ``chosen_category`` checks it."""
    p.add_argument(
        "--category",
        metavar="KEY",
        help="a product category (e.g. beauty, alcohol, food; an unknown key lists them): adds its section",
    )


def chosen_category(args: argparse.Namespace) -> str | None:
    """The --category value, checked against the closed list (an unknown key: one line with the valid keys,
    exit 2), before any work starts."""
    key = getattr(args, "category", None)
    if key is None:
        return None
    from ecresearch.segments.catalogue import require

    return require(key).key


def _add_scoring_options(p: argparse.ArgumentParser) -> None:
    from ecresearch.params import AGGREGATIONS, DIRECTIONS, HHI_POINTS, NORMALISATIONS

    g = p.add_argument_group("scoring parameters (override params.toml for this run; the result is a scenario)")
    g.add_argument(
        "--weights",
        metavar="W",
        help="pillar weights growth,sns,concentration[,size] (relative), e.g. 0.5,0.25,0.25, or growth=1,sns=0",
    )
    g.add_argument("--normalisation", choices=NORMALISATIONS, help="how pillar values are put on one scale")
    g.add_argument("--aggregation", choices=AGGREGATIONS, help="how pillars are combined")
    g.add_argument("--direction", choices=DIRECTIONS, help="a dominant platform as an entry channel or a gatekeeper")
    g.add_argument(
        "--hhi-point", dest="hhi_point", choices=HHI_POINTS, help="which point of each HHI interval is scored"
    )
    g.add_argument(
        "--max-missing",
        dest="max_missing",
        type=float,
        metavar="SHARE",
        help="a country is unranked when its missing pillars carry more than this share of the weight (0-1)",
    )
    g.add_argument("--draws", type=int, help="Monte Carlo draws")
    g.add_argument(
        "--vary-methods",
        dest="vary_methods",
        action="store_true",
        help="let the Monte Carlo also vary normalisation and aggregation",
    )
    g.add_argument(
        "--candidates",
        metavar="ISO3,ISO3,...",
        help="the markets to score (ISO alpha-3 codes); default: candidates in params.toml",
    )
    g.add_argument(
        "-s", "--scenario", metavar="NAME", help="name of the scenario folder (default: p-<parameters digest>)"
    )


def parser() -> argparse.ArgumentParser:
    p = _Parser(prog="ecresearch", description=DESCRIPTION, epilog=EPILOG)
    p.add_argument("--version", action=_VersionAction, nargs=0, help="show the version and exit")
    _add_global_options(p, sub=False)
    sub = p.add_subparsers(dest="command", required=True, metavar="COMMAND")
    b = sub.add_parser("build", help="build everything that is out of date", epilog=EPILOG)
    b.add_argument("-f", "--force", action="store_true", help="rebuild every step")
    b.add_argument("-q", "--quiet", action="store_true", help="no progress output")
    b.add_argument("--only", metavar="STEP", help="run one step (`ecresearch steps` lists them)")
    b.add_argument("-n", "--dry-run", dest="dry_run", action="store_true", help="show what would run, run nothing")
    b.add_argument("--json", action="store_true", help="with --dry-run: the plan as JSON")
    _add_jobs(b)
    b.add_argument("--pdf", action="store_true", help="also write report.pdf beside every report")
    _add_scoring_options(b)
    add_category_option(b)
    b.set_defaults(func=_build)
    r = sub.add_parser("report", help="(re)generate the report for one country from the built scores")
    r.add_argument("country", help="ISO alpha-3 or alpha-2 code, or an English or Japanese name (IDN, インドネシア)")
    r.add_argument("-l", "--lang", choices=("ja", "en"), default="ja", help="language of the report (default ja)")
    r.add_argument("-s", "--scenario", metavar="NAME", help="use a built scenario's scores instead of the main build's")
    r.add_argument("--pdf", action="store_true", help="also write report.pdf beside the HTML")
    r.add_argument("-f", "--force", action="store_true", help="rerun the report even if up to date")
    r.add_argument("-q", "--quiet", action="store_true", help="no progress output")
    _add_jobs(r)
    add_category_option(r)
    r.set_defaults(func=_report)
    cmp = sub.add_parser("compare", help="a shortlist side by side: one page, an XLSX workbook and a PPTX deck")
    cmp.add_argument("countries", nargs="+", metavar="COUNTRY", help="two or more codes or names (PHL IDN VNM)")
    cmp.add_argument("--lang", choices=("ja", "en"), default="ja", help="language of the page and files (default ja)")
    cmp.add_argument("--scenario", metavar="NAME", help="use a built scenario's scores instead of the main build's")
    add_category_option(cmp)
    cmp.set_defaults(func=_compare)
    c = sub.add_parser("countries", help="the scored countries with score, rank band and data coverage")
    fmt = c.add_mutually_exclusive_group()
    fmt.add_argument("--json", action="store_true", help="machine-readable JSON")
    fmt.add_argument("--csv", action="store_true", help="machine-readable CSV")
    c.add_argument("-s", "--scenario", metavar="NAME", help="a built scenario instead of the main build")
    add_category_option(c)
    c.set_defaults(func=_countries)
    n = sub.add_parser("notebooks", help="run the notebooks in place, refreshing their stored outputs")
    n.add_argument("names", nargs="*", metavar="NAME", help="notebook name prefixes (e.g. 03); default: all")
    n.set_defaults(func=_notebooks)
    s = sub.add_parser("steps", help="list the build's steps in order")
    s.add_argument("--json", action="store_true", help="the steps with their inputs and outputs as JSON")
    _add_scoring_options(s)
    s.set_defaults(func=_steps)
    from ecresearch import export, scenarios
    from ecresearch.snapshots.cli import add_commands

    add_commands(sub)
    scenarios.add_command(sub)
    export.add_command(sub)
    from ecresearch import completion

    completion.add_command(sub)
    for path, command in completion.commands(p):  # every subcommand, nested ones too, wherever declared
        if path:
            _add_global_options(command, sub=True)
    return p


def _add_jobs(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "-j", "--jobs", type=_jobs, default=os.cpu_count() or 1, help="steps run at once (default: CPU count)"
    )


def _fault(exc: OSError) -> str:
    """One line for a fault of the environment, naming the path (outputs are published whole or not at all)."""
    from ecresearch import paths

    where = paths.rel(exc.filename) if exc.filename else "a file"
    what = exc.strerror or type(exc).__name__
    return f"{where}: {what} (every output is published whole or not at all)"


def _interrupted() -> int:
    """Ctrl-C: say what this command published (each step whole or not at all) and end now, without waiting
    for the steps still running (their staged outputs are dropped; the next build clears them)."""
    engine = sys.modules.get("ecresearch.pipeline.engine")
    done = engine.cancel() if engine else []
    if done:
        shown = ", ".join(done[:5]) + (f" and {len(done) - 5} more" if len(done) > 5 else "")
        what = f"{len(done)} step(s) had published their outputs ({shown}), the others' outputs are as they were"
        hint = "; `ecresearch build` brings every page up to date"
    else:
        what, hint = "nothing was published; previous outputs are intact", ""
    print(f"ecresearch: interrupted: {what}{hint}", file=sys.stderr)
    if "ecresearch.pipeline.runner" in sys.modules:
        sys.modules["ecresearch.pipeline.runner"].shutdown_kernels()
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(130)  # the running steps' threads are not joined: their workers end with this process


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    if args.root is not None:
        # through the environment, read when ecresearch.paths is first imported (below); kernels inherit it
        os.environ["ECRESEARCH_ROOT"] = os.path.abspath(args.root)
    try:
        from ecresearch import paths

        if args.root is not None and paths.ROOT != Path(os.environ["ECRESEARCH_ROOT"]):
            raise EcresearchError("--root: this process already works on another project; set ECRESEARCH_ROOT")
        if getattr(args, "needs_project", True):  # `completion` works anywhere
            paths.require_root()
        return args.func(args)
    except EcresearchError as exc:
        if args.debug:
            raise
        print(f"ecresearch: error: {exc}", file=sys.stderr)
        return getattr(exc, "exit_code", 1)
    except BrokenPipeError:
        # the reader went away (`ecresearch countries | head -1`): end quietly
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 0
    except KeyboardInterrupt:
        return _interrupted()
    except OSError as exc:  # the environment: a read-only folder, a full disk, a folder where a file belongs
        if args.debug:
            raise
        print(f"ecresearch: error: {_fault(exc)}", file=sys.stderr)
        return 1
    finally:
        if "ecresearch.pipeline.runner" in sys.modules:
            sys.modules["ecresearch.pipeline.runner"].shutdown_kernels()


if __name__ == "__main__":
    sys.exit(main())
