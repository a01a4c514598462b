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
from concurrent.futures import FIRST_COMPLETED, ThreadPoolExecutor, wait
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

    def started(self, name: str) -> None:
        self.say(f"      {name}: running ({self.total - self.done} of {self.total} steps left)")

    def finished(self, name: str, status: str, seconds: float) -> None:
        self.done += 1
        self.say(f"[{self.done}/{self.total}] {name}: {status} ({seconds:.1f}s)")


def execute(steps: list[Step], *, force: bool = False, quiet: bool = False, jobs: int = 2,
            expand: dict[str, Callable[[], list[Step]]] | None = None) -> dict[str, str]:
    """Run the DAG: a step starts as soon as the steps it depends on are done, up to ``jobs`` at a time.

    ``expand`` adds steps once a step has run (the country reports, known only after the scores exist).
    Returns step → 'ran' | 'up to date', in declaration order. A failure stops new steps from starting,
    lets the running ones finish, and is raised."""
    pending = list(steps)
    declared = [s.name for s in steps]
    names = set(declared)
    done: set[str] = set()
    result: dict[str, str] = {}
    progress = Progress(len(steps), quiet)

    def one(step: Step) -> tuple[str, str, float]:
        t0 = time.perf_counter()
        digest = step_hash(step)
        if not force and up_to_date(step, digest):
            return step.name, "up to date", time.perf_counter() - t0
        progress.started(step.name)
        run_step(step, digest)
        return step.name, "ran", time.perf_counter() - t0

    with ThreadPoolExecutor(max_workers=max(1, jobs)) as pool:
        running: dict = {}
        failure: BaseException | None = None
        while (pending and failure is None) or running:
            if failure is None:
                for step in list(pending):
                    if len(running) >= max(1, jobs):
                        break
                    if all(a in done or a not in names for a in step.after):
                        pending.remove(step)
                        running[pool.submit(one, step)] = step
            if not running:
                raise EcresearchError(f"steps wait on each other: {[s.name for s in pending]}")
            finished, _ = wait(running, return_when=FIRST_COMPLETED)
            for future in finished:
                step = running.pop(future)
                try:
                    name, status, secs = future.result()
                except BaseException as exc:  # noqa: BLE001 - re-raised once the running steps have ended
                    failure = failure or exc
                    continue
                result[name] = status
                done.add(name)
                progress.finished(name, status, secs)
                if expand and name in expand:
                    extra = expand[name]()
                    pending += extra
                    declared += [s.name for s in extra]
                    names |= {s.name for s in extra}
                    progress.total += len(extra)
        if failure is not None:
            raise failure
    return {n: result[n] for n in declared if n in result}
