"""kg.terms: prefixed names for each syntax, N-Triples terms, exact conversions, digit-run sorting."""

from __future__ import annotations

import pyoxigraph
import pytest
from rdflib import BNode, Literal, URIRef

from kg.namespaces import ID, KG, XSD
from kg.terms import curie, natural_key, nt_term, prefixed, split_iri, to_oxigraph, to_rdflib


@pytest.mark.parametrize(
    ("iri", "syntax", "expected"),
    [
        (str(ID["span/9-14"]), "turtle", ("span", "9-14")),
        (str(ID["span/9-14"]), "xml", None),  # an NCName cannot start with a digit
        (str(KG) + "نام", "xml", ("kg", "نام")),  # XML names may be Persian
        (str(KG) + "نام", "turtle", ("kg", "نام")),
        (str(ID["a/b"]), "turtle", None),  # '/' is not allowed in a local name
        (str(ID["a."]), "turtle", None),  # nor a final '.'
        (str(ID["a/b"]), "jsonld", ("kgi", "a/b")),
        ("http://example.invalid/x", "turtle", None),
    ],
)
def test_split_iri_checks_the_local_name_for_the_syntax(iri, syntax, expected):
    assert split_iri(iri, syntax) == expected


def test_curie_and_prefixed_display_forms():
    assert curie(ID["kazakhstan"]) == prefixed(str(ID["kazakhstan"])) == "kgi:kazakhstan"
    assert curie(URIRef("http://www.w3.org/ns/unknown#x")) == "<http://www.w3.org/ns/unknown#x>"
    assert curie(BNode("b0")) == "_:b0"
    assert curie(Literal("x", lang="fa")) == '"x"@fa'


def test_nt_term_escapes_as_pyoxigraph_writes_n_triples():
    assert nt_term(Literal('a "b"\n\\', lang="en")) == '"a \\"b\\"\\n\\\\"@en'
    assert nt_term(Literal("x", datatype=XSD.string)) == '"x"'
    assert nt_term(ID["iran"]) == "<https://w3id.org/iran-kazakhstan-kg/id/iran>"


@pytest.mark.parametrize("lexical", ["01", "+1", "1e0", "INF", "NaN", "-0", "abc", "1" * 5000])
def test_conversions_keep_the_lexical_form(lexical):
    ox = pyoxigraph.Literal(lexical, datatype=pyoxigraph.NamedNode(str(XSD.double)))
    node = to_rdflib(ox)
    assert str(node) == lexical
    assert to_oxigraph(node) == ox


def test_an_invalid_iri_has_no_pyoxigraph_term():
    with pytest.raises(ValueError):
        to_oxigraph(URIRef("http://a/b c"))


def test_natural_key_orders_digit_runs_by_value_without_int():
    texts = ["s10", "s9", "s" + "9" * 5000, "s0010", "s1" + "0" * 5000, "s"]
    assert sorted(texts, key=natural_key) == ["s", "s9", "s0010", "s10", "s" + "9" * 5000, "s1" + "0" * 5000]
