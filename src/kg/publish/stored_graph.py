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

Read-only, and only where the store holds every term of the files as read
(:func:`kg.load.store_writes_as_read`): a store keeps some literals by value
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

    def _rdflib(self, term: Any) -> Any:
        found = self._terms.get(term)
        if found is None:
            found = self._terms[term] = to_rdflib(term)
        return found

    def triples(self, triple_pattern: Any, context: Any = None) -> Iterator[tuple[tuple[Any, Any, Any], Any]]:
        pattern = []
        for term in triple_pattern:
            if term is None:
                pattern.append(None)
                continue
            try:
                pattern.append(to_oxigraph(term))
            except (TypeError, ValueError):  # a path, or a term no store holds: nothing matches it
                return
        seen: set[tuple[Any, Any, Any]] = set()
        convert = self._rdflib
        for graph in self._graphs:
            for quad in self._store.quads_for_pattern(*pattern, graph):
                triple = (quad.subject, quad.predicate, quad.object)
                if triple in seen:
                    continue
                seen.add(triple)
                yield (convert(triple[0]), convert(triple[1]), convert(triple[2])), iter(())

    def __len__(self, context: Any = None) -> int:
        return sum(1 for _ in self.triples((None, None, None)))

    def add(self, *args: Any, **kwargs: Any) -> None:
        raise TypeError("the publication's graph is read-only")

    addN = remove = add


def stored_graph(store: pyoxigraph.Store, graphs: Sequence[str]) -> Graph:
    """The named graphs ``graphs`` of ``store``, merged, as a read-only rdflib Graph."""
    return Graph(store=_StoreParts(store, graphs))
