"""The project's steps, declared once: what each reads (dataset names), which package modules it runs; what it
writes follows from the dataset registry (the datasets whose producer it is).

The code a step depends on is derived from the imports in its run function and in its notebook
(``deps``), so no list of files is typed here. The clean and charts steps do not depend on the scoring
parameters; everything from the scores onwards belongs to one *output set*: the main build (parameters from
``params.toml``) or a named scenario under ``reports/scenarios/<name>/``.
"""

from __future__ import annotations

import json
from dataclasses import asdict
from pathlib import Path

from ecresearch import datasets, paths
from ecresearch.params import Params, load_pages
from ecresearch.pipeline.atomic import staged
from ecresearch.pipeline.engine import Step

LANGS = ("ja", "en")
# What each kind of step reads, by dataset name: these are its inputs (hashed). Its outputs are the datasets the
# registry says it produces, so neither list holds a path.
# (the charts step's pages share the site's page code, which can attribute a page from snapshots and deck_passages)
CHART_READS = (
    "deck_figures",
    "text_tables",
    "quality_findings",
    "catalogue",
    "external_figures",
    "snapshots",
    "deck_passages",
)
SCORE_READS = ("deck_figures", "external_figures")
SCORING_RESULTS = (
    "country_scores",
    "country_indicators",
    "scored_data_sets",
    *datasets.scoring_tables(),
    "scoring_params",
)
READS: dict[str, tuple[str, ...]] = {
    "clean": ("raw_snapshots",),
    "charts": CHART_READS,
    "scores": SCORE_READS,
    # every page of an output set is attributed from the deck's sidecar (snapshots) and notices (deck_passages)
    "scoring-notebook": (*SCORING_RESULTS, *SCORE_READS, "snapshots", "deck_passages"),
    "report": (*SCORING_RESULTS, "market_rules", *CHART_READS, "category_segments"),
    "index": (
        "country_scores",
        "scoring_params",
        "catalogue",
        "snapshots",
        "deck_passages",
        "deck_figures",  # and external_figures: which economies have a descriptive page (report/descriptive.py)
        "external_figures",
        "category_segments",
    ),  # fmt: skip
    "profiles": (*SCORING_RESULTS, "market_rules", *CHART_READS, "category_segments"),
    "segments": (
        "deck_figures",
        "catalogue",
        "external_figures",
        "deck_passages",
        "market_rules",
        "programme_categories",
        "snapshots",
    ),  # fmt: skip
}


def inputs(kind: str, out: paths.OutputSet | None = None) -> tuple[Path, ...]:
    return tuple(datasets.path(name, out) for name in READS[kind])


def _clean(root: Path) -> dict:
    from ecresearch.clean import build

    return build.build()


def _charts(root: Path) -> None:
    from ecresearch.charts import build

    build.build(root)


def segments_step() -> Step:
    """Per market and product category, judged as of the pages' date (its rules' status)."""
    pages = load_pages(paths.PARAMS_FILE)
    as_of, recheck = pages.as_of, pages.recheck_days

    def run(root: Path) -> dict:
        from ecresearch.segments import build

        return build.build(as_of, recheck)

    return Step(
        "segments",
        run,
        inputs=inputs("segments"),
        outputs=datasets.outputs("segments"),
        params={"as_of": as_of, "recheck_days": recheck},
        after=("clean",),
    )


def clean_steps() -> list[Step]:
    return [
        Step("clean", _clean, inputs=inputs("clean"), outputs=datasets.outputs("clean")),
        Step("charts", _charts, inputs=inputs("charts"), outputs=datasets.outputs("charts"), after=("clean",)),
        segments_step(),
    ]


def _suffix(out: paths.OutputSet) -> str:
    return "" if out.scenario is None else f"@{out.scenario}"


def unranked_pages(out: paths.OutputSet, ranked: list[str]) -> list[Path]:
    """Every file under the report folders of countries not in ``ranked`` (their pages and PDFs)."""
    if not out.countries_dir.is_dir():
        return []
    return sorted(
        f
        for d in out.countries_dir.iterdir()
        if d.is_dir() and d.name not in ranked
        for f in d.rglob("*")
        if f.is_file()
    )


