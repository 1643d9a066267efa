"""The HTTP server of ``kg serve``: uvicorn, set up for clients that may be hostile or slow.

uvicorn closes an idle keep-alive connection (``timeout_keep_alive``) but gives a
client that has started a request no limit for sending its headers: one byte a second
holds a connection for ever, and 1 200 such clients were all still connected after
30 s. :class:`HeadTimeoutProtocol` (uvicorn's httptools protocol, one timer and one count
more) closes a connection whose request headers are not complete
:data:`kg.limits.SERVE_HEAD_TIMEOUT` seconds after it opened or after its last answer. The
request line and headers are bounded in size too (:data:`kg.limits.SERVE_MAX_HEAD`, then 431;
llhttp itself has no bound), and so are the connections served at once
(:data:`kg.limits.SERVE_MAX_CONNECTIONS`, then 503). httptools (llhttp, in C) rather than
h11 (in Python): it parses a request and writes an answer for some 0.08 ms of CPU less, a
third of a cached answer's cost (BENCHMARKS.md, "kg serve under load").

An answer leaves in one socket write: uvicorn writes a response's head and its body
in two calls, each a system call that on loopback also wakes the reader, which cost more
of a cheap answer's time than anything else (a profile under load: BENCHMARKS.md, "kg
serve under load"). :class:`_Coalescing` holds what the protocol writes during one turn
of the event loop and writes it at the end of that turn, once.

Bodies, the queue, the time limit and the security headers are the ASGI layer's
(:mod:`kg.guard`); this module only runs it.
"""

from __future__ import annotations

import asyncio
import logging
import socket
from collections.abc import Callable
from typing import Any

import uvicorn
from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

from kg import limits

#: uvicorn's lines that the guard already reports in its own words (with the request named).
_QUIET = ("ASGI callable returned without completing response.",)
#: Bytes of an answer held for one write at most (more are written at once).
_HOLD = 64 * 1024


class _Coalescing:
    """A transport whose writes within one turn of the event loop reach the socket as one write.

    Everything but writing, closing and aborting is the wrapped transport's own. What is held is
    written before the transport closes, and dropped when it is aborted, as the transport's own
    buffer is; more than :data:`_HOLD` bytes are written at once (a long answer streams as before,
    and the transport's flow control sees it).
    """

    def __init__(self, transport: asyncio.Transport, loop: asyncio.AbstractEventLoop) -> None:
        self._transport = transport
        self._loop = loop
        self._held: list[bytes] = []
        self._size = 0

    def write(self, data: bytes) -> None:
        if not data:
            return
        if not self._held:
            self._loop.call_soon(self._flush)
        self._held.append(data)
        self._size += len(data)
        if self._size > _HOLD:
            self._flush()

    def writelines(self, lines: Any) -> None:
        for data in lines:
            self.write(data)

    def _flush(self) -> None:
        if self._held:
            data = self._held[0] if len(self._held) == 1 else b"".join(self._held)
            self._held.clear()
            self._size = 0
            if not self._transport.is_closing():
                self._transport.write(data)

    def get_write_buffer_size(self) -> int:
        return self._transport.get_write_buffer_size() + self._size

    def write_eof(self) -> None:
        self._flush()
        self._transport.write_eof()

    def close(self) -> None:
        self._flush()
        self._transport.close()

    def abort(self) -> None:
        self._held.clear()
        self._size = 0
        self._transport.abort()

    def __getattr__(self, name: str) -> Any:
        return getattr(self._transport, name)


