"""kg describe: a VoID/DCAT description whose counts are computed from the graph itself."""

from __future__ import annotations

import os
import re
from collections import Counter
from datetime import date
from pathlib import Path

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.compare import isomorphic
from rdflib.namespace import DefinedNamespace

from kg import resources
from kg.cli import main
from kg.describe import CC_BY_4, TEXTS, creation_date, describe, describe_dataset
from kg.errors import UsageError
from kg.export import select_parts, union
from kg.i18n import LANGUAGES, catalogue_domain
from kg.namespaces import (
    DATASET_IRI,
    DCAT,
    DCTERMS,
    DQV,
    FREQ,
    KG,
    LDQD,
    NIF,
    ONTOLOGY_IRI,
    OWL,
    PROV,
    RDF,
    RDFS,
    SD,
    SDO,
    SKOS,
    VCARD,
    VOID,
    XSD,
)
from kg.sources import DATA_GRAPH, Sources

ARTICLE = Path(__file__).parent / "fixtures" / "export" / "article.ttl"
SOURCES = [
    pytest.param([ARTICLE], id="fixture"),
    pytest.param(
        None,
        id="data",
        marks=pytest.mark.skipif(not resources.data_path().is_file(), reason="data/article.ttl not written yet"),
    ),
]
DAY = date(2022, 6, 19)


@pytest.fixture(scope="module")
def article_parts():
    """The parts of the fixture article (ontology, vocabularies, the article), read once for the module; read only."""
    return select_parts("all", [ARTICLE])


@pytest.fixture(scope="module")
def article_union(article_parts) -> Graph:
    """The fixture article's parts merged, once for the module; read only."""
    return union(article_parts)


@pytest.fixture(scope="module")
def union_described(article_union) -> Graph:
    """The description of ``article_union`` made on DAY, once for the tests that read it; read only."""
    return describe_dataset(article_union, created=DAY)


@pytest.fixture(scope="module")
def parts_described(article_parts) -> Graph:
    """The description of ``article_parts`` (each a named graph) made on DAY, once for the tests that read it; read
    only."""
    return describe_dataset(article_parts, created=DAY)


def value(graph: Graph, subject, predicate) -> object:
    found = graph.value(subject, predicate)
    return found.toPython() if isinstance(found, Literal) else found


@pytest.mark.parametrize("data", SOURCES)
def test_counts_are_those_of_the_graph(data, article_union):
    graph = article_union if data == [ARTICLE] else union(select_parts("all", data))  # the fixture's read once
    d = describe_dataset(graph, created=DAY)
    ds = DATASET_IRI
    assert value(d, ds, VOID.triples) == len(graph)
    assert value(d, ds, VOID.distinctSubjects) == len(set(graph.subjects()))
    assert value(d, ds, VOID.properties) == len(set(graph.predicates()))
    entities = {s for s in graph.subjects() if str(s).startswith("https://w3id.org/iran-kazakhstan-kg/id/")}
    assert value(d, ds, VOID.entities) == len(entities)

    mentions = len(set(graph.subjects(RDF.type, KG.Mention)))
    partitions = {value(d, p, VOID["class"]): value(d, p, VOID.entities) for p in d.objects(ds, VOID.classPartition)}
    assert partitions[KG.Mention] == mentions > 0
    assert len(partitions) == value(d, ds, VOID.classes)

    per_property = {
        value(d, p, VOID.property): value(d, p, VOID.triples) for p in d.objects(ds, VOID.propertyPartition)
    }
    assert per_property == dict(Counter(graph.predicates()))
    assert sum(per_property.values()) == len(graph)


def test_title_description_and_rights_in_both_languages(union_described):
    d = union_described
    for prop in (DCTERMS.title, DCTERMS.description, DCTERMS.rights):
        assert {v.language for v in d.objects(DATASET_IRI, prop)} == {"en", "fa"}, prop
    assert "گراف دانش همکاری ایران و قزاقستان" in {str(v) for v in d.objects(DATASET_IRI, DCTERMS.title)}
    rights_en = next(str(v) for v in d.objects(DATASET_IRI, DCTERMS.rights) if v.language == "en")
    assert "CC BY 4.0" in rights_en and "belongs to ISNA" in rights_en
    assert d.value(DATASET_IRI, DCTERMS.license) == URIRef(CC_BY_4.value)
    assert (DATASET_IRI, DCTERMS.created, Literal("2022-06-19", datatype=XSD.date)) in d
    assert (DATASET_IRI, RDF.type, VOID.Dataset) in d and (DATASET_IRI, RDF.type, DCAT.Dataset) in d
    assert (DATASET_IRI, DCTERMS.conformsTo, ONTOLOGY_IRI) in d


