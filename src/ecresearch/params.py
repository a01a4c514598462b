"""The scoring parameters: one definition for the CLI, the build, the notebooks and the pages.

The main build reads ``params.toml`` at the repository root (committed, like DVC's ``params.yaml``), so a
re-weighting persists; command-line flags override it for one run, and a run whose parameters differ from
the file is a *scenario* with its own complete set of outputs (see ``paths.output_set``).
Light on purpose (no numpy/polars): the CLI checks parameters before any work starts.
"""

from __future__ import annotations

import hashlib
import json
import math
import tomllib
from dataclasses import asdict, dataclass, field, fields, replace
from functools import lru_cache
from pathlib import Path

from ecresearch.countries import resolve
from ecresearch.errors import CountryError, ParameterError

PILLARS = ("growth", "sns", "concentration", "size")
CORE_PILLARS = ("growth", "sns", "concentration")  # 'size' is context: weight 0 unless the analyst asks
# The scores table's column for each core pillar's raw value (scores.outputs produces them).
PILLAR_COLUMNS = {"growth": "growth_pct", "sns": "sns_ratio", "concentration": "hhi_value"}
NORMALISATIONS = ("minmax", "zscore")
AGGREGATIONS = ("arithmetic", "geometric")
DIRECTIONS = ("channel", "gatekeeper")
SURE = 0.9  # a statement about the ranking holds when its probability is at least this (in every reading)
HHI_POINTS = ("midpoint", "lower", "upper")

# Markets the deck discusses as destinations (Japan is the sellers' home market: described, never a candidate
# by default, the reference the destinations are read against).
HOME_MARKET = "JPN"
DEFAULT_CANDIDATES = (
    "CHN",
    "USA",
    "GBR",
    "KOR",
    "IND",
    "DEU",
    "IDN",
    "CAN",
    "FRA",
    "SGP",
    "MYS",
    "THA",
    "VNM",
    "PHL",
    "HKG",
)
DEFAULT_WEIGHTS = {"growth": 1 / 3, "sns": 1 / 3, "concentration": 1 / 3, "size": 0.0}


@dataclass(frozen=True)
class Params:
    """Every choice the ranking depends on. Weights are relative: they are normalised to sum to 1."""

    weights: dict = field(default_factory=lambda: dict(DEFAULT_WEIGHTS))
    normalisation: str = "minmax"
    aggregation: str = "arithmetic"
    concentration_direction: str = "channel"  # the analyst's goal: a dominant platform as channel or gatekeeper
    candidates: tuple = DEFAULT_CANDIDATES
    max_missing_weight: float = 0.5  # unranked when imputed pillars carry more than this share of the weight
    hhi_point: str = "midpoint"  # where in its interval a market's HHI is scored
    draws: int = 10_000  # Monte Carlo draws: every published probability has s.e. <= 0.5 / sqrt(draws) = 0.005
    weight_noise: float = 0.25  # Monte Carlo: each weight × U(1 - noise, 1 + noise)
    vary_methods: bool = False  # Monte Carlo also draws normalisation and aggregation (only when asked)
    seed: int = 20230201
    pins: dict = field(default_factory=dict)  # indicator → edition to use, e.g. {"sns_time": "Digital 2024"}

    def to_dict(self) -> dict:
        d = asdict(self)
        d["candidates"] = list(self.candidates)
        return d

    def digest(self) -> str:
        """A short fingerprint of the parameters: the name of a scenario, and the stamp on every page."""
        text = json.dumps(self.to_dict(), sort_keys=True, ensure_ascii=False)
        return hashlib.sha256(text.encode()).hexdigest()[:10]

    def describe(self) -> str:
        """One line for pages: the weights as percentages, then the choices."""
        w = ", ".join(f"{p} {self.weights[p]:.0%}" for p in PILLARS)
        pins = "; pins " + ", ".join(f"{k}={v}" for k, v in sorted(self.pins.items())) if self.pins else ""
        return (
            f"weights {w}; {self.normalisation}, {self.aggregation}, concentration as {self.concentration_direction}; "
            f"HHI at its {self.hhi_point}; unranked if imputed pillars weigh > {self.max_missing_weight:.0%}; "
            f"Monte Carlo {self.draws} draws, weights ±{self.weight_noise:.0%}"
            f"{', methods varied' if self.vary_methods else ''}, seed {self.seed}{pins}"
        )


