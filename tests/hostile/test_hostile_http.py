"""A hostile HTTP client of ``kg serve``: foreign hosts and origins, huge bodies, slow clients, floods.

SECURITY.md, "Server". One real ``kg serve`` with tight limits serves the module (the
limits are what these tests test): a 2 s time limit, one query slot and a queue of one, a
64 KiB body limit, a 1 s head timeout, and ``kg.example`` as an extra allowed host. The
clients are raw sockets, so every byte sent (or not sent) is the test's choice. No test
sleeps to wait: each reads until the server answers or closes, within a deadline.
"""

from __future__ import annotations

import contextlib
import http.client
import json
import os
import re
import select
import socket
import time
import urllib.parse
from collections.abc import Iterator

import pytest

from kg.start_budget import StartBudget
from kg_serve import start_kg_serve, stop_kg_serve

pytestmark = pytest.mark.server

LIMITS = ("--timeout", "2", "--slots", "1", "--queue", "1", "--max-body", "65536", "--head-timeout", "1")
ASK = urllib.parse.urlencode({"query": "ASK { ?s ?p ?o }"})
#: A query that runs past any time limit, counted (nothing streams before the end): some 40 million pairs, a SHA-256
#: each, a minute of work. Oxigraph looks at its clock between the outer rows, so it stops this one at the limit (a
#: three-way cross product went on counting for 15 s past it, a core's worth, after kg serve had answered 504).
ENDLESS_COUNT = (
    "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f FILTER(STRLEN(SHA256(CONCAT(STR(?c), STR(?f)))) = 64) }"
)
#: A query whose answer streams for ever: a cross product of all triples with all triples.
ENDLESS_ROWS = "SELECT * WHERE { ?a ?b ?c . ?d ?e ?f }"


@pytest.fixture(scope="module")
def server(tmp_path_factory) -> Iterator[tuple[str, int, list[str]]]:
    """The tight server: its base URL, its port, and (after the module) its stderr in the list."""
    env = {**os.environ, "TMPDIR": str(tmp_path_factory.mktemp("serve"))}
    process, url = start_kg_serve("--port", "0", *LIMITS, "--allowed-host", "kg.example", env=env)
    stderr: list[str] = []
    try:
        yield url, int(urllib.parse.urlsplit(url).port or 0), stderr
    finally:
        stderr.append(stop_kg_serve(process))
        assert "Traceback" not in stderr[-1], stderr[-1]


def _exchange(port: int, raw: bytes, *, deadline: float = 30.0) -> tuple[int, dict[str, str], bytes]:
    """Send ``raw`` as is on a new connection; the status, headers and body of the answer."""
    with socket.create_connection(("127.0.0.1", port), timeout=deadline) as sock:
        sock.sendall(raw)
        return _answer(sock)


def _answer(sock: socket.socket) -> tuple[int, dict[str, str], bytes]:
    response = http.client.HTTPResponse(sock)
    response.begin()
    try:
        body = response.read()
    except http.client.IncompleteRead as cut:
        body = cut.partial
    return response.status, {k.lower(): v for k, v in response.getheaders()}, body


def _request(method: str, path: str, port: int, headers: dict[str, str] | None = None, body: bytes = b"") -> bytes:
    headers = {"Host": f"127.0.0.1:{port}", "Connection": "close", **(headers or {})}
    if body and "Content-Length" not in headers and "Transfer-Encoding" not in headers:
        headers["Content-Length"] = str(len(body))
    head = f"{method} {path} HTTP/1.1\r\n" + "".join(f"{k}: {v}\r\n" for k, v in headers.items()) + "\r\n"
    return head.encode("latin-1") + body


def _closed_within(sock: socket.socket, seconds: float) -> bool:
    """Whether the server closes ``sock`` within ``seconds`` (whatever it sends first is read and dropped)."""
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        ready, _, _ = select.select([sock], [], [], max(0.0, end - time.monotonic()))
        if not ready:
            return False
        try:
            if sock.recv(65536) == b"":
                return True
        except (ConnectionResetError, BrokenPipeError):
            return True
    return False


# --------------------------------------------------------------------------- Host and Origin


def test_a_host_that_is_not_the_servers_is_refused_with_400(server):
    """DNS rebinding: a page whose own name now points at 127.0.0.1 sends its own name as Host."""
    _, port, _ = server
    hostile = [
        "evil.example",
        f"evil.example:{port}",
        f"127.0.0.1:{port + 1 if port < 65535 else port - 1}",
        f"localhost.evil.example:{port}",
        f"127.0.0.1.nip.io:{port}",
        f"localhost.:{port}",
        f"127.0.0.1:{port}@evil.example",
        f"[::2]:{port}",
        f"kg.example:{port}x",
        "",
    ]
    for host in hostile:
        status, headers, body = _exchange(port, _request("GET", "/", port, {"Host": host}))
        assert status == 400, (host, status)
        assert b"does not answer for the host" in body or status == 400, host
        assert headers.get("x-content-type-options") == "nosniff", host


