"""Raw snapshots: every file in data/raw/ has a provenance sidecar ``<file>.meta.json`` with its
sha256 and size. Builds verify them first, so a changed or unexplained raw file stops the build
with a message naming the file.
"""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import dataclass
from pathlib import Path

import polars as pl

from ecresearch import datasets, paths
from ecresearch.domain import editions, sources, units
from ecresearch.errors import RawDataError

SIDECAR_SUFFIX = ".meta.json"
REQUIRED_FIELDS = ("title", "publisher", "source_url", "retrieved", "licence", "sha256", "size_bytes")


def sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 16), b""):
            h.update(block)
    return h.hexdigest()


def sidecar_path(path: Path) -> Path:
    return path.with_name(path.name + SIDECAR_SUFFIX)


def read_provenance(path: Path) -> dict:
    side = sidecar_path(path)
    if not side.exists():
        raise RawDataError(f"{paths.rel(path)}: no provenance sidecar {side.name}")
    try:
        meta = json.loads(side.read_text(encoding="utf-8"))
    except UnicodeDecodeError as exc:
        raise RawDataError(f"{paths.rel(side)}: not UTF-8 text (byte {exc.start})") from None
    except json.JSONDecodeError as exc:
        raise RawDataError(f"{paths.rel(side)}: line {exc.lineno}: not valid JSON ({exc.msg})") from None
    if not isinstance(meta, dict):
        raise RawDataError(
            f"{paths.rel(side)}: must be a JSON object with the provenance fields, got {type(meta).__name__}"
        )
    missing = [f for f in REQUIRED_FIELDS if f not in meta]
    if missing:
        raise RawDataError(f"{paths.rel(side)}: missing provenance fields {missing}")
    if (
        not isinstance(meta["sha256"], str)
        or not isinstance(meta["size_bytes"], int)
        or isinstance(meta["size_bytes"], bool)
    ):
        raise RawDataError(f"{paths.rel(side)}: 'sha256' must be a string and 'size_bytes' an integer")
    return meta


@dataclass(frozen=True)
class RawFile:
    path: Path
    meta: dict


def verify_raw(root: Path | None = None) -> list[RawFile]:
    """Check every raw file against its sidecar; return them with their provenance."""
    root = root or paths.RAW
    files = sorted(
        p for p in root.rglob("*") if p.is_file() and not p.name.endswith(SIDECAR_SUFFIX) and p.name != ".gitkeep"
    )
    if not files:
        raise RawDataError(f"{paths.rel(root)}: no raw files")
    out = []
    for path in files:
        meta = read_provenance(path)
        size = path.stat().st_size
        digest = sha256(path)
        if digest != meta["sha256"] or size != meta["size_bytes"]:
            raise RawDataError(
                f"{paths.rel(path)}: raw file changed (sha256 {digest[:12]}…, {size} bytes; "
                f"provenance says {meta['sha256'][:12]}…, {meta['size_bytes']} bytes). "
                "Raw data is immutable: restore it, or add a new snapshot with its own sidecar."
            )
        out.append(RawFile(path, meta))
    for side in root.rglob("*" + SIDECAR_SUFFIX):
        if not side.with_name(side.name[: -len(SIDECAR_SUFFIX)]).exists():
            raise RawDataError(f"{paths.rel(side)}: sidecar without its raw file")
    return out


def read_deck_text(path: Path | None = None) -> str:
    path = path or paths.DECK_TEXT
    try:
        return path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise RawDataError(f"{paths.rel(path)}: not UTF-8 text at byte {exc.start}") from exc


EXTERNAL_COLUMNS = (
    "topic",
    "country_iso3",
    "entity",
    "metric",
    "period",
    "value",
    "unit",
    "status",
    "vintage",
    "source_title",
    "source_url",
    "note",
)
OPTIONAL_COLUMNS = ("source_grade",)  # later snapshots grade their sources: A publisher, B reputable secondary
KEY = datasets.get("external_figures").key
GRADES = tuple(sources.GRADES)
# Reviewed list: sources of the founding file that are not citable (quiz-site mirrors, scraped copies in student
# repositories, blogs, content farms, unsourced lists). Their rows are graded C: kept and shown as such in the
# processed table, never used for scoring or reports.
WEAK_SOURCE_MARKERS = (
    "JetPunk",
    "iPrice data scraped",
    "Thecekodok",
    "livedoor",
    "cnread",
    "scholarmate",
    "World of Statistics",
    "(mirror)",
    "mirror of",
    "wanwend mirror",
)


