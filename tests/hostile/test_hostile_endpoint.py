"""A hostile SPARQL endpoint: slow, redirecting, lying about its answer, huge, or naming contexts to fetch.

SECURITY.md, "Endpoint client". Each fake endpoint is an ``http.server`` on
127.0.0.1 port 0 in a thread (:mod:`loopback`); ``kg query --endpoint`` runs
in-process. Every case asserts the exit code, the message, that stdout is
empty on failure, and that nothing else was contacted or read.
"""

from __future__ import annotations

import json
import socket
import time

import pytest

from kg.errors import ExitCode
from loopback import FakeEndpoint, Tripwire

ASK_TRUE = b'{"head": {}, "boolean": true}'
JSON = {"Content-Type": "application/sparql-results+json"}


@pytest.fixture
def fake():
    endpoint = FakeEndpoint().start()
    yield endpoint
    endpoint.stop()


@pytest.fixture
def elsewhere():
    """Another origin (another port) that answers true to everything."""
    endpoint = FakeEndpoint(body=ASK_TRUE, headers=JSON).start()
    yield endpoint
    endpoint.stop()


# --------------------------------------------------------------------------- time


@pytest.mark.parametrize(("drip", "timeout"), [(0.2, "0.5"), (0.1, "0.75")], ids=["fifth-second", "tenth-second"])
def test_a_slow_drip_is_cut_at_the_one_deadline(fake, run_kg, drip, timeout):
    fake.headers, fake.body, fake.drip = JSON, ASK_TRUE + b" " * 60, drip  # a byte each drip: seconds of answer
    began = time.monotonic()
    code, out, err = run_kg("query", "-e", "ASK {}", "--endpoint", fake.url, "--timeout", timeout)
    elapsed = time.monotonic() - began
    assert (code, out, err) == (
        ExitCode.TIMEOUT,
        "",
        f"kg query: error: <-e>: {fake.url}: no answer within {timeout} s (--timeout)\n",
    )
    assert float(timeout) - 0.1 < elapsed < float(timeout) + 1.0, elapsed


def test_a_server_that_accepts_and_never_answers_is_cut_at_the_deadline(run_kg):
    mute = socket.socket()  # the kernel completes the handshake; nobody ever reads or answers
    mute.bind(("127.0.0.1", 0))
    mute.listen(4)
    url = f"http://127.0.0.1:{mute.getsockname()[1]}/sparql"
    began = time.monotonic()
    try:
        code, out, err = run_kg("query", "-e", "ASK {}", "--endpoint", url, "--timeout", "0.5")
    finally:
        mute.close()
    assert (code, out, err) == (
        ExitCode.TIMEOUT,
        "",
        f"kg query: error: <-e>: {url}: no answer within 0.5 s (--timeout)\n",
    )
    assert time.monotonic() - began < 1.5


# --------------------------------------------------------------------------- redirects


@pytest.mark.parametrize("status", [301, 302, 303, 307, 308])
def test_a_redirect_to_another_origin_never_carries_the_password(fake, elsewhere, run_kg, status):
    fake.status, fake.headers, fake.body = status, {"Location": elsewhere.url, "Content-Type": "text/plain"}, b"moved"
    code, out, err = run_kg("query", "-e", "ASK {}", "--endpoint", fake.url, "--user", "researcher", password="s3cret")
    assert (code, out, err) == (ExitCode.OK, "true\n", "")
    assert len(elsewhere.seen) == 1
    assert [k for k in elsewhere.seen[0][2] if k.lower() in ("authorization", "cookie")] == []
    assert b"s3cret" not in elsewhere.seen[0][3]


@pytest.mark.parametrize(
    "target", ["file:///etc/passwd", "ftp://127.0.0.1/x", "gopher://127.0.0.1:70/", "data:text/plain,true"]
)
def test_a_redirect_off_http_is_refused_and_never_followed(fake, run_kg, target):
    fake.status, fake.headers, fake.body = 302, {"Location": target, "Content-Type": "text/plain"}, b""
    code, out, err = run_kg("query", "-e", "ASK {}", "--endpoint", fake.url)
    assert (code, out, err) == (
        ExitCode.ENDPOINT,
        "",
        f"kg query: error: {fake.url}: redirected to {target!r}, which is not an http(s) URL\n",
    )
    assert "root:" not in out + err


# --------------------------------------------------------------------------- answers that are not SPARQL

NOT_SPARQL = {
    "html-500": (500, "text/html; charset=utf-8",
                 b"<html><head><title>Oops</title><script>alert(1)</script></head>"
                 b"<body><h1>Internal Server Error</h1><p>Virtuoso 37000 Error SP030</p></body></html>",
                 ExitCode.ENDPOINT, ["HTTP 500", "text/html", "Internal Server Error", "Virtuoso 37000 Error SP030"]),
    "html-200-login-portal": (200, "text/html",
                              b"<html><body><h1>Please sign in</h1><form action=/login></form></body></html>",
                              ExitCode.ENDPOINT, ["text/html", "Please sign in"]),
    "json-error-400": (400, "application/json", b'{"error": "Parse error: unexpected token at line 1"}',
                       ExitCode.QUERY, ["the endpoint rejected the query", "Parse error: unexpected token at line 1"]),
    "json-not-results-200": (200, "application/json", b'{"status": "maintenance", "message": "back at noon"}',
                             ExitCode.ENDPOINT, ["application/json", "back at noon"]),
}  # fmt: skip


