"""kg serve and kg push against the real Oxigraph server, and the SPARQL endpoint client.

The research site in front of the server (its pages, its YASGUI editor in a
browser, its refusals) is tested in ``test_site.py`` and ``test_site_browser.py``.

Every server here is the `oxigraph` binary from PyPI, started on a free
127.0.0.1 port (bound to port 0 to find one), waited for against a deadline,
and terminated (then killed) at the end; its stderr is in every start-up
error. The endpoint client's own behaviour (User-Agent, basic auth, HTTP
errors, time limit) is checked against small stdlib HTTP servers.
"""

from __future__ import annotations

import base64
import contextlib
import json
import os
import re
import select
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import ClassVar

import pytest
from rdflib import Literal

from kg import resources
from kg.errors import EndpointError, ExitCode, QueryError, QueryTimeout, ServerError
from kg.limits import serve_max_workers
from kg.processes import free_port
from kg.push import DEFAULT_GRAPH, push
from kg.serve import serve
from kg.sparql.compare import compare, read_expected
from kg.sparql.endpoint import EndpointEngine
from kg.sparql.engines import open_engine
from kg.sparql.files import find_query, list_queries, read_query_text
from kg.sparql.library import run_query
from kg.store_server import Server, start_server
from kg_serve import start_kg_serve

FIXTURES = Path(__file__).parent / "fixtures" / "query"
MINI = [FIXTURES / "mini.ttl"]
LIBRARY = FIXTURES / "queries"
SHIPPED = sorted(p.stem for p in resources.queries_dir().glob("*.rq"))


def started(**options) -> Server:
    """A real Oxigraph server on a free port; a failure to start shows the server's stderr."""
    try:
        return start_server(port=free_port(), **options)
    except ServerError as exc:
        pytest.fail(f"the oxigraph server did not start: {exc}")


@pytest.fixture(scope="module")
def shipped_server() -> Iterator[Server]:
    with started() as server:
        yield server


@pytest.fixture(scope="module")
def fixture_server() -> Iterator[Server]:
    with started(data=MINI) as server:
        yield server


@pytest.fixture(scope="module")
def local_engines():
    # The RDFS closure, as kg serve holds it (kg.sparql.entailment.add_rdfs_closure).
    return {name: open_engine(name) for name in ("rdflib", "oxigraph")}


# --------------------------------------------------------------------------- the library over HTTP


@pytest.mark.server
@pytest.mark.skipif(not SHIPPED, reason="queries/ has no .rq files yet")
@pytest.mark.parametrize("name", SHIPPED)
def test_every_library_query_gives_the_same_rows_over_http_as_on_both_local_engines(shipped_server, name):
    """Its expected rows over HTTP: the ones tests/test_query.py gets from both local engines."""
    q = find_query(name)
    over_http = run_query(q, engine=EndpointEngine(shipped_server.query_url, timeout=120), max_rows=None, timeout=120)
    assert compare(over_http, read_expected(q.expected_path())) == []


@pytest.mark.server
def test_the_server_holds_the_same_default_graph_as_the_local_engines(shipped_server, local_engines):
    count = read_query_text("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")
    served = int(run_query(count, engine=EndpointEngine(shipped_server.query_url)).rows[0]["n"])
    assert (
        served == shipped_server.triples == len(local_engines["oxigraph"].store) == len(local_engines["rdflib"].graph)
    )


@pytest.mark.server
@pytest.mark.parametrize("name", [q.name for q in list_queries(LIBRARY) if q.expected_path()])
def test_every_fixture_query_gives_its_expected_rows_over_http(fixture_server, name):
    q = find_query(name, LIBRARY)
    result = run_query(q, engine=EndpointEngine(fixture_server.query_url))
    assert compare(result, read_expected(q.expected_path())) == []


@pytest.mark.server
def test_parameters_are_bound_over_http_too(fixture_server):
    engine = EndpointEngine(fixture_server.query_url)
    q = find_query("fx01", LIBRARY)
    result = run_query(q, {"country": "kgi:iran", "lang": "fa"}, engine=engine)
    assert [str(r["partyLabel"]) for r in result] == ["وزارت فرهنگ و ارشاد اسلامی", "راه‌آهن ایران"]
    assert run_query(q, {"lang": 'en") || true || ("'}, engine=engine).rows == []
    graph = run_query(find_query("fx05", LIBRARY), {"entity": "kgi:tehran"}, engine=engine).graph
    assert sorted(graph.objects()) == [Literal("Tehran", lang="en"), Literal("تهران", lang="fa")]


