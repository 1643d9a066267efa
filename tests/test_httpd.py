"""kg.httpd: uvicorn with a time limit on request headers, on a free 127.0.0.1 port in a thread of this process.

The whole ``kg serve`` meets slow and hostile clients in tests/hostile/test_hostile_http.py; this checks
the protocol's own timer: a request whose headers are late is cut, one whose headers came is answered,
and the timer starts again for the next request on a kept-alive connection.
"""

from __future__ import annotations

import resource
import socket
import threading
import time

import pytest

from kg.httpd import make_server, raise_open_files_limit
from kg.processes import free_port

HEAD_TIMEOUT = 0.4


async def app(scope, receive, send):
    if scope["type"] != "http":
        return
    headers = [(b"content-type", b"text/plain"), (b"content-length", b"2")]
    await send({"type": "http.response.start", "status": 200, "headers": headers})
    await send({"type": "http.response.body", "body": b"ok"})


@pytest.fixture(scope="module")
def port():
    server = make_server(app, head_timeout=HEAD_TIMEOUT)
    chosen = free_port()
    listener = socket.socket()
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    listener.bind(("127.0.0.1", chosen))
    listener.listen(16)  # listening now: a client's connection waits in the backlog until the server accepts it
    thread = threading.Thread(target=server.run, kwargs={"sockets": [listener]}, daemon=True)
    thread.start()
    yield chosen
    server.should_exit = True
    thread.join(30)
    listener.close()


def read_until_closed(conn: socket.socket, limit: float = 30) -> tuple[bytes, float]:
    """Everything the server sends until it closes the connection, and how long that took."""
    started = time.monotonic()
    conn.settimeout(limit)
    data = b""
    while chunk := conn.recv(4096):
        data += chunk
    return data, time.monotonic() - started


def test_a_request_whose_headers_come_is_answered_without_a_server_header(port):
    with socket.create_connection(("127.0.0.1", port)) as conn:
        conn.sendall(b"GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        answer, _ = read_until_closed(conn)
    head = answer.split(b"\r\n\r\n", 1)[0].lower()
    assert head.startswith(b"http/1.1 200") and answer.endswith(b"ok")
    assert b"\r\nserver:" not in head


def test_headers_that_never_complete_are_cut_after_the_head_timeout(port):
    with socket.create_connection(("127.0.0.1", port)) as conn:
        conn.sendall(b"GET / HTTP/1.1\r\nHost: x\r\n")  # and never the blank line
        answer, waited = read_until_closed(conn)
    assert answer == b""  # nothing to answer: the connection is simply closed
    assert HEAD_TIMEOUT * 0.9 <= waited < 20


def test_the_next_request_on_a_kept_alive_connection_is_timed_from_the_last_answer(port):
    with socket.create_connection(("127.0.0.1", port)) as conn:
        conn.sendall(b"GET / HTTP/1.1\r\nHost: x\r\n\r\n")
        conn.settimeout(30)
        first = b""
        while not first.endswith(b"\r\n\r\nok"):
            chunk = conn.recv(4096)
            assert chunk, f"closed before the first answer was whole: {first!r}"
            first += chunk
        conn.sendall(b"GET / HTTP/1.1\r\nHo")  # a second request, stalled mid-header
        rest, waited = read_until_closed(conn)
    assert first.startswith(b"HTTP/1.1 200") and rest == b""
    assert HEAD_TIMEOUT * 0.9 <= waited < 20


def test_the_open_files_limit_is_raised_to_its_hard_limit():
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    try:
        if soft == hard:
            resource.setrlimit(resource.RLIMIT_NOFILE, (min(hard, 1024), hard))
        raise_open_files_limit()
        assert resource.getrlimit(resource.RLIMIT_NOFILE) == (hard, hard)
    finally:
        resource.setrlimit(resource.RLIMIT_NOFILE, (soft, hard))
