"""The sandbox's process side: the zygote, its children, and the wire between them and the worker.

workers/budget.py runs every parser of outside bytes in a child process; this module is
what runs in that child and how the worker talks to it. Children are forked (not exec'd:
they share the worker's loaded libraries) and fed over a socket:

    worker ──(JSON header + raw bytes)──► child: adapter(payload, params) -> dict
           ◄──────────(JSON result)──────

* **The kernel enforces the budget.** Before each request the child arms ``ITIMER_PROF``
  with the budget; when the child's CPU time reaches it, the kernel sends SIGPROF, whose
  default action ends the process, whatever C code it is in. ``RLIMIT_CPU`` backs that up
  (SIGXCPU) and ``RLIMIT_AS`` caps its memory.
* **Nothing is unpickled.** The child parsed hostile bytes: its answer is JSON, and an
  error comes back as the name of a class in :mod:`workers.errors` plus its message
  (:func:`rebuild_error` raises it again in the worker as the same class).
* **Forks come from a zygote.** Children are forked by a small process forked from the
  worker at its start, while it has one thread (:class:`Zygote`): a child forked from a
  threaded worker could inherit a lock some other thread held. The zygote also reaps the
  children and tells the worker how each one ended (so a budget kill is told from a crash).
"""

from __future__ import annotations

import contextlib
import importlib
import json
import math
import os
import resource
import signal
import socket
import struct
import threading
import time
from collections.abc import Callable, Iterator, Mapping
from typing import Any

from workers import errors
from workers.errors import PressroomError, SandboxError
from workers.lifeline import die_with_parent

Adapter = Callable[[bytes, dict[str, Any]], dict[str, Any]]

# An answer larger than this is not read (the adapters return text capped far below it).
MAX_ANSWER = 64 * 2**20

_REQUEST = struct.Struct("!II")  # header length, payload length
_ANSWER = struct.Struct("!I")  # body length
_ZYGOTE_OP = struct.Struct("!ci")  # op, pid
_STATUS = struct.Struct("!id")  # wait status, CPU seconds the child used in all


# ---- the wire, as the worker sees it ------------------------------------------------------


def encode_call(target: str, params: Mapping[str, Any], cpu_seconds: float) -> bytes:
    """The JSON header of a call to the adapter at ``target`` within ``cpu_seconds``."""
    return json.dumps({"target": target, "params": dict(params), "cpu": cpu_seconds}).encode()


def send_call(sock: socket.socket, header: bytes, payload: bytes) -> None:
    """Send one call (a header from :func:`encode_call`, then the raw bytes) to a child."""
    sock.sendall(_REQUEST.pack(len(header), len(payload)) + header)
    if payload:
        sock.sendall(payload)


def read_answer(sock: socket.socket) -> bytes:
    """A child's answer to its call (JSON); b"" if it died first (or answered past MAX_ANSWER)."""
    try:
        head = _recv_exact(sock, _ANSWER.size)
        size = _ANSWER.unpack(head)[0] if head else 0
        if size > MAX_ANSWER:
            raise EOFError(f"answer of {size} bytes")
        return _recv_exact(sock, size) if head else b""
    except (OSError, EOFError):
        return b""


def rebuild_error(described: Mapping[str, Any], where: str) -> PressroomError:
    """The error the child described, as the same class of workers.errors (else SandboxError)."""
    cls = getattr(errors, str(described.get("type")), None)
    message = str(described.get("message", ""))
    if not (isinstance(cls, type) and issubclass(cls, PressroomError)):
        return SandboxError(where, f"unexpected error from the parsing process: {message}")
    exc = cls.__new__(cls)
    Exception.__init__(exc, message)
    attrs = described.get("attrs")
    if isinstance(attrs, dict):
        for key, value in attrs.items():
            if isinstance(key, str) and isinstance(value, str | int | float | bool | None):
                setattr(exc, key, value)
    return exc


def stopped_at_budget(status: int) -> bool:
    """Did the kernel end the child (its wait status) at its CPU budget: SIGPROF, or SIGXCPU?"""
    return os.WIFSIGNALED(status) and os.WTERMSIG(status) in (signal.SIGPROF, signal.SIGXCPU)


