"""``kg serve``: the research site in front of the graph's Oxigraph server (``kg push`` is :mod:`kg.push`).

:func:`serve` (``kg serve``) runs the Oxigraph server of :mod:`kg.store_server` on a free loopback
port and, in front of it, the research site of :mod:`kg.site` (Starlette, run by uvicorn) on
``--host``/``--port``, in one process or ``--workers`` forked ones: the question pages, the editor,
and ``/query`` proxied to Oxigraph, with SERVICE refused unless ``allow_external``; the server is
restarted when it dies (:mod:`kg.supervisor`).
"""

from __future__ import annotations

import contextlib
import gc
import os
import signal
import socket
import sys
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from types import FrameType
from typing import Any

from kg.errors import ServerError
from kg.limits import (
    DEFAULT_ENTAILMENT,
    MAX_ROWS,
    SERVE_FIRST_TRY,
    SERVE_FORWARD_GRACE,
    SERVE_HEAD_TIMEOUT,
    SERVE_HOST,
    SERVE_MAX_BODY,
    SERVE_MAX_MEMORY_MB,
    SERVE_PORT,
    SERVE_QUERY_SLOTS,
    SERVE_QUEUE,
    SERVE_TIMEOUT,
    SERVE_WORKERS_PER_CPU,
    serve_max_workers,
)
from kg.processes import free_port
from kg.store_server import STOP_SIGNALS, Server, die_with_parent, listen, start_server, url_of


@contextlib.contextmanager
def _sigterm_as_interrupt() -> Iterator[list[int]]:
    """Let SIGTERM stop :func:`serve` the way Ctrl-C does, so the store is removed either way; the signals
    taken are kept in the list it gives.

    The KeyboardInterrupt is raised wherever Python runs the handler, and some places swallow it: the
    logging module's callbacks that ``os.fork`` runs in the parent print "Exception ignored" and go on (a
    SIGTERM sent as the first worker was forked left kg serve serving). So the list is read again before
    kg serve starts serving (:func:`_serve_site`). Where Python itself swallows it (a finalizer, e.g. that of
    an event loop a stopped start-up left unclosed, taking the signal as the collector runs it), it would print
    "Exception ignored" and a traceback; that KeyboardInterrupt is this stop's, already in the list, so it is
    not printed (:data:`sys.unraisablehook`; any other exception is, as before).
    """

    interrupted: list[int] = []

    def interrupt(signum: int, frame: FrameType | None) -> None:
        if not interrupted:  # once: a second SIGTERM (a process group's, a impatient timeout) must not cut
            interrupted.append(signum)  # the clean-up it started (the workers, Oxigraph, the store)
            raise KeyboardInterrupt

    def unraisable(what: Any) -> None:
        if interrupted and isinstance(what.exc_value, KeyboardInterrupt):
            return  # this stop's, swallowed where it was raised: the list says it
        hook(what)

    try:
        previous = {number: signal.signal(number, interrupt) for number in (signal.SIGTERM, signal.SIGINT)}
    except ValueError:  # not the main thread
        yield interrupted
        return
    hook, sys.unraisablehook = sys.unraisablehook, unraisable
    try:
        yield interrupted
    finally:
        sys.unraisablehook = hook
        for number, handler in previous.items():
            signal.signal(number, handler)


@dataclass
class RunningSite:
    """A running ``kg serve``: the site's address and the Oxigraph server behind it."""

    url: str
    backend: Server

    @property
    def query_url(self) -> str:
        return self.url + "query"

    @property
    def triples(self) -> int:
        return self.backend.triples


