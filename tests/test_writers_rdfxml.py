"""kg.writers.rdfxml: rdf:Description blocks in order, XML escaping, what RDF/XML cannot name refused."""

from __future__ import annotations

import pytest
from pyoxigraph import BlankNode, Literal, NamedNode, Quad

from kg.errors import OutputError
from kg.writers.rdfxml import write_rdfxml

S, P = NamedNode("https://w3id.org/iran-kazakhstan-kg/id/s"), NamedNode("http://www.w3.org/2000/01/rdf-schema#label")


def test_markup_in_texts_and_iris_is_escaped_and_read_back():
    text = write_rdfxml(
        [
            Quad(S, P, Literal("a < b & c > d\r\n", language="en")),
            Quad(S, NamedNode("http://a.example/see"), NamedNode("http://a.example/?x=1&y=2")),
        ]
    )
    assert '<rdfs:label xml:lang="en">a &lt; b &amp; c &gt; d&#13;\n</rdfs:label>' in text
    assert '<p0:see rdf:resource="http://a.example/?x=1&amp;y=2"/>' in text


def test_blank_nodes_are_node_ids_and_namespaces_outside_the_prefixes_get_p0_p1_in_order():
    text = write_rdfxml(
        [
            Quad(BlankNode("x"), NamedNode("http://b.example/q"), Literal("1")),
            Quad(BlankNode("x"), NamedNode("http://a.example/p"), S),
        ]
    )
    assert '<rdf:Description rdf:nodeID="b0">' in text
    assert text.index('xmlns:p0="http://a.example/"') < text.index('xmlns:p1="http://b.example/"')
    assert '<p0:p rdf:resource="https://w3id.org/iran-kazakhstan-kg/id/s"/>' in text


@pytest.mark.parametrize("name", ["ID", "about", "Description", "nodeID", "aboutEach"])
def test_every_syntax_name_of_rdf_xml_is_refused_as_a_property(name):
    rdf = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
    with pytest.raises(OutputError, match=f"cannot write the property <{rdf}{name}>: it is a syntax name"):
        write_rdfxml([Quad(S, NamedNode(rdf + name), Literal("x"))])


def test_a_character_xml_cannot_hold_in_an_iri_is_refused_naming_the_subject():
    with pytest.raises(OutputError, match="U\\+FFFE"):
        write_rdfxml([Quad(S, P, Literal("a\ufffe"))])
