"""kg.writers.order: terms' sort keys (natural, never int()), a subject's predicates rdf:type first, the memo."""

from __future__ import annotations

import pytest
from pyoxigraph import BlankNode, DefaultGraph, Literal, NamedNode, Quad

from kg.errors import OutputError
from kg.writers import order
from kg.writers.order import RDF_TYPE, Memo, describe, literal_datatype, node_key

XSD = "http://www.w3.org/2001/XMLSchema#"


def test_iris_come_before_blank_nodes_before_literals_and_digit_runs_sort_by_value():
    terms = [
        Literal("x"),
        BlankNode("b10"),
        NamedNode("http://a.example/item10"),
        BlankNode("b2"),
        NamedNode("http://a.example/item2"),
        NamedNode("http://a.example/item" + "9" * 5000),  # int() refuses over 4 300 digits
    ]
    assert sorted(terms, key=node_key) == [
        NamedNode("http://a.example/item2"),
        NamedNode("http://a.example/item10"),
        NamedNode("http://a.example/item" + "9" * 5000),
        BlankNode("b2"),
        BlankNode("b10"),
        Literal("x"),
    ]


def test_literals_sort_by_datatype_then_language_then_text():
    integer = NamedNode(XSD + "integer")
    terms = [Literal("b", language="fa"), Literal("2", datatype=integer), Literal("b"), Literal("a", language="en")]
    assert sorted(terms, key=node_key) == [
        Literal("b"),
        Literal("a", language="en"),
        Literal("b", language="fa"),
        Literal("2", datatype=integer),
    ]
    assert literal_datatype(Literal("x")) == literal_datatype(Literal("x", language="fa")) == ""
    assert literal_datatype(Literal("2", datatype=integer)) == XSD + "integer"


def test_a_term_of_no_rdf_kind_is_an_output_error():
    with pytest.raises(OutputError, match="cannot write a term of type DefaultGraph"):
        node_key(DefaultGraph())


def test_a_description_puts_rdf_type_first_then_predicates_by_iri_and_objects_in_order():
    s, a, z = NamedNode("http://a.example/s"), NamedNode("http://a.example/a"), NamedNode("http://a.example/z")
    quads = [
        Quad(s, z, Literal("2")),
        Quad(s, a, Literal("x10")),
        Quad(s, a, Literal("x9")),
        Quad(s, RDF_TYPE, NamedNode("http://a.example/T")),
        Quad(BlankNode("b0"), a, s),
        Quad(s, a, Literal("x9"), NamedNode("urn:g")),  # the same triple in another graph: once
    ]
    assert describe(quads) == [
        (s, [(RDF_TYPE, [NamedNode("http://a.example/T")]), (a, [Literal("x9"), Literal("x10")]), (z, [Literal("2")])]),
        (BlankNode("b0"), [(a, [s])]),
    ]


def test_the_memo_keeps_short_results_and_forgets_all_when_full(monkeypatch):
    monkeypatch.setattr(order, "TERMS_KEPT", 3)
    made = []
    memo = Memo(lambda term: made.append(term) or term * 2)
    for term in ("a", "b", "a", "c"):
        assert memo[term] == term * 2
    assert made == ["a", "b", "c"] and len(memo) == 3
    assert memo["d"] == "dd" and list(memo) == ["d"]  # full: forgotten at once, then kept
    long = "x" * (order.LONGEST + 1)
    assert memo[long] == long * 2 and long not in memo  # a long result is made each time


def test_terms_sorted_in_place_as_node_key_sorts_them_even_where_one_string_cannot_stand_for_a_text():
    integer = NamedNode("http://www.w3.org/2001/XMLSchema#integer")
    terms = [
        NamedNode("http://a.example/span/10-12"),
        NamedNode("http://a.example/span/9-14"),
        NamedNode("http://a.example/x007"),
        NamedNode("http://a.example/x7"),
        BlankNode("b10"),
        BlankNode("b9"),
        Literal("ten", language="en"),
        Literal("ده", language="fa"),
        Literal("10", datatype=integer),
        Literal("9", datatype=integer),
        Literal("x"),
        Literal("x1"),
    ]
    for kept in (terms, [*terms, Literal("a\x00b"), Literal("a\x01")]):  # U+0000, U+0001: node_key's own order
        for start in (kept, kept[::-1], kept[3:] + kept[:3]):
            found = list(start)
            order.sort_terms(found)
            assert found == sorted(start, key=node_key)


def test_a_description_sorts_subjects_and_objects_as_node_key_does_even_where_one_string_cannot_stand_for_a_text():
    p = NamedNode("http://a.example/p")
    objects = [Literal("x10"), Literal("x9"), Literal("a\x00b"), Literal("a"), NamedNode("http://a.example/o2")]
    subjects = [NamedNode("http://a.example/s10"), NamedNode("http://a.example/s9"), BlankNode("b1")]
    for weird in (False, True):
        chosen = objects if weird else objects[:2] + objects[3:]  # with U+0000 the keys fall back to node_key's
        quads = [Quad(s, p, o) for s in subjects for o in chosen]
        for given in (quads, quads[::-1]):
            described = describe(given)
            assert [s for s, _ in described] == sorted(subjects, key=node_key)
            assert all(pairs == [(p, sorted(chosen, key=node_key))] for _, pairs in described)