@pytest.mark.server
def test_a_syntax_error_from_the_server_is_placed_in_the_query(fixture_server):
    q = read_query_text("# title: t\nSELECT ?x WHERE {\n  ?x ?y\n}\n", name="<-e>")
    with pytest.raises(QueryError) as caught:
        run_query(q, engine=EndpointEngine(fixture_server.query_url))
    assert str(caught.value) == "<-e>:4:1: SPARQL syntax error: unexpected '}'"


@pytest.mark.server
def test_a_wrong_endpoint_path_is_an_endpoint_error(fixture_server):
    with pytest.raises(EndpointError) as caught:
        run_query(read_query_text("ASK {}"), engine=EndpointEngine(fixture_server.url + "nope"))
    assert str(caught.value) == (
        f"{fixture_server.url}nope: HTTP 404 Not Found (text/plain; charset=utf-8): "
        "POST /nope is not supported by this server"
    )


# --------------------------------------------------------------------------- the server itself


@pytest.mark.server
def test_the_server_listens_on_loopback_and_is_read_only(fixture_server):
    assert fixture_server.url.startswith("http://127.0.0.1:")
    request = urllib.request.Request(
        fixture_server.url + "update",
        data=b"update=CLEAR+ALL",
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )
    with pytest.raises(urllib.error.HTTPError) as caught:
        urllib.request.urlopen(request, timeout=60)
    assert caught.value.code == 403
    ask = read_query_text('ASK { kgi:kazakhstan rdfs:label "قزاقستان"@fa }')
    assert run_query(ask, engine=EndpointEngine(fixture_server.query_url)).boolean is True


@pytest.mark.server
def test_the_query_page_and_everything_it_loads_come_from_the_server(fixture_server):
    with urllib.request.urlopen(fixture_server.url, timeout=60) as response:
        assert response.headers["Content-Type"].startswith("text/html")
        page = response.read().decode("utf-8")
    assert "new Yasgui(" in page
    assets = re.findall(r'<(?:script|link)[^>]+(?:src|href)="([^"]+)"', page)
    assert sorted(assets) == ["./yasgui.min.css", "./yasgui.min.js", "/logo.svg"]
    for asset in assets:
        with urllib.request.urlopen(fixture_server.url + asset.lstrip("./"), timeout=60) as response:
            assert response.status == 200 and len(response.read()) > 1000, asset


# --------------------------------------------------------------------------- kg serve


@pytest.mark.server
@pytest.mark.parametrize("stop", [signal.SIGINT, signal.SIGTERM], ids=["ctrl-c", "sigterm"])
def test_kg_serve_answers_then_stops_cleanly_and_removes_its_store(tmp_path, stop):
    port = free_port()
    env = {**os.environ, "TMPDIR": str(tmp_path)}
    process, url = start_kg_serve("--port", str(port), "--data", str(MINI[0]), env=env)
    try:
        assert url == f"http://127.0.0.1:{port}/"
        assert list(tmp_path.glob("kg-oxigraph-*"))
        result = run_query(find_query("fx03", LIBRARY), engine=EndpointEngine(url + "query"))
        assert result.boolean is True
        process.send_signal(stop)
        stdout, stderr = process.communicate(timeout=30)
    finally:
        if process.poll() is None:
            process.kill()
    assert process.returncode == 0, stderr
    assert stdout.strip().endswith("stopped")
    assert list(tmp_path.glob("kg-oxigraph-*")) == []


def _workers(pid: int) -> list[int]:
    """The forked workers of kg serve ``pid``: its children but Oxigraph."""
    children = [int(p) for p in Path(f"/proc/{pid}/task/{pid}/children").read_text(encoding="utf-8").split()]
    return [child for child in children if b"oxigraph" not in Path(f"/proc/{child}/cmdline").read_bytes()]


def _ended_within(pid: int, seconds: float) -> bool:
    """Whether process ``pid`` (not necessarily a child of this one) ends within ``seconds``."""
    try:
        handle = os.pidfd_open(pid)
    except ProcessLookupError:
        return True
    try:
        return bool(select.select([handle], [], [], seconds)[0])
    finally:
        os.close(handle)


