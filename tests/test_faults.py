"""Faults of the environment — a read-only state folder, a build lock that is a folder, a full disk — are one
line naming the path, a non-zero exit, no traceback, and nothing published."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from .conftest import new_project

# Runs the command line with one fault injected where the real one cannot be made (root writes anywhere; a
# full disk): every write under the state folder refused, or every text file's write failing for lack of space.
PREAMBLE = """
import builtins, errno, os, sys, tempfile
from ecresearch import cli, paths

fault, argv = sys.argv[1], sys.argv[2:]
state = str(paths.STATE_DIR)
if fault == "read-only":
    real_open, real_mkstemp = builtins.open, tempfile.mkstemp
    def refuse(path):
        raise PermissionError(errno.EACCES, "Permission denied", str(path))
    def fake_open(file, mode="r", *a, **k):
        if str(file).startswith(state) and set(mode) & set("wax+"):
            refuse(file)
        return real_open(file, mode, *a, **k)
    def fake_mkstemp(*a, dir=None, **k):
        if dir is not None and str(dir).startswith(state):
            refuse(dir)
        return real_mkstemp(*a, dir=dir, **k)
    builtins.open, tempfile.mkstemp = fake_open, fake_mkstemp
elif fault == "disk-full":
    real_fdopen = os.fdopen
    class Full:
        def __init__(self, fh): self.fh = fh
        def __enter__(self): return self
        def __exit__(self, *exc): self.fh.close()
        def write(self, _): raise OSError(errno.ENOSPC, "No space left on device")
        def close(self): self.fh.close()
    def fake_fdopen(fd, mode="r", *a, **k):
        fh = real_fdopen(fd, mode, *a, **k)
        return Full(fh) if "w" in mode else fh
    os.fdopen = fake_fdopen
sys.exit(cli.main(argv))
"""


@pytest.fixture()
def project(tmp_path: Path) -> Path:
    return new_project(tmp_path / "repo", notebooks=False, params=False)


def run(root: Path, fault: str, *args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "ECRESEARCH_ROOT": str(root)}
    return subprocess.run(
        [sys.executable, "-c", PREAMBLE, fault, *args], cwd=root, env=env, capture_output=True, text=True, timeout=600
    )


def one_line(r: subprocess.CompletedProcess, *needles: str) -> str:
    lines = r.stderr.splitlines()
    assert r.returncode == 1 and len(lines) == 1 and lines[0].startswith("ecresearch: error: "), r.stderr[-3000:]
    assert all(n in lines[0] for n in needles), lines[0]
    return lines[0]


def published(root: Path) -> list[Path]:
    return sorted(p for p in (root / "data" / "processed").rglob("*") if p.is_file())


def test_a_build_lock_that_is_a_folder(project: Path):
    (project / ".ecresearch-state" / "build.lock").mkdir(parents=True)
    one_line(
        run(project, "none", "build", "--quiet", "--only", "clean"), ".ecresearch-state/build.lock", "Is a directory"
    )
    assert published(project) == []


def test_a_state_folder_that_is_a_file(project: Path):
    (project / ".ecresearch-state").write_text("")
    one_line(run(project, "none", "build", "--quiet", "--only", "clean"), ".ecresearch-state", "File exists")


def test_a_read_only_state_folder(project: Path):
    state = project / ".ecresearch-state"
    state.mkdir()
    if os.geteuid() != 0:  # the real fault; root writes anywhere, so for root it is injected
        state.chmod(0o555)
    try:
        one_line(
            run(project, "read-only", "build", "--quiet", "--only", "clean"), ".ecresearch-state", "Permission denied"
        )
    finally:
        state.chmod(0o755)
    assert published(project) == []


def test_a_full_disk_publishes_nothing(project: Path):
    """The clean step runs; the first text file it writes fails: none of its tables is published."""
    line = one_line(run(project, "disk-full", "build", "--quiet", "--only", "clean"), "No space left on device")
    named = line.removeprefix("ecresearch: error: ").split(": ")[0]
    assert named.startswith((".staging/", ".ecresearch-state/")), line  # the file that could not be written
    assert published(project) == [] and not list((project / ".ecresearch-state").glob(".*"))


def test_a_state_file_that_cannot_be_written_publishes_nothing(tmp_path: Path, monkeypatch):
    """The state is written before the publish: a full disk there leaves the previous output in place."""
    import errno
    import tempfile

    from ecresearch.pipeline import atomic, engine

    monkeypatch.setattr(engine.paths, "ROOT", tmp_path)
    monkeypatch.setattr(engine.paths, "STATE_DIR", tmp_path / "state")
    monkeypatch.setattr(engine.paths, "STAGING_DIR", tmp_path / ".staging")
    out = tmp_path / "out.txt"
    out.write_text("old")
    real = tempfile.mkstemp

    def full(*a, dir=None, **k):
        if dir is not None and Path(dir) == tmp_path / "state":
            raise OSError(errno.ENOSPC, "No space left on device")
        return real(*a, dir=dir, **k)

    monkeypatch.setattr(atomic.tempfile, "mkstemp", full)

    def run(root: Path) -> None:
        (root / "out.txt").write_text("new")

    step = engine.Step("s", run, inputs=(), outputs=(out,))
    with pytest.raises(OSError) as err:
        engine.execute([step])
    assert err.value.filename == str(tmp_path / "state" / "s.json") and err.value.errno == errno.ENOSPC
    assert out.read_text() == "old"
    assert not (tmp_path / "state" / "s.json").exists() and not list((tmp_path / "state").glob(".s.json.*"))