def test_the_servers_own_names_and_an_allowed_host_are_answered(server):
    _, port, _ = server
    for host in (f"127.0.0.1:{port}", f"localhost:{port}", f"LOCALHOST:{port}", f"[::1]:{port}", f"kg.example:{port}"):
        status, _, _ = _exchange(port, _request("GET", "/query?" + ASK, port, {"Host": host}))
        assert status == 200, host


def test_a_repeated_or_missing_host_is_refused(server):
    _, port, _ = server
    raw = f"GET / HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nHost: evil.example\r\nConnection: close\r\n\r\n".encode()
    assert _exchange(port, raw)[0] == 400
    assert _exchange(port, b"GET / HTTP/1.0\r\n\r\n")[0] == 400


def test_a_post_from_another_site_is_refused_with_403(server):
    """A cross-site form or fetch: refused by its Origin or Sec-Fetch-Site, on /query and /ad-hoc."""
    _, port, _ = server
    form = ASK.encode()
    foreign = [
        {"Origin": "http://evil.example"},
        {"Origin": f"http://evil.example:{port}"},
        {"Origin": "null"},
        {"Origin": f"http://127.0.0.1:{port}.evil.example"},
        {"Origin": f"http://127.0.0.1:{port + 1 if port < 65535 else port - 1}"},
        {"Sec-Fetch-Site": "cross-site"},
        {"Sec-Fetch-Site": "same-site"},
    ]
    for path in ("/query", "/ad-hoc"):
        for extra in foreign:
            headers = {"Content-Type": "application/x-www-form-urlencoded", **extra}
            status, _, body = _exchange(port, _request("POST", path, port, headers, form))
            assert status == 403, (path, extra, status)
            assert b"from another site is refused" in body


def test_a_post_from_the_site_itself_or_from_no_browser_is_answered(server):
    _, port, _ = server
    form = ASK.encode()
    for extra in ({}, {"Origin": f"http://127.0.0.1:{port}"}, {"Origin": f"http://localhost:{port}"},
                  {"Sec-Fetch-Site": "same-origin"}, {"Sec-Fetch-Site": "none"}):  # fmt: skip
        headers = {"Content-Type": "application/x-www-form-urlencoded", "Accept": "application/json", **extra}
        status, _, body = _exchange(port, _request("POST", "/query", port, headers, form))
        assert status == 200, (extra, body)
        assert json.loads(body)["boolean"] is True


# --------------------------------------------------------------------------- security headers


def test_every_answer_carries_the_security_headers(server):
    """Pages, results, downloads, styles, errors and refusals: nosniff, a referrer policy, a CSP that
    forbids framing by other sites; /explorer sends its own policy as a header too."""
    _, port, _ = server
    paths = ["/", "/editor", "/q/cq01", "/q/cq01.csv", "/query?" + ASK, "/site.css", "/prefixes.json",
             "/no-such-page", "/editor?q=/etc/passwd", "/explorer"]  # fmt: skip
    answers = [(path, _exchange(port, _request("GET", path, port))) for path in paths]
    answers.append(("foreign host", _exchange(port, _request("GET", "/", port, {"Host": "evil.example"}))))
    answers.append(("too large", _exchange(port, _request("POST", "/query", port, {"Content-Length": "99999999"}))))
    for path, (status, headers, _) in answers:
        assert headers.get("x-content-type-options") == "nosniff", path
        assert headers.get("referrer-policy") == "same-origin", path
        assert "frame-ancestors 'self'" in headers.get("content-security-policy", ""), (path, status)
    explorer = dict(answers)["/explorer"]
    assert explorer[0] == 200
    assert "default-src 'none'" in explorer[1]["content-security-policy"]  # the explorer's own, stricter policy


# --------------------------------------------------------------------------- bodies


def test_a_body_over_the_limit_is_413_before_it_is_read(server):
    """300 MiB announced and never sent: 413 at once, before the 415 its type deserves; the server's
    memory does not grow."""
    _, port, _ = server
    for content_type in ("text/plain", "application/sparql-query", "application/x-www-form-urlencoded"):
        for path in ("/query", "/ad-hoc", "/"):
            began = time.monotonic()
            raw = _request("POST", path, port, {"Content-Type": content_type, "Content-Length": str(300 << 20)})
            status, _, body = _exchange(port, raw)
            assert status == 413, (path, content_type, status)
            assert b"larger than 65536 bytes" in body
            assert time.monotonic() - began < 10


