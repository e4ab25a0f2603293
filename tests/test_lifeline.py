"""Workers and the embedded Redis die with the process that started them (real processes)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="prctl is Linux's")

# A parent that forks a child; the child asks to die with it, prints its pid and sleeps.
_PARENT = """
import os, signal, sys, time
from workers.lifeline import die_with_parent
parent = os.getpid()
if os.fork() == 0:
    ok = die_with_parent(signal.SIGTERM, parent_pid=parent)
    print(os.getpid(), ok, flush=True)
    time.sleep(120)
    os._exit(0)
time.sleep(120)
"""


def _gone(pid: int) -> bool:
    """Exited: no such process, or a zombie nobody has reaped yet (PID 1 in a container may not)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except FileNotFoundError:
        return True
    return stat.rsplit(")", 1)[1].split()[0] == "Z"


def test_a_child_dies_when_its_parent_is_killed_outright() -> None:
    with subprocess.Popen(
        [sys.executable, "-c", _PARENT], cwd=ROOT, stdout=subprocess.PIPE, text=True
    ) as parent:
        assert parent.stdout is not None
        pid, ok = parent.stdout.readline().split()
        child = int(pid)
        try:
            assert ok == "True"
            assert not _gone(child)
            parent.send_signal(signal.SIGKILL)  # no chance to stop its children itself
            parent.wait(timeout=30)
            deadline = time.monotonic() + 30  # a bound on the wait, not a timing claim
            while not _gone(child) and time.monotonic() < deadline:
                time.sleep(0.05)
            assert _gone(child), "the orphaned child lived on"
        finally:
            if not _gone(child):
                os.kill(child, signal.SIGKILL)


# die_with_parent runs in every new worker and, for the embedded Redis, between fork and exec
# (preexec_fn), where starting another process is unsafe: it must start none.
_NO_SUBPROCESS = """
import signal, sys
from workers.lifeline import die_with_parent
started = []
sys.addaudithook(lambda event, args: started.append(args) if event in ("subprocess.Popen", "os.posix_spawn", "os.fork") else None)
print(die_with_parent(signal.SIGTERM), started)
"""


def test_asking_to_die_with_the_parent_starts_no_process() -> None:
    out = subprocess.run(
        [sys.executable, "-c", _NO_SUBPROCESS],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    ).stdout
    assert out.strip() == "True []"
