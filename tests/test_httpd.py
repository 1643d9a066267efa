"""kg.httpd: uvicorn with a time limit on request headers, on a free 127.0.0.1 port in a thread of this process.

The whole ``kg serve`` meets slow and hostile clients in tests/hostile/test_hostile_http.py; this checks
the protocol's own timer: a request whose headers are late is cut, one whose headers came is answered,
and the timer starts again for the next request on a kept-alive connection; and that an answer's head
and body reach the socket in one write.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import contextlib
import resource
import socket
import threading
import time

import pytest

from kg.httpd import _HOLD, _Coalescing, make_server, raise_open_files_limit
from kg.limits import SERVE_MAX_HEAD
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


@pytest.mark.parametrize("pieces", [1, 40], ids=["at once", "in pieces"])
def test_a_request_line_and_headers_over_the_bound_are_431_and_the_connection_ends(port, pieces):
    head = b"GET / HTTP/1.1\r\nHost: x\r\n" + b"X-Filler: " + b"a" * (SERVE_MAX_HEAD + 10) + b"\r\n\r\n"
    with socket.create_connection(("127.0.0.1", port)) as conn:
        size = len(head) // pieces + 1
        with contextlib.suppress(OSError):  # the server may close before the last piece
            for start in range(0, len(head), size):
                conn.sendall(head[start : start + size])
        answer, waited = read_until_closed(conn)
    assert answer.startswith(b"HTTP/1.1 431 ") and answer.endswith(b"larger than 16384 bytes\n")
    assert waited < HEAD_TIMEOUT * 0.9 + 5  # refused as it came, not at the head timeout


def test_a_long_url_within_the_bound_and_pipelined_requests_are_answered(port):
    path = "/" + "a" * (SERVE_MAX_HEAD - 100)
    with socket.create_connection(("127.0.0.1", port)) as conn:
        conn.sendall(f"GET {path} HTTP/1.1\r\nHost: x\r\n\r\n".encode() + b"GET / HTTP/1.1\r\nHost: x\r\n\r\n")
        conn.sendall(b"GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        answer, _ = read_until_closed(conn)
    assert answer.count(b"HTTP/1.1 200 OK") == 3 and answer.endswith(b"ok")


def test_the_open_files_limit_is_raised_to_its_hard_limit():
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    try:
        if soft == hard:
            resource.setrlimit(resource.RLIMIT_NOFILE, (min(hard, 1024), hard))
        raise_open_files_limit()
        assert resource.getrlimit(resource.RLIMIT_NOFILE) == (hard, hard)
    finally:
        resource.setrlimit(resource.RLIMIT_NOFILE, (soft, hard))


class Recording:
    """A transport that records what reaches it (each write, and whether it was closed or aborted)."""

    def __init__(self) -> None:
        self.writes: list[bytes] = []
        self.closed = self.aborted = False

    def write(self, data: bytes) -> None:
        self.writes.append(data)

    def write_eof(self) -> None:
        self.writes.append(b"<eof>")

    def is_closing(self) -> bool:
        return self.closed or self.aborted

    def close(self) -> None:
        self.closed = True

    def abort(self) -> None:
        self.aborted = True

    def get_write_buffer_size(self) -> int:
        return 0

    def get_extra_info(self, name: str, default=None):
        return ("127.0.0.1", 1) if name == "peername" else default


def on_a_loop(steps) -> Recording:
    """Run ``steps(coalescing, recording)`` (a coroutine) on an event loop in a thread of its own."""
    recording = Recording()

    async def run() -> None:
        await steps(_Coalescing(recording, asyncio.get_running_loop()), recording)

    with concurrent.futures.ThreadPoolExecutor(1) as thread:
        thread.submit(asyncio.run, run()).result(30)
    return recording


def test_what_is_written_within_one_turn_of_the_loop_reaches_the_socket_in_one_write():
    async def steps(coalescing, recording):
        coalescing.write(b"HTTP/1.1 200 OK\r\ncontent-length: 2\r\n\r\n")
        coalescing.write(b"ok")
        coalescing.write(b"")
        assert recording.writes == [] and coalescing.get_write_buffer_size() == 40
        await asyncio.sleep(0)  # the turn ends
        assert recording.writes == [b"HTTP/1.1 200 OK\r\ncontent-length: 2\r\n\r\nok"]
        coalescing.write(b"next")
        await asyncio.sleep(0)
        assert coalescing.get_extra_info("peername") == ("127.0.0.1", 1)  # the rest is the transport's own

    assert on_a_loop(steps).writes[-1] == b"next"


def test_a_close_writes_what_is_held_first_an_abort_drops_it_and_a_long_answer_is_not_held():
    async def closing(coalescing, recording):
        coalescing.write(b"last words")
        coalescing.write_eof()
        assert recording.writes == [b"last words", b"<eof>"]  # what was held goes before the end
        coalescing.write(b"after")
        coalescing.close()
        assert (recording.writes[-1], recording.closed) == (b"after", True)

    async def aborting(coalescing, recording):
        coalescing.write(b"never sent")
        coalescing.abort()
        await asyncio.sleep(0)
        assert (recording.writes, recording.aborted) == ([], True)

    async def long(coalescing, recording):
        coalescing.write(b"head")
        coalescing.write(b"x" * (_HOLD + 1))
        assert recording.writes == [b"head" + b"x" * (_HOLD + 1)]  # at once, not at the end of the turn
        await asyncio.sleep(0)
        assert len(recording.writes) == 1

    for steps in (closing, aborting, long):
        on_a_loop(steps)