@pytest.mark.server
@pytest.mark.skipif(sys.platform != "linux", reason="workers are forked, and die with kg serve, on Linux")
def test_kg_serve_with_workers_answers_and_its_workers_end_with_it(tmp_path):
    env = {**os.environ, "TMPDIR": str(tmp_path)}
    process, url = start_kg_serve("--port", "0", "--data", str(MINI[0]), "--workers", "2", "--slots", "2", env=env)
    try:
        workers = _workers(process.pid)
        assert len(workers) == 1  # the second worker, beside Oxigraph
        texts = [f"ASK {{ FILTER({n} = {n}) }}" for n in range(40)]  # each a new text: none from a cache

        def ask(text: str) -> bytes:
            target = url + "query?" + urllib.parse.urlencode({"query": text})
            request = urllib.request.Request(target, headers={"Accept": "application/sparql-results+json"})
            with urllib.request.urlopen(request, timeout=60) as response:
                return response.read()

        threads = []
        answers: list[bytes] = []
        for chunk in range(4):
            thread = threading.Thread(target=lambda c=chunk: answers.extend(ask(t) for t in texts[c::4]))
            threads.append(thread)
            thread.start()
        for thread in threads:
            thread.join(120)
        assert len(answers) == 40 and all(json.loads(a)["boolean"] is True for a in answers)
        process.send_signal(signal.SIGTERM)
        stdout, stderr = process.communicate(timeout=60)
        assert (process.returncode, stdout.strip().splitlines()[-1]) == (0, "stopped"), stderr
        assert _ended_within(workers[0], 0)  # reaped by kg serve before it ended
        assert list(tmp_path.glob("kg-oxigraph-*")) == []
        # killed without a word, kg serve takes its workers with it
        process, url = start_kg_serve("--port", "0", "--data", str(MINI[0]), "--workers", "3", env=env)
        workers = _workers(process.pid)
        assert len(workers) == 2
        process.kill()
        process.wait(30)
        assert all(_ended_within(pid, 30) for pid in workers)
    finally:
        if process.poll() is None:
            process.kill()


@pytest.mark.parametrize("workers", ["0", "-1", str(serve_max_workers() + 1), "100000", "many"])
def test_a_number_of_workers_out_of_bounds_is_refused(run_kg, workers):
    """At most 4 per CPU: 100 000 were once forked, until the machine swapped."""
    code, _, err = run_kg("serve", "--port", "0", "--workers", workers)
    most = serve_max_workers()
    assert (code, err.splitlines()[0]) == (
        ExitCode.USAGE,
        f"kg serve: error: argument --workers: {workers!r} is not a whole number from 1 to {most}",
    )
    with pytest.raises(ServerError, match=f"kg serve takes 1 to {most} workers \\(4 per CPU\\), not 100000"):
        serve(MINI, port=0, workers=100_000)


def _family(pid: int) -> set[int]:
    """The children of process ``pid``, started by any of its threads."""
    with contextlib.suppress(FileNotFoundError, ProcessLookupError):
        return {int(c) for task in Path(f"/proc/{pid}/task").iterdir() for c in (task / "children").read_text().split()}
    return set()


@pytest.mark.server
@pytest.mark.skipif(sys.platform != "linux", reason="workers are forked, and die with kg serve, on Linux")
@pytest.mark.parametrize("when", ["at-once", "first-worker"])
def test_sigterm_while_kg_serve_starts_its_workers_ends_it_and_all_of_them(tmp_path, when):
    """SIGTERM at once (while it loads the store) or as soon as its first worker is forked (while it forks the
    others): kg serve ends within seconds, with every worker and Oxigraph, and removes its store; nothing is
    forked once it is stopping."""
    env = {**os.environ, "TMPDIR": str(tmp_path)}
    most = str(min(serve_max_workers(), 4))  # a few: on a machine of many CPUs the bound is large
    command = [sys.executable, "-m", "kg", "serve", "--port", "0", "--data", str(MINI[0]), "--workers", most]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    seen: set[int] = set()
    try:
        deadline = time.monotonic() + 60
        while when == "first-worker" and time.monotonic() < deadline and process.poll() is None:
            seen |= _family(process.pid)
            if any(_is_worker(child) for child in seen):
                break
            time.sleep(0.005)  # polling /proc for the first fork
        process.send_signal(signal.SIGTERM)
        seen |= _family(process.pid)
        _, stderr = process.communicate(timeout=30)
    finally:
        if process.poll() is None:
            process.kill()
    # 130 (interrupted) or 0 (stopped) once kg serve has its handler; before it (while Python imports) the
    # signal's own end, with nothing made yet
    assert process.returncode in (0, ExitCode.INTERRUPTED, -signal.SIGTERM), stderr
    assert "Traceback" not in stderr, stderr  # whole: a traceback here is rare and depends on timing
    assert all(_ended_within(pid, 10) for pid in seen), "a worker or Oxigraph outlived kg serve"
    assert list(tmp_path.glob("kg-oxigraph-*")) == []


