"""Worker processes end when their parent dies, even by ``kill -9`` (no orphans left rendering charts)."""

from __future__ import annotations

import os
import signal
import sys
import threading
import time


def die_with_parent() -> None:
    """Call first thing in a worker process: Linux delivers SIGTERM when the parent ends; elsewhere a
    watchdog thread notices the parent is gone (re-parented) and exits."""
    parent = os.getppid()
    if sys.platform.startswith("linux"):
        try:
            import ctypes

            libc = ctypes.CDLL("libc.so.6", use_errno=True)
            PR_SET_PDEATHSIG = 1
            libc.prctl(PR_SET_PDEATHSIG, signal.SIGTERM)
        except OSError:
            pass
        if os.getppid() != parent:  # the parent died before prctl took effect
            os._exit(1)

    def watch() -> None:
        while True:
            if os.getppid() != parent:
                os._exit(1)
            time.sleep(1.0)

    threading.Thread(target=watch, daemon=True, name="parent-watchdog").start()
