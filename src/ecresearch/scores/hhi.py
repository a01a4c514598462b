"""Herfindahl-Hirschman index as an interval: what the listed shares allow one to say about a market.

A source lists some players' shares. The unlisted rest R = 100 − Σ listed is held by players that are each
no larger than the smallest listed one (otherwise the source would have listed them), so:
- lower bound: the listed squares (the rest split among ever smaller players adds ≈ 0);
- upper bound: the rest packed into as few players as allowed: ⌊R / s_min⌋ players of s_min and one of the
  remainder.
When a source gives only a concentration ratio CR-n (the top n together hold C), the bounds come from the
most equal and the most unequal split of C compatible with the rest being no larger than the n-th player.
"""

from __future__ import annotations

import math

import numpy as np


def hhi(shares) -> float:
    """Herfindahl-Hirschman index of percentage shares (0-10,000)."""
    s = np.asarray(list(shares), dtype=float)
    if s.size == 0:
        raise ValueError("no shares")
    if (s < 0).any() or not np.isfinite(s).all() or s.sum() > 100 + 0.5 * s.size:  # printed shares are rounded
        raise ValueError(f"shares must be finite, >= 0 and sum to at most 100 (plus rounding), got {s.tolist()}")
    return float((s**2).sum())


def _packed(rest: float, cap: float) -> float:
    """Largest sum of squares of players summing to ``rest`` with each at most ``cap``."""
    if rest <= 0 or cap <= 0:
        return 0.0
    k = math.floor(rest / cap + 1e-12)
    return k * cap**2 + (rest - k * cap) ** 2


def hhi_interval(shares) -> tuple[float, float, float]:
    """(lower, upper, coverage %) for the listed players' individual shares."""
    s = np.asarray(list(shares), dtype=float)
    low = hhi(s)
    covered = float(min(s.sum(), 100.0))
    rest = 100.0 - covered
    return low, low + _packed(rest, float(s.min())), covered


def cr_interval(combined: float, n: int) -> tuple[float, float, float]:
    """(lower, upper, coverage %) when only the top ``n`` players' combined share is known."""
    if not 0 < combined <= 100 or n < 1:
        raise ValueError(f"a concentration ratio needs 0 < CR <= 100 and n >= 1, got CR{n} = {combined}")
    rest = 100.0 - combined
    # lower: the n players equal (C/n each); the rest in ever smaller players
    low = combined**2 / n
    # upper: one leader, n-1 players of size m, the rest packed at m; search m on a fine grid
    best = low + _packed(rest, combined / n)
    for m in np.linspace(0, combined / n, 401)[1:]:
        leader = combined - (n - 1) * m
        if leader < m:
            continue
        if rest > 0 and m * 1e6 < rest:  # the rest needs players of at most m: always possible, few of them
            pass
        best = max(best, leader**2 + (n - 1) * m**2 + _packed(rest, m))
    if n == 1:
        best = combined**2 + _packed(rest, combined)
    return low, best, combined


def point(low: float, high: float, where: str) -> float:
    """The declared point of the interval that is scored."""
    return {"lower": low, "upper": high, "midpoint": (low + high) / 2}[where]


def triangular(u, low, high, where: str) -> np.ndarray:
    """Quantiles ``u`` in [0, 1] of the triangular distribution on [low, high] whose mode is the declared point
    (``point(low, high, where)``): the Monte Carlo's and the Sobol sample's HHI draws. Inverse CDF, so a
    degenerate interval (low = high) gives low, and every value lies in the interval."""
    u, low, high = (np.asarray(a, dtype=float) for a in (u, low, high))
    span = high - low
    mode = point(low, high, where)
    c = np.divide(mode - low, span, out=np.zeros_like(span), where=span > 0)
    left = low + np.sqrt(u * c) * span
    right = high - np.sqrt((1 - u) * (1 - c)) * span
    return np.clip(np.where(u < c, left, right), low, high)


# US merger-guideline bands, used only as descriptive yardsticks (they were written for antitrust markets).
HHI_BANDS_2010 = ((1500, "unconcentrated"), (2500, "moderately concentrated"), (float("inf"), "highly concentrated"))
HHI_BANDS_2023 = ((1000, "unconcentrated"), (1800, "moderately concentrated"), (float("inf"), "highly concentrated"))


def hhi_band(value: float | None, bands=HHI_BANDS_2010) -> str | None:
    """The guideline band of an HHI value: 2010 Horizontal Merger Guidelines (< 1,500 / 1,500-2,500 / > 2,500)
    or 2023 Merger Guidelines (< 1,000 / 1,000-1,800 / > 1,800)."""
    if value is None or value != value:
        return None
    for upper, name in bands:
        if value < upper:
            return name
    return bands[-1][1]  # pragma: no cover