def serve(
    data: Sequence[str | Path] | None = None,
    *,
    host: str = SERVE_HOST,
    port: int = SERVE_PORT,
    timeout: float = SERVE_TIMEOUT,
    max_rows: int | None = MAX_ROWS,
    allow_external: bool = False,
    binary: str | Path | None = None,
    on_ready: Callable[[RunningSite], None] | None = None,
    entailment: str = DEFAULT_ENTAILMENT,
    allowed_hosts: Sequence[str] = (),
    max_body: int = SERVE_MAX_BODY,
    slots: int = SERVE_QUERY_SLOTS,
    queue: int = SERVE_QUEUE,
    head_timeout: float = SERVE_HEAD_TIMEOUT,
    workers: int = 1,
    max_memory: int | None = SERVE_MAX_MEMORY_MB,
) -> None:
    """Run the research site and its Oxigraph server until Ctrl-C or SIGTERM (``kg serve``).

    The site listens on ``host:port`` (``port`` 0: a free one, given to
    ``on_ready``); Oxigraph on a free 127.0.0.1 port behind it. ``timeout``
    seconds and ``max_rows`` limit every query, as for ``kg query``. SERVICE
    is refused unless ``allow_external``. The store holds the RDFS closure
    unless ``entailment="none"``. Every request passes :mod:`kg.guard` first:
    its ``Host`` must name ``host`` (or one of ``allowed_hosts``; ``*``: any), a
    browser's POST must come from the site itself, a body may have ``max_body``
    bytes, ``slots`` requests run queries at once and ``queue`` more may wait for one,
    and a client has ``head_timeout`` seconds to send a request's headers. At the end both stop and the store
    is removed. An Oxigraph that dies is started again on the same store, requests that need it answered
    503 meanwhile (:mod:`kg.supervisor`); so is one that holds more than ``max_memory`` MB beyond what it held
    once started (None or 0: no ceiling), or that goes on computing a query
    :data:`~kg.limits.SERVE_OVERRUN` seconds past its time limit. A ServerError if the port is busy, or if
    Oxigraph could not be started again :data:`~kg.limits.SERVE_RESTARTS` times within
    :data:`~kg.limits.SERVE_RESTART_WINDOW` seconds.

    ``workers`` processes answer on the one listening socket (more than one: forked from this one,
    each with its share of the slots (at least one), the queue and the start budget, so the bounds
    stay those of the whole; each keeps its own cache of answers). One Python process answers with
    one core at most, and on a busy machine a process descheduled holds every request in flight
    (BENCHMARKS.md, "kg serve under load": two workers answered 1.5-3.5 times as many requests at 50
    clients).
    """
    if not 1 <= workers <= serve_max_workers():
        most = serve_max_workers()
        raise ServerError(f"kg serve takes 1 to {most} workers ({SERVE_WORKERS_PER_CPU} per CPU), not {workers}")
    options = SiteOptions(
        data=data, host=host, timeout=timeout, max_rows=max_rows, allow_external=allow_external,
        entailment=entailment, allowed_hosts=tuple(allowed_hosts), max_body=max_body, slots=slots, queue=queue,
        head_timeout=head_timeout, workers=workers, max_memory=max_memory,
    )  # fmt: skip
    with _sigterm_as_interrupt() as interrupted:
        from kg.httpd import raise_open_files_limit

        raise_open_files_limit()
        sock = listen(host, port)
        try:
            backend = start_server(data, port=free_port(), timeout=timeout, binary=binary, entailment=entailment)
        except BaseException:
            sock.close()
            raise
        first: Server | None = None
        try:
            if timeout and timeout > SERVE_FIRST_TRY:  # where /query is tried first (kg.proxy.FirstTry)
                first = backend.sibling(free_port(), SERVE_FIRST_TRY)
            _serve_site(options, backend, sock, on_ready, stopped=lambda: bool(interrupted), first=first)
        finally:
            sock.close()
            if first is not None:
                first.stop()  # before the store it reads is removed
            backend.stop()


@dataclass(frozen=True)
class SiteOptions:
    """The settings of :func:`serve` that make the site in front of Oxigraph (see there)."""

    data: Sequence[str | Path] | None
    host: str
    timeout: float
    max_rows: int | None
    allow_external: bool
    entailment: str
    allowed_hosts: tuple[str, ...]
    max_body: int
    slots: int
    queue: int
    head_timeout: float
    workers: int
    max_memory: int | None


