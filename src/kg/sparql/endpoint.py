"""The SPARQL endpoint client: HTTP with one deadline, Basic and Digest auth, and strict result parsing.

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
  5) to another origin are followed without them. ``auth="auto"`` sends
  nothing until the server asks (RFC 9110 ``WWW-Authenticate``), then
  answers its challenge, Digest (RFC 7616) in preference to Basic
  (RFC 7617); ``"basic"`` sends Basic at once, ``"digest"`` only Digest.
* **Answers are parsed, never executed or followed.** SELECT and ASK
  answers are SPARQL 1.1 Query Results in JSON, XML or TSV (pyoxigraph's
  parsers) or CSV (read here: values become plain literals, ``_:`` blank
  nodes and ``http(s):``/``urn:`` IRIs, as the lossy CSV format allows).
  CONSTRUCT and DESCRIBE answers are parsed by pyoxigraph (N-Triples,
  Turtle, RDF/XML, JSON-LD, ...), which never loads a remote JSON-LD
  ``@context``: such an answer is refused (exit 5). Every literal keeps
  its lexical form (``"01"^^xsd:integer`` stays ``01``; an ill-typed
  ``"12"^^xsd:duration`` is shown as ``12``).
* **Errors in the server's words.** A status that is not 2xx, or an
  answer that is not SPARQL results (an HTML page, a JSON error), is
  reported with its status, content type and the first lines of the
  server's own message. A 400 is a query error (exit 3), a server time
  limit (408, 504, a 5xx that says so, Virtuoso's ``X-SQL-State: S1TAT``
  partial answer, or an answer cut off mid-document) is exit 4, anything
  else exit 5.

Why our own HTTP code: urllib's opener re-sends an explicit
``Authorization`` header to wherever a redirect points, and urllib,
requests and SPARQLWrapper all apply their timeout to each socket read, not
to the whole exchange. The Digest computation itself is the standard
library's (:class:`urllib.request.AbstractDigestAuthHandler`).

Virtuoso 7 answers every ASK query as a table of the variable ``__ASK_RETVAL``
(one row ``1`` for true, no row for false) instead of a boolean; :func:`parse_results`
reads exactly that shape as the boolean it means.
"""

from __future__ import annotations

import base64
import contextlib
import csv
import http.client
import io
import json
import logging
import re
import socket
import threading
import time
import urllib.parse
import urllib.request
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from html.parser import HTMLParser
from typing import Any

import pyoxigraph
from rdflib import BNode, Literal, URIRef
from rdflib.term import Identifier

from kg.errors import EndpointError, KgError, QueryError, QueryTimeout
from kg.limits import AUTH_SCHEMES, MAX_INPUT_ENV, MAX_REDIRECTS
from kg.load import max_input_bytes, structure_fault
from kg.namespaces import RDFS, SKOS, XSD
from kg.sparql.engines import USER_AGENT, Engine, Outcome, _capped, to_rdflib
from kg.sparql.syntax import analyse, offset_of, syntax_error

#: What a SELECT or ASK asks for: JSON first, then the other standard result formats.
RESULTS_ACCEPT = (
    "application/sparql-results+json, application/sparql-results+xml;q=0.9, "
    "text/tab-separated-values;q=0.8, text/csv;q=0.5"
)
#: What a CONSTRUCT or DESCRIBE asks for.
GRAPH_ACCEPT = "application/n-triples, text/turtle;q=0.9, application/rdf+xml;q=0.8, application/ld+json;q=0.5"

_XSD_STRING = str(XSD.string)
_LANG_STRING = "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString"
_RESULT_FORMATS = {
    "application/sparql-results+json": pyoxigraph.QueryResultsFormat.JSON,
    "application/json": pyoxigraph.QueryResultsFormat.JSON,
    "application/sparql-results+xml": pyoxigraph.QueryResultsFormat.XML,
    "application/xml": pyoxigraph.QueryResultsFormat.XML,
    "text/xml": pyoxigraph.QueryResultsFormat.XML,
    "text/tab-separated-values": pyoxigraph.QueryResultsFormat.TSV,
}
_TIME_LIMIT_WORDS = re.compile(
    r"time ?out|timed out|time limit|execution time|deadline|S1T00|SR171|cancell?ed", re.IGNORECASE
)


