"""The guard in front of ``kg serve``'s site: every request is hostile until checked.

:class:`Guard` is a plain ASGI middleware that :func:`kg.serve.serve` wraps around the
site in one line. In the order it checks a request:

1. **Host.** The ``Host`` header must name an address ``kg serve`` listens on (with its
   port): ``127.0.0.1``, ``localhost`` and ``[::1]`` for a loopback address, every address
   and name of the machine for ``0.0.0.0``, plus the names given with ``--allowed-host``
   (``*``: any). Otherwise 400: a web page that re-binds its own DNS name to 127.0.0.1
   reaches the port, but its requests still carry its own name.
2. **Origin.** A request that can change state in a browser's model (any method but
   GET, HEAD, OPTIONS) coming from a browser must come from the site itself: an
   ``Origin`` (or ``Sec-Fetch-Site``) of another site, or ``null``, is a 403. Clients that are
   not browsers send neither and pass.
3. **Body size.** A ``Content-Length`` over the limit is a 413 before a byte of the body
   is read (before any 415 too); a body sent without a length is counted as it is read
   and cut at the limit with a 413. A body that does not arrive by the request's deadline is
   a 408.
4. **Admission.** Requests that run queries take one of a fixed number of slots; a
   bounded queue holds those waiting for one. When the queue is full the answer is 503
   with ``Retry-After`` at once; a request whose time runs out while it waits is a 503 too.
   A client that leaves while its request waits is seen (:class:`kg.admission.Waiting` reads the
   request's messages as they come, up to :data:`kg.limits.SERVE_QUEUED_BODY` of body):
   its request leaves the queue, and its query never starts.
   A POST takes its slot only once its body is whole (read by the request's deadline, at most
   ``max_body``), so a body that comes slowly holds no slot.
   The pages that run no query (the question list, the editor, the explorer, styles and
   scripts) are not queued, so they stay quick while queries wait.
5. **Deadline.** The time limit runs from the moment the request arrives, so time in
   the queue counts: :func:`remaining` gives a route the seconds left.

Every answer, errors included, carries the security headers of :data:`SECURITY_HEADERS`
and a ``Content-Security-Policy`` (the site's own unless the route set one). An
exception in a route ends as a 500 naming the request (or, once the answer has started,
as a cut connection), logged as one line, never a traceback.

Own code rather than Starlette's ``TrustedHostMiddleware``: that checks ``Host`` only,
and the origin, size, queue and deadline rules act on the same raw ASGI messages, in one
place, at no per-request cost beyond a few comparisons.
"""

from __future__ import annotations

import asyncio
import logging
import math
import socket
import time
from collections.abc import Awaitable, Callable, Iterable, MutableMapping
from dataclasses import dataclass, field
from typing import Any

from kg import limits
from kg.admission import Message, Receive, Slots, Waiting

Scope = MutableMapping[str, Any]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

log = logging.getLogger("kg.serve")

#: Sent with every answer. ``nosniff``: a browser never runs a CSV or a result as a script;
#: ``same-origin``: a query in the URL is not sent to the sites the pages link to; the frame and
#: resource policies keep other sites from framing the pages or loading them as their own resources.
SECURITY_HEADERS: tuple[tuple[bytes, bytes], ...] = (
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"same-origin"),
    (b"x-frame-options", b"SAMEORIGIN"),
    (b"cross-origin-resource-policy", b"same-origin"),
    (b"cross-origin-opener-policy", b"same-origin"),
)
#: Methods a browser sends across sites without asking first; they must not change anything.
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
#: Paths that run no query: never queued (exact paths, and prefixes ending in ``/``).
UNQUEUED = ("/", "/editor", "/explorer", "/prefixes.json", "/site.css", "/favicon.ico", "/yasgui/")
#: Where :class:`Guard` keeps the request's deadline (``time.monotonic()`` seconds) in the ASGI scope.
DEADLINE = "kg.deadline"


@dataclass
class Policy:
    """What the guard lets through: the hosts and port, the body size, the slots, queue and time limit."""

    hosts: frozenset[str]  # lower-case host names and address literals (IPv6 in brackets); "*": any
    port: int
    timeout: float | None = limits.SERVE_TIMEOUT  # seconds from arrival (None: no limit)
    max_body: int = limits.SERVE_MAX_BODY
    slots: int = limits.SERVE_QUERY_SLOTS
    queue: int = limits.SERVE_QUEUE
    csp: str = ""  # the Content-Security-Policy of answers that set none
    retry_after: int = 1

    def allows_host(self, value: str) -> bool:
        """Whether a ``Host`` header (``name[:port]``) names this server."""
        if "*" in self.hosts:
            return True
        name, port = split_host(value)
        if name is None or name not in self.hosts:
            return False
        return port == self.port or (port is None and self.port == 80)

    def allows_origin(self, origin: str) -> bool:
        """Whether an ``Origin`` header (``scheme://host[:port]``) is this server itself."""
        scheme, sep, rest = origin.partition("://")
        if not sep or scheme.lower() not in ("http", "https") or "/" in rest:
            return False  # "null", an opaque origin, or not an origin at all
        if "*" in self.hosts:
            return True
        name, port = split_host(rest)
        if port is None:
            port = 443 if scheme.lower() == "https" else 80
        return name is not None and name in self.hosts and port == self.port


