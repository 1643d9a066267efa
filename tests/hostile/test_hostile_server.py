"""A hostile client of ``kg serve``: no federation, no update, no second query smuggled past the check.

SECURITY.md, "Server". One real ``kg serve --port 0`` (a subprocess: the case
needs a server) serves the module, its store under the test's own TMPDIR. Every
case asserts the HTTP status, the message, that a loopback tripwire was never
contacted, and (at the end) that the served graph is unchanged. kill -9 of
``kg serve`` is proved in tests/test_site.py::test_the_oxigraph_child_dies_when_kg_serve_is_killed.
"""

from __future__ import annotations

import http.client
import json
import os
import re
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from kg.proxy import STOPPED
from kg_serve import start_kg_serve, stop_kg_serve

pytestmark = pytest.mark.server

SERVICE = "SERVICE is refused: queries do not reach the network (--allow-external permits it)"
COUNT = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
#: The process id of the module's kg serve, for its memory.
SERVER: dict[str, int] = {}


def _get(url: str, data: bytes | None = None, content_type: str | None = None) -> tuple[int, str]:
    request = urllib.request.Request(url, data=data, headers={"Content-Type": content_type} if content_type else {})
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, response.read().decode("utf-8")
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read().decode("utf-8")


def _count(site: str) -> int:
    status, body = _get(site + "query?" + urllib.parse.urlencode({"query": COUNT}))
    assert status == 200, body
    return int(json.loads(body)["results"]["bindings"][0]["n"]["value"])


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Iterator[str]:
    env = {**os.environ, "TMPDIR": str(tmp_path_factory.mktemp("serve"))}
    process, url = start_kg_serve("--port", "0", env=env)
    try:
        before = _count(url)
        SERVER["pid"] = process.pid
        yield url
        assert _count(url) == before, "a request changed the served graph"
    finally:
        assert "Traceback" not in stop_kg_serve(process)


QUERIES = {
    "in-a-subquery": "SELECT * WHERE { { SELECT * WHERE { sErViCe <{url}> { ?s ?p ?o } } } }",
    "after-a-comment": "SELECT * WHERE { # SERVICE here is a comment\n SERVICE <{url}> { ?s ?p ?o } }",
    "in-minus": "SELECT * WHERE { ?s ?p ?o MINUS { SERVICE <{url}> { ?s ?p ?o } } }",
    "relative-to-base": "BASE <{url}> SELECT * WHERE { SERVICE <sparql> { ?s ?p ?o } }",
    "silent-variable": "SELECT * WHERE { BIND(<{url}> AS ?e) SERVICE SILENT ?e { ?s ?p ?o } }",
    "escaped-in-exists": "ASK { FILTER EXISTS { \\u0053ERVICE <{url}> { ?s ?p ?o } } }",
}


@pytest.mark.parametrize("case", QUERIES)
@pytest.mark.parametrize("how", ["get", "post-query", "post-form"])
def test_service_through_the_endpoint_is_403_and_contacts_nothing(site, tripwire, case, how):
    text = QUERIES[case].replace("{url}", tripwire.url)
    if how == "get":
        status, body = _get(site + "query?" + urllib.parse.urlencode({"query": text}))
    elif how == "post-query":
        status, body = _get(site + "query", text.encode("utf-8"), "application/sparql-query")
    else:
        form = urllib.parse.urlencode({"query": text}).encode()
        status, body = _get(site + "query", form, "application/x-www-form-urlencoded")
    assert status == 403
    assert re.fullmatch(rf"<request>:\d+:\d+: {re.escape(SERVICE)}", body), body


@pytest.mark.parametrize("case", ["in-a-subquery", "relative-to-base", "escaped-in-exists"])
def test_service_through_the_ad_hoc_page_is_refused_and_contacts_nothing(site, tripwire, case):
    text = QUERIES[case].replace("{url}", tripwire.url)
    status, page = _get(
        site + "ad-hoc", urllib.parse.urlencode({"query": text}).encode(), "application/x-www-form-urlencoded"
    )
    assert status == 400
    assert SERVICE in page


_NOT_POST = "This address does not answer \u2068POST\u2069 requests."


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ([("query", "{service}"), ("query", "{safe}")], "The URL query parameter query must be set at most once"),
        ([("query", "{safe}"), ("query", "{service}")], SERVICE),
    ],
    ids=["service-first", "service-last"],
)
def test_a_second_query_parameter_cannot_smuggle_service(site, tripwire, params, message):
    service = f"SELECT * WHERE {{ SERVICE <{tripwire.url}> {{ ?s ?p ?o }} }}"
    values = [(k, v.format(service=service, safe="ASK {}")) for k, v in params]
    status, body = _get(site + "query?" + urllib.parse.urlencode(values))
    assert status in (400, 403)
    assert message in body


def test_a_query_in_the_url_and_another_in_the_body_is_refused(site, tripwire):
    service = f"SELECT * WHERE {{ SERVICE <{tripwire.url}> {{ ?s ?p ?o }} }}"
    status, body = _get(
        site + "query?" + urllib.parse.urlencode({"query": service}), b"ASK {}", "application/sparql-query"
    )
    assert (status, body) == (400, "The query cannot be set both in the URL query parameters and the request body")


