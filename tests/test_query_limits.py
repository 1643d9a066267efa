"""What a local query may not do: reach the network, load graphs, update, outgrow its memory, build rows past the cap.

The network refusal is decided on the parsed query and proved where the
connection would happen: a listener on a free loopback port fails a test if
anything connects to it.
"""

from __future__ import annotations

import os
import socket
import threading

import pyoxigraph
import pytest

from kg.errors import ExitCode, QueryError
from kg.sparql import query
from kg.sparql.engines import open_engine
from kg.sparql.sandbox import _leave_the_network, capabilities_kept, run_isolated


@pytest.fixture(scope="module")
def engines():
    return {name: open_engine(name) for name in ("oxigraph", "rdflib")}


class Listener:
    """A TCP socket listening on 127.0.0.1 at a free port; :meth:`contacted` says whether anything connected.

    The kernel completes a connection into the backlog without ``accept()``,
    so one non-blocking accept after the query tells, with no thread and no wait.
    """

    def __init__(self) -> None:
        self.socket = socket.socket()
        self.socket.bind(("127.0.0.1", 0))
        self.socket.listen(16)
        self.port = self.socket.getsockname()[1]
        self.url = f"http://127.0.0.1:{self.port}/"

    def contacted(self) -> bool:
        self.socket.setblocking(False)
        try:
            connection, _ = self.socket.accept()
        except BlockingIOError:
            return False
        connection.close()
        return True


@pytest.fixture
def listener():
    probe = Listener()
    yield probe
    probe.socket.close()


SERVICE = "SERVICE is refused: queries do not reach the network (--allow-external permits it)"
FROM = "FROM and FROM NAMED are refused: queries do not load remote or file: graphs (--allow-external permits it)"

#: Each way of asking for the listener: text with {url} in it, and the refusal expected.
BYPASSES = {
    "prefix-glued-to-service": (
        "PREFIX ab: <{url}> PREFIX SERVICEab: <http://unused.invalid/> "
        "SELECT * WHERE {{ SERVICEab:sparql {{ ?s ?p ?o }} }}",
        SERVICE,
    ),
    "prefix-named-service": (
        "PREFIX : <{url}> PREFIX SERVICE: <http://unused.invalid/> "
        "SELECT * WHERE {{ ?s ?p ?o OPTIONAL {{ SERVICE:sparql {{ ?s ?p ?o }} }} }}",
        SERVICE,
    ),
    "unicode-escape": ("SELECT * WHERE {{ \\u0053ERVICE <{url}sparql> {{ ?s ?p ?o }} }}", SERVICE),
    "lower-case": ("select * where {{ service <{url}sparql> {{ ?s ?p ?o }} }}", SERVICE),
    "silent": ("SELECT * WHERE {{ SERVICE SILENT <{url}sparql> {{ ?s ?p ?o }} }}", SERVICE),
    "comment-between": ("SELECT * WHERE {{ SERVICE # to {url}\n <{url}sparql> {{ ?s ?p ?o }} }}", SERVICE),
    "nested": (
        "SELECT * WHERE {{ {{ ?s ?p ?o }} UNION {{ SELECT * WHERE {{ OPTIONAL {{ "
        "FILTER EXISTS {{ SERVICE <{url}sparql> {{ ?s ?p ?o }} }} }} }} }} }}",
        SERVICE,
    ),
    "variable-endpoint": ("SELECT * WHERE {{ BIND(<{url}sparql> AS ?e) SERVICE ?e {{ ?s ?p ?o }} }}", SERVICE),
    "from": ("SELECT * FROM <{url}data.ttl> WHERE {{ ?s ?p ?o }}", FROM),
    "from-named": ("SELECT * FROM NAMED <{url}data.ttl> WHERE {{ GRAPH ?g {{ ?s ?p ?o }} }}", FROM),
    "from-lower-case-escaped": ("SELECT * \\u0066rom <{url}data.ttl> WHERE {{ ?s ?p ?o }}", FROM),
}  # fmt: skip


@pytest.mark.parametrize("engine_name", ["oxigraph", "rdflib"])
@pytest.mark.parametrize("case", BYPASSES)
def test_no_way_of_writing_service_or_from_reaches_the_network(engines, listener, engine_name, case):
    template, message = BYPASSES[case]
    with pytest.raises(QueryError) as caught:
        query(text=template.format(url=listener.url), engine=engines[engine_name], timeout=10)
    assert caught.value.message == message
    assert caught.value.exit_code == ExitCode.QUERY
    assert not listener.contacted()


def test_the_refusal_points_at_the_service_oxigraph_would_read(engines, listener):
    text = (
        f"PREFIX ab: <{listener.url}>\nPREFIX SERVICEab: <http://unused.invalid/>\n"
        "SELECT * WHERE {\n  SERVICEab:sparql { ?s ?p ?o } }"
    )
    with pytest.raises(QueryError) as caught:
        query(text=text, engine=engines["oxigraph"])
    assert str(caught.value) == f"<-e>:4:3: {SERVICE}"


