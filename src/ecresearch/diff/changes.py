"""What changed between two builds: values added, changed and removed per processed table (by natural keys),
new and resolved quality findings, and per country the pillar values, score, rank and rank band — each change
traced to the snapshot rows (file and CSV line) that caused it.

A side is a folder holding ``data/processed`` (a scratch copy, the working tree) or a git revision, whose
parquet files are read with ``git show REV:path`` into a temporary folder.
"""

from __future__ import annotations

import math
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import polars as pl

from ecresearch import datasets, paths
from ecresearch.domain.formats import MISSING, cell, rank_band
from ecresearch.errors import EcresearchError
from ecresearch.textsafe import md_escape

PROCESSED_REL = Path("data") / "processed"
# The natural key of each processed table (file name under data/processed → key columns), from the registry.
TABLES = datasets.processed_tables()
KEYS = {name: d.key for name, d in TABLES.items() if d.key}


def _file(dataset: str) -> str:
    """A registered table's name as the sides list it (its path under data/processed)."""
    return next(name for name, d in TABLES.items() if d.name == dataset)


TRACE_COLUMNS = ("snapshot", "csv_line")
# which external topics feed each pillar (to link an indicator to the snapshot rows it was computed from)
PILLAR_TOPICS = {
    "sns": ("sns_time",),
    "growth": ("ecommerce_growth",),
    "concentration": ("platform_share", "us_retailer_share"),
    "size": ("ecommerce_sales",),
}
COUNTRY_VALUES = (
    "ranked",
    "score",
    "rank",
    "median_rank",
    "rank_p05",
    "rank_p95",
    "p_top3",
    "growth_pct",
    "sns_ratio",
    "hhi_value",
    "growth_norm",
    "sns_norm",
    "concentration_norm",
)
PILLAR_COLUMNS = ("growth_pct", "sns_ratio", "hhi_value", "growth_norm", "sns_norm", "concentration_norm")
SHOW_LIMIT = 40  # rows per section in the Markdown rendering (the page and the JSON have all)


# ── the two sides ─────────────────────────────────────────────────────────────────────────────


@dataclass
class Side:
    label: str
    root: Path  # a folder holding data/processed


def _git(*args: str) -> str:
    try:
        r = subprocess.run(["git", *args], cwd=paths.ROOT, capture_output=True, check=False)
    except FileNotFoundError:
        raise EcresearchError("git is not installed: compare two folders with --old-dir DIR --new-dir DIR") from None
    if r.returncode != 0:
        msg = r.stderr.decode("utf-8", "replace").strip().splitlines()
        raise EcresearchError(f"git {' '.join(args)}: {msg[0] if msg else 'failed'}")
    return r.stdout.decode("utf-8")


def git_side(rev: str, tmp: Path) -> Side:
    """The processed outputs committed at ``rev``, copied (as bytes) into ``tmp``."""
    if rev.startswith("-"):
        raise EcresearchError(f"{rev!r}: not a git revision")
    try:
        _git("rev-parse", "--is-inside-work-tree")
    except EcresearchError:
        raise EcresearchError(
            f"{paths.ROOT} is not a git repository: compare two builds with --old-dir DIR --new-dir DIR"
        ) from None
    try:
        sha = _git("rev-parse", "--verify", "--quiet", f"{rev}^{{commit}}").strip()
    except EcresearchError:
        raise EcresearchError(f"{rev!r}: not a git revision of {paths.ROOT}") from None
    names = _git("ls-tree", "-r", "--name-only", sha, "--", str(PROCESSED_REL)).splitlines()
    for name in names:
        if not name.endswith(".parquet"):
            continue
        r = subprocess.run(["git", "show", f"{sha}:./{name}"], cwd=paths.ROOT, capture_output=True, check=False)
        if r.returncode != 0:
            raise EcresearchError(f"git show {rev}:{name}: {r.stderr.decode('utf-8', 'replace').strip()}")
        dest = tmp / name
        dest.parent.mkdir(parents=True, exist_ok=True)
        dest.write_bytes(r.stdout)
    return Side(f"{rev} ({sha[:10]})", tmp)


def dir_side(folder: Path, label: str | None = None) -> Side:
    folder = Path(folder)
    if not (folder / PROCESSED_REL).is_dir():
        raise EcresearchError(f"{folder}: no {PROCESSED_REL} folder (a build's outputs) inside")
    return Side(label or str(folder), folder)


def _tables(side: Side) -> dict[str, Path]:
    base = side.root / PROCESSED_REL
    files = [*base.glob("*.parquet"), *base.glob("figures/*.parquet"), *base.glob("scoring/*.parquet")]
    return {f.relative_to(base).as_posix(): f for f in sorted(files)}


