"""The project's steps, in one place: what each reads, runs and writes."""
from __future__ import annotations

from pathlib import Path

from . import clean, paths, score_outputs
from .atomic import staged
from .charts import build as charts
from .pipeline import PKG, Step
from .runner import run_notebook
from .scoring import DEFAULT_CANDIDATES, DEFAULT_WEIGHTS

NB_SCORING = paths.NOTEBOOKS / "03-target-country-scoring.ipynb"
PROCESSED_INPUTS = tuple(paths.PROCESSED / f"{n}.parquet" for n in ("deck_figures", "external_figures"))


def scoring_params(weights: dict | None = None, **overrides) -> dict:
    """The scoring notebook's parameters: documented defaults, then the user's overrides."""
    params = {"weights": dict(weights or DEFAULT_WEIGHTS), "normalisation": "minmax", "aggregation": "arithmetic",
              "concentration_direction": "channel", "candidates": list(DEFAULT_CANDIDATES), "missing": "reweight",
              "min_pillars": 2, "draws": 1000, "seed": 20230201}
    params.update({k: v for k, v in overrides.items() if v is not None})
    return params


def _run_scoring(params: dict):
    def run(root: Path) -> None:
        out = staged(root, score_outputs.SCORES_DIR / NB_SCORING.name)
        run_notebook(NB_SCORING, out, {**params, "output_root": str(root)}, hide={str(root): "<staging>"})
    return run

CLEAN_CODE = (PKG / "deck", PKG / "tables.py", PKG / "schemas.py", PKG / "quality.py", PKG / "clean.py",
              PKG / "countries.py", PKG / "raw.py")


def steps(*, only: str | None = None, scoring: dict | None = None) -> list[Step]:
    sparams = scoring or scoring_params()
    out = [
        Step("clean", clean.build, inputs=(paths.RAW,), code=CLEAN_CODE, outputs=tuple(clean.outputs())),
        Step("charts", charts.build, inputs=tuple(paths.PROCESSED / f"{n}.parquet" for n in
                                                  ("deck_figures", "text_tables", "quality_findings", "catalogue")),
             code=(PKG / "charts", PKG / "deck"), outputs=tuple(charts.outputs()), after=("clean",)),
        Step("scores", _run_scoring(sparams), inputs=PROCESSED_INPUTS + (NB_SCORING,),
             code=(PKG / "scoring.py", PKG / "score_outputs.py", PKG / "charts", PKG / "clean.py", PKG / "runner.py"),
             outputs=tuple(score_outputs.outputs()), params=sparams, after=("clean",)),
    ]
    return [s for s in out if only is None or s.name == only]