def parse_external(path: Path, *, known_iso3=None) -> pl.DataFrame:
    """One external-figures CSV, checked at the boundary: exact field count per line, the schema's columns,
    finite numbers in range for their unit, known status and country, no duplicate key. Errors name file and
    line. Every row keeps its snapshot file and CSV line."""
    import csv
    import io
    import math

    where = paths.rel(path)
    data = path.read_bytes()
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise RawDataError(f"{where}: line {line}: not UTF-8 text (byte {exc.start})") from None
    rows = list(csv.reader(io.StringIO(text, newline="")))
    if not rows:
        raise RawDataError(f"{where}: line 1: empty file, expected the header {','.join(EXTERNAL_COLUMNS)}")
    header = tuple(rows[0])
    if header not in (EXTERNAL_COLUMNS, EXTERNAL_COLUMNS + OPTIONAL_COLUMNS):
        raise RawDataError(
            f"{where}: line 1: columns {list(header)} do not match the external-figures schema "
            f"{list(EXTERNAL_COLUMNS)} (optionally + {list(OPTIONAL_COLUMNS)})"
        )
    reader = csv.reader(io.StringIO(text, newline=""))
    out: list[dict] = []
    seen: dict[tuple, int] = {}
    line_of_record = []
    for _ in reader:  # the line where each record starts (records may span lines inside quotes)
        line_of_record.append(reader.line_num)
    starts = [1] + [n + 1 for n in line_of_record[:-1]]
    for rec, line in zip(rows[1:], starts[1:], strict=False):
        if not rec or rec == [""]:
            continue
        if len(rec) != len(header):
            raise RawDataError(f"{where}: line {line}: {len(rec)} fields, expected {len(header)}")
        r = dict(zip(header, (v.strip() for v in rec), strict=False))
        try:
            value = float(r["value"])
        except ValueError:
            raise RawDataError(f"{where}: line {line}: value {r['value']!r} is not a number") from None
        if not math.isfinite(value):
            raise RawDataError(f"{where}: line {line}: value {r['value']!r} is not a finite number")
        try:
            problem = units.value_problem(r["unit"], r["metric"], value)
        except units.UnitError as exc:
            raise RawDataError(f"{where}: line {line}: {exc}") from None
        if problem:
            raise RawDataError(f"{where}: line {line}: value {value:g} {r['unit']}: {problem}")
        if r["status"] not in ("found", "inferred"):
            raise RawDataError(f"{where}: line {line}: status {r['status']!r} is not found/inferred")
        for col in ("topic", "country_iso3", "entity", "metric", "period", "unit", "vintage", "source_title"):
            if not r[col]:
                raise RawDataError(f"{where}: line {line}: {col} is empty")
        if known_iso3 is not None and r["country_iso3"] not in known_iso3:
            raise RawDataError(f"{where}: line {line}: unknown country code {r['country_iso3']!r}")
        grade = r.get("source_grade") or None
        if grade is None and any(m in f"{r['source_title']} {r['vintage']}" for m in WEAK_SOURCE_MARKERS):
            grade = "C"
        if grade is not None and grade not in GRADES:
            raise RawDataError(f"{where}: line {line}: source_grade {grade!r} is not one of {list(GRADES)}")
        key = tuple(r[k] for k in KEY)
        if key in seen:
            raise RawDataError(f"{where}: line {line}: duplicate of line {seen[key]} (same {', '.join(KEY)})")
        seen[key] = line
        out.append(
            {
                **{c: (r[c] or None) for c in EXTERNAL_COLUMNS},
                "value": value,
                "source_grade": grade,
                "snapshot": path.name,
                "csv_line": line,
            }
        )
    # the processed table's dtypes; its last column (the country's name) is added when snapshots are merged
    schema = {c: t for c, t in datasets.dtypes("external_figures").items() if c != "country_name_en"}
    return pl.DataFrame(out, schema=schema, orient="row")


