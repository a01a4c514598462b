"""Where things live: the one place that knows the repository layout."""

from __future__ import annotations

import os
import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

ROOT_ENV = "ECRESEARCH_ROOT"  # overrides the search (tests, benchmarks and `--root` use it)
MARKER_TABLE = "ecresearch"  # a project is a folder whose pyproject.toml has a [tool.ecresearch] table


def is_project(folder: Path) -> bool:
    try:
        data = tomllib.loads((folder / "pyproject.toml").read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError):
        return False
    tool = data.get("tool")
    return isinstance(tool, dict) and isinstance(tool.get(MARKER_TABLE), dict)


def find_root(start: Path | None = None, env: Mapping[str, str] | None = None) -> Path | None:
    """The project this run works on: $ECRESEARCH_ROOT, else the nearest folder at or above ``start`` (the
    working directory) that is a project, like dvc or quarto; else the clone this package runs from (an
    editable install used from elsewhere). None for an installed package run outside any project."""
    env = os.environ if env is None else env
    if env.get(ROOT_ENV):
        return Path(env[ROOT_ENV])
    here = Path.cwd() if start is None else Path(start)
    for folder in (here.resolve(), *here.resolve().parents):
        if is_project(folder):
            return folder
    source_tree = Path(__file__).resolve().parents[2]
    return source_tree if is_project(source_tree) else None


_FOUND = find_root()
# Without a project the layout below still resolves (so that --help and imports work); require_root() stops
# every command that reads or writes it.
ROOT = _FOUND if _FOUND is not None else Path.cwd()


def require_root() -> Path:
    """The project root, or one line saying how to point the command at a project."""
    from ecresearch.errors import EcresearchError

    if _FOUND is None:
        raise EcresearchError(
            f"no ecresearch project in {Path.cwd()} or above (a folder whose pyproject.toml has "
            f"[tool.{MARKER_TABLE}]): cd into a clone of the project, pass --root PATH or set {ROOT_ENV}=PATH"
        )
    if not ROOT.is_dir():
        raise EcresearchError(f"project root {ROOT} (from --root or {ROOT_ENV}) is not a folder")
    return ROOT


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


def rel(path: Path | str) -> str:
    """A path as shown to users: relative to the repository root when inside it."""
    path = Path(path)
    if path.is_absolute():
        try:
            return path.relative_to(ROOT).as_posix()  # the common case, without touching the disk
        except ValueError:
            pass
    try:
        return path.resolve().relative_to(ROOT.resolve()).as_posix()  # "/" on every OS: shown and stored
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
