"""kg.publish.service: the SPARQL 1.1 Service Description of the endpoint, as it states what the server does."""

from __future__ import annotations

import pyoxigraph
import pytest
from rdflib import Graph, Literal, URIRef

from kg.namespaces import DATASET_IRI, DCTERMS, RDF, RDFS, VOID
from kg.publish.service import ENTAILMENT, FORMATS, RESULT_FORMATS, SD, service_description
from kg.writers import serialize

ENDPOINT = "http://127.0.0.1:7878/query"


def comment(graph: Graph, lang: str = "en") -> str:
    (said,) = [c for c in graph.objects(URIRef(ENDPOINT), RDFS.comment) if c.language == lang]
    return str(said)


def test_the_service_is_its_endpoint_speaking_sparql_11_query_in_every_result_format():
    graph = service_description(ENDPOINT)
    service = URIRef(ENDPOINT)
    assert (service, RDF.type, SD.Service) in graph
    assert (service, SD.endpoint, service) in graph
    assert set(graph.objects(service, SD.supportedLanguage)) == {SD.SPARQL11Query}  # no Update
    assert set(graph.objects(service, SD.resultFormat)) == {FORMATS[name] for name in RESULT_FORMATS}
    assert len(RESULT_FORMATS) == 8


@pytest.mark.parametrize(("entailment", "regime"), [("rdfs", ENTAILMENT.RDFS), ("none", ENTAILMENT.Simple)])
def test_the_entailment_regime_is_the_one_served(entailment, regime):
    graph = service_description(ENDPOINT, entailment=entailment)
    assert list(graph.objects(URIRef(ENDPOINT), SD.defaultEntailmentRegime)) == [regime]


def test_the_default_dataset_is_one_graph_described_by_the_dataset_with_its_size():
    graph = service_description(ENDPOINT, triples=5647)
    (dataset,) = graph.objects(URIRef(ENDPOINT), SD.defaultDataset)
    assert (dataset, RDF.type, SD.Dataset) in graph and (dataset, DCTERMS.source, DATASET_IRI) in graph
    (default,) = graph.objects(dataset, SD.defaultGraph)
    assert list(graph.objects(default, VOID.triples)) == [Literal(5647)]
    assert list(service_description(ENDPOINT).objects(default, VOID.triples)) == []


@pytest.mark.parametrize(
    ("options", "text"),
    [
        (
            {"timeout": 5, "max_rows": 10000},
            "Each query stops after 5 s. Results are cut at 10000 rows. SERVICE (federation) and FROM are refused "
            "(403). Read-only: SPARQL Update is not accepted.",
        ),
        (
            {"timeout": 2.5, "allow_external": True},
            "Each query stops after 2.5 s. Results are not cut. SERVICE and FROM are allowed. Read-only: SPARQL "
            "Update is not accepted.",
        ),
        (
            {},
            "Queries have no time limit. Results are not cut. SERVICE (federation) and FROM are refused (403). "
            "Read-only: SPARQL Update is not accepted.",
        ),
    ],
)
def test_the_limits_are_said_in_words(options, text):
    assert comment(service_description(ENDPOINT, **options)) == text


def test_the_label_and_the_limits_are_said_in_persian_too_with_persian_digits():
    graph = service_description(ENDPOINT, timeout=2.5, max_rows=10000)
    labels = {c.language: str(c) for c in graph.objects(URIRef(ENDPOINT), RDFS.label)}
    assert labels == {
        "en": "SPARQL endpoint of the Iran–Kazakhstan knowledge graph",
        "fa": "نقطهٔ دسترسی SPARQL گراف دانش ایران–قزاقستان",
    }
    assert comment(graph, "fa") == (
        "هر پرس‌وجو پس از ۲٫۵ ثانیه متوقف می‌شود. نتیجه‌ها در ۱۰٬۰۰۰ سطر بریده می‌شوند. "
        "SERVICE (فدراسیون) و FROM پذیرفته نمی‌شوند (۴۰۳). فقط خواندنی: SPARQL Update پذیرفته نمی‌شود."
    )


def test_the_description_is_written_in_every_syntax_without_invented_prefixes():
    graph = service_description(ENDPOINT, triples=1)
    turtle = serialize(graph, "turtle")
    assert "@prefix sd:" in turtle or "sparql-service-description#" in turtle
    assert "ns1:" not in turtle
    for fmt, syntax in (("nt", "N_TRIPLES"), ("jsonld", "JSON_LD"), ("xml", "RDF_XML")):
        read = pyoxigraph.parse(serialize(graph, fmt).encode(), format=getattr(pyoxigraph.RdfFormat, syntax))
        assert len(list(read)) == len(graph), fmt
