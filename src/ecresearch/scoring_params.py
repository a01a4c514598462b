"""Scoring parameters and their validation: light (no numpy/polars), so the CLI checks them before any work."""
from __future__ import annotations

import math
from dataclasses import dataclass, field

from .countries import resolve
from .errors import CountryError, ParameterError

PILLARS = ("growth", "sns", "concentration")
NORMALISATIONS = ("minmax", "zscore")
AGGREGATIONS = ("arithmetic", "geometric")
DIRECTIONS = ("channel", "gatekeeper")
MISSING_RULES = ("reweight", "exclude", "min")

# Markets the deck discusses as destinations (Japan is the sellers' home market).
DEFAULT_CANDIDATES = ("CHN", "USA", "GBR", "KOR", "IND", "DEU", "IDN", "CAN", "FRA",
                      "SGP", "MYS", "THA", "VNM", "PHL", "HKG")
DEFAULT_WEIGHTS = {"growth": 1 / 3, "sns": 1 / 3, "concentration": 1 / 3}


@dataclass(frozen=True)
class Params:
    weights: dict = field(default_factory=lambda: dict(DEFAULT_WEIGHTS))
    normalisation: str = "minmax"
    aggregation: str = "arithmetic"
    concentration_direction: str = "channel"
    candidates: tuple = DEFAULT_CANDIDATES
    missing: str = "reweight"
    min_pillars: int = 2
    draws: int = 1000
    weight_noise: float = 0.25
    seed: int = 20230201


def validate(params: Params) -> Params:
    """Check every parameter before any work; errors name the parameter."""
    w = params.weights
    if not isinstance(w, dict) or set(w) != set(PILLARS):
        raise ParameterError(f"parameter 'weights' must give exactly {list(PILLARS)}, got {sorted(w) if isinstance(w, dict) else w!r}")
    for k, v in w.items():
        if not isinstance(v, (int, float)) or not math.isfinite(v) or v < 0:
            raise ParameterError(f"parameter 'weights': weight of {k!r} must be a finite number >= 0, got {v!r}")
    total = sum(w.values())
    if total == 0:
        raise ParameterError("parameter 'weights': all weights are zero")
    if abs(total - 1) > 1e-6:
        raise ParameterError(f"parameter 'weights' must sum to 1, got {total:g}")
    for name, value, allowed in (("normalisation", params.normalisation, NORMALISATIONS),
                                 ("aggregation", params.aggregation, AGGREGATIONS),
                                 ("concentration_direction", params.concentration_direction, DIRECTIONS),
                                 ("missing", params.missing, MISSING_RULES)):
        if value not in allowed:
            raise ParameterError(f"parameter {name!r} must be one of {list(allowed)}, got {value!r}")
    if not isinstance(params.draws, int) or params.draws < 1 or params.draws > 100_000:
        raise ParameterError(f"parameter 'draws' must be an integer in 1..100000, got {params.draws!r}")
    if not 0 <= params.weight_noise < 1:
        raise ParameterError(f"parameter 'weight_noise' must be in [0, 1), got {params.weight_noise!r}")
    if params.min_pillars not in (1, 2, 3):
        raise ParameterError(f"parameter 'min_pillars' must be 1, 2 or 3, got {params.min_pillars!r}")
    if isinstance(params.candidates, str) or len(params.candidates) < 2:
        raise ParameterError("parameter 'candidates' must list at least two countries")
    codes = []
    for c in params.candidates:
        try:
            country = resolve(str(c), allow_regions=False)
        except CountryError as exc:
            raise ParameterError(f"parameter 'candidates': {exc}") from None
        codes.append(country.iso3)
    if len(set(codes)) != len(codes):
        raise ParameterError(f"parameter 'candidates' lists a country twice: {codes}")
    return Params(**{**params.__dict__, "candidates": tuple(codes), "weights": {k: float(v) for k, v in w.items()}})