def test_the_description_s_texts_come_from_the_catalogue_in_both_languages(parts_described):
    """The description's texts live in the one catalogue (i18n.toml [dataset]): every text without placeholders is
    a literal of the description in each language, and each keyword is its own dcat:keyword."""
    d = parts_described
    literals = {(str(o), o.language) for o in d.objects() if isinstance(o, Literal)}
    for key, entry in catalogue_domain(TEXTS).items():
        if key == "keywords" or "{" in entry["en"]:
            continue
        for lang in LANGUAGES:
            assert (entry[lang], lang) in literals, f"{key}@{lang}"
    keywords = {(str(o), o.language) for o in d.objects(DATASET_IRI, DCAT.keyword)}
    assert ("transport corridors", "en") in keywords and ("کریدورهای حمل‌ونقل", "fa") in keywords
    assert len(keywords) == 12 and not any("," in word or "،" in word for word, _ in keywords)
    citations = {o.language: str(o) for o in d.objects(DATASET_IRI, DCTERMS.bibliographicCitation)}
    assert citations["en"].startswith("The kg project (") and "version" in citations["en"]
    assert citations["fa"].startswith("پروژهٔ kg (") and "[مجموعه‌داده]" in citations["fa"]


def test_each_named_graph_is_titled_and_the_data_graph_labelled_in_both_languages(parts_described):
    """The data's named graph is labelled nowhere else: its page had no title and its subset «گراف نام‌دار data»."""
    d = parts_described
    subsets = [s for s in d.objects(DATASET_IRI, VOID.subset) if (s, RDF.type, SD.NamedGraph) in d]
    assert len(subsets) == 3
    for subset in subsets:
        titles = {v.language: str(v) for v in d.objects(subset, DCTERMS.title)}
        assert set(titles) == {"en", "fa"} and not re.search("[A-Za-z]", titles["fa"]), titles
    labels = {v.language: str(v) for v in d.objects(DATA_GRAPH, RDFS.label)}
    assert labels == {"en": "the data: entities and facts", "fa": "داده‌ها: موجودیت‌ها و واقعیت‌ها"}


def test_every_node_the_dataset_points_to_is_named_in_both_languages(parts_described):
    """The dataset's page showed a Persian reader raw IRIs: its languages, licence, update policy, version,
    partitions, dumps, formats, links to Wikidata, contact, home page and quality measurements."""
    d = parts_described
    pointers = (DCTERMS.language, DCTERMS.license, DCTERMS.accrualPolicy, DCTERMS.hasVersion, VOID.classPartition,
                VOID.propertyPartition, VOID.subset, VOID.dataDump, VOID.feature, DCAT.landingPage, DCAT.distribution,
                VOID.openSearchDescription, DCAT.contactPoint, DQV.hasQualityMeasurement, DCTERMS.publisher,
                PROV.wasGeneratedBy)  # fmt: skip
    nodes = {o for p in pointers for o in d.objects(DATASET_IRI, p)}
    nodes |= {o for s in d.objects(DATASET_IRI, VOID.subset) for o in d.objects(s, VOID.objectsTarget)}
    nodes |= {o for s in d.objects(DATASET_IRI, DCAT.distribution) for p in (DCAT.mediaType, DCAT.compressFormat)
              for o in d.objects(s, p)}  # fmt: skip
    assert len(nodes) > 100
    unnamed = [
        node
        for node in nodes
        if {v.language for p in (RDFS.label, DCTERMS.title) for v in d.objects(node, p)} < {"en", "fa"}
    ]
    assert unnamed == []
    names = {str(v) for v in d.objects(URIRef("http://id.loc.gov/vocabulary/iso639-1/fa"), RDFS.label)}
    assert names == {"Persian", "فارسی"}
    persian = [v for v in d.objects(DATASET_IRI, DCTERMS.bibliographicCitation) if v.language == "fa"]
    assert len(persian) == 1 and "[مجموعه‌داده]" in persian[0]


def test_source_article_and_its_publisher_are_described(union_described):
    d = union_described
    article = URIRef("https://w3id.org/iran-kazakhstan-kg/id/article")
    isna = URIRef("https://w3id.org/iran-kazakhstan-kg/id/isna")
    assert (DATASET_IRI, DCTERMS.source, article) in d
    assert (DATASET_IRI, PROV.wasDerivedFrom, article) in d
    assert (article, SDO.publisher, isna) in d
    assert (isna, RDFS.label, Literal("ایسنا", lang="fa")) in d
    assert (article, SDO.url, URIRef("https://www.isna.ir/news/1401032900000/")) in d


