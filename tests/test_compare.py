"""kg.sparql.compare: a result against its expected rows, equal where engines only write the same value apart."""

from __future__ import annotations

from rdflib import BNode, Literal, URIRef

from kg.namespaces import XSD
from kg.sparql import Result
from kg.sparql.compare import canonical, compare
from kg.sparql.engines import Outcome
from kg.sparql.syntax import Query

ORDERED = Query("<ordered>", "SELECT ?n WHERE { ?s ?p ?n } ORDER BY ?n")
UNORDERED = Query("<unordered>", "SELECT ?n WHERE { ?s ?p ?n }")


def _result(query: Query, values: list) -> Result:
    return Result(query, "bindings", ["n"], [{"n": v} for v in values])


def test_numbers_compare_by_value_not_by_how_they_are_written():
    decimal, integer, double = XSD.decimal, XSD.integer, XSD.double
    assert canonical(Literal("265200000.0", datatype=decimal)) == canonical(Literal("265200000", datatype=decimal))
    assert canonical(Literal("01", datatype=integer, normalize=False)) == canonical(Literal("1", datatype=integer))
    assert canonical(Literal("1", datatype=integer)) == canonical(Literal("1.0", datatype=decimal))  # one value space
    assert canonical(Literal("1e0", datatype=double, normalize=False)) == canonical(Literal("1.0", datatype=double))
    assert canonical(Literal("1", datatype=integer)) != canonical(Literal("1", datatype=double))
    assert canonical(Literal("2", datatype=integer)) != canonical(Literal("1", datatype=integer))


def test_strings_tags_booleans_and_blank_nodes():
    assert canonical(Literal("x")) == canonical(Literal("x", datatype=XSD.string))
    assert canonical(Literal("x", lang="FA")) == canonical(Literal("x", lang="fa"))
    assert canonical(Literal("1", datatype=XSD.boolean)) == canonical(Literal("true", datatype=XSD.boolean))
    assert canonical(BNode("a")) == canonical(BNode("b"))  # labels are the engine's
    assert canonical(URIRef("http://a.example/")) != canonical(Literal("http://a.example/"))
    assert canonical(None) == ("unbound",)


def test_rows_without_order_compare_as_a_multiset():
    one, two = Literal(1), Literal(2)
    expected = Outcome("bindings", ["n"], [{"n": two}, {"n": one}])
    assert compare(_result(UNORDERED, [one, two]), expected) == []
    assert compare(_result(UNORDERED, [one, one]), expected) == ["missing: {n: 2}", "unexpected: {n: 1}"]


def test_rows_under_order_by_compare_in_order():
    one, two = Literal(1), Literal(2)
    expected = Outcome("bindings", ["n"], [{"n": one}, {"n": two}])
    assert compare(_result(ORDERED, [one, two]), expected) == []
    assert compare(_result(ORDERED, [two, one]), expected) == [
        "same rows in another order (ORDER BY): first difference at row 1"
    ]


def test_a_missing_row_and_other_variables_are_named():
    expected = Outcome("bindings", ["n", "m"], [{"n": Literal(1)}, {"n": Literal(2)}])
    assert compare(_result(UNORDERED, [Literal(1)]), expected) == [
        "variables: expected ['m', 'n'], got ['n']",
        "expected 2 rows, got 1",
        "missing: {n: 2}",
    ]


def test_an_ask_answer_compares_as_a_boolean():
    ask = Query("<ask>", "ASK {}")
    assert compare(Result(ask, "boolean", boolean=True), Outcome("boolean", boolean=True)) == []
    assert compare(Result(ask, "boolean", boolean=False), Outcome("boolean", boolean=True)) == [
        "expected True, got False"
    ]
