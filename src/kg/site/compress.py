"""gzip for every large text answer of ``kg serve``, for the clients that take it (RFC 9110 §8.4, §12.5.3).

An ASGI middleware around the site (:func:`kg.site.create_app`): an answer whose media type is text
(HTML, Turtle, N-Triples, JSON-LD, RDF/XML, SPARQL results, CSS, JavaScript, JSON, SVG) and whose body
is at least :data:`MINIMUM` bytes is sent gzipped to a client whose ``Accept-Encoding`` takes gzip with a
q above 0 (:func:`kg.publish.conneg.accepts_coding`), with

- ``Vary: Accept-Encoding`` on both encodings (a cache must not hand the gzipped bytes to a client that
  cannot read them), merged with the answer's own ``Vary``;
- an ``ETag`` of its own: a strong validator names one representation's bytes, so the gzipped body's is
  the identity's with ``-gzip`` (as Apache's mod_deflate writes it). A conditional request naming that
  tag is read as naming the identity's by the routes, which answer 304 as before, and the 304 carries
  the tag the client sent;
- ``Content-Length`` of the bytes sent.

A body the answer streams in parts (a large ``/query`` answer) is compressed part by part, each part
flushed, so nothing waits for the end. An answer that is already encoded (the explorer, gzipped once
at its making; the ``.gz`` dumps) passes unchanged but for ``Vary``; a range (206) passes unchanged.
A ``HEAD`` gets the headers its ``GET`` would (Starlette makes the body; the server does not send it).

Our own code, not Starlette's ``GZipMiddleware``: that one compresses whenever the header contains the
letters ``gzip`` (``gzip;q=0`` too) and keeps the identity's ``ETag`` on the gzipped bytes. The gzipped
bodies of answers with an ``ETag`` (the site's pages and documents, made once per process) are kept, up
to :data:`kg.limits.SERVE_GZIP_BYTES`, so a page is compressed once, not once per request.
"""

from __future__ import annotations

import gzip
import zlib
from collections import OrderedDict
from typing import Any

import anyio.to_thread

from kg.limits import SERVE_GZIP_BYTES
from kg.publish.conneg import accepts_coding

#: Bodies smaller than this are sent as they are: gzip's header and the work are not worth it.
MINIMUM = 1024
#: Bodies at least this large are compressed in a worker thread, so the event loop keeps answering.
THREAD_MINIMUM = 256 * 1024
#: The level: 6, zlib's default, nearly 9's size at a third of its time.
LEVEL = 6
#: Media types compressed (text/* always); the others (images, gzip, zip) are compressed already or binary.
TEXT_TYPES = frozenset({
    "application/json", "application/ld+json", "application/n-triples", "application/n-quads",
    "application/rdf+xml", "application/trig", "application/sparql-results+json", "application/sparql-results+xml",
    "application/javascript", "application/xml", "application/xhtml+xml", "image/svg+xml",
    "application/opensearchdescription+xml",
})  # fmt: skip
_SUFFIX = "-gzip"


def compressible(content_type: str) -> bool:
    """Whether an answer of ``content_type`` (with its parameters) is text worth compressing.

    >>> compressible("text/turtle; charset=utf-8"), compressible("application/sparql-results+json")
    (True, True)
    >>> compressible("application/gzip"), compressible("image/png"), compressible("")
    (False, False, False)
    """
    media = content_type.split(";", 1)[0].strip().lower()
    return media.startswith("text/") or media in TEXT_TYPES


def gzip_tag(etag: str) -> str:
    """The ETag of the gzipped bytes of the representation tagged ``etag`` (strong or weak).

    >>> gzip_tag('"abc"'), gzip_tag('W/"abc"')
    ('"abc-gzip"', 'W/"abc-gzip"')
    """
    return etag[:-1] + _SUFFIX + '"' if etag.endswith('"') else etag + _SUFFIX


def identity_tags(header: str) -> str:
    """An ``If-None-Match`` header with each gzip tag read as its identity's (what the routes compare).

    >>> identity_tags('"abc-gzip", W/"d-gzip", "e"')
    '"abc", W/"d", "e"'
    """
    return ", ".join(t[: -len(_SUFFIX) - 1] + '"' if t.endswith(_SUFFIX + '"') else t for t in _tags(header))


def _tags(header: str) -> list[str]:
    return [t.strip() for t in header.split(",") if t.strip()]


class Compressed:
    """The middleware: ``Compressed(app)`` answers as ``app``, large text gzipped for who takes it."""

    def __init__(self, app: Any) -> None:
        self.app = app
        self._kept: OrderedDict[str, bytes] = OrderedDict()
        self._kept_bytes = 0

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = dict(scope["headers"])
        takes = accepts_coding(_text(headers.get(b"accept-encoding")), "gzip")
        sent_tags = _text(headers.get(b"if-none-match"))
        if takes and _SUFFIX in sent_tags:  # the routes compare their identity tags
            rest = [(k, v) for k, v in scope["headers"] if k != b"if-none-match"]
            scope = {**scope, "headers": [*rest, (b"if-none-match", identity_tags(sent_tags).encode("latin-1"))]}
        await self.app(scope, receive, _Answer(self, send, takes, sent_tags).send)

    def kept(self, etag: str) -> bytes | None:
        found = self._kept.get(etag)
        if found is not None:
            self._kept.move_to_end(etag)
        return found

    def keep(self, etag: str, body: bytes) -> None:
        if len(body) > SERVE_GZIP_BYTES // 8 or etag in self._kept:
            return
        self._kept[etag] = body
        self._kept_bytes += len(body)
        while self._kept_bytes > SERVE_GZIP_BYTES:
            _, dropped = self._kept.popitem(last=False)
            self._kept_bytes -= len(dropped)


