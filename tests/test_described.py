"""kg.described: the dataset's parts in a pyoxigraph store, counted by SPARQL as their merge."""

from __future__ import annotations

from typing import Any

import pyoxigraph
from rdflib import Graph, URIRef

from kg.described import _STATEMENTS, Data
from kg.namespaces import DATASET_IRI, ID, RDF, RDFS


def test_rdflib_graphs_are_copied_into_a_store_one_named_graph_each_and_a_store_is_taken_as_it_is():
    one, two = Graph(), Graph()
    one.add((ID["a"], RDF.type, ID["C"]))
    two.add((ID["a"], RDFS.label, ID["b"]))
    data = Data.of({URIRef("urn:g:one"): one, URIRef("urn:g:two"): two})
    assert {q.graph_name.value for q in data.store} == {"urn:g:one", "urn:g:two"}
    assert Data.of(data) is data and Data.of(data.store).store is data.store
    assert {q.graph_name.value for q in Data.of(one).store} == {str(DATASET_IRI)}
    a, b = pyoxigraph.NamedNode(str(ID["a"])), pyoxigraph.NamedNode(str(ID["b"]))  # answers are pyoxigraph terms
    assert data.subjects(RDF.type, ID["C"]) == [a] and data.iris(RDF.type, ID["C"]) == [str(ID["a"])]
    assert data.objects(ID["a"], RDFS.label) == [b] == data.objects(a, pyoxigraph.NamedNode(str(RDFS.label)))


def test_a_statement_in_several_parts_counts_once_for_its_property_and_the_default_graph_too():
    """The counts per property are those of the distinct statements of the union, however many parts (of
    whatever sizes) state one, and with statements in the store's default graph as well."""
    n = pyoxigraph.NamedNode
    p, q = n("urn:p"), n("urn:q")
    store = pyoxigraph.Store()
    big, mid, small = n("urn:g:big"), n("urn:g:mid"), n("urn:g:small")
    store.extend(pyoxigraph.Quad(n(f"urn:s{i}"), p, pyoxigraph.Literal(str(i)), big) for i in range(9))
    store.extend(pyoxigraph.Quad(n(f"urn:s{i}"), p, pyoxigraph.Literal(str(i)), mid) for i in range(3, 7))
    store.extend(pyoxigraph.Quad(n(f"urn:s{i}"), q, n("urn:o"), mid) for i in range(2))
    store.add(pyoxigraph.Quad(n("urn:s4"), p, pyoxigraph.Literal("4"), small))  # in all three
    store.add(pyoxigraph.Quad(n("urn:s0"), q, n("urn:o"), small))  # in two, neither the largest
    store.add(pyoxigraph.Quad(n("urn:s9"), q, n("urn:o"), small))  # in one
    data = Data(store)

    def distinct() -> dict[Any, int]:
        return {
            prop: int(count.value)
            for prop, count in data.select(f"SELECT ?p (COUNT(*) AS ?n) {{ {_STATEMENTS} }} GROUP BY ?p")
        }

    assert dict(data.property_counts()) == distinct() == {p: 9, q: 3}
    store.add(pyoxigraph.Quad(n("urn:s1"), q, n("urn:o")))  # the default graph: counted as a union still
    store.add(pyoxigraph.Quad(n("urn:s8"), q, n("urn:o")))
    assert dict(data.property_counts()) == distinct() == {p: 9, q: 4}


def test_the_census_counts_each_subject_and_entity_of_the_union_once_and_each_graph_s_own():
    """Subjects stated in several graphs (of whatever sizes) count once in the union, as SPARQL over the union
    counts them; each graph keeps its own counts; an entity is a subject IRI in the space asked for."""
    n = pyoxigraph.NamedNode
    p, q = n("urn:p"), n("urn:q")
    store = pyoxigraph.Store()
    big, mid, small = n("urn:g:big"), n("urn:g:mid"), n("urn:g:small")
    store.extend(pyoxigraph.Quad(n(f"urn:s{i}"), p, pyoxigraph.Literal(str(i)), big) for i in range(9))
    store.extend(pyoxigraph.Quad(n(f"urn:s{i}"), q, n("urn:o"), mid) for i in range(3, 7))
    store.add(pyoxigraph.Quad(n("urn:s4"), q, n("urn:o"), small))  # a subject of all three
    store.add(pyoxigraph.Quad(n("urn:x"), q, n("urn:s1"), small))  # no entity
    store.add(pyoxigraph.Quad(pyoxigraph.BlankNode("b"), q, n("urn:o"), small))  # no entity either
    census = Data(store).census("urn:s")
    union = "SELECT (COUNT(DISTINCT ?s) AS ?n) (COUNT(DISTINCT ?e) AS ?entities) {{ ?s ?p ?o {} }}"
    (row,) = Data(store).select(union.format('BIND(IF(isIRI(?s) && STRSTARTS(STR(?s), "urn:s"), ?s, ?none) AS ?e)'))
    assert (census.subjects, census.entities) == (int(row[0].value), int(row[1].value)) == (11, 9)
    assert census.graphs == {big: [9, 1, 9, 9], mid: [4, 1, 4, 4], small: [3, 1, 3, 1]}
    assert dict(census.properties) == {p: 9, q: 6}  # urn:s4 q urn:o is stated twice