def _choice(name: str, value, allowed) -> None:
    if value not in allowed:
        raise ParameterError(f"parameter {name!r} must be one of {list(allowed)}, got {value!r}")


def validate(params: Params) -> Params:
    """Check every parameter before any work; errors name the parameter. Returns normalised parameters."""
    w = params.weights
    if not isinstance(w, dict):
        raise ParameterError(f"parameter 'weights' must map pillars to numbers, got {w!r}")
    unknown = sorted(set(w) - set(PILLARS))
    if unknown:
        raise ParameterError(f"parameter 'weights': unknown pillar(s) {unknown}; pillars are {list(PILLARS)}")
    w = {p: w.get(p, 0.0) for p in PILLARS}
    for k, v in w.items():
        if isinstance(v, bool) or not isinstance(v, (int, float)) or not math.isfinite(v) or v < 0:
            raise ParameterError(f"parameter 'weights': weight of {k!r} must be a finite number >= 0, got {v!r}")
    total = sum(w.values())  # inf when the weights overflow
    if total <= 0:
        raise ParameterError("parameter 'weights': all weights are zero")
    if not math.isfinite(total):
        raise ParameterError("parameter 'weights': the weights' sum overflows; give relative weights such as 1,1,1")
    w = {k: float(v) / total for k, v in w.items()}
    _choice("normalisation", params.normalisation, NORMALISATIONS)
    _choice("aggregation", params.aggregation, AGGREGATIONS)
    _choice("concentration_direction", params.concentration_direction, DIRECTIONS)
    _choice("hhi_point", params.hhi_point, HHI_POINTS)
    if isinstance(params.draws, bool) or not isinstance(params.draws, int) or not 1 <= params.draws <= 100_000:
        raise ParameterError(f"parameter 'draws' must be an integer in 1..100000, got {params.draws!r}")
    if not isinstance(params.weight_noise, (int, float)) or not 0 <= params.weight_noise < 1:
        raise ParameterError(f"parameter 'weight_noise' must be in [0, 1), got {params.weight_noise!r}")
    if not isinstance(params.max_missing_weight, (int, float)) or not 0 <= params.max_missing_weight < 1:
        raise ParameterError(f"parameter 'max_missing_weight' must be in [0, 1), got {params.max_missing_weight!r}")
    if not isinstance(params.vary_methods, bool):
        raise ParameterError(f"parameter 'vary_methods' must be true or false, got {params.vary_methods!r}")
    if isinstance(params.seed, bool) or not isinstance(params.seed, int) or not 0 <= params.seed < 2**63:
        raise ParameterError(f"parameter 'seed' must be an integer in 0..2**63-1, got {params.seed!r}")
    if not isinstance(params.pins, dict) or not all(
        isinstance(k, str) and isinstance(v, str) for k, v in params.pins.items()
    ):
        raise ParameterError(f"parameter 'pins' must map indicator names to edition names, got {params.pins!r}")
    if not isinstance(params.candidates, (list, tuple)) or len(params.candidates) < 2:
        raise ParameterError(
            f"parameter 'candidates' must be a list of at least two country codes, got {params.candidates!r}"
        )
    codes = []
    for c in params.candidates:
        try:
            codes.append(resolve(str(c), allow_regions=False).iso3)
        except CountryError as exc:
            raise ParameterError(f"parameter 'candidates': {exc}") from None
    if len(set(codes)) != len(codes):
        raise ParameterError(f"parameter 'candidates' lists a country twice: {codes}")
    return replace(
        params,
        weights=w,
        candidates=tuple(codes),
        weight_noise=float(params.weight_noise),
        max_missing_weight=float(params.max_missing_weight),
        pins=dict(sorted(params.pins.items())),
    )


def from_mapping(data: dict, where: str = "parameters") -> Params:
    """Parameters from a mapping (the TOML file's [scoring] table, notebook variables); unknown keys rejected."""
    names = {f.name for f in fields(Params)}
    unknown = sorted(set(data) - names)
    if unknown:
        raise ParameterError(f"{where}: unknown parameter(s) {unknown}; known: {sorted(names)}")
    values = dict(data)
    if "candidates" in values and isinstance(values["candidates"], list):
        values["candidates"] = tuple(values["candidates"])
    try:
        return validate(Params(**values))
    except ParameterError as exc:
        raise ParameterError(f"{where}: {exc}") from None


