"""Atomic outputs: a step writes into a staging folder; only on success are its files moved into place.

Publishing is all or nothing: every staged output must exist and every destination folder be writable
before anything moves; each file then replaces its target with ``os.replace`` after the old one is set
aside, and any failure puts every old file back. A reader never sees a half-written file, and a failed
or interrupted step leaves the previous outputs as they were."""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterable
from contextlib import contextmanager
from pathlib import Path

from ecresearch import paths
from ecresearch.errors import EcresearchError


class PublishError(EcresearchError):
    """Outputs could not be moved into place; the previous outputs are intact."""


def clear_stale_staging() -> None:
    """Remove staging folders left by a build that was killed (called under the build lock)."""
    shutil.rmtree(paths.STAGING_DIR, ignore_errors=True)


@contextmanager
def staging(name: str):
    """A fresh staging root mirroring the repository layout; removed whatever happens."""
    paths.STAGING_DIR.mkdir(exist_ok=True)
    root = Path(tempfile.mkdtemp(prefix=f"{name}-", dir=paths.STAGING_DIR))
    try:
        yield root
    finally:
        shutil.rmtree(root, ignore_errors=True)


def staged(root: Path, target: Path) -> Path:
    """Where, under a staging root, the file for ``target`` is written."""
    path = root / Path(target).resolve().relative_to(paths.ROOT.resolve())
    path.parent.mkdir(parents=True, exist_ok=True)
    return path


def _plan(root: Path, outputs: list[Path]) -> tuple[list[tuple[Path, Path]], list[Path]]:
    """(staged file, destination) pairs and the files of directory outputs that the step no longer makes."""
    moves: list[tuple[Path, Path]] = []
    removals: list[Path] = []
    for target in outputs:
        target = Path(target)
        src = root / target.resolve().relative_to(paths.ROOT.resolve())
        if src.is_dir():
            new = sorted(p.relative_to(src) for p in src.rglob("*") if p.is_file())
            moves += [(src / r, target / r) for r in new]
            if target.is_dir():
                keep = set(new)
                removals += sorted(p for p in target.rglob("*") if p.is_file() and p.relative_to(target) not in keep)
        elif src.is_file():
            moves.append((src, target))
        else:
            raise PublishError(f"step did not produce {paths.rel(target)}; previous outputs kept")
    return moves, removals


def _writable_dir(path: Path) -> Path:
    """The nearest existing folder that would hold ``path``."""
    p = path.parent
    while not p.exists():
        p = p.parent
    return p


def publish(root: Path, outputs: list[Path], remove: Iterable[Path] = ()) -> list[Path]:
    """Move every staged output into place, or none; ``remove``: files that go in the same transaction (pages
    made from what this publish replaces). Returns the published files."""
    moves, removals = _plan(root, outputs)
    removals += [Path(p) for p in remove if Path(p).is_file()]
    for _, dest in moves:
        folder = _writable_dir(dest)
        if not os.access(folder, os.W_OK) or (dest.exists() and not os.access(dest.parent, os.W_OK)):
            raise PublishError(
                f"cannot write {paths.rel(dest)} (folder {paths.rel(folder)} is not writable); "
                "nothing was published, previous outputs kept"
            )
    backup = root.parent / f"{root.name}.old"
    backup.mkdir(parents=True, exist_ok=True)
    undo: list[tuple[Path, Path | None]] = []  # (destination, its old file set aside or None)
    try:
        for i, (src, dest) in enumerate(moves):
            old = None
            if dest.exists():
                old = backup / f"{i}"
                os.replace(dest, old)
            undo.append((dest, old))
            dest.parent.mkdir(parents=True, exist_ok=True)
            os.replace(src, dest)
        for j, gone in enumerate(removals):
            old = backup / f"r{j}"
            os.replace(gone, old)
            undo.append((gone, old))
    except OSError as exc:
        for dest, old in reversed(undo):
            if old is not None:
                os.replace(old, dest)
            elif dest.exists():
                dest.unlink()
        raise PublishError(
            f"cannot publish {paths.rel(exc.filename or '')}: {exc.strerror}; "
            "nothing was published, previous outputs kept"
        ) from None
    finally:
        shutil.rmtree(backup, ignore_errors=True)
    for gone in remove:  # a pruned page's folders go too once empty (countries/XXX/ja, countries/XXX)
        try:
            os.removedirs(Path(gone).parent)
        except OSError:
            pass
    return [dest for _, dest in moves]


def staged_files(root: Path, outputs: list[Path]) -> list[tuple[Path, Path]]:
    """(staged file, destination) pairs that ``publish`` would move."""
    return _plan(root, outputs)[0]


def write_temp(path: Path, text: str) -> Path:
    """Write ``text`` to a temporary file beside ``path`` (renamed into place by the caller). A failure (a full
    disk, a read-only folder) is an OSError naming ``path``, and leaves nothing behind."""
    tmp = None
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as fh:
            fh.write(text)
        os.chmod(tmp, 0o644)
    except OSError as exc:
        if tmp:
            Path(tmp).unlink(missing_ok=True)
        raise OSError(exc.errno, exc.strerror or str(exc), str(path)) from None
    except BaseException:
        if tmp:
            Path(tmp).unlink(missing_ok=True)
        raise
    return Path(tmp)


def write_text(path: Path, text: str) -> None:
    """Write a text file atomically (temporary file in the same folder, then rename)."""
    tmp = write_temp(path, text)
    try:
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
