"""What the scoring knows about each candidate's pillar values, and how sure it is: one cell per market and pillar.

A cell is one of
- ``observed``: a value from a source, scored as it is (it may have an alternative edition, drawn as a factor);
- ``interval``: a source bounds it (an HHI from listed shares; a forecast with the range its own edition's later
  revisions imply), scored at a declared point and drawn inside the bounds;
- ``imputed``: no source has a value. It is never dropped by re-weighting: it is drawn over a declared range (the
  candidates' observed range of that pillar), scored at the range's median, and shown as imputed. A market whose
  imputed pillars carry more than ``max_missing_weight`` of the weight is unranked — in every Monte Carlo draw by
  that draw's weights, so the bands include markets entering and leaving the ranking.
A market with no sourced value on any weighted pillar is not scored at all.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import polars as pl

from ecresearch.params import PILLARS, Params
from ecresearch.scores.hhi import point

CONC = PILLARS.index("concentration")
FIXED, TRIANGULAR, UNIFORM = 0, 1, 2
BASES = ("observed", "interval", "imputed")


@dataclass(frozen=True)
class Cells:
    """Countries × PILLARS arrays of the scoring's inputs."""

    countries: list[str]
    value: np.ndarray  # the sourced value (NaN where imputed): what correlations and tables describe
    point: np.ndarray  # the scored value: the value, or the declared point of an interval or an imputed range
    low: np.ndarray  # bounds of the drawn range (= point for a fixed cell)
    high: np.ndarray
    dist: np.ndarray  # FIXED, TRIANGULAR (an HHI, mode at hhi_point) or UNIFORM (a forecast range, an imputed range)
    alt: np.ndarray  # the value in an alternative edition (NaN if none): a Monte Carlo factor
    imputed: np.ndarray  # bool: no source has a value

    def basis(self, i: int, j: int) -> str:
        if self.imputed[i, j]:
            return "imputed"
        return "observed" if self.dist[i, j] == FIXED else "interval"

    def select(self, keep: np.ndarray) -> Cells:
        idx = np.flatnonzero(keep)
        return Cells(
            [self.countries[i] for i in idx],
            *(getattr(self, f)[idx] for f in ("value", "point", "low", "high", "dist", "alt", "imputed")),
        )


def cells(ind: pl.DataFrame, params: Params) -> Cells:
    """The cells of every candidate from the published indicators; imputed ranges from the candidates' own
    observed values of the pillar (its range, scored at its median)."""
    countries = list(params.candidates)
    k, m = len(countries), len(PILLARS)
    value = np.full((k, m), np.nan)
    low, high, alt = (np.full((k, m), np.nan) for _ in range(3))
    for r in ind.iter_rows(named=True):  # a few rows: filtered here rather than by a (slower) polars query
        if r["iso3"] not in countries or r["pillar"] not in PILLARS:
            continue
        i, j = countries.index(r["iso3"]), PILLARS.index(r["pillar"])
        value[i, j] = r["value"]
        if r["low"] is not None and r["high"] is not None:
            low[i, j], high[i, j] = r["low"], r["high"]
        if r.get("alt_value") is not None:
            alt[i, j] = r["alt_value"]
    has_interval = ~np.isnan(low)
    dist = np.where(has_interval, UNIFORM, FIXED)
    dist[:, CONC] = np.where(has_interval[:, CONC], TRIANGULAR, FIXED)
    pt = value.copy()
    conc = has_interval[:, CONC]
    pt[conc, CONC] = [point(lo, hi, params.hhi_point) for lo, hi in zip(low[conc, CONC], high[conc, CONC], strict=True)]
    low = np.where(has_interval, low, value)
    high = np.where(has_interval, high, value)
    imputed = np.isnan(value)
    for j in range(m):
        seen = pt[~imputed[:, j], j]
        if seen.size == 0:
            continue
        gap = imputed[:, j]
        pt[gap, j] = float(np.median(seen))
        low[gap, j], high[gap, j] = float(seen.min()), float(seen.max())
        dist[gap, j] = UNIFORM
    return Cells(countries, value, pt, low, high, dist, alt, imputed)


def weight_vector(params: Params) -> np.ndarray:
    return np.array([params.weights[p] for p in PILLARS])


def imputed_share(imputed: np.ndarray, weights: np.ndarray) -> np.ndarray:
    """Share of the weight carried by a market's imputed pillars: ``weights`` (pillars,) or per draw
    (draws, 1, pillars) against ``imputed`` (countries, pillars)."""
    w = np.asarray(weights, dtype=float)
    return (imputed * w).sum(axis=-1) / w.sum(axis=-1)


def eligible(c: Cells, weights: np.ndarray, max_missing_weight: float) -> np.ndarray:
    """Ranked or not (the coverage rule), for the declared weights or per draw."""
    return np.asarray(imputed_share(c.imputed, weights) <= max_missing_weight + 1e-9)


def scoreable(c: Cells, params: Params) -> np.ndarray:
    """Markets with a sourced value on at least one weighted pillar (the others are not scored at all)."""
    return np.asarray(((~c.imputed) & (weight_vector(params) > 0)).any(axis=1))


def from_arrays(x, low=None, high=None, imputed=None, hhi_point: str = "midpoint") -> Cells:
    """Cells from plain arrays (countries × PILLARS): ``low``/``high`` bound the HHI column (triangular draws);
    ``imputed`` marks cells without a source (uniform over [low, high] of that cell, given in full arrays then).
    For tests and the what-if panel."""
    x = np.asarray(x, dtype=float)
    k = x.shape[0]
    lo = np.where(np.isnan(x), np.nan, x)
    hi = lo.copy()
    dist = np.zeros(x.shape, dtype=int)
    pt = x.copy()
    if low is not None:
        low, high = np.asarray(low, dtype=float), np.asarray(high, dtype=float)
        if low.ndim == 1:
            has = ~np.isnan(low)
            lo[has, CONC], hi[has, CONC] = low[has], high[has]
            dist[has, CONC] = TRIANGULAR
            pt[has, CONC] = [point(a, b, hhi_point) for a, b in zip(low[has], high[has], strict=True)]
        else:
            lo, hi = np.where(np.isnan(low), lo, low), np.where(np.isnan(high), hi, high)
            dist = np.where(hi > lo, UNIFORM, FIXED)
    imp = np.zeros(x.shape, dtype=bool) if imputed is None else np.asarray(imputed, dtype=bool)
    pt = np.where(imp, (lo + hi) / 2, pt)
    return Cells([f"C{i}" for i in range(k)], np.where(imp, np.nan, x), pt, lo, hi, dist, np.full(x.shape, np.nan), imp)
