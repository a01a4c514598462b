"""Run a parameterised notebook with papermill and keep a clean, deterministic copy of it."""
from __future__ import annotations

import json
from pathlib import Path

import nbformat

from . import paths
from .errors import EcresearchError
from .notebooks import strip_volatile


class NotebookFailed(EcresearchError):
    """A cell raised: the message names the notebook, the cell and the exception."""


def run_notebook(notebook: Path, output: Path, parameters: dict, *, hide: dict[str, str] | None = None) -> nbformat.NotebookNode:
    """Execute ``notebook`` with ``parameters``; write the executed copy to ``output``.

    ``hide`` maps strings (such as a temporary staging path) to placeholders in the kept copy, so two runs
    give the same bytes."""
    import papermill as pm
    from papermill.exceptions import PapermillExecutionError

    output.parent.mkdir(parents=True, exist_ok=True)
    try:
        pm.execute_notebook(str(notebook), str(output), parameters=parameters, kernel_name="python3",
                            progress_bar=False, log_output=False, cwd=str(paths.NOTEBOOKS),
                            request_save_on_cell_execute=False)
    except PapermillExecutionError as exc:
        raise NotebookFailed(f"{paths.rel(notebook)}: cell {exc.cell_index} (execution {exc.exec_count}) raised "
                             f"{exc.ename}: {str(exc.evalue).splitlines()[0] if exc.evalue else ''}") from None
    nb = nbformat.read(output, as_version=4)
    strip_volatile(nb)
    if hide:
        text = json.dumps(nb)
        for secret, placeholder in hide.items():
            text = text.replace(json.dumps(secret)[1:-1], placeholder)
        nb = nbformat.from_dict(json.loads(text))
    for i, cell in enumerate(nb.cells):
        cell["id"] = f"cell-{i:02d}"
    nbformat.write(nb, output)
    return nb
