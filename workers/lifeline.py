"""Child processes die with their parent.

If the supervisor is killed outright (SIGKILL, OOM killer), its workers and the embedded
Redis must not live on as orphans: the next `pressroom run` would find the data
directory's Redis taken and stray workers competing for jobs. Linux delivers a chosen
signal to a child when its parent dies (prctl PR_SET_PDEATHSIG); workers get SIGTERM,
which RQ treats as a warm stop, so the job in hand still finishes.
"""

from __future__ import annotations

import ctypes
import os
import signal
import sys
from typing import Any

_PR_SET_PDEATHSIG = 1


def _find_prctl() -> Any:
    """prctl from the C library this process already has loaded (dlopen of the program
    itself), looked up once, at import, in the parent. Not ctypes.util.find_library: it runs
    `ldconfig -p` in a subprocess, which every worker start did, and the embedded Redis's
    preexec_fn too, between fork and exec, where starting processes is not safe."""
    if not sys.platform.startswith("linux"):
        return None
    try:
        return ctypes.CDLL(None).prctl
    except (OSError, AttributeError):  # no dlopen (a static build), or no prctl to find
        return None


_prctl = _find_prctl()


def die_with_parent(signum: int = signal.SIGTERM, *, parent_pid: int | None = None) -> bool:
    """Ask the kernel to send ``signum`` when the parent exits; False where unsupported.

    The kernel watches the *thread* that created this process: start children from a
    thread that lives as long as the parent (pressroom starts them from the main thread).
    """
    if _prctl is None:
        return False
    if _prctl(_PR_SET_PDEATHSIG, signum, 0, 0, 0) != 0:
        return False
    if parent_pid is not None and os.getppid() != parent_pid:
        os.kill(os.getpid(), signum)  # the parent died before the request took effect
    return True
