"""kg.writers: six syntaxes in a stable normal form, every term as read, refused where a syntax cannot hold it."""

from __future__ import annotations

import json

import pyoxigraph
import pytest
import rdflib
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.compare import isomorphic

from kg.errors import OutputError, UsageError
from kg.namespaces import ID, KG, RDF, RDFS, XSD, new_graph
from kg.writers import WRITERS, serialize, to_quads, write_nquads, write_rdfxml, write_trig, write_turtle

EX = "http://example.org/"
TRIPLE_FORMATS = ("turtle", "nt", "jsonld", "xml")
READERS = {"turtle": "turtle", "nt": "nt", "jsonld": "json-ld", "xml": "xml", "trig": "trig", "nquads": "nquads"}


def sample(label: str = "zzz", reverse: bool = False) -> Graph:
    """Natural order, Persian with ZWNJ, a quote and a line break, a number, a Persian property, a blank node."""
    triples = [
        (ID["item10"], RDFS.label, Literal("ده", lang="fa")),
        (ID["item2"], RDFS.label, Literal('two "quoted"\nline')),
        (ID["item2"], RDF.type, KG.Agreement),
        (ID["item2"], URIRef(EX + "ویژگی"), Literal("5", datatype=XSD.integer)),
        (ID["item2"], URIRef(EX + "p"), BNode(label)),
        (BNode(label), RDFS.label, Literal("همکاری‌ها", lang="fa")),
        (ID["item2"], URIRef(EX + "flag"), Literal("true", datatype=XSD.boolean)),
        (ID["item2"], URIRef(EX + "amount"), Literal("01.50", datatype=XSD.decimal, normalize=False)),
    ]
    graph = new_graph()
    for triple in reversed(triples) if reverse else triples:
        graph.add(triple)
    return graph


def test_turtle_is_the_normal_form_sorted_with_only_the_prefixes_used():
    assert write_turtle(sample()) == (
        "@prefix kg:   <https://w3id.org/iran-kazakhstan-kg/ontology#> .\n"
        "@prefix kgi:  <https://w3id.org/iran-kazakhstan-kg/id/> .\n"
        "@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .\n"
        "\n"
        "kgi:item2 a kg:Agreement ;\n"
        "    <http://example.org/amount> 01.50 ;\n"
        "    <http://example.org/flag> true ;\n"
        "    <http://example.org/p> _:b0 ;\n"
        "    <http://example.org/ویژگی> 5 ;\n"
        '    rdfs:label """two \\"quoted\\"\nline""" .\n'
        "\n"
        'kgi:item10 rdfs:label "ده"@fa .\n'
        "\n"
        '_:b0 rdfs:label "همکاری\u200cها"@fa .\n'
    )


def test_n_triples_lines_are_sorted_with_canonical_blank_node_labels():
    lines = serialize(sample(), "nt").splitlines()
    assert lines == sorted(lines)
    assert lines[-1] == '_:b0 <http://www.w3.org/2000/01/rdf-schema#label> "همکاری\u200cها"@fa .'
    assert f'<{ID["item2"]}> <{RDFS.label}> "two \\"quoted\\"\\nline" .' in lines


@pytest.mark.parametrize("fmt", [*TRIPLE_FORMATS, "trig", "nquads"])
def test_the_same_graph_is_the_same_bytes_whatever_its_order_and_blank_node_labels(fmt):
    assert serialize(sample("zzz"), fmt) == serialize(sample("a1", reverse=True), fmt)


@pytest.mark.filterwarnings("ignore:ConjunctiveGraph is deprecated:DeprecationWarning")  # rdflib's JSON-LD reader
@pytest.mark.parametrize("fmt", TRIPLE_FORMATS)
def test_an_independent_reader_gets_every_term_back_exactly(fmt, monkeypatch):
    monkeypatch.setattr(rdflib, "NORMALIZE_LITERALS", False)  # rdflib's reader keeps lexical forms as written
    text = serialize(sample(), fmt)
    back = Graph().parse(data=text, format=READERS[fmt])
    if fmt == "turtle":  # rdflib's Turtle reader normalises a bare number (01.50 -> 1.50) whatever the setting
        (amount,) = back.objects(ID["item2"], URIRef(EX + "amount"))
        back.set((ID["item2"], URIRef(EX + "amount"), Literal("01.50", datatype=XSD.decimal, normalize=False)))
        assert str(amount) == "1.50" and "<http://example.org/amount> 01.50 ;" in text
    assert isomorphic(back, sample())
    amounts = [o for o in back.objects(ID["item2"], URIRef(EX + "amount"))]
    assert [str(a) for a in amounts] == ["01.50"]  # the lexical form as read, not normalised


