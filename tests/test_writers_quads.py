"""kg.writers.quads: any source as quads, blank nodes canonically labelled, duplicates removed, graphs in order."""

from __future__ import annotations

import pyoxigraph
import pytest
from pyoxigraph import BlankNode, DefaultGraph, Literal, NamedNode, Quad, Triple
from rdflib import BNode, Graph, URIRef
from rdflib import Literal as RdfLiteral

from kg.errors import OutputError
from kg.writers.quads import Canonical, description, distinct_triples, graphs, has_blank_nodes, to_quads

S, P, G = NamedNode("http://a.example/s"), NamedNode("http://a.example/p"), NamedNode("urn:g")


def test_an_rdflib_graph_becomes_quads_in_the_default_graph_with_every_term_as_read():
    graph = Graph()
    graph.add(
        (
            URIRef("http://a.example/s"),
            URIRef("http://a.example/p"),
            RdfLiteral("01", datatype=URIRef("http://www.w3.org/2001/XMLSchema#integer"), normalize=False),
        )
    )
    (quad,) = to_quads(graph)
    assert quad == Quad(S, P, Literal("01", datatype=NamedNode("http://www.w3.org/2001/XMLSchema#integer")))
    assert quad.graph_name == DefaultGraph()


def test_named_graphs_keep_their_order_and_none_is_the_default_graph():
    first, second = Graph(), Graph()
    first.add((URIRef("http://a.example/s"), URIRef("http://a.example/p"), RdfLiteral("x")))
    second.add((URIRef("http://a.example/s"), URIRef("http://a.example/p"), RdfLiteral("y")))
    quads = to_quads({URIRef("urn:z"): first, None: second, URIRef("urn:a"): Graph()})
    assert [q.graph_name for q in quads] == [NamedNode("urn:z"), DefaultGraph()]
    assert list(graphs(quads)) == [NamedNode("urn:z"), DefaultGraph()]
    assert [q.graph_name for q in to_quads(quads, triples=True)] == [DefaultGraph(), DefaultGraph()]


def test_triples_and_quads_of_pyoxigraph_are_taken_as_they_are_and_duplicates_dropped_in_order():
    b = Literal("b")
    quads = to_quads([Triple(S, P, b), Quad(S, P, Literal("a"), G), Quad(S, P, b), Triple(S, P, b)])
    assert quads == [Quad(S, P, Literal("b")), Quad(S, P, Literal("a"), G)]
    assert not quads.blank and not quads.triples


def test_blank_node_labels_are_canonical_whatever_the_input_labels():
    def graph(label: str) -> Graph:
        made = Graph()
        node = BNode(label)
        made.add((URIRef("http://a.example/s"), URIRef("http://a.example/p"), node))
        made.add((node, URIRef("http://a.example/p"), RdfLiteral("x")))
        return made

    one, other = to_quads(graph("zzz")), to_quads(graph("a1"))
    assert sorted(map(str, one)) == sorted(map(str, other))
    assert {t.value for q in one for t in (q.subject, q.object) if isinstance(t, BlankNode)} == {"b0"}
    assert one.blank and has_blank_nodes(one)


def test_a_canonical_source_is_not_converted_again():
    quads = to_quads([Quad(S, P, Literal("a"), G)])
    assert isinstance(quads, Canonical) and to_quads(quads) is quads
    flat = to_quads(quads, triples=True)
    assert flat is not quads and flat.triples and to_quads(flat) is flat and to_quads(flat, triples=True) is flat


def test_a_small_sources_description_is_worked_out_once_and_a_list_s_each_time():
    quads = to_quads([Quad(S, P, Literal("b")), Quad(S, P, Literal("a"))])
    assert description(quads) is description(quads)
    assert description(quads) == [(S, [(P, [Literal("a"), Literal("b")])])]
    plain = list(quads)
    assert description(plain) == description(quads) and description(plain) is not description(plain)


def test_a_term_that_is_not_valid_rdf_is_an_output_error():
    graph = Graph()
    graph.add((URIRef("http://a.example/b c"), URIRef("http://a.example/p"), RdfLiteral("x")))
    with pytest.raises(OutputError, match="cannot write a term that is not valid RDF") as caught:
        to_quads(graph)
    assert caught.value.exit_code == 7


def test_a_pyoxigraph_dataset_is_a_source():
    dataset = pyoxigraph.Dataset([Quad(S, P, Literal("a"), G)])
    assert to_quads(dataset) == [Quad(S, P, Literal("a"), G)]


def test_distinct_triples_are_the_quads_to_quads_makes_of_them_blank_nodes_labelled_alike():
    x, y = BlankNode("x"), BlankNode("y")
    for given in (
        [Quad(S, P, Literal("a")), Quad(S, P, NamedNode("http://a.example/o"))],
        [Quad(S, P, x), Quad(x, P, y), Quad(y, P, Literal("a")), Quad(NamedNode("http://a.example/t"), P, x)],
    ):
        made = distinct_triples(given)
        assert isinstance(made, Canonical) and made.triples and made.blank == has_blank_nodes(given)
        assert sorted(map(str, made)) == sorted(map(str, to_quads(given, triples=True)))  # in no promised order
        assert len(made) == len(given) and set(distinct_triples(given[::-1])) == set(made)


def test_blank_nodes_get_the_labels_the_whole_dataset_canonicalised_gives_them():
    """Only the quads with a blank node are canonicalised: the others never bear on RDFC-1.0's labels."""
    x, y, z = BlankNode("x"), BlankNode("y"), BlankNode("z")
    o = NamedNode("http://a.example/o")
    given = [
        Quad(S, P, x),
        Quad(x, P, y),
        Quad(y, P, Literal("a")),
        Quad(S, P, o),  # ground statements about the same nodes, in the default graph and a named one
        Quad(o, P, S),
        Quad(S, P, Literal("a"), G),
        Quad(z, P, S, G),
        Quad(z, P, x, G),
    ]
    whole = pyoxigraph.Dataset(given)
    whole.canonicalize(pyoxigraph.CanonicalizationAlgorithm.RDFC_1_0)

    def relabelled(term):
        return BlankNode("b" + term.value.removeprefix("c14n")) if isinstance(term, BlankNode) else term

    expected = {Quad(relabelled(q.subject), q.predicate, relabelled(q.object), q.graph_name) for q in whole}
    for order in (given, given[::-1], given[3:] + given[:3]):
        made = to_quads(order + order[:2])  # a duplicate dropped
        assert set(made) == expected and len(made) == len(expected)
        names = [q.graph_name for q in made]
        assert names == sorted(names, key=lambda g: g != order[0].graph_name)  # graphs in order of first appearance
