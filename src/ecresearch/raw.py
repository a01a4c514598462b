"""Raw snapshots: every file in data/raw/ has a provenance sidecar ``<file>.meta.json`` with its
sha256 and size. Builds verify them first, so a changed or unexplained raw file stops the build
with a message naming the file.
"""
from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path

import polars as pl

from . import paths
from .errors import RawDataError

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
    except json.JSONDecodeError as exc:
        raise RawDataError(f"{paths.rel(side)}: line {exc.lineno}: not valid JSON ({exc.msg})") from exc
    missing = [f for f in REQUIRED_FIELDS if f not in meta]
    if missing:
        raise RawDataError(f"{paths.rel(side)}: missing provenance fields {missing}")
    return meta


@dataclass(frozen=True)
class RawFile:
    path: Path
    meta: dict


def verify_raw(root: Path | None = None) -> list[RawFile]:
    """Check every raw file against its sidecar; return them with their provenance."""
    root = root or paths.RAW
    files = sorted(p for p in root.rglob("*") if p.is_file() and not p.name.endswith(SIDECAR_SUFFIX) and p.name != ".gitkeep")
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
    "topic", "country_iso3", "entity", "metric", "period", "value", "unit",
    "status", "vintage", "source_title", "source_url", "note",
)


def read_external(path: Path | None = None) -> pl.DataFrame:
    """The external figures as typed rows, each with its CSV line number for provenance."""
    path = path or paths.EXTERNAL_CSV
    try:
        df = pl.read_csv(path, infer_schema=False)
    except Exception as exc:  # polars raises several types for malformed CSV
        raise RawDataError(f"{paths.rel(path)}: cannot read CSV ({exc})") from exc
    if tuple(df.columns) != EXTERNAL_COLUMNS:
        raise RawDataError(f"{paths.rel(path)}: line 1: columns {df.columns} != {list(EXTERNAL_COLUMNS)}")
    df = df.with_row_index("csv_line", offset=2)  # line 1 is the header
    bad = df.filter(pl.col("value").cast(pl.Float64, strict=False).is_null())
    if bad.height:
        row = bad.row(0, named=True)
        raise RawDataError(f"{paths.rel(path)}: line {row['csv_line']}: value {row['value']!r} is not a number")
    bad = df.filter(~pl.col("status").is_in(["found", "inferred"]))
    if bad.height:
        row = bad.row(0, named=True)
        raise RawDataError(f"{paths.rel(path)}: line {row['csv_line']}: status {row['status']!r} is not found/inferred")
    return df.with_columns(pl.col("value").cast(pl.Float64), pl.col("csv_line").cast(pl.Int32))


def load_deck():
    """The deck text split into slides (light: no schemas or checks)."""
    from .deck.slides import Deck

    return Deck.from_text(read_deck_text(), paths.rel(paths.DECK_TEXT))
