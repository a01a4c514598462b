"""Consistency checks over the extracted tables, run on every build.

Each check returns findings: what was checked, whether it holds, and for every problem the
resolution the pipeline chose and why. Nothing is corrected silently: values stay as printed and
the findings go to data/processed/quality_findings.parquet and, through clean/quality_report.py, to
reports/data-quality.md and reports/data-quality.html.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict, dataclass
from itertools import combinations
from typing import Any

import polars as pl

from ecresearch import paths
from ecresearch.deck.figures import FIGURES
from ecresearch.deck.model import (
    Figure,
    GrowthCheck,
    MeanCheck,
    PairTotalCheck,
    PartsCheck,
    RegionMeanCheck,
    WeightedMeanCheck,
)
from ecresearch.deck.readers import LAYOUT_NOTE, Combine, Run
from ecresearch.domain import units

FINDING_SCHEMA = {
    "check": pl.String,
    "figure_id": pl.String,
    "subject": pl.String,
    "outcome": pl.String,
    "expected": pl.Float64,
    "actual": pl.Float64,
    "message": pl.String,
    "resolution": pl.String,
}


@dataclass(frozen=True)
class Finding:
    check: str
    figure_id: str
    subject: str
    outcome: str  # pass | issue
    message: str
    resolution: str = ""
    expected: float | None = None
    actual: float | None = None


def _num(value: Any) -> float:
    """A polars scalar (a sum, a mean of a float column) as a float."""
    return float(value)


def _deck(long: pl.DataFrame, fig_id: str) -> pl.DataFrame:
    return long.filter((pl.col("figure_id") == fig_id) & (pl.col("origin") == "deck"))


def _cell(long: pl.DataFrame, fig_id: str, series: str, category: str) -> float | None:
    sel = _deck(long, fig_id).filter((pl.col("series") == series) & (pl.col("category_ja") == category))
    return sel["value"][0] if sel.height == 1 else None


def share_sums(fig: Figure, long: pl.DataFrame) -> list[Finding]:
    if fig.shares_total is None:
        return []
    out = []
    df = _deck(long, fig.id).filter(pl.col("unit") == "percent")
    for series in df["series"].unique(maintain_order=True):
        vals = df.filter(pl.col("series") == series)["value"].drop_nulls()
        total = float(vals.sum())
        tol = 0.05 * len(vals) + 1e-9  # each printed share is rounded to 0.1
        ok = abs(total - fig.shares_total) <= tol
        out.append(
            Finding(
                "share_sum",
                fig.id,
                series,
                "pass" if ok else "issue",
                f"{len(vals)} shares sum to {total:.1f} (expected {fig.shares_total:.0f} ± {tol:.2f} for rounding)",
                "" if ok else "kept as printed; the chart shows the shares as printed",
                fig.shares_total,
                round(total, 6),
            )
        )
    return out


def growth(fig: Figure, check: GrowthCheck, long: pl.DataFrame) -> list[Finding]:
    df = _deck(long, fig.id)
    out: list[Finding] = []
    if check.level_series:
        # a rate printed once beside a chart of levels (click & collect): compare it with those levels
        g = df.filter(pl.col("series") == check.growth_series)
        printed = g["value"][0] if g.height else None
        a = _cell(long, fig.id, check.level_series, check.earlier)
        b = _cell(long, fig.id, check.level_series, check.later)
        if a is None or b is None or printed is None:
            return out
        unit = fig.series_by_key(check.growth_series).unit
        computed = b / a if unit == "ratio" else (b / a - 1) * 100
        tol = check.tolerance_pp / 100 if unit == "ratio" else check.tolerance_pp
        ok = abs(computed - printed) <= tol + 1e-9
        what = (
            f"{check.later}/{check.earlier} = ×{computed:.2f}"
            if unit == "ratio"
            else f"{check.earlier}→{check.later}: {computed:+.1f}%"
        )
        out.append(
            Finding(
                "growth_vs_levels",
                fig.id,
                check.growth_series,
                "pass" if ok else "issue",
                f"printed {printed:g}{'' if unit == 'ratio' else '%'}, levels give {what}",
                ""
                if ok
                else "both kept: the printed rate is shown as printed; the levels are the chart's data; "
                "the difference is reported, not corrected",
                printed,
                round(computed, 4),
            )
        )
        return out
    levels = df.filter(pl.col("series").is_in([check.earlier, check.later])).pivot(
        on="series", index="category_ja", values="value"
    )
    g = df.filter(pl.col("series") == check.growth_series).select("category_ja", pl.col("value").alias("g"))
    joined = levels.join(g, on="category_ja", how="inner")
    bad = []
    for row in joined.iter_rows(named=True):
        computed = (row[check.later] / row[check.earlier] - 1) * 100
        if abs(computed - row["g"]) > check.tolerance_pp + 0.05:
            bad.append(f"{row['category_ja']}: printed {row['g']:+.1f}%, levels give {computed:+.2f}%")
    out.append(
        Finding(
            "growth_vs_levels",
            fig.id,
            check.growth_series,
            "issue" if bad else "pass",
            (f"{len(bad)} of {joined.height} growth rates differ from the levels: " + "; ".join(bad))
            if bad
            else f"all {joined.height} growth rates equal the change between the printed levels (±{check.tolerance_pp} pp)",  # noqa: E501 - a data string kept whole
            "kept as printed; differences reported" if bad else "",
        )
    )
    return out


def weighted_mean(fig: Figure, check: WeightedMeanCheck, long: pl.DataFrame) -> list[Finding]:
    df = _deck(long, fig.id)
    sizes = {key: _cell(long, fig.id, "n", cat) for key, cat in check.parts}
    n = {key: v for key, v in sizes.items() if v is not None}
    if len(n) < len(sizes):
        return [Finding("weighted_mean", fig.id, "n", "issue", "sample sizes not found", "check skipped")]
    cats = (
        [check.category]
        if check.category
        else df.filter(pl.col("series") == check.parts[0][0])["category_ja"].to_list()
    )
    errs, details = [], []
    for cat in cats:
        cells = {key: _cell(long, fig.id, key, cat) for key, _ in check.parts}
        parts = {key: v for key, v in cells.items() if v is not None}
        if check.stated_total:
            total = _cell(long, fig.id, check.stated_total[0], check.stated_total[1])
        else:
            total = _cell(long, fig.id, check.total or "", cat)  # total is None only beside a stated_total
        if total is None or len(parts) < len(cells):
            details.append(f"{cat}: not comparable (a value is missing)")
            continue
        mean = sum(n[k] * parts[k] for k in parts) / sum(n.values())
        errs.append((cat, total, mean))
    bad = [(c, t, m) for c, t, m in errs if abs(t - m) > check.tolerance_pp]
    weights = ", ".join(f"{k} n={v:g}" for k, v in n.items())
    msg = (
        f"total vs n-weighted mean of parts ({weights}): "
        + "; ".join(f"{c}: {t:g} vs {m:.2f}" for c, t, m in (bad or errs[:3]))
        + (f" ({len(errs)} categories compared)" if not bad else "")
    )
    if details:
        msg += "; " + "; ".join(details)
    out = [
        Finding(
            "weighted_mean",
            fig.id,
            check.total or (check.stated_total[0] if check.stated_total else ""),
            "issue" if bad else "pass",
            msg,
            "kept as printed; differences reported"
            if bad
            else "confirms the pairing of value runs with the legend's series in printed order",
            errs[0][1] if len(errs) == 1 else None,
            round(errs[0][2], 4) if len(errs) == 1 else None,
        )
    ]
    return out


def parts(fig: Figure, check: PartsCheck, long: pl.DataFrame) -> list[Finding]:
    parent = _cell(long, *check.parent)
    cells = [_cell(long, *p) for p in check.parts]
    vals = [v for v in cells if v is not None]
    if parent is None or len(vals) < len(cells):
        return [Finding("parts_sum", fig.id, "/".join(check.parent), "issue", "a value is missing", "check skipped")]
    computed = vals[0] - vals[1] if check.relation == "difference" else sum(vals)
    ok = abs(computed - parent) <= check.tolerance + 1e-9
    op = " − " if check.relation == "difference" else " + "
    names = op.join(f"{p[2]}[{p[1]}]" for p in check.parts)
    return [
        Finding(
            "parts_sum",
            fig.id,
            f"{check.parent[1]}/{check.parent[2]}",
            "pass" if ok else "issue",
            f"{check.parent[2]}[{check.parent[1]}] = {parent:g}; {names} = {computed:g}",
            "" if ok else "kept as printed; difference reported",
            parent,
            computed,
        )
    ]


def region_mean(fig: Figure, check: RegionMeanCheck, long: pl.DataFrame) -> list[Finding]:
    region = _cell(long, fig.id, "growth_2022", check.region)
    if region is None:
        return [
            Finding("weighted_mean", fig.id, check.region, "issue", "the region's growth is missing", "check skipped")
        ]
    m = _deck(long, check.members_figure).filter(pl.col("iso3").is_in(list(check.members)))
    a = _num(m.filter(pl.col("series") == check.level_earlier)["value"].sum())
    b = _num(m.filter(pl.col("series") == check.level_later)["value"].sum())
    computed = (b / a - 1) * 100
    growths = m.filter(pl.col("series") == "growth_2022").select("iso3", "value").rows()
    lo, hi = min(v for _, v in growths), max(v for _, v in growths)
    ok = abs(region - computed) <= check.tolerance_pp
    members = ", ".join(f"{c} {v:+.1f}%" for c, v in growths)
    return [
        Finding(
            "weighted_mean",
            fig.id,
            check.region,
            "pass" if ok else "issue",
            f"{check.region} is printed as {region:+.1f}%, but its listed members ({members}) grow {computed:+.2f}% "
            f"together (sales-weighted, from {check.members_figure}); a weighted mean must lie within "
            f"[{lo:+.1f}, {hi:+.1f}]",
            ""
            if ok
            else "kept as printed. The value and label runs are paired in printed order, which may be wrong "
            "for this chart (see label_order); eMarketer's region may also include more than the US and Canada. "
            "Not corrected.",
            region,
            round(computed, 4),
        )
    ]


def pair_total(fig: Figure, check: PairTotalCheck, long: pl.DataFrame) -> list[Finding]:
    df = _deck(long, fig.id).filter(pl.col("series") == check.series)
    vals = list(enumerate(df["value"].to_list(), start=1))
    hits = [(a, b) for a, b in combinations(vals, 2) if abs(a[1] + b[1] - float(check.total)) < 0.05]
    if len(hits) == 1:
        (i, x), (j, y) = hits[0]
        return [
            Finding(
                "subtotal",
                fig.id,
                check.series,
                "pass",
                f"the printed subtotal {check.total}% equals slices {i} and {j} ({x:g}% + {y:g}%), and no other pair",
                "slices kept unidentified; the pair is noted as the subtotal's members (the reference file "
                "names them Tmall Global + Kaola, an inference)",
                float(check.total),
                x + y,
            )
        ]
    return [
        Finding(
            "subtotal",
            fig.id,
            check.series,
            "issue",
            f"the printed subtotal {check.total}% matches {len(hits)} pairs of slices",
            "ambiguous: no slice is named",
            float(check.total),
            None,
        )
    ]


def plain_mean(fig: Figure, check: MeanCheck, long: pl.DataFrame) -> list[Finding]:
    df = _deck(long, fig.id).filter(pl.col("series") == check.series)
    avg = df.filter(pl.col("category_ja") == check.average)["value"][0]
    members = df.filter(pl.col("category_ja") != check.average)["value"]
    mean = _num(members.mean())
    ok = abs(mean - avg) <= check.tolerance_pp
    return [
        Finding(
            "weighted_mean",
            fig.id,
            check.average,
            "pass" if ok else "issue",
            f"printed average {avg:g}% vs plain mean of the {members.len()} countries {mean:.2f}%",
            ""
            if ok
            else "kept as printed: the source's average is probably weighted (by population or respondents), "
            "and its weights are not printed",
            avg,
            round(mean, 4),
        )
    ]


def gaps(fig: Figure, long: pl.DataFrame) -> list[Finding]:
    out = []
    df = _deck(long, fig.id)
    if fig.reader is None:
        ext = long.filter((pl.col("figure_id") == fig.id) & (pl.col("origin") == "external")).height
        return [
            Finding(
                "missing_values",
                fig.id,
                "*",
                "issue",
                f"no values of this chart are in the deck text ({fig.status})",
                f"{ext} external values shown, flagged with source and vintage"
                if ext
                else "not reproducible: listed in the catalogue with the reason",
            )
        ]
    for series in df["series"].unique(maintain_order=True):
        s = df.filter(pl.col("series") == series)
        missing = s.filter(pl.col("status") == "missing")
        unlabelled = s.filter(pl.col("status") == "unidentified_label")
        named = s.filter(pl.col("status") == "label_external")
        notes = "; ".join(sorted({n for n in missing["note"].to_list() if n}))
        # (how many rows have the gap, what is missing, what the pipeline did): one finding per kind present
        kinds = (
            (
                missing.height,
                f"{s.height - missing.height} printed values for {s.height} categories; missing: "
                + ", ".join(missing["category_ja"].to_list()),
                notes or "shown as a gap ('missing'); no value imputed",
            ),
            (
                unlabelled.height,
                f"{unlabelled.height} of {s.height} values have no printed label: "
                + ", ".join(f"{v:g}" for v in unlabelled["value"].to_list()),
                "shown as 'unidentified'; no label guessed",
            ),
            (
                named.height,
                f"{named.height} labels were lost and matched by value to external rows of one edition",
                "each matched row names its source; bars with no unique match stay 'unidentified'",
            ),
        )
        out += [Finding("missing_values", fig.id, series, "issue", msg, res) for n, msg, res in kinds if n]
    return out


def _runs(reader) -> list[Run]:
    if isinstance(reader, Run):
        return [reader]
    if isinstance(reader, Combine):
        return [r for sub in reader.readers for r in _runs(sub)]
    return []


def label_order(fig: Figure, long: pl.DataFrame, confirmed: set[str]) -> list[Finding]:
    out = []
    for run in _runs(fig.reader):
        labelled = [c for c in run.categories if c.ja is not None]
        cells = _deck(long, fig.id).filter(pl.col("series").is_in(list(run.series)) & pl.col("value").is_not_null())
        if labelled and cells.height and cells["note"].fill_null("").str.starts_with(LAYOUT_NOTE).all():
            out.append(
                Finding(
                    "label_order",
                    fig.id,
                    ",".join(run.series),
                    "pass",
                    "each value is printed right after its label",
                    "paired by layout",
                )
            )
        elif len(labelled) >= 2 or len(run.series) >= 2:
            by = (
                "confirmed by a consistency check on this figure"
                if fig.id in confirmed
                else "not confirmed by any check"
            )
            out.append(
                Finding(
                    "label_order",
                    fig.id,
                    ",".join(run.series),
                    "issue" if fig.id not in confirmed else "pass",
                    f"values and labels/series are printed in separate runs ({len(labelled)} labels, "
                    f"{len(run.series)} series); paired in printed order",
                    f"printed order assumed, {by}",
                )
            )
        elif not labelled and fig.label_by_value is None and run.series == ("unassigned",):
            out.append(
                Finding(
                    "label_order",
                    fig.id,
                    "unassigned",
                    "issue",
                    "a value is printed apart from the chart's labels and cannot be tied to one of them",
                    "kept in series 'unassigned' with no label; not attributed",
                )
            )
    return out


def external_compare(fig: Figure, long: pl.DataFrame, external: pl.DataFrame) -> list[Finding]:
    out = []
    df = _deck(long, fig.id).filter(pl.col("value").is_not_null())
    for cmp in fig.compares:
        ext = external.filter((pl.col("topic") == cmp.topic) & (pl.col("metric") == cmp.metric))
        s = df.filter(pl.col("series") == cmp.series)
        for row in s.iter_rows(named=True):
            match = ext.filter((pl.col("period") == row["period"]) & (pl.col("country_iso3") == row["iso3"]))
            if not fig.countries and row["category_ja"] != row["period"]:
                # categories are entities (retailers): compare like with like
                match = match.filter(pl.col("entity").is_in([row["category_en"], row["category_ja"]]))
            for m in match.iter_rows(named=True):
                try:
                    conv = units.published(m["unit"])
                except units.UnitError as exc:
                    where = paths.rel(paths.EXTERNAL_DIR / m["snapshot"])
                    raise units.UnitError(f"{where}: line {m['csv_line']}: {exc}") from None
                unit, mult = conv.base, conv.multiplier
                ev = m["value"] * mult
                dv = row["value"]
                rel = abs(ev - dv) / abs(dv) if unit != "percent" and dv else abs(ev - dv)
                tol = cmp.tolerance if unit != "percent" or cmp.tolerance >= 0.1 else 0.05
                ok = rel <= tol + 1e-12
                label = row["category_en"] or row["category_ja"]

                def shown(v: float, u: str = unit) -> str:
                    return f"{v:g}%" if u == "percent" else f"{v:.4g} {u}"

                out.append(
                    Finding(
                        "deck_vs_external",
                        fig.id,
                        f"{label} {row['period']}",
                        "pass" if ok else "issue",
                        f"deck {shown(dv)} (line {row['line_start']}) vs {m['source_title']} ({m['vintage']}, "
                        f"CSV line {m['csv_line']}) {shown(ev)}",
                        ("agree" + ("" if row["approx"] is False else " (the deck's value is approximate)"))
                        if ok
                        else f"both kept; the deck's value is used (deck wins). Deck source: {row['source']}; "
                        f"external vintage: {m['vintage']}" + (f"; external note: {m['note']}" if m["note"] else ""),
                        dv,
                        ev,
                    )
                )
    return out


def vintage_mix(fig: Figure, long: pl.DataFrame) -> list[Finding]:
    ext = long.filter((pl.col("figure_id") == fig.id) & (pl.col("origin") == "external"))
    out = []
    for series in ext["series"].unique(maintain_order=True):
        vintages = ext.filter(pl.col("series") == series)["vintage"].unique(maintain_order=True).to_list()
        deck_src = {fig.source_ja or fig.source_en}
        if len(vintages) > 1:
            out.append(
                Finding(
                    "vintage_mix",
                    fig.id,
                    series,
                    "issue",
                    f"external values for this series come from {len(vintages)} vintages: {'; '.join(vintages)}",
                    "each value keeps its vintage; charts colour or note them; no comparison across vintages",
                )
            )
        elif vintages:
            out.append(
                Finding(
                    "vintage_mix",
                    fig.id,
                    series,
                    "pass",
                    f"external values from one vintage ({vintages[0]}); the deck's source is {deck_src.pop()}",
                    "flagged as external on the chart",
                )
            )
    return out


# The function that runs each kind of check a figure declares (deck/model.py); the kinds are final classes.
CHECKS: dict[type, Callable[[Figure, Any, pl.DataFrame], list[Finding]]] = {
    GrowthCheck: growth,
    WeightedMeanCheck: weighted_mean,
    PartsCheck: parts,
    RegionMeanCheck: region_mean,
    PairTotalCheck: pair_total,
    MeanCheck: plain_mean,
}


def run_checks(long: pl.DataFrame, external: pl.DataFrame, figures=FIGURES) -> pl.DataFrame:
    findings: list[Finding] = []
    confirmed: set[str] = set()
    for fig in figures:
        own: list[Finding] = []
        for check in fig.checks:
            run = CHECKS.get(type(check))
            if run is None:
                raise TypeError(f"{fig.id}: unknown check {check!r}")
            own += run(fig, check, long)
        own += share_sums(fig, long)
        # a passing weighted-mean or parts check on several series confirms the pairing of runs
        if any(f.outcome == "pass" and f.check in ("weighted_mean", "parts_sum") for f in own):
            confirmed.add(fig.id)
        findings += own
        findings += gaps(fig, long)
        findings += external_compare(fig, long, external)
        findings += vintage_mix(fig, long)
    for fig in figures:
        findings += label_order(fig, long, confirmed)
    order = {f.id: i for i, f in enumerate(figures)}
    rows = [asdict(f) for f in findings]
    df = pl.DataFrame(rows, schema=FINDING_SCHEMA, orient="row") if rows else pl.DataFrame(schema=FINDING_SCHEMA)
    return (
        df.with_columns(pl.col("figure_id").replace_strict(order, return_dtype=pl.Int32).alias("_o"))
        .sort("_o", "check", "subject", maintain_order=True)
        .drop("_o")
    )
