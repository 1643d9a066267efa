"""kg's one HTTP client: one deadline for a whole exchange, bounded answers, credentials kept with their origin.

:func:`http_request` is the one place where kg talks HTTP to a server it
did not start (``kg query --endpoint``, ``kg queries --check --endpoint``
and ``kg push``). It promises:

* **One deadline.** ``timeout`` seconds cover the connection, the request,
  the headers and every read of the body together. A watchdog shuts the
  socket down when the time is up, so a server that sends one byte every
  half second cannot stretch the query (:class:`~kg.errors.QueryTimeout`,
  exit 4).
* **Bounded answers.** An answer body longer than the input size limit
  (:func:`kg.load.max_input_bytes`: 64 MiB, ``KG_MAX_INPUT_BYTES``) is not
  read further: :class:`~kg.errors.EndpointError` (exit 5), so a fast
  server cannot fill the memory before the deadline.
* **Credentials stay with their origin.** ``user``/``password`` are sent
  only to the scheme, host and port of the URL given. Redirects (at most
  :data:`kg.limits.MAX_REDIRECTS`) to another origin are followed without them.
  ``auth="auto"`` sends nothing until the server asks (RFC 9110 ``WWW-Authenticate``),
  then answers its challenge, Digest (RFC 7616) in preference to Basic
  (RFC 7617); ``"basic"`` sends Basic at once, ``"digest"`` only Digest.
* **The server's words.** :func:`server_message` gives the first lines of an
  error page's visible text or a JSON error's message; :func:`access_hint`
  says what a 401 or 403 most likely means.

Why our own HTTP code: urllib's opener re-sends an explicit
``Authorization`` header to wherever a redirect points, and urllib,
requests and SPARQLWrapper all apply their timeout to each socket read, not
to the whole exchange. The Digest computation itself is the standard
library's (:class:`urllib.request.AbstractDigestAuthHandler`).

httpx was weighed as the replacement: it drops ``Authorization`` on a redirect to
another origin (as we do) and speaks Digest (``httpx.DigestAuth``), so two of the
three reasons above fall away with it. Its timeouts are still per phase (connect,
read, write, pool), not one deadline for the whole exchange, so the watchdog here
would stay; it would add httpx, httpcore, h11, anyio and sniffio to the
dependencies of every install for a client of about 250 lines that the hostile
tests (slow drip, redirects off http, cross-origin credentials) already pin down.
We keep our own until a deadline-per-exchange is in the library.
"""

from __future__ import annotations

import base64
import contextlib
import http.client
import json
import re
import socket
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from html.parser import HTMLParser
from typing import Any

from kg.errors import EndpointError, QueryTimeout, UsageError
from kg.limits import AUTH_SCHEMES, MAX_INPUT_ENV, MAX_REDIRECTS
from kg.load import max_input_bytes

#: How kg names itself to servers.
USER_AGENT = "kg-iran-kazakhstan (https://w3id.org/iran-kazakhstan-kg/)"


@dataclass
class Response:
    """An HTTP answer: ``status``, ``reason``, ``headers`` (lower-case names), ``body`` bytes, final ``url``."""

    url: str
    status: int
    reason: str
    headers: dict[str, str]
    body: bytes
    challenges: tuple[str, ...] = ()

    @property
    def media_type(self) -> str:
        """The Content-Type without parameters, lower-case (``""`` when absent)."""
        return self.headers.get("content-type", "").split(";", 1)[0].strip().lower()

    @property
    def content_type(self) -> str:
        return self.headers.get("content-type", "") or "no content type"

    def message(self, limit: int = 300) -> str:
        """The server's own words: the first lines of its text, HTML page or JSON error."""
        return server_message(self.body, self.media_type, limit)


def origin(url: str) -> tuple[str, str, int]:
    parts = urllib.parse.urlsplit(url)
    port = parts.port or (443 if parts.scheme == "https" else 80)
    return parts.scheme.lower(), (parts.hostname or "").lower(), port


def check_url(url: str) -> str:
    """``url`` if it is an absolute http(s) URL with a host; a UsageError (exit 2) otherwise: the URL is input.

    >>> check_url("localhost:7878/query")
    Traceback (most recent call last):
    kg.errors.UsageError: not an http(s) URL: 'localhost:7878/query' (give the scheme: http://localhost:7878/query)
    """
    hint = f" (give the scheme: http://{url})" if "://" not in url and not re.search(r"\s", url) else ""
    try:
        parts = urllib.parse.urlsplit(url)
        parts.port  # noqa: B018 - raises ValueError on a bad port
    except ValueError:
        raise UsageError(f"not an http(s) URL: {url!r}") from None
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname or re.search(r"\s", url):
        raise UsageError(f"not an http(s) URL: {url!r}{hint}")
    return url


class _Deadline:
    """One deadline for a whole exchange; ``seconds`` None means none."""

    def __init__(self, seconds: float | None) -> None:
        self.seconds = seconds
        self.end = None if seconds is None else time.monotonic() + seconds

    def remaining(self) -> float | None:
        if self.end is None:
            return None
        return max(0.0, self.end - time.monotonic())

    @property
    def passed(self) -> bool:
        return self.end is not None and time.monotonic() >= self.end


