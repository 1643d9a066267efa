"""``kg serve``'s Oxigraph child kept running: restarted on the same store when it dies, within a bound.

The Oxigraph server can die under a request (a query whose expression tree is deep enough
overflows the stack of its answering thread, and the whole server aborts), and a site whose
every query page and ``/query`` need it would then be down for good. :class:`Supervisor`
watches the child from a thread of ``kg serve``'s main process. It stops the child itself when a
worker asks (:meth:`Health.ask_restart`: a query went on :data:`kg.limits.SERVE_OVERRUN` seconds
past its time limit, which only the end of the server stops) or when the child holds more than
``max_memory`` MB beyond what it held once started (a query of doubling strings grew it from 38 MB
to 1.6 GB in 5 s); it looks every :data:`LOOK` seconds, and sleeps in between (:class:`EndOf`: the
child's end wakes it at once). When the child ends, asked or not, it

1. marks the shared :class:`Health` as restarting, so that every process answering requests
   (the forked ``--workers`` too) answers what needs the child with 503 and ``Retry-After``
   (a page in the reader's language for a browser, a plain message for a SPARQL client), while
   what does not need it (entity pages, the explorer, answers already cached) goes on;
2. writes one line on stderr (the exit code or signal and the child's last words, or why it
   stopped it);
3. starts the child again on the same store and port (:meth:`Child.spawn`), waits until it
   answers (:meth:`Child.wait_ready`), marks it up and says so in one more line.

The pause before a restart doubles with each death within :data:`kg.limits.SERVE_RESTART_WINDOW`
seconds (none before the first, at most :data:`LONGEST_PAUSE`), so a crash loop does not spin. A
child that came up and died again is always restarted: its deaths are the requests' doing, and
giving up would let a handful of requests end the service. It gives up (``on_give_up``; ``kg
serve`` then ends with :class:`kg.errors.ServerError`, exit 6) when the child could not be started
again :data:`kg.limits.SERVE_RESTARTS` times within the window (a broken store, a busy port, a
machine out of memory), as supervisord gives up on a program that fails to start (``startretries``)
but restarts one that ran. Our own code because the child is bound to this process's life
(``PR_SET_PDEATHSIG``), which an outside supervisor would not keep, and because the state must
reach the forked workers.

Linux delivers ``PR_SET_PDEATHSIG`` when the *thread* that started the child ends: the children this
supervisor starts live as long as its thread, which runs until :meth:`Supervisor.stop`.
"""

from __future__ import annotations

import collections
import math
import mmap
import os
import select
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, Protocol

from kg.errors import ServerError
from kg.limits import SERVE_OVERRUN, SERVE_RESTART_WINDOW, SERVE_RESTARTS

#: The first pause between a death and a restart after the first one in the window (seconds; doubled each time).
FIRST_PAUSE = 0.1
#: The longest pause between two restarts (seconds).
LONGEST_PAUSE = 2.0
#: Seconds between two looks at the running child (asked to restart it? its memory?).
LOOK = 0.1


class Health:
    """Whether the Oxigraph child answers now, in one page of memory shared with the processes forked after it.

    >>> health = Health()
    >>> health.restarting() is None
    True
    >>> health.set_restarting(3); health.restarting()
    3
    >>> health.set_up(); health.restarting() is None
    True
    """

    def __init__(self) -> None:
        # Anonymous and shared (MAP_SHARED): a forked worker reads what the main process writes, at the
        # cost of reading a byte per request; and the main process what a worker asks (:meth:`ask_restart`).
        self._page = mmap.mmap(-1, 3)

    def restarting(self) -> int | None:
        """Seconds a client should wait (``Retry-After``) while the child is restarting; None when it is up."""
        return None if self._page[0] == 0 else max(1, self._page[1])

    def set_restarting(self, retry_after: int = 1) -> None:
        self._page[1] = min(max(1, retry_after), 255)
        self._page[0] = 1

    def set_up(self) -> None:
        self._page[0] = 0

    def ask_restart(self) -> None:
        """Ask the supervisor (in kg serve's main process) to restart the child: a query in it ran past its
        time limit by :data:`kg.limits.SERVE_OVERRUN` seconds, and only its end stops it."""
        self._page[2] = 1

    def restart_asked(self) -> bool:
        """Whether a restart was asked since the last look (the request is taken)."""
        asked = self._page[2] == 1
        self._page[2] = 0
        return asked


class Child(Protocol):
    """What the supervisor needs of the child: its process, how to start it again and its log."""

    process: subprocess.Popen[bytes]

    def spawn(self) -> None: ...  # start it again on the same store and port (a ServerError if it cannot)

    def wait_ready(self, stopping: threading.Event) -> None: ...  # until it answers, else a ServerError

    def stderr(self) -> str: ...