def graded(external: pl.DataFrame) -> pl.DataFrame:
    """The rows that may be scored or cited: weak sources (grade C) stay in the tables for the record only."""
    return external.filter(pl.col("source_grade").fill_null("") != sources.WEAK)


def citable(external: pl.DataFrame) -> pl.DataFrame:
    """Rows fit to show in a chart: a weak-source row (grade C) is dropped where a graded row gives the same
    number's key (topic, country, metric, period); where nothing replaces it, it stays, flagged by its grade."""
    key = ["topic", "country_iso3", "metric", "period"]
    ok = graded(external)
    weak = external.filter(pl.col("source_grade") == sources.WEAK).join(ok.select(key).unique(), on=key, how="anti")
    return pl.concat([ok, weak])


def external_snapshots(folder: Path | None = None) -> list[Path]:
    """The external-figures snapshots, oldest first (the first one is the founding file)."""
    folder = folder or paths.EXTERNAL_DIR
    files = sorted(folder.glob("*.csv"))
    return sorted(files, key=lambda p: (p != paths.EXTERNAL_CSV, p.name))


def read_external(path: Path | None = None) -> pl.DataFrame:
    """Every external snapshot (or one file), merged: each row keeps its snapshot and line. The same key in
    two snapshots with two values is an error naming both."""
    from ecresearch.countries import known_codes

    files = [path] if path is not None else external_snapshots()
    frames = [parse_external(f, known_iso3=known_codes()) for f in files]
    df = pl.concat(frames) if frames else parse_external(paths.EXTERNAL_CSV)
    dup = df.filter(pl.struct(*KEY).is_duplicated())
    if dup.height:
        first = (
            dup.sort(*KEY, "snapshot")
            .group_by(KEY, maintain_order=True)
            .agg("snapshot", "csv_line", "value")
            .row(0, named=True)
        )
        if len(set(first["value"])) > 1:
            places = " and ".join(f"{s} line {n}" for s, n in zip(first["snapshot"], first["csv_line"], strict=False))
            raise RawDataError(
                f"external figures: {places} give two values for the same key ({', '.join(str(first[k]) for k in KEY)})"
            )
        df = df.unique(list(KEY), keep="first", maintain_order=True)
    return df


def snapshot_table() -> pl.DataFrame:
    """Every raw snapshot with its provenance (one row per file)."""
    rows = []
    for f in verify_raw():
        m = f.meta
        rows.append(
            {
                "file": paths.rel(f.path),
                "title": str(m.get("title")),
                "publisher": str(m.get("publisher")),
                "vintage": None if m.get("vintage") is None else str(m.get("vintage")),
                "source_url": None if m.get("source_url") is None else str(m.get("source_url")),
                "retrieved": str(m.get("retrieved")),
                "licence": str(m.get("licence")),
                "sha256": m["sha256"],
                "size_bytes": m["size_bytes"],
            }
        )
    return pl.DataFrame(rows, schema=datasets.dtypes("snapshots"))


def load_deck():
    """The deck text split into slides (light: no schemas or checks)."""
    from ecresearch.deck.slides import Deck

    return Deck.from_text(read_deck_text(), paths.rel(paths.DECK_TEXT))


RULES_DIR_NAME = "rules"
RULES_COLUMNS = (
    "country_iso3",
    "topic",
    "summary_en",
    "summary_ja",
    "effective",
    "source_title",
    "source_url",
    "vintage",
    "source_grade",
)
# A later rules snapshot may also give each rule's period and review: the date it ended (``valid_until``), the
# date its source was last checked (``last_checked``), and the earlier record it corrects (``replaces``,
# "<snapshot file>:<record>"), so a stale or wrong row is retired without editing its raw file.
RULES_PERIOD_COLUMNS = ("valid_until", "last_checked", "replaces")


RULES_SCHEMA = datasets.dtypes("market_rules")


