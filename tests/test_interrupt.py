"""Ctrl-C ends a command at once and says truthfully what it published: a step that finished is named, a step
still running publishes nothing and is not waited for."""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from pathlib import Path

SCRIPT = """
import sys, time
from pathlib import Path
from ecresearch import paths
from ecresearch.cli import _interrupted
from ecresearch.pipeline.atomic import staged
from ecresearch.pipeline.engine import Step, execute

root = paths.ROOT
def quick(staging):
    staged(staging, root / "out" / "quick.txt").write_text("new")
def slow(staging):
    (root / "slow-started").write_text("")
    time.sleep(float(sys.argv[1]))  # a step that cannot be interrupted in the middle (numpy, a chart)
    staged(staging, root / "out" / "slow.txt").write_text("new")
steps = [
    Step("quick", quick, inputs=(), outputs=(root / "out" / "quick.txt",)),
    Step("slow", slow, inputs=(), outputs=(root / "out" / "slow.txt",), after=("quick",)),
]
try:
    execute(steps, jobs=2)
except KeyboardInterrupt:
    _interrupted()
"""


def test_ctrl_c_stops_at_once_and_names_what_was_published(tmp_path: Path):
    sleep = 60.0  # the running step would end a minute later
    import os

    (tmp_path / "out").mkdir()
    (tmp_path / "out" / "slow.txt").write_text("old")
    env = {**os.environ, "ECRESEARCH_ROOT": str(tmp_path)}
    p = subprocess.Popen(
        [sys.executable, "-c", SCRIPT, str(sleep)], cwd=tmp_path, env=env, stderr=subprocess.PIPE, text=True
    )
    for _ in range(400):
        if (tmp_path / "slow-started").exists():
            break
        time.sleep(0.05)
    assert (tmp_path / "slow-started").exists()
    t0 = time.monotonic()
    p.send_signal(signal.SIGINT)
    _, err = p.communicate(timeout=30)
    assert time.monotonic() - t0 < 10  # not after the running step
    assert p.returncode == 130
    lines = err.splitlines()
    assert lines == [
        "ecresearch: interrupted: 1 step(s) had published their outputs (quick), the others' outputs are as "
        "they were; `ecresearch build` brings every page up to date"
    ], err
    assert (tmp_path / "out" / "quick.txt").read_text() == "new"
    assert (tmp_path / "out" / "slow.txt").read_text() == "old"  # the running step ended with the command


def test_an_interrupt_before_any_publish_says_nothing_was_published(tmp_path: Path):
    import os

    env = {**os.environ, "ECRESEARCH_ROOT": str(tmp_path)}
    script = SCRIPT.replace("def quick(staging):\n", "def quick(staging):\n    slow(staging)\n")
    p = subprocess.Popen([sys.executable, "-c", script, "60"], cwd=tmp_path, env=env, stderr=subprocess.PIPE, text=True)
    for _ in range(400):
        if (tmp_path / "slow-started").exists():
            break
        time.sleep(0.05)
    p.send_signal(signal.SIGINT)
    _, err = p.communicate(timeout=30)
    assert p.returncode == 130
    assert err.splitlines() == ["ecresearch: interrupted: nothing was published; previous outputs are intact"]
    assert not (tmp_path / "out").exists()
