"""``kg serve``: the graph behind a real SPARQL server and the research site (``kg push`` is :mod:`kg.push`).

:func:`start_server` loads the ontology, vocabularies and data into an
Oxigraph store in a temporary folder (the default graph with its RDFS
closure, as for the local engines) and runs the ``oxigraph`` server binary from PyPI on it, read-only,
bound to 127.0.0.1 unless told otherwise, with a query time limit. The
server answers SPARQL 1.1 at ``/query``. Its child process dies with the
Python process that started it (``PR_SET_PDEATHSIG`` on Linux), so even a
``kill -9`` of ``kg serve`` leaves no server behind; a store left in the
temporary folder by such a kill is removed at the next start.

:func:`serve` (``kg serve``) runs that server on a free loopback port and, in
front of it, the research site of :mod:`kg.site` (Starlette, run by uvicorn)
on ``--host``/``--port``: the question pages, the editor, and ``/query``
proxied to Oxigraph, with SERVICE refused unless ``allow_external``.

"""

from __future__ import annotations

import contextlib
import ctypes
import ctypes.util
import gc
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from types import FrameType
from typing import Any

import pyoxigraph

from kg.errors import ServerError
from kg.limits import (
    DEFAULT_ENTAILMENT,
    MAX_ROWS,
    SERVE_HEAD_TIMEOUT,
    SERVE_HOST,
    SERVE_MAX_BODY,
    SERVE_MAX_MEMORY_MB,
    SERVE_PORT,
    SERVE_QUERY_SLOTS,
    SERVE_QUEUE,
    SERVE_STARTUP,
    SERVE_TIMEOUT,
    SERVE_WORKERS_PER_CPU,
    serve_max_workers,
)
from kg.processes import free_port, stop
from kg.sparql.engines import OxigraphEngine


def find_binary(binary: str | Path | None = None) -> str:
    """The ``oxigraph`` server binary: ``binary``, ``$KG_OXIGRAPH``, beside this Python, or on PATH."""
    explicit = binary or os.environ.get("KG_OXIGRAPH")
    if explicit:
        path = Path(explicit)
        if path.is_file() and os.access(path, os.X_OK):
            return str(path)
        raise ServerError(f"the oxigraph server binary is not an executable file: {explicit}")
    beside = Path(sys.executable).parent / "oxigraph"
    if beside.is_file() and os.access(beside, os.X_OK):
        return str(beside)
    found = shutil.which("oxigraph")
    if found:
        return found
    raise ServerError("the oxigraph server binary was not found: install it with `pip install oxigraph`")


def listen(host: str, port: int) -> socket.socket:
    """A listening socket on ``host:port`` (``port`` 0: a free one); a ServerError if it cannot be bound."""
    if not 0 <= port <= 65535:
        raise ServerError(f"not a port number: {port} (1-65535, or 0 for a free one)")
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    # TCP_NODELAY: a response written as head, then body, is not held by Nagle until the client's delayed
    # ACK, which cost every keep-alive request 40 ms. Accepted connections inherit it (Linux), and asyncio
    # sets it too on sockets whose protocol is named IPPROTO_TCP (not 0).
    sock = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    try:
        sock.bind((host, port))
        sock.listen(128)
    except OSError as exc:
        sock.close()
        if exc.errno in (98, 48, 10048):  # EADDRINUSE on Linux, macOS, Windows
            raise ServerError(f"port {port} on {host} is busy: choose another with --port") from None
        raise ServerError(f"cannot listen on {host}:{port}: {exc.strerror or exc}") from None
    return sock


def check_port(host: str, port: int) -> None:
    """A ServerError if ``host:port`` cannot be bound (busy, or not an address of this machine)."""
    listen(host, port).close()


_PR_SET_PDEATHSIG = 1


def _die_with_parent() -> None:  # pragma: no cover - runs in the child between fork and exec
    """In the server's child process: ask Linux to SIGKILL it when its parent dies (``prctl``)."""
    libc_name = ctypes.util.find_library("c")
    if libc_name is None:
        return
    libc = ctypes.CDLL(libc_name, use_errno=True)
    libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)