# --------------------------------------------------------------------------- HTTP


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


def _origin(url: str) -> tuple[str, str, int]:
    parts = urllib.parse.urlsplit(url)
    port = parts.port or (443 if parts.scheme == "https" else 80)
    return parts.scheme.lower(), (parts.hostname or "").lower(), port


def check_url(url: str) -> str:
    """``url`` if it is an absolute http(s) URL with a host; an EndpointError otherwise."""
    try:
        parts = urllib.parse.urlsplit(url)
        parts.port  # noqa: B018 - raises ValueError on a bad port
    except ValueError:
        raise EndpointError(f"not an http(s) URL: {url!r}") from None
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname or re.search(r"\s", url):
        raise EndpointError(f"not an http(s) URL: {url!r}")
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
    home = _origin(url)
    base_headers = {"User-Agent": USER_AGENT, **(headers or {})}
    current, current_method, current_body = url, method, body
    for _hop in range(MAX_REDIRECTS + 1):
        trusted = user is not None and _origin(current) == home
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


# --------------------------------------------------------------------------- parsing answers


class _QuietLiterals(logging.Filter):
    """rdflib logs a traceback for every ill-typed literal it is given; here such literals are data."""

    def filter(self, record: logging.LogRecord) -> bool:
        return not record.getMessage().startswith("Failed to convert Literal lexical form")


@contextlib.contextmanager
def quiet_literals() -> Iterator[None]:
    """While building rdflib terms: no log line (and no traceback) for an ill-typed literal."""
    logger = logging.getLogger("rdflib.term")
    quiet = _QuietLiterals()
    logger.addFilter(quiet)
    try:
        yield
    finally:
        logger.removeFilter(quiet)


def term_from_json(value: dict[str, str]) -> Identifier:
    """One RDF term of the SPARQL 1.1 Query Results JSON Format, its lexical form kept."""
    kind = value["type"]
    if kind == "uri":
        return URIRef(value["value"])
    if kind == "bnode":
        return BNode(value["value"])
    if kind in ("literal", "typed-literal"):
        if "xml:lang" in value:
            return Literal(value["value"], lang=value["xml:lang"])
        datatype = value.get("datatype")
        if datatype and datatype not in (_XSD_STRING, _LANG_STRING):
            with quiet_literals():
                return Literal(value["value"], datatype=URIRef(datatype), normalize=False)
        return Literal(value["value"])
    raise ValueError(f"unknown term type {kind!r}")


def parse_results_json(text: str, *, max_rows: int | None = None) -> Outcome:
    """A SPARQL 1.1 JSON results document (SELECT or ASK) as an :class:`Outcome`; ValueError if it is not one."""
    try:
        return parse_results(text.encode("utf-8"), "application/sparql-results+json", max_rows=max_rows)
    except SyntaxError as exc:
        raise ValueError(str(exc.msg if exc.msg else exc)) from None


def parse_results(body: bytes, media_type: str, *, max_rows: int | None = None) -> Outcome:
    """SPARQL 1.1 Query Results (JSON, XML, TSV or CSV by ``media_type``) as an :class:`Outcome`.

    Raises SyntaxError (pyoxigraph's, or ours for CSV) when ``body`` is not
    such a document, ValueError for a media type that is none of these.
    """
    if media_type == "text/csv":
        return _parse_csv(body, max_rows)
    fmt = _RESULT_FORMATS.get(media_type)
    if fmt is None:
        raise ValueError(f"not a SPARQL results format: {media_type or 'no content type'}")
    parsed = pyoxigraph.parse_query_results(body, format=fmt)
    if isinstance(parsed, pyoxigraph.QueryBoolean):
        return Outcome("boolean", boolean=bool(parsed))
    variables = [v.value for v in parsed.variables]
    solutions, truncated = _capped(iter(parsed), max_rows)
    rows = []
    with quiet_literals():
        for solution in solutions:
            row = {}
            for name in variables:
                value = solution[name]
                if value is not None:
                    row[name] = to_rdflib(value)
            rows.append(row)
    return Outcome("bindings", variables=variables, rows=rows, truncated=truncated)


