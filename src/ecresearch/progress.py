"""Progress on stderr for the commands that take a while: plain lines when stderr is not a terminal (CI, a
log), a bar on a terminal with each finished step's line kept above it, nothing with ``--quiet``."""

from __future__ import annotations

import sys
import time


def _bar(total: int, **kw):
    from tqdm import tqdm  # imported only on a terminal (start-up time)

    return tqdm(total=total, file=sys.stderr, leave=False, dynamic_ncols=True, **kw)


class Progress:
    """Progress of a build: one line per step that ran (with its time), under a bar on a terminal."""

    def __init__(self, total: int, quiet: bool, planned: int = 0, *, tty: bool | None = None):
        # ``planned``: the steps the expansion is expected to add (the reports of the countries ranked now), so
        # the total is right from the start and changes only if the scores rank other countries
        self.quiet, self.base, self.done, self.ran = quiet, total, 0, 0
        self.total = total + planned
        tty = sys.stderr.isatty() if tty is None else tty
        self.bar = _bar(self.total, unit="step") if not quiet and tty else None

    def _line(self, text: str) -> None:
        if self.bar is not None:
            self.bar.write(text, file=sys.stderr)  # printed above the bar, which then redraws: the line stays
        elif not self.quiet:
            print(text, file=sys.stderr, flush=True)

    def started(self, name: str) -> None:
        if self.bar is not None:
            self.bar.set_description(name)
        elif not self.quiet:
            print(f"  {name} ...", file=sys.stderr, flush=True)

    def finished(self, name: str, status: str, seconds: float) -> None:
        self.done += 1
        self.ran += status == "ran"
        if status == "ran":
            self._line(f"[{self.done}/{self.total}] {name}: done ({seconds:.1f}s)")
        if self.bar is not None:
            self.bar.update(1)

    def grow(self, n: int) -> None:
        self.total = self.base + n
        if self.bar is not None:
            self.bar.total = self.total
            self.bar.refresh()

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()


class Stages:
    """Progress of a command in a few known stages (``report``): a line per stage as it starts, and when it
    ends its time; on a terminal a bar over the stages, the finished ones' lines kept above it."""

    def __init__(self, total: int, quiet: bool, prog: str = "ecresearch", *, tty: bool | None = None):
        self.quiet, self.prog, self.total, self.n = quiet, prog, total, 0
        self.current: tuple[str, float] | None = None
        tty = sys.stderr.isatty() if tty is None else tty
        self.bar = _bar(total, unit="stage", bar_format="{desc} [{n}/{total}] {elapsed}") if not quiet and tty else None

    def stage(self, what: str) -> None:
        """Start a stage (the previous one ends)."""
        self._end()
        self.n += 1
        self.current = (what, time.perf_counter())
        if self.bar is not None:
            self.bar.set_description(f"{self.prog}: {what}")
        elif not self.quiet:
            print(f"{self.prog}: [{self.n}/{self.total}] {what} ...", file=sys.stderr, flush=True)

    def _end(self) -> None:
        if self.current is None:
            return
        what, t0 = self.current
        self.current = None
        if self.bar is not None:
            self.bar.write(f"{self.prog}: {what}: done ({time.perf_counter() - t0:.1f}s)", file=sys.stderr)
            self.bar.update(1)

    def close(self) -> None:
        """End the stages (or hand the terminal to a step's own progress: later stages print plain lines)."""
        self._end()
        if self.bar is not None:
            self.bar.close()
            self.bar = None