def _text(value: bytes | None) -> str:
    return value.decode("latin-1") if value else ""


class _Answer:
    """One answer on its way out: its start is held until its first body part says how to send it."""

    def __init__(self, owner: Compressed, send: Any, takes: bool, sent_tags: str) -> None:
        self.owner, self._send, self.takes, self.sent_tags = owner, send, takes, sent_tags
        self.start: dict[str, Any] | None = None
        self.stream: Any = None  # a zlib compressor once a streamed body is being gzipped

    async def send(self, message: dict[str, Any]) -> None:
        if message["type"] == "http.response.start":
            self.start = message
            return
        if message["type"] == "http.response.body" and self.stream is not None:
            await self._stream_part(message)
            return
        if message["type"] != "http.response.body" or self.start is None:  # passing, or not an answer's part
            await self._send(message)
            return
        start, self.start = self.start, None
        await self._first(start, message)

    async def _first(self, start: dict[str, Any], message: dict[str, Any]) -> None:
        headers = [(k.lower(), v) for k, v in start["headers"]]
        found = {k.decode("latin-1"): _text(v) for k, v in headers}
        body, more = message.get("body", b""), message.get("more_body", False)
        if start["status"] == 304:
            await self._send({**start, "headers": self._not_modified(headers, found)})
            await self._send(message)
            return
        large = more or len(body) >= MINIMUM or int(found.get("content-length") or 0) >= MINIMUM
        partial = start["status"] == 206 or "content-range" in found  # a range of the identity's bytes
        if not compressible(found.get("content-type", "")) or not large or start["status"] < 200 or partial:
            await self._send(start)
            await self._send(message)
            return
        headers = _with_vary(headers, found)
        if not self.takes or "content-encoding" in found or not (more or len(body) >= MINIMUM):
            await self._send({**start, "headers": headers})
            await self._send(message)
            return
        headers = [(k, v) for k, v in headers if k not in (b"content-length", b"etag")]
        headers.append((b"content-encoding", b"gzip"))
        etag = found.get("etag")
        if etag:
            headers.append((b"etag", gzip_tag(etag).encode("latin-1")))
        if more:  # streamed: each part compressed and flushed as it comes
            self.stream = zlib.compressobj(LEVEL, zlib.DEFLATED, 31)
            await self._send({**start, "headers": headers})
            await self._stream_part(message)
            return
        gzipped = self.owner.kept(etag) if etag else None
        if gzipped is None:
            if len(body) >= THREAD_MINIMUM:
                gzipped = await anyio.to_thread.run_sync(_gzip, body)
            else:
                gzipped = _gzip(body)
            if etag:
                self.owner.keep(etag, gzipped)
        headers.append((b"content-length", str(len(gzipped)).encode("latin-1")))
        await self._send({**start, "headers": headers})
        await self._send({"type": "http.response.body", "body": gzipped, "more_body": False})

    async def _stream_part(self, message: dict[str, Any]) -> None:
        more = message.get("more_body", False)
        data = self.stream.compress(message.get("body", b""))
        data += self.stream.flush(zlib.Z_SYNC_FLUSH if more else zlib.Z_FINISH)
        await self._send({"type": "http.response.body", "body": data, "more_body": more})

    def _not_modified(self, headers: list[tuple[bytes, bytes]], found: dict[str, str]) -> list[tuple[bytes, bytes]]:
        """A 304's headers: the tag the client sent for the gzipped bytes, if that is the one it matched."""
        etag = found.get("etag")
        if not (self.takes and etag and gzip_tag(etag) in _tags(self.sent_tags)):
            return headers
        headers = [(k, v) for k, v in headers if k != b"etag"]
        return _with_vary([*headers, (b"etag", gzip_tag(etag).encode("latin-1"))], found)


def _gzip(body: bytes) -> bytes:
    return gzip.compress(body, LEVEL, mtime=0)


def _with_vary(headers: list[tuple[bytes, bytes]], found: dict[str, str]) -> list[tuple[bytes, bytes]]:
    """``headers`` whose ``Vary`` names ``Accept-Encoding`` (merged with what it names already)."""
    named = [v.strip() for v in found.get("vary", "").split(",") if v.strip()]
    if "*" in named or any(v.lower() == "accept-encoding" for v in named):
        return headers
    vary = ", ".join([*named, "Accept-Encoding"]).encode("latin-1")
    return [*(h for h in headers if h[0] != b"vary"), (b"vary", vary)]