def load_file(path: Path) -> Params:
    """``params.toml``: a missing file means the documented defaults."""
    if not path.exists():
        return validate(Params())
    if not path.is_file():
        raise ParameterError(f"{path.name}: not a file")
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise ParameterError(f"{path.name}: cannot be read ({exc.strerror})") from None
    except UnicodeDecodeError as exc:
        raise ParameterError(f"{path.name}: not UTF-8 text (byte {exc.start})") from None
    except tomllib.TOMLDecodeError as exc:
        raise ParameterError(f"{path.name}: {exc}") from None
    extra = sorted(set(data) - {"scoring", "pages"})
    if extra:
        raise ParameterError(f"{path.name}: unknown table(s) {extra}; parameters live under [scoring] and [pages]")
    scoring = data.get("scoring", {})
    if not isinstance(scoring, dict):
        raise ParameterError(f"{path.name}: 'scoring' must be a table ([scoring]), got {scoring!r}")
    if not isinstance(scoring.get("pins", {}), dict):
        raise ParameterError(f"{path.name}: 'scoring.pins' must be a table ([scoring.pins]), got {scoring['pins']!r}")
    return from_mapping(scoring, where=f"{path.name} [scoring]")


def parse_weights(text: str) -> dict:
    """'0.5,0.25,0.25' (growth, sns, concentration[, size]) or 'growth=0.5,sns=0.25' (others 0)."""
    parts = [p.strip() for p in text.split(",") if p.strip()]
    if not parts:
        raise ParameterError("parameter 'weights': empty; give e.g. 0.5,0.25,0.25 (growth, sns, concentration)")
    try:
        if parts and all("=" in p for p in parts):
            return {k.strip(): float(v) for k, v in (p.split("=", 1) for p in parts)}
        if len(parts) not in (len(CORE_PILLARS), len(PILLARS)):
            raise ValueError
        return dict(zip(PILLARS, (float(p) for p in parts), strict=False))
    except ValueError:
        raise ParameterError(
            f"parameter 'weights': cannot read {text!r}; give numbers in the order "
            f"{','.join(CORE_PILLARS)}[,size] or name=value pairs"
        ) from None


def parse_candidates(text: str, base: tuple = ()) -> tuple:
    """'CHN,USA,TWN' → ISO3 codes (``--candidates``). Only alpha-3 codes: an unknown one is a CandidateError
    naming it. The same set as ``base`` (params.toml) in another order is ``base``: no scenario for a reordering."""
    from ecresearch.countries import REGIONS, known_codes
    from ecresearch.errors import CandidateError

    codes = [c.strip().upper() for c in text.split(",") if c.strip()]
    if not codes:
        raise CandidateError("--candidates: empty; give ISO 3166-1 alpha-3 codes such as CHN,USA,TWN")
    iso = known_codes() - set(REGIONS)  # economies only: a region is no candidate
    for c in codes:
        if c not in iso:
            raise CandidateError(f"--candidates: unknown ISO 3166-1 alpha-3 code {c!r}")
    if len(codes) < 2 or len(set(codes)) != len(codes):
        raise CandidateError(f"--candidates: give at least two different codes, got {','.join(codes)}")
    return tuple(base) if set(codes) == set(base) else tuple(codes)


def override(base: Params, **changes) -> Params:
    """``base`` with the given (non-None) values changed, validated."""
    changes = {k: v for k, v in changes.items() if v is not None}
    return validate(replace(base, **changes)) if changes else base


# ── the pages' parameters: not scoring parameters (changing them makes no scenario), but inputs of every page ──


@dataclass(frozen=True)
class PageParams:
    """What every page states and judges by. ``as_of``: the date the pages are dated with and every rule's
    status is judged against (a parameter, never the wall clock, so a rebuild is byte-identical);
    ``recheck_days``: a rule last checked longer ago than this before ``as_of`` is marked 'check again';
    ``max_age_years``: a figure whose period ends more than this many years before ``as_of`` is marked as dated
    in a report's tables (0: none is); ``usd_jpy``: a declared yen rate {rate, date, source} for the summary's
    market sizes (without it, the rate the deck's own conversion of a US$ amount implies)."""

    as_of: str
    recheck_days: int = 365
    max_age_years: int = 0
    usd_jpy: tuple | None = None  # (rate, date, source): a tuple, so the parameters stay hashable