#: Held while a line is written: the supervisors of kg serve's two Oxigraph processes report from two threads.
_SAYING = threading.Lock()


def say(line: str) -> None:
    """One line on stderr, where ``kg serve`` reports, whole (``print`` writes a line and its end apart)."""
    with _SAYING:
        sys.stderr.write(line + "\n")
        sys.stderr.flush()


def exit_reason(code: int) -> str:
    """How a process ended, in words: ``code 3``, ``signal 9 (SIGKILL)``.

    >>> exit_reason(3), exit_reason(-9), exit_reason(-6)
    ('code 3', 'signal 9 (SIGKILL)', 'signal 6 (SIGABRT)')
    """
    if code >= 0:
        return f"code {code}"
    try:
        name = signal.Signals(-code).name
    except ValueError:
        return f"signal {-code}"
    return f"signal {-code} ({name})"


#: What the Oxigraph server writes when it starts: never a reason it stopped.
_STARTED = "Listening for requests"


def last_words(log: str) -> str:
    """The last line a dying child wrote (``fatal runtime error: stack overflow, aborting``), cut to 200
    characters; nothing if its last line is the one it wrote when it started (a child killed says nothing).

    >>> last_words("Listening for requests at x\\nthread 'a' has overflowed its stack\\nfatal runtime error")
    'fatal runtime error'
    >>> last_words("Listening for requests at http://127.0.0.1:1\\n")
    ''
    """
    lines = [line.strip() for line in log.splitlines() if line.strip()]
    return lines[-1][:200] if lines and not lines[-1].startswith(_STARTED) else ""


def one_line(text: str, width: int = 300) -> str:
    """A message on one line: its first line, and its last if it has more, cut to ``width`` characters.

    >>> one_line("the server exited with code 1:\\nstarting\\nError: bad store")
    'the server exited with code 1: … Error: bad store'
    """
    lines = [line.strip() for line in text.splitlines() if line.strip()] or [""]
    said = lines[0] if len(lines) == 1 else f"{lines[0]} … {lines[-1]}"
    return said if len(said) <= width else said[: width - 1] + "…"