def _serve_site(
    options: SiteOptions,
    backend: Server,
    sock: socket.socket,
    on_ready: Callable[[RunningSite], None] | None,
    *,
    stopped: Callable[[], bool] = lambda: False,
    first: Server | None = None,
) -> None:
    """Serve the site on ``sock`` in ``options.workers`` processes, the Oxigraph child supervised, until stopped.

    The workers are forked before any thread of this process starts; the supervisor's thread (which
    restarts the child: :mod:`kg.supervisor`) after them, in this process only, sharing the child's
    :class:`~kg.supervisor.Health` with every worker. ``first`` is the Oxigraph where ``/query`` is tried first
    (:class:`kg.proxy.FirstTry`), supervised the same way. ``stopped()`` says whether a stop signal came that a
    swallowed KeyboardInterrupt may have hidden (see :func:`_sigterm_as_interrupt`): then nothing is served.
    """
    import kg.guard
    import kg.httpd
    import kg.proxy
    import kg.site
    from kg.supervisor import Health, Supervisor

    del kg  # imported once here: a worker forked from this process starts without importing them again
    health = Health()
    tried = (first.query_url, Health()) if first is not None else None
    port = int(sock.getsockname()[1])
    forked: list[int] = []
    supervisors: list[Supervisor] = []
    try:
        for _ in range(options.workers - 1):  # before any thread of this process starts
            forked.append(_fork_worker(lambda: _site_server(options, backend.query_url, health, port, tried), sock))
            if stopped():
                raise KeyboardInterrupt
        server = _site_server(options, backend.query_url, health, port, tried)
        watched = [(backend, health, "the oxigraph server")]
        if first is not None and tried is not None:
            watched.append((first, tried[1], "the first-try oxigraph server"))
        for child, its_health, name in watched:
            supervisor = Supervisor(
                child, its_health, on_give_up=lambda: setattr(server, "should_exit", True),
                max_memory=options.max_memory, name=name,
            )  # fmt: skip
            supervisors.append(supervisor)
            supervisor.start()
        if on_ready is not None:
            on_ready(RunningSite(url_of(options.host, port), backend))
        # What is loaded by now (modules, the application) lives as long as the process: kept out of the
        # collector's full passes, which otherwise walk its 50 000 objects (some 5-15 ms, every request
        # in flight waiting) every few thousand answers.
        gc.freeze()
        with contextlib.suppress(KeyboardInterrupt):
            if stopped():
                raise KeyboardInterrupt
            server.run(sockets=[sock])
        for supervisor in supervisors:
            if supervisor.gave_up is not None:  # Oxigraph kept dying
                raise ServerError(supervisor.gave_up)
    finally:
        for supervisor in supervisors:
            supervisor.stop()  # before the child is stopped: that is no death to restart it from
        _stop_workers(forked)


