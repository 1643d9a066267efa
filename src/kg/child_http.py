"""``kg serve``'s HTTP/1.1 client to its Oxigraph children: kept connections on loopback, llhttp's parser.

:class:`ChildClient` sends what :mod:`kg.proxy` passes on (a GET, or a POST with its body) to an Oxigraph
server that ``kg serve`` started on 127.0.0.1, and gives its answer as an :class:`Answer`: the status and
headers once the head has come, then the body in the parts it arrives in. Connections are kept open and
reused (at most ``connections`` idle ones per server). The answer is parsed by llhttp (``httptools``, the
C parser uvicorn already runs for kg serve's own requests), which checks the framing (Content-Length,
chunked) and refuses a malformed answer.

Why our own client rather than a library's (aiohttp's was used before): it is kg serve's costliest step for
a query that reaches Oxigraph, and a library client does much that a loopback child never needs (redirects,
cookies, proxies, TLS, content decoding, per-request timeout objects and tracing hooks). Measured: 2 000
cheap queries one after the other to an Oxigraph server, CPU per request in the client's process, aiohttp
0.22-0.25 ms (kg serve's own CPU per uncached answer was some 0.45 ms), this parser on a kept connection
0.07-0.08 ms (BENCHMARKS.md, "kg serve under load"). It does only this: requests of a known length, answers
with Content-Length or chunked framing, nothing else of HTTP.

What the proxy relies on, as it did with aiohttp:

- nothing listening is :class:`NotListening` (the child is dead or restarting);
- a connection lost with the request in hand is :class:`Lost` (the child died: maybe this request killed
  it); except that a GET sent on a kept connection that is lost before any byte of its answer is sent once
  more on a new connection (RFC 9112 §9.3.1: the child may have closed the idle connection as the request
  went out), where it finds nothing listening if the child died;
- a malformed answer, or one whose connection ends before its framing does, is :class:`ChildError`;
- the head's wait is bounded by ``head_timeout`` (TimeoutError); the body's reads by the caller;
- while more than :data:`_HIGH` bytes of an answer are held unread, its connection is not read (TCP's flow
  control holds the child), so a client that reads a streamed answer slowly holds little memory here.
"""

from __future__ import annotations

import asyncio
import collections
import contextlib
import urllib.parse

import httptools

#: Bytes of an answer held unread beyond which its connection is no longer read until they are.
_HIGH = 256 * 1024
#: The bytes a request target may hold as they are (printable ASCII but the space); others are %-encoded.
_TARGET_SAFE = "".join(chr(code) for code in range(0x21, 0x7F))


class ChildError(Exception):
    """The child did not answer as HTTP says: its answer is malformed or cut."""


class NotListening(ChildError):
    """Nothing listens on the child's address (it died, or is being started again)."""


class Lost(ChildError):
    """The connection was lost with the request in hand (the child died, maybe of this request)."""


