"""`ecresearch snapshot add | list` and `ecresearch diff` (living data)."""
from __future__ import annotations


def add_commands(sub) -> None:
    """Register the data-refresh commands (filled in by the living-data work)."""
    return None