def split_host(value: str) -> tuple[str | None, int | None]:
    """``('name', port)`` of a ``Host`` value, lower-cased (IPv6 kept in brackets); ``(None, None)`` if malformed.

    >>> split_host("LocalHost:7878"), split_host("[::1]:80"), split_host("a:b")
    (('localhost', 7878), ('[::1]', 80), (None, None))
    """
    value = value.strip().lower()
    if value.startswith("["):
        name, bracket, rest = value.partition("]")
        if not bracket:
            return None, None
        name += "]"
        port_text = rest[1:] if rest.startswith(":") else None if not rest else "x"
    else:
        name, colon, port_text_or = value.partition(":")
        port_text = port_text_or if colon else None
    if not name or any(c in name for c in "/\\@ ?#"):
        return None, None
    if port_text is None:
        return name, None
    if not port_text.isdigit() or not 0 < int(port_text) < 65536:
        return None, None
    return name, int(port_text)


def listening_hosts(host: str, extra: Iterable[str] = ()) -> frozenset[str]:
    """The names a ``Host`` header may carry for a server listening on ``host``, plus ``extra``.

    >>> sorted(listening_hosts("127.0.0.1"))
    ['127.0.0.1', '[::1]', 'localhost']
    >>> sorted(listening_hosts("::1", ["Example.org"]))
    ['127.0.0.1', '[::1]', 'example.org', 'localhost']
    """
    names = {_literal(name) for name in extra}
    loopback = {"127.0.0.1", "[::1]", "localhost"}
    if host in ("127.0.0.1", "::1", "localhost") or host.startswith("127."):
        names |= loopback | {_literal(host)}
    elif host in ("0.0.0.0", "::", ""):
        names |= loopback | _machine_names()
    else:
        names.add(_literal(host))
    return frozenset(names)


def _literal(name: str) -> str:
    name = name.strip().lower()
    return f"[{name}]" if ":" in name and not name.startswith("[") else name


def _machine_names() -> set[str]:
    """This machine's name and addresses (for a server listening on every address)."""
    names = {socket.gethostname().lower(), socket.getfqdn().lower()}
    try:
        for info in socket.getaddrinfo(socket.gethostname(), None):
            names.add(_literal(str(info[4][0]).split("%")[0]))
    except OSError:
        pass
    return names


