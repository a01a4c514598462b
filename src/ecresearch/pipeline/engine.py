"""The build engine: runs a DAG of steps, each only when what it depends on changed.

A step names its inputs (files and folders), the function it runs (its code is the import closure of that
function and of its notebook, derived by ``deps``), its parameters and its outputs. It reruns when the content
hash of those — plus the lock file — changed, or one of its outputs is missing or was altered; otherwise it
is skipped (like DVC or OWID's ETL, not file timestamps). Outputs are staged and published all or none.
"""

from __future__ import annotations

import hashlib
import json
import os
import threading
import time
from collections.abc import Callable, Iterable
from concurrent.futures import FIRST_COMPLETED, ThreadPoolExecutor, wait
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from ecresearch import paths
from ecresearch.errors import EcresearchError
from ecresearch.pipeline import deps
from ecresearch.pipeline.atomic import clear_stale_staging, publish, staged_files, staging, write_temp

LOCK_FILE = paths.ROOT / "requirements.lock"  # the locked versions are part of every step's hash


@dataclass(frozen=True)
class Step:
    name: str
    # returns its outputs by dataset name (the engine checks, stages and publishes them), or writes files that
    # are not tables (images, notebooks, pages) under the given staging root itself
    run: Callable[[Path], dict | None]
    inputs: tuple[Path, ...]
    outputs: tuple[Path, ...]
    notebook: Path | None = None  # a notebook the step executes (an input, and its imports are code)
    params: dict = field(default_factory=dict)
    after: tuple[str, ...] = ()  # steps whose outputs this one reads
    out: paths.OutputSet | None = None  # the output set its per-set datasets belong to (None: the main build)
    # files that no longer agree with this step's new outputs (given its staging root), removed atomically with
    # its publish: the pages of countries the new scores no longer rank, a PDF made from the previous page
    prune: Callable[[Path], list[Path]] | None = None

    def code_files(self) -> list[Path]:
        """The package files this step runs: the imports in its ``run`` function and in its notebook, closed
        under import."""
        return deps.code_files(deps.imports_of_function(self.run), [self.notebook] if self.notebook else [])


def _files(items: Iterable[Path]) -> list[Path]:
    out = []
    for item in items:
        item = Path(item)
        if item.is_dir():
            out += sorted(p for p in item.rglob("*") if p.is_file() and "__pycache__" not in p.parts)
        else:
            out.append(item)
    return out


_digests: dict[tuple, str] = {}
_digests_lock = threading.Lock()


def file_digest(path: Path) -> str:
    """sha256 of a file, computed once per process for the same file state (path, size, mtime, inode): the
    report steps share their inputs, and a no-op build would otherwise read them once per step."""
    st = os.stat(path)
    key = (str(path), st.st_size, st.st_mtime_ns, st.st_ino)
    with _digests_lock:
        hit = _digests.get(key)
    if hit is None:
        with open(path, "rb") as fh:
            hit = hashlib.file_digest(fh, "sha256").hexdigest()
        with _digests_lock:
            _digests[key] = hit
    return hit


_names: dict[tuple[str, ...], str] = {}


def _name(kind: str, f: Path) -> str:
    """How a file is named in a step's hash: inputs relative to the project root, code relative to the package
    (so the hash does not depend on where the package is installed)."""
    key = (kind, str(f), str(paths.ROOT), str(deps.PKG_DIR))  # tests move both
    name = _names.get(key)
    if name is None:
        name = f"{deps.PACKAGE}/{Path(f).relative_to(deps.PKG_DIR).as_posix()}" if kind == "code" else paths.rel(f)
        _names[key] = name
    return name


def step_hash(step: Step) -> str:
    h = hashlib.sha256()
    inputs = list(step.inputs) + ([step.notebook] if step.notebook else [])
    for kind, files in (("in", _files(inputs)), ("code", step.code_files())):
        for f in files:
            try:
                digest = file_digest(f)
            except FileNotFoundError:
                raise EcresearchError(
                    f"step {step.name}: input {paths.rel(f)} is missing (run its upstream step)"
                ) from None
            h.update(f"{kind}:{_name(kind, f)}:{digest}\n".encode())
    h.update(json.dumps(step.params, sort_keys=True, ensure_ascii=False, default=str).encode())
    if LOCK_FILE.exists():
        h.update(file_digest(LOCK_FILE).encode())
    return h.hexdigest()


def _state_path(step: Step) -> Path:
    return paths.STATE_DIR / f"{step.name.replace('/', '__').replace('@', '--')}.json"


def read_state(step: Step) -> dict | None:
    """The step's last successful run, or None when absent or unreadable (a corrupt state means: rerun)."""
    try:
        saved = json.loads(_state_path(step).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError):
        return None
    if (
        not isinstance(saved, dict)
        or not isinstance(saved.get("hash"), str)
        or not isinstance(saved.get("outputs"), dict)
    ):
        return None
    return saved


def up_to_date(step: Step, digest: str) -> bool:
    saved = read_state(step)
    if saved is None or saved["hash"] != digest:
        return False
    for rel, sha in saved["outputs"].items():
        f = paths.ROOT / str(rel)
        if not f.is_file() or file_digest(f) != sha:
            return False
    return all(Path(o).exists() for o in step.outputs)


