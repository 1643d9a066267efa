"""The HTTP server of ``kg serve``: uvicorn, set up for clients that may be hostile or slow.

uvicorn closes an idle keep-alive connection (``timeout_keep_alive``) but gives a
client that has started a request no limit for sending its headers: one byte a second
holds a connection for ever, and 1 200 such clients were all still connected after
30 s. :class:`HeadTimeoutProtocol` (uvicorn's h11 protocol, one timer more) closes a
connection whose request headers are not complete :data:`kg.limits.SERVE_HEAD_TIMEOUT`
seconds after it opened or after its last answer. The headers are bounded in size too
(h11's limit, 16 KiB, then 400), and so are the connections served at once
(:data:`kg.limits.SERVE_MAX_CONNECTIONS`, then 503).

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
from typing import Any

import h11
import uvicorn
from uvicorn.protocols.http.h11_impl import H11Protocol

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

    def close(self) -> None:
        self._flush()
        self._transport.close()

    def abort(self) -> None:
        self._held.clear()
        self._size = 0
        self._transport.abort()

    def __getattr__(self, name: str) -> Any:
        return getattr(self._transport, name)


class HeadTimeoutProtocol(H11Protocol):
    """uvicorn's h11 protocol that closes a connection whose request headers are late (and writes an
    answer in one call, :class:`_Coalescing`)."""

    head_timeout: float = limits.SERVE_HEAD_TIMEOUT

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(_Coalescing(transport, self.loop))  # type: ignore[arg-type]
        self._head_timer: asyncio.TimerHandle | None = None
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
        if self.conn.their_state is not h11.IDLE:  # the headers are in: the request's own limits apply now
            self._disarm_head_timer()

    def on_response_complete(self) -> None:
        super().on_response_complete()
        if not self.transport.is_closing() and self.conn.their_state is h11.IDLE:
            self._arm_head_timer()  # the next request's headers are timed from this answer

    def connection_lost(self, exc: Exception | None) -> None:
        self._disarm_head_timer()
        super().connection_lost(exc)

    def _head_timed_out(self) -> None:
        self._head_timer = None
        if self.transport.is_closing() or self.conn.their_state is not h11.IDLE:
            return
        if self.cycle is None or self.cycle.response_complete:
            self.transport.abort()  # headers that never completed: nothing to answer, nothing to wait for


class _Quiet(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        return not any(record.getMessage().startswith(text) for text in _QUIET)


def make_server(app: Any, *, head_timeout: float = limits.SERVE_HEAD_TIMEOUT) -> uvicorn.Server:
    """A uvicorn server for ``app`` with kg serve's bounds (run it with ``.run(sockets=[sock])``)."""
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
    return uvicorn.Server(config)


def raise_open_files_limit() -> None:
    """Let this process hold as many sockets as its hard limit allows (each connection takes one)."""
    try:
        import resource

        soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
        if soft < hard:
            resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    except (ImportError, ValueError, OSError):
        pass
