"""The endpoint client (kg.sparql.endpoint) against small fake endpoints with canned answers.

Each fake endpoint is an ``http.server`` on 127.0.0.1 port 0 in a thread,
answering every request with the status, headers and body the test gives,
and recording what it was sent. ``kg query --endpoint`` must print every
well-formed SPARQL answer without a traceback, keep every literal's lexical
form, report what is not SPARQL with the server's own words, stop the whole
exchange at one deadline, keep credentials from other origins, and never
load a JSON-LD ``@context``.
"""

from __future__ import annotations

import json
import re
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from kg.errors import ExitCode
from kg.sparql.endpoint import EndpointEngine
from loopback import FakeEndpoint

XSD = "http://www.w3.org/2001/XMLSchema#"
LONG = "آ" * 100_000


def _serve(fake: FakeEndpoint) -> Iterator[FakeEndpoint]:
    fake.start()
    try:
        yield fake
    finally:
        fake.stop()


@pytest.fixture
def fake() -> Iterator[FakeEndpoint]:
    yield from _serve(FakeEndpoint())


@pytest.fixture
def other() -> Iterator[FakeEndpoint]:
    """A second listener on another port (another origin)."""
    yield from _serve(FakeEndpoint(body=b'{"head": {}, "boolean": true}', headers={"Content-Type": "application/json"}))


def literal(value: str, **extra: str) -> dict[str, str]:
    return {"type": "literal", "value": value, **extra}


#: One row of every awkward kind of term, in SPARQL JSON.
AWKWARD = {
    "duration": literal("P1Y2M", datatype=XSD + "duration"),
    "daytime": literal("PT36H", datatype=XSD + "dayTimeDuration"),
    "virtuoso": {"type": "typed-literal", "datatype": XSD + "duration", "value": "12"},
    "unknown": literal("42 furlongs", datatype="https://example.org/dt/length"),
    "illtyped": literal("abc", datatype=XSD + "integer"),
    "padded": literal("01", datatype=XSD + "integer"),
    "baddate": literal("2022-13-45", datatype=XSD + "date"),
    "lang": literal("Tokayev", **{"xml:lang": "EN-GB"}),
    "fa": literal("توکایف", **{"xml:lang": "fa"}),
    "bnode": {"type": "bnode", "value": "b0"},
    "long": literal(LONG),
}
AWKWARD_TSV = (
    f'"P1Y2M"^^<{XSD}duration>\t"PT36H"^^<{XSD}dayTimeDuration>\t"12"^^<{XSD}duration>\t'
    f'"42 furlongs"^^<https://example.org/dt/length>\t"abc"^^<{XSD}integer>\t01\t"2022-13-45"^^<{XSD}date>\t'
    f'"Tokayev"@en-gb\t"توکایف"@fa\t_:b0\t"{LONG}"'
)


def _json_body(rows: list[dict[str, dict[str, str]]]) -> bytes:
    variables = list(rows[0]) if rows else []
    return json.dumps({"head": {"vars": variables}, "results": {"bindings": rows}}).encode("utf-8")


def test_every_awkward_term_prints_with_its_lexical_form_and_no_traceback(fake, run_kg):
    fake.headers = {"Content-Type": "application/sparql-results+json"}
    fake.body = _json_body([AWKWARD])
    code, out, err = run_kg("query", "-e", "SELECT * WHERE { ?s ?p ?o }", "--endpoint", fake.url, "--format", "tsv")
    assert (code, err) == (ExitCode.OK, "")
    assert out == "\t".join(f"?{v}" for v in AWKWARD) + "\n" + AWKWARD_TSV + "\n"


def test_the_table_of_awkward_terms_prints_too(fake, run_kg):
    fake.headers = {"Content-Type": "application/sparql-results+json"}
    fake.body = _json_body([{k: v for k, v in AWKWARD.items() if k != "long"}])
    code, out, err = run_kg("query", "-e", "SELECT * WHERE { ?s ?p ?o }", "--endpoint", fake.url)
    assert (code, err) == (ExitCode.OK, "")
    assert out.splitlines()[2].split() == [
        "P1Y2M", "PT36H", "12", "42", "furlongs", "abc", "01", "2022-13-45", "Tokayev", "\u2067توکایف\u2069", "_:b0",
    ]  # fmt: skip