def scores_step(params: Params, out: paths.OutputSet) -> Step:
    def run(root: Path) -> dict:
        from ecresearch.scores import step

        return step.build(root, params, out)

    def prune(root: Path) -> list[Path]:
        # the new scores' ranked list (staged): the reports of the countries it drops go with the old scores
        return unranked_pages(out, json.loads(staged(root, out.ranked).read_text(encoding="utf-8"))["ranked"])

    return Step(
        "scores" + _suffix(out),
        run,
        inputs=inputs("scores", out),
        outputs=datasets.outputs("scores", out),
        params={"scoring": params.to_dict(), "scenario": out.scenario},
        out=out,
        after=("clean",),
        prune=prune,
    )


def _notebook_step(
    kind: str, name: str, notebook: Path, nb_params: dict, page: dict, out: paths.OutputSet, after: tuple, **where
) -> Step:
    """A step that runs a parameterised notebook and exports it as a page of the output set (``where``: the
    page parameters of its datasets' paths, iso3 and lang for a report)."""
    nb_out, page_file = datasets.outputs(kind, out, **where)
    pdf = page_file.with_suffix(".pdf")  # a PDF of the previous page never stays beside a new one

    def run(root: Path) -> None:
        from ecresearch.pipeline.runner import run_notebook
        from ecresearch.site.html import write_html

        nb = staged(root, nb_out)
        run_notebook(notebook, nb, nb_params, step=name, reuse_kernel=True)
        write_html(nb, staged(root, page_file), out=out, **page)

    return Step(
        name,
        run,
        inputs=inputs(kind, out),
        outputs=(nb_out, page_file),
        notebook=notebook,
        # every page parameter is an input of the page (max_age_years, a declared rate...), not only as_of
        params={**nb_params, "pages": asdict(load_pages(paths.PARAMS_FILE))},
        after=after,
        prune=lambda root: [pdf],
    )


def as_of() -> str:
    """The date every page is dated with ([pages] as_of in params.toml): a parameter of each page's step."""
    return load_pages(paths.PARAMS_FILE).as_of


def scoring_notebook_step(out: paths.OutputSet, lang: str = "en") -> Step:
    """Notebook 03 run and exported in one language (the English step keeps its name; the Japanese adds /ja)."""
    return _notebook_step(
        "scoring-notebook",
        "scoring-notebook" + _suffix(out) + ("" if lang == "en" else f"/{lang}"),
        paths.NB_SCORING,
        {"scenario": out.scenario, "as_of": as_of(), "lang": lang},
        {"page": "scores", "lang": lang, "as_of": as_of()},
        out,
        after=("scores" + _suffix(out),),
        lang=lang,
    )


def report_step(iso3: str, lang: str, out: paths.OutputSet, category: str | None = None) -> Step:
    """A market's report; with a product category, its own page with the category's section (beside the
    market's report, in a folder named after the category)."""
    nb_params = {"country": iso3, "lang": lang, "scenario": out.scenario, "as_of": as_of()}
    where = {"iso3": iso3, "lang": lang}
    if category is not None:  # absent otherwise: a market's own report keeps its parameters and hash
        nb_params["category"] = category
        where["category"] = category
    return _notebook_step(
        "report",
        f"report{_suffix(out)}/{iso3}/{lang}" + ("" if category is None else f"/{category}"),
        paths.NB_REPORT,
        nb_params,
        {"page": "report", "lang": lang, "iso3": iso3, "as_of": as_of()},
        out,
        after=("scores" + _suffix(out), "clean", "segments"),
        **where,
    )


def compare_pages(out: paths.OutputSet) -> list[Path]:
    from ecresearch.compare.where import pages

    return pages(out)