def _whole(name: str, value, least: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < least:
        raise ParameterError(f"parameter {name!r} must be a whole number >= {least}, got {value!r}")
    return value


def _rate(value) -> tuple | None:
    """The declared yen rate: a table {rate = 131.5, date = "2022", source = "..."}, every field given."""
    if value is None:
        return None
    keys = {"rate", "date", "source"}
    if not isinstance(value, dict) or set(value) != keys:
        raise ParameterError(f"parameter 'usd_jpy' must be a table with exactly {sorted(keys)}, got {value!r}")
    rate = value["rate"]
    if isinstance(rate, bool) or not isinstance(rate, int | float) or not rate > 0:
        raise ParameterError(f"parameter 'usd_jpy.rate' must be a positive number of yen per US$, got {rate!r}")
    if not all(isinstance(value[k], str) and value[k].strip() for k in ("date", "source")):
        raise ParameterError("parameter 'usd_jpy' needs a 'date' and a 'source' (non-empty text)")
    return (float(rate), str(value["date"]), value["source"])


def _iso_date(name: str, value) -> str:
    import datetime as dt

    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):  # a bare TOML date
        return value.isoformat()
    try:
        if isinstance(value, str):
            return dt.date.fromisoformat(value).isoformat()
    except ValueError:
        pass
    raise ParameterError(f"parameter {name!r} must be a date YYYY-MM-DD, got {value!r}")


def page_params(data: dict, where: str = "parameters") -> PageParams:
    """Page parameters from a mapping (the TOML file's [pages] table); unknown keys rejected."""
    names = {f.name for f in fields(PageParams)}
    unknown = sorted(set(data) - names)
    if unknown:
        raise ParameterError(f"{where}: unknown parameter(s) {unknown}; known: {sorted(names)}")
    if "as_of" not in data:
        raise ParameterError(f"{where}: parameter 'as_of' is missing (the date every page is dated with)")
    try:
        days = data.get("recheck_days", 365)
        if isinstance(days, bool) or not isinstance(days, int) or days < 1:
            raise ParameterError(f"parameter 'recheck_days' must be a whole number of days >= 1, got {days!r}")
        return PageParams(
            _iso_date("as_of", data["as_of"]),
            days,
            _whole("max_age_years", data.get("max_age_years", 0), 0),
            _rate(data.get("usd_jpy")),
        )
    except ParameterError as exc:
        raise ParameterError(f"{where}: {exc}") from None


def load_pages(path: Path, raw: Path | None = None) -> PageParams:
    """The [pages] table of ``params.toml``. Without the file or the table, the documented default: the pages
    are dated with the newest retrieval date among the raw snapshots' sidecars under ``raw`` (never the wall
    clock), ``recheck_days`` 730."""
    data = {}
    if path.is_file():
        try:
            data = _parsed(path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError):
            load_file(path)  # raises the file's error with its reason
            raise
    pages = data.get("pages")
    if pages is None:
        return PageParams(_newest_retrieval(raw or path.parent / "data" / "raw"), 730)
    if not isinstance(pages, dict):
        raise ParameterError(f"{path.name}: 'pages' must be a table ([pages]), got {pages!r}")
    return page_params(pages, where=f"{path.name} [pages]")


@lru_cache(maxsize=8)
def _parsed(text: str) -> dict:
    """The TOML of a file's text, parsed once per text: every page step of a build reads [pages] (read-only)."""
    return tomllib.loads(text)


def _newest_retrieval(raw: Path) -> str:
    import re

    dates = []
    for side in sorted(raw.rglob("*.meta.json")):
        text = json.loads(side.read_text(encoding="utf-8")).get("retrieved") or ""
        dates += re.findall(r"\d{4}-\d{2}-\d{2}", str(text))
    if not dates:
        raise ParameterError(f"{raw}: no snapshot names its retrieval date; set [pages] as_of in params.toml")
    return max(dates)