_XML = f"""<?xml version="1.0"?>
<sparql xmlns="http://www.w3.org/2005/sparql-results#">
  <head><variable name="d"/><variable name="i"/><variable name="l"/><variable name="b"/></head>
  <results><result>
    <binding name="d"><literal datatype="{XSD}dayTimeDuration">PT36H</literal></binding>
    <binding name="i"><literal datatype="{XSD}integer">abc</literal></binding>
    <binding name="l"><literal xml:lang="FA-ir">تهران</literal></binding>
    <binding name="b"><bnode>x1</bnode></binding>
  </result></results>
</sparql>"""
_TSV = f'?d\t?i\t?l\t?b\n"PT36H"^^<{XSD}dayTimeDuration>\t"abc"^^<{XSD}integer>\t"تهران"@FA-ir\t_:x1\n'
_TYPED = f'"PT36H"^^<{XSD}dayTimeDuration>\t"abc"^^<{XSD}integer>\t"تهران"@fa-ir\t_:x1'
_CSV = "d,i,l,b\r\nPT36H,abc,تهران,_:x1\r\n"


@pytest.mark.parametrize(
    ("content_type", "body", "printed"),
    [
        (
            "application/sparql-results+xml",
            _XML,
            _TYPED,
        ),
        ("text/tab-separated-values", _TSV, _TYPED),
        ("text/csv; charset=utf-8", _CSV, '"PT36H"\t"abc"\t"تهران"\t_:x1'),
    ],
)
def test_xml_tsv_and_csv_answers_are_read_too(fake, run_kg, content_type, body, printed):
    fake.headers = {"Content-Type": content_type}
    fake.body = body.encode("utf-8")
    code, out, err = run_kg("query", "-e", "SELECT * WHERE { ?s ?p ?o }", "--endpoint", fake.url, "--format", "tsv")
    assert (code, err) == (ExitCode.OK, "")
    assert out == f"?d\t?i\t?l\t?b\n{printed}\n"


def test_the_client_asks_for_json_first_and_names_the_graph(fake):
    fake.headers = {"Content-Type": "application/sparql-results+json"}
    fake.body = b'{"head": {"vars": []}, "results": {"bindings": []}}'
    EndpointEngine(fake.url, graph="https://example.org/g").run("SELECT * WHERE { ?s ?p ?o }")
    method, _, headers, body = fake.seen[0]
    assert (method, headers["Accept"].split(",")[0]) == ("POST", "application/sparql-results+json")
    assert body == b"query=SELECT+%2A+WHERE+%7B+%3Fs+%3Fp+%3Fo+%7D&default-graph-uri=https%3A%2F%2Fexample.org%2Fg"


@pytest.mark.parametrize(
    ("status", "content_type", "body", "message"),
    [
        (
            200,
            "text/html; charset=utf-8",
            b"<html><head><title>Portal</title><style>p{}</style></head><body><h1>Welcome</h1>"
            b"<p>Please log in to continue.</p><script>x()</script></body></html>",
            "the answer is text/html; charset=utf-8, not SPARQL results: Welcome / Please log in to continue.",
        ),
        (
            500,
            "application/json",
            b'{"error": {"code": 17, "message": "Unknown graph <urn:x>"}}',
            "HTTP 500 Internal Server Error (application/json): Unknown graph <urn:x>",
        ),
        (
            200,
            "application/json",
            b'{"status": "error", "message": "index is rebuilding"}',
            "the answer is not valid application/json: ",
        ),
        (
            502,
            "text/html",
            b"<!DOCTYPE html><html><body><h1>502 Bad Gateway</h1><hr><center>nginx</center></body></html>",
            "HTTP 502 Bad Gateway (text/html): 502 Bad Gateway / nginx",
        ),
    ],
)
def test_an_answer_that_is_not_sparql_is_reported_with_its_type_and_the_servers_words(
    fake, run_kg, status, content_type, body, message
):
    fake.status, fake.headers, fake.body = status, {"Content-Type": content_type}, body
    code, out, err = run_kg("query", "-e", "SELECT * WHERE { ?s ?p ?o }", "--endpoint", fake.url)
    assert (code, out) == (ExitCode.ENDPOINT, "")
    assert err.startswith(f"kg query: error: {fake.url}: {message}")
    assert "Traceback" not in err


@pytest.mark.parametrize(
    ("status", "headers", "body", "message"),
    [
        (
            200,
            {"Content-Type": "application/sparql-results+json"},
            b'{"head": {"vars": ["x"]}, "results": {"bindings": [{"x": {"type": "literal", "val',
            "the answer stops mid-document after 81 bytes, ending "
            '\'{"head": {"vars": ["x"]}, "results": {"bindings": [{"x": {"type": "literal", "val\' '
            "(the server most likely stopped the query at its time limit)",
        ),
        (
            500,
            {"Content-Type": "text/plain"},
            b"Query evaluation timed out after 10 s",
            "HTTP 500 Internal Server Error (text/plain): the server stopped the query at its time limit: "
            "Query evaluation timed out after 10 s",
        ),
        (
            200,
            {
                "Content-Type": "application/sparql-results+json",
                "X-SQL-State": "S1TAT",
                "X-SQL-Message": "RC...: Returning incomplete results, query interrupted by result timeout.",
            },
            b'{"head": {"vars": ["x"]}, "results": {"bindings": []}}',
            "the server stopped the query at its time limit and sent partial results: "
            "RC...: Returning incomplete results, query interrupted by result timeout.",
        ),
        (504, {"Content-Type": "text/plain"}, b"upstream timed out", "HTTP 504 Gateway Timeout (text/plain): "),
    ],
)
def test_a_query_cut_by_the_servers_time_limit_exits_4(fake, run_kg, status, headers, body, message):
    fake.status, fake.headers, fake.body = status, headers, body
    code, out, err = run_kg("query", "-e", "SELECT * WHERE { ?s ?p ?o }", "--endpoint", fake.url)
    assert (code, out) == (ExitCode.TIMEOUT, "")
    assert err.startswith(f"kg query: error: <-e>: {fake.url}: {message}"), err