def how_it_ended(status: int) -> str:
    """A child's wait status in words, for an error: the signal that ended it, or its exit code."""
    if os.WIFSIGNALED(status):
        return f"signal {signal.Signals(os.WTERMSIG(status)).name}"
    return f"exit code {os.WEXITSTATUS(status)}"


def cpu_used(pid: int) -> float | None:
    """CPU seconds (user + system) child ``pid`` has used, alive or a zombie; None if unreadable.
    (/proc/<pid>/stat: it is the zygote's child, so the pid is its own until reaped.)"""
    try:
        with open(f"/proc/{pid}/stat", "rb") as stat:
            fields = stat.read().rpartition(b")")[2].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")  # utime, stime
    except (OSError, ValueError, IndexError):
        return None


# ---- the child side: runs in the zygote and its children, never returns ----------------


def _recv_exact(sock: socket.socket, size: int) -> bytes:
    """``size`` bytes, or b"" if the other end closed before the first byte."""
    view = bytearray(size)
    got = 0
    while got < size:
        n = sock.recv_into(memoryview(view)[got:], size - got)
        if n == 0:
            if got == 0:
                return b""
            raise EOFError(f"connection closed after {got} of {size} bytes")
        got += n
    return bytes(view)


def _describe(exc: PressroomError) -> dict[str, Any]:
    """An error as JSON: its class name, message and plain attributes (never a pickle)."""
    attrs = {k: v for k, v in vars(exc).items() if isinstance(v, str | int | float | bool) or v is None}
    return {"type": type(exc).__name__, "message": str(exc), "attrs": attrs}


def _load(target: str, cache: dict[str, Adapter]) -> Adapter:
    if target not in cache:
        module, _, function = target.partition(":")
        cache[target] = getattr(importlib.import_module(module), function)
    return cache[target]


