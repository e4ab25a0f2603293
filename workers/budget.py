"""A CPU budget for every parser of outside bytes: the work runs in a child process the kernel stops.

A page needs no malice to be costly (docs/budget.md): lxml and trafilatura spent 639 s of
CPU on one 4.8 MB page of 600,000 tiny paragraphs, mostly inside C calls that hold the
GIL, where no Python timer or signal handler can stop them and the worker's heartbeat
thread may not get to run. So parsing of outside bytes (article pages, feeds, listing
pages, sitemaps; robots.txt is cheap by its size cap, workers/robots.py) runs in a small,
long-lived child process that the kernel stops at its CPU budget (workers/sandbox.py: the
child, the zygote that forks it, and the wire between them). This module is the worker's
side: a pool of those children, and the calls that run in them.

* **A stopped child is replaced**; the caller gets :class:`BudgetExceeded`. The caller also
  gives up on a child that answers nothing for ``wall_seconds`` (a loaded machine slows CPU
  time down; a stuck child uses none).
* **The worker stays alive to the world.** It waits on a socket, without the GIL, so its
  heartbeat thread renews the job's lease (docs/delivery.md) while a page grinds.

Adapters are plain functions ``(payload: bytes, params: dict) -> dict`` of JSON values,
registered by name (:data:`ADAPTERS`, :func:`register`); the child imports them by
dotted path, so an adapter registered after the child started still works. What a page
may cost before it is even parsed is workers/costs.py.

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
import json
import logging
import os
import select
import socket
import threading
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from workers import sandbox
from workers.errors import BudgetExceeded, PressroomError, SandboxError

log = logging.getLogger(__name__)

# name -> "module:function" of an adapter ``(payload: bytes, params: dict) -> dict``.
ADAPTERS: dict[str, str] = {
    "extract_article": "workers.costs:extract_article_adapter",
    "extract_pdf": "workers.pdf:extract_pdf_adapter",
    "parse_feed": "workers.sources.sandboxed:parse_feed_adapter",
    "find_links": "workers.sources.sandboxed:find_links_adapter",
    "parse_sitemap": "workers.sources.sandboxed:parse_sitemap_adapter",
}

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
        """Did the child use MIN_PROGRESS seconds of CPU since the last wall deadline?"""
        used = sandbox.cpu_used(child.pid)
        if used is None:
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
        body = sandbox.read_answer(child.sock)
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
            self._finish(None, sandbox.rebuild_error(answer["error"], self.what), cpu)
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
        if sandbox.stopped_at_budget(status):
            return BudgetExceeded(self.what, self.name, self._cpu_budget), cpu
        how = sandbox.how_it_ended(status)
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
        self._zygote: sandbox.Zygote | None = None
        self._idle: list[_Child] = []
        self._busy = 0

    def start(self) -> None:
        """Start the zygote now. Call it while the process has a single thread (a worker's
        start); otherwise the first call starts it."""
        with self._lock:
            self._zygote_here()

    def _zygote_here(self) -> sandbox.Zygote:
        """The zygote of this process (a fork of a process that had one does not share it)."""
        if self._zygote is None or self._zygote.owner != os.getpid() or self._zygote.closed:
            if self._zygote is not None:  # dead, or inherited across a fork: not ours to use or reap
                for child in self._idle:  # they die with their zygote
                    child.sock.close()
                self._idle = []
                if self._zygote.owner != os.getpid():
                    self._busy = 0  # the parent's calls; a dead zygote's running calls give theirs back
                self._zygote.close()
            self._zygote = sandbox.Zygote(self.memory_bytes)
        return self._zygote

    def submit(
        self, name: str, payload: bytes, params: Mapping[str, Any] | None = None, *, what: str
    ) -> Pending:
        """Send one call to an idle child (starting one if none is idle) and return at once."""
        try:
            target = ADAPTERS[name]
        except KeyError:
            raise ValueError(f"no sandbox adapter named {name!r} (workers.budget.register)") from None
        header = sandbox.encode_call(target, params or {}, self.cpu_seconds)
        child = self._take()
        try:
            sandbox.send_call(child.sock, header, payload)
        except OSError:  # it died idle (killed from outside): a fresh one gets the call
            self._discard(child)
            child = self._sent(header, payload)
        except BaseException:  # its slot is given back; a half-sent call leaves it unusable
            self._discard(child)
            raise
        child.calls += 1
        return Pending(self, child, name, what, self.cpu_seconds)

    def _sent(self, header: bytes, payload: bytes) -> _Child:
        """A call sent to a fresh child, or its slot given back."""
        child = self._take()
        try:
            sandbox.send_call(child.sock, header, payload)
        except BaseException:
            self._discard(child)
            raise
        return child

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
        except BaseException as exc:
            if not isinstance(exc, OSError | PressroomError):  # a job timeout's signal, say
                with self._lock:
                    self._busy -= 1
                    self._lock.notify()
                raise
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
