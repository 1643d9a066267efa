"""kg.writers.jsonld: compacted JSON-LD whose text is json.dumps's, with collision-safe compaction."""

from __future__ import annotations

import json

from pyoxigraph import BlankNode, Literal, NamedNode, Quad

from kg.writers.jsonld import write_jsonld

XSD = "http://www.w3.org/2001/XMLSchema#"
S, P = NamedNode("https://w3id.org/iran-kazakhstan-kg/id/s"), NamedNode("http://www.w3.org/2000/01/rdf-schema#label")


def _quads() -> list[Quad]:
    return [
        Quad(S, P, Literal("ده", language="fa")),
        Quad(S, P, Literal('"q"\n\\')),
        Quad(S, NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type"), NamedNode("http://a.example/T")),
        Quad(S, NamedNode("http://a.example/n"), Literal("9007199254740993", datatype=NamedNode(XSD + "integer"))),
        Quad(S, NamedNode("http://a.example/n"), Literal("-12", datatype=NamedNode(XSD + "integer"))),
        Quad(S, NamedNode("http://a.example/b"), BlankNode("x")),
    ]


def test_the_text_is_what_json_dumps_writes_for_the_same_document():
    text = write_jsonld(_quads())
    assert text == json.dumps(json.loads(text), ensure_ascii=False, indent=2, sort_keys=True) + "\n"


def test_only_integers_exact_in_every_json_reader_are_json_numbers():
    (node,) = json.loads(write_jsonld(_quads()))["@graph"]
    assert sorted(node["http://a.example/n"], key=str) == [-12, {"@type": "xsd:integer", "@value": "9007199254740993"}]
    assert node["http://a.example/b"] == {"@id": "_:b0"} and node["@type"] == "http://a.example/T"


def test_a_prefix_that_is_also_a_scheme_in_the_document_is_not_used_to_compact():
    quads = [*_quads(), Quad(S, NamedNode("http://a.example/see"), NamedNode("kgi:elsewhere"))]
    document = json.loads(write_jsonld(quads))
    assert "kgi" not in document["@context"]
    assert document["@graph"][0]["@id"] == "https://w3id.org/iran-kazakhstan-kg/id/s"
    assert document["@graph"][0]["http://a.example/see"] == {"@id": "kgi:elsewhere"}


def test_an_empty_graph_is_an_empty_document():
    assert json.loads(write_jsonld([])) == {"@context": {}, "@graph": []}


def test_rdf_type_is_a_key_where_an_object_of_it_is_a_literal_and_type_elsewhere():
    """A node whose rdf:type has a literal object writes the property as a key (``rdf:type``); a node written after
    it whose types are all nodes still writes ``@type`` (the key is not kept for the document)."""
    kind = NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
    a, b = NamedNode("http://a.example/a"), NamedNode("http://a.example/b")
    quads = [Quad(a, kind, Literal("odd")), Quad(a, kind, NamedNode("http://a.example/T")), Quad(b, kind, S)]
    text = write_jsonld(quads)
    first, second = json.loads(text)["@graph"]
    assert first == {"@id": "http://a.example/a", "rdf:type": [{"@id": "http://a.example/T"}, "odd"]}
    assert second == {"@id": "http://a.example/b", "@type": "kgi:s"}
    assert text == json.dumps(json.loads(text), ensure_ascii=False, indent=2, sort_keys=True) + "\n"
