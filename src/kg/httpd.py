"""The HTTP server of ``kg serve``: uvicorn, set up for clients that may be hostile or slow.

uvicorn closes an idle keep-alive connection (``timeout_keep_alive``) but gives a
client that has started a request no limit for sending its headers: one byte a second
holds a connection for ever, and 1 200 such clients were all still connected after
30 s. :class:`HeadTimeoutProtocol` (uvicorn's h11 protocol, one timer more) closes a
connection whose request headers are not complete :data:`kg.limits.SERVE_HEAD_TIMEOUT`
seconds after it opened or after its last answer. The headers are bounded in size too
(h11's limit, 16 KiB, then 400), and so are the connections served at once
(:data:`kg.limits.SERVE_MAX_CONNECTIONS`, then 503).

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


class HeadTimeoutProtocol(H11Protocol):
    """uvicorn's h11 protocol that closes a connection whose request headers are late."""

    head_timeout: float = limits.SERVE_HEAD_TIMEOUT

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
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
        lifespan="off",
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