def test_a_body_sent_without_a_length_is_cut_at_the_limit(server):
    """Chunked, 16 KiB at a time, past 64 KiB: 413 once the count passes the limit."""
    _, port, _ = server
    headers = {"Content-Type": "application/sparql-query", "Transfer-Encoding": "chunked"}
    head = _request("POST", "/query", port, headers)
    chunk = b"4000\r\n" + b"#" * 0x4000 + b"\r\n"
    with socket.create_connection(("127.0.0.1", port), timeout=30) as sock:
        sock.sendall(head)
        with contextlib.suppress(BrokenPipeError, ConnectionResetError):
            for _ in range(8):  # 128 KiB, twice the limit
                sock.sendall(chunk)
        status, _, body = _answer(sock)
    assert status == 413, body


def test_a_wrong_type_is_415_without_reading_the_body(server):
    """The body is announced (1 000 bytes) but never sent: the 415 cannot have waited for it."""
    _, port, _ = server
    raw = _request("POST", "/query", port, {"Content-Type": "text/plain", "Content-Length": "1000"})
    status, _, body = _exchange(port, raw, deadline=10)
    assert status == 415
    assert b"application/sparql-query" in body


def test_a_length_that_is_not_a_number_is_400(server):
    _, port, _ = server
    for length in ("-1", "1e9", "0x10", "12 34"):
        raw = _request("POST", "/query", port, {"Content-Type": "application/sparql-query", "Content-Length": length})
        assert _exchange(port, raw)[0] == 400, length


def test_a_client_that_drops_its_post_mid_body_leaves_no_traceback(server):
    """The body stops half way and the connection closes: nothing in the console (checked at the end of
    the module), and the server goes on answering."""
    _, port, _ = server
    for path in ("/query", "/ad-hoc"):
        raw = _request("POST", path, port, {"Content-Type": "application/sparql-query", "Content-Length": "5000"})
        with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
            sock.sendall(raw + b"SELECT * WHERE {")
    _settle(port)  # answered again once the server has seen both go


# --------------------------------------------------------------------------- slow clients


def test_clients_that_send_their_headers_too_slowly_are_disconnected(server):
    """40 connections: silent, one byte of a request line, a header without its end; all closed by the
    head timeout (1 s here), though some keep sending a byte now and then."""
    _, port, _ = server
    socks = []
    try:
        for i in range(40):
            sock = socket.create_connection(("127.0.0.1", port), timeout=10)
            sock.sendall([b"", b"G", f"GET / HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nX-Slow: ".encode()][i % 3])
            socks.append(sock)
        began = time.monotonic()
        for sock in socks[::3]:  # a drip: one more byte each, still no end of headers
            with contextlib.suppress(OSError):
                sock.sendall(b"a")
        assert all(_closed_within(sock, 15) for sock in socks)
        assert time.monotonic() - began < 15
    finally:
        for sock in socks:
            sock.close()


# --------------------------------------------------------------------------- the queue and the clock


def _settle(port: int) -> None:
    """Wait until the slot is free again (the server has seen the test's clients go): a cheap query answered."""
    end = time.monotonic() + 15
    while time.monotonic() < end:
        if _exchange(port, _request("GET", "/query?" + ASK, port))[0] == 200:
            return
    pytest.fail("the query slot was not freed within 15 s")


def _slow_post(port: int) -> socket.socket:
    """A POST whose body comes slowly: its headers sent, its body (10 bytes announced) only begun."""
    sock = socket.create_connection(("127.0.0.1", port), timeout=30)
    headers = {"Content-Type": "application/sparql-query", "Content-Length": "10", "Connection": "close"}
    sock.sendall(_request("POST", "/query", port, headers) + b"A")
    return sock


def _running(port: int, query: str) -> socket.socket:
    """A POST of ``query`` that holds the slot when this returns: the server's "100 Continue" (sent when the
    route first reads the body) is answered with the whole body, which takes the slot as it arrives, before
    any request the test sends next."""
    sock = socket.create_connection(("127.0.0.1", port), timeout=30)
    body = query.encode()
    headers = {"Content-Type": "application/sparql-query", "Expect": "100-continue", "Connection": "close"}
    sock.sendall(_request("POST", "/query", port, {**headers, "Content-Length": str(len(body))}))
    assert sock.recv(64).startswith(b"HTTP/1.1 100 ")
    sock.sendall(body)
    return sock


def _sent(port: int, raw: bytes) -> socket.socket:
    """A request sent on a new connection, its answer not read yet."""
    sock = socket.create_connection(("127.0.0.1", port), timeout=30)
    sock.sendall(raw)
    return sock