def _remove_stale_stores() -> None:
    """Remove store folders left in the temporary folder by a ``kg serve`` that was killed (its pid is gone)."""
    for folder in Path(tempfile.gettempdir()).glob("kg-oxigraph-*"):
        try:
            owner = int((folder / "owner.pid").read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
        try:
            os.kill(owner, 0)
        except ProcessLookupError:
            shutil.rmtree(folder, ignore_errors=True)
        except OSError:
            continue


def build_store(
    location: str | Path,
    data: Sequence[str | Path] | None = None,
    *,
    load: bool = True,
    entailment: str = DEFAULT_ENTAILMENT,
) -> int:
    """Load the default graph (nothing unless ``load``) into an on-disk store at ``location``; the triples.

    With ``entailment="rdfs"`` (the default, as for ``kg query``) the RDFS closure of
    :mod:`kg.sparql.entailment` is stored too, so a served ``?x a kg:Organization``
    finds every organisation; ``"none"`` serves the asserted triples only.
    """
    store = pyoxigraph.Store(str(location))
    try:
        if load:
            OxigraphEngine.from_files(data, store, entailment=entailment)
        store.flush()
        return len(store)
    finally:
        del store
        gc.collect()  # close the store before a server opens it


@dataclass
class Server:
    """A running Oxigraph server; stop it with :meth:`stop` or by leaving a ``with`` block."""

    url: str
    process: subprocess.Popen[bytes]
    location: Path
    log: Path
    triples: int = 0
    owned: list[Path] = field(default_factory=list)
    command: list[str] = field(default_factory=list)
    startup: float = SERVE_STARTUP
    log_start: int = 0  # where in the log the server's last start begins

    @property
    def query_url(self) -> str:
        return self.url + "query"

    @property
    def store_url(self) -> str:
        return self.url + "store"

    def stderr(self) -> str:
        """What the server wrote since it was last started."""
        try:
            with self.log.open("rb") as written:
                written.seek(self.log_start)
                return written.read().decode("utf-8", errors="replace").strip()
        except OSError:
            return ""

    def spawn(self) -> None:
        """Start the server again on the same store and port (its log goes on), e.g. after it died."""
        with contextlib.suppress(OSError):
            self.log_start = self.log.stat().st_size
        self.process = _spawn(self.command, self.log, append=True)

    def wait_ready(self, stopping: threading.Event | None = None) -> None:
        """Return when the server answers; a ServerError if it exits, does not answer within its startup
        time, or ``stopping`` is set meanwhile."""
        _wait_until_ready(self, self.startup, stopping)

    def stop(self) -> None:
        """Terminate the server (:func:`kg.processes.stop`) and remove its store."""
        stop(self.process)
        for path in self.owned:
            shutil.rmtree(path, ignore_errors=True)

    def __enter__(self) -> Server:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()


def _url(host: str, port: int) -> str:
    return f"http://[{host}]:{port}/" if ":" in host else f"http://{host}:{port}/"


def start_server(
    data: Sequence[str | Path] | None = None,
    *,
    host: str = SERVE_HOST,
    port: int = SERVE_PORT,
    timeout: float = SERVE_TIMEOUT,
    binary: str | Path | None = None,
    read_only: bool = True,
    load: bool = True,
    startup: float = SERVE_STARTUP,
    entailment: str = DEFAULT_ENTAILMENT,
) -> Server:
    """Load the graph into a fresh on-disk store and start ``oxigraph`` on it; return when it answers.

    ``read_only=False`` runs the read-write server (``/update``, ``/store``)
    and ``load=False`` starts it empty, e.g. to receive ``kg push``. The
    server's stderr is part of any error.
    """
    program = find_binary(binary)
    check_port(host, port)
    _remove_stale_stores()
    folder = Path(tempfile.mkdtemp(prefix="kg-oxigraph-"))
    location, log = folder / "store", folder / "server.log"
    try:
        (folder / "owner.pid").write_text(str(os.getpid()), encoding="utf-8")
        triples = build_store(location, data, load=load, entailment=entailment)
        command = [program, "serve-read-only" if read_only else "serve", "--location", str(location)]
        command += ["--bind", f"{host}:{port}"]
        if timeout:
            command += ["--timeout-s", str(max(1, round(timeout)))]
        process = _spawn(command, log)
    except BaseException:
        shutil.rmtree(folder, ignore_errors=True)
        raise
    server = Server(_url(host, port), process, location, log, triples, owned=[folder], command=command, startup=startup)
    try:
        server.wait_ready()
    except BaseException:
        server.stop()
        raise
    return server


def _spawn(command: list[str], log: Path, *, append: bool = False) -> subprocess.Popen[bytes]:
    """Start the server's ``command``, its output into ``log``; it dies with this process's thread (Linux)."""
    with log.open("ab" if append else "wb") as stderr:
        return subprocess.Popen(
            command,
            stdin=subprocess.DEVNULL,
            stdout=stderr,
            stderr=stderr,
            preexec_fn=_die_with_parent if sys.platform == "linux" else None,
            start_new_session=True,  # Ctrl-C reaches kg serve, which stops the server in its turn
        )


#: Seconds between two probes of a starting Oxigraph (it answers some 20-60 ms after it starts on the article;
#: a probe costs about a millisecond).
READY_POLL = 0.02


def _wait_until_ready(server: Server, startup: float, stopping: threading.Event | None = None) -> None:
    deadline = time.monotonic() + startup
    probe = server.query_url + "?" + urllib.parse.urlencode({"query": "ASK {}"})
    while True:
        code = server.process.poll()
        if code is not None:
            stderr = server.stderr()
            if "Address already in use" in stderr or "AddrInUse" in stderr:
                raise ServerError(f"{server.url}: the port is busy: choose another with --port")
            raise ServerError(f"the oxigraph server exited with code {code}: {_last_lines(stderr) or '(no output)'}")
        try:
            with urllib.request.urlopen(probe, timeout=1) as response:
                if response.status == 200:
                    return
        except (urllib.error.URLError, OSError):
            pass
        if time.monotonic() > deadline:
            raise ServerError(
                f"the oxigraph server did not answer at {server.url} within {startup:g} s: {server.stderr()}"
            )
        if stopping is None:
            time.sleep(READY_POLL)  # polling a starting server: nothing tells when it listens
        elif stopping.wait(READY_POLL):
            raise ServerError("kg serve is stopping")


@contextlib.contextmanager
def _sigterm_as_interrupt() -> Iterator[None]:
    """Let SIGTERM stop :func:`serve` the way Ctrl-C does, so the store is removed either way."""

    interrupted: list[int] = []

    def interrupt(signum: int, frame: FrameType | None) -> None:
        if not interrupted:  # once: a second SIGTERM (a process group's, a impatient timeout) must not cut
            interrupted.append(signum)  # the clean-up it started (the workers, Oxigraph, the store)
            raise KeyboardInterrupt

    try:
        previous = signal.signal(signal.SIGTERM, interrupt)
    except ValueError:  # not the main thread
        yield
        return
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


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
    with _sigterm_as_interrupt():
        from kg.httpd import raise_open_files_limit

        raise_open_files_limit()
        sock = listen(host, port)
        try:
            backend = start_server(data, port=free_port(), timeout=timeout, binary=binary, entailment=entailment)
        except BaseException:
            sock.close()
            raise
        try:
            _serve_site(options, backend, sock, on_ready)
        finally:
            sock.close()
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
    options: SiteOptions, backend: Server, sock: socket.socket, on_ready: Callable[[RunningSite], None] | None
) -> None:
    """Serve the site on ``sock`` in ``options.workers`` processes, the Oxigraph child supervised, until stopped.

    The workers are forked before any thread of this process starts; the supervisor's thread (which
    restarts the child: :mod:`kg.supervisor`) after them, in this process only, sharing the child's
    :class:`~kg.supervisor.Health` with every worker.
    """
    import kg.guard
    import kg.httpd
    import kg.proxy
    import kg.site
    from kg.supervisor import Health, Supervisor

    del kg  # imported once here: a worker forked from this process starts without importing them again
    health = Health()
    port = int(sock.getsockname()[1])
    forked: list[int] = []
    supervisor: Supervisor | None = None
    try:
        for _ in range(options.workers - 1):  # before any thread of this process starts
            forked.append(_fork_worker(lambda: _site_server(options, backend.query_url, health, port), sock))
        server = _site_server(options, backend.query_url, health, port)
        supervisor = Supervisor(
            backend, health, on_give_up=lambda: setattr(server, "should_exit", True), max_memory=options.max_memory
        )
        supervisor.start()
        if on_ready is not None:
            on_ready(RunningSite(_url(options.host, port), backend))
        # What is loaded by now (modules, the application) lives as long as the process: kept out of the
        # collector's full passes, which otherwise walk its 50 000 objects (some 5-15 ms, every request
        # in flight waiting) every few thousand answers.
        gc.freeze()
        with contextlib.suppress(KeyboardInterrupt):
            server.run(sockets=[sock])
        if supervisor.gave_up is not None:  # Oxigraph kept dying
            raise ServerError(supervisor.gave_up)
    finally:
        if supervisor is not None:
            supervisor.stop()  # before the child is stopped: that is no death to restart it from
        _stop_workers(forked)