def _stage_produced(step: Step, produced: dict, root: Path) -> None:
    from ecresearch import datasets  # polars: only when a step runs, not for a no-op build

    for name, value in produced.items():
        if datasets.path(name, step.out) not in step.outputs:
            raise EcresearchError(f"step {step.name} returned {name!r}, which is not one of its outputs")
        datasets.stage(name, value, root, step.out)


class Cancelled(EcresearchError):
    """The command was interrupted: this step's staged outputs were dropped, not published."""


_publishing = threading.Lock()  # a publish and its state file, whole: an interrupt waits for it, never splits it
_cancelled = threading.Event()
published_steps: list[str] = []  # the steps whose outputs this process published (what an interrupt reports)


def cancel() -> list[str]:
    """Stop publishing (Ctrl-C): wait for a publish under way to end, then refuse every later one. Returns the
    steps that published in this process."""
    _cancelled.set()
    with _publishing:
        return list(published_steps)


def run_step(step: Step, digest: str) -> list[Path]:
    with staging(step.name.replace("/", "-").replace("@", "-")) as root:
        produced = step.run(root)
        if produced:
            _stage_produced(step, produced, root)
        # the state is written before the publish (a full disk or a read-only state folder fails here, with
        # nothing published) and renamed into place after it
        files = sorted(staged_files(root, list(step.outputs)), key=lambda pair: pair[1])
        state = {"hash": digest, "outputs": {paths.rel(dest): file_digest(src) for src, dest in files}}
        paths.STATE_DIR.mkdir(exist_ok=True)
        tmp = write_temp(_state_path(step), json.dumps(state, indent=1))
        try:
            with _publishing:
                if _cancelled.is_set():
                    raise Cancelled(f"step {step.name} interrupted; nothing of it was published")
                published = publish(root, list(step.outputs), step.prune(root) if step.prune else [])
                os.replace(tmp, _state_path(step))
                published_steps.append(step.name)
        finally:
            tmp.unlink(missing_ok=True)
    return published


@contextmanager
def build_lock():
    """One build at a time per repository; a killed build's staging is cleared by the next. The lock is flock on
    POSIX (what filelock takes there, without its import: a tenth of a no-op build), LockFileEx on Windows
    (filelock); either is released if the process dies."""
    paths.STATE_DIR.mkdir(exist_ok=True)
    path = paths.STATE_DIR / "build.lock"
    busy = EcresearchError("another ecresearch build is running in this repository; wait for it to end")
    if os.name != "posix":
        from filelock import FileLock, Timeout

        lock = FileLock(path)
        try:
            lock.acquire(timeout=0)
        except Timeout:
            raise busy from None
        release = lock.release
    else:
        import fcntl

        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            raise busy from None

        def release() -> None:
            fcntl.flock(fd, fcntl.LOCK_UN)
            os.close(fd)

    try:
        clear_stale_staging()
        yield
    finally:
        release()


def plan(steps: list[Step], *, force: bool = False) -> dict[str, str]:
    """What a build would do, without running anything: step → 'would run' | 'up to date' | 'waits on …'."""
    out = {}
    for step in steps:
        try:
            digest = step_hash(step)
        except EcresearchError:
            out[step.name] = "would run (after its upstream steps)"
            continue
        out[step.name] = "up to date" if not force and up_to_date(step, digest) else "would run"
    return out


def execute(
    steps: list[Step],
    *,
    force: bool = False,
    progress=None,
    jobs: int = 2,
    expand: dict[str, Callable[[], list[Step]]] | None = None,
) -> dict[str, str]:
    """Run the DAG: a step starts as soon as the steps it depends on are done, up to ``jobs`` at a time.

    ``expand`` adds steps once a step has run (the country reports, known only after the scores exist).
    Returns step → 'ran' | 'up to date', in declaration order. A failure stops new steps from starting,
    lets the running ones finish, and is raised. An interrupt (Ctrl-C) publishes nothing more and does not wait
    for the running steps (``cancel``): the command can end at once."""
    pending = list(steps)
    declared = [s.name for s in steps]
    names = set(declared)
    done: set[str] = set()
    result: dict[str, str] = {}

    def one(step: Step) -> tuple[str, str, float]:
        t0 = time.perf_counter()
        digest = step_hash(step)
        if not force and up_to_date(step, digest):
            return step.name, "up to date", time.perf_counter() - t0
        if progress:
            progress.started(step.name)
        run_step(step, digest)
        return step.name, "ran", time.perf_counter() - t0

    with build_lock():
        _cancelled.clear()  # a new command in this process (a test) after an interrupted one
        pool = ThreadPoolExecutor(max_workers=max(1, jobs))
        interrupted = False
        try:
            _run_all(pool, pending, declared, names, done, result, one, jobs, progress, expand)
        except KeyboardInterrupt:  # no new step, nothing more published; the running steps are not waited for
            interrupted = True
            cancel()
            raise
        finally:
            pool.shutdown(wait=not interrupted, cancel_futures=interrupted)
            deps.save_disk_cache()
    return {n: result[n] for n in declared if n in result}


def _run_all(pool, pending, declared, names, done, result, one, jobs, progress, expand) -> None:
    """The scheduling loop of ``execute``: start steps whose dependencies are done, collect their results."""
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
            if progress:
                progress.finished(name, status, secs)
            if expand and name in expand:
                extra = expand[name]()
                pending += extra
                declared += [s.name for s in extra]
                names |= {s.name for s in extra}
                if progress:
                    progress.grow(len(extra))
    if failure is not None:
        raise failure