def test_a_full_queue_answers_503_at_once_time_in_the_queue_counts_and_a_late_body_is_408(server):
    """One slot (a running query holds it) and a queue of one (a query waits in it): the next request is
    refused at once with 503 and Retry-After, well before any waiting request's 2 s are over; the question
    list and the styles, which run no query, are not queued and still answer.

    The waiting request gets 503 when its own 2 s are spent waiting, not an answer 2 s after it got the slot;
    the holder gets its 504, which says so: the small answer that Oxigraph cancels at the time limit (never the
    200 Oxigraph ends it with; the streamed one: test_a_query_cancelled_at_the_time_limit_is_never_a_200).

    Meanwhile a POST whose body does not arrive (10 bytes announced, one sent; it holds no slot) is answered 408
    when its 2 s are over. (Three tests once, each waiting for its own 2 s.)"""
    _, port, _ = server
    late = _slow_post(port)
    holder = _running(port, ENDLESS_COUNT)
    began = time.monotonic()
    waiter = _sent(port, _request("GET", "/query?" + ASK, port))
    try:
        refused = time.monotonic()
        status, headers, body = _exchange(
            port, _request("GET", "/query?" + urllib.parse.urlencode({"query": "ASK {}"}), port)
        )
        assert time.monotonic() - refused < 2.0  # not refused for its time: that comes at 2 s
        assert status == 503, body
        assert headers["retry-after"].isdigit()
        assert b"busy" in body
        for path in ("/", "/site.css", "/prefixes.json"):
            assert _exchange(port, _request("GET", path, port), deadline=10)[0] == 200, path
        status, headers, body = _answer(waiter)
        waited = time.monotonic() - began
        assert status == 503, body
        assert "retry-after" in headers
        assert 1.0 < waited < 10, waited
        status, _, body = _answer(holder)
        assert status == 504, body
        assert b"time limit of 2 s" in body
        status, _, body = _answer(late)
        assert status == 408, body
        assert b"did not arrive within the time limit" in body
    finally:
        holder.close()
        waiter.close()
        late.close()
        _settle(port)


def test_slow_bodies_hold_no_query_slot(server):
    """Three POSTs whose bodies come a byte at a time (more than the slot and the queue together): a query
    is still answered at once, since a POST takes its slot only when its body is whole; then each body
    comes and is answered. Eight such clients held every slot of a default kg serve before."""
    _, port, _ = server
    socks = [_slow_post(port) for _ in range(3)]
    try:
        began = time.monotonic()
        assert _exchange(port, _request("GET", "/query?" + ASK, port))[0] == 200
        body = b"ASK { ?s ?p ?o }"
        post = _request("POST", "/query", port, {"Content-Type": "application/sparql-query"}, body)
        assert _exchange(port, post)[0] == 200
        assert time.monotonic() - began < 2.0  # answered, not refused for its time
        for sock in socks:
            sock.sendall(b"SK {}     ")  # the rest of "ASK {}" and its 10 bytes
            assert _answer(sock)[0] == 200
    finally:
        for sock in socks:
            sock.close()
        _settle(port)


def test_a_query_cancelled_at_the_time_limit_is_never_a_200(server):
    """Oxigraph ends a cancelled answer as a 200 with "The SPARQL operation has been cancelled" in it:
    a streamed one (past 1 MiB) ends without its last chunk. (A small one becomes a 504 that says so: the holder
    of the only slot in test_a_full_queue_answers_503_at_once_time_in_the_queue_counts_and_a_late_body_is_408.)"""
    _, port, _ = server
    streamed = urllib.parse.urlencode({"query": ENDLESS_ROWS})
    with socket.create_connection(("127.0.0.1", port), timeout=30) as sock:
        sock.sendall(_request("GET", "/query?" + streamed, port, {"Accept": "application/sparql-results+json"}))
        response = http.client.HTTPResponse(sock)
        response.begin()
        if response.status == 200:  # streamed: the end must be missing
            with pytest.raises(http.client.IncompleteRead):
                response.read()
        else:  # the machine was too slow to pass 1 MiB before the limit: an error status then
            assert response.status == 504


def test_the_start_budget_refuses_past_its_count_with_retry_after():
    """Oxigraph's server keeps a sleeping thread per query for its whole time limit: at most N starts
    in any window of that length."""
    budget = StartBudget(3, 10.0)
    for _ in range(3):
        budget.take()
    with pytest.raises(Exception, match="busy") as refused:
        budget.take()
    assert refused.value.status == 503
    assert re.fullmatch(rb"\d+", dict(refused.value.headers)[b"retry-after"])