def _is_worker(pid: int) -> bool:
    """Whether a child of kg serve is a forked worker (or Oxigraph before its exec, a moment): not Oxigraph."""
    try:
        return b"serve-read-only" not in Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return False


@pytest.mark.server
def test_a_busy_port_is_a_clear_error(run_kg):
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen(1)
        port = busy.getsockname()[1]
        code, _, err = run_kg("serve", "--port", str(port), "--data", str(MINI[0]))
    assert (code, err) == (
        ExitCode.SERVER,
        f"kg serve: error: port {port} on 127.0.0.1 is busy: choose another with --port\n",
    )


# --------------------------------------------------------------------------- kg push


@pytest.fixture
def writable_server() -> Iterator[Server]:
    with started(read_only=False, load=False) as server:
        yield server


def count(server: Server, graph: str | None) -> int:
    q = read_query_text("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")
    result = run_query(q, engine=EndpointEngine(server.query_url, graph=graph))
    return int(result.rows[0]["n"])


@pytest.mark.server
def test_push_puts_the_graph_into_a_named_graph_that_queries_can_use(writable_server):
    pushed = push(writable_server.store_url, MINI)
    local = open_engine("oxigraph", data=MINI)  # asserted triples and their RDFS closure, as pushed
    assert pushed.triples == len(local.store)
    assert (pushed.graph, pushed.status in (200, 201, 204)) == (DEFAULT_GRAPH, True)
    assert count(writable_server, DEFAULT_GRAPH) == pushed.triples
    assert count(writable_server, None) == 0
    for q in list_queries(LIBRARY):
        if q.expected_path():
            result = run_query(q, engine=EndpointEngine(writable_server.query_url, graph=DEFAULT_GRAPH))
            assert compare(result, read_expected(q.expected_path())) == [], q.name


@pytest.mark.server
def test_push_replaces_and_append_adds(writable_server):
    graph = "https://example.org/graph/test"
    push(writable_server.store_url, MINI, graph=graph)
    push(writable_server.store_url, MINI, graph=graph)
    triples = count(writable_server, graph)
    tiny = FIXTURES / "tiny.ttl"
    assert tiny.is_file()
    push(writable_server.store_url, [tiny], graph=graph, append=True)
    assert count(writable_server, graph) == triples + 1
    push(writable_server.store_url, [tiny], graph=graph, entailment="none")
    assert count(writable_server, graph) == len(open_engine("oxigraph", data=[tiny], entailment="none").store)


@pytest.mark.server
def test_kg_push_prints_what_it_sent(writable_server, run_kg):
    code, out, err = run_kg("push", "--endpoint", writable_server.store_url, "--data", str(MINI[0]))
    assert (code, err) == (ExitCode.OK, "")
    where = re.escape(writable_server.store_url)
    assert re.fullmatch(
        rf"pushed \d+ triples \(ontology, vocabularies and data with their RDFS entailments, as kg query sees them\) "
        rf"into <{re.escape(DEFAULT_GRAPH)}> at {where} \(HTTP 20[14]\)\n",
        out,
    )


@pytest.mark.server
def test_push_to_a_read_only_server_is_refused(fixture_server):
    with pytest.raises(EndpointError) as caught:
        push(fixture_server.store_url, MINI)
    assert str(caught.value) == (
        f"{fixture_server.store_url}: HTTP 403 Forbidden (text/plain; charset=utf-8): forbidden: the server refuses "
        "to write here (most likely a read-only server or endpoint, or writing needs --user): The server is read-only"
    )


def test_push_to_nowhere_exits_5(run_kg):
    code, _, err = run_kg("push", "--endpoint", "http://127.0.0.1:9/store", "--data", str(MINI[0]))
    assert code == ExitCode.ENDPOINT
    assert err.startswith("kg push: error: http://127.0.0.1:9/store: cannot connect: ")


# --------------------------------------------------------------------------- the endpoint client