@pytest.mark.parametrize(
    "text",
    [
        'SELECT ?s WHERE { ?s <urn:service> "SERVICE FROM" . ?s <urn:p> ?from } # SERVICE <http://x/>',
        "SELECT ?service WHERE { ?service a <urn:FROM> }",
        "PREFIX kgs: <urn:s:> SELECT * WHERE { ?s kgs:serviceOf ?o }",
    ],
    ids=["string-comment-iri", "variable", "local-name"],
)
def test_service_and_from_in_strings_comments_iris_variables_and_local_names_are_no_operations(engines, text):
    assert query(text=text, engine=engines["oxigraph"]).kind == "bindings"


def test_updates_are_refused_even_when_they_would_parse(engines):
    with pytest.raises(QueryError) as caught:
        query(text="INSERT DATA { <urn:a> <urn:b> <urn:c> }", engine=engines["oxigraph"])
    assert str(caught.value) == (
        "<-e>:1:1: SPARQL Update (INSERT) is refused: kg query only reads (kg push uploads data to a server)"
    )


def _network_namespace_available() -> bool:
    return run_isolated(_leave_the_network, timeout=10, allow_external=True)


def test_the_query_process_cannot_connect_even_when_the_policy_is_bypassed(listener):
    """pyoxigraph's own HTTP client, called directly in the query process, reaches nothing."""
    if not _network_namespace_available():
        pytest.skip("this kernel refuses unprivileged network namespaces; the parse-level refusal still holds")
    text = f"SELECT * WHERE {{ SERVICE <{listener.url}sparql> {{ ?s ?p ?o }} }}"
    with pytest.raises(QueryError, match="the query failed"):
        run_isolated(lambda: list(pyoxigraph.Store().query(text)), timeout=10)
    assert not listener.contacted()


def _connects(listener: Listener) -> bool:
    try:
        socket.create_connection(("127.0.0.1", listener.port), timeout=5).close()
    except OSError:
        return False
    return True


@pytest.mark.skipif(not hasattr(os, "getuid") or os.getuid() != 0, reason="needs root")
def test_root_leaves_the_network_but_keeps_its_capabilities(listener, tmp_path):
    """Root leaves only the network (no user namespace of its own): a file it reads by CAP_DAC_OVERRIDE stays
    readable in the same process afterwards (a warm worker's next request reads its query file there)."""
    private = tmp_path / "private.rq"
    private.write_text("ASK {}\n", encoding="utf-8")
    os.chown(private, 12345, 12345)
    private.chmod(0o600)

    def cut_then_read() -> tuple[bool, bool, str, bool]:
        return _leave_the_network(), capabilities_kept(), private.read_text(encoding="utf-8"), _connects(listener)

    assert run_isolated(cut_then_read, timeout=10, allow_external=True) == (True, True, "ASK {}\n", False)
    assert _connects(listener) and listener.contacted()  # the control: from here it does connect


@pytest.mark.skipif(not hasattr(os, "getuid") or os.getuid() != 0, reason="needs root to become another user")
def test_an_unprivileged_process_leaves_the_network_through_a_user_namespace_of_its_own(listener):
    """As `nobody` (no capabilities to lose), the network is left all the same, and the process keeps what it had."""

    def as_nobody() -> tuple[bool, bool, bool]:
        os.setgroups([])
        os.setgid(65534)
        os.setuid(65534)
        return _leave_the_network(), capabilities_kept(), _connects(listener)

    left, kept, connected = run_isolated(as_nobody, timeout=10, allow_external=True)
    if not left:
        pytest.skip("this kernel refuses unprivileged network namespaces; the parse-level refusal still holds")
    assert (kept, connected) == (True, False)
    assert not listener.contacted()


def test_with_allow_external_the_same_call_does_reach_the_listener(listener):
    """The control: the listener does see a connection when one is allowed, so the tests above can fail.

    The listener takes the connection and hangs up, so the query fails at once (it waited out a 2 s limit)."""
    text = f"SELECT * WHERE {{ SERVICE <{listener.url}sparql> {{ ?s ?p ?o }} }}"
    failed: list[BaseException] = []

    def run() -> None:
        try:
            run_isolated(lambda: list(pyoxigraph.Store().query(text)), timeout=60, allow_external=True)
        except QueryError as error:
            failed.append(error)

    thread = threading.Thread(target=run)
    thread.start()
    try:
        listener.socket.settimeout(60)
        connection, _ = listener.socket.accept()  # contacted
        connection.close()
    finally:
        thread.join(120)
    assert [type(error) for error in failed] == [QueryError]
    assert str(failed[0]).startswith("the query failed: ")  # the hang-up, not a time limit


# --------------------------------------------------------------------------- memory and rows

# The memory ceiling through the CLI (exit 4 and the measured peak): tests/hostile/test_hostile_queries.py


def test_rdflib_stops_building_rows_at_the_cap(engines):
    """Some 18 million rows in all; the first five come at once because rdflib's evaluation is consumed lazily."""
    result = query(text="SELECT * WHERE { ?a ?b ?c . ?d ?e ?f }", engine=engines["rdflib"], max_rows=5, timeout=20)
    assert (len(result.rows), result.truncated) == (5, True)


# Bad numbers for --timeout, --max-rows and --max-memory: tests/hostile/test_hostile_arguments.py


# The query process itself (its answer, its exit, its errors): tests/test_sandbox.py