@pytest.mark.parametrize("case", NOT_SPARQL)
def test_an_answer_that_is_not_sparql_is_reported_with_its_type_and_the_servers_words(fake, run_kg, case):
    fake.status, content_type, fake.body, exit_code, words = NOT_SPARQL[case]
    fake.headers = {"Content-Type": content_type}
    code, out, err = run_kg("query", "-e", "SELECT * WHERE { ?s ?p ?o }", "--endpoint", fake.url)
    assert (code, out) == (exit_code, ""), err
    assert err.startswith("kg query: error: ") and err.count("\n") == 1, err
    for word in words:
        assert word in err, (word, err)
    assert "alert(1)" not in err and "Traceback" not in err


# --------------------------------------------------------------------------- size


def test_a_huge_answer_is_cut_at_the_input_limit(fake, run_kg, monkeypatch):
    monkeypatch.setenv("KG_MAX_INPUT_BYTES", "1000000")
    row = b'{"s": {"type": "literal", "value": "' + b"x" * 1000 + b'"}},'
    fake.headers = JSON
    fake.body = b'{"head": {"vars": ["s"]}, "results": {"bindings": [' + row * 2000 + b"]}}"
    code, out, err = run_kg("query", "-e", "SELECT ?s WHERE { ?s ?p ?o }", "--endpoint", fake.url)
    assert (code, out, err) == (
        ExitCode.ENDPOINT,
        "",
        f"kg query: error: {fake.url}: the answer passed the input limit of 1000000 bytes and was not read "
        "further (set KG_MAX_INPUT_BYTES to raise it)\n",
    )


def test_an_answer_just_under_the_limit_is_read(fake, run_kg, monkeypatch):
    monkeypatch.setenv("KG_MAX_INPUT_BYTES", "1000000")
    fake.headers = JSON
    value = "x" * 900_000
    fake.body = json.dumps(
        {"head": {"vars": ["s"]}, "results": {"bindings": [{"s": {"type": "literal", "value": value}}]}}
    ).encode()
    code, out, err = run_kg("query", "-e", "SELECT ?s WHERE { ?s ?p ?o }", "--endpoint", fake.url, "--format", "tsv")
    assert (code, err) == (ExitCode.OK, "")
    assert out == f'?s\n"{value}"\n'


# --------------------------------------------------------------------------- JSON-LD contexts


@pytest.mark.parametrize("where", ["http", "file", "nested-in-a-node", "scoped-in-a-term"])
def test_a_json_ld_context_is_never_dereferenced(fake, run_kg, tmp_path, where):
    wire = Tripwire()
    secret = tmp_path / "context.jsonld"
    secret.write_text('{"@context": {"name": "http://secret.example/TOP-SECRET-VALUE"}}', encoding="utf-8")
    remote = {"http": wire.url + "context.jsonld", "file": secret.as_uri()}
    if where in remote:
        document = {"@context": remote[where], "@id": "http://a/s", "name": "n"}
    elif where == "nested-in-a-node":
        document = {"@context": {"@vocab": "http://a/"}, "@id": "http://a/s",
                    "knows": {"@context": wire.url, "@id": "http://a/o", "name": "n"}}  # fmt: skip
    else:
        scoped = {"@id": "http://a/knows", "@context": secret.as_uri()}
        document = {"@context": {"@vocab": "http://a/", "knows": scoped},
                    "@id": "http://a/s", "knows": {"@id": "http://a/o", "name": "n"}}  # fmt: skip
    fake.headers = {"Content-Type": "application/ld+json"}
    fake.body = json.dumps(document).encode("utf-8")
    try:
        code, out, err = run_kg("query", "-e", "CONSTRUCT WHERE { ?s ?p ?o }", "--endpoint", fake.url)
    finally:
        contacted = wire.close()
    assert contacted == []
    assert (code, out) == (ExitCode.ENDPOINT, "")
    assert err.startswith(
        f"kg query: error: {fake.url}: the JSON-LD answer names a remote @context, which kg never loads: "
    )
    assert err.endswith("No LoadDocumentCallback has been set to load remote contexts\n")
    assert "TOP-SECRET" not in out + err


@pytest.mark.parametrize(
    ("content_type", "body", "message"),
    [
        (
            "text/turtle",
            b"<urn:s> <urn:p> " + b"[ <urn:p> " * 100_000 + b"<urn:o>" + b" ]" * 100_000 + b" .\n",
            "line 1 column 10017: nested more than 1000 levels deep ([ and ( inside each other)",
        ),
        (
            "application/rdf+xml",
            b'<?xml version="1.0"?>\n<!DOCTYPE rdf:RDF [<!ENTITY a0 "lol">'
            + b"".join(b'<!ENTITY a%d "%s">' % (i, b"&a%d;" % (i - 1) * 10) for i in range(1, 10))
            + b']>\n<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns:ex="http://a/">'
            b'<rdf:Description rdf:about="http://a/s"><ex:p>&a9;</ex:p></rdf:Description></rdf:RDF>',
            "its entities expand it past the limit on input amplification",
        ),
    ],
    ids=["deep-turtle", "billion-laughs"],
)
def test_a_graph_answer_that_would_crash_the_parser_is_refused(fake, run_kg, content_type, body, message):
    fake.headers, fake.body = {"Content-Type": content_type}, body
    code, out, err = run_kg("query", "-e", "CONSTRUCT WHERE { ?s ?p ?o }", "--endpoint", fake.url)
    assert (code, out) == (ExitCode.ENDPOINT, "")
    assert err.startswith(f"kg query: error: {fake.url}: the answer is not valid {content_type}: "), err
    assert message in err