def test_examples_vocabularies_and_formats(article_union, union_described):
    data, d = article_union, union_described
    examples = set(d.objects(DATASET_IRI, VOID.exampleResource))
    assert URIRef("https://w3id.org/iran-kazakhstan-kg/id/span/4-10") in examples
    assert all((e, None, None) in data for e in examples), "every example resource is described in the data"
    vocabularies = {str(v) for v in d.objects(DATASET_IRI, VOID.vocabulary)}
    assert {str(KG._NS), "https://schema.org/", "http://www.w3.org/2005/11/its/rdf#"} <= vocabularies
    assert not any(v.startswith("https://w3id.org/iran-kazakhstan-kg/id/") for v in vocabularies)
    assert len(set(d.objects(DATASET_IRI, DCAT.distribution))) == 6
    assert URIRef("http://www.w3.org/ns/formats/Turtle") in set(d.objects(DATASET_IRI, VOID.feature))


def test_endpoint_only_when_given(article_union, union_described):
    data = article_union
    assert union_described.value(DATASET_IRI, VOID.sparqlEndpoint) is None
    d = describe_dataset(data, created=DAY, endpoint="http://127.0.0.1:7878/query")
    assert d.value(DATASET_IRI, VOID.sparqlEndpoint) == URIRef("http://127.0.0.1:7878/query")
    assert (None, DCAT.endpointURL, URIRef("http://127.0.0.1:7878/query")) in d


def test_every_term_of_the_description_is_a_real_vocabulary_term(article_union):
    d = describe_dataset(article_union, created=DAY, endpoint="http://localhost/sparql")
    closed: list[type[DefinedNamespace]] = [
        VOID, DCAT, DCTERMS, RDF, RDFS, PROV, SDO, KG, NIF, OWL, VCARD, DQV, LDQD, SD, FREQ, SKOS,
    ]  # fmt: skip
    terms = set(d.predicates()) | set(d.objects(None, RDF.type))
    terms |= {o for p in (DQV.inDimension, DCTERMS.accrualPeriodicity) for o in d.objects(None, p)}
    for term in terms:
        vocab = next(v for v in closed if str(term).startswith(str(v._NS)))
        local = str(term)[len(str(vocab._NS)) :]
        assert local in vocab.__annotations__ or local in getattr(vocab, "_extras", []), term


def test_creation_date_follows_source_date_epoch(monkeypatch, tmp_path):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1655596800")  # 2022-06-19T00:00:00Z
    assert creation_date([ARTICLE]) == DAY
    monkeypatch.delenv("SOURCE_DATE_EPOCH")
    newest = tmp_path / "x.ttl"
    newest.write_text("", encoding="utf-8")
    os.utime(newest, (1655596800, 1655596800))
    assert creation_date([newest]) == DAY


def test_description_is_deterministic(monkeypatch, article_parts):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1655596800")
    first = describe(Sources([ARTICLE])).text
    assert first == describe(Sources([ARTICLE])).text
    assert isomorphic(Graph().parse(data=first, format="turtle"), describe_dataset(article_parts))


def test_cli_writes_the_description(tmp_path, capsys):
    out = tmp_path / "void.ttl"
    assert (
        main(["describe", "--data", str(ARTICLE), "--endpoint", "http://127.0.0.1:7878/query", "--out", str(out)]) == 0
    )
    assert f"wrote dataset description: {out}" in capsys.readouterr().out
    graph = Graph().parse(out, format="turtle")
    assert graph.value(DATASET_IRI, VOID.sparqlEndpoint) == URIRef("http://127.0.0.1:7878/query")


@pytest.mark.parametrize("how", ["format", "directory", "input"])
def test_a_refused_description_does_no_work_first(tmp_path, monkeypatch, capsys, how):
    """kg describe validated the data (seconds at 1 000 articles) before it found its --format or --out wrong."""
    import kg.validate

    data = tmp_path / "mine.ttl"
    data.write_bytes(ARTICLE.read_bytes())
    validated = []
    monkeypatch.setattr(kg.validate, "validate", lambda **kwargs: validated.append(kwargs))
    args = {"format": ["--format", "trig"], "directory": ["--out", str(tmp_path)], "input": ["--out", str(data)]}[how]
    code = main(["describe", "--data", str(data), *args])
    assert code == (2 if how == "format" else 7) and validated == []
    assert data.read_bytes() == ARTICLE.read_bytes()
    assert ("is an input of this command" in capsys.readouterr().err) is (how == "input")