def _send_once(
    url: str, method: str, body: bytes | None, headers: Mapping[str, str], deadline: _Deadline, timeout_text: str
) -> Response:
    """One request and its whole answer, or QueryTimeout when the deadline passes first."""
    parts = urllib.parse.urlsplit(url)
    remaining = deadline.remaining()
    if remaining is not None and remaining <= 0:
        raise QueryTimeout(timeout_text)
    kind = http.client.HTTPSConnection if parts.scheme.lower() == "https" else http.client.HTTPConnection
    connection = kind(parts.hostname or "", parts.port, timeout=remaining)
    fired = threading.Event()
    sockets: list[socket.socket] = []  # http.client drops its reference once the answer says "close"

    def cut() -> None:
        fired.set()
        for sock in sockets:
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)

    watchdog = threading.Timer(remaining, cut) if remaining is not None else None
    if watchdog is not None:
        watchdog.daemon = True
        watchdog.start()
    selector = urllib.parse.urlunsplit(("", "", parts.path or "/", parts.query, ""))
    try:
        connection.connect()
        if connection.sock is not None:
            sockets.append(connection.sock)
            if fired.is_set():
                cut()
        # A server may answer (e.g. 401) and close before reading the whole body: then read that answer.
        with contextlib.suppress(BrokenPipeError, ConnectionResetError):
            connection.request(method, selector, body=body, headers=dict(headers))
        answer = connection.getresponse()
        chunks = []
        size, limit = 0, max_input_bytes()
        while True:
            chunk = answer.read(65536)
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
            if size > limit:
                raise EndpointError(
                    f"{url}: the answer passed the input limit of {limit} bytes and was not read further "
                    f"(set {MAX_INPUT_ENV} to raise it)"
                )
            if deadline.passed:
                raise QueryTimeout(timeout_text)
        if fired.is_set():
            raise QueryTimeout(timeout_text)
        names = {k.lower(): v for k, v in answer.getheaders()}
        challenges = tuple(answer.headers.get_all("WWW-Authenticate") or ())
        return Response(url, answer.status, answer.reason, names, b"".join(chunks), challenges)
    except TimeoutError:
        raise QueryTimeout(timeout_text) from None
    except (OSError, http.client.HTTPException) as exc:
        if fired.is_set() or deadline.passed:
            raise QueryTimeout(timeout_text) from None
        reason = getattr(exc, "strerror", None) or str(exc) or type(exc).__name__
        raise EndpointError(f"{url}: cannot connect: {reason}") from None
    finally:
        if watchdog is not None:
            watchdog.cancel()
        connection.close()


def _challenge(challenges: Iterable[str], scheme: str) -> dict[str, str] | None:
    """The parameters of the first ``scheme`` challenge among WWW-Authenticate values."""
    for value in challenges:
        match = re.match(r"\s*([A-Za-z][\w-]*)\s*(.*)$", value, re.DOTALL)
        if match and match.group(1).lower() == scheme:
            items = urllib.request.parse_http_list(match.group(2))
            return urllib.request.parse_keqv_list([i for i in items if "=" in i])
    return None


def _basic(user: str, password: str) -> str:
    return "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode("ascii")


def _digest(url: str, method: str, body: bytes | None, user: str, password: str, challenge: dict[str, str]) -> str:
    """The Authorization value answering a Digest challenge (RFC 7616, by the standard library)."""
    manager = urllib.request.HTTPPasswordMgr()
    manager.add_password(challenge.get("realm"), url, user, password)
    handler = urllib.request.AbstractDigestAuthHandler(manager)
    request = urllib.request.Request(url, data=body, method=method)
    try:
        value = handler.get_authorization(request, challenge)
    except urllib.error.URLError as exc:  # an unsupported qop
        raise EndpointError(f"{url}: cannot answer the Digest challenge: {exc.reason}") from None
    if value is None:
        algorithm = challenge.get("algorithm", "MD5")
        raise EndpointError(f"{url}: cannot answer the Digest challenge (algorithm {algorithm})")
    return "Digest " + value