async def read_text(text: str, reader: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
    """``reader(text, *args, **kwargs)``: on the event loop for a text of up to
    :data:`~kg.limits.SERVE_INLINE_TEXT` characters (well under a millisecond), in a worker thread for a
    longer one (1 MiB: about a second), so that a request's long text does not hold every other request."""
    if len(text) <= limits.SERVE_INLINE_TEXT:
        return reader(text, *args, **kwargs)
    from starlette.concurrency import run_in_threadpool

    return await run_in_threadpool(reader, text, *args, **kwargs)


def remaining(scope: Scope, default: float | None) -> float | None:
    """Seconds left of the request's time limit (counted from its arrival), or ``default`` if unguarded."""
    deadline = scope.get("state", {}).get(DEADLINE)
    if deadline is None:
        return default
    return deadline - time.monotonic() if math.isfinite(deadline) else None


class Refused(Exception):
    """A request refused by the guard: its status, message and extra headers."""

    def __init__(self, status: int, message: str, headers: Iterable[tuple[bytes, bytes]] = ()) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.headers = list(headers)


@dataclass
class _Exchange:
    """One request as the guard follows it: whether its answer started or ended, and why it was cut."""

    refused: Refused | None = None
    started: bool = False
    ended: bool = False
    body_read: int = 0
    body_done: bool = False
    extra: list[tuple[bytes, bytes]] = field(default_factory=list)


class Guard:
    """The ASGI middleware of the module docstring, around ``app``, by ``policy``."""

    def __init__(self, app: ASGIApp, policy: Policy) -> None:
        self.app = app
        self.policy = policy
        self._slots = Slots(policy.slots)
        self._waiting = 0
        self._reading = 0  # bytes of request bodies being read before their requests take a slot
        self._csp = policy.csp.encode("latin-1")

    # ------------------------------------------------------------------ the request

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        arrived = time.monotonic()
        deadline = arrived + self.policy.timeout if self.policy.timeout else math.inf
        scope.setdefault("state", {})[DEADLINE] = deadline
        exchange = _Exchange()

        async def guarded_send(message: Message) -> None:
            if exchange.refused is not None:
                return  # the app's own answer to a request the guard has refused
            if message["type"] == "http.response.start":
                exchange.started = True
                message["headers"] = self._headers(message.get("headers", []))
            elif message["type"] == "http.response.body" and not message.get("more_body", False):
                exchange.ended = True
            await send(message)

        async def guarded_receive() -> Message:
            if exchange.body_done or exchange.refused is not None:
                return await receive()
            left = deadline - time.monotonic()
            try:
                if math.isfinite(left):
                    async with asyncio.timeout(left):  # no task, unlike wait_for (a queued request's reader waits here)
                        message = await receive()
                else:
                    message = await receive()
            except TimeoutError:
                exchange.refused = Refused(408, "the request body did not arrive within the time limit")
                return {"type": "http.disconnect"}
            if message["type"] == "http.request":
                exchange.body_read += len(message.get("body", b""))
                if exchange.body_read > self.policy.max_body:
                    exchange.refused = self._too_large()
                    return {"type": "http.disconnect"}
                exchange.body_done = not message.get("more_body", False)
            return message

        try:
            headers = self._check(scope)
            queued = self._queued(scope["path"])
            if queued and scope["method"] == "POST" and _has_body(headers):
                await self._admitted_with_body(scope, guarded_receive, guarded_send, deadline, exchange)
            elif queued:
                await self._admitted(scope, guarded_receive, guarded_send, deadline)
            else:
                await self.app(scope, guarded_receive, guarded_send)
        except Refused as refused:
            exchange.refused = refused
        except Exception as exc:  # noqa: BLE001 - a route failed: one line in the log, an answer naming the request
            if exchange.refused is None:
                log.error("kg serve: %s %s failed: %s: %s", scope["method"], scope["path"], type(exc).__name__, exc)
                if exchange.started:
                    return  # the status is sent: the connection is cut, the client sees an incomplete answer
                exchange.refused = Refused(500, f"the site failed on {scope['method']} {scope['path']}")
        if exchange.refused is not None and not exchange.started:
            await self._refuse(send, exchange.refused)

    def _check(self, scope: Scope) -> dict[bytes, bytes]:
        """Host, Origin and Content-Length, before the app sees the request; its headers by lower-case name."""
        headers = _header_map(scope["headers"])
        host = headers.get(b"host")
        if host is None or not self.policy.allows_host(host.decode("latin-1")):
            shown = host.decode("latin-1")[:100] if host is not None else "(none)"
            raise Refused(400, f"this server does not answer for the host {shown!r} (kg serve --allowed-host)")
        if scope["method"] not in SAFE_METHODS:
            origin = headers.get(b"origin")
            fetch_site = headers.get(b"sec-fetch-site", b"").lower()
            if origin is not None and not self.policy.allows_origin(origin.decode("latin-1")):
                shown = origin.decode("latin-1")[:100]
                raise Refused(403, f"a {scope['method']} from another site is refused: {shown}")
            if fetch_site in (b"cross-site", b"same-site"):
                raise Refused(403, f"a {scope['method']} from another site is refused ({fetch_site.decode()})")
        length = headers.get(b"content-length")
        if length is not None:
            if not length.strip().isdigit():
                raise Refused(400, "Content-Length is not a number")
            if int(length) > self.policy.max_body:
                raise self._too_large()
        return headers

    def _too_large(self) -> Refused:
        return Refused(413, f"the request body is larger than {self.policy.max_body} bytes (kg serve --max-body)")

    @staticmethod
    def _queued(path: str) -> bool:
        return not any(path == p or (p.endswith("/") and p != "/" and path.startswith(p)) for p in UNQUEUED)

    def _busy(self) -> Refused:
        return Refused(
            503,
            "kg serve is busy: every query slot is taken; try again shortly",
            [(b"retry-after", str(self.policy.retry_after).encode())],
        )

    async def _take_slot(self, receive: Receive, deadline: float) -> tuple[bool, Receive, Waiting | None]:
        """Take a query slot, waiting in the bounded queue: whether it was taken (False: the client left while
        it waited), the receive the route reads the request from, and the waiting reader to stop after it.
        Refused (503) when the queue is full or the time runs out while it waits."""
        if self._slots.take():
            return True, receive, None
        if self._waiting >= self.policy.queue:
            raise self._busy()
        self._waiting += 1
        waiting = Waiting(receive)
        try:
            admitted = await waiting.for_slot(self._slots, deadline)
        finally:
            self._waiting -= 1
        if not admitted:
            waiting.stop()
            if admitted is None:
                raise self._busy()
            return False, receive, None  # the client left (or its body was refused) while it waited: nothing runs
        return True, waiting.receive, waiting

    async def _admitted(self, scope: Scope, receive: Receive, send: Send, deadline: float) -> None:
        """Run the app in a slot: wait in the bounded queue (503 when it is full or the time runs out)."""
        taken, receive, waiting = await self._take_slot(receive, deadline)
        if not taken:
            return
        try:
            await self.app(scope, receive, send)
        finally:
            self._slots.release()
            if waiting is not None:
                waiting.stop()

    async def _admitted_with_body(
        self, scope: Scope, receive: Receive, send: Send, deadline: float, exchange: _Exchange
    ) -> None:
        """A POST with a body: the route starts at once and takes its slot when its body is whole.

        The route's first read reads the whole body (at most ``max_body``, by the request's deadline: 413, 408),
        then waits for a slot as :meth:`_admitted` does, and gets the body in one message. A body that comes
        slowly thus holds no query slot, only its connection (eight clients dripping bodies held every slot, and
        /query answered nothing). A route that refuses the request before reading its body (415) takes no slot.
        Every route that runs a query on a POST reads its body first. Bodies being read hold at most
        :data:`kg.limits.SERVE_READ_BODIES` bytes at once (503 past it).
        """
        admitted: dict[str, Any] = {}

        async def admitting_receive() -> Message:
            if admitted:
                return await admitted["receive"]()
            chunks: list[bytes] = []
            held = 0
            try:
                while True:
                    message = await receive()  # the guard's: a body too large or too late ends as a disconnect
                    if message["type"] != "http.request":
                        return message
                    body = message.get("body", b"")
                    held += len(body)
                    self._reading += len(body)
                    if self._reading > limits.SERVE_READ_BODIES:
                        exchange.refused = Refused(
                            503,
                            "kg serve is busy: it is reading too many request bodies; try again shortly",
                            [(b"retry-after", str(self.policy.retry_after).encode())],
                        )
                        return {"type": "http.disconnect"}
                    chunks.append(body)
                    if not message.get("more_body", False):
                        break
            finally:
                self._reading -= held
            try:
                taken, rest, waiting = await self._take_slot(receive, deadline)
            except Refused as busy:
                exchange.refused = busy
                return {"type": "http.disconnect"}
            if not taken:
                return {"type": "http.disconnect"}
            admitted.update(receive=rest, waiting=waiting)
            return {"type": "http.request", "body": b"".join(chunks), "more_body": False}

        try:
            await self.app(scope, admitting_receive, send)
        finally:
            if admitted:
                self._slots.release()
                if admitted["waiting"] is not None:
                    admitted["waiting"].stop()

    # ------------------------------------------------------------------ the answer

    def _headers(self, headers: Iterable[tuple[bytes, bytes]]) -> list[tuple[bytes, bytes]]:
        out = list(headers)
        names = {name.lower() for name, _ in out}
        if b"content-security-policy" not in names and self._csp:
            out.append((b"content-security-policy", self._csp))
        out.extend(h for h in SECURITY_HEADERS if h[0] not in names)
        return out

    async def _refuse(self, send: Send, refused: Refused) -> None:
        body = (refused.message + "\n").encode("utf-8")
        headers = [
            (b"content-type", b"text/plain; charset=utf-8"),
            (b"content-length", str(len(body)).encode()),
            *refused.headers,
        ]
        if refused.status in (400, 408, 413, 500):  # the rest of the request is not read: the connection ends
            headers.append((b"connection", b"close"))
        await send({"type": "http.response.start", "status": refused.status, "headers": self._headers(headers)})
        await send({"type": "http.response.body", "body": body})


def _has_body(headers: dict[bytes, bytes]) -> bool:
    """Whether a request comes with a body: a length above 0, or chunked."""
    length = headers.get(b"content-length", b"").strip()
    return b"transfer-encoding" in headers or (length.isdigit() and int(length) > 0)


def _header_map(headers: Iterable[tuple[bytes, bytes]]) -> dict[bytes, bytes]:
    """The request's headers by lower-case name; a repeated ``Host`` or ``Content-Length`` is refused (400)."""
    out: dict[bytes, bytes] = {}
    for name, value in headers:
        if name in out and name in (b"host", b"content-length"):
            raise Refused(400, f"the header {name.decode()} is repeated")
        out[name] = value
    return out