def _site_server(
    options: SiteOptions, endpoint: str, health: Any, port: int, first: tuple[str, Any] | None = None
) -> Any:
    """The site behind its guard, served by uvicorn, for one worker: its share of the bounds.

    Each of the ``options.workers`` processes gets its share of the slots (at least one), the queue and
    the start budget, so that the bounds stay those of the whole. With ``first`` (the endpoint and health of
    the Oxigraph where ``/query`` is tried first), half the start budget is its, counted over its short limit
    and :data:`~kg.limits.SERVE_FORWARD_GRACE` (Oxigraph starts a query's clock a little after kg serve sent it).
    """
    from kg.guard import Guard, Policy, listening_hosts
    from kg.httpd import make_server
    from kg.proxy import FirstTry, SparqlProxy
    from kg.site import CSP, Site, create_app
    from kg.start_budget import StartBudget, machine_tasks, machine_threads, start_budget

    workers, timeout = options.workers, options.timeout
    limit = timeout or None
    slots, queue = max(1, options.slots // workers), options.queue // workers
    budget = tried = None
    if timeout:
        starts = max(1, start_budget(machine_threads()) // workers)
        if first is not None:
            window = SERVE_FIRST_TRY + SERVE_FORWARD_GRACE
            quick = StartBudget(max(1, starts - starts // 2), window, machine=machine_tasks)
            tried = FirstTry(first[0], health=first[1], budget=quick)
            starts = max(1, starts // 2)
        budget = StartBudget(starts, max(1, round(timeout)), machine=machine_tasks)
    proxy = SparqlProxy(
        endpoint, timeout=limit, allow_external=options.allow_external, slots=slots, budget=budget, health=health,
        first_try=tried,
    )  # fmt: skip
    config = Site(
        endpoint, timeout=limit, max_rows=options.max_rows, allow_external=options.allow_external,
        data=options.data, entailment=options.entailment, health=health,
    )  # fmt: skip
    hosts = listening_hosts(options.host, options.allowed_hosts)
    policy = Policy(hosts, port, timeout=limit, max_body=options.max_body, slots=slots, queue=queue, csp=CSP)
    app = Guard(create_app(config, proxy=proxy), policy)
    # at the end, the queries Oxigraph computes past their limits are not waited for (their answers are sent)
    return make_server(app, head_timeout=options.head_timeout, on_shutdown=proxy.abandon_overruns)


#: The signals that stop kg serve: held back while a worker is forked, so that neither process takes one
#: half way (a worker that took it before its own ``try`` would clean up as if it were kg serve).
_STOPPING = STOP_SIGNALS


def _fork_worker(site_server: Callable[[], Any], sock: socket.socket) -> int:
    """Fork a worker that serves ``site_server()`` on ``sock``; its pid. A SIGTERM or Ctrl-C that comes
    meanwhile is taken once the fork is done (in kg serve, after the pid is kept)."""
    parent = os.getpid()
    signal.pthread_sigmask(signal.SIG_BLOCK, _STOPPING)
    try:
        pid = os.fork()
        if pid == 0:  # pragma: no cover - a worker: serves until told to stop, never returns
            _serve_forked(site_server, sock, parent)
    finally:
        signal.pthread_sigmask(signal.SIG_UNBLOCK, _STOPPING)
    return pid


def _serve_forked(site_server: Callable[[], Any], sock: socket.socket, parent: int) -> None:  # pragma: no cover
    """A forked worker: die with kg serve, serve on its socket until SIGTERM or Ctrl-C, then exit at once."""
    code = 1
    try:
        signal.pthread_sigmask(signal.SIG_UNBLOCK, _STOPPING)  # held back since the fork: taken here if sent
        if sys.platform == "linux":
            die_with_parent()
            if os.getppid() != parent:  # kg serve ended before the request to die with it was made
                return
        server = site_server()
        gc.freeze()
        with contextlib.suppress(KeyboardInterrupt):
            server.run(sockets=[sock])
        code = 0
    except BaseException:  # noqa: BLE001 - a worker reports nothing of its own: kg serve's process does
        code = 1
    finally:
        os._exit(code)  # never the parent's clean-up (the store, the Oxigraph child): that is kg serve's


def _stop_workers(pids: Sequence[int], grace: float = 10.0) -> None:
    """SIGTERM every forked worker, then SIGKILL all those still running after ``grace`` seconds; reap them all."""
    for pid in pids:
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGTERM)
    running = set(pids)
    deadline = time.monotonic() + grace
    while running and time.monotonic() < deadline:
        for pid in list(running):
            try:
                done, _ = os.waitpid(pid, os.WNOHANG)
            except ChildProcessError:
                done = pid
            if done:
                running.discard(pid)
        if running:
            time.sleep(0.02)  # polling the workers' exits: waitpid has no timeout
    for pid in running:  # all at once, then reaped: each ends at once
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)
    for pid in running:
        with contextlib.suppress(ChildProcessError):
            os.waitpid(pid, 0)