def _read(path: Path | None) -> pl.DataFrame | None:
    if path is None:
        return None
    try:
        return pl.read_parquet(path)
    except Exception as exc:  # noqa: BLE001 - a damaged file is named, not a traceback
        raise EcresearchError(f"{path}: not a readable parquet file ({type(exc).__name__})") from None


# ── comparing tables ──────────────────────────────────────────────────────────────────────────


def _plain(v):
    """A JSON-friendly value (NaN → None)."""
    if isinstance(v, float) and not math.isfinite(v):
        return None
    if isinstance(v, (str, int, float, bool)) or v is None:
        return v
    if isinstance(v, (list, tuple)):
        return [_plain(x) for x in v]
    if isinstance(v, dict):
        return {k: _plain(x) for k, x in v.items()}
    return str(v)


def same(a, b) -> bool:
    a, b = _plain(a), _plain(b)
    if (
        isinstance(a, float)
        and isinstance(b, (int, float))
        and not isinstance(b, bool)
        or isinstance(b, float)
        and isinstance(a, (int, float))
        and not isinstance(a, bool)
    ):
        return abs(a - b) <= 1e-9 * max(1.0, abs(a), abs(b))
    return a == b


def _key_of(name: str, df: pl.DataFrame) -> tuple[str, ...] | None:
    """The natural key of a table: declared, or (deck figure tables) the deck key, or every non-float column;
    None when that is not unique (the table is then compared as a set of rows)."""
    folder = name.rsplit("/", 1)[0] + "/*.parquet" if "/" in name else None
    key = KEYS.get(name) or (KEYS.get(folder) if folder else None)
    if key is None:
        key = tuple(c for c, t in df.schema.items() if not t.is_float())
    if not key or any(k not in df.columns for k in key) or df.select(key).is_duplicated().any():
        return None
    return key


def _rowdict(row: dict) -> dict:
    return {k: _plain(v) for k, v in row.items()}


def diff_table(name: str, old: pl.DataFrame | None, new: pl.DataFrame | None) -> dict:
    """Added, removed and changed rows of one table (by its natural key)."""
    out: dict[str, Any] = {
        "table": f"{PROCESSED_REL.as_posix()}/{name}",
        "name": name,
        "status": "changed",
        "rows_old": None if old is None else old.height,
        "rows_new": None if new is None else new.height,
        "key": [],
        "added": [],
        "removed": [],
        "changed": [],
    }
    if old is None or new is None:
        out["status"] = "new table" if old is None else "removed table"
    ref = new if new is not None else old
    assert ref is not None, f"{name}: neither build has the table"
    key = _key_of(name, ref)
    if key is not None and old is not None and new is not None and _key_of(name, old) != key:
        key = None
    empty = ref.clear()
    old = empty if old is None else old
    new = empty if new is None else new
    common = [c for c in new.columns if c in old.columns]
    if key is None:  # compare as a set of rows
        o = {tuple(_plain(v) for v in r.values()): _rowdict(r) for r in old.select(common).iter_rows(named=True)}
        n = {tuple(_plain(v) for v in r.values()): _rowdict(r) for r in new.select(common).iter_rows(named=True)}
        out["added"] = [{"key": {}, "values": n[k]} for k in n if k not in o]
        out["removed"] = [{"key": {}, "values": o[k]} for k in o if k not in n]
        return out
    out["key"] = list(key)
    o = {tuple(_plain(r[k]) for k in key): _rowdict(r) for r in old.iter_rows(named=True)}
    n = {tuple(_plain(r[k]) for k in key): _rowdict(r) for r in new.iter_rows(named=True)}
    for k, row in n.items():
        if k not in o:
            out["added"].append(
                {"key": dict(zip(key, k, strict=False)), "values": {c: v for c, v in row.items() if c not in key}}
            )  # noqa: E501 - a data string kept whole
            continue
        changes = {
            c: {"old": o[k].get(c), "new": row[c]} for c in common if c not in key and not same(o[k].get(c), row[c])
        }
        if changes:
            out["changed"].append(
                {
                    "key": dict(zip(key, k, strict=False)),
                    "changes": changes,
                    "values": {c: v for c, v in row.items() if c not in key},
                    "old_values": {c: v for c, v in o[k].items() if c not in key},
                }
            )
    for k, row in o.items():
        if k not in n:
            out["removed"].append(
                {"key": dict(zip(key, k, strict=False)), "values": {c: v for c, v in row.items() if c not in key}}
            )  # noqa: E501 - a data string kept whole
    return out