def parse_rules(path: Path) -> list[dict]:
    """One rules snapshot, checked: UTF-8, the columns, the field count and the country of every record."""
    import csv
    import io

    from ecresearch.countries import known_codes

    where = paths.rel(path)
    try:
        text = path.read_bytes().decode("utf-8")
    except UnicodeDecodeError as exc:
        raise RawDataError(f"{where}: not UTF-8 text (byte {exc.start})") from None
    reader = csv.reader(io.StringIO(text, newline=""))
    rows, starts, end = [], [], 0  # each record, and the line it starts on (a quoted field may span lines)
    for rec in reader:
        rows.append(rec)
        starts.append(end + 1)
        end = reader.line_num
    header = tuple(rows[0]) if rows else ()
    if header not in (RULES_COLUMNS, RULES_COLUMNS + RULES_PERIOD_COLUMNS):
        raise RawDataError(
            f"{where}: line 1: columns must be {list(RULES_COLUMNS)}, "
            f"optionally followed by {list(RULES_PERIOD_COLUMNS)}"
        )
    columns = datasets.get("market_rules").columns or {}
    required = [c for c in header if c in columns and not columns[c].nullable]  # the registry says which
    out = []
    for n, (rec, line) in enumerate(zip(rows[1:], starts[1:], strict=True), start=2):
        at = f"{where}: line {line} (record {n})"
        if len(rec) != len(header):
            raise RawDataError(f"{at}: {len(rec)} fields, expected {len(header)}")
        r = {k: None for k in RULES_PERIOD_COLUMNS} | dict(zip(header, rec, strict=True))
        r = {k: (v.strip() or None) if isinstance(v, str) else v for k, v in r.items()}
        empty = [c for c in required if r[c] is None]
        if empty:
            raise RawDataError(f"{at}: {', '.join(map(repr, empty))} is empty; every rule needs {required}")
        if r["country_iso3"] not in known_codes():
            raise RawDataError(f"{at}: unknown country code {r['country_iso3']!r}")
        _check_rule_dates(where, n, r)
        out.append({**r, "snapshot": path.name, "record": n})
    return out


def _check_rule_dates(where: str, n: int, r: dict) -> None:
    """A rule's end and review dates are ISO dates (its status is judged against them); ``replaces`` names a record."""
    import datetime as dt
    import re

    for col in ("valid_until", "last_checked"):
        if r[col] is not None:
            try:
                dt.date.fromisoformat(r[col])
            except ValueError:
                raise RawDataError(f"{where}: record {n}: {col} {r[col]!r} is not a date (YYYY-MM-DD)") from None
    if r["replaces"] is not None and not re.fullmatch(r"[A-Za-z0-9_.-]+\.csv:[0-9]+", r["replaces"]):
        raise RawDataError(f"{where}: record {n}: replaces {r['replaces']!r} must be '<snapshot>.csv:<record>'")


def read_rules() -> pl.DataFrame:
    """Country rules and risks from reputable sources (text rows), each with its snapshot and record."""
    rows = [r for path in sorted((paths.RAW / RULES_DIR_NAME).glob("*.csv")) for r in parse_rules(path)]
    return pl.DataFrame(rows, schema=RULES_SCHEMA, orient="row")


SNAPSHOT_MAX_BYTES = 50_000_000  # refused above this
SNAPSHOT_WARN_BYTES = 5_000_000  # added with a warning above this (today's largest snapshot is under 100 kB)


def megabytes(size: int) -> str:
    return f"{size / 1e6:.1f} MB"