def _parse_csv(body: bytes, max_rows: int | None) -> Outcome:
    """SPARQL 1.1 Query Results CSV: lossy by design, so values are plain literals, bnodes or obvious IRIs."""
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise SyntaxError(f"CSV results are not UTF-8: {exc}") from None
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        variables = [v.lstrip("?") for v in next(reader)]
    except StopIteration:
        raise SyntaxError("CSV results have no header line") from None
    except csv.Error as exc:
        raise SyntaxError(f"CSV results: {exc}") from None
    rows: list[dict[str, Identifier]] = []
    truncated = False
    try:
        for record in reader:
            if max_rows is not None and len(rows) >= max_rows:
                truncated = True
                break
            if len(record) != len(variables):
                raise SyntaxError(f"CSV results: {len(record)} values in a row of {len(variables)} variables")
            row: dict[str, Identifier] = {}
            for name, value in zip(variables, record, strict=True):
                if value == "":
                    continue
                if value.startswith("_:"):
                    row[name] = BNode(value[2:])
                elif re.fullmatch(r"(https?://|urn:)[^\s<>\"{}|\\^`]*", value):
                    row[name] = URIRef(value)
                else:
                    row[name] = Literal(value)
            rows.append(row)
    except csv.Error as exc:
        raise SyntaxError(f"CSV results: {exc}") from None
    return Outcome("bindings", variables=variables, rows=rows, truncated=truncated)


def _virtuoso_ask(outcome: Outcome) -> Outcome:
    """Virtuoso 7's ASK answer, a table ``__ASK_RETVAL`` (one row ``1`` for true, no row for false), as a boolean."""
    if outcome.kind != "bindings" or outcome.variables != ["__ASK_RETVAL"] or len(outcome.rows) > 1:
        return outcome
    if not outcome.rows:
        return Outcome("boolean", boolean=False)
    value = str(outcome.rows[0].get("__ASK_RETVAL", ""))
    if value in ("0", "1", "true", "false"):
        return Outcome("boolean", boolean=value in ("1", "true"))
    return outcome


def parse_graph(body: bytes, media_type: str, base: str) -> list[tuple[Identifier, Identifier, Identifier]]:
    """An RDF answer's triples (pyoxigraph's parser; a remote JSON-LD ``@context`` is refused, never loaded)."""
    fmt = pyoxigraph.RdfFormat.from_media_type(media_type) if media_type else None
    if fmt is None:
        raise ValueError(f"not an RDF format: {media_type or 'no content type'}")
    nested = {
        pyoxigraph.RdfFormat.TURTLE: "turtle",
        pyoxigraph.RdfFormat.TRIG: "trig",
        pyoxigraph.RdfFormat.N3: "turtle",
    }
    fault = structure_fault(body, "xml" if fmt == pyoxigraph.RdfFormat.RDF_XML else nested.get(fmt, ""))
    if fault is not None:  # the parser would overflow its stack, or expand entities without end
        raise SyntaxError(f"line {fault[0]} column {fault[1]}: {fault[2]}")
    triples = []
    with quiet_literals():
        for quad in pyoxigraph.parse(body, format=fmt, base_iri=base):
            triples.append((to_rdflib(quad.subject), to_rdflib(quad.predicate), to_rdflib(quad.object)))
    return triples


