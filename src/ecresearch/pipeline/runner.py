"""Run a parameterised notebook with papermill and keep a clean, deterministic copy of it."""

from __future__ import annotations

import atexit
import json
import threading
from pathlib import Path

import nbformat

from ecresearch import paths
from ecresearch.errors import EcresearchError
from ecresearch.pipeline.notebooks import strip_volatile


class NotebookFailed(EcresearchError):
    """A cell raised: the message names the notebook, the cell and the exception."""


_managers: list = []  # every kernel this process started (shut down at exit)
_free: list = []  # started kernels not running a notebook now
_starting: list[threading.Thread] = []  # kernels being started ahead (shutdown waits for them)
_closing = threading.Event()  # set by shutdown: a kernel started ahead skips its imports
_lock = threading.Lock()
# The kernel every notebook names and runs in: the environment's own ipykernel (in .venv, the project's), so
# nbval, papermill and JupyterLab started from .venv agree; tools/check_notebook_pairs.py checks the notebooks.
KERNEL_NAME = "python3"


def new_kernel_manager():
    """A kernel manager whose kernel talks over local IPC sockets where the OS has them (no TCP port, so no
    'running over TCP without encryption' warning); TCP on Windows."""
    import sys
    import tempfile

    from jupyter_client.manager import AsyncKernelManager

    if sys.platform == "win32":
        return AsyncKernelManager(kernel_name=KERNEL_NAME)
    folder = tempfile.mkdtemp(prefix="ecresearch-kernel-")
    return AsyncKernelManager(kernel_name=KERNEL_NAME, transport="ipc", ip=f"{folder}/k")


def _kernel():
    """A kernel kept between notebooks (start-up and imports are paid once per kernel): a free one, or a new
    one. At most one notebook runs in a kernel at a time."""
    with _lock:
        if _free:
            return _free.pop()
    km = new_kernel_manager()
    with _lock:
        _managers.append(km)
    return km


def _release(km) -> None:
    with _lock:
        _free.append(km)


def prestart(notebook: Path | None = None) -> threading.Thread:
    """Start one reusable kernel in the background, so its start-up overlaps the work before the first notebook
    (a single report: checking the upstream steps, importing papermill); with ``notebook``, the kernel also
    runs that notebook's package and library imports (nothing else) while it waits."""
    from jupyter_client.utils import run_sync

    def start() -> None:
        km = _kernel()
        try:
            run_sync(km.start_kernel)()
            if notebook is not None and not _closing.is_set():
                kc = km.client()
                kc.start_channels()
                try:
                    run_sync(kc.wait_for_ready)(timeout=60)
                    run_sync(kc.execute_interactive)(import_lines(notebook), timeout=120, output_hook=lambda m: None)
                finally:
                    kc.stop_channels()
        except Exception:  # noqa: BLE001 - the notebook's own run reports any real error
            with _lock:
                _managers.remove(km)
            _shutdown(km)
            return
        _release(km)

    t = threading.Thread(target=start, name="ecresearch-kernel-prestart", daemon=True)
    with _lock:
        _starting.append(t)
    t.start()
    return t


def import_lines(notebook: Path) -> str:
    """The top-level import statements of a notebook's code cells (magics and everything else left out)."""
    nb = nbformat.read(notebook, as_version=4)
    lines = [
        line
        for cell in nb.cells
        if cell.cell_type == "code"
        for line in cell.source.splitlines()
        if line.startswith(("import ", "from ")) and not line.startswith("from __future__")
    ]
    return "\n".join(lines)


def _shutdown(km) -> None:
    from jupyter_client.utils import run_sync

    try:
        if km.has_kernel:
            run_sync(km.shutdown_kernel)(now=True)
    except Exception:  # noqa: BLE001 - best effort
        pass
    _remove_sockets(km)


def _remove_sockets(km) -> None:
    """Remove the kernel's folder of IPC sockets (made by ``new_kernel_manager``), so no run leaves one behind."""
    import shutil

    folder = Path(km.ip).parent if getattr(km, "transport", "tcp") == "ipc" else None
    if folder is not None and folder.name.startswith("ecresearch-kernel-"):
        shutil.rmtree(folder, ignore_errors=True)