def test_a_default_graph_uri_is_a_name_in_the_store_never_fetched(site, tripwire):
    query = {"query": "SELECT * WHERE { ?s ?p ?o }", "default-graph-uri": tripwire.url + "graph.ttl"}
    status, body = _get(site + "query?" + urllib.parse.urlencode(query))
    assert status == 200
    assert json.loads(body)["results"]["bindings"] == []


@pytest.mark.parametrize(
    ("path", "data", "content_type", "status", "message"),
    [
        ("query?query=DROP%20ALL", None, None, 403, "SPARQL Update (DROP) is refused"),
        ("query?query=LOAD%20%3Cfile%3A%2F%2F%2Fetc%2Fpasswd%3E", None, None, 403, "SPARQL Update (LOAD) is refused"),
        ("query?update=DROP%20ALL", None, None, 400, "no query: give ?query=SPARQL"),
        ("query", b"DROP ALL", "application/sparql-update", 415, "POST a query as application/sparql-query"),
        ("query", b"update=DROP+ALL", "application/x-www-form-urlencoded", 400, "no query: give ?query=SPARQL"),
        ("query", b"CLEAR DEFAULT", "application/sparql-query", 403, "SPARQL Update (CLEAR) is refused"),
        # Oxigraph's own write routes do not exist on the site: every other path is a page (GET only).
        ("update", b"DROP ALL", "application/sparql-update", 405, _NOT_POST),
        ("store", b"<urn:a> <urn:b> <urn:c> .", "application/n-triples", 405, _NOT_POST),
    ],
    ids=["get-drop", "get-load", "update-param", "sparql-update-body", "update-form", "clear-as-query",
         "update-path", "graph-store-path"],
)  # fmt: skip
def test_every_way_of_sending_an_update_is_refused(site, path, data, content_type, status, message):
    got, body = _get(site + path, data, content_type)
    assert got == status
    assert message in body, body


@pytest.mark.slow
def test_a_query_nested_too_deep_for_oxigraph_is_refused_and_the_server_lives(site):
    """Nor one that chains 1 000 BINDs (the served Oxigraph's thread overflowed its stack). 100 000 braces
    (200 KB) once held the event loop for over a minute (a scan per bracket): now one pass,
    off the loop. A mismatched bracket that deep is placed, on /query and on the ad-hoc page, both languages."""
    text = "SELECT * WHERE " + "{" * 100_000 + "}" * 100_000
    status, body = _get(site + "query", text.encode(), "application/sparql-query")
    assert (status, body.split(": ", 1)[1]) == (
        403,
        "the query nests more than 1000 levels deep ({, ( and [ inside each other, operators chained), "
        "more than the parsers can read",
    )
    chained = "SELECT * { " + " ".join(f"BIND(1 AS ?v{i})" for i in range(1000)) + " }"  # crashed Oxigraph's thread
    status, body = _get(site + "query", chained.encode(), "application/sparql-query")
    assert status == 403 and "chains more than 500 parts" in body, body[:300]
    described = "DESCRIBE " + " ".join(f"<urn:x{i}>" for i in range(3000))  # 35 KB: crashed Oxigraph's thread
    status, body = _get(site + "query", described.encode(), "application/sparql-query")
    assert status == 403 and "chains more than 500 parts" in body, body[:300]
    broken = "ASK {" + "[" * 100_000 + "}"
    status, body = _get(site + "query", broken.encode(), "application/sparql-query")
    assert status == 400 and body.startswith("line 1, column 100006: "), body[:300]
    for lang, words in (
        ("en", "The bracket [ opened at line 1, column 100,005 is closed by } at line 1, column 100,006"),
        ("fa", "قلاب \u2066[\u2069 که در سطر ۱، ستون ۱۰۰٬۰۰۵ باز شده است با \u2066}\u2069 در سطر ۱، ستون ۱۰۰٬۰۰۶"),
    ):
        form = urllib.parse.urlencode({"query": broken}).encode()
        status, page = _get(f"{site}ad-hoc?lang={lang}", form, "application/x-www-form-urlencoded")
        assert status == 400 and words in page, page[:300]
    assert _count(site) > 0  # Oxigraph still answers


@pytest.mark.parametrize(
    "scheme_iri", ["javascript:alert(document.domain)", "data:text/html,hello", "file:///etc/passwd"]
)
def test_an_iri_that_is_not_http_is_shown_as_text_never_a_link(site, scheme_iri):
    """Cells link only to the site's own pages: an IRI of the dataset to its page, any other as text."""
    iran = "https://w3id.org/iran-kazakhstan-kg/id/iran"
    query = f"SELECT ?x WHERE {{ VALUES ?x {{ <{scheme_iri}> <{iran}> }} }}"
    status, page = _get(site + "ad-hoc?" + urllib.parse.urlencode({"query": query}))
    assert status == 200, page
    hrefs = re.findall(r'<a [^>]*href="([^"]*)"', page)  # links (a <link rel="icon" href="data:,"> is no link)
    assert "/id/iran.html" in hrefs  # the control: an IRI of the dataset links to its page
    assert [h for h in hrefs if h.split(":")[0].lower() in ("javascript", "data", "file")] == []
    shown = scheme_iri.replace("<", "&lt;")
    assert f'{shown} <a class="node"' in page or f'&lt;{shown}&gt; <a class="node"' in page, page


