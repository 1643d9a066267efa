"""The Oxigraph server that ``kg serve`` and the benchmarks run: a store of the graph and the binary on it.

:func:`start_server` loads the ontology, vocabularies and data into an
Oxigraph store in a temporary folder (the default graph with its RDFS
closure, as for the local engines) and runs the ``oxigraph`` server binary from PyPI on it, read-only,
bound to 127.0.0.1 unless told otherwise, with a query time limit. The
server answers SPARQL 1.1 at ``/query``. Its child process dies with the
Python process that started it (``PR_SET_PDEATHSIG`` on Linux), so even a
``kill -9`` of ``kg serve`` leaves no server behind; a store left in the
temporary folder by such a kill is removed at the next start. :class:`Server`
starts it again on the same store (:mod:`kg.supervisor` decides when).
"""

from __future__ import annotations

import contextlib
import ctypes
import functools
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
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pyoxigraph

from kg.errors import ServerError
from kg.limits import (
    DEFAULT_ENTAILMENT,
    SERVE_HOST,
    SERVE_PORT,
    SERVE_STARTUP,
    SERVE_TIMEOUT,
)
from kg.processes import stop
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
#: The signals that stop kg serve: kept back while it forks a child (:func:`stop_signals_held`).
STOP_SIGNALS = frozenset({signal.SIGTERM, signal.SIGINT})


@contextlib.contextmanager
def stop_signals_held() -> Iterator[None]:
    """SIGTERM and Ctrl-C kept back while this thread forks a child, and taken once it has.

    Python runs at-fork callbacks in the parent (the logging module's), where the KeyboardInterrupt that kg
    serve's handler raises for a stop signal was printed as "Exception ignored" with its traceback, then dropped.
    So the signals' handlers only note a signal meanwhile, and the ones noted are raised again after, to the
    handlers there were. Masking them would not do: a signal sent to the process reaches any thread that does
    not mask it (a library's), and Python runs its handler in the main thread at the next chance, callbacks
    included. Only the main thread runs Python's signal handlers: in another, nothing is kept back.
    """
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    noted: list[int] = []
    previous = {number: signal.signal(number, lambda number, frame: noted.append(number)) for number in STOP_SIGNALS}
    try:
        yield
    finally:
        for number, handler in previous.items():
            signal.signal(number, handler if handler is not None else signal.SIG_DFL)
        for number in dict.fromkeys(noted):
            signal.raise_signal(number)


@functools.cache
def _prctl() -> Any:
    """The C library's ``prctl``, looked up once in the parent: a child forked from a threaded process must not
    load libraries between fork and exec (``ctypes.util.find_library`` even runs ``ldconfig`` in a subprocess)."""
    try:
        return ctypes.CDLL(None, use_errno=True).prctl
    except (OSError, AttributeError):
        return None


def die_with_parent(parent: int | None = None) -> None:  # pragma: no cover - runs in the child
    """In a child between fork and exec: ask Linux to SIGKILL it when the thread that started it ends (``prctl``);
    and if its parent (pid ``parent``) ended before that request was made, which no signal would then tell, exit at
    once (a kill of ``kg serve`` as it restarted Oxigraph left the new one running for good)."""
    prctl = _prctl()
    if prctl is not None:
        prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    if parent is not None and os.getppid() != parent:
        os._exit(1)


def dies_with_this_process() -> functools.partial[None]:
    """What a child's ``preexec_fn`` runs so that it dies with this process (:func:`die_with_parent`)."""
    _prctl()  # looked up now, in the parent
    return functools.partial(die_with_parent, os.getpid())


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

    def sibling(self, port: int, timeout: float) -> Server:
        """Another Oxigraph server on this one's store (both read-only), on 127.0.0.1:``port`` with its own time
        limit and log; returns when it answers. This server owns the store: stop the sibling first."""
        command = list(self.command)
        bind = command.index("--bind") + 1
        command[bind] = command[bind].rsplit(":", 1)[0] + f":{port}"
        if "--timeout-s" in command:
            command[command.index("--timeout-s") + 1] = str(max(1, round(timeout)))
        else:
            command += ["--timeout-s", str(max(1, round(timeout)))]
        log = self.log.with_name(f"server-{port}.log")
        host = command[bind].rsplit(":", 1)[0].strip("[]")
        sibling = Server(url_of(host, port), _spawn(command, log), self.location, log, self.triples,
                         command=command, startup=self.startup)  # fmt: skip
        try:
            sibling.wait_ready()
        except BaseException:
            sibling.stop()
            raise
        return sibling

    def stop(self) -> None:
        """Terminate the server (:func:`kg.processes.stop`) and remove its store."""
        stop(self.process)
        for path in self.owned:
            shutil.rmtree(path, ignore_errors=True)

    def __enter__(self) -> Server:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()


def url_of(host: str, port: int) -> str:
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
    server = Server(
        url_of(host, port), process, location, log, triples, owned=[folder], command=command, startup=startup
    )
    try:
        server.wait_ready()
    except BaseException:
        server.stop()
        raise
    return server


def _spawn(command: list[str], log: Path, *, append: bool = False) -> subprocess.Popen[bytes]:
    """Start the server's ``command``, its output into ``log``; it dies with this process's thread (Linux)."""
    with log.open("ab" if append else "wb") as stderr, stop_signals_held():
        return subprocess.Popen(
            command,
            stdin=subprocess.DEVNULL,
            stdout=stderr,
            stderr=stderr,
            preexec_fn=dies_with_this_process() if sys.platform == "linux" else None,
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


def _last_lines(text: str, count: int = 12) -> str:
    """The last ``count`` lines of a log (a crashed server can write thousands)."""
    lines = text.strip().splitlines()
    return "\n".join((["..."] if len(lines) > count else []) + lines[-count:])