def add_snapshot(
    src: Path,
    *,
    kind: str,
    source: str,
    url: str | None,
    vintage: str,
    licence: str,
    retrieved: str,
    title: str | None = None,
    name: str | None = None,
) -> Path:
    """Copy ``src`` into data/raw/<kind>/ under a versioned name and write its sidecar. Refuses to overwrite a
    snapshot, and refuses a file that does not pass the checks of its kind (nothing is added then)."""
    import datetime as dt
    import re
    import shutil

    from ecresearch.countries import known_codes

    if kind not in ("external", RULES_DIR_NAME):
        raise RawDataError(f"snapshot kind {kind!r}: must be 'external' or '{RULES_DIR_NAME}'")
    try:
        dt.date.fromisoformat(retrieved)
    except ValueError:
        raise RawDataError(f"--retrieved {retrieved!r}: not a date (YYYY-MM-DD)") from None
    for flag, value in (("--source", source), ("--vintage", vintage), ("--licence", licence), ("--title", title)):
        _check_field(flag, value)
    if url is not None and not re.fullmatch(r"https?://\S+", url):
        raise RawDataError(f"--url {url!r}: must be an http(s) address without spaces")
    if not editions.names_year(vintage):
        raise RawDataError(f"--vintage {vintage!r}: must name a year so editions can be ordered (e.g. 'Digital 2024')")
    if name is not None and not re.fullmatch(r"[a-z0-9][a-z0-9_.-]{0,79}", name.removesuffix(".csv")):
        raise RawDataError(f"--name {name!r}: use lower-case letters, digits, '_', '-' or '.' (no folders)")
    size = src.stat().st_size
    if size > SNAPSHOT_MAX_BYTES:  # the clean step reads every snapshot whole, several times over
        raise RawDataError(
            f"{paths.rel(src)}: {megabytes(size)}; a snapshot may be at most {megabytes(SNAPSHOT_MAX_BYTES)} "
            "(split it by topic or keep only the rows the analysis uses)"
        )
    folder = paths.RAW / kind
    stem = (
        name.removesuffix(".csv") if name else re.sub(r"[^a-z0-9]+", "_", f"{src.stem}_{retrieved}".lower()).strip("_")
    )
    dest = folder / f"{stem}.csv"
    if dest.exists() or sidecar_path(dest).exists():
        raise RawDataError(f"{paths.rel(dest)} exists: raw snapshots are never overwritten (choose another --name)")
    digest = sha256(src)
    for existing in sorted(folder.glob("*.csv")) if folder.is_dir() else ():
        if sha256(existing) == digest:
            raise RawDataError(f"{src}: the same bytes as {paths.rel(existing)} (a snapshot is added once)")
    if kind == "external":
        _check_new_external(src, parse_external(src, known_iso3=known_codes()))  # raises naming file and line
    else:
        parse_rules(src)
    folder.mkdir(parents=True, exist_ok=True)
    tmp = dest.with_name(f".{dest.name}.tmp")
    shutil.copyfile(src, tmp)
    meta = {
        "title": title or f"{source}: {vintage}",
        "publisher": source,
        "source_url": url,
        "vintage": vintage,
        "retrieved": retrieved,
        "licence": licence,
        "sha256": sha256(tmp),
        "size_bytes": tmp.stat().st_size,
    }
    side_tmp = sidecar_path(tmp)
    side_tmp.write_text(json.dumps(meta, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    os.replace(tmp, dest)
    os.replace(side_tmp, sidecar_path(dest))
    return dest


def _check_field(flag: str, value: str | None) -> None:
    """Provenance fields are single-line plain text: they are printed on pages and in sidecars."""
    if value is None:
        return
    if not value.strip() or any(ord(ch) < 32 or ord(ch) == 127 for ch in value):
        raise RawDataError(f"{flag} {value!r}: must be one line of text without control characters")
    if any(ch in value for ch in "<>`"):
        raise RawDataError(f"{flag} {value!r}: must be plain text (no '<', '>' or '`')")


def _check_new_external(src: Path, df: pl.DataFrame) -> None:
    """A new external snapshot: every row's vintage names a year (editions are ordered by it), and no key
    already in a snapshot gets another value (the build would stop on it)."""
    where = paths.rel(src)
    for r in df.iter_rows(named=True):
        if not editions.names_year(r["vintage"]):
            raise RawDataError(
                f"{where}: line {r['csv_line']}: vintage {r['vintage']!r} cannot be ordered: "
                "it must name a year (e.g. 'Digital 2024')"
            )
    existing = read_external()
    clash = df.join(existing, on=list(KEY), how="inner", suffix="_old").filter(pl.col("value") != pl.col("value_old"))
    if clash.height:
        r = clash.sort("csv_line").row(0, named=True)
        raise RawDataError(
            f"{where}: line {r['csv_line']}: {r['value']:g} for a key that {r['snapshot_old']} line "
            f"{r['csv_line_old']} gives as {r['value_old']:g} ({', '.join(str(r[k]) for k in KEY)})"
        )
