"""kg.sparql.entailment at its edges, its two implementations side by side: rdfs_closure (rdflib, any triples)
and add_rdfs_closure (a pyoxigraph store, through its indexes) add the same triples. The rules on the
shipped data: tests/test_query_entailment.py."""

from __future__ import annotations

import pyoxigraph
import pytest
from rdflib import BNode, Graph, Literal, URIRef

from kg.namespaces import RDF, RDFS
from kg.sparql.entailment import add_rdfs_closure, rdfs_closure
from kg.terms import to_oxigraph, to_rdflib

A, B, C, D, X, Y, P, Q, R = (URIRef(f"urn:{n}") for n in ("A", "B", "C", "D", "x", "y", "p", "q", "r"))
SUB, SUBP, TYPE = RDFS.subClassOf, RDFS.subPropertyOf, RDF.type


def store_closure(triples, graph_name=None) -> set[tuple]:
    """What add_rdfs_closure adds to a store holding ``triples`` (in ``graph_name``, else the default graph)."""
    store = pyoxigraph.Store()
    target = pyoxigraph.DefaultGraph() if graph_name is None else pyoxigraph.NamedNode(graph_name)
    store.extend(pyoxigraph.Quad(*(to_oxigraph(t) for t in triple), target) for triple in triples)
    before = {(q.subject, q.predicate, q.object) for q in store}
    added = add_rdfs_closure(store, None if graph_name is None else target)
    after = {(q.subject, q.predicate, q.object) for q in store.quads_for_pattern(None, None, None, target)}
    assert added == len(after) - len(before)
    return {tuple(to_rdflib(t) for t in triple) for triple in after - before}


CASES = {
    "chain": [(A, SUB, B), (B, SUB, C), (C, SUB, D), (X, TYPE, A)],
    "cycle": [(A, SUB, B), (B, SUB, A), (X, TYPE, A)],
    "self": [(A, SUB, A), (X, TYPE, A)],
    "property chain": [(P, SUBP, Q), (Q, SUBP, R), (X, P, Y)],
    "property cycle": [(P, SUBP, Q), (Q, SUBP, P), (X, P, Y)],
    "a subproperty of rdf:type": [(P, SUBP, TYPE), (A, SUB, B), (X, P, A)],
    "literal and blank objects": [(P, SUBP, Q), (X, P, Literal("همکاری‌ها", lang="fa")), (X, Q, BNode("b"))],
    "blank class": [(A, SUB, BNode("restriction")), (BNode("restriction"), SUB, B), (X, TYPE, A)],
    "nothing to add": [(X, TYPE, A), (X, P, Y)],
}


@pytest.mark.parametrize("case", CASES)
def test_both_implementations_add_the_same_triples(case):
    graph = Graph()
    for triple in CASES[case]:
        graph.add(triple)
    assert store_closure(CASES[case]) == set(rdfs_closure(graph))


@pytest.mark.parametrize(
    ("case", "added"),
    [
        ("chain", {(A, SUB, C), (A, SUB, D), (B, SUB, D), (X, TYPE, B), (X, TYPE, C), (X, TYPE, D)}),
        ("cycle", {(X, TYPE, B)}),  # no class is added below itself through the cycle
        ("self", set()),
        ("property chain", {(P, SUBP, R), (X, Q, Y), (X, R, Y)}),
        ("a subproperty of rdf:type", {(X, TYPE, A), (X, TYPE, B)}),  # rdfs7 gives a type, rdfs9 its superclass
        ("blank class", set()),  # only IRIs are classes: nothing through the blank node
        ("nothing to add", set()),
    ],
)
def test_what_the_rules_add_at_the_edges(case, added):
    graph = Graph()
    for triple in CASES[case]:
        graph.add(triple)
    assert set(rdfs_closure(graph)) == added


def test_the_closure_is_complete_after_one_pass():
    store = pyoxigraph.Store()
    store.extend(pyoxigraph.Quad(*(to_oxigraph(t) for t in triple)) for triple in CASES["chain"])
    assert add_rdfs_closure(store) == 6
    assert add_rdfs_closure(store) == 0


def test_a_named_graph_is_closed_on_its_own_triples_only():
    added = store_closure(CASES["chain"], graph_name="urn:g")
    assert (X, TYPE, D) in added
    store = pyoxigraph.Store()
    store.extend(pyoxigraph.Quad(*(to_oxigraph(t) for t in triple)) for triple in CASES["chain"])  # default graph
    assert add_rdfs_closure(store, pyoxigraph.NamedNode("urn:empty")) == 0


def test_the_closure_can_be_added_without_counting_it():
    store = pyoxigraph.Store()
    store.extend(pyoxigraph.Quad(*(to_oxigraph(t) for t in triple)) for triple in CASES["chain"])
    assert add_rdfs_closure(store, counted=False) is None
    assert len(store) == len(CASES["chain"]) + 6