class Answer:
    """An answer of the child: ``status`` and ``headers`` (lower-case names) once its head has come, then its body
    by :meth:`read`; :meth:`release` (its body read to the end) or :meth:`close` when done with it."""

    def __init__(self, connection: _Connection) -> None:
        self.status = 0
        self.headers: dict[str, str] = {}
        self._connection = connection
        self._head: asyncio.Future[None] = connection.loop.create_future()
        self._parts: collections.deque[bytes] = collections.deque()
        self._held = 0
        self._waiter: asyncio.Future[None] | None = None
        self._error: ChildError | None = None
        self.complete = False  # the whole answer has come
        self.begun = False  # a byte of it has come
        self._keep = False

    def ready(self) -> bool:
        """Whether :meth:`read` would answer without waiting."""
        return bool(self._parts) or self.complete or self._error is not None

    async def read(self) -> bytes | None:
        """The body's next bytes (all that came since the last read), or None at its end; ChildError if cut."""
        while not self._parts:
            if self.complete:
                return None
            if self._error is not None:
                raise self._error
            self._waiter = self._connection.loop.create_future()
            try:
                await self._waiter
            finally:
                self._waiter = None
        data = self._parts.popleft() if len(self._parts) == 1 else b"".join(self._parts)
        self._parts.clear()
        self._held = 0
        self._connection.resume()
        return data

    def release(self) -> None:
        """Done with an answer read to its end: its connection is kept for the next request (else closed)."""
        if self.complete and self._keep and not self._parts:
            self._connection.done()
        else:
            self.close()

    def close(self) -> None:
        """Done with the answer, read or not: its connection is closed."""
        self._connection.close()

    # ------------------------------------------------------------------ fed by the connection

    def _wake(self) -> None:
        if self._waiter is not None and not self._waiter.done():
            self._waiter.set_result(None)

    def _got_head(self, status: int) -> None:
        self.status = status
        if not self._head.done():
            self._head.set_result(None)

    def _feed(self, data: bytes) -> None:
        self._parts.append(data)
        self._held += len(data)
        if self._held > _HIGH:
            self._connection.pause()
        self._wake()

    def _end(self, keep: bool) -> None:
        self.complete = True
        self._keep = keep
        self._wake()

    def _fail(self, error: ChildError) -> None:
        if self.complete:
            return
        self._error = error
        if not self._head.done():
            self._head.set_exception(error)
            self._head.exception()  # retrieved: nobody may be waiting for the head any more
        self._wake()


class _Connection(asyncio.Protocol):
    """One connection to a child, and the answer being read on it (llhttp's callbacks fill it)."""

    def __init__(self, client: ChildClient, key: tuple[str, int], loop: asyncio.AbstractEventLoop) -> None:
        self.client = client
        self.key = key
        self.loop = loop
        self.transport: asyncio.Transport | None = None
        self.parser = httptools.HttpResponseParser(self)
        self.answer: Answer | None = None
        self.lost = False
        self.paused = False

    # ------------------------------------------------------------------ asyncio's callbacks

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = transport  # type: ignore[assignment]

    def data_received(self, data: bytes) -> None:
        answer = self.answer
        if answer is None:  # bytes nobody asked for: the connection cannot be trusted for another request
            self.close()
            return
        answer.begun = True
        try:
            self.parser.feed_data(data)
        except httptools.HttpParserError as exc:
            answer._fail(ChildError(f"a malformed answer ({exc})"))
            self.close()

    def connection_lost(self, exc: Exception | None) -> None:
        self.lost = True
        if self.answer is not None:
            reason = f": {exc}" if exc else ""
            self.answer._fail(Lost(f"the connection was lost{reason}"))

    # ------------------------------------------------------------------ llhttp's callbacks

    def on_header(self, name: bytes, value: bytes) -> None:
        if self.answer is not None:
            self.answer.headers[name.decode("latin-1").lower()] = value.decode("latin-1")

    def on_headers_complete(self) -> None:
        if self.answer is not None:
            self.answer._got_head(self.parser.get_status_code())

    def on_body(self, body: bytes) -> None:
        if self.answer is not None:
            self.answer._feed(body)

    def on_message_complete(self) -> None:
        if self.answer is not None:
            self.answer._end(self.parser.should_keep_alive())

    # ------------------------------------------------------------------ the client's

    def send(self, data: bytes) -> Answer:
        self.answer = Answer(self)
        assert self.transport is not None
        self.transport.write(data)
        return self.answer

    def pause(self) -> None:
        if not self.paused and self.transport is not None and not self.lost:
            self.paused = True
            self.transport.pause_reading()

    def resume(self) -> None:
        if self.paused and self.transport is not None and not self.lost:
            self.paused = False
            self.transport.resume_reading()

    def done(self) -> None:
        """The answer was read whole: the connection may serve another request."""
        self.answer = None
        self.client._keep(self)

    def close(self) -> None:
        self.lost = True
        if self.transport is not None:
            self.transport.close()

    def usable(self) -> bool:
        return not self.lost and self.transport is not None and not self.transport.is_closing()


