"""Shared fixtures: the real deck and external figures, a scratch copy of the repository's data, and (for the
slow tier) one cold build of everything that the end-to-end tests copy instead of building again."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from ecresearch import paths
from ecresearch.clean.extract import extract_all
from ecresearch.deck.slides import Deck
from ecresearch.snapshots import raw

REPO = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="session")
def deck() -> Deck:
    return Deck.from_text(raw.read_deck_text(), paths.rel(paths.DECK_TEXT))


@pytest.fixture(scope="session")
def external():
    return raw.read_external()


@pytest.fixture(scope="session")
def extracted(deck, external):
    return extract_all(deck, external)


def new_project(root: Path, *, notebooks: bool = True, params: bool = True) -> Path:
    """A project root at ``root`` with this repository's raw data and lock file (and its notebooks and
    params.toml unless told not to), nothing built."""
    shutil.copytree(REPO / "data" / "raw", root / "data" / "raw")
    shutil.copy(REPO / "requirements.lock", root / "requirements.lock")
    if notebooks:
        shutil.copytree(REPO / "notebooks", root / "notebooks", ignore=shutil.ignore_patterns(".ipynb_checkpoints"))
    if params:
        shutil.copy(REPO / "params.toml", root / "params.toml")
    return root


@pytest.fixture()
def scratch_root(tmp_path: Path) -> Path:
    """A fresh project root with the raw data, the notebooks and the lock file (default parameters)."""
    return new_project(tmp_path / "repo", params=False)


def scratch_copy(root: Path, dest: Path) -> Path:
    """A working copy of ``root`` with its build state, so a build there starts where ``root`` ended."""
    shutil.copytree(root, dest, symlinks=True)
    return dest


@pytest.fixture(scope="session")
def built_root(tmp_path_factory) -> tuple[Path, subprocess.CompletedProcess]:
    """Everything built once, cold, from data/raw and the committed parameters (the slow tier's one build).
    Tests that build more work in a copy (``built_copy``) and leave this tree as the cold build left it."""
    root = new_project(tmp_path_factory.mktemp("built") / "repo")
    return root, run_cli(root, "build", timeout=1500)


@pytest.fixture()
def built_copy(built_root, tmp_path: Path) -> Path:
    root, r = built_root
    assert r.returncode == 0, r.stderr[-2000:]
    return scratch_copy(root, tmp_path / "repo")


def run_cli(root: Path, *args: str, timeout: int = 900, env: dict | None = None) -> subprocess.CompletedProcess:
    env = {**os.environ, "ECRESEARCH_ROOT": str(root), "CI": "1", **(env or {})}
    return subprocess.run(
        [sys.executable, "-m", "ecresearch.cli", *args],
        cwd=root,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )
