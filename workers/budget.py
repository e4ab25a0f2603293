"""A CPU budget for every parser of outside bytes: the work runs in a child process the kernel stops.

A page needs no malice to be costly (docs/budget.md): lxml and trafilatura spent 639 s of
CPU on one 4.8 MB page of 600,000 tiny paragraphs, mostly inside C calls that hold the
GIL, where no Python timer or signal handler can stop them and the worker's heartbeat
thread may not get to run. So parsing of outside
bytes (article pages, feeds, listing pages, sitemaps; robots.txt is cheap by its size cap,
workers/robots.py) runs in a small, long-lived child process, forked (not exec'd: it shares
the worker's loaded libraries) and fed over a socket:

    worker ──(JSON header + raw bytes)──► child: adapter(payload, params) -> dict
           ◄──────────(JSON result)──────

* **The kernel enforces the budget.** Before each request the child arms ``ITIMER_PROF``
  with the budget; when the child's CPU time reaches it, the kernel sends SIGPROF, whose
  default action ends the process, whatever C code it is in. ``RLIMIT_CPU`` backs that up
  (SIGXCPU), ``RLIMIT_AS`` caps its memory, and the caller gives up on a child that
  answers nothing for ``wall_seconds`` (a loaded machine slows CPU time down; a stuck
  child uses none). A stopped child is replaced; the caller gets :class:`BudgetExceeded`.
* **Nothing is unpickled.** The child parsed hostile bytes: its answer is JSON, and an
  error comes back as the name of a class in :mod:`workers.errors` plus its message.
* **The worker stays alive to the world.** It waits on a socket, without the GIL, so its
  heartbeat thread renews the job's lease (docs/delivery.md) while a page grinds.
* **Forks come from a zygote.** Children are forked by a small process forked from the
  worker at its start, while it has one thread: a child forked from a threaded worker
  could inherit a lock some other thread held. The zygote also reaps the children and
  tells the worker how each one ended (so a budget kill is told from a crash).

Adapters are plain functions ``(payload: bytes, params: dict) -> dict`` of JSON values,
registered by name (:data:`ADAPTERS`, :func:`register`); the child imports them by
dotted path, so an adapter registered after the child started still works.

Use::

    budget = Budget(cpu_seconds=10)
    result = budget.run("extract_article", html, {"url": url}, what=url)   # blocking
    pending = budget.submit("extract_article", html, {"url": url}, what=url)  # or in two steps
    try:
        result = pending.result(timeout=1.0)
    except TimeoutError:
        ...  # still running in its child: carry on, collect it later
    budget.close()

A ``Budget`` is thread-safe: each call takes an idle child or starts another one, up to
``max_children`` (callers beyond that wait for one to come free).
"""

from __future__ import annotations

import contextlib
import importlib
import json
import logging
import math
import os
import resource
import select
import signal
import socket
import struct
import threading
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import asdict, dataclass
from typing import Any

from redis import Redis

from workers import constants as names
from workers import errors
from workers.errors import BudgetExceeded, PageRefused, PressroomError, SandboxError
from workers.lifeline import die_with_parent
from workers.rediscodec import text

log = logging.getLogger(__name__)

# name -> "module:function" of an adapter ``(payload: bytes, params: dict) -> dict``.
ADAPTERS: dict[str, str] = {
    "extract_article": "workers.budget:extract_article_adapter",
    "extract_pdf": "workers.pdf:extract_pdf_adapter",
    "parse_feed": "workers.sources.sandboxed:parse_feed_adapter",
    "find_links": "workers.sources.sandboxed:find_links_adapter",
    "parse_sitemap": "workers.sources.sandboxed:parse_sitemap_adapter",
}

Adapter = Callable[[bytes, dict[str, Any]], dict[str, Any]]

# How much a child's address space may grow past what it inherited from the worker (the
# libraries and the model are mapped already). The costliest page measured reached 950 MiB
# within its 10 s budget (docs/budget.md); past this the page is stopped as over its memory budget.
MEMORY_HEADROOM = 2 * 2**30
# A child that answers nothing for this many times its CPU budget (plus WALL_SLACK), and
# used less than MIN_PROGRESS of CPU in that time, is killed: a stuck child uses none. One
# that is working, only slowly (a loaded machine, a parked call at a low priority), is given
# another period: its CPU budget ends it.
WALL_FACTOR = 2.0
WALL_SLACK = 10.0
MIN_PROGRESS = 0.1
# The niceness of a call left running beside its batch (Pending.yield_cpu): at 10 it gets
# about a tenth of a core that ordinary work also wants (the kernel's weights: 110 to 1024).
PARKED_NICE = 10
# A child is replaced after this many calls: the libraries' caches grow in it, not in the worker.
CALLS_PER_CHILD = 2000
# ... and after a call that cost this much CPU: such a page grew its heap (lxml and Python keep
# what they took: 950 MiB for the costliest page measured), which an ordinary page never needs.
FRESH_AFTER_CPU = 1.0
# An answer larger than this is not read (the adapters return text capped far below it).
MAX_ANSWER = 64 * 2**20

_REQUEST = struct.Struct("!II")  # header length, payload length
_ANSWER = struct.Struct("!I")  # body length
_ZYGOTE_OP = struct.Struct("!ci")  # op, pid
_STATUS = struct.Struct("!id")  # wait status, CPU seconds the child used in all


def register(name: str, target: str) -> None:
    """Make the adapter at ``target`` ("package.module:function") callable as ``name``."""
    module, sep, function = target.partition(":")
    if not (module and sep and function):
        raise ValueError(f"adapter {name!r}: expected 'package.module:function', got {target!r}")
    ADAPTERS[name] = target


@dataclass(frozen=True)
class Cost:
    """What one call cost its child: CPU seconds (user + system) and wall seconds."""

    cpu: float
    wall: float


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


def _rebuild(described: Mapping[str, Any], where: str) -> PressroomError:
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
            _, status, usage = os.wait4(pid, 0)
            control.sendall(_STATUS.pack(status, usage.ru_utime + usage.ru_stime))
        elif op == b"K":
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
            control.sendall(_STATUS.pack(0, 0.0))


# ---- the worker side --------------------------------------------------------------------


class _Zygote:
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
        with self._lock:
            self._control.sendall(_ZYGOTE_OP.pack(b"S", 0))
            message, fds, _flags, _addr = socket.recv_fds(self._control, 4, 1)
        if len(message) != 4 or len(fds) != 1:
            for fd in fds:
                os.close(fd)
            raise SandboxError("sandbox", "the zygote did not hand over a child")
        return struct.unpack("!i", message)[0], socket.socket(fileno=fds[0])

    def wait(self, pid: int) -> tuple[int, float]:
        """How child ``pid`` ended (wait status) and the CPU it used; blocks until it has."""
        with self._lock:
            self._control.sendall(_ZYGOTE_OP.pack(b"W", pid))
            answer = _recv_exact(self._control, _STATUS.size)
        if not answer:
            raise SandboxError("sandbox", "the zygote is gone")
        status, cpu = _STATUS.unpack(answer)
        return status, cpu

    def kill(self, pid: int) -> None:
        with self._lock:
            self._control.sendall(_ZYGOTE_OP.pack(b"K", pid))
            _recv_exact(self._control, _STATUS.size)

    def close(self) -> None:
        self._control.close()  # the zygote reads EOF and exits
        if self.owner == os.getpid():
            with contextlib.suppress(ChildProcessError):
                os.waitpid(self.pid, 0)


@dataclass
class _Child:
    pid: int
    sock: socket.socket
    calls: int = 0
    niced: bool = False
    costly: bool = False  # its last call cost FRESH_AFTER_CPU or more
    cpu: float = 0.0  # CPU its answered calls reported: the rest of its total is the call it died in


class Pending:
    """One call running in its child; :meth:`result` collects it (once)."""

    def __init__(self, budget: Budget, child: _Child, name: str, what: str, cpu_budget: float) -> None:
        self._budget = budget
        self._child: _Child | None = child
        self.name = name  # the adapter's name
        self.what = what  # what the call works on (a URL), for errors and logs
        self._cpu_budget = cpu_budget
        self._started = time.monotonic()
        self._wall_deadline = self._started + budget.wall_seconds
        self._cpu_mark = child.cpu  # the child's CPU at the last wall deadline (its earlier calls at first)
        self._value: dict[str, Any] | None = None
        self._error: PressroomError | None = None
        self.cost: Cost | None = None  # set once the result (or the error) is in

    def _progressed(self, child: _Child) -> bool:
        """Did the child use MIN_PROGRESS seconds of CPU since the last wall deadline?
        (/proc/<pid>/stat: it is the zygote's child, alive or a zombie, so the pid is its own.)"""
        try:
            with open(f"/proc/{child.pid}/stat", "rb") as stat:
                fields = stat.read().rpartition(b")")[2].split()
            used = (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")  # utime, stime
        except (OSError, ValueError, IndexError):
            return False
        progressed = used - self._cpu_mark >= MIN_PROGRESS
        self._cpu_mark = used
        return progressed

    @property
    def error(self) -> PressroomError | None:
        """The call's error once it is in (None while running or after a result)."""
        return self._error

    def done(self) -> bool:
        """True when :meth:`result` would not wait."""
        if self._child is None:
            return True
        ready, _, _ = select.select([self._child.sock], [], [], 0)
        return bool(ready)

    def result(self, timeout: float | None = None) -> dict[str, Any]:
        """The adapter's result. Raises TimeoutError if it is still running after ``timeout``
        seconds (call again later), :class:`BudgetExceeded` if the child was stopped, or the
        adapter's own :class:`PressroomError` (same class, same message)."""
        if self._child is not None:
            try:
                self._collect(timeout)
            except TimeoutError:
                raise
            except BaseException:  # an RQ job timeout, Ctrl+C: the child's answer is lost
                self._discard()
                raise
        if self._error is not None:
            raise self._error
        assert self._value is not None
        return self._value

    def _collect(self, timeout: float | None) -> None:
        child = self._child
        assert child is not None
        give_up = None if timeout is None else time.monotonic() + timeout
        while True:
            now = time.monotonic()
            wait = self._wall_deadline - now
            if give_up is not None:
                wait = min(wait, give_up - now)
            ready, _, _ = select.select([child.sock], [], [], max(0.0, wait))
            if ready:
                break
            now = time.monotonic()
            if now >= self._wall_deadline and self._progressed(child):
                self._wall_deadline = now + self._budget.wall_seconds
            elif now >= self._wall_deadline:
                self._budget._kill(child)
                _status, cpu = self._budget._reap(child)
                stopped = BudgetExceeded(self.what, self.name, self._budget.wall_seconds, kind="wall")
                self._finish(None, stopped, max(0.0, cpu - child.cpu))
                return
            if give_up is not None and now >= give_up:
                raise TimeoutError(f"{self.what}: {self.name} still running")
        try:
            head = _recv_exact(child.sock, _ANSWER.size)
            size = _ANSWER.unpack(head)[0] if head else 0
            if size > MAX_ANSWER:
                raise EOFError(f"answer of {size} bytes")
            body = _recv_exact(child.sock, size) if head else b""
        except (OSError, EOFError):
            head = body = b""
        if not body:  # the child died: ask the zygote how
            self._finish(None, *self._death(child))
            return
        try:
            answer = json.loads(body)
        except ValueError:
            self._budget._discard(child)
            self._finish(None, SandboxError(self.what, f"{self.name}: unreadable answer"), self._cpu_budget)
            return
        cpu = float(answer.get("cpu") or 0.0)
        child.cpu += cpu
        child.costly = cpu >= FRESH_AFTER_CPU
        if "ok" in answer and isinstance(answer["ok"], dict):
            self._budget._release(child)
            self._finish(answer["ok"], None, cpu)
        elif "error" in answer and isinstance(answer["error"], dict):
            self._budget._release(child)
            self._finish(None, _rebuild(answer["error"], self.what), cpu)
        elif answer.get("memory"):
            self._budget._discard(child)
            self._finish(None, BudgetExceeded(self.what, self.name, self._cpu_budget, kind="memory"), cpu)
        else:
            self._budget._release(child)
            crash = str(answer.get("crash") or "no result")
            self._finish(None, SandboxError(self.what, f"{self.name} failed: {crash}"), cpu)

    def _death(self, child: _Child) -> tuple[PressroomError, float]:
        status, total = self._budget._reap(child)
        cpu = max(0.0, total - child.cpu)
        if os.WIFSIGNALED(status) and os.WTERMSIG(status) in (signal.SIGPROF, signal.SIGXCPU):
            return BudgetExceeded(self.what, self.name, self._cpu_budget), cpu
        how = (
            f"signal {signal.Signals(os.WTERMSIG(status)).name}"
            if os.WIFSIGNALED(status)
            else f"exit code {os.WEXITSTATUS(status)}"
        )
        return SandboxError(self.what, f"{self.name}: the parsing process died ({how})", transient=True), cpu

    def _finish(self, value: dict[str, Any] | None, error: PressroomError | None, cpu: float) -> None:
        self._child = None
        self._value, self._error = value, error
        self.cost = Cost(cpu=cpu, wall=time.monotonic() - self._started)
        self._budget._observe(self)

    def yield_cpu(self) -> None:
        """Run the rest of this call at a low CPU priority (nice PARKED_NICE): a costly page
        left running beside its batch then takes the cores only when nothing else wants them.
        Its CPU budget is unchanged; on a busy machine the wall-clock guard may stop it first."""
        child = self._child
        if child is not None and not child.niced:
            with contextlib.suppress(OSError):  # gone already: result() will say how
                os.setpriority(os.PRIO_PROCESS, child.pid, PARKED_NICE)
                child.niced = True

    def cancel(self) -> None:
        """Stop the call if it is still running (its child is killed); its outcome is dropped."""
        self._discard()

    def _discard(self) -> None:
        if self._child is not None:
            child, self._child = self._child, None
            with contextlib.suppress(OSError, PressroomError):
                self._budget._kill(child)
                self._budget._reap(child)

    def __del__(self) -> None:  # never collected: its child must not stay busy for good
        with contextlib.suppress(Exception):
            self._discard()


def wait(pendings: Sequence[Pending], timeout: float | None = None) -> list[Pending]:
    """Those of ``pendings`` whose :meth:`Pending.result` would not wait (or must now stop a
    silent child); waits up to ``timeout`` seconds for the first of them, without the GIL."""
    now = time.monotonic()
    due = [p for p in pendings if p._child is None or now >= p._wall_deadline]
    if due or not pendings:
        return due
    limit = min(p._wall_deadline for p in pendings) - now
    if timeout is not None:
        limit = min(limit, timeout)
    socks = {p._child.sock: p for p in pendings if p._child is not None}
    ready, _, _ = select.select(list(socks), [], [], max(0.0, limit))
    now = time.monotonic()
    return [p for p in pendings if p._child is None or p._child.sock in ready or now >= p._wall_deadline]


class Budget:
    """A pool of sandbox children that run adapters within a CPU budget per call."""

    def __init__(
        self,
        cpu_seconds: float,
        *,
        memory_bytes: int | None = None,
        wall_seconds: float | None = None,
        max_children: int = 4,
        on_cost: Callable[[Pending], None] | None = None,
    ) -> None:
        """``cpu_seconds``: the budget of one call; ``memory_bytes``: how much a child may
        grow beyond what it inherited (None: MEMORY_HEADROOM); ``wall_seconds``: give up on a
        child silent this long (None: WALL_FACTOR times the budget plus WALL_SLACK);
        ``on_cost``: called with each finished call (metrics)."""
        if cpu_seconds <= 0:
            raise ValueError(f"a CPU budget must be positive, got {cpu_seconds}")
        self.cpu_seconds = cpu_seconds
        self.memory_bytes = MEMORY_HEADROOM if memory_bytes is None else memory_bytes
        self.wall_seconds = (
            wall_seconds if wall_seconds is not None else cpu_seconds * WALL_FACTOR + WALL_SLACK
        )
        self.max_children = max_children
        self._on_cost = on_cost
        self._lock = threading.Condition()
        self._zygote: _Zygote | None = None
        self._idle: list[_Child] = []
        self._busy = 0

    def start(self) -> None:
        """Start the zygote now. Call it while the process has a single thread (a worker's
        start); otherwise the first call starts it."""
        with self._lock:
            self._zygote_here()

    def _zygote_here(self) -> _Zygote:
        """The zygote of this process (a fork of a process that had one does not share it)."""
        if self._zygote is None or self._zygote.owner != os.getpid():
            if self._zygote is not None:  # dead, or inherited across a fork: not ours to use or reap
                for child in self._idle:
                    child.sock.close()
                self._zygote.close()
                self._idle = []
                self._busy = 0
            self._zygote = _Zygote(self.memory_bytes)
        return self._zygote

    def submit(
        self, name: str, payload: bytes, params: Mapping[str, Any] | None = None, *, what: str
    ) -> Pending:
        """Send one call to an idle child (starting one if none is idle) and return at once."""
        try:
            target = ADAPTERS[name]
        except KeyError:
            raise ValueError(f"no sandbox adapter named {name!r} (workers.budget.register)") from None
        header = json.dumps(
            {"target": target, "params": dict(params or {}), "cpu": self.cpu_seconds}
        ).encode()
        child = self._take()
        try:
            child.sock.sendall(_REQUEST.pack(len(header), len(payload)) + header)
            if payload:
                child.sock.sendall(payload)
        except OSError:  # it died idle (killed from outside): a fresh one gets the call
            self._discard(child)
            child = self._take()
            child.sock.sendall(_REQUEST.pack(len(header), len(payload)) + header)
            if payload:
                child.sock.sendall(payload)
        child.calls += 1
        return Pending(self, child, name, what, self.cpu_seconds)

    def run(
        self, name: str, payload: bytes, params: Mapping[str, Any] | None = None, *, what: str
    ) -> dict[str, Any]:
        """``submit(...).result()``: the adapter's result, or its error, or BudgetExceeded."""
        return self.submit(name, payload, params, what=what).result()

    def close(self) -> None:
        """Stop every child and the zygote (a worker leaving, a CLI command done)."""
        with self._lock:
            zygote, self._zygote = self._zygote, None
            idle, self._idle = self._idle, []
            if zygote is None or zygote.owner != os.getpid():
                return
            for child in idle:
                child.sock.close()
                with contextlib.suppress(OSError, PressroomError):
                    zygote.wait(child.pid)
            zygote.close()

    # ---- the pool ----

    def _take(self) -> _Child:
        with self._lock:
            while not self._idle and self._busy >= self.max_children:
                self._lock.wait()
            zygote = self._zygote_here()
            child = self._idle.pop() if self._idle else None
            self._busy += 1
        if child is not None:
            return child
        try:
            pid, sock = zygote.spawn()
        except (OSError, PressroomError):
            with self._lock:  # the zygote died (killed from outside?): one more try, afresh
                if self._zygote is zygote:
                    zygote.close()
                    self._zygote = None
                zygote = self._zygote_here()
            try:
                pid, sock = zygote.spawn()
            except BaseException:
                with self._lock:
                    self._busy -= 1
                    self._lock.notify()
                raise
        return _Child(pid, sock)

    def _release(self, child: _Child) -> None:
        # a process cannot undo its own nice; a costly call leaves the heap it grew behind
        if child.calls >= CALLS_PER_CHILD or child.niced or child.costly:
            self._discard(child)
            return
        with self._lock:
            self._busy -= 1
            self._idle.append(child)
            self._lock.notify()

    def _discard(self, child: _Child) -> None:
        """Hang up on a child that is done with (it exits), and reap it."""
        with contextlib.suppress(OSError, PressroomError):
            self._reap(child)

    def _reap(self, child: _Child) -> tuple[int, float]:
        """Close our end, let the zygote reap the child; its wait status and CPU seconds."""
        child.sock.close()
        with self._lock:
            zygote = self._zygote
            self._busy -= 1
            self._lock.notify()
        if zygote is None or zygote.owner != os.getpid():
            return 0, 0.0
        return zygote.wait(child.pid)

    def _kill(self, child: _Child) -> None:
        zygote = self._zygote
        if zygote is not None and zygote.owner == os.getpid():
            zygote.kill(child.pid)

    def _observe(self, pending: Pending) -> None:
        if self._on_cost is not None:
            try:
                self._on_cost(pending)
            except Exception:  # metrics must not fail a call
                log.exception("recording the cost of %s failed", pending.what)


# ---- adapters ----------------------------------------------------------------------------


def extract_article_adapter(payload: bytes, params: dict[str, Any]) -> dict[str, Any]:
    """workers.extract.extract_article on a page: params ``url``, ``find_date``; the Article as a dict."""
    from workers.extract import extract_article

    url = str(params.get("url", ""))
    refuse_costly_page(
        payload,
        url,
        max_tags=int(params.get("max_tags", MAX_TAGS)),
        max_links=int(params.get("max_links", MAX_LINKS)),
    )
    article = extract_article(payload, url, fast=True, find_date=bool(params.get("find_date", True)))
    return asdict(article)


# Cheap counts on a page's bytes, before any parsing (docs/budget.md has the measurements).
# An article page holds a few thousand elements and at most a few thousand links; lxml and
# trafilatura spend time that grows faster than the count on long runs of paragraphs,
# links or cells, so a page past these is refused in a millisecond instead of spending
# its whole budget. They count bytes ("<", and "<a" followed by a space or ">"), so any
# language, and any encoding that writes markup in ASCII, is counted alike.
MAX_TAGS = 300_000  # "<" in the page: start and end tags, about 150,000 elements
MAX_LINKS = 20_000
_LINK_OPENERS = (b"<a ", b"<a>", b"<a\n", b"<a\t", b"<a\r")


def refuse_costly_page(
    payload: bytes, url: str, *, max_tags: int = MAX_TAGS, max_links: int = MAX_LINKS
) -> None:
    """Raise PageRefused when the bytes hold more tags or links than an article page does
    (0 switches a count off). About 20 ms on a 5 MB page of tags, 80 us on an ordinary
    80 KB page (fewer tags than MAX_LINKS: its links are not counted), under 1% of its
    extraction."""
    tags = payload.count(b"<")
    if max_links and tags > max_links:  # fewer tags than the cap cannot hold more links
        lowered = payload.lower()
        links = sum(lowered.count(opener) for opener in _LINK_OPENERS)
        if links > max_links:  # the more telling reason first
            raise PageRefused(
                url, "too-many-links", f"{links:,} links, more than an article page has ({max_links:,})"
            )
    if max_tags and tags > max_tags:
        raise PageRefused(
            url, "too-many-tags", f"{tags:,} tags, more than an article page has ({max_tags:,})"
        )


# ---- the costliest pages of the last hour (pressroom status) -------------------------------

COSTLY_CPU = 1.0  # a parse that costs this many CPU seconds is logged (an ordinary page: ~10 ms)
COSTLY_WINDOW = 3600.0  # status shows the last hour
COSTLY_MAXLEN = 1000  # the log keeps about this many entries


def record_cost(redis: Redis, pending: Pending, *, feed: str = "", now: float | None = None) -> bool:
    """Log a parse that was costly, refused or stopped in pressroom:costly-pages; True if logged."""
    reason = refusal_reason(pending.error)
    cpu = pending.cost.cpu if pending.cost is not None else 0.0
    if cpu < COSTLY_CPU and not reason:
        return False
    fields = {
        "what": pending.what,
        "feed": feed,
        "parser": pending.name,
        "cpu": f"{cpu:.3f}",
        "outcome": reason or ("error" if pending.error is not None else "ok"),
        "at": f"{time.time() if now is None else now:.3f}",
    }
    redis.xadd(names.COSTLY_PAGES_KEY, fields, maxlen=COSTLY_MAXLEN, approximate=True)  # type: ignore[arg-type]
    return True


def costliest(redis: Redis, *, now: float | None = None, limit: int = 10) -> list[dict[str, Any]]:
    """The costliest parses logged in the last COSTLY_WINDOW seconds, costliest first."""
    since = int(((time.time() if now is None else now) - COSTLY_WINDOW) * 1000)
    rows: list[dict[str, Any]] = []
    found: Any = redis.xrevrange(names.COSTLY_PAGES_KEY, "+", f"{since}-0", count=COSTLY_MAXLEN)
    for _id, raw in found:
        entry = {text(k): text(v) for k, v in raw.items()}
        with contextlib.suppress(KeyError, ValueError):
            rows.append({**entry, "cpu": float(entry["cpu"]), "at": float(entry["at"])})
    rows.sort(key=lambda row: float(row["cpu"]), reverse=True)
    return rows[:limit]


def refusal_reason(error: PressroomError | None) -> str:
    """Why a parse was refused or stopped, as a metric label: too-many-tags, too-many-links,
    cpu-budget, memory-budget, wall-budget; "" for any other outcome."""
    if isinstance(error, BudgetExceeded):
        return f"{error.kind}-budget"
    if isinstance(error, PageRefused):
        return error.what
    return ""
