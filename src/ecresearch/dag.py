"""The project's steps, in one place: what each reads, runs and writes."""
from __future__ import annotations

from pathlib import Path

from . import paths
from .atomic import staged
from .pipeline import PKG, Step

NB_SCORING = paths.NB_SCORING
PROCESSED_INPUTS = tuple(paths.PROCESSED / f"{n}.parquet" for n in ("deck_figures", "external_figures"))
CLEAN_OUTPUTS = tuple(paths.PROCESSED / f for f in (
    "deck_figures.parquet", "external_figures.parquet", "text_tables.parquet", "quality_findings.parquet",
    "catalogue.parquet", "DATA_DICTIONARY.md")) + (paths.PROCESSED_FIGURE_DIR, paths.QUALITY_REPORT)
from .scoring_params import DEFAULT_CANDIDATES, DEFAULT_WEIGHTS  # noqa: E402
REPORT_CODE = (PKG / "report.py", PKG / "market.py", PKG / "report_html.py", PKG / "webfont.py", PKG / "charts",
               PKG / "runner.py", PKG / "countries.py")


def _clean(root: Path) -> None:
    from . import clean
    clean.build(root)


def _charts(root: Path) -> None:
    from .charts import build
    build.build(root)


def scoring_params(weights: dict | None = None, **overrides) -> dict:
    """The scoring notebook's parameters: documented defaults, then the user's overrides."""
    params = {"weights": dict(weights or DEFAULT_WEIGHTS), "normalisation": "minmax", "aggregation": "arithmetic",
              "concentration_direction": "channel", "candidates": list(DEFAULT_CANDIDATES), "missing": "reweight",
              "min_pillars": 2, "draws": 1000, "seed": 20230201}
    params.update({k: v for k, v in overrides.items() if v is not None})
    return params


def _run_scoring(params: dict):
    def run(root: Path) -> None:
        from .runner import run_notebook
        out = staged(root, paths.SCORES_DIR / NB_SCORING.name)
        run_notebook(NB_SCORING, out, {**params, "output_root": str(root)}, hide={str(root): "<staging>"})
    return run


def report_dir(iso3: str, lang: str = "ja") -> Path:
    return paths.COUNTRIES_DIR / iso3 if lang == "ja" else paths.COUNTRIES_DIR / iso3 / lang


def _run_report(iso3: str, lang: str):
    def run(root: Path) -> None:
        from .countries import resolve
        from .report_html import write_html
        from .runner import run_notebook
        folder = report_dir(iso3, lang)
        nb = staged(root, folder / "report.ipynb")
        run_notebook(paths.NB_REPORT, nb, {"country": iso3, "lang": lang}, reuse_kernel=True)
        c = resolve(iso3)
        write_html(nb, staged(root, folder / "report.html"), c.name_ja if lang == "ja" else c.name_en)
    return run


def report_step(iso3: str, lang: str = "ja") -> Step:
    folder = report_dir(iso3, lang)
    return Step(f"report/{iso3}" + ("" if lang == "ja" else f"/{lang}"), _run_report(iso3, lang),
                inputs=(paths.SCORES, paths.INDICATORS, paths.PROCESSED / "deck_figures.parquet",
                        paths.PROCESSED / "external_figures.parquet", paths.DECK_TEXT, paths.NB_REPORT),
                code=REPORT_CODE, outputs=(folder / "report.ipynb", folder / "report.html"),
                params={"country": iso3, "lang": lang}, after=("scores",))


def _index(root: Path) -> None:
    from .index import build
    build(root)

CLEAN_CODE = (PKG / "deck", PKG / "tables.py", PKG / "schemas.py", PKG / "quality.py", PKG / "clean.py",
              PKG / "countries.py", PKG / "raw.py")


def upstream_steps(sparams: dict) -> list[Step]:
    return [
        Step("clean", _clean, inputs=(paths.RAW,), code=CLEAN_CODE, outputs=CLEAN_OUTPUTS),
        Step("charts", _charts, inputs=tuple(paths.PROCESSED / f"{n}.parquet" for n in
                                             ("deck_figures", "text_tables", "quality_findings", "catalogue")),
             code=(PKG / "charts", PKG / "deck", PKG / "webfont.py"), outputs=(paths.FIGURES, paths.GALLERY),
             after=("clean",)),
        Step("scores", _run_scoring(sparams), inputs=PROCESSED_INPUTS + (NB_SCORING,),
             code=(PKG / "scoring.py", PKG / "score_outputs.py", PKG / "charts", PKG / "clean.py", PKG / "runner.py"),
             outputs=(paths.SCORES, paths.INDICATORS, paths.SCORES_DIR), params=sparams, after=("clean",)),
    ]


def ranked_countries() -> list[str]:
    """Countries with a score (written by the scores step beside the scores table)."""
    import json
    if not paths.RANKED.exists():
        return []
    return json.loads(paths.RANKED.read_text(encoding="utf-8"))["ranked"]


def downstream_steps(countries: list[str]) -> list[Step]:
    reports = [report_step(c) for c in countries]
    index = Step("index", _index, inputs=(paths.SCORES, paths.GALLERY), code=(PKG / "index.py", PKG / "webfont.py"),
                 outputs=(paths.INDEX,), params={"countries": countries}, after=("scores", "charts"))
    return reports + [index]


def steps(*, only: str | None = None, scoring: dict | None = None) -> list[Step]:
    """The upstream steps; the country reports and the index are added once the scores exist (cli.build)."""
    out = upstream_steps(scoring or scoring_params())
    return [s for s in out if only is None or s.name == only]