def _site_server(options: SiteOptions, endpoint: str, health: Any, port: int) -> Any:
    """The site behind its guard, served by uvicorn, for one worker: its share of the bounds.

    Each of the ``options.workers`` processes gets its share of the slots (at least one), the queue and
    the start budget, so that the bounds stay those of the whole.
    """
    from kg.guard import Guard, Policy, listening_hosts
    from kg.httpd import make_server
    from kg.proxy import SparqlProxy, StartBudget, machine_tasks, machine_threads, start_budget
    from kg.site import CSP, Site, create_app

    workers, timeout = options.workers, options.timeout
    limit = timeout or None
    slots, queue = max(1, options.slots // workers), options.queue // workers
    budget = None
    if timeout:
        starts = max(1, start_budget(machine_threads()) // workers)
        budget = StartBudget(starts, max(1, round(timeout)), machine=machine_tasks)
    proxy = SparqlProxy(
        endpoint, timeout=limit, allow_external=options.allow_external, slots=slots, budget=budget, health=health
    )
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
_STOPPING = {signal.SIGTERM, signal.SIGINT}


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
            _die_with_parent()
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


def _last_lines(text: str, count: int = 12) -> str:
    """The last ``count`` lines of a log (a crashed server can write thousands)."""
    lines = text.strip().splitlines()
    return "\n".join((["..."] if len(lines) > count else []) + lines[-count:])
