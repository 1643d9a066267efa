"""kg.publish.description: the bounded description of a resource (CBD, inbound links, labels, mentions) and
what the publication knows of each IRI, on a small store built in the test."""

from __future__ import annotations

import os
from datetime import UTC, datetime

import pyoxigraph
import pytest
from pyoxigraph import BlankNode, DefaultGraph, Literal, NamedNode, Quad

from kg.namespaces import BASE, ITSRDF, NIF, ONTOLOGY_IRI, RDF, RDFS, SKOS
from kg.publish.description import Publication, modified_time
from kg.sources import DATA_GRAPH

ID = BASE + "id/"
ASTANA, TEHRAN, MOU, ARTICLE = (NamedNode(ID + n) for n in ("astana", "tehran", "mou", "article"))
SPAN = NamedNode(ID + "article#char=10,16")
ROUTE = BlankNode("route")
TERM = str(ONTOLOGY_IRI) + "#"  # terms made up for the test (kg: is a closed namespace)
P = NamedNode(TERM + "between")


def named(term):
    return NamedNode(str(term))


def fixture_store() -> pyoxigraph.Store:
    data, ontology = NamedNode(str(DATA_GRAPH)), NamedNode(str(ONTOLOGY_IRI))
    triples = [
        (MOU, P, ASTANA),
        (MOU, NamedNode(TERM + "route"), ROUTE),
        (ROUTE, named(RDF.first), TEHRAN),  # a blank node: its triples belong to the description
        (MOU, named(RDF.type), NamedNode(TERM + "Agreement")),
        (ASTANA, named(RDFS.label), Literal("Astana", language="en")),
        (ASTANA, named(RDFS.label), Literal("آستانه", language="fa")),
        (ASTANA, named(SKOS.prefLabel), Literal("Nur-Sultan", language="en")),  # rdfs:label wins
        (TEHRAN, named(SKOS.prefLabel), Literal("تهران", language="fa")),
        (TEHRAN, named(SKOS.prefLabel), Literal("طهران", language="fa")),  # the smallest of two is kept
        (SPAN, named(ITSRDF.taIdentRef), ASTANA),
        (SPAN, named(NIF.beginIndex), Literal(10)),
        (SPAN, named(NIF.endIndex), Literal(16)),
        (SPAN, named(NIF.referenceContext), ARTICLE),
        (ARTICLE, named(NIF.isString), Literal("Talks in: Astana, then Tehran")),
    ]
    store = pyoxigraph.Store()
    store.extend(Quad(s, p, o, data) for s, p, o in triples)
    store.add(Quad(MOU, P, ASTANA, ontology))  # the same triple in two graphs: one statement
    store.add(Quad(NamedNode(TERM + "Agreement"), named(RDFS.subClassOf), NamedNode(TERM + "Document"), ontology))
    store.add(Quad(NamedNode(TERM + "Agreement"), named(RDFS.label), Literal("Agreement", language="en"), ontology))
    return store


@pytest.fixture(scope="module")
def publication() -> Publication:
    return Publication(fixture_store(), datetime(2022, 6, 19, tzinfo=UTC))


def triples(quads) -> set[tuple]:
    return {(q.subject, q.predicate, q.object) for q in quads}


def test_a_description_is_the_resource_s_triples_its_blank_nodes_and_the_labels_of_what_it_names(publication):
    described = triples(publication.describe(MOU.value))
    assert (MOU, P, ASTANA) in described and (ROUTE, named(RDF.first), TEHRAN) in described
    assert (ASTANA, named(RDFS.label), Literal("آستانه", language="fa")) in described
    assert (TEHRAN, named(SKOS.prefLabel), Literal("تهران", language="fa")) in described
    assert (NamedNode(TERM + "Agreement"), named(RDFS.label), Literal("Agreement", language="en")) in described
    assert not any(s == SPAN for s, _, _ in described)  # the mentions of another resource are not its own
    quads = publication.describe(MOU.value)
    assert len(quads) == len(set(quads)) and {q.graph_name for q in quads} == {DefaultGraph()}


def test_a_description_holds_the_inbound_links_and_the_mentions_with_their_spans(publication):
    described = triples(publication.describe(ASTANA.value))
    assert (MOU, P, ASTANA) in described  # who names it
    assert (SPAN, named(NIF.beginIndex), Literal(10)) in described
    assert (SPAN, named(NIF.referenceContext), ARTICLE) in described
    assert publication.mentions(ASTANA.value) == [(ARTICLE.value, 10, 16)]
    assert publication.text_of(ARTICLE.value)[10:16] == "Astana"


def test_a_hash_document_is_described_by_its_whole_graph(publication):
    assert publication.is_document(str(ONTOLOGY_IRI))
    assert triples(publication.describe(str(ONTOLOGY_IRI))) == {
        (MOU, P, ASTANA),
        (NamedNode(TERM + "Agreement"), named(RDFS.subClassOf), NamedNode(TERM + "Document")),
        (NamedNode(TERM + "Agreement"), named(RDFS.label), Literal("Agreement", language="en")),
    }


@pytest.mark.parametrize(
    ("iri", "lang", "label"),
    [
        (ASTANA.value, "fa", "آستانه"),
        (ASTANA.value, "en", "Astana"),  # rdfs:label before skos:prefLabel
        (ASTANA.value, "de", "Astana"),  # else English
        (TEHRAN.value, "en", "تهران"),  # else any, the smallest
        (MOU.value, "en", None),
    ],
)
def test_a_label_in_the_language_asked_else_english_else_any(publication, iri, lang, label):
    assert publication.label(iri, lang) == label


def test_what_exists_types_instances_through_subclasses_and_uses(publication):
    assert publication.types(MOU.value) == [TERM + "Agreement"]
    assert publication.instances(TERM + "Document") == [MOU.value]
    assert publication.subclasses(TERM + "Document") == {TERM + "Document", TERM + "Agreement"}
    assert len(publication.uses(P.value)) == 1  # once, though in two graphs
    assert publication.incoming(TEHRAN.value) == [Quad(ROUTE, named(RDF.first), TEHRAN, DefaultGraph())]
    assert MOU.value in publication.subjects and ASTANA.value in publication.resources
    assert TERM + "between" in publication.resources  # a property has its page too


def test_the_modified_date_is_source_date_epoch_else_the_newest_source(tmp_path, monkeypatch):
    old, new = tmp_path / "a.ttl", tmp_path / "b.ttl"
    for path, when in ((old, 1_600_000_000), (new, 1_650_000_000)):
        path.write_text("", encoding="utf-8")
        os.utime(path, (when, when))
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    assert modified_time([old, new, tmp_path / "missing.ttl"]) == datetime.fromtimestamp(1_650_000_000, UTC)
    assert modified_time([]) == datetime.fromtimestamp(0, UTC)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1655596800")
    assert modified_time([old, new]) == datetime(2022, 6, 19, tzinfo=UTC)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "yesterday")
    assert modified_time([old]) == datetime.fromtimestamp(1_600_000_000, UTC)
