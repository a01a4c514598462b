"""Run notebooks and keep them clean: no run timestamps or durations in anything committed or compared."""

from __future__ import annotations

from pathlib import Path

import nbformat

VOLATILE_NOTEBOOK_KEYS = ("papermill",)
VOLATILE_CELL_KEYS = ("execution", "papermill")


def strip_volatile(nb: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """Remove papermill/nbclient timestamps and durations; keep parameters and outputs."""
    for key in VOLATILE_NOTEBOOK_KEYS:
        nb.metadata.pop(key, None)
    for cell in nb.cells:
        for key in VOLATILE_CELL_KEYS:
            cell.metadata.pop(key, None)
        if cell.get("cell_type") == "code":
            for out in cell.get("outputs", []):
                out.get("metadata", {}).pop("execution", None)
    return nb


def refresh(path: Path, timeout: int = 600) -> None:
    """Execute a notebook in place (its outputs become the stored outputs nbval compares)."""
    from nbclient import NotebookClient

    from ecresearch.pipeline.runner import KERNEL_NAME, new_kernel_manager

    nb = nbformat.read(path, as_version=4)
    client = NotebookClient(
        nb,
        timeout=timeout,
        kernel_name=KERNEL_NAME,
        record_timing=False,
        resources={"metadata": {"path": str(Path(path).parent)}},
    )
    client.km = new_kernel_manager()  # local IPC sockets, like the build's kernels
    client.execute()
    for i, cell in enumerate(nb.cells):
        cell["id"] = f"cell-{i:02d}"  # stable ids: diffs show content, not churn
    nbformat.write(strip_volatile(nb), path)
