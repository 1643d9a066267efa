"""The described data: a pyoxigraph store of the dataset's parts, read through SPARQL for its description.

:class:`Data` is what :func:`kg.describe.describe_dataset` and :mod:`kg.quality`'s measures read:
counts and a few statements of the union of the parts, worked out in Oxigraph's own code,
answered as pyoxigraph terms (the description is made of them: a dataset export imports no rdflib).
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import TYPE_CHECKING, Any, NamedTuple

import pyoxigraph

from kg.namespaces import BASE, CLOSED, DOCUMENTS, PREFIXES
from kg.terms import to_oxigraph

if TYPE_CHECKING:
    from rdflib import Graph, URIRef


_TERMS = (pyoxigraph.NamedNode, pyoxigraph.BlankNode, pyoxigraph.Literal)


def _term(term: Any) -> Any:
    """A pyoxigraph term as it is, an rdflib term as the equal pyoxigraph term."""
    return term if isinstance(term, _TERMS) else to_oxigraph(term)


#: The dataset's IRI (the subject of its description).
DATASET = pyoxigraph.NamedNode(BASE + DOCUMENTS["DATASET_IRI"])


def integer(value: int) -> pyoxigraph.Literal:
    """An ``xsd:integer`` literal (as rdflib writes a Python int)."""
    return pyoxigraph.Literal(str(value), datatype=pyoxigraph.NamedNode(PREFIXES["xsd"] + "integer"))


def decimal(value: Decimal) -> pyoxigraph.Literal:
    """An ``xsd:decimal`` literal in positional notation (as rdflib writes a Python Decimal)."""
    return pyoxigraph.Literal(f"{value:f}", datatype=pyoxigraph.NamedNode(PREFIXES["xsd"] + "decimal"))


class Terms:
    """The terms of one of the project's namespaces (:data:`kg.namespaces.PREFIXES`, by prefix) as pyoxigraph
    terms: ``Terms("void").triples``, ``Terms("void")["class"]``. A closed namespace of
    :data:`kg.namespaces.CLOSED` (``kg``...) refuses a term it does not declare, as its rdflib namespace does."""

    def __init__(self, prefix: str) -> None:
        self._iri = PREFIXES[prefix]
        self._declared = next((set(terms) for known, _, terms in CLOSED.values() if known == prefix), None)

    def __getitem__(self, name: str) -> pyoxigraph.NamedNode:
        if self._declared is not None and name not in self._declared:
            raise AttributeError(f"{name!r} is not a term of {self._iri}")
        return pyoxigraph.NamedNode(self._iri + name)

    def __getattr__(self, name: str) -> pyoxigraph.NamedNode:
        if name.startswith("_"):
            raise AttributeError(name)
        term = self[name]
        setattr(self, name, term)
        return term


class Data:
    """The described data, read through SPARQL on a pyoxigraph store whose named graphs are its parts.

    The description needs counts and a few statements of the union of the parts; Oxigraph
    works them out in its own code, so describing 1 000 synthetic articles takes no rdflib
    graph (that graph, its union and their counts were about 80 % of a dataset export's time).
    A statement in two parts counts once, as in their merge. Answers are pyoxigraph terms; a
    term asked about may be a pyoxigraph or an rdflib term.
    """

    def __init__(self, store: pyoxigraph.Store) -> None:
        self.store = store

    @classmethod
    def of(cls, parts: Mapping[URIRef, Graph] | Graph | pyoxigraph.Store | Data) -> Data:
        """``parts`` as Data: a store as it is, rdflib graphs copied into one (each part a named graph; a
        single graph under the dataset's IRI)."""
        if isinstance(parts, Data):
            return parts
        if isinstance(parts, pyoxigraph.Store):
            return cls(parts)
        store = pyoxigraph.Store()
        graphs = parts.items() if isinstance(parts, Mapping) else [(DATASET.value, parts)]
        for name, graph in graphs:
            target = pyoxigraph.NamedNode(str(name))
            store.extend(pyoxigraph.Quad(to_oxigraph(s), to_oxigraph(p), to_oxigraph(o), target) for s, p, o in graph)
        return cls(store)

    def select(self, query: str) -> list[tuple[Any, ...]]:
        """The rows of a SELECT over the union of the parts (None where unbound)."""
        solutions = self.store.query(query, use_default_graph_as_union=True)
        names = [v.value for v in solutions.variables]
        return [tuple(row[n] for n in names) for row in solutions]

    def objects(self, subject: Any, predicate: Any) -> list[Any]:
        """The objects of ``subject predicate``, each once, in the store's order."""
        found = self.store.quads_for_pattern(_term(subject), _term(predicate), None)
        return list(dict.fromkeys(q.object for q in found))

    def property_counts(self) -> list[tuple[Any, int]]:
        """Each property with the number of statements of the union that use it (:meth:`census`)."""
        return self.census().properties

    def census(self, space: str = "") -> Census:
        """The counts of each named graph and of their union, each statement and subject of the union once:
        worked out graph by graph in Oxigraph's code (two passes over the statements: the statements by graph
        and property, the distinct subjects by graph), less what a larger graph also holds (found by looking
        up each statement and subject of the smaller graphs: the ontology's and the vocabularies' few
        thousand). ``space``: the entities are the subjects that are IRIs starting with it.

        Counting distinct statements of the union instead held a set of all of them (at 1 000 synthetic
        articles 0.2 s and about 30 MB); the union's distinct subjects and entities counted over every
        statement of the union took 0.07 s more than from the graphs' distinct subjects. A store with
        statements in its default graph (not a part) has its union counted over the union."""
        store = self.store
        graphs: dict[Any, list[int]] = {}  # triples, properties, subjects, entities
        counts: dict[Any, int] = {}
        for graph, prop, count in store.query("SELECT ?g ?p (COUNT(*) AS ?n) { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g ?p"):
            n = int(count.value)
            counts[prop] = counts.get(prop, 0) + n
            found = graphs.setdefault(graph, [0, 0, 0, 0])
            found[0] += n
            found[1] += 1
        within = f"isIRI(?s) && STRSTARTS(STR(?s), {sparql_string(space)})"
        for graph, subjects, entities in store.query(
            f"SELECT ?g (COUNT(*) AS ?n) (SUM(IF({within}, 1, 0)) AS ?e)"
            " { SELECT DISTINCT ?g ?s { GRAPH ?g { ?s ?p ?o } } } GROUP BY ?g"
        ):
            graphs[graph][2:] = int(subjects.value), int(entities.value)
        if next(iter(store.quads_for_pattern(None, None, None, pyoxigraph.DefaultGraph())), None) is not None:
            rows = self.select(f"SELECT ?p (COUNT(*) AS ?n) {{ {_STATEMENTS} }} GROUP BY ?p")
            ((subjects, entities),) = self.select(
                f"SELECT (COUNT(DISTINCT ?s) AS ?n) (COUNT(DISTINCT ?e) AS ?entities)"
                f" {{ ?s ?p ?o BIND(IF({within}, ?s, ?none) AS ?e) }}"
            )
            union = [(prop, int(count.value)) for prop, count in rows]
            return Census(graphs, union, int(subjects.value), int(entities.value))
        subjects = sum(found[2] for found in graphs.values())
        entities = sum(found[3] for found in graphs.values())
        by_size = sorted(graphs, key=lambda graph: -graphs[graph][0])
        quad, named = pyoxigraph.Quad, pyoxigraph.NamedNode
        for i, graph in enumerate(by_size[1:], 1):  # a statement (subject) in k graphs is counted k - 1 times
            larger = by_size[:i]
            seen: set[Any] = set()
            for q in store.quads_for_pattern(None, None, None, graph):
                s, p, o = q.subject, q.predicate, q.object
                if any(quad(s, p, o, other) in store for other in larger):
                    counts[p] -= 1
                if s not in seen:
                    seen.add(s)
                    if any(next(iter(store.quads_for_pattern(s, None, None, other)), None) for other in larger):
                        subjects -= 1
                        entities -= type(s) is named and s.value.startswith(space)
        union = [(prop, count) for prop, count in counts.items() if count]
        return Census(graphs, union, subjects, entities)

    def iris(self, predicate: Any, obj: Any) -> list[str]:
        """The IRIs of the subjects of ``predicate obj``, each once, in the store's order."""
        found = self.store.quads_for_pattern(None, _term(predicate), _term(obj))
        named = pyoxigraph.NamedNode
        return list(dict.fromkeys(q.subject.value for q in found if type(q.subject) is named))

    def subjects(self, predicate: Any, obj: Any) -> list[Any]:
        """The subjects of ``predicate obj``, each once, in the store's order."""
        found = self.store.quads_for_pattern(None, _term(predicate), _term(obj))
        return list(dict.fromkeys(q.subject for q in found))


class Census(NamedTuple):
    """What :meth:`Data.census` counts: by named graph, its statements, properties, subjects and entities; the
    union's properties with their statements, its subjects and entities."""

    graphs: dict[Any, list[int]]
    properties: list[tuple[Any, int]]
    subjects: int
    entities: int


def sparql_string(text: str) -> str:
    """``text`` as a SPARQL string literal."""
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


#: A statement once however many parts state it.
_STATEMENTS = "{ SELECT DISTINCT ?s ?p ?o { ?s ?p ?o } }"
