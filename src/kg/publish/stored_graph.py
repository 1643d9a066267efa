"""The default graph (ontology, vocabularies, data) as an rdflib Graph read from the publication's store.

``kg publish`` has every statement in :class:`~kg.publish.description.Publication`'s
pyoxigraph store already; the explorer's projection (:func:`kg.project.to_networkx`)
reads an rdflib Graph. Building that graph (:attr:`kg.sources.Sources.union`: each
statement converted to rdflib terms and added to rdflib's in-memory store, with its
three indexes) was half of the explorer's time: ~0.17 s on the article, ~5 s at
1 000 synthetic articles. Here rdflib's Graph is kept, and only its store is another:
an rdflib :class:`~rdflib.store.Store` (the extension point rdflib has for this, as
oxrdflib uses) whose ``triples`` asks the pyoxigraph store, so a statement becomes
rdflib terms only when the projection asks for it, and each term once.

Why not oxrdflib's own store (a maintained library, not one of our dependencies): its
``triples`` without a graph gives every quad of the store, a triple once per graph that
holds it, and it cannot read some of the store's graphs as one; the publication's store
holds more graphs than the three the projection reads, and a triple in two of them must
be one edge. It also converts each term again at every call.

Read-only, and only where the store holds every term of the files as read
(:func:`kg.sources.store_writes_as_read`): a store keeps some literals by value
(``"01"^^xsd:integer`` as ``"1"``), and the projection must see the files' own.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

import pyoxigraph
from rdflib import Graph
from rdflib.store import Store

from kg.terms import to_oxigraph, to_rdflib


class _StoreParts(Store):
    """Some named graphs of a pyoxigraph store, merged, as a read-only rdflib store: each triple once."""

    def __init__(self, store: pyoxigraph.Store, graphs: Sequence[str]) -> None:
        super().__init__()
        self._store = store
        self._graphs = [pyoxigraph.NamedNode(g) for g in graphs]
        self._terms: dict[Any, Any] = {}  # pyoxigraph term -> rdflib term, each converted once
        self._asked: dict[Any, Any] = {}  # rdflib term of a pattern -> pyoxigraph term (None: no store holds it)

    def _rdflib(self, term: Any) -> Any:
        found = self._terms.get(term)
        if found is None:
            found = self._terms[term] = to_rdflib(term)
        return found

    def _oxigraph(self, term: Any) -> Any:
        if term not in self._asked:
            try:
                self._asked[term] = to_oxigraph(term)
            except (TypeError, ValueError):  # a path, or a term no store holds: nothing matches it
                self._asked[term] = None
        return self._asked[term]

    def triples(self, triple_pattern: Any, context: Any = None) -> Iterator[tuple[tuple[Any, Any, Any], Any]]:
        pattern = [None if term is None else self._oxigraph(term) for term in triple_pattern]
        if any(found is None and asked is not None for found, asked in zip(pattern, triple_pattern, strict=True)):
            return
        parts = [list(self._store.quads_for_pattern(*pattern, graph)) for graph in self._graphs]
        found = [part for part in parts if part]
        if len(found) == 1:
            triples: Any = ((q.subject, q.predicate, q.object) for q in found[0])
        else:  # a statement in two parts is given once
            triples = dict.fromkeys((q.subject, q.predicate, q.object) for part in found for q in part)
        convert = self._rdflib
        for s, p, o in triples:
            yield (convert(s), convert(p), convert(o)), iter(())

    def __len__(self, context: Any = None) -> int:
        return sum(1 for _ in self.triples((None, None, None)))

    def add(self, *args: Any, **kwargs: Any) -> None:
        raise TypeError("the publication's graph is read-only")

    addN = remove = add


def stored_graph(store: pyoxigraph.Store, graphs: Sequence[str]) -> Graph:
    """The named graphs ``graphs`` of ``store``, merged, as a read-only rdflib Graph."""
    return Graph(store=_StoreParts(store, graphs))
