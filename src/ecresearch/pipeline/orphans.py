"""Worker processes end when their parent dies, even by ``kill -9`` (no orphans left rendering charts)."""

from __future__ import annotations

import os
import signal
import sys
import threading
import time


def process_pool(workers: int):
    """A pool of spawned workers (spawn, not fork: polars is not fork-safe) that end with this process. The
    parent's pid is passed in: a worker that read it itself might read it after the parent is already gone.
    Its resource tracker ends when the last holder of its pipe (this process and the workers) has ended."""
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    return ProcessPoolExecutor(
        max_workers=workers,
        mp_context=multiprocessing.get_context("spawn"),
        initializer=die_with_parent,
        initargs=(os.getpid(),),
    )


def die_with_parent(parent: int) -> None:
    """Call first thing in a worker process: Linux delivers SIGTERM when the parent ends; elsewhere (and if
    the parent ended before that was asked) a watchdog thread notices the parent is gone and exits."""
    if sys.platform.startswith("linux"):
        try:
            import ctypes

            libc = ctypes.CDLL("libc.so.6", use_errno=True)
            PR_SET_PDEATHSIG = 1
            libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
        except OSError:
            pass
    if os.getppid() != parent:  # the parent died before this worker started
        os._exit(1)

    def watch() -> None:
        while True:
            if os.getppid() != parent:
                os._exit(1)
            time.sleep(0.5)

    threading.Thread(target=watch, daemon=True, name="parent-watchdog").start()