def test_one_deadline_covers_the_whole_answer_even_one_byte_at_a_time(fake, run_kg):
    fake.headers = {"Content-Type": "application/sparql-results+json"}
    fake.body = b'{"head": {}, "boolean": true}' + b" " * 40
    fake.drip = 0.25
    began = time.monotonic()
    code, out, err = run_kg("query", "-e", "ASK {}", "--endpoint", fake.url, "--timeout", "1")
    elapsed = time.monotonic() - began
    assert (code, out, err) == (
        ExitCode.TIMEOUT,
        "",
        f"kg query: error: <-e>: {fake.url}: no answer within 1 s (--timeout)\n",
    )
    assert 0.9 < elapsed < 2.0, elapsed


def _redirect(fake: FakeEndpoint, target: str, status: int = 302) -> None:
    fake.status, fake.headers, fake.body = status, {"Location": target, "Content-Type": "text/plain"}, b"moved"


def test_a_redirect_to_another_port_never_carries_the_password(fake, other, run_kg):
    _redirect(fake, other.url)
    args = ("query", "-e", "ASK {}", "--endpoint", fake.url, "--user", "researcher")
    code, out, err = run_kg(*args, password="s3cret")
    assert (code, out, err) == (ExitCode.OK, "true\n", "")
    assert [h.get("Authorization") for _, _, h, _ in other.seen] == [None]
    assert other.seen[0][0] == "GET" and "ASK+%7B%7D" in other.seen[0][1]


@pytest.mark.parametrize("auth", ["auto", "basic"])
def test_a_redirect_to_another_port_is_not_given_basic_auth_either(fake, other, auth):
    _redirect(fake, other.url, 307)
    engine = EndpointEngine(fake.url, user="researcher", password="s3cret", auth=auth)
    assert engine.run("ASK {}").boolean is True
    sent_home = [h.get("Authorization") for _, _, h, _ in fake.seen]
    assert sent_home == (["Basic cmVzZWFyY2hlcjpzM2NyZXQ="] if auth == "basic" else [None])
    assert [(m, h.get("Authorization")) for m, _, h, _ in other.seen] == [("POST", None)]


def test_credentials_go_only_where_the_server_asks_for_them(fake):
    fake.status, fake.headers = 401, {"WWW-Authenticate": 'Basic realm="sparql"', "Content-Type": "text/plain"}
    fake.body = b"who are you?"
    with pytest.raises(Exception) as caught:
        EndpointEngine(fake.url, user="researcher", password="s3cret").run("ASK {}")
    assert [h.get("Authorization") for _, _, h, _ in fake.seen] == [None, "Basic cmVzZWFyY2hlcjpzM2NyZXQ="]
    assert str(caught.value) == (
        f"{fake.url}: HTTP 401 Unauthorized (text/plain): the server did not accept user 'researcher' and its "
        "password: check both (it asks for Basic auth): who are you?"
    )


def test_a_digest_challenge_is_answered_with_digest(fake):
    fake.status, fake.headers = (
        401,
        {
            "WWW-Authenticate": 'Digest realm="SPARQL", nonce="abc", qop="auth", algorithm="MD5", opaque="o1"',
            "Content-Type": "text/plain",
        },
    )
    with pytest.raises(Exception):  # noqa: B017 - the fake refuses any answer; the header is the point
        EndpointEngine(fake.url, user="dba", password="dba", auth="digest").run("ASK {}")
    first, second = (h.get("Authorization") for _, _, h, _ in fake.seen)
    assert first is None
    assert re.fullmatch(
        r'Digest username="dba", realm="SPARQL", nonce="abc", uri="/sparql", response="[0-9a-f]{32}", '
        r'opaque="o1", algorithm="MD5", qop=auth, nc=00000001, cnonce="[0-9a-f]{16}"',
        second,
    )