def test_a_dataset_format_is_refused_for_the_description():
    with pytest.raises(UsageError, match="choose turtle, nt, jsonld or xml, not trig"):
        describe(Sources([ARTICLE]), fmt="trig")


def test_a_store_of_the_parts_is_described_as_their_rdflib_graphs_are_and_a_shared_statement_counts_once(
    article_parts, article_union
):
    import pyoxigraph

    from kg.describe import Data
    from kg.sources import Sources

    sources = Sources([ARTICLE])
    parts = dict(article_parts)  # a new dict: the module's parts are not changed
    shared = next(iter(parts[ONTOLOGY_IRI]))
    parts[URIRef("urn:copy")] = Graph()
    parts[URIRef("urn:copy")].add(shared)  # the same statement in a second part
    from_graphs = describe_dataset(parts, created=DAY)
    copy = URIRef(f"{DATASET_IRI}#graph-urn%3Acopy")  # the second part is a named graph of its own: a subset
    assert from_graphs.value(copy, VOID.triples) == Literal(1)
    from_graphs.remove((copy, None, None))
    from_graphs.remove((None, None, copy))
    from_store = describe_dataset(sources.dataset(), created=DAY)
    assert isomorphic(from_graphs, from_store)
    assert value(from_store, DATASET_IRI, VOID.triples) == len(article_union)
    data = Data.of(sources.dataset())
    assert Data.of(data) is data and isinstance(data.store, pyoxigraph.Store)


def test_each_example_is_its_class_s_first_iri_in_natural_order():
    """Digit runs by value (span/9-… before span/10-…, a leading zero breaking the tie), never a blank node:
    the order kg.terms.natural_key gives."""
    import pyoxigraph

    from kg.describe import Data, examples
    from kg.namespaces import ID
    from kg.terms import natural_key

    store = pyoxigraph.Store()
    kind = pyoxigraph.NamedNode(str(RDF.type))
    iris = ["span/10-12", "span/9-14", "span/9-10", "span/09-10", "x1", "x"]
    for iri in iris:
        store.add(pyoxigraph.Quad(pyoxigraph.NamedNode(str(ID) + iri), kind, pyoxigraph.NamedNode(str(KG.Mention))))
    store.add(pyoxigraph.Quad(pyoxigraph.BlankNode(), kind, pyoxigraph.NamedNode(str(KG.Mention))))
    first = min((str(ID) + iri for iri in iris), key=natural_key)
    assert examples(Data(store)) == [pyoxigraph.NamedNode(first)] == [pyoxigraph.NamedNode(str(ID) + "span/09-10")]


@pytest.mark.parametrize(
    ("articles", "endpoint"),
    [(0, None), (4, "http://127.0.0.1:7878/query"), (25, None)],
    ids=["article", "synthetic-4-endpoint", "synthetic-25"],
)
def test_the_dataset_exports_description_is_the_one_made_from_the_parts_rdflib_graphs(
    tmp_path, articles, endpoint, article_parts
):
    """TriG and N-Quads hold the description made of pyoxigraph terms on the store of the parts as read
    (no rdflib imported: tests/test_imports.py): isomorphic to the description of the parts' rdflib graphs
    (each copied into a store term by term), less the statements a part holds."""
    from kg.sources import DESCRIPTION_GRAPH, description_graph
    from kg.synth import write_synth
    from kg.terms import to_rdflib

    data = [ARTICLE] if not articles else [write_synth(tmp_path / "corpus.ttl", articles, seed=articles)]
    sources = Sources(data)
    exported = Graph()
    for quad in sources.quads(described=True, endpoint=endpoint):
        if quad.graph_name.value == str(DESCRIPTION_GRAPH):
            exported.add((to_rdflib(quad.subject), to_rdflib(quad.predicate), to_rdflib(quad.object)))
    parts = select_parts("all", data) if articles else article_parts  # the fixture article's read once
    made = description_graph(describe_dataset(parts, endpoint=endpoint, sources=sources.paths), parts)
    assert len(exported) == len(made) > 300
    assert isomorphic(exported, made)
    assert (URIRef(str(DATASET_IRI) + "#sparql") in set(exported.subjects())) == bool(endpoint)
