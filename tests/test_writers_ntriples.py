"""kg.writers.ntriples: pyoxigraph's N-Triples and N-Quads, lines sorted, each statement once."""

from __future__ import annotations

from pyoxigraph import BlankNode, Literal, NamedNode, Quad

from kg.writers.ntriples import write_nquads, write_ntriples

S, P = NamedNode("http://a.example/s"), NamedNode("http://a.example/p")


def test_n_triples_lines_are_sorted_and_a_triple_in_two_graphs_is_written_once():
    quads = [
        Quad(S, P, Literal("b"), NamedNode("urn:g1")),
        Quad(S, P, Literal("a")),
        Quad(S, P, Literal("b"), NamedNode("urn:g2")),
    ]
    assert write_ntriples(quads) == (
        '<http://a.example/s> <http://a.example/p> "a" .\n<http://a.example/s> <http://a.example/p> "b" .\n'
    )


def test_n_quads_keep_each_graph_and_sort_the_lines():
    quads = [Quad(S, P, Literal("b"), NamedNode("urn:g1")), Quad(S, P, Literal("a")), Quad(S, P, Literal("b"))]
    assert write_nquads(quads).splitlines() == [
        '<http://a.example/s> <http://a.example/p> "a" .',
        '<http://a.example/s> <http://a.example/p> "b" .',
        '<http://a.example/s> <http://a.example/p> "b" <urn:g1> .',
    ]


def test_escapes_are_pyoxigraph_s_and_blank_nodes_are_labelled_canonically():
    text = write_ntriples([Quad(BlankNode("zz"), P, Literal('a "q"\n\\ ده\x01'))])
    assert text == '_:b0 <http://a.example/p> "a \\"q\\"\\n\\\\ ده\\u0001" .\n'


def test_a_literal_holding_a_unicode_line_separator_stays_inside_its_line():
    quads = [
        Quad(S, P, Literal("zzz\u2028aaa\x85b\x1cc\u2029")),
        Quad(S, NamedNode("http://a.example/q"), Literal("b")),
    ]
    assert write_ntriples(quads).splitlines(keepends=False)[0].startswith("<http://a.example/s>")
    lines = write_nquads(quads).split("\n")
    assert lines == [
        '<http://a.example/s> <http://a.example/p> "zzz\u2028aaa\x85b\\u001Cc\u2029" .',
        '<http://a.example/s> <http://a.example/q> "b" .',
        "",
    ]