class _Tripwire:
    """A loopback listener that records any connection: a JSON-LD context must never be fetched."""

    def __init__(self) -> None:
        self.contacted: list[str] = []
        tripwire = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                tripwire.contacted.append(self.path)
                self.send_response(200)
                self.send_header("Content-Type", "application/ld+json")
                self.end_headers()
                self.wfile.write(b'{"@context": {"name": "http://leak.example/name"}}')

            def log_message(self, *args: object) -> None:
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}/context.jsonld"
        threading.Thread(target=self.httpd.serve_forever, kwargs={"poll_interval": 0.01}, daemon=True).start()

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.mark.parametrize("where", ["http", "file", "list", "import"])
def test_a_json_ld_answer_never_loads_its_context(fake, run_kg, tmp_path: Path, where):
    tripwire = _Tripwire()
    secret = tmp_path / "context.jsonld"
    secret.write_text('{"@context": {"name": "http://secret.example/TOP-SECRET-VALUE"}}', encoding="utf-8")
    context = {
        "http": tripwire.url,
        "file": secret.as_uri(),
        "list": [{"x": "http://a/x"}, tripwire.url],
        "import": {"@import": tripwire.url},
    }[where]
    fake.headers = {"Content-Type": "application/ld+json"}
    fake.body = json.dumps({"@context": context, "@id": "http://a/s", "name": "n"}).encode("utf-8")
    try:
        code, out, err = run_kg("query", "-e", "CONSTRUCT WHERE { ?s ?p ?o }", "--endpoint", fake.url)
    finally:
        tripwire.close()
    assert tripwire.contacted == []
    assert (code, out) == (ExitCode.ENDPOINT, "")
    assert err == (
        f"kg query: error: {fake.url}: the JSON-LD answer names a remote @context, which kg never loads: "
        "No LoadDocumentCallback has been set to load remote contexts\n"
    )
    assert "TOP-SECRET" not in out + err


def test_a_json_ld_answer_with_an_inline_context_is_read(fake, run_kg):
    fake.headers = {"Content-Type": "application/ld+json"}
    fake.body = json.dumps({"@context": {"@vocab": "http://a/"}, "@id": "http://a/s", "name": "P1Y"}).encode()
    code, out, err = run_kg("query", "-e", "CONSTRUCT WHERE { ?s ?p ?o }", "--endpoint", fake.url, "--format", "nt")
    assert (code, out, err) == (ExitCode.OK, '<http://a/s> <http://a/name> "P1Y" .\n', "")


@pytest.mark.server
def test_the_oxigraph_servers_own_time_limit_exits_4(run_kg):
    """Oxigraph cancels at --timeout-s mid-answer: 200, then its words where the rows should be."""
    from kg.processes import free_port
    from kg.store_server import start_server

    # Some 40 million pairs, a SHA-256 each: a minute of work. Oxigraph looks at its clock between the outer
    # rows, so it stops this one at its limit (a third pattern made it count for tens of seconds past it).
    pairs = "?a ?b ?c . ?d ?e ?f"
    heavy = f"SELECT (COUNT(*) AS ?n) WHERE {{ {pairs} FILTER(STRLEN(SHA256(CONCAT(STR(?c), STR(?f)))) = 64) }}"
    with start_server(port=free_port(), timeout=1) as server:
        code, out, err = run_kg("query", "-e", heavy, "--endpoint", server.query_url, "--timeout", "60")
    assert (code, out) == (ExitCode.TIMEOUT, "")
    assert err == (
        f"kg query: error: <-e>: {server.query_url}: the answer stops mid-document after 85 bytes, ending "
        '\'{"head":{"vars":["n"]},"results":{"bindings":[The SPARQL operation has been cancelled\' '
        "(the server most likely stopped the query at its time limit)\n"
    )


def test_a_redirect_on_the_same_origin_keeps_the_credentials(fake):
    fake.status, fake.headers, fake.body = 307, {"Location": "/sparql2", "Content-Type": "text/plain"}, b""
    with pytest.raises(Exception, match=r"more than 5 redirects$"):
        EndpointEngine(fake.url, user="researcher", password="s3cret", auth="basic").run("ASK {}")
    paths = [(path, headers.get("Authorization")) for _, path, headers, _ in fake.seen]
    assert (
        paths == [("/sparql", "Basic cmVzZWFyY2hlcjpzM2NyZXQ=")] + [("/sparql2", "Basic cmVzZWFyY2hlcjpzM2NyZXQ=")] * 5
    )


def test_a_redirect_to_a_file_url_is_refused(fake, run_kg):
    _redirect(fake, "file:///etc/passwd")
    code, out, err = run_kg("query", "-e", "ASK {}", "--endpoint", fake.url)
    assert (code, out, err) == (
        ExitCode.ENDPOINT,
        "",
        f"kg query: error: {fake.url}: redirected to 'file:///etc/passwd', which is not an http(s) URL\n",
    )