class Supervisor:
    """Restarts ``child`` when it dies (see the module docstring), until :meth:`stop` or it gives up."""

    def __init__(
        self,
        child: Child,
        health: Health,
        *,
        on_give_up: Callable[[], Any] = lambda: None,
        restarts: int = SERVE_RESTARTS,
        window: float = SERVE_RESTART_WINDOW,
        report: Callable[[str], Any] = say,
        clock: Callable[[], float] = time.monotonic,
        max_memory: int | None = None,
        name: str = "the oxigraph server",
    ) -> None:
        self.child = child
        self.name = name  # the child in the lines said: "the oxigraph server", "the first-try oxigraph server"
        self.health = health
        self.on_give_up = on_give_up
        self.restarts = restarts
        self.window = window
        self.report = report
        self.clock = clock
        self.max_memory = max_memory  # MB the child may add to what it held once started; past it, it is restarted
        self._baseline = 0  # MB the child held once it answered
        #: Why it gave up (the message of kg serve's error), or None while it has not.
        self.gave_up: str | None = None
        self._deaths: collections.deque[float] = collections.deque()  # deaths within the window: the pause
        self._failures: collections.deque[float] = collections.deque()  # failed starts within it: giving up
        self._lock = threading.Lock()
        self._stopping = threading.Event()
        self._thread = threading.Thread(target=self._watch, name="kg-supervisor", daemon=True)

    def start(self) -> None:
        """Watch the child (which answers by now) from a thread of this process."""
        self._baseline = resident_mb(self.child.process.pid)
        self._thread.start()

    def stop(self) -> None:
        """Restart nothing from now on: call it before stopping the child, whose end then ends the watch."""
        with self._lock:
            self._stopping.set()

    def join(self, timeout: float | None = None) -> None:
        """Wait for the watch to end (after :meth:`stop` and the child's end, or after giving up)."""
        self._thread.join(timeout)

    def _watch(self) -> None:
        while True:
            code, why = self._until_it_stops()
            if self._stopping.is_set():
                return
            now = self.clock()
            while self._deaths and self._deaths[0] <= now - self.window:
                self._deaths.popleft()
            self._deaths.append(now)
            pause = 0.0 if len(self._deaths) == 1 else min(FIRST_PAUSE * 2 ** (len(self._deaths) - 2), LONGEST_PAUSE)
            self.health.set_restarting(math.ceil(pause + 1))
            if why is None:
                words = last_words(self.child.stderr())
                why = f"stopped with {exit_reason(code)}" + (f" ({words})" if words else "")
            self.report(f"kg serve: {self.name} {why}; restarting it on the same store")
            if self._restart(pause):
                return
            if self.gave_up is not None:
                self.on_give_up()
                return

    def _until_it_stops(self) -> tuple[int, str | None]:
        """Wait for the child to end, looking every :data:`LOOK` seconds whether it must be stopped (a worker
        asked, or it holds more memory than allowed): its exit code, and why it was stopped (None: it died)."""
        why = None
        with EndOf(self.child.process) as end:
            while True:
                code = end.within(LOOK)
                if code is not None:
                    return code, why
                if why is None and not self._stopping.is_set():
                    why = self._why_stop()

    def _why_stop(self) -> str | None:
        """Why the running child must be stopped now (a worker asked, or it holds too much memory), having stopped
        it; None if it may go on."""
        why = None
        if self.health.restart_asked():
            why = f"was stopped: a query went on {SERVE_OVERRUN:g} s past kg serve's time limit in it"
        elif self.max_memory and (held := resident_mb(self.child.process.pid)) - self._baseline > self.max_memory:
            why = (
                f"was stopped: it held {held} MB, more than the {self._baseline} MB it held once started and "
                f"the {self.max_memory} MB its queries may add (kg serve --max-memory)"
            )
        if why is not None:
            self.child.process.kill()
        return why

    def _restart(self, pause: float) -> bool:
        """Start the child again after ``pause`` seconds and wait until it answers; True if told to stop."""
        if self._stopping.wait(pause):
            return True
        began = time.monotonic()
        with self._lock:  # stop() then stops the child this starts, never one started after it
            if self._stopping.is_set():
                return True
            try:
                self.child.spawn()
            except (ServerError, OSError) as exc:
                self.report(f"kg serve: {self.name} could not be restarted: {one_line(str(exc))}")
                self._failed(str(exc))
                return False
        try:
            self.child.wait_ready(self._stopping)
        except ServerError as exc:
            if self._stopping.is_set():
                return True
            restarted = self.name.removeprefix("the ")
            self.report(f"kg serve: the restarted {restarted} did not come up: {one_line(str(exc))}")
            if self.child.process.poll() is None:
                self.child.process.kill()  # its wait() ends at once: counted as one more stop
            self._failed(str(exc))
            return False
        self._failures.clear()
        self._baseline = resident_mb(self.child.process.pid)
        self.health.set_up()
        self.report(f"kg serve: {self.name} answers again ({time.monotonic() - began:.1f} s)")
        return False

    def _failed(self, reason: str) -> None:
        """Count a start that failed; past :attr:`restarts` of them within :attr:`window` seconds, give up."""
        now = self.clock()
        while self._failures and self._failures[0] <= now - self.window:
            self._failures.popleft()
        self._failures.append(now)
        if len(self._failures) >= self.restarts:
            self.gave_up = (
                f"{self.name} could not be started again, {len(self._failures)} times within "
                f"{self.window:g} s: kg serve gives up ({last_words(reason)})"
            )


class EndOf:
    """The end of a child process, waited for asleep: on Linux a ``poll`` of its pidfd, which its end wakes, the
    GIL released for the whole wait. ``Popen.wait(timeout)`` instead wakes every 1-50 ms to ask (some 75 times a
    second for a 0.1 s look), and each of those takes the GIL from kg serve's event loop, which then waits for
    this thread, and for a core to run it on a busy machine. Elsewhere (no pidfd), that is what it does."""

    def __init__(self, process: subprocess.Popen[Any]) -> None:
        self.process = process
        self._fd: int | None = None
        self._poll: Any = None
        opener = getattr(os, "pidfd_open", None)
        if opener is not None and process.returncode is None:
            try:
                self._fd = opener(process.pid)
            except OSError:  # an old kernel; or the process is gone, which wait() reports at once
                return
            self._poll = select.poll()  # not select(): the pidfd's number may be past FD_SETSIZE
            self._poll.register(self._fd, select.POLLIN)

    def within(self, seconds: float) -> int | None:
        """The exit code if the process has ended or ends within ``seconds`` (it is reaped), else None."""
        if self._poll is None or self.process.returncode is not None:
            try:
                return self.process.wait(timeout=seconds)
            except subprocess.TimeoutExpired:
                return None
        if not self._poll.poll(max(0, round(seconds * 1000))):
            return None
        return self.process.wait()  # it has ended: reaped at once

    def __enter__(self) -> EndOf:
        return self

    def __exit__(self, *exc: object) -> None:
        if self._fd is not None:
            os.close(self._fd)
            self._fd = None


def resident_mb(pid: int) -> int:
    """The memory process ``pid`` holds (resident set, MB); 0 if it cannot be read."""
    try:
        pages = int(Path(f"/proc/{pid}/statm").read_text(encoding="utf-8").split()[1])
    except (OSError, ValueError, IndexError):
        return 0
    return pages * mmap.PAGESIZE // (1024 * 1024)
