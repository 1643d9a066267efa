"""``kg push``: the graph uploaded to a SPARQL 1.1 Graph Store HTTP Protocol endpoint, into one named graph.

The ontology, vocabularies and data (with their RDFS closure unless ``entailment="none"``, so
that the store answers as ``kg query`` does) are loaded by the same engine as ``kg query`` and
sent as N-Triples: ``PUT`` replaces the graph, ``POST`` adds to it.
"""

from __future__ import annotations

import urllib.parse
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph

from kg.errors import EndpointError, QueryTimeout, UsageError
from kg.limits import DEFAULT_ENTAILMENT, PUSH_TIMEOUT
from kg.namespaces import DATASET_IRI
from kg.sparql.engines import OxigraphEngine

#: The named graph ``kg push`` writes unless told otherwise: the dataset's IRI.
DEFAULT_GRAPH = str(DATASET_IRI)


@dataclass(frozen=True)
class PushResult:
    endpoint: str
    graph: str
    triples: int
    status: int


def graph_store_url(endpoint: str, graph: str) -> str:
    """The Graph Store Protocol address of ``graph`` (``default`` for the default graph) at ``endpoint``."""
    query = "default" if graph == "default" else urllib.parse.urlencode({"graph": graph})
    return endpoint + ("&" if "?" in endpoint else "?") + query


def push(
    endpoint: str,
    data: Sequence[str | Path] | None = None,
    *,
    graph: str = DEFAULT_GRAPH,
    user: str | None = None,
    password: str | None = None,
    append: bool = False,
    timeout: float = PUSH_TIMEOUT,
    auth: str = "auto",
    entailment: str = DEFAULT_ENTAILMENT,
) -> PushResult:
    """Upload the ontology, vocabularies and data as N-Triples into ``graph`` at a Graph Store endpoint.

    With ``entailment="rdfs"`` (the default) their RDFS closure goes too, so the store answers
    library queries as ``kg query`` does; ``"none"`` sends the asserted triples only.

    ``PUT`` replaces the graph; ``append=True`` uses ``POST`` to add to it
    (SPARQL 1.1 Graph Store HTTP Protocol). The HTTP exchange is
    :func:`kg.http.http_request`: ``timeout`` seconds for the whole
    upload, ``user``/``password`` sent only to the endpoint's own origin,
    by ``auth`` (``auto``: Digest or Basic, as the server asks; ``basic``;
    ``digest``), e.g. Virtuoso's ``/sparql-graph-crud-auth`` (Digest).
    Raises EndpointError (exit 5) for a refusal, with the status, the
    server's message and what a 401 or 403 most likely means, and
    QueryTimeout (exit 4) past ``timeout``.
    """
    from kg.http import access_hint, check_url, http_request

    check_url(endpoint)  # a UsageError (exit 2): the arguments are wrong, not the endpoint
    if graph != "default" and not graph.partition(":")[0].isalpha():
        raise UsageError(f"the graph name must be an absolute IRI (or 'default'): {graph!r}")
    store = OxigraphEngine.from_files(data, entailment=entailment).store
    body = store.dump(format=pyoxigraph.RdfFormat.N_TRIPLES, from_graph=pyoxigraph.DefaultGraph())
    url = graph_store_url(endpoint, graph)
    try:
        response = http_request(
            url,
            method="POST" if append else "PUT",
            body=body,
            headers={"Content-Type": "application/n-triples"},
            user=user,
            password=password,
            auth=auth,
            timeout=timeout,
        )
    except (EndpointError, QueryTimeout) as exc:  # name the endpoint as given, not the graph's address
        raise type(exc)(exc.message.replace(url, endpoint, 1)) from None
    if 200 <= response.status < 300:
        return PushResult(endpoint, graph, len(store), response.status)
    said = response.message()
    where = f"{endpoint}: HTTP {response.status} {response.reason} ({response.content_type})"
    hint = f": {access_hint(response, user, url, writing=True)}" if response.status in (401, 403) else ""
    raise EndpointError(where + hint + (f": {said}" if said else ""))