# ── tracing a change to snapshot rows ─────────────────────────────────────────────────────────


def _ref(row: dict) -> dict:
    return {
        "snapshot": row.get("snapshot"),
        "csv_line": row.get("csv_line"),
        "topic": row.get("topic"),
        "country_iso3": row.get("country_iso3"),
        "vintage": row.get("vintage"),
        "value": row.get("value"),
        "unit": row.get("unit"),
    }


def external_rows(ext: pl.DataFrame | None, iso3: str, vintage: str | None, pillar: str | None) -> list[dict]:
    """The external snapshot rows behind an indicator value: the same country and vintage (and, for a pillar
    that reads known topics, those topics; an SNS ratio also reads the world average of its edition)."""
    if ext is None or vintage is None or not {"snapshot", "csv_line"} <= set(ext.columns):
        return []
    countries = [iso3, "WLD"] if pillar == "sns" else [iso3]
    rows = ext.filter(pl.col("country_iso3").is_in(countries) & (pl.col("vintage") == vintage))
    topics = PILLAR_TOPICS.get(pillar or "")
    if topics:
        picked = rows.filter(pl.any_horizontal([pl.col("topic").str.starts_with(t) for t in topics]))
        rows = picked if picked.height else rows
    return [_ref(r) for r in rows.sort("snapshot", "csv_line").iter_rows(named=True)]


def _trace_table(t: dict, ext_old, ext_new) -> None:
    """Attach to every row change the snapshot rows that caused it."""
    for kind in ("added", "removed", "changed"):
        for item in t[kind]:
            row = {**item["key"], **item["values"]}
            if set(TRACE_COLUMNS) <= set(row):
                item["trace"] = [_ref(row)] if row.get("snapshot") else []
                if kind == "changed":
                    old = {**item["key"], **item["old_values"]}
                    item["trace_old"] = [_ref(old)] if old.get("snapshot") else []
            elif t["name"] == _file("country_indicators"):
                ext = ext_old if kind == "removed" else ext_new
                item["trace"] = external_rows(ext, row["iso3"], row.get("vintage"), row.get("pillar"))
                if kind == "changed":
                    old = {**item["key"], **item["old_values"]}
                    item["trace_old"] = external_rows(ext_old, old["iso3"], old.get("vintage"), old.get("pillar"))


def _band(r: dict | None) -> str | None:
    if r is None or r.get("median_rank") is None:
        return None
    return rank_band(r["median_rank"], r["rank_p05"], r["rank_p95"], plain=True)


def country_changes(old: pl.DataFrame | None, new: pl.DataFrame | None, indicators: dict | None) -> list[dict]:
    """Per country: pillar values, score, rank and rank band before and after, with the indicator changes
    (and their snapshot rows) behind them."""
    o = {r["iso3"]: r for r in (old.iter_rows(named=True) if old is not None else [])}
    n = {r["iso3"]: r for r in (new.iter_rows(named=True) if new is not None else [])}
    by_country: dict[str, list] = {}
    for kind in ("added", "removed", "changed"):
        for item in (indicators or {}).get(kind, []):
            by_country.setdefault(item["key"]["iso3"], []).append({"kind": kind, **item})
    out = []
    for iso3 in sorted(set(o) | set(n), key=lambda c: ((n.get(c) or o[c]).get("rank") or 999, c)):
        a, b = o.get(iso3), n.get(iso3)
        diffs = {
            c: {"old": _plain((a or {}).get(c)), "new": _plain((b or {}).get(c))}
            for c in COUNTRY_VALUES
            if not same((a or {}).get(c), (b or {}).get(c))
        }
        band_old, band_new = _band(a), _band(b)
        if band_old != band_new:
            diffs["rank_band"] = {"old": band_old, "new": band_new}
        inds = by_country.get(iso3, [])
        if not diffs and not inds:
            continue
        ro, rn = (a or {}).get("rank"), (b or {}).get("rank")
        ref = b or a or {}
        out.append(
            {
                "iso3": iso3,
                "name": ref.get("name_en"),
                "changes": diffs,
                "rank_move": (ro - rn) if isinstance(ro, int) and isinstance(rn, int) else None,
                "indicators": inds,
                "why": "its own inputs changed"
                if inds
                else "none of its inputs changed: other countries' values moved the scale or the ranking",
            }
        )
    return out


# ── the whole comparison ──────────────────────────────────────────────────────────────────────