class HeadTimeoutProtocol(HttpToolsProtocol):
    """uvicorn's httptools protocol that closes a connection whose request headers are late or too large (and
    writes an answer in one call, :class:`_Coalescing`)."""

    head_timeout: float = limits.SERVE_HEAD_TIMEOUT
    max_head: int = limits.SERVE_MAX_HEAD

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(_Coalescing(transport, self.loop))  # type: ignore[arg-type]
        self._head_timer: asyncio.TimerHandle | None = None
        self._head_read = 0  # bytes read since a request's head began, while it is incomplete
        self._head_size = 0  # bytes of the request line and headers as the parser gave them
        self._head_too_large = False
        self._in_head = True  # a request's headers are awaited (or coming)
        self._arm_head_timer()

    def _arm_head_timer(self) -> None:
        if self._head_timer is not None:
            self._head_timer.cancel()
        self._head_timer = self.loop.call_later(self.head_timeout, self._head_timed_out)

    def _disarm_head_timer(self) -> None:
        if self._head_timer is not None:
            self._head_timer.cancel()
            self._head_timer = None

    def data_received(self, data: bytes) -> None:
        super().data_received(data)
        if self._in_head and self.parser is not None and not self.transport.is_closing():
            self._head_read += len(data)  # a head still coming: every byte of it is counted (a drip too)
            if self._head_read > self.max_head:
                self._refuse_head()

    def on_message_begin(self) -> None:
        super().on_message_begin()
        self._in_head = True
        self._head_read = 0
        self._head_size = 0

    def on_url(self, url: bytes) -> None:
        self._count_head(len(url))
        super().on_url(url)

    def on_header(self, name: bytes, value: bytes) -> None:
        self._count_head(len(name) + len(value) + 4)
        super().on_header(name, value)

    def _count_head(self, size: int) -> None:
        """Count a part of the head as the parser gives it; past the bound, the parser stops (and the
        protocol answers with :meth:`send_400_response`, here a 431)."""
        self._head_size += size
        if self._head_size > self.max_head:
            self._head_too_large = True
            raise ValueError("the request line and headers are too large")

    def send_400_response(self, msg: str) -> None:
        if self._head_too_large:
            self._refuse_head()
        else:
            super().send_400_response(msg)

    def on_headers_complete(self) -> None:
        self._in_head = False  # the headers are in: the request's own limits apply now
        self._disarm_head_timer()
        super().on_headers_complete()

    def on_response_complete(self) -> None:
        super().on_response_complete()
        if not self.transport.is_closing() and not self.pipeline:
            self._in_head = True
            self._arm_head_timer()  # the next request's headers are timed from this answer

    def connection_lost(self, exc: Exception | None) -> None:
        self._disarm_head_timer()
        super().connection_lost(exc)

    def _refuse_head(self) -> None:
        self._disarm_head_timer()
        said = f"the request line and headers are larger than {self.max_head} bytes\n".encode()
        self.transport.write(
            b"HTTP/1.1 431 Request Header Fields Too Large\r\ncontent-type: text/plain; charset=utf-8\r\n"
            + b"x-content-type-options: nosniff\r\n"
            + b"content-length: %d\r\nconnection: close\r\n\r\n" % len(said)
            + said
        )
        self.transport.close()

    def _head_timed_out(self) -> None:
        self._head_timer = None
        if self.transport.is_closing() or not self._in_head:
            return
        if self.cycle is None or self.cycle.response_complete:
            self.transport.abort()  # headers that never completed: nothing to answer, nothing to wait for


class _Quiet(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        return not any(record.getMessage().startswith(text) for text in _QUIET)


class _Server(uvicorn.Server):
    """uvicorn's server, calling ``on_shutdown`` as its shutdown begins (before it waits for the requests in
    flight)."""

    def __init__(self, config: uvicorn.Config, on_shutdown: Callable[[], Any] | None = None) -> None:
        super().__init__(config)
        self.on_shutdown = on_shutdown

    async def shutdown(self, sockets: list[socket.socket] | None = None) -> None:
        if self.on_shutdown is not None:
            self.on_shutdown()
        await super().shutdown(sockets=sockets)


def make_server(
    app: Any, *, head_timeout: float = limits.SERVE_HEAD_TIMEOUT, on_shutdown: Callable[[], Any] | None = None
) -> uvicorn.Server:
    """A uvicorn server for ``app`` with kg serve's bounds (run it with ``.run(sockets=[sock])``); ``on_shutdown``
    is called when it begins to stop, before it waits for the requests in flight."""
    logging.getLogger("uvicorn.error").addFilter(_Quiet())
    protocol = type("HeadTimeout", (HeadTimeoutProtocol,), {"head_timeout": head_timeout})
    config = uvicorn.Config(
        app,
        http=protocol,
        log_level="warning",
        lifespan="auto",  # the site closes its connections to Oxigraph at the end
        access_log=False,
        timeout_keep_alive=limits.SERVE_IDLE_TIMEOUT,
        limit_concurrency=limits.SERVE_MAX_CONNECTIONS,
        backlog=limits.SERVE_MAX_CONNECTIONS,
        server_header=False,
    )
    return _Server(config, on_shutdown)


def raise_open_files_limit() -> None:
    """Let this process hold as many sockets as its hard limit allows (each connection takes one)."""
    try:
        import resource

        soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
        if soft < hard:
            resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    except (ImportError, ValueError, OSError):
        pass