def http_request(
    url: str,
    *,
    method: str = "GET",
    body: bytes | None = None,
    headers: Mapping[str, str] | None = None,
    user: str | None = None,
    password: str | None = None,
    auth: str = "auto",
    timeout: float | None = None,
) -> Response:
    """Send one request (following redirects and auth challenges) and return the final :class:`Response`.

    Any status comes back as a Response; the caller decides what it means.
    Raises QueryTimeout (the ``timeout`` seconds passed: connect and all
    reads together), EndpointError (no connection, a redirect loop or to a
    non-http URL, a Digest challenge that cannot be answered).
    """
    check_url(url)
    if auth not in AUTH_SCHEMES:
        raise EndpointError(f"unknown auth scheme {auth!r}: choose one of {', '.join(AUTH_SCHEMES)}")
    deadline = _Deadline(timeout if timeout and timeout > 0 else None)
    timeout_text = f"{url}: no answer within {timeout:g} s (--timeout)" if timeout else ""
    home = origin(url)
    base_headers = {"User-Agent": USER_AGENT, **(headers or {})}
    current, current_method, current_body = url, method, body
    for _hop in range(MAX_REDIRECTS + 1):
        trusted = user is not None and origin(current) == home
        sent = dict(base_headers)
        if trusted and auth == "basic":
            sent["Authorization"] = _basic(user or "", password or "")
        response = _send_once(current, current_method, current_body, sent, deadline, timeout_text)
        if response.status == 401 and trusted and "Authorization" not in sent:
            digest = _challenge(response.challenges, "digest")
            basic = _challenge(response.challenges, "basic")
            if digest is not None and auth in ("auto", "digest"):
                sent["Authorization"] = _digest(current, current_method, current_body, user, password or "", digest)
            elif basic is not None and auth == "auto":
                sent["Authorization"] = _basic(user or "", password or "")
            if "Authorization" in sent:
                response = _send_once(current, current_method, current_body, sent, deadline, timeout_text)
        if response.status not in (301, 302, 303, 307, 308) or "location" not in response.headers:
            return response
        target = urllib.parse.urljoin(current, response.headers["location"].strip())
        if urllib.parse.urlsplit(target).scheme.lower() not in ("http", "https"):
            raise EndpointError(f"{url}: redirected to {target!r}, which is not an http(s) URL")
        if response.status in (301, 302, 303) and current_method not in ("GET", "HEAD"):
            form = base_headers.get("Content-Type", "").startswith("application/x-www-form-urlencoded")
            if response.status != 303 and not form:
                raise EndpointError(
                    f"{url}: HTTP {response.status} redirects the {current_method} to {target}: "
                    "give that address instead (the body is not re-sent)"
                )
            if form and current_body:
                target += ("&" if "?" in target else "?") + current_body.decode("ascii")
            current_method, current_body = "GET", None
            base_headers = {k: v for k, v in base_headers.items() if k.lower() != "content-type"}
        current = target
    raise EndpointError(f"{url}: more than {MAX_REDIRECTS} redirects")


# --------------------------------------------------------------------------- the server's words


class _Text(HTMLParser):
    """The visible text of an HTML page, line by line (no scripts or styles)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.hidden = 0

    def handle_starttag(self, tag: str, attrs: Any) -> None:
        if tag in ("script", "style", "head"):
            self.hidden += 1
        elif tag in ("br", "p", "div", "h1", "h2", "h3", "h4", "li", "tr", "pre", "title"):
            self.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style", "head") and self.hidden:
            self.hidden -= 1
        elif tag in ("p", "div", "h1", "h2", "h3", "h4", "li", "tr", "pre", "title"):
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        if not self.hidden:
            self.parts.append(data)


def server_message(body: bytes, media_type: str, limit: int = 300) -> str:
    """The first lines of a server's message, as text: an HTML page's visible text, a JSON error's message."""
    text = body.decode("utf-8", "replace")
    if "html" in media_type or re.match(r"\s*<(!doctype html|html)", text, re.IGNORECASE):
        parser = _Text()
        with contextlib.suppress(Exception):  # a broken page still gives what was read
            parser.feed(text)
            parser.close()
        text = "".join(parser.parts)
    elif "json" in media_type or text.lstrip().startswith("{"):
        with contextlib.suppress(ValueError):
            text = _json_message(json.loads(text))
    lines = [" ".join(line.split()) for line in text.splitlines()]
    lines = [line for line in lines if line]
    joined = " / ".join(lines[:4])
    return joined if len(joined) <= limit else joined[: limit - 3] + "..."


def _json_message(document: Any) -> str:
    if isinstance(document, dict):
        for key in ("message", "error_description", "error", "detail", "title", "description", "reason"):
            value = document.get(key)
            if isinstance(value, str) and value.strip():
                return value
            if isinstance(value, dict):
                return _json_message(value)
    return json.dumps(document, ensure_ascii=False)


def access_hint(response: Response, user: str | None, url: str, *, writing: bool = False) -> str:
    """What a 401 or 403 most likely means, in words (wrong password, no account, or a read-only server)."""
    if response.url != url and origin(response.url) != origin(url):
        return "redirected to another server, which was not given the credentials (they stay with their origin)"
    if response.status == 401 and user is None:
        return "the server asks for credentials: give --user (the password from $KG_ENDPOINT_PASSWORD)"
    if response.status == 401:
        asked = sorted({c.split(None, 1)[0].capitalize() for c in response.challenges if c.strip()})
        return f"the server did not accept user {user!r} and its password: check both" + (
            f" (it asks for {' or '.join(asked)} auth)" if asked else ""
        )
    if writing:
        return (
            "forbidden: the server refuses to write here (most likely a read-only server or endpoint, "
            + ("or the user may not write" if user else "or writing needs --user")
            + ")"
        )
    return "forbidden: the server refuses this request" + (f" to user {user!r}" if user else "")
