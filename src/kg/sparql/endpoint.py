"""A remote SPARQL 1.1 endpoint as an engine: the query sent by the Protocol, its answer in the server's words.

:class:`EndpointEngine` POSTs the query as a form (SPARQL 1.1 Protocol) through
kg's one HTTP client (:mod:`kg.http`: one deadline, Basic and Digest auth,
credentials kept with their origin) and parses the answer strictly
(:mod:`kg.sparql.protocol`).

Errors are in the server's words. A status that is not 2xx, or an answer
that is not SPARQL results (an HTML page, a JSON error), is reported with
its status, content type and the first lines of the server's own message.
A 400 is a query error (exit 3), a server time limit (408, 504, a 5xx that
says so, Virtuoso's ``X-SQL-State: S1TAT`` partial answer, or an answer cut
off mid-document) is exit 4, anything else exit 5; a JSON-LD answer that
names a remote ``@context`` is refused (exit 5).
"""

from __future__ import annotations

import re
import urllib.parse
from collections.abc import Iterable

from rdflib import URIRef

from kg.errors import EndpointError, KgError, QueryError, QueryTimeout
from kg.http import Response, access_hint, check_url, http_request
from kg.limits import AUTH_SCHEMES, QUERY_TIMEOUT
from kg.namespaces import RDFS, SKOS
from kg.sparql.engines import Engine, Outcome, capped
from kg.sparql.protocol import GRAPH_ACCEPT, RESULTS_ACCEPT, cut_short, parse_graph, parse_results, virtuoso_ask
from kg.sparql.syntax import analyse, offset_of, syntax_error

_TIME_LIMIT_WORDS = re.compile(
    r"time ?out|timed out|time limit|execution time|deadline|S1T00|SR171|cancell?ed", re.IGNORECASE
)


class EndpointEngine(Engine):
    """Any SPARQL 1.1 endpoint over HTTP (SPARQL 1.1 Protocol: POST of a form; see the module docstring).

    ``graph`` names a graph to use as the query's default graph (the
    protocol's ``default-graph-uri``), e.g. the one ``kg push`` wrote.
    ``timeout`` is one deadline in seconds for the whole exchange (by default
    ``kg query``'s, :data:`kg.limits.QUERY_TIMEOUT`);
    ``user``/``password`` go only to the endpoint's own origin, by ``auth``
    (``auto``: the scheme the server asks for, ``basic``, ``digest``).
    """

    name = "endpoint"
    local = False

    def __init__(
        self,
        url: str,
        *,
        timeout: float | None = QUERY_TIMEOUT,
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
                triples, truncated = capped(iter(parse_graph(response.body, media, response.url)), max_rows)
                return Outcome("graph", triples=triples, truncated=truncated)
            outcome = parse_results(response.body, media, max_rows=max_rows)
            return virtuoso_ask(outcome) if form == "ASK" else outcome
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
            if cut_short(response.body, media, error):
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

    def labels(self, iris: Iterable[str], lang: str) -> dict[str, str]:
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
        found: dict[str, str] = {}
        for row in outcome.rows:
            if isinstance(row.get("s"), URIRef) and "label" in row:
                found.setdefault(str(row["s"]), str(row["label"]))
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
