"""kg.writers.check: a text is returned only if the strict parser reads it back as exactly what was meant."""

from __future__ import annotations

import pytest
from pyoxigraph import BlankNode, Literal, NamedNode, Quad

from kg.errors import OutputError
from kg.formats import FORMATS
from kg.writers.check import verify
from kg.writers.quads import to_quads

S, P = NamedNode("http://a.example/s"), NamedNode("http://a.example/p")
INTEGER = NamedNode("http://www.w3.org/2001/XMLSchema#integer")


def test_a_text_that_reads_back_as_meant_is_returned():
    text = '<http://a.example/s> <http://a.example/p> "01"^^<http://www.w3.org/2001/XMLSchema#integer> .\n'
    assert verify(text, FORMATS["nt"], [Quad(S, P, Literal("01", datatype=INTEGER))]) is text


def test_a_changed_lexical_form_a_missing_and_an_extra_statement_are_each_refused():
    meant = [Quad(S, P, Literal("01", datatype=INTEGER))]
    for text, named in [
        ('<http://a.example/s> <http://a.example/p> "1"^^<http://www.w3.org/2001/XMLSchema#integer> .\n', "1"),
        ("", "None"),
        (
            '<http://a.example/s> <http://a.example/p> "01"^^<http://www.w3.org/2001/XMLSchema#integer> .\n'
            '<http://a.example/s> <http://a.example/p> "x" .\n',
            '"x"',
        ),
    ]:
        with pytest.raises(OutputError, match="does not read back as the same graph") as caught:
            verify(text, FORMATS["nt"], meant)
        assert named in str(caught.value) and caught.value.exit_code == 7


def test_a_text_that_does_not_parse_is_a_writer_bug_named_by_its_format():
    with pytest.raises(OutputError, match=r"the Turtle written does not read back \(a writer bug\)"):
        verify("<http://a.example/s> <http://a.example/p> .\n", FORMATS["turtle"], [Quad(S, P, Literal("x"))])


def test_blank_nodes_are_compared_up_to_their_labels_but_not_their_shape():
    meant = to_quads([Quad(S, P, BlankNode("x")), Quad(BlankNode("x"), P, Literal("v"))])
    same = '<http://a.example/s> <http://a.example/p> _:q .\n_:q <http://a.example/p> "v" .\n'
    assert verify(same, FORMATS["nt"], meant) is same
    split = '<http://a.example/s> <http://a.example/p> _:q .\n_:r <http://a.example/p> "v" .\n'
    with pytest.raises(OutputError, match="does not read back as the same graph"):
        verify(split, FORMATS["nt"], meant)


def test_a_triple_format_is_compared_with_the_graphs_merged_and_a_dataset_format_with_them_apart():
    meant = to_quads([Quad(S, P, Literal("x"), NamedNode("urn:g"))])
    triple = '<http://a.example/s> <http://a.example/p> "x" .\n'
    assert verify(triple, FORMATS["nt"], meant) is triple
    with pytest.raises(OutputError, match="does not read back as the same graph"):
        verify(triple, FORMATS["nquads"], meant)
    quad = '<http://a.example/s> <http://a.example/p> "x" <urn:g> .\n'
    assert verify(quad, FORMATS["nquads"], meant) is quad


def test_a_statement_read_twice_counts_once_and_an_extra_one_is_named():
    meant = [Quad(S, P, Literal("a")), Quad(S, P, Literal("b"))]
    twice = '<http://a.example/s> <http://a.example/p> "a" .\n' * 2
    with pytest.raises(OutputError, match=r'1 statements read, 2 meant; first missing .*"b".*, first extra None'):
        verify(twice, FORMATS["nt"], meant)
    both = '<http://a.example/s> <http://a.example/p> "b" .\n<http://a.example/s> <http://a.example/p> "a" .\n'
    assert verify(both + both, FORMATS["nt"], meant) == both + both  # the same set, whatever the repeats
    with pytest.raises(OutputError, match=r'3 statements read, 2 meant; first missing None, first extra .*"c"'):
        verify(both + '<http://a.example/s> <http://a.example/p> "c" .\n' * 2, FORMATS["nt"], meant)