# --------------------------------------------------------------------------- the engine


def _cut_short(body: bytes, media_type: str, error: str) -> bool:
    """Whether a parse failure is the document ending early (a server that stopped mid-answer)."""
    if not body.strip():
        return False
    if "json" in media_type:
        return _json_unclosed(body.decode("utf-8", "replace"))
    return bool(re.search(r"\b(EOF|end of (file|input|the file|document))\b|unexpected end|unclosed", error, re.I))


def _json_unclosed(text: str) -> bool:
    """Whether JSON text ends inside a string, object or array."""
    depth, in_string, escaped = 0, False, False
    for char in text:
        if in_string:
            if escaped:
                escaped = False
            elif char == "\\":
                escaped = True
            elif char == '"':
                in_string = False
        elif char == '"':
            in_string = True
        elif char in "{[":
            depth += 1
        elif char in "}]":
            depth -= 1
    return in_string or depth > 0


class EndpointEngine(Engine):
    """Any SPARQL 1.1 endpoint over HTTP (SPARQL 1.1 Protocol: POST of a form; see the module docstring).

    ``graph`` names a graph to use as the query's default graph (the
    protocol's ``default-graph-uri``), e.g. the one ``kg push`` wrote.
    ``timeout`` is one deadline in seconds for the whole exchange;
    ``user``/``password`` go only to the endpoint's own origin, by ``auth``
    (``auto``: the scheme the server asks for, ``basic``, ``digest``).
    """

    name = "endpoint"
    local = False

    def __init__(
        self,
        url: str,
        *,
        timeout: float | None = 10.0,
        user: str | None = None,
        password: str | None = None,
        graph: str | None = None,
        auth: str = "auto",
    ) -> None:
        check_url(url)
        if auth not in AUTH_SCHEMES:
            raise EndpointError(f"unknown auth scheme {auth!r}: choose one of {', '.join(AUTH_SCHEMES)}")
        self.url = url
        self.timeout = timeout
        self.user = user
        self.password = password
        self.graph = graph
        self.auth = auth

    def _fetch(self, text: str, accept: str) -> Response:
        """The endpoint's 2xx answer to ``text``; every other outcome becomes a KgError."""
        form = [("query", text)] + ([("default-graph-uri", self.graph)] if self.graph else [])
        response = http_request(
            self.url,
            method="POST",
            body=urllib.parse.urlencode(form).encode("ascii"),
            headers={"Accept": accept, "Content-Type": "application/x-www-form-urlencoded"},
            user=self.user,
            password=self.password,
            auth=self.auth,
            timeout=self.timeout,
        )
        if 200 <= response.status < 300:
            state = response.headers.get("x-sql-state", "")
            if state.upper() == "S1TAT":  # Virtuoso's "anytime" answer: partial rows at its time limit
                said = response.headers.get("x-sql-message", "").strip()
                raise QueryTimeout(
                    f"{self.url}: the server stopped the query at its time limit and sent partial results"
                    + (f": {said}" if said else "")
                )
            return response
        raise endpoint_error(self.url, response, user=self.user, text=text)

    def run(self, text: str, *, max_rows: int | None = None, allow_external: bool = False) -> Outcome:
        form = analyse(text).form
        graph_form = form in ("CONSTRUCT", "DESCRIBE")
        response = self._fetch(text, GRAPH_ACCEPT if graph_form else RESULTS_ACCEPT)
        media = response.media_type
        what = "RDF" if graph_form else "SPARQL results"
        try:
            if graph_form:
                triples, truncated = _capped(iter(parse_graph(response.body, media, response.url)), max_rows)
                return Outcome("graph", triples=triples, truncated=truncated)
            outcome = parse_results(response.body, media, max_rows=max_rows)
            return _virtuoso_ask(outcome) if form == "ASK" else outcome
        except ValueError:
            said = response.message()
            raise EndpointError(
                f"{self.url}: the answer is {response.content_type}, not {what}" + (f": {said}" if said else "")
            ) from None
        except SyntaxError as exc:
            error = " ".join(str(exc.msg if exc.msg else exc).split())
            if "LoadDocumentCallback" in error or "remote context" in error:
                raise EndpointError(
                    f"{self.url}: the JSON-LD answer names a remote @context, which kg never loads: {error}"
                ) from None
            if _cut_short(response.body, media, error):
                ending = " ".join(response.body[-120:].decode("utf-8", "replace").split())
                raise QueryTimeout(
                    f"{self.url}: the answer stops mid-document after {len(response.body)} bytes, ending "
                    f"{ending!r} (the server most likely stopped the query at its time limit)"
                ) from None
            said = response.message()  # a JSON error document parses as JSON: its own words say what went wrong
            raise EndpointError(
                f"{self.url}: the answer is not valid {response.content_type}: {error[:300]}"
                + (f"; the server's words: {said}" if said and said not in error else "")
            ) from None

    def labels(self, iris: Iterable[URIRef], lang: str) -> dict[URIRef, str]:
        iris = list(dict.fromkeys(iris))[:500]
        if not iris or not re.fullmatch(r"[A-Za-z]{1,8}(-[A-Za-z0-9]{1,8})*", lang):
            return {}
        values = " ".join(f"<{iri}>" for iri in iris if not re.search(r'[<>"{}|^`\\\s]', str(iri)))
        text = (
            f"SELECT ?s ?label WHERE {{ VALUES ?s {{ {values} }} "
            f'?s <{RDFS.label}>|<{SKOS.prefLabel}> ?label FILTER(langMatches(lang(?label), "{lang}")) }}'
        )
        try:
            outcome = self.run(text)
        except KgError:
            return {}
        found: dict[URIRef, str] = {}
        for row in outcome.rows:
            if isinstance(row.get("s"), URIRef) and "label" in row:
                found.setdefault(row["s"], str(row["label"]))
        return found


