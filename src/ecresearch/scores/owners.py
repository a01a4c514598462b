"""Platforms counted at group level: shares of players with one owner are one share in the HHI.

A referee counts market power by owner (Tmall Global and Kaola are both Alibaba's), so the concentration of a
market is computed over groups. Each group is declared with its evidence; a set's rows keep their own entity
and value, and carry the group they are counted in (``scored_data_sets.owner``).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class OwnerGroup:
    owner: str
    members: tuple[str, ...]  # entity names as the sources print them
    since: int  # first year the members share an owner (sets of earlier periods are not grouped)
    evidence: str


GROUPS = (
    # China's deck chart prints the shares without names; its 計59.7% subtotal is matched by exactly one pair of
    # slices, which the deck's figure catalogue (deck/figures.py, china_cbec_platform_share) names.
    OwnerGroup(
        "Alibaba",
        ("Tmall Global", "Kaola"),
        2019,
        "the deck's subtotal (計59.7%) of the two slices; Alibaba acquired Kaola in Sep 2019",
    ),
    # ByteDance (TikTok) holds 75.01% of Tokopedia since Jan 2024, TikTok Shop Indonesia merged into it:
    # snapshot sources_2026_12.csv, topic platform_owner (Dow Jones via MarketScreener; Reuters via SCMP)
    OwnerGroup(
        "ByteDance",
        ("TikTok Shop", "Tokopedia"),
        2024,
        "ByteDance's 75.01% of Tokopedia since Jan 2024 (sources_2026_12.csv, platform_owner)",
    ),
)


def owner_of(entity: str, year: int | None) -> str | None:
    """The declared group an entity is counted in for a period's year, if any."""
    for g in GROUPS:
        if entity in g.members and (year is None or year >= g.since):
            return g.owner
    return None


def subset_summing_to(values: list[float], total: float, size: int = 2, tol: float = 0.05) -> tuple[int, ...] | None:
    """The unique ``size`` positions of ``values`` that sum to ``total`` (a printed subtotal), or None."""
    from itertools import combinations

    hits = [c for c in combinations(range(len(values)), size) if abs(sum(values[i] for i in c) - total) <= tol]
    return hits[0] if len(hits) == 1 else None
