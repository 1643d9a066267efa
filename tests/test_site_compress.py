"""kg.site.compress: kg serve gzips every large text answer for the clients that take it, with Vary, an ETag of
the gzipped bytes' own and 304s that know it; asked of the session's real kg serve over HTTP, and a streamed
answer compressed part by part (an ASGI app of three parts, in a loop of its own)."""

from __future__ import annotations

import asyncio
import gzip
import threading
import urllib.error
import urllib.parse
import urllib.request
import zlib

import pytest

from kg.site.compress import MINIMUM, Compressed, gzip_tag

pytestmark = [pytest.mark.server]

#: One answer of each kind that was sent uncompressed (only /explorer was gzipped): page, RDF document, the
#: ontology's page (216 KB), a question with its table, the search box's script, the style sheet, the search's
#: JSON, a 404 page, the Service Description.
PATHS = [
    "id/kazakhstan.fa.html", "id/kazakhstan.ttl", "ontology.fa.html", "q/cq04-statements-by-speaker?lang=fa",
    "search.js", "site.css", "search.json?q=kaz&lang=en", "id/no-such-thing.fa.html", "query?lang=fa",
]  # fmt: skip


def get(url: str, headers: dict[str, str], method: str = "GET") -> tuple[int, dict[str, str], bytes]:
    request = urllib.request.Request(url, headers=headers, method=method)
    try:
        with urllib.request.urlopen(request, timeout=60) as answer:
            return answer.status, {k.lower(): v for k, v in answer.headers.items()}, answer.read()
    except urllib.error.HTTPError as error:
        return error.code, {k.lower(): v for k, v in error.headers.items()}, error.read()


def varies(headers: dict[str, str]) -> set[str]:
    return {v.strip().lower() for v in headers.get("vary", "").split(",") if v.strip()}


@pytest.mark.parametrize("path", PATHS)
def test_a_large_text_answer_is_gzipped_for_a_client_that_takes_it_and_the_same_text(site, path):
    status, plain_headers, plain = get(site + path, {"Accept-Encoding": "identity", "Accept": "text/html"})
    zipped_status, headers, zipped = get(site + path, {"Accept-Encoding": "gzip, deflate", "Accept": "text/html"})
    assert status == zipped_status and len(plain) >= MINIMUM
    assert headers["content-encoding"] == "gzip" and "content-encoding" not in plain_headers
    assert gzip.decompress(zipped) == plain and int(headers["content-length"]) == len(zipped) < len(plain)
    assert "accept-encoding" in varies(headers) and "accept-encoding" in varies(plain_headers)
    assert varies(plain_headers) <= varies(headers)  # its own Vary (Accept, Accept-Language) kept
    if "etag" in plain_headers:
        assert headers["etag"] == gzip_tag(plain_headers["etag"]) != plain_headers["etag"]


@pytest.mark.parametrize("coding", ["gzip;q=0", "identity", "br", "gzip;q=0, *;q=0", ""])
def test_a_client_that_does_not_take_gzip_gets_the_text_as_it_is(site, coding):
    status, headers, body = get(site + "id/kazakhstan.fa.html", {"Accept-Encoding": coding} if coding else {})
    assert status == 200 and "content-encoding" not in headers and body.startswith(b"<!DOCTYPE html>")
    assert "accept-encoding" in varies(headers)


def test_small_answers_and_binaries_are_sent_as_they_are(site):
    for path in ("favicon.svg", "dumps/kg.ttl.gz"):
        status, headers, _ = get(site + path, {"Accept-Encoding": "gzip"})
        assert status == 200 and "content-encoding" not in headers, path
        assert "accept-encoding" not in varies(headers), path
    status, headers, _ = get(site + "explorer", {"Accept-Encoding": "gzip"})  # gzipped once by its route: once
    assert headers["content-encoding"] == "gzip" and varies(headers) == {"accept-encoding"}


def test_a_conditional_request_names_each_encoding_by_its_own_tag(site):
    url = site + "id/kazakhstan.html"
    _, zipped, _ = get(url, {"Accept-Encoding": "gzip"})
    _, plain, _ = get(url, {"Accept-Encoding": "identity"})
    status, headers, body = get(url, {"Accept-Encoding": "gzip", "If-None-Match": zipped["etag"]})
    assert (status, headers["etag"], body) == (304, zipped["etag"], b"")
    status, headers, _ = get(url, {"Accept-Encoding": "identity", "If-None-Match": zipped["etag"]})
    assert (status, headers["etag"]) == (200, plain["etag"])  # the gzipped bytes' tag names no identity bytes
    status, headers, _ = get(url, {"Accept-Encoding": "identity", "If-None-Match": plain["etag"]})
    assert (status, headers["etag"]) == (304, plain["etag"])


def test_head_says_what_get_sends(site):
    _, got, _ = get(site + "ontology.fa.html", {"Accept-Encoding": "gzip"})
    status, head, body = get(site + "ontology.fa.html", {"Accept-Encoding": "gzip"}, method="HEAD")
    assert status == 200 and body == b""
    assert {k: head[k] for k in ("content-encoding", "content-length", "etag")} == {
        k: got[k] for k in ("content-encoding", "content-length", "etag")
    }


def test_a_sparql_answer_is_gzipped_too(site):
    query = urllib.parse.urlencode({"query": "CONSTRUCT WHERE { ?s ?p ?o }"})
    status, headers, body = get(f"{site}query?{query}", {"Accept-Encoding": "gzip", "Accept": "application/n-triples"})
    assert status == 200 and headers["content-encoding"] == "gzip"
    lines = gzip.decompress(body).decode("utf-8").splitlines()
    assert len(lines) > 5000 and all(line.endswith(" .") for line in lines)


def _through(parts: list[bytes], coding: str) -> tuple[dict[bytes, bytes], list[bytes]]:
    """What Compressed sends of an answer streamed in ``parts`` (no length known), its loop in a thread."""
    sent: list[dict] = []

    async def app(scope, receive, send):
        await send({"type": "http.response.start", "status": 200, "headers": [(b"content-type", b"text/turtle")]})
        for index, part in enumerate(parts):
            await send({"type": "http.response.body", "body": part, "more_body": index < len(parts) - 1})

    async def record(message):
        sent.append(message)

    scope = {"type": "http", "method": "GET", "headers": [(b"accept-encoding", coding.encode())]}
    thread = threading.Thread(target=lambda: asyncio.run(Compressed(app)(scope, None, record)))
    thread.start()
    thread.join(timeout=60)
    return dict(sent[0]["headers"]), [m["body"] for m in sent[1:]]


def test_a_streamed_answer_is_compressed_part_by_part_each_part_sent_as_it_comes():
    parts = [b"<a> <b> <c> .\n" * 50, b"", b"<d> <e> <f> .\n" * 50]
    headers, bodies = _through(parts, "gzip")
    assert headers[b"content-encoding"] == b"gzip" and headers[b"vary"] == b"Accept-Encoding"
    assert len(bodies) == 3 and bodies[0]  # the first part flushed before the next came
    assert zlib.decompress(b"".join(bodies), 31) == b"".join(parts)
    headers, bodies = _through(parts, "identity")
    assert b"content-encoding" not in headers and bodies == parts