def endpoint_error(url: str, response: Response, *, user: str | None = None, text: str | None = None) -> KgError:
    """The KgError for a SPARQL endpoint's non-2xx answer: query error (400), time limit, or endpoint error.

    With the query ``text``, a syntax error that Oxigraph's server places (``error at L:C``) is put on
    the token there, as for the local engine (:func:`kg.sparql.syntax.syntax_error`).
    """
    said = response.message().split(" / SPARQL query:", 1)[0]  # Virtuoso repeats the whole query after its words
    where = f"{url}: HTTP {response.status} {response.reason} ({response.content_type})"
    if response.url != url:
        where += f" from {response.url}"
    if response.status == 400:
        position = re.search(r"error at (\d+):(\d+): (.*)", said)
        if position and text is not None:  # Oxigraph's server: the same parser, so the same placing
            return syntax_error(
                text, offset_of(text, int(position.group(1)), int(position.group(2))), position.group(3)
            )
        if position:
            return QueryError(
                f"SPARQL syntax error (endpoint): {position.group(3)}",
                line=int(position.group(1)),
                column=int(position.group(2)),
            )
        return QueryError(f"the endpoint rejected the query: {said or 'bad request (400)'}")
    if response.status in (408, 504) or (response.status >= 500 and _TIME_LIMIT_WORDS.search(said)):
        return QueryTimeout(f"{where}: the server stopped the query at its time limit" + (f": {said}" if said else ""))
    if response.status in (401, 403):
        return EndpointError(f"{where}: {access_hint(response, user, url)}" + (f": {said}" if said else ""))
    return EndpointError(where + (f": {said}" if said else ""))


def access_hint(response: Response, user: str | None, url: str, *, writing: bool = False) -> str:
    """What a 401 or 403 most likely means, in words (wrong password, no account, or a read-only server)."""
    if response.url != url and _origin(response.url) != _origin(url):
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
