"""``kg serve`` and ``kg push``: the graph behind a real SPARQL server, or uploaded to one.

:func:`start_server` loads the ontology, vocabularies and data into an
Oxigraph store in a temporary folder (the default graph, as for the local
engines) and runs the ``oxigraph`` server binary from PyPI on it, read-only,
bound to 127.0.0.1 unless told otherwise, with a query time limit. The
server answers SPARQL 1.1 at ``/query`` and serves its own YASGUI page at
``/``; the page's scripts and styles come from the server itself, so it works
offline (only its prefix completion asks prefix.cc, and does without).

:func:`push` uploads the same graph to any SPARQL 1.1 Graph Store HTTP
Protocol endpoint, replacing one named graph (``PUT``) or adding to it
(``POST``).
"""

from __future__ import annotations

import base64
import contextlib
import gc
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from types import FrameType

import pyoxigraph

from kg.errors import EndpointError, ServerError
from kg.load import source_paths
from kg.namespaces import DATASET_IRI
from kg.sparql.engines import USER_AGENT, load_into_store

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 7878
DEFAULT_SERVER_TIMEOUT = 10  # seconds a query may run on the server
DEFAULT_GRAPH = str(DATASET_IRI)  # the named graph `kg push` writes


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


def check_port(host: str, port: int) -> None:
    """A ServerError if ``host:port`` cannot be bound (busy, or not an address of this machine)."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except OSError as exc:
            if exc.errno in (98, 48, 10048):  # EADDRINUSE on Linux, macOS, Windows
                raise ServerError(f"port {port} on {host} is busy: choose another with --port") from None
            raise ServerError(f"cannot listen on {host}:{port}: {exc.strerror or exc}") from None


def build_store(location: str | Path, data: Sequence[str | Path] | None = None, *, load: bool = True) -> int:
    """Load the default graph (nothing unless ``load``) into an on-disk store at ``location``; the triples."""
    store = pyoxigraph.Store(str(location))
    try:
        for path in source_paths(data) if load else []:
            load_into_store(store, path)
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

    @property
    def query_url(self) -> str:
        return self.url + "query"

    @property
    def store_url(self) -> str:
        return self.url + "store"

    def stderr(self) -> str:
        try:
            return self.log.read_text(encoding="utf-8", errors="replace").strip()
        except OSError:
            return ""

    def stop(self) -> None:
        """Terminate the server (kill it if it does not exit within 5 s) and remove its store."""
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(5)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(5)
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
    host: str = DEFAULT_HOST,
    port: int = DEFAULT_PORT,
    timeout: float = DEFAULT_SERVER_TIMEOUT,
    binary: str | Path | None = None,
    read_only: bool = True,
    load: bool = True,
    startup: float = 30.0,
) -> Server:
    """Load the graph into a fresh on-disk store and start ``oxigraph`` on it; return when it answers.

    ``read_only=False`` runs the read-write server (``/update``, ``/store``)
    and ``load=False`` starts it empty, e.g. to receive ``kg push``. The
    server's stderr is part of any error.
    """
    program = find_binary(binary)
    check_port(host, port)
    folder = Path(tempfile.mkdtemp(prefix="kg-oxigraph-"))
    location, log = folder / "store", folder / "server.log"
    try:
        triples = build_store(location, data, load=load)
        command = [program, "serve-read-only" if read_only else "serve", "--location", str(location)]
        command += ["--bind", f"{host}:{port}"]
        if timeout:
            command += ["--timeout-s", str(max(1, round(timeout)))]
        with log.open("wb") as stderr:
            process = subprocess.Popen(command, stdin=subprocess.DEVNULL, stdout=stderr, stderr=stderr)
    except BaseException:
        shutil.rmtree(folder, ignore_errors=True)
        raise
    server = Server(_url(host, port), process, location, log, triples, owned=[folder])
    try:
        _wait_until_ready(server, startup)
    except BaseException:
        server.stop()
        raise
    return server


def _wait_until_ready(server: Server, startup: float) -> None:
    deadline = time.monotonic() + startup
    probe = server.query_url + "?" + urllib.parse.urlencode({"query": "ASK {}"})
    while True:
        code = server.process.poll()
        if code is not None:
            stderr = server.stderr()
            if "Address already in use" in stderr or "AddrInUse" in stderr:
                raise ServerError(f"{server.url}: the port is busy: choose another with --port")
            raise ServerError(f"the oxigraph server exited with code {code}: {stderr or '(no output)'}")
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
        time.sleep(0.1)


@contextlib.contextmanager
def _sigterm_as_interrupt() -> Iterator[None]:
    """Let SIGTERM stop :func:`serve` the way Ctrl-C does, so the store is removed either way."""

    def interrupt(signum: int, frame: FrameType | None) -> None:
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


def serve(
    data: Sequence[str | Path] | None = None,
    *,
    host: str = DEFAULT_HOST,
    port: int = DEFAULT_PORT,
    timeout: float = DEFAULT_SERVER_TIMEOUT,
    binary: str | Path | None = None,
    on_ready: Callable[[Server], None] | None = None,
) -> None:
    """Run the server until Ctrl-C (or SIGTERM), then stop it and remove its store (``kg serve``)."""
    with _sigterm_as_interrupt():
        server = start_server(data, host=host, port=port, timeout=timeout, binary=binary)
        try:
            if on_ready is not None:
                on_ready(server)
            code = server.process.wait()
            raise ServerError(f"the oxigraph server stopped with code {code}: {server.stderr() or '(no output)'}")
        except KeyboardInterrupt:
            pass
        finally:
            server.stop()


# --------------------------------------------------------------------------- push


@dataclass(frozen=True)
class PushResult:
    endpoint: str
    graph: str
    triples: int
    status: int


def graph_store_url(endpoint: str, graph: str) -> str:
    """The Graph Store Protocol address of ``graph`` (``default`` for the default graph) at ``endpoint``."""
    query = "default" if graph == "default" else urllib.parse.urlencode({"graph": graph})
    return endpoint + ("&" if "?" in endpoint else "?") + query


def push(
    endpoint: str,
    data: Sequence[str | Path] | None = None,
    *,
    graph: str = DEFAULT_GRAPH,
    user: str | None = None,
    password: str | None = None,
    append: bool = False,
    timeout: float = 60.0,
) -> PushResult:
    """Upload the ontology, vocabularies and data as N-Triples into ``graph`` at a Graph Store endpoint.

    ``PUT`` replaces the graph; ``append=True`` uses ``POST`` to add to it.
    """
    if not endpoint.startswith(("http://", "https://")):
        raise EndpointError(f"not an http(s) URL: {endpoint!r}")
    if graph != "default" and not graph.partition(":")[0].isalpha():
        raise EndpointError(f"the graph name must be an absolute IRI (or 'default'): {graph!r}")
    store = pyoxigraph.Store()
    for path in source_paths(data):
        load_into_store(store, path)
    body = store.dump(format=pyoxigraph.RdfFormat.N_TRIPLES, from_graph=pyoxigraph.DefaultGraph())
    headers = {"Content-Type": "application/n-triples", "User-Agent": USER_AGENT}
    if user is not None:
        token = base64.b64encode(f"{user}:{password or ''}".encode()).decode("ascii")
        headers["Authorization"] = f"Basic {token}"
    url = graph_store_url(endpoint, graph)
    request = urllib.request.Request(url, data=body, headers=headers, method="POST" if append else "PUT")
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return PushResult(endpoint, graph, len(store), response.status)
    except urllib.error.HTTPError as exc:
        detail = " ".join(exc.read().decode("utf-8", "replace").split())[:300]
        hint = ": check --user and the password" if exc.code in (401, 403) else ""
        raise EndpointError(
            f"{endpoint}: HTTP {exc.code} {exc.reason}{hint}" + (f": {detail}" if detail else "")
        ) from None
    except urllib.error.URLError as exc:
        raise EndpointError(f"{endpoint}: cannot connect: {exc.reason}") from None
    except TimeoutError:
        raise EndpointError(f"{endpoint}: no answer within {timeout:g} s") from None
    except OSError as exc:
        raise EndpointError(f"{endpoint}: {exc}") from None
