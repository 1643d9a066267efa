"""kg.writers.turtle: the Turtle normal form (objects wrapped past 100 columns, bare numbers only when exact)
and TriG's blocks; a big document (no memo) is the same bytes as a small one."""

from __future__ import annotations

import pyoxigraph
import pytest
from pyoxigraph import BlankNode, DefaultGraph, Literal, NamedNode, Quad

from kg.writers import order, turtle
from kg.writers.turtle import write_trig, write_turtle

XSD = "http://www.w3.org/2001/XMLSchema#"
S, P = NamedNode("https://w3id.org/iran-kazakhstan-kg/id/s"), NamedNode("http://www.w3.org/2000/01/rdf-schema#label")


def test_objects_stay_on_one_line_until_it_passes_100_columns():
    short = write_turtle([Quad(S, P, Literal("a")), Quad(S, P, Literal("b"))])
    assert short.endswith('kgi:s rdfs:label "a" , "b" .\n')
    long = write_turtle([Quad(S, P, Literal("a" * 60)), Quad(S, P, Literal("b" * 60))])
    assert long.endswith(f'kgi:s rdfs:label "{"a" * 60}" ,\n        "{"b" * 60}" .\n')


@pytest.mark.parametrize(
    ("lexical", "datatype", "written"),
    [
        ("5", "integer", "5"),
        ("-01", "integer", "-01"),
        ("1.", "decimal", '"1."^^xsd:decimal'),  # not a Turtle DECIMAL: quoted
        (".5", "decimal", ".5"),
        ("1e3", "double", "1e3"),
        ("1.0", "double", '"1.0"^^xsd:double'),  # a bare 1.0 would read back as a decimal
        ("true", "boolean", "true"),
        ("1", "boolean", '"1"^^xsd:boolean'),
        ("٥", "integer", '"٥"^^xsd:integer'),  # ill-typed: kept as read
    ],
)
def test_a_number_is_bare_only_where_it_reads_back_as_the_same_literal(lexical, datatype, written):
    text = write_turtle([Quad(S, P, Literal(lexical, datatype=NamedNode(XSD + datatype)))])
    assert text.endswith(f"kgi:s rdfs:label {written} .\n")
    assert ("@prefix xsd:" in text) == ("^^xsd:" in written)


def test_a_text_with_a_line_break_is_a_long_string_and_controls_are_escaped():
    text = write_turtle([Quad(S, P, Literal('one\ntwo "three"\x01\r'))])
    assert text.endswith('kgi:s rdfs:label """one\ntwo \\"three\\"\\u0001\\r""" .\n')


def test_an_iri_that_is_no_prefixed_name_is_written_whole():
    text = write_turtle([Quad(S, NamedNode("https://w3id.org/iran-kazakhstan-kg/id/a/b"), Literal("x"))])
    assert text.endswith('\n\nkgi:s <https://w3id.org/iran-kazakhstan-kg/id/a/b> "x" .\n')
    assert text.startswith("@prefix kgi: <https://w3id.org/iran-kazakhstan-kg/id/> .\n\n")


def test_trig_writes_the_default_graph_as_a_bare_block_and_a_blank_graph_name_by_its_label():
    quads = [Quad(S, P, Literal("d")), Quad(S, P, Literal("n"), BlankNode("g"))]
    text = write_trig(quads)
    assert text.index("{\n    kgi:s") < text.index("_:b0 {\n")
    read = list(pyoxigraph.parse(text.encode(), format=pyoxigraph.RdfFormat.TRIG))
    assert {type(q.graph_name) for q in read} == {DefaultGraph, BlankNode}


def test_a_big_document_is_written_without_the_memo_to_the_same_bytes(monkeypatch):
    quads = [Quad(NamedNode(f"https://w3id.org/iran-kazakhstan-kg/id/s{i}"), P, Literal(f"v{i}")) for i in range(30)]
    small = write_turtle(quads), write_trig(quads)
    monkeypatch.setattr(turtle, "BIG", 10)
    monkeypatch.setattr(order, "BIG", 10)
    turtle._TURTLE_TERMS.clear()
    assert (write_turtle(quads), write_trig(quads)) == small
    assert not turtle._TURTLE_TERMS  # nothing kept for a big document
