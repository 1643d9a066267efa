"""``kg serve``'s bound on the queries it starts on Oxigraph: at most so many within any window of its time limit.

Oxigraph's server starts one thread per query that sleeps for the whole time limit (``--timeout-s``) before it
cancels the query, finished or not (``thread::sleep(timeout)`` in its ``evaluate_sparql_query``); a flood of cheap
queries thus holds ``rate × limit`` threads, and when the machine's process ids run out (32 768 by default on
Linux, for every process of the machine) the server aborts. :class:`StartBudget` keeps those threads under a
share of what the machine allows (:func:`start_budget`, :func:`machine_threads`), and starts nothing while the
machine's threads are past three quarters of it (:func:`machine_tasks`), however they came. ``/query``
(:mod:`kg.proxy`) and the pages that run queries take their starts from it.
"""

from __future__ import annotations

import collections
import contextlib
import functools
import math
import threading
import time
from collections.abc import Callable
from pathlib import Path

from kg import limits
from kg.guard import Refused


class StartBudget:
    """At most ``budget`` queries started within any ``window`` seconds; else a 503 with ``Retry-After``.

    It keeps the child's sleeping threads under ``budget`` (see the module docstring); and, with ``machine`` (a
    function giving the machine's threads now and the threads it allows, e.g. :func:`machine_tasks`), no query
    starts while the machine's threads are past ``share`` of what it allows, however they came (other servers,
    other programs).
    """

    def __init__(
        self,
        budget: int,
        window: float,
        *,
        machine: Callable[[], tuple[int, int] | None] | None = None,
        share: float = 0.75,
        every: float = 0.1,
    ) -> None:
        self.budget = budget
        self.window = window
        self.machine = machine
        self.share = share
        self.every = every  # seconds between two looks at the machine's threads
        self._started: collections.deque[float] = collections.deque()
        self._looked = -math.inf
        self._crowded: tuple[int, int] | None = None
        self._lock = threading.Lock()  # the pages that run queries take starts from threads (page_start)

    def take(self, cost: int = 1) -> None:
        """Count ``cost`` starts now; a :class:`~kg.guard.Refused` (503 with ``Retry-After``) past the budget."""
        with self._lock:
            self._take(cost)

    def _take(self, cost: int) -> None:
        now = time.monotonic()
        started = self._started
        while started and started[0] <= now - self.window:
            started.popleft()
        if len(started) + cost > self.budget:
            wait = max(1, math.ceil(started[0] + self.window - now)) if started else 1
            raise Refused(
                503,
                f"kg serve is busy: {self.budget} queries started in the last {self.window:g} s; try again shortly",
                [(b"retry-after", str(wait).encode())],
            )
        if self.machine is not None and now - self._looked >= self.every:
            self._looked = now
            seen = self.machine()
            self._crowded = seen if seen is not None and seen[0] + cost > seen[1] * self.share else None
        if self._crowded is not None:
            tasks, allowed = self._crowded
            raise Refused(
                503,
                f"kg serve is busy: the machine runs {tasks} of the {allowed} threads it allows; try again shortly",
                [(b"retry-after", b"1")],
            )
        started.extend([now] * cost)


def machine_tasks() -> tuple[int, int] | None:
    """The threads the machine runs now (``/proc/loadavg``) and those it allows (:func:`machine_threads`).

    Called at every look of a :class:`StartBudget`: only ``/proc/loadavg`` is read each time, the fixed limits once.
    """
    allowed = machine_threads()
    try:
        tasks = int(Path("/proc/loadavg").read_text(encoding="utf-8").split()[3].split("/")[1])
    except (OSError, ValueError, IndexError):
        return None
    return (tasks, allowed) if allowed is not None else None


@functools.cache
def machine_threads() -> int | None:
    """The threads this machine lets this user have: the least of the kernel's process ids (``pid_max``), its
    threads (``threads-max``) and the user's processes (``RLIMIT_NPROC``); None where none can be read.

    Read once per process (fixed while it runs; ``cache_clear()`` reads them again).
    """
    allowed = []
    for name in ("pid_max", "threads-max"):
        with contextlib.suppress(OSError, ValueError):
            allowed.append(int(Path("/proc/sys/kernel", name).read_text(encoding="utf-8")))
    try:
        import resource

        soft = resource.getrlimit(resource.RLIMIT_NPROC)[0]
        if soft != resource.RLIM_INFINITY:
            allowed.append(soft)
    except (ImportError, AttributeError, ValueError, OSError):
        pass
    return min(allowed) if allowed else None


def start_budget(threads: int | None, ceiling: int = limits.SERVE_START_BUDGET) -> int:
    """Queries to start per time limit: ``ceiling``, or a quarter of the machine's ``threads`` if fewer."""
    return max(1, min(ceiling, threads // 4)) if threads is not None else ceiling
