"""The described data: a pyoxigraph store of the dataset's parts, read through SPARQL for its description.

:class:`Data` is what :func:`kg.describe.describe_dataset` and :mod:`kg.quality`'s measures read:
counts and a few statements of the union of the parts, worked out in Oxigraph's own code,
answered as rdflib terms (the description's own).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pyoxigraph
from rdflib import Graph, URIRef
from rdflib.term import Node

from kg.namespaces import DATASET_IRI
from kg.terms import to_oxigraph, to_rdflib


class Data:
    """The described data, read through SPARQL on a pyoxigraph store whose named graphs are its parts.

    The description needs counts and a few statements of the union of the parts; Oxigraph
    works them out in its own code, so describing 1 000 synthetic articles takes no rdflib
    graph (that graph, its union and their counts were about 80 % of a dataset export's time).
    A statement in two parts counts once, as in their merge. Answers are rdflib terms, the
    description's own.
    """

    def __init__(self, store: pyoxigraph.Store) -> None:
        self.store = store

    @classmethod
    def of(cls, parts: Mapping[URIRef, Graph] | Graph | pyoxigraph.Store | Data) -> Data:
        """``parts`` as Data: a store as it is, rdflib graphs copied into one (each part a named graph)."""
        if isinstance(parts, Data):
            return parts
        if isinstance(parts, pyoxigraph.Store):
            return cls(parts)
        store = pyoxigraph.Store()
        graphs = {DATASET_IRI: parts} if isinstance(parts, Graph) else parts
        for name, graph in graphs.items():
            target = pyoxigraph.NamedNode(str(name))
            store.extend(pyoxigraph.Quad(to_oxigraph(s), to_oxigraph(p), to_oxigraph(o), target) for s, p, o in graph)
        return cls(store)

    def select(self, query: str) -> list[tuple[Any, ...]]:
        """The rows of a SELECT over the union of the parts, as rdflib terms (None where unbound)."""
        solutions = self.store.query(query, use_default_graph_as_union=True)
        names = [v.value for v in solutions.variables]
        return [tuple(None if row[n] is None else to_rdflib(row[n]) for n in names) for row in solutions]

    def objects(self, subject: Node, predicate: Node) -> list[Node]:
        """The objects of ``subject predicate``, each once, in the store's order."""
        found = self.store.quads_for_pattern(to_oxigraph(subject), to_oxigraph(predicate), None)
        return [to_rdflib(o) for o in dict.fromkeys(q.object for q in found)]

    def property_counts(self) -> list[tuple[Node, int]]:
        """Each property with the number of statements of the union that use it, a statement in two parts
        once: the statements counted graph by graph in Oxigraph's code, less those a larger graph also holds
        (found by looking up each statement of the smaller graphs: the ontology's and the vocabularies' few
        thousand). Counting distinct statements of the union instead held a set of all of them (at 1 000
        synthetic articles 0.2 s and about 30 MB). A store with statements in its default graph is counted
        that way still (the default graph is not a part)."""
        store, default = self.store, pyoxigraph.DefaultGraph()
        if next(iter(store.quads_for_pattern(None, None, None, default)), None) is not None:
            rows = self.select(f"SELECT ?p (COUNT(*) AS ?n) {{ {_STATEMENTS} }} GROUP BY ?p")
            return [(prop, int(count)) for prop, count in rows]
        counts: dict[Any, int] = {}
        for prop, count in store.query("SELECT ?p (COUNT(*) AS ?n) { GRAPH ?g { ?s ?p ?o } } GROUP BY ?p"):
            counts[prop] = int(count.value)
        sizes = store.query("SELECT ?g (COUNT(*) AS ?n) { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g")
        graphs = [graph for graph, _ in sorted(((row[0], int(row[1].value)) for row in sizes), key=lambda r: -r[1])]
        quad = pyoxigraph.Quad
        for i, graph in enumerate(graphs[1:], 1):  # a statement in k graphs is counted k - 1 times here
            larger = graphs[:i]
            for q in store.quads_for_pattern(None, None, None, graph):
                s, p, o = q.subject, q.predicate, q.object
                if any(quad(s, p, o, other) in store for other in larger):
                    counts[p] -= 1
        return [(to_rdflib(prop), count) for prop, count in counts.items() if count]

    def iris(self, predicate: Node, obj: Node) -> list[str]:
        """The IRIs of the subjects of ``predicate obj``, each once, in the store's order (no rdflib term made)."""
        found = self.store.quads_for_pattern(None, to_oxigraph(predicate), to_oxigraph(obj))
        named = pyoxigraph.NamedNode
        return list(dict.fromkeys(q.subject.value for q in found if type(q.subject) is named))

    def subjects(self, predicate: Node, obj: Node) -> list[Node]:
        """The subjects of ``predicate obj``, each once, in the store's order."""
        found = self.store.quads_for_pattern(None, to_oxigraph(predicate), to_oxigraph(obj))
        return [to_rdflib(s) for s in dict.fromkeys(q.subject for q in found)]


#: A statement once however many parts state it.
_STATEMENTS = "{ SELECT DISTINCT ?s ?p ?o { ?s ?p ?o } }"