def profiles_step(out: paths.OutputSet, ranked: list[str] | None = None) -> Step:
    """The descriptive pages (no score) of every economy with a sourced figure that the set does not score."""
    ranked = ranked_countries(out) if ranked is None else ranked

    def run(root: Path) -> None:
        from ecresearch.report import descriptive

        descriptive.build(root, out, ranked, as_of())

    return Step(
        "profiles" + _suffix(out),
        run,
        inputs=inputs("profiles", out),
        outputs=datasets.outputs("profiles", out),
        params={"ranked": ranked, "scenario": out.scenario, "as_of": as_of()},
        after=("scores" + _suffix(out), "clean"),
    )


def index_step(countries: list[str], out: paths.OutputSet) -> Step:
    def run(root: Path) -> None:
        from ecresearch.site import index

        index.build(root, out, countries, as_of())

    from ecresearch.site import scenarios

    return Step(
        "index" + _suffix(out),
        run,
        inputs=inputs("index", out),
        outputs=datasets.outputs("index", out),
        # the index links the changes page when `ecresearch diff` has written one, and (main build) the scenarios
        params={
            "countries": countries,
            "scenario": out.scenario,
            "changes_page": out.scenario is None and datasets.path("changes_page").exists(),
            # and every comparison page on disk (`ecresearch compare`)
            "compare_pages": [paths.rel(p) for p in compare_pages(out)],
            "as_of": as_of(),
            # a scenario's index names the markets the main build ranks and it does not
            **(
                {"scenarios": [[s["name"], s["describe"]] for s in scenarios.built()]}
                if out.scenario is None
                else {"main_ranked": ranked_countries(paths.output_set(None))}
            ),
        },
        after=("scores" + _suffix(out), "charts", "profiles" + _suffix(out)),
    )


def ranked_countries(out: paths.OutputSet) -> list[str]:
    """Countries with a score (written by the scores step beside the scores table)."""
    ranked = datasets.path("ranked_countries", out)
    if not ranked.exists():
        return []
    codes = datasets.read_json("ranked_countries", out).get("ranked")
    if not isinstance(codes, list) or not all(isinstance(c, str) for c in codes):
        raise datasets.DatasetError(
            f"{paths.rel(ranked)}: 'ranked' is not a list of codes; {datasets.rebuild_hint(out)}"
        )
    return codes


def built_category_pages(out: paths.OutputSet) -> list[tuple[str, str, str]]:
    """(market, language, category) of every category report page the set has: every page of a set agrees
    with its scores, so a later build rebuilds these with the others."""
    if not out.countries_dir.is_dir():
        return []
    from ecresearch.segments.catalogue import load

    keys, langs = set(load().keys()), set(LANGS)
    found = datasets.path("report_page", out, iso3="*", lang="*", category="*").relative_to(out.countries_dir)
    pages = (p.relative_to(out.countries_dir).parts[:3] for p in out.countries_dir.glob(found.as_posix()))
    return sorted((iso3, lang, cat) for iso3, lang, cat in pages if lang in langs and cat in keys)


def downstream_steps(
    out: paths.OutputSet, countries: list[str] | None = None, category: str | None = None
) -> list[Step]:
    """The pages made from a set's scores; with a product category, also every market's report for it."""
    countries = ranked_countries(out) if countries is None else countries
    reports = [report_step(c, lang, out) for c in countries for lang in LANGS]
    wanted = {(c, lang, category) for c in countries for lang in LANGS} if category else set()
    wanted |= {page for page in built_category_pages(out) if page[0] in countries}
    reports += [report_step(c, lang, out, cat) for c, lang, cat in sorted(wanted)]
    steps = [*(scoring_notebook_step(out, lang) for lang in LANGS), *reports, profiles_step(out)]
    return [*steps, index_step(countries, out)]


def all_steps(params: Params, out: paths.OutputSet, category: str | None = None) -> list[Step]:
    """Every step of a build, the reports as they would be planned from the current scores."""
    return clean_steps() + [scores_step(params, out)] + downstream_steps(out, category=category)


def step_names(params: Params, out: paths.OutputSet) -> list[str]:
    return [s.name for s in all_steps(params, out)]