def _peak_mb(pid: int) -> int:
    status = Path(f"/proc/{pid}/status").read_text(encoding="utf-8")
    return int(re.search(r"VmHWM:\s+(\d+) kB", status).group(1)) // 1024


def test_a_huge_answer_is_streamed_through_the_site_not_held_in_memory(site):
    """A cross product of some 200 million rows: sent as it is made (chunked, no length known before the end),
    and kg serve's memory stays flat while 32 MiB of it pass through (held, they would raise its peak by as much)."""
    before = _peak_mb(SERVER["pid"])
    query = urllib.parse.urlencode({"query": "SELECT * WHERE { ?a ?b ?c . ?d ?e ?f }"})
    with urllib.request.urlopen(site + "query?" + query, timeout=60) as response:
        assert response.headers["Transfer-Encoding"] == "chunked" and "Content-Length" not in response.headers
        first = response.read(1 << 20)
        assert len(first) == 1 << 20
        read = len(first)
        try:
            while read < 32 << 20:
                read += len(response.read(1 << 20))
        except http.client.IncompleteRead as cut:  # a slow machine: the 10 s limit came first and cut it
            read += len(cut.partial)
    assert read >= 8 << 20
    assert _peak_mb(SERVER["pid"]) - before < 32, "kg serve held the answer in memory"
    assert _count(site) > 0  # and still answers


#: A 20 KB expression (10 000 terms chained by ``+``): evaluating it overflowed the stack of the Oxigraph
#: server's answering thread, which aborted the whole server (0.5.13). The query check refuses such chains as
#: nesting; ``--allow-external`` skips the check, so it still reaches Oxigraph here.
CRASHING = "SELECT * WHERE { BIND(" + "+".join(["1"] * 10_000) + " AS ?x) }"
#: A count that Oxigraph goes on computing long past its limit: it looks at its clock only between outer rows.
OUTLASTING = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"


def _oxigraph_of(pid: int) -> int:
    children = [int(c) for task in Path(f"/proc/{pid}/task").iterdir() for c in (task / "children").read_text().split()]
    (child,) = [c for c in children if b"serve-read-only" in Path(f"/proc/{c}/cmdline").read_bytes()]
    return child


#: The test's own kg.limits.SERVE_OVERRUN (5 s in production, a fixed limit): the seconds it waits for the restart.
OVERRUN = 1.0


def test_a_query_that_crashes_or_outlasts_oxigraph_is_answered_and_the_service_goes_on(tmp_path):
    """A query that crashes the served Oxigraph gets its 502, and Oxigraph is started again on the same store; one
    that it goes on computing past the limit gets its 504 at the limit, and kg.limits.SERVE_OVERRUN later (here
    :data:`OVERRUN`) Oxigraph is restarted to stop it. Each time one line says so, and the next query is answered.
    Its own kg serve (a 1 s limit; --allow-external skips the query check): the module's is not to be restarted
    under the others."""
    mini = Path(__file__).parents[1] / "fixtures" / "query" / "mini.ttl"
    env = {**os.environ, "TMPDIR": str(tmp_path)}
    args = ("--port", "0", "--data", str(mini), "--timeout", "1", "--allow-external")
    process, url = start_kg_serve(*args, env=env, fixed={"SERVE_OVERRUN": OVERRUN})
    ask = url + "query?" + urllib.parse.urlencode({"query": "ASK { ?s ?p ?o }"})
    try:
        assert process.stderr is not None
        first = _oxigraph_of(process.pid)
        status, body = _get(url + "query", CRASHING.encode(), "application/sparql-query")
        assert (status, body) == (502, STOPPED)
        assert process.stderr.readline().startswith("kg serve: the oxigraph server stopped with signal ")
        assert process.stderr.readline().startswith("kg serve: the oxigraph server answers again (")
        assert _get(ask)[0] == 200
        second = _oxigraph_of(process.pid)
        status, body = _get(url + "query", OUTLASTING.encode(), "application/sparql-query")
        assert (status, body) == (504, "the query ran past its time limit of 1 s (kg serve --timeout)")
        assert process.stderr.readline() == (
            f"kg serve: the oxigraph server was stopped: a query went on {OVERRUN:g} s past kg serve's time limit in "
            "it; restarting it on the same store\n"
        )
        assert process.stderr.readline().startswith("kg serve: the oxigraph server answers again (")
        assert _get(ask)[0] == 200
        assert len({first, second, _oxigraph_of(process.pid)}) == 3
    finally:
        said = stop_kg_serve(process)
    assert process.returncode == 0 and "Traceback" not in said
