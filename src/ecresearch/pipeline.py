"""The build, declared once as a DAG of steps.

Each step names its inputs (files and folders), its code (package modules, notebooks), its
parameters and its outputs. A step reruns only when the content hash of those — plus the locked
dependency versions — changed, or one of its outputs is missing or was altered; otherwise it is
skipped (like DVC or OWID's ETL, not file timestamps). Outputs are written to a staging folder and
moved into place only on success (atomic.py).
"""
from __future__ import annotations

import hashlib
import json
import sys
import time
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass, field
from pathlib import Path

from . import paths
from .atomic import publish, staging, write_text
from .errors import EcresearchError

STATE_DIR = paths.ROOT / ".ecresearch-state"
LOCK_FILE = paths.ROOT / "requirements.lock"
PKG = Path(__file__).resolve().parent


@dataclass(frozen=True)
class Step:
    name: str
    run: Callable[[Path], None]  # writes the outputs under the given staging root
    inputs: tuple[Path, ...]
    code: tuple[Path, ...]
    outputs: tuple[Path, ...]
    params: dict = field(default_factory=dict)
    after: tuple[str, ...] = ()  # steps whose outputs this one reads (also listed in inputs)
    group: str = ""  # steps of one group (country reports) may run in parallel


def _files(items: Iterable[Path]) -> list[Path]:
    out = []
    for item in items:
        item = Path(item)
        if item.is_dir():
            out += sorted(p for p in item.rglob("*") if p.is_file() and "__pycache__" not in p.parts)
        else:
            out.append(item)
    return out


def file_digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def step_hash(step: Step) -> str:
    h = hashlib.sha256()
    for kind, items in (("in", step.inputs), ("code", step.code)):
        for f in _files(items):
            if not f.exists():
                raise EcresearchError(f"step {step.name}: input {paths.rel(f)} is missing")
            h.update(f"{kind}:{paths.rel(f)}:{file_digest(f)}\n".encode())
    h.update(json.dumps(step.params, sort_keys=True, ensure_ascii=False, default=str).encode())
    if LOCK_FILE.exists():
        h.update(file_digest(LOCK_FILE).encode())
    return h.hexdigest()


def _state_path(step: Step) -> Path:
    return STATE_DIR / f"{step.name.replace('/', '__')}.json"


def up_to_date(step: Step, digest: str) -> bool:
    state = _state_path(step)
    if not state.exists():
        return False
    saved = json.loads(state.read_text(encoding="utf-8"))
    if saved.get("hash") != digest:
        return False
    for rel, sha in saved.get("outputs", {}).items():
        f = paths.ROOT / rel
        if not f.exists() or file_digest(f) != sha:
            return False
    return all(Path(o).exists() for o in step.outputs)


def run_step(step: Step, digest: str) -> list[Path]:
    with staging(step.name.replace("/", "-")) as root:
        step.run(root)
        published = publish(root, list(step.outputs))
    STATE_DIR.mkdir(exist_ok=True)
    write_text(_state_path(step), json.dumps(
        {"hash": digest, "outputs": {paths.rel(p): file_digest(p) for p in sorted(published)}}, indent=1))
    return published


class Progress:
    """One line per step on a terminal; nothing but failures and the summary when quiet."""

    def __init__(self, total: int, quiet: bool):
        self.total, self.done, self.quiet = total, 0, quiet

    def say(self, msg: str) -> None:
        if not self.quiet:
            print(msg, file=sys.stderr, flush=True)

    def finished(self, name: str, status: str, seconds: float) -> None:
        self.done += 1
        self.say(f"[{self.done}/{self.total}] {name}: {status} ({seconds:.1f}s)")


def execute(steps: list[Step], *, force: bool = False, quiet: bool = False, jobs: int = 2) -> dict[str, str]:
    """Run the DAG in order; steps of one group run in parallel. Returns step → 'ran' | 'up to date'."""
    result: dict[str, str] = {}
    progress = Progress(len(steps), quiet)
    ran: set[str] = set()
    # consecutive steps of the same group form one parallel batch
    batches: list[list[Step]] = []
    for s in steps:
        if batches and s.group and batches[-1][0].group == s.group:
            batches[-1].append(s)
        else:
            batches.append([s])

    def one(step: Step) -> tuple[str, str, float]:
        t0 = time.perf_counter()
        digest = step_hash(step)
        if not force and up_to_date(step, digest):
            return step.name, "up to date", time.perf_counter() - t0
        run_step(step, digest)
        return step.name, "ran", time.perf_counter() - t0

    def record(outcome: tuple[str, str, float]) -> None:
        name, status, secs = outcome
        result[name] = status
        if status == "ran":
            ran.add(name)
        progress.finished(name, status, secs)

    for batch in batches:
        if len(batch) == 1 or jobs <= 1:
            for s in batch:
                record(one(s))
            continue
        # independent steps (the country reports) run side by side; each notebook has its own kernel process
        with ThreadPoolExecutor(max_workers=jobs) as pool:
            futures = {pool.submit(one, s): s for s in batch}
            try:
                for f in as_completed(futures):
                    record(f.result())
            except BaseException:
                for g in futures:
                    g.cancel()
                raise
    # results in declaration order
    return {s.name: result[s.name] for s in steps if s.name in result}