def _child_main(sock: socket.socket, memory_bytes: int) -> None:
    """Serve calls until the worker hangs up. Each call is armed with its CPU budget."""
    # Ctrl+C reaches the whole process group, systemd's stop the whole cgroup: the worker
    # stops warmly and needs its child for the job in hand; the child ends with the worker
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    signal.signal(signal.SIGPROF, signal.SIG_DFL)  # the budget: the kernel's default ends us
    signal.signal(signal.SIGXCPU, signal.SIG_DFL)
    with contextlib.suppress(OSError, ValueError):
        with open("/proc/self/statm") as statm:
            mapped = int(statm.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
        hard = resource.getrlimit(resource.RLIMIT_AS)[1]
        soft = mapped + memory_bytes
        resource.setrlimit(
            resource.RLIMIT_AS, (soft if hard == resource.RLIM_INFINITY else min(soft, hard), hard)
        )
    cache: dict[str, Adapter] = {}
    while True:
        head = _recv_exact(sock, _REQUEST.size)
        if not head:
            return
        header_len, payload_len = _REQUEST.unpack(head)
        header = json.loads(_recv_exact(sock, header_len))
        payload = _recv_exact(sock, payload_len) if payload_len else b""
        cpu_budget = float(header["cpu"])
        before = time.process_time()
        cpu_hard = resource.getrlimit(resource.RLIMIT_CPU)[1]
        backstop = math.ceil(before + cpu_budget) + 1  # whole seconds; SIGPROF comes first
        if cpu_hard == resource.RLIM_INFINITY or backstop < cpu_hard:
            resource.setrlimit(resource.RLIMIT_CPU, (backstop, cpu_hard))
        answer: dict[str, Any]
        stop_after = False
        signal.setitimer(signal.ITIMER_PROF, cpu_budget)
        try:
            answer = {"ok": _load(header["target"], cache)(payload, header["params"])}
        except PressroomError as exc:
            answer = {"error": _describe(exc)}
        except MemoryError:
            answer, stop_after = {"memory": True}, True  # the heap may be in pieces: start afresh
        except Exception as exc:  # a bug or odd input in a library: reported, not fatal
            answer = {"crash": f"{type(exc).__name__}: {exc}"}
        finally:
            signal.setitimer(signal.ITIMER_PROF, 0)
        answer["cpu"] = time.process_time() - before
        try:
            body = json.dumps(answer, ensure_ascii=False).encode("utf-8", "surrogatepass")
        except (TypeError, ValueError) as exc:
            body = json.dumps({"crash": f"answer is not JSON: {exc}", "cpu": answer["cpu"]}).encode()
        sock.sendall(_ANSWER.pack(len(body)) + body)
        if stop_after:
            return


def _zygote_main(control: socket.socket, memory_bytes: int, watch_parent: bool) -> None:
    """Fork children on request, tell how they ended, kill them on request."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # as the children (_child_main), it ends with the worker
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    if watch_parent:
        die_with_parent(signal.SIGKILL)
    while True:
        command = _recv_exact(control, _ZYGOTE_OP.size)
        if not command:
            return
        op, pid = _ZYGOTE_OP.unpack(command)
        if op == b"S":
            mine, theirs = socket.socketpair()
            child = os.fork()
            if child == 0:
                code = 0
                try:
                    control.close()
                    mine.close()
                    die_with_parent(signal.SIGKILL)
                    _child_main(theirs, memory_bytes)
                except BaseException:  # a child never returns into the caller's stack
                    code = 70
                finally:
                    os._exit(code)
            theirs.close()
            socket.send_fds(control, [struct.pack("!i", child)], [mine.fileno()])
            mine.close()
        elif op == b"W":
            try:
                _, status, usage = os.wait4(pid, 0)
            except ChildProcessError:  # not ours (a child of a zygote that was replaced): nothing to tell
                control.sendall(_STATUS.pack(0, 0.0))
                continue
            control.sendall(_STATUS.pack(status, usage.ru_utime + usage.ru_stime))
        elif op == b"K":
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
            control.sendall(_STATUS.pack(0, 0.0))


# ---- the zygote, as the worker sees it ----------------------------------------------------


class Zygote:
    """The process that forks the sandbox children (the module docstring says why)."""

    def __init__(self, memory_bytes: int) -> None:
        self._lock = threading.Lock()
        parent_end, zygote_end = socket.socketpair()
        watch = threading.current_thread() is threading.main_thread()
        pid = os.fork()
        if pid == 0:
            code = 0
            try:
                parent_end.close()
                _zygote_main(zygote_end, memory_bytes, watch)
            except BaseException:  # never return into the caller's stack
                code = 70
            finally:
                os._exit(code)
        zygote_end.close()
        self.pid = pid
        self.owner = os.getpid()
        self._control = parent_end

    def spawn(self) -> tuple[int, socket.socket]:
        with self._lock, self._exchange():
            self._control.sendall(_ZYGOTE_OP.pack(b"S", 0))
            message, fds, _flags, _addr = socket.recv_fds(self._control, 4, 1)
        if len(message) != 4 or len(fds) != 1:
            for fd in fds:
                os.close(fd)
            raise SandboxError("sandbox", "the zygote did not hand over a child")
        return struct.unpack("!i", message)[0], socket.socket(fileno=fds[0])

    def wait(self, pid: int) -> tuple[int, float]:
        """How child ``pid`` ended (wait status) and the CPU it used; blocks until it has."""
        with self._lock, self._exchange():
            self._control.sendall(_ZYGOTE_OP.pack(b"W", pid))
            answer = _recv_exact(self._control, _STATUS.size)
        if not answer:
            raise SandboxError("sandbox", "the zygote is gone")
        status, cpu = _STATUS.unpack(answer)
        return status, cpu

    def kill(self, pid: int) -> None:
        with self._lock, self._exchange():
            self._control.sendall(_ZYGOTE_OP.pack(b"K", pid))
            _recv_exact(self._control, _STATUS.size)

    @contextlib.contextmanager
    def _exchange(self) -> Iterator[None]:
        """One request and its answer. Interrupted between the two (a job timeout's signal, an
        error), the answer would be read as the next request's: the zygote is given up instead."""
        try:
            yield
        except BaseException:
            self.close()
            raise

    @property
    def closed(self) -> bool:
        return self._control.fileno() == -1

    def close(self) -> None:
        self._control.close()  # the zygote reads EOF and exits
        if self.owner == os.getpid():
            with contextlib.suppress(ChildProcessError):
                os.waitpid(self.pid, 0)
