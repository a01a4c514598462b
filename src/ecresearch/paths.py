"""Where things live: the one place that knows the repository layout."""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(os.environ.get("ECRESEARCH_ROOT", Path(__file__).resolve().parents[2]))
DATA = ROOT / "data"
RAW = DATA / "raw"
PROCESSED = DATA / "processed"
REPORTS = ROOT / "reports"
NOTEBOOKS = ROOT / "notebooks"
PARAMS_FILE = ROOT / "params.toml"
STATE_DIR = ROOT / ".ecresearch-state"
STAGING_DIR = ROOT / ".staging"
FAILED_DIR = REPORTS / "_failed"

DECK_TEXT = RAW / "deck" / "jetro_overseas_ec_seminar.txt"
EXTERNAL_DIR = RAW / "external"
EXTERNAL_CSV = EXTERNAL_DIR / "external_figures.csv"


def rel(path: Path) -> str:
    """A path as shown to users: relative to the repository root when inside it."""
    path = Path(path)
    if path.is_absolute():
        try:
            return str(path.relative_to(ROOT))  # the common case, without touching the disk
        except ValueError:
            pass
    try:
        return str(path.resolve().relative_to(ROOT.resolve()))
    except ValueError:
        return str(path)


# Where each table and page lives is declared in the dataset registry (ecresearch.datasets), from these roots.
NB_SCORING = NOTEBOOKS / "03-target-country-scoring.ipynb"
NB_REPORT = NOTEBOOKS / "04-country-report.ipynb"
SCENARIOS_DIR = REPORTS / "scenarios"
SCENARIO_NAME = re.compile(r"^[a-z0-9][a-z0-9_-]{0,39}$")


@dataclass(frozen=True)
class OutputSet:
    """Where one parameter set's results land: the main build (scenario None) or reports/scenarios/<name>/.

    Each set is complete and self-consistent: its scores, the scoring notebook as run, its reports and its
    index. The processed tables and the deck charts are shared: they do not depend on the parameters."""

    scenario: str | None
    scores: Path
    indicators: Path
    chosen: Path  # per market and pillar, the rows of the data set the scores step chose (decided once)
    results: Path  # sensitivity, comparison, robustness... (one parquet per table)
    scores_dir: Path
    countries_dir: Path
    index: Path

    @property
    def params_json(self) -> Path:
        return self.scores_dir / "params.json"

    @property
    def ranked(self) -> Path:
        return self.scores_dir / "ranked.json"

    def report_dir(self, iso3: str, lang: str) -> Path:
        return self.countries_dir / iso3 / lang

    def label(self) -> str:
        return "main build" if self.scenario is None else f"scenario {self.scenario}"


def output_set(scenario: str | None = None) -> OutputSet:
    if scenario is None:
        return OutputSet(
            None,
            PROCESSED / "country_scores.parquet",
            PROCESSED / "country_indicators.parquet",
            PROCESSED / "scored_data_sets.parquet",
            PROCESSED / "scoring",
            REPORTS / "scores",
            REPORTS / "countries",
            REPORTS / "index.html",
        )
    if not isinstance(scenario, str) or not SCENARIO_NAME.fullmatch(scenario):  # whole name: no trailing newline
        from ecresearch.errors import ParameterError

        raise ParameterError(f"parameter 'scenario': {scenario!r} must be 1-40 lower-case letters, digits, - or _")
    base = SCENARIOS_DIR / scenario
    return OutputSet(
        scenario,
        base / "data" / "country_scores.parquet",
        base / "data" / "country_indicators.parquet",
        base / "data" / "scored_data_sets.parquet",
        base / "data" / "scoring",
        base / "scores",
        base / "countries",
        base / "index.html",
    )