class _Recorder(BaseHTTPRequestHandler):
    """Answers every SPARQL request with one row, or with the status the test asks for."""

    seen: ClassVar[list[dict[str, str]]] = []
    status = 200
    delay = 0.0

    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length).decode("utf-8")
        type(self).seen.append({**dict(self.headers), "body": body})
        time.sleep(type(self).delay)
        with contextlib.suppress(BrokenPipeError, ConnectionResetError):  # the client may have given up
            self.answer()

    def answer(self) -> None:
        if type(self).status != 200:
            self.send_response(type(self).status)
            self.send_header("Content-Type", "text/plain")
            self.end_headers()
            self.wfile.write(b"the server says no")
            return
        answer = {"head": {"vars": ["x"]}, "results": {"bindings": [{"x": {"type": "literal", "value": "ok"}}]}}
        self.send_response(200)
        self.send_header("Content-Type", "application/sparql-results+json")
        self.end_headers()
        self.wfile.write(json.dumps(answer).encode("utf-8"))

    def log_message(self, *args) -> None:
        pass


@pytest.fixture
def recorder() -> Iterator[tuple[str, type[_Recorder]]]:
    handler = type("Handler", (_Recorder,), {"seen": [], "status": 200, "delay": 0.0})
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, kwargs={"poll_interval": 0.01}, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}/sparql", handler
    finally:
        httpd.shutdown()
        httpd.server_close()


def test_the_client_names_the_project_and_sends_basic_auth(recorder):
    url, handler = recorder
    engine = EndpointEngine(url, user="researcher", password="s3cret", graph="https://example.org/g", auth="basic")
    result = run_query(read_query_text("SELECT ?x WHERE { ?x ?p ?o }"), {"o": "kgi:iran"}, engine=engine)
    assert result.rows == [{"x": Literal("ok")}]
    request = handler.seen[0]
    assert request["User-Agent"].startswith("kg-iran-kazakhstan ")
    assert request["Authorization"] == "Basic " + base64.b64encode(b"researcher:s3cret").decode("ascii")
    form = urllib.parse.parse_qs(request["body"])
    assert form["default-graph-uri"] == ["https://example.org/g"]
    assert "VALUES (?o) { (<https://w3id.org/iran-kazakhstan-kg/id/iran>) }" in form["query"][0]


@pytest.mark.parametrize(
    ("status", "message"),
    [
        (500, "HTTP 500 Internal Server Error (text/plain): the server says no"),
        (
            401,
            "HTTP 401 Unauthorized (text/plain): the server asks for credentials: give --user"
            " (the password from $KG_ENDPOINT_PASSWORD): the server says no",
        ),
        (503, "HTTP 503 Service Unavailable (text/plain): the server says no"),
    ],
)
def test_http_errors_become_endpoint_errors(recorder, status, message, run_kg):
    url, handler = recorder
    handler.status = status
    code, out, err = run_kg("query", "-e", "ASK {}", "--endpoint", url)
    assert (code, out, err) == (ExitCode.ENDPOINT, "", f"kg query: error: {url}: {message}\n")


def test_an_endpoint_past_its_time_limit_is_a_timeout(recorder):
    url, handler = recorder
    handler.delay = 3
    with pytest.raises(QueryTimeout) as caught:
        run_query(read_query_text("ASK {}", name="<-e>"), engine=EndpointEngine(url, timeout=0.5))
    assert str(caught.value) == f"<-e>: {url}: no answer within 0.5 s (--timeout)"


#: SIGTERM taken while the collector runs a finalizer, then a finalizer's own mistake, under kg serve's handler.
_SWALLOWED = """
import signal, sys
from kg.serve import _sigterm_as_interrupt

class Stopped:
    def __del__(self):
        signal.raise_signal(signal.SIGTERM)

class Broken:
    def __del__(self):
        raise ValueError("a finalizer's own mistake")

before = sys.unraisablehook
with _sigterm_as_interrupt() as interrupted:
    Stopped()  # dropped at once: its finalizer takes the signal, and Python swallows the KeyboardInterrupt
    Broken()
print(interrupted == [signal.SIGTERM], sys.unraisablehook is before)
"""


def test_a_stop_swallowed_in_a_finalizer_is_seen_and_not_printed_as_a_traceback():
    """A SIGTERM taken as the collector runs a finalizer (an event loop that a stopped start-up left unclosed):
    Python swallows kg serve's KeyboardInterrupt there and printed "Exception ignored" and a traceback (a run of
    the suite failed so, SIGTERM as the first worker was forked). kg serve still sees the stop (its list) and
    prints nothing of it; a finalizer's own mistake is printed as before; the hook is given back."""
    done = subprocess.run([sys.executable, "-c", _SWALLOWED], capture_output=True, text=True, timeout=60, check=False)
    assert (done.returncode, done.stdout) == (0, "True True\n"), done.stderr
    assert "KeyboardInterrupt" not in done.stderr
    assert "Exception ignored" in done.stderr and "ValueError: a finalizer's own mistake" in done.stderr
