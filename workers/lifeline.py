"""Child processes die with their parent.

If the supervisor is killed outright (SIGKILL, OOM killer), its workers and the embedded
Redis must not live on as orphans: the next `pressroom run` would find the data
directory's Redis taken and stray workers competing for jobs. Linux delivers a chosen
signal to a child when its parent dies (prctl PR_SET_PDEATHSIG); workers get SIGTERM,
which RQ treats as a warm stop, so the job in hand still finishes.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import os
import signal
import sys

_PR_SET_PDEATHSIG = 1


def die_with_parent(signum: int = signal.SIGTERM, *, parent_pid: int | None = None) -> bool:
    """Ask the kernel to send ``signum`` when the parent exits; False where unsupported."""
    if not sys.platform.startswith("linux"):
        return False
    libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
    if libc.prctl(_PR_SET_PDEATHSIG, signum, 0, 0, 0) != 0:
        return False
    if parent_pid is not None and os.getppid() != parent_pid:
        os.kill(os.getpid(), signum)  # the parent died before the request took effect
    return True
