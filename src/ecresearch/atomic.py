"""Atomic outputs: a step writes into a staging folder; only on success are its files moved into
place, each with os.replace, so a reader never sees a half-written file and a failed or
interrupted step leaves the previous outputs as they were."""
from __future__ import annotations

import os
import shutil
import tempfile
from contextlib import contextmanager
from pathlib import Path

from . import paths


@contextmanager
def staging(name: str):
    """A fresh staging root mirroring the repository layout; removed whatever happens."""
    base = paths.ROOT / ".staging"
    base.mkdir(exist_ok=True)
    root = Path(tempfile.mkdtemp(prefix=f"{name}-", dir=base))
    try:
        yield root
    finally:
        shutil.rmtree(root, ignore_errors=True)


def staged(root: Path, target: Path) -> Path:
    """Where, under a staging root, the file for ``target`` is written."""
    path = root / Path(target).resolve().relative_to(paths.ROOT.resolve())
    path.parent.mkdir(parents=True, exist_ok=True)
    return path


def publish(root: Path, outputs: list[Path]) -> list[Path]:
    """Move staged outputs into place. A directory output is replaced file by file, and files the
    step no longer produces are removed from it. Returns the published files."""
    published: list[Path] = []
    for target in outputs:
        src = root / Path(target).resolve().relative_to(paths.ROOT.resolve())
        if src.is_dir():
            new = {p.relative_to(src) for p in src.rglob("*") if p.is_file()}
            for rel in sorted(new):
                dest = target / rel
                dest.parent.mkdir(parents=True, exist_ok=True)
                os.replace(src / rel, dest)
                published.append(dest)
            if target.exists():
                for old in sorted(p for p in target.rglob("*") if p.is_file()):
                    if old.relative_to(target) not in new:
                        old.unlink()
        elif src.is_file():
            target.parent.mkdir(parents=True, exist_ok=True)
            os.replace(src, target)
            published.append(target)
        else:
            raise FileNotFoundError(f"step did not produce {paths.rel(target)}")
    return published


def write_text(path: Path, text: str) -> None:
    """Write a text file atomically (temporary file in the same folder, then rename)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as fh:
            fh.write(text)
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
