"""Workers and the embedded Redis die with the process that started them (real processes).

Exits are watched through pidfds (Linux), so a reused process id can neither fool a test
nor be signalled by its clean-up.
"""

from __future__ import annotations

import os
import select
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
BOUND = 30.0  # seconds: a bound on each wait, not a timing claim

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="prctl is Linux's")

# A child that says so when SIGTERM (the warm stop) reaches it, then exits.
_ON_TERM = """
import os, signal, sys, time
def _term(signum, frame):
    os.write(1, b"TERM\\n")
    os._exit(0)
signal.signal(signal.SIGTERM, _term)
"""

# A parent that forks such a child; the child asks to die with it and says who it is.
_PARENT = (
    _ON_TERM
    + """
from workers.lifeline import die_with_parent
parent = os.getpid()
if os.fork() == 0:
    ok = die_with_parent(signal.SIGTERM, parent_pid=parent)
    os.write(1, f"{os.getpid()} {ok}\\n".encode())
    time.sleep(30)
    os._exit(1)
signal.signal(signal.SIGTERM, signal.SIG_DFL)
time.sleep(30)
"""
)


def _line(fd: int) -> str:
    """The next line written to ``fd``, or "" if none comes within the bound."""
    data = b""
    deadline = time.monotonic() + BOUND
    while not data.endswith(b"\n"):
        ready, _, _ = select.select([fd], [], [], max(0.0, deadline - time.monotonic()))
        chunk = os.read(fd, 1) if ready else b""
        if not chunk:
            break
        data += chunk
    return data.decode()


def _exits(pidfd: int) -> bool:
    """Whether the process behind ``pidfd`` exits within the bound."""
    ready, _, _ = select.select([pidfd], [], [], BOUND)
    return bool(ready)


@contextmanager
def _watching(pid: int) -> Iterator[int]:
    """A pidfd for ``pid``; whatever happens in the test, the process does not outlive it."""
    pidfd = os.pidfd_open(pid)
    try:
        yield pidfd
    finally:
        ready, _, _ = select.select([pidfd], [], [], 0)
        if not ready:
            signal.pidfd_send_signal(pidfd, signal.SIGKILL)
        os.close(pidfd)


def test_a_child_is_stopped_warmly_when_its_parent_is_killed_outright() -> None:
    with subprocess.Popen([sys.executable, "-c", _PARENT], cwd=ROOT, stdout=subprocess.PIPE) as parent:
        try:
            assert parent.stdout is not None
            fd = parent.stdout.fileno()
            child, ok = _line(fd).split()
            assert ok == "True"
            with _watching(int(child)) as pidfd:
                parent.send_signal(signal.SIGKILL)  # no chance to stop its children itself
                assert _line(fd) == "TERM\n", "the orphaned child got no SIGTERM"
                assert _exits(pidfd)
        finally:
            parent.kill()


def test_a_child_whose_parent_died_before_it_asked_stops_at_once() -> None:
    """The parent may die between the fork and the request, which then watches init instead."""
    script = _ON_TERM + "from workers.lifeline import die_with_parent\n"
    script += "die_with_parent(signal.SIGTERM, parent_pid=-1)  # not the parent it has now\ntime.sleep(30)\n"
    out = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True, timeout=60)
    assert (out.returncode, out.stdout) == (0, b"TERM\n")


_HOLDER = """
import sys, time
from pathlib import Path
from workers.embedded import EmbeddedRedis
server = EmbeddedRedis(Path(sys.argv[1]))
server.start()
print(server._process.pid, flush=True)
time.sleep(30)
"""


def test_the_embedded_redis_stops_when_its_pressroom_is_killed_outright(tmp_path: Path) -> None:
    with subprocess.Popen(
        [sys.executable, "-c", _HOLDER, str(tmp_path / "data")], cwd=ROOT, stdout=subprocess.PIPE
    ) as holder:
        try:
            assert holder.stdout is not None
            redis_pid = int(_line(holder.stdout.fileno()))
            with _watching(redis_pid) as pidfd:
                holder.send_signal(signal.SIGKILL)
                assert _exits(pidfd), "the embedded Redis outlived the process that started it"
        finally:
            holder.kill()


# die_with_parent runs in every new worker and, for the embedded Redis, between fork and exec
# (preexec_fn), where starting another process is unsafe: neither importing the module nor
# asking may start one, and asking loads no library either (the look-up happened at import).
_NO_PROCESS = """
import signal, sys
seen = []
watched = ("subprocess.Popen", "os.posix_spawn", "os.fork", "os.exec", "os.spawn", "os.system", "ctypes.dlopen")
sys.addaudithook(lambda event, args: seen.append(event) if event in watched else None)
from workers.lifeline import die_with_parent
at_import = [event for event in seen if event != "ctypes.dlopen"]
seen.clear()
print(die_with_parent(signal.SIGTERM), at_import, seen)
"""


def test_asking_to_die_with_the_parent_starts_no_process() -> None:
    out = subprocess.run(
        [sys.executable, "-c", _NO_PROCESS], cwd=ROOT, capture_output=True, text=True, timeout=60, check=True
    ).stdout
    assert out.strip() == "True [] []"