def shutdown_kernels() -> None:
    """Stop the reused kernels (the build calls this when it ends, however it ends)."""
    _closing.set()
    with _lock:
        starting, _starting[:] = list(_starting), []
    for t in starting:  # a kernel half started when the command ends must not outlive it
        t.join(timeout=120)
    with _lock:
        managers, _managers[:], _free[:] = list(_managers), [], []
    for km in managers:
        _shutdown(km)
    _closing.clear()


atexit.register(shutdown_kernels)


def _template_cell(nb_path: Path, cell_index: int) -> int:
    """The failing cell's number as in the template: papermill inserts one cell after the parameters."""
    try:
        cells = [
            c
            for c in nbformat.read(nb_path, as_version=4).cells
            if "papermill-error-cell-tag" not in c.metadata.get("tags", [])
        ]
        injected = [i for i, c in enumerate(cells) if "injected-parameters" in c.metadata.get("tags", [])]
    except Exception:  # noqa: BLE001 - the message is still useful without the adjustment
        return cell_index
    return cell_index - 1 if injected and injected[0] < cell_index else cell_index


def keep_failed(output: Path, step: str) -> Path:
    """Keep the failed notebook (with its error cell) where an analyst can open it."""
    import shutil

    dest = paths.FAILED_DIR / f"{step.replace('/', '-').replace('@', '-')}.ipynb"
    dest.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(output, dest)
    return dest


def run_notebook(
    notebook: Path,
    output: Path,
    parameters: dict,
    *,
    step: str | None = None,
    hide: dict[str, str] | None = None,
    reuse_kernel: bool = False,
) -> nbformat.NotebookNode:
    """Execute ``notebook`` with ``parameters``; write the executed copy to ``output``.

    ``hide`` maps strings (such as a temporary staging path) to placeholders in the kept copy, so two runs
    give the same bytes."""
    import papermill as pm
    from papermill.exceptions import PapermillExecutionError

    output.parent.mkdir(parents=True, exist_ok=True)
    clean_run = False
    # Outside the try: a manager that cannot be made raises its own error, with no kernel to shut down.
    km = _kernel() if reuse_kernel else new_kernel_manager()
    try:
        extra = {"km": km}
        pm.execute_notebook(
            str(notebook),
            str(output),
            parameters=parameters,
            kernel_name=KERNEL_NAME,
            progress_bar=False,
            log_output=False,
            cwd=str(paths.NOTEBOOKS),
            request_save_on_cell_execute=False,
            **extra,
        )
        clean_run = True
    except PapermillExecutionError as exc:
        kept = keep_failed(output, step or notebook.stem)
        who = f", country {parameters['country']}" if parameters.get("country") else ""
        who += f", scenario {parameters['scenario']}" if parameters.get("scenario") else ""
        first = str(exc.evalue).splitlines()[0] if exc.evalue else ""
        raise NotebookFailed(
            f"{paths.rel(notebook)}: cell {_template_cell(output, exc.cell_index)} (numbered as in "
            f"the template, from 0){who} raised {exc.ename}: {first}; the failed notebook is kept "
            f"at {paths.rel(kept)}"
        ) from None
    finally:
        if reuse_kernel and clean_run and km.has_kernel:
            _release(km)  # a kernel whose notebook failed is not trusted with the next one
        else:
            _shutdown(km)
    nb = nbformat.read(output, as_version=4)
    strip_volatile(nb)
    if hide:
        text = json.dumps(nb)
        for secret, placeholder in hide.items():
            text = text.replace(json.dumps(secret)[1:-1], placeholder)
        nb = nbformat.from_dict(json.loads(text))
    count = 0
    for i, cell in enumerate(nb.cells):
        cell["id"] = f"cell-{i:02d}"
        if cell.cell_type == "code" and cell.get("execution_count") is not None:
            count += 1  # a reused kernel keeps counting: number the kept copy from 1
            cell["execution_count"] = count
            for out in cell.get("outputs", []):
                if "execution_count" in out:
                    out["execution_count"] = count
    nbformat.write(nb, output)
    return nb