def compare(old: Side, new: Side) -> dict:
    to, tn = _tables(old), _tables(new)
    frames_old = {k: _read(v) for k, v in to.items()}
    frames_new = {k: _read(v) for k, v in tn.items()}
    tables, unchanged = [], 0
    for name in sorted(set(to) | set(tn)):
        t = diff_table(name, frames_old.get(name), frames_new.get(name))
        if t["added"] or t["removed"] or t["changed"] or t["status"] != "changed":
            tables.append(t)
        else:
            unchanged += 1
    ext_name = _file("external_figures")
    ext_old, ext_new = frames_old.get(ext_name), frames_new.get(ext_name)
    for t in tables:
        _trace_table(t, ext_old, ext_new)
    by_name = {t["name"]: t for t in tables}
    quality = by_name.get(_file("quality_findings"))
    findings: dict[str, list[dict]] = {"new": [], "resolved": []}
    if quality is not None:
        findings["new"] = [{**i["key"], **i["values"]} for i in quality["added"]]
        findings["resolved"] = [{**i["key"], **i["values"]} for i in quality["removed"]]
    countries = country_changes(
        frames_old.get(_file("country_scores")),
        frames_new.get(_file("country_scores")),
        by_name.get(_file("country_indicators")),
    )
    return {
        "old": old.label,
        "new": new.label,
        "tables": tables,
        "unchanged_tables": unchanged,
        "quality": findings,
        "countries": countries,
        "summary": {
            "tables_changed": len(tables),
            "values_added": sum(len(t["added"]) for t in tables),
            "values_changed": sum(len(t["changed"]) for t in tables),
            "values_removed": sum(len(t["removed"]) for t in tables),
            "findings_new": len(findings["new"]),
            "findings_resolved": len(findings["resolved"]),
            "countries_changed": len(countries),
            "rank_moves": sum(1 for c in countries if c["rank_move"]),
        },
    }


def run(old_rev: str | None, new_rev: str | None, old_dir: Path | None, new_dir: Path | None) -> dict:
    """Compare two builds: folders, git revisions, or (default) git HEAD against the working tree."""
    with tempfile.TemporaryDirectory(prefix="ecresearch-diff-") as scratch:
        tmp = Path(scratch)
        if old_dir is not None:
            old = dir_side(old_dir)
        else:
            old = git_side(old_rev or "HEAD", tmp / "old")
        if new_dir is not None:
            new = dir_side(new_dir)
        elif new_rev is not None:
            new = git_side(new_rev, tmp / "new")
        else:
            new = dir_side(paths.ROOT, "working tree")
        return compare(old, new)


# ── renderings ────────────────────────────────────────────────────────────────────────────────


def fmt(v) -> str:
    return cell(v, missing=MISSING, significant=4)


def trace_text(refs: list[dict] | None) -> str:
    if not refs:
        return ""
    return "; ".join(
        f"{r['snapshot']} line {r['csv_line']} ({r['country_iso3']} {fmt(r['value'])} {r['unit'] or ''}, "
        f"{r['vintage']})".replace(" ,", ",")
        for r in refs
    )


def key_text(key: dict) -> str:
    return " · ".join(fmt(v) for v in key.values()) if key else "(row)"


def change_text(changes: dict) -> str:
    return "; ".join(f"{c} {fmt(v['old'])} → {fmt(v['new'])}" for c, v in changes.items())


def row_value_text(values: dict) -> str:
    if "value" in values:
        unit = values.get("unit")
        return f"{fmt(values['value'])}" + (f" {unit}" if unit else "")
    shown = [f"{c} {fmt(v)}" for c, v in values.items() if not isinstance(v, (list, dict))][:4]
    return ", ".join(shown)


