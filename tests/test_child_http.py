"""kg.child_http: kg serve's client to its Oxigraph children, against a raw asyncio server whose bytes each test
scripts (framing, kept and lost connections, malformed answers), on an event loop in a thread of its own."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Awaitable, Callable
from typing import Any

import pytest

from kg.child_http import _HIGH, ChildClient, ChildError, Lost, NotListening
from kg.processes import free_port

OK = b"HTTP/1.1 200 OK\r\nContent-Type: application/sparql-results+json\r\nContent-Length: 2\r\n\r\n{}"
CHUNKED = (
    b"HTTP/1.1 200 OK\r\nContent-Type: text/csv\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n4\r\ndefg\r\n0\r\n\r\n"
)


def run(test: Callable[[], Awaitable[Any]]) -> Any:
    """``test()`` on an event loop of its own, in a thread of its own."""
    out: dict[str, Any] = {}

    def main() -> None:
        try:
            out["value"] = asyncio.run(asyncio.wait_for(test(), 30))
        except BaseException as exc:  # noqa: BLE001 - raised again in the test's thread
            out["error"] = exc

    thread = threading.Thread(target=main)
    thread.start()
    thread.join(60)
    if "error" in out:
        raise out["error"]
    return out.get("value")


class Scripted:
    """A server on 127.0.0.1 that reads each request's head (and its body, by Content-Length) and does what
    ``answer(number, head, body)`` returns: bytes to write (then the connection is closed if ``close_after``), or
    None to close the connection unanswered; it counts its connections and keeps the requests it read."""

    def __init__(self, answer: Callable[[int, bytes, bytes], bytes | None], close_after: bool = False) -> None:
        self.answer = answer
        self.close_after = close_after
        self.connections = 0
        self.requests: list[tuple[bytes, bytes]] = []
        self.port = free_port()
        self.endpoint = f"http://127.0.0.1:{self.port}/query"

    async def __aenter__(self) -> Scripted:
        self.server = await asyncio.start_server(self._serve, "127.0.0.1", self.port)
        return self

    async def __aexit__(self, *exc: object) -> None:
        self.server.close()

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.connections += 1
        try:
            while True:
                head = await reader.readuntil(b"\r\n\r\n")
                length = 0
                for line in head.split(b"\r\n"):
                    if line.lower().startswith(b"content-length:"):
                        length = int(line.split(b":")[1])
                body = await reader.readexactly(length)
                self.requests.append((head, body))
                reply = self.answer(len(self.requests), head, body)
                if reply is None:
                    break
                writer.write(reply)
                await writer.drain()
                if self.close_after:
                    break
        except (asyncio.IncompleteReadError, ConnectionError):
            pass
        finally:
            writer.close()


async def _body(answer) -> bytes:
    parts = []
    while (part := await answer.read()) is not None:
        parts.append(part)
    return b"".join(parts)


def test_an_answer_comes_with_its_status_headers_and_body_and_the_connection_is_kept():
    async def test():
        async with Scripted(lambda n, head, body: OK) as server:
            client = ChildClient()
            for _ in range(3):
                answer = await client.request(server.endpoint, "GET", "query=ASK%7B%7D", {"Accept": "text/csv"})
                assert (answer.status, answer.headers["content-type"]) == (200, "application/sparql-results+json")
                assert await _body(answer) == b"{}"
                answer.release()
            client.close()
            head = server.requests[0][0]
            assert head.startswith(b"GET /query?query=ASK%7B%7D HTTP/1.1\r\n")
            assert f"Host: 127.0.0.1:{server.port}".encode() in head and b"Accept: text/csv" in head
            return server.connections

    assert run(test) == 1


def test_a_chunked_answer_is_read_whole_and_a_posted_body_is_sent_with_its_length():
    async def test():
        async with Scripted(lambda n, head, body: CHUNKED) as server:
            client = ChildClient()
            answer = await client.request(
                server.endpoint, "POST", "", {"Content-Type": "application/sparql-query"}, b"ASK {}"
            )
            got = (answer.status, await _body(answer))
            answer.release()
            client.close()
            head, body = server.requests[0]
            assert head.startswith(b"POST /query HTTP/1.1\r\n") and b"Content-Length: 6" in head
            return got, body

    assert run(test) == ((200, b"abcdefg"), b"ASK {}")


def test_an_answer_longer_than_what_is_held_unread_comes_whole():
    big = b"x" * (4 * _HIGH + 17)
    reply = b"HTTP/1.1 200 OK\r\nContent-Length: %d\r\n\r\n%s" % (len(big), big)

    async def test():
        async with Scripted(lambda n, head, body: reply) as server:
            client = ChildClient()
            answer = await client.request(server.endpoint, "GET", "query=x", {})
            await asyncio.sleep(0.05)  # the answer comes while nothing reads it: its connection is paused
            got = await _body(answer)
            answer.release()
            again = await client.request(server.endpoint, "GET", "query=y", {})  # and kept, resumed
            assert len(await _body(again)) == len(big)
            client.close()
            return got == big, server.connections

    assert run(test) == (True, 1)


def test_nothing_listening_is_not_listening():
    async def test():
        with pytest.raises(NotListening):
            await ChildClient().request(f"http://127.0.0.1:{free_port()}/query", "GET", "query=x", {})

    run(test)


def test_a_connection_lost_with_the_request_in_hand_is_lost():
    async def test():
        async with Scripted(lambda n, head, body: None) as server:
            with pytest.raises(Lost):
                await ChildClient().request(server.endpoint, "GET", "query=x", {})
            return len(server.requests)

    assert run(test) == 1  # a new connection: never sent twice


def test_a_kept_connection_lost_before_its_answer_sends_a_get_once_more_on_a_new_one_but_never_a_post():
    async def test():
        # the first request is answered; the second, on the kept connection, finds it closed unanswered
        async with Scripted(lambda n, head, body: OK if n != 2 else None) as server:
            client = ChildClient()
            first = await client.request(server.endpoint, "GET", "query=x", {})
            assert await _body(first) == b"{}"
            first.release()
            again = await client.request(server.endpoint, "GET", "query=y", {})
            assert (again.status, await _body(again)) == (200, b"{}")
            again.release()
            assert (len(server.requests), server.connections) == (3, 2)
        async with Scripted(lambda n, head, body: OK if n != 2 else None) as server:
            first = await client.request(server.endpoint, "GET", "query=x", {})
            await _body(first)
            first.release()
            with pytest.raises(Lost):
                await client.request(server.endpoint, "POST", "", {}, b"ASK {}")
            client.close()
            return len(server.requests)

    assert run(test) == 2


def test_an_answer_cut_before_its_end_or_malformed_is_an_error():
    cut = b"HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc"

    async def test():
        client = ChildClient()
        async with Scripted(lambda n, head, body: cut, close_after=True) as server:
            answer = await client.request(server.endpoint, "GET", "query=x", {})
            with pytest.raises(Lost):  # the child's end: it died mid-answer
                await _body(answer)
            answer.close()
        async with Scripted(lambda n, head, body: b"HTTP/1.1 2x0 OK\r\n\r\n") as server:
            with pytest.raises(ChildError):
                await client.request(server.endpoint, "GET", "query=x", {})
        client.close()

    run(test)


def test_a_head_that_does_not_come_in_time_is_a_timeout_and_its_connection_is_not_kept():
    async def test():
        answers = {1: b"", 2: OK}
        async with Scripted(lambda n, head, body: answers[n]) as server:
            client = ChildClient()
            with pytest.raises(TimeoutError):
                await client.request(server.endpoint, "GET", "query=x", {}, head_timeout=0.05)
            answer = await client.request(server.endpoint, "GET", "query=y", {})
            assert await _body(answer) == b"{}"
            answer.release()
            client.close()
            return server.connections

    assert run(test) == 2


def test_a_target_outside_printable_ascii_is_percent_encoded_and_a_header_line_break_refused():
    async def test():
        async with Scripted(lambda n, head, body: OK) as server:
            client = ChildClient()
            answer = await client.request(server.endpoint, "GET", "query=ASK{}&name=نام ok", {})
            answer.release()
            with pytest.raises(ValueError, match="line break"):
                await client.request(server.endpoint, "GET", "query=x", {"Accept": "a\r\nHost: evil"})
            client.close()
            return server.requests[0][0].split(b"\r\n")[0]

    assert run(test) == b"GET /query?query=ASK{}&name=%D9%86%D8%A7%D9%85%20ok HTTP/1.1"
