"""The default graph read from the publication's store: the same statements and answers as the union."""

from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import BNode, Literal, URIRef
from rdflib.paths import OneOrMore

from kg.namespaces import ID, KG, NIF, RDF, RDFS, SKOS
from kg.project import to_networkx
from kg.publish.description import load_publication
from kg.publish.static import default_graph
from kg.publish.stored_graph import stored_graph
from kg.sources import Sources


@pytest.fixture(scope="module")
def shipped() -> tuple[Sources, object]:
    sources = Sources(None)
    return sources, load_publication(sources=sources)


@pytest.fixture(scope="module")
def graph(shipped):
    return default_graph(Sources(None), shipped[1])  # a Sources whose union is not made: the store's


def test_the_site_reads_the_store_and_holds_the_union(shipped, graph):
    sources, _ = shipped
    assert not isinstance(graph.store, type(sources.union.store))  # not rdflib's memory: the store's view
    assert len(graph) == len(sources.union)
    assert set(graph) == set(sources.union)


def test_each_pattern_gives_the_unions_answers(shipped, graph):
    union = shipped[0].union
    kazakhstan, tokayev = ID["kazakhstan"], ID["kassym-jomart-tokayev"]
    for pattern in [
        (kazakhstan, None, None),
        (None, None, kazakhstan),
        (None, RDF.type, KG.Mention),
        (tokayev, RDFS.label, None),
        (None, RDFS.subClassOf, None),
        (KG.City, RDFS.subClassOf, KG.Place),
        (None, RDFS.label, Literal("قزاقستان", lang="fa")),
        (None, None, Literal("no such text")),
    ]:
        assert sorted(graph.triples(pattern)) == sorted(union.triples(pattern)), pattern
    assert graph.value(tokayev, RDFS.label) is not None
    assert sorted(graph.objects(kazakhstan, SKOS.altLabel)) == sorted(union.objects(kazakhstan, SKOS.altLabel))
    assert (KG.City, RDFS.subClassOf, KG.Place) in graph
    assert (KG.Place, RDFS.subClassOf, KG.City) not in graph
    assert sorted(graph.subjects(RDF.type, KG.Mention)) == sorted(union.subjects(RDF.type, KG.Mention))
    assert graph.value(next(graph.subjects(RDF.type, KG.Mention)), NIF.beginIndex) is not None


def test_terms_no_store_holds_match_nothing(shipped, graph):
    assert list(graph.triples((URIRef("not an iri"), None, None))) == []
    assert list(graph.triples((BNode("nowhere"), None, None))) == []
    # a path is rdflib's to walk, over the store's answers
    above = set(graph.objects(KG.City, RDFS.subClassOf * OneOrMore))
    assert above == set(shipped[0].union.objects(KG.City, RDFS.subClassOf * OneOrMore)) and KG.Place in above


def test_a_statement_in_two_parts_is_given_once():
    import pyoxigraph

    store = pyoxigraph.Store()
    s, p, o = (pyoxigraph.NamedNode(f"https://example.org/{n}") for n in "spo")
    a, b, c = (pyoxigraph.NamedNode(f"https://example.org/g{n}") for n in "abc")
    store.extend([pyoxigraph.Quad(s, p, o, a), pyoxigraph.Quad(s, p, o, b), pyoxigraph.Quad(o, p, s, c)])
    graph = stored_graph(store, [a.value, b.value])
    assert list(graph) == [(URIRef(s.value), URIRef(p.value), URIRef(o.value))]  # the third part is not read
    assert len(graph) == 1
    with pytest.raises(TypeError, match="read-only"):
        graph.add((URIRef(o.value), URIRef(p.value), URIRef(s.value)))


def test_the_projection_is_the_same(shipped, graph):
    from_union, from_store = to_networkx(shipped[0].union), to_networkx(graph)
    assert list(from_store.nodes(data=True)) == list(from_union.nodes(data=True))
    assert list(from_store.edges(keys=True, data=True)) == list(from_union.edges(keys=True, data=True))
    assert from_store.graph == from_union.graph


def test_the_union_when_the_store_would_change_a_term(tmp_path: Path, shipped):
    data = tmp_path / "data.ttl"
    xsd = "http://www.w3.org/2001/XMLSchema#"
    data.write_text(f'<https://example.org/a> <https://example.org/n> "01"^^<{xsd}integer> .\n', encoding="utf-8")
    sources = Sources([data])
    publication = load_publication(sources=sources)
    graph = default_graph(sources, publication)
    assert graph is sources.union  # the store holds "1": the projection must see the file's "01"
    assert Literal("01", datatype=URIRef("http://www.w3.org/2001/XMLSchema#integer"), normalize=False) in set(
        graph.objects(URIRef("https://example.org/a"), URIRef("https://example.org/n"))
    )


def test_the_union_once_made_is_used(shipped):
    sources, publication = shipped
    sources.union  # noqa: B018 - made, as kg build makes it
    assert default_graph(sources, publication) is sources.union
    assert default_graph(Sources(None)) is not None  # no publication: the union