def rows_for_page(report: dict) -> dict:
    """Plain strings for the template (it escapes them)."""
    tables = []
    for t in report["tables"]:
        items = []
        for kind, sign in (("added", "+"), ("changed", "~"), ("removed", "−")):
            for i in t[kind]:
                items.append(
                    {
                        "kind": kind,
                        "sign": sign,
                        "key": key_text(i["key"]),
                        "what": change_text(i["changes"]) if kind == "changed" else row_value_text(i["values"]),
                        "trace": trace_text(i.get("trace")),
                        "trace_old": trace_text(i.get("trace_old")),
                    }
                )
        tables.append(
            {
                "table": t["table"],
                "status": t["status"],
                "key": ", ".join(t["key"]) or "(whole rows)",
                "counts": f"{len(t['added'])} added, {len(t['changed'])} changed, {len(t['removed'])} removed",
                "items": items,
            }
        )
    countries = []
    for c in report["countries"]:
        ch = c["changes"]
        countries.append(
            {
                "iso3": c["iso3"],
                "name": c["name"] or "",
                "rank": f"{fmt(ch['rank']['old'])} → {fmt(ch['rank']['new'])}" if "rank" in ch else "unchanged",
                "score": f"{fmt(ch['score']['old'])} → {fmt(ch['score']['new'])}" if "score" in ch else "unchanged",
                "band": f"{fmt(ch['rank_band']['old'])} → {fmt(ch['rank_band']['new'])}"
                if "rank_band" in ch
                else "unchanged",
                "pillars": change_text({k: v for k, v in ch.items() if k in PILLAR_COLUMNS}) or "unchanged",
                "why": [
                    f"{i['key']['pillar']}/{i['key']['indicator']}: "
                    + (
                        change_text({k: v for k, v in i["changes"].items() if k in ("value", "vintage")})
                        if i["kind"] == "changed"
                        else i["kind"]
                    )
                    + (f" ← {trace_text(i.get('trace'))}" if i.get("trace") else "")
                    for i in c["indicators"]
                ]
                or [c["why"]],
            }
        )
    quality = [
        {"state": state, **{k: fmt(f.get(k)) for k in ("check", "figure_id", "subject", "outcome", "message")}}
        for state in ("new", "resolved")
        for f in report["quality"][state]
    ]
    return {"tables": tables, "countries": countries, "quality": quality}


def markdown(report: dict) -> str:
    s = report["summary"]
    page = rows_for_page(report)
    lines = [
        f"# Changes: {report['old']} → {report['new']}",
        "",
        f"{s['tables_changed']} tables changed ({report['unchanged_tables']} unchanged): "
        f"{s['values_added']} rows added, {s['values_changed']} changed, {s['values_removed']} removed; "
        f"{s['findings_new']} new and {s['findings_resolved']} resolved quality findings; "
        f"{s['countries_changed']} countries changed, {s['rank_moves']} rank moves.",
        "",
    ]
    if page["countries"]:
        lines += [
            "## Countries: pillars, scores, ranks",
            "",
            "| ISO3 | country | rank | score | rank band | pillars | because |",
            "|---|---|---|---|---|---|---|",
        ]
        for c in page["countries"]:
            why = "<br>".join(md_escape(w) for w in c["why"])
            lines.append(
                f"| {c['iso3']} | {md_escape(c['name'])} | {c['rank']} | {c['score']} | {c['band']} | "
                f"{md_escape(c['pillars'].replace('|', '/'))} | {why} |"
            )
        lines.append("")
    if page["quality"]:
        lines += ["## Quality findings", ""]
        for q in page["quality"]:
            lines.append(
                f"- **{q['state']}** {q['check']} / {q['figure_id']} / {md_escape(q['subject'])} ({q['outcome']}): "
                f"{md_escape(q['message'])}"
            )
        lines.append("")
    lines += ["## Tables", ""]
    for t in page["tables"]:
        lines += [f"### {t['table']} ({t['status']}: {t['counts']}; key {t['key']})", ""]
        for i in t["items"][:SHOW_LIMIT]:
            line = f"- {i['sign']} {md_escape(i['key'])}: {md_escape(i['what'])}"
            if i["trace"]:
                line += f" ← {md_escape(i['trace'])}"
            lines.append(line)
        if len(t["items"]) > SHOW_LIMIT:
            lines.append(f"- … and {len(t['items']) - SHOW_LIMIT} more (reports/changes.json has them all)")
        lines.append("")
    if not report["tables"]:
        lines += ["No processed table changed.", ""]
    return "\n".join(lines)


CHANGES_PAGE = datasets.path("changes_page").name
CHANGES_JSON = datasets.path("changes_data").name


def write(report: dict, reports_dir: Path | None = None) -> tuple[Path, Path]:
    """reports/changes.html (linked from the index) and reports/changes.json."""
    import json

    from ecresearch.pipeline.atomic import write_text
    from ecresearch.site.html import render_page

    folder = reports_dir or paths.REPORTS
    page, data = folder / CHANGES_PAGE, folder / CHANGES_JSON
    write_text(data, json.dumps(report, ensure_ascii=False, indent=1, default=str) + "\n")
    write_text(
        page,
        render_page(
            "changes.html.j2",
            page,
            title="What changed / 変更点",
            subtitle=f"{report['old']} → {report['new']}",
            lang="en",
            summary=report["summary"],
            unchanged=report["unchanged_tables"],
            **rows_for_page(report),
        ),
    )
    return page, data