class ChildClient:
    """The client of the module docstring: at most ``connections`` idle connections kept per child."""

    def __init__(self, connections: int = 8) -> None:
        self.connections = connections
        self._idle: dict[tuple[str, int], list[_Connection]] = {}
        self._endpoints: dict[str, tuple[tuple[str, int], str]] = {}
        self._closed = False

    def _endpoint(self, endpoint: str) -> tuple[tuple[str, int], str]:
        """``((host, port), path)`` of an ``http://host:port/path`` endpoint (read once per endpoint)."""
        found = self._endpoints.get(endpoint)
        if found is None:
            parts = urllib.parse.urlsplit(endpoint)
            if parts.scheme != "http" or not parts.hostname:
                raise ValueError(f"not an http:// endpoint: {endpoint}")
            found = ((parts.hostname, parts.port or 80), parts.path or "/")
            self._endpoints[endpoint] = found
        return found

    async def request(
        self,
        endpoint: str,
        method: str,
        query: str,
        headers: dict[str, str],
        body: bytes = b"",
        *,
        head_timeout: float | None = None,
    ) -> Answer:
        """Send ``method`` to ``endpoint`` with the query string ``query`` (as the client sent it; may be empty),
        ``headers`` and ``body``; the answer once its head has come (see the module docstring for the errors)."""
        key, path = self._endpoint(endpoint)
        message = _message(method, key, path, query, headers, body)
        async with contextlib.nullcontext() if head_timeout is None else asyncio.timeout(head_timeout):
            connection, reused = self._idle_connection(key), True
            if connection is None:
                connection, reused = await self._connect(key), False
            answer = await self._exchange(connection, message)
            if answer is None:  # a kept connection lost before any byte of its answer: once more, on a new one
                if not reused or method != "GET":
                    raise Lost("the connection was lost before the answer began")
                answer = await self._exchange(await self._connect(key), message)
                if answer is None:
                    raise Lost("the connection was lost before the answer began")
            return answer

    async def _exchange(self, connection: _Connection, message: bytes) -> Answer | None:
        """The answer to ``message`` on ``connection`` once its head has come; None if the connection was lost
        before any byte of it came."""
        answer = connection.send(message)
        try:
            await answer._head
        except Lost:
            connection.close()
            if not answer.begun:
                return None
            raise
        except BaseException:  # cancelled, timed out, malformed: the connection is not reused
            connection.close()
            raise
        return answer

    def _idle_connection(self, key: tuple[str, int]) -> _Connection | None:
        idle = self._idle.get(key)
        while idle:
            connection = idle.pop()
            if connection.usable():
                return connection
        return None

    async def _connect(self, key: tuple[str, int]) -> _Connection:
        loop = asyncio.get_running_loop()
        try:
            _, connection = await loop.create_connection(lambda: _Connection(self, key, loop), *key)
        except OSError as exc:
            raise NotListening(f"cannot connect to {key[0]}:{key[1]}: {exc.strerror or exc}") from None
        return connection

    def _keep(self, connection: _Connection) -> None:
        idle = self._idle.setdefault(connection.key, [])
        if self._closed or not connection.usable() or len(idle) >= self.connections:
            connection.close()
        else:
            idle.append(connection)

    def close(self) -> None:
        """Close every kept connection (an answer being read keeps its own until it is released or closed)."""
        self._closed = True
        for idle in self._idle.values():
            for connection in idle:
                connection.close()
            idle.clear()


def _message(method: str, key: tuple[str, int], path: str, query: str, headers: dict[str, str], body: bytes) -> bytes:
    """The request's bytes: its line, ``Host``, ``headers`` (a value with a line break is refused: ValueError),
    ``Content-Length`` for a body, the body."""
    target = path + ("?" + query if query else "")
    if not (target.isascii() and target.isprintable() and " " not in target):
        target = urllib.parse.quote(target, safe=_TARGET_SAFE)
    lines = [f"{method} {target} HTTP/1.1", f"Host: {key[0]}:{key[1]}"]
    for name, value in headers.items():
        if "\r" in value or "\n" in value or "\0" in value:
            raise ValueError(f"a line break in the header {name}")
        lines.append(f"{name}: {value}")
    if body or method == "POST":
        lines.append(f"Content-Length: {len(body)}")
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1", "replace") + body