def test_json_ld_has_a_compact_context_and_native_numbers_and_booleans():
    document = json.loads(serialize(sample(), "jsonld"))
    assert document["@context"] == {
        "kg": "https://w3id.org/iran-kazakhstan-kg/ontology#",
        "kgi": "https://w3id.org/iran-kazakhstan-kg/id/",
        "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
        "xsd": "http://www.w3.org/2001/XMLSchema#",
    }
    item = document["@graph"][0]
    assert (item["@id"], item["@type"], item[EX + "ویژگی"], item[EX + "flag"]) == ("kgi:item2", "kg:Agreement", 5, True)
    assert item[EX + "amount"] == {"@type": "xsd:decimal", "@value": "01.50"}  # not a JSON number: kept as read


def test_rdf_xml_names_a_persian_property_with_a_generated_prefix():
    text = write_rdfxml(sample())
    assert '\n    xmlns:p0="http://example.org/">' in text
    assert '    <p0:ویژگی rdf:datatype="http://www.w3.org/2001/XMLSchema#integer">5</p0:ویژگی>' in text
    assert '  <rdf:Description rdf:nodeID="b0">' in text


@pytest.mark.parametrize(
    ("triple", "message"),
    [
        (
            (ID["x"], RDFS.label, Literal("a\x01b")),
            f"RDF/XML cannot hold the character U+0001 (XML 1.0 §2.2) in the description of <{ID['x']}>",
        ),
        (
            (ID["x"], URIRef(str(RDF) + "li"), Literal("x")),
            f"RDF/XML cannot write the property <{RDF}li>",
        ),
        (
            (ID["x"], URIRef(EX + "p/"), Literal("x")),
            f"RDF/XML cannot write the property <{EX}p/>: it does not end in an XML name",
        ),
        ((ID["x"], URIRef(EX + "1"), Literal("x")), f"RDF/XML cannot write the property <{EX}1>"),
    ],
)
def test_what_rdf_xml_cannot_hold_is_refused_not_mangled(triple, message):
    graph = Graph()
    graph.add(triple)
    with pytest.raises(OutputError) as caught:
        write_rdfxml(graph)
    assert str(caught.value).startswith(message)
    assert caught.value.exit_code == 7


def test_every_other_syntax_holds_the_control_character():
    graph = Graph()
    graph.add((ID["x"], RDFS.label, Literal("a\x01b\x7f")))
    for fmt in ("turtle", "nt", "jsonld", "trig", "nquads"):
        back = list(
            pyoxigraph.parse(
                serialize(graph, fmt).encode(),
                format=pyoxigraph.RdfFormat.from_extension(
                    {"turtle": "ttl", "nt": "nt", "jsonld": "jsonld", "trig": "trig", "nquads": "nq"}[fmt]
                ),
            )
        )
        assert back[0].object.value == "a\x01b\x7f", fmt


def test_named_graphs_are_written_in_blocks_in_the_order_given_and_merged_in_triple_formats():
    data, other = Graph(), Graph()
    data.add((ID["a"], RDFS.label, Literal("a")))
    other.add((ID["b"], RDFS.label, Literal("b")))
    graphs = {URIRef("urn:g:data"): data, None: other}
    trig = write_trig(graphs)
    assert trig.index("<urn:g:data> {") < trig.index("\n{\n")
    assert write_nquads(graphs).splitlines() == [
        f'<{ID["a"]}> <{RDFS.label}> "a" <urn:g:data> .',
        f'<{ID["b"]}> <{RDFS.label}> "b" .',
    ]
    assert len(Graph().parse(data=serialize(graphs, "turtle"), format="turtle")) == 2
    read = list(pyoxigraph.parse(trig.encode(), format=pyoxigraph.RdfFormat.TRIG))
    assert {(q.subject.value, str(q.graph_name)) for q in read} == {
        (str(ID["a"]), "<urn:g:data>"),
        (str(ID["b"]), "DEFAULT"),
    }


def test_the_registry_holds_a_writer_for_every_format_and_aliases_resolve():
    assert list(WRITERS) == ["turtle", "nt", "nquads", "trig", "jsonld", "xml"]
    assert serialize(sample(), "ttl") == serialize(sample(), "turtle")
    with pytest.raises(UsageError, match="unknown format 'n3'"):
        serialize(sample(), "n3")


def test_quads_are_converted_once_and_triples_put_in_the_default_graph():
    quads = to_quads({URIRef("urn:g"): sample()})
    assert to_quads(quads) is quads
    flat = to_quads(quads, triples=True)
    assert flat is not quads and {q.graph_name for q in flat} == {pyoxigraph.DefaultGraph()}
    assert to_quads(flat) is flat
    assert len(flat) == len(sample())
