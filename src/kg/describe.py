"""Describe the dataset in VoID and DCAT: what it is, where it comes from, its licence and its counts.

The description is computed from the graphs themselves (ontology, vocabularies
and data), so it never drifts from them: counted by Oxigraph's SPARQL on a store
of the parts (:class:`kg.described.Data`), not by walking rdflib graphs, and made of
pyoxigraph terms (:func:`description_triples`): a dataset export writes it beside the
parts without importing rdflib (its import and the terms' conversions were a quarter of
the description's time at 1 000 articles); :func:`describe_dataset` gives it as an
rdflib graph. It is written by ``kg describe``,
by ``kg build`` (``void.ttl``) and as a named graph of the TriG and N-Quads
exports. Its creation date is ``SOURCE_DATE_EPOCH`` when that is set (the
reproducible-builds convention), else the date of the newest input file, so
that two builds of the same input are byte-identical.

>>> from kg.namespaces import new_graph, DATASET_IRI, KG, ID, RDF, VOID
>>> g = new_graph(); _ = g.add((ID["iran"], RDF.type, KG.Country))
>>> d = describe_dataset(g, created=date(2022, 6, 19))
>>> d.value(DATASET_IRI, VOID.triples), d.value(DATASET_IRI, VOID.entities)
(rdflib.term.Literal('1', datatype=rdflib.term.URIRef('http://www.w3.org/2001/XMLSchema#integer')), \
rdflib.term.Literal('1', datatype=rdflib.term.URIRef('http://www.w3.org/2001/XMLSchema#integer')))
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import UTC, date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

import pyoxigraph
from pyoxigraph import Literal, NamedNode, Triple

from kg.described import DATASET, Census, Data, Terms, integer, sparql_string
from kg.errors import UsageError
from kg.formats import FORMATS, rdf_format
from kg.i18n import LANGUAGES as UI_LANGUAGES
from kg.i18n import digits, term_label, text
from kg.namespaces import BASE, DOCUMENTS, PREFIXES
from kg.output import Export, check_output, write_atomically
from kg.publish.paths import DUMPS
from kg.quality import ValidationReport, quality_triples
from kg.terms import natural_key, natural_text, prefixed, split_iri
from kg.writers import serialize

if TYPE_CHECKING:
    from rdflib import Graph, URIRef

#: The vocabularies' terms as pyoxigraph terms (the description is made of them).
DCAT, DCTERMS, FREQ, OWL, PROV, RDF, RDFS, SD, SDO, VCARD, VOID, XSD = (
    Terms(name)
    for name in ("dcat", "dcterms", "freq", "owl", "prov", "rdf", "rdfs", "sd", "schema", "vcard", "void", "xsd")
)
KG = Terms("kg")
WD = PREFIXES["wd"]
DATASET_IRI = DATASET
ONTOLOGY_IRI, SHAPES_IRI = (NamedNode(BASE + DOCUMENTS[name]) for name in ("ONTOLOGY_IRI", "SHAPES_IRI"))

CC_BY_4 = NamedNode("https://creativecommons.org/licenses/by/4.0/")

#: The catalogue's domain of the description's texts (titles, description, rights, labels): each is written as an
#: ``@en`` and an ``@fa`` literal.
TEXTS = "dataset"


def texts(key: str, /, **values: Any) -> dict[str, str]:
    """The catalogue's text ``key`` of the description in each UI language, ``{lang: text}``."""
    return {lang: text(TEXTS, key, lang, **values) for lang in UI_LANGUAGES}


#: Terms the description points to that are described nowhere else, with the key of their names in the catalogue.
NAMES = {
    "http://id.loc.gov/vocabulary/iso639-1/fa": "language_fa",
    "http://id.loc.gov/vocabulary/iso639-1/en": "language_en",
    CC_BY_4.value: "licence",
}
#: The key of each named graph's ``void:subset`` title, by its name after the base IRI (others: ``subset_other``).
SUBSET_TITLES = {"data": "subset_data", "ontology": "subset_ontology", "vocabularies": "subset_vocabularies"}
LANGUAGES = (
    NamedNode("http://id.loc.gov/vocabulary/iso639-1/fa"),
    NamedNode("http://id.loc.gov/vocabulary/iso639-1/en"),
)
#: IANA's registry of media types, whose IRIs name the dumps' formats (dcat:mediaType, dcat:compressFormat).
IANA = "https://www.iana.org/assignments/media-types/"
#: Formats of the exports, as W3C format IRIs (void:feature) and IANA media types (dcat:mediaType).
FEATURES = {f.name: (f.w3c, f.media_type) for f in FORMATS.values()}
#: Classes whose first instance (in IRI order) is given as void:exampleResource.
EXAMPLE_CLASSES = (KG.NewsArticle, KG.StateVisit, KG.Agreement, KG.Statement, KG.TradeFigure, KG.Slip, KG.Mention)

_ID_SPACE = PREFIXES["kgi"]


def creation_date(sources: Sequence[str | Path] = ()) -> date:
    """``SOURCE_DATE_EPOCH`` if set, else the modification date (UTC) of the newest source, else today."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if epoch.isdigit():
        return datetime.fromtimestamp(int(epoch), UTC).date()
    times = [Path(p).stat().st_mtime for p in sources if Path(p).is_file()]
    return datetime.fromtimestamp(max(times), UTC).date() if times else datetime.now(UTC).date()


def _partition_iri(kind: str, term: NamedNode) -> NamedNode:
    """``…/dataset#class-kg-Person``: a readable, stable IRI for one partition."""
    iri = term.value
    split = split_iri(iri, "xml")
    if split is not None and split[1]:
        return NamedNode(f"{DATASET_IRI.value}#{kind}-{split[0]}-{quote(split[1], safe='')}")
    return NamedNode(f"{DATASET_IRI.value}#{kind}-{quote(iri, safe='')}")


def _vocabularies(terms: set[NamedNode]) -> list[NamedNode]:
    """The namespaces (of PREFIXES, outside our own id space) of ``terms``: every property and class used."""
    found = set()
    for term in terms:
        for ns in PREFIXES.values():
            if term.value.startswith(ns) and not ns.startswith(_ID_SPACE):
                found.add(ns)
    return [NamedNode(ns) for ns in sorted(found)]


class Description:
    """The description's statements, each once, in the order first added (what an rdflib graph of them holds)."""

    def __init__(self) -> None:
        self.triples: dict[Triple, None] = {}

    def add(self, triple: tuple[Any, Any, Any]) -> None:
        self.triples[Triple(*triple)] = None

    def __iter__(self) -> Iterable[Triple]:
        return iter(self.triples)


def _add_bilingual(graph: Description, subject: Any, predicate: NamedNode, values: Mapping[str, str]) -> None:
    for lang, value in values.items():
        graph.add((subject, predicate, Literal(value, language=lang)))


def description_triples(
    parts: Mapping[URIRef, Graph] | Graph | pyoxigraph.Store | Data,
    *,
    endpoint: str | None = None,
    created: date | None = None,
    sources: Sequence[str | Path] = (),
    report: ValidationReport | None = None,
    copies: bool = True,
) -> list[Triple]:
    """A VoID/DCAT description of the union of ``parts`` (a graph, named graphs, or a store whose named
    graphs are the parts), as pyoxigraph triples, each once. Each named graph is a ``void:subset`` with its
    counts; ``report``, the validation of the data, adds what it found to the quality measurements
    (:mod:`kg.quality`). ``copies=False``: without the statements it copies from the data so that it stands
    alone (:func:`copied`), which a dataset that holds the data has already (the exports' description graph)."""
    data = Data.of(parts)
    d = Description()
    ds = DATASET_IRI
    d.add((ds, RDF.type, VOID.Dataset))
    d.add((ds, RDF.type, DCAT.Dataset))
    for key, predicate in (
        ("title", DCTERMS.title),
        ("description", DCTERMS.description),
        ("rights", DCTERMS.rights),
        ("creator", DCTERMS.creator),
    ):
        _add_bilingual(d, ds, predicate, texts(key))
    for lang, words in texts("keywords").items():
        for word in words.split(text("publication", "list_sep", lang)):
            d.add((ds, DCAT.keyword, Literal(word, language=lang)))
    d.add((ds, DCTERMS.license, CC_BY_4))
    d.add((ds, DCTERMS.created, Literal((created or creation_date(sources)).isoformat(), datatype=XSD.date)))
    for language in LANGUAGES:
        d.add((ds, DCTERMS.language, language))
    for iri, key in NAMES.items():
        _add_bilingual(d, NamedNode(iri), RDFS.label, texts(key))
    d.add((ds, DCTERMS.conformsTo, ONTOLOGY_IRI))
    d.add((ds, DCTERMS.conformsTo, SHAPES_IRI))
    d.add((ds, VOID.uriSpace, Literal(_ID_SPACE)))

    _describe_source(data, d)
    if copies:
        for triple in copied(data):
            d.add(triple)
    counted = data.census(_ID_SPACE)  # the dataset's and each named graph's counts
    used = _describe_counts(data, counted, d)
    for example in examples(data):
        d.add((ds, VOID.exampleResource, example))
    for vocabulary in _vocabularies(used):
        d.add((ds, VOID.vocabulary, vocabulary))
    gzip = NamedNode(f"{IANA}application/gzip")
    for name, (feature, media_type) in FEATURES.items():
        syntax = feature.replace("_", "/")
        w3c = NamedNode(f"http://www.w3.org/ns/formats/{feature}")
        d.add((ds, VOID.feature, w3c))
        _add_bilingual(d, w3c, RDFS.label, {"en": syntax, "fa": syntax})
        dist = NamedNode(f"{ds.value}#distribution-{name}")
        d.add((ds, DCAT.distribution, dist))
        d.add((dist, RDF.type, DCAT.Distribution))
        command = f"kg export --format {name}"
        _add_bilingual(d, dist, DCTERMS.title, texts("distribution", syntax=syntax, command=command))
        media = NamedNode(f"{IANA}{media_type}")
        d.add((dist, DCAT.mediaType, media))
        _add_bilingual(d, media, RDFS.label, {"en": media_type, "fa": media_type})
        d.add((dist, DCTERMS.license, CC_BY_4))
        dump_name = f"kg.{FORMATS[name].extension}.gz"
        dump = NamedNode(f"{BASE}{DUMPS}{dump_name}")
        _add_bilingual(d, dump, RDFS.label, {"en": dump_name, "fa": dump_name})
        d.add((dist, DCAT.downloadURL, dump))
        d.add((dist, DCAT.accessURL, dump))
        d.add((dist, DCAT.compressFormat, gzip))
        _add_bilingual(d, gzip, RDFS.label, {"en": "application/gzip", "fa": "application/gzip"})
        d.add((ds, VOID.dataDump, dump))
    _describe_publication(data, d, created or creation_date(sources))
    _describe_subsets(counted, d)
    for triple in quality_triples(data, report):
        d.add(triple)
    if endpoint:
        service = NamedNode(f"{ds.value}#sparql")
        d.add((ds, VOID.sparqlEndpoint, NamedNode(endpoint)))
        d.add((service, RDF.type, DCAT.DataService))
        d.add((service, DCAT.endpointURL, NamedNode(endpoint)))
        d.add((service, DCAT.servesDataset, ds))
        d.add((service, DCTERMS.conformsTo, NamedNode("https://www.w3.org/TR/sparql11-protocol/")))
    return list(d)


def describe_dataset(parts: Mapping[URIRef, Graph] | Graph | pyoxigraph.Store | Data, **options: Any) -> Graph:
    """:func:`description_triples` (``options``: its keywords) as an rdflib graph (the project's prefixes bound)."""
    return rdflib_graph(description_triples(parts, **options))


def rdflib_graph(triples: Iterable[Triple]) -> Graph:
    """The description's triples in a new rdflib graph, every lexical form as it is (:func:`kg.terms.to_rdflib`)."""
    from kg.namespaces import new_graph
    from kg.terms import to_rdflib

    graph = new_graph()
    add = graph.add
    for s, p, o in triples:
        add((to_rdflib(s), to_rdflib(p), to_rdflib(o)))
    return graph


def dataset_version(data: Data) -> str:
    """The version of the dataset: the ``owl:versionInfo`` of the ontology it ships with (one number for both)."""
    found = data.objects(ONTOLOGY_IRI, OWL.versionInfo)
    return found[0].value if found else "0"


def citation(version: str, year: int, lang: str = "en") -> str:
    """How to cite the dataset (dcterms:bibliographicCitation; CITATION.cff says the same in English)."""
    return text(
        TEXTS,
        "citation",
        lang,
        creator=text(TEXTS, "creator", lang),
        year=digits(str(year), lang),
        title=text(TEXTS, "title", lang),
        version=digits(version, lang),
        iri=DATASET_IRI.value,
    )


def _describe_publication(data: Data, d: Description, created: date) -> None:
    """Who publishes it and how to reach them, its version, its links to Wikidata, how to cite it, and the
    curation that made it (PROV: the activity, its agent, its date)."""
    ds, version = DATASET_IRI, dataset_version(data)
    publisher, contact, curation = (NamedNode(f"{ds.value}#{name}") for name in ("publisher", "contact", "curation"))
    d.add((ds, DCTERMS.publisher, publisher))
    d.add((publisher, RDF.type, PROV.Organization))
    d.add((publisher, RDF.type, DCTERMS.Agent))
    _add_bilingual(d, publisher, RDFS.label, texts("creator"))
    d.add((ds, DCAT.contactPoint, contact))
    d.add((contact, RDF.type, VCARD.Organization))
    _add_bilingual(d, contact, RDFS.label, texts("creator"))
    d.add((contact, VCARD.fn, Literal(text(TEXTS, "creator", "en"), language="en")))
    home = NamedNode(BASE)
    d.add((contact, VCARD.hasURL, home))
    d.add((ds, DCAT.landingPage, home))
    _add_bilingual(d, home, RDFS.label, texts("title"))
    search = NamedNode(f"{BASE}opensearch.xml")
    d.add((ds, VOID.openSearchDescription, search))  # /search, described for machines
    _add_bilingual(d, search, RDFS.label, texts("search_description"))
    d.add((ds, OWL.versionInfo, Literal(version)))
    versioned = NamedNode(f"{ds.value}/{version}")
    d.add((ds, DCTERMS.hasVersion, versioned))
    d.add((versioned, DCTERMS.isVersionOf, ds))
    _add_bilingual(
        d,
        versioned,
        RDFS.label,
        {lang: text(TEXTS, "version", lang, version=digits(version, lang)) for lang in UI_LANGUAGES},
    )
    d.add((ds, DCTERMS.modified, Literal(created.isoformat(), datatype=XSD.date)))
    policy = NamedNode(f"{ds.value}#accrual-policy")
    d.add((ds, DCTERMS.accrualPeriodicity, FREQ.irregular))
    d.add((ds, DCTERMS.accrualPolicy, policy))
    d.add((policy, RDF.type, DCTERMS.Policy))
    _add_bilingual(d, policy, DCTERMS.description, texts("accrual_policy"))
    _add_bilingual(d, policy, RDFS.label, texts("accrual_policy_label"))
    for lang in UI_LANGUAGES:  # each in its language (the English one was untagged: Persian pages gave it first)
        d.add((ds, DCTERMS.bibliographicCitation, Literal(citation(version, created.year, lang), language=lang)))
    # The links to Wikidata as a void:Linkset, with their count.
    ((links,),) = data.select(
        f"SELECT (COUNT(DISTINCT *) AS ?n) {{ ?s {OWL.sameAs} ?o FILTER STRSTARTS(STR(?o), {sparql_string(WD)}) }}"
    )
    linkset, wikidata = NamedNode(f"{ds.value}#linkset-wikidata"), NamedNode(f"{ds.value}#wikidata")
    d.add((ds, VOID.subset, linkset))
    d.add((linkset, RDF.type, VOID.Linkset))
    _add_bilingual(d, linkset, RDFS.label, texts("linkset"))
    d.add((linkset, VOID.subjectsTarget, ds))
    d.add((linkset, VOID.objectsTarget, wikidata))
    d.add((linkset, VOID.linkPredicate, OWL.sameAs))
    d.add((linkset, VOID.triples, integer(int(links.value))))
    d.add((wikidata, RDF.type, VOID.Dataset))
    _add_bilingual(d, wikidata, DCTERMS.title, texts("wikidata"))
    d.add((wikidata, VOID.uriSpace, Literal(WD)))
    # The curation: who turned the article into the graph, from what, and when.
    d.add((ds, PROV.wasGeneratedBy, curation))
    d.add((curation, RDF.type, PROV.Activity))
    _add_bilingual(d, curation, RDFS.label, texts("curation"))
    d.add((curation, PROV.wasAssociatedWith, publisher))
    d.add((curation, PROV.endedAtTime, Literal(f"{created.isoformat()}T00:00:00+00:00", datatype=XSD.dateTime)))
    for article in data.subjects(RDF.type, KG.NewsArticle):
        d.add((curation, PROV.used, article))
    d.add((ds, PROV.wasAttributedTo, publisher))


def _describe_subsets(counted: Census, d: Description) -> None:
    """Each named graph of the dumps (TriG, N-Quads) as a ``void:subset``: its name, counts and its own document.
    A single graph given without a name (kept under the dataset's IRI by :meth:`Data.of`) is no subset."""
    for name, (triples, properties, subjects, _) in counted.graphs.items():
        if name == DATASET_IRI:
            continue
        iri = name.value
        stem = iri[len(BASE) :] if iri.startswith(BASE) else quote(iri, safe="")
        subset = NamedNode(f"{DATASET_IRI.value}#graph-{stem}")
        d.add((DATASET_IRI, VOID.subset, subset))
        d.add((subset, RDF.type, VOID.Dataset))
        d.add((subset, RDF.type, SD.NamedGraph))
        d.add((subset, SD.name, name))
        titles = texts(SUBSET_TITLES[stem]) if stem in SUBSET_TITLES else texts("subset_other", name=stem)
        _add_bilingual(d, subset, DCTERMS.title, titles)
        if stem == "data":
            _add_bilingual(d, name, RDFS.label, texts("data_graph"))
        d.add((subset, VOID.triples, integer(triples)))
        d.add((subset, VOID.distinctSubjects, integer(subjects)))
        d.add((subset, VOID.properties, integer(properties)))
        if iri.startswith(BASE):
            document = NamedNode(f"{iri}.ttl")
            d.add((subset, VOID.dataDump, document))
            _add_bilingual(d, document, RDFS.label, {"en": f"{stem}.ttl", "fa": f"{stem}.ttl"})


def _describe_source(data: Data, d: Description) -> None:
    """The source articles (their statements copied from the data: :func:`copied`)."""
    for article in data.subjects(RDF.type, KG.NewsArticle):
        d.add((DATASET_IRI, DCTERMS.source, article))
        d.add((DATASET_IRI, PROV.wasDerivedFrom, article))
        d.add((DATASET_IRI, VOID.rootResource, article))


def copied(parts: Mapping[URIRef, Graph] | Graph | pyoxigraph.Store | Data) -> list[Triple]:
    """The statements of the source articles and their publisher that the description copies from the data
    (``parts``, as :func:`description_triples` takes them) so that it stands alone: two queries for all the
    articles (at 1 000 articles, 9 000 look-ups one by one took 0.2 s; the queries and their 6 000
    statements 0.27 s of the description's 0.72)."""
    data = Data.of(parts)
    kept = " ".join(str(p) for p in (RDF.type, SDO.headline, SDO.url, SDO.datePublished, SDO.inLanguage))
    article = f"?article {RDF.type} {KG.NewsArticle}"
    found = data.select(
        f"SELECT DISTINCT ?article ?p ?v {{ {article} ; ?p ?v VALUES ?p {{ {kept} {SDO.publisher} }} }}"
    )
    found += data.select(
        f"SELECT DISTINCT ?publisher ?p ?v {{ {article} ; {SDO.publisher} ?publisher . ?publisher ?p ?v"
        f" VALUES ?p {{ {RDFS.label} {SDO.url} }} }}"
    )
    return [Triple(*row) for row in found]


def _describe_counts(data: Data, counted: Census, d: Description) -> set[NamedNode]:
    """The dataset's counts and its class and property partitions; the classes and properties used."""
    ds = DATASET_IRI
    ((objects,),) = data.select("SELECT (COUNT(DISTINCT ?o) AS ?objects) { ?s ?p ?o }")
    typed = data.select(f"SELECT ?c (COUNT(DISTINCT ?s) AS ?n) {{ ?s {RDF.type} ?c FILTER isIRI(?c) }} GROUP BY ?c")
    properties = counted.properties
    d.add((ds, VOID.triples, integer(sum(count for _, count in properties))))
    d.add((ds, VOID.entities, integer(counted.entities)))
    d.add((ds, VOID.classes, integer(len(typed))))
    d.add((ds, VOID.properties, integer(len(properties))))
    d.add((ds, VOID.distinctSubjects, integer(counted.subjects)))
    d.add((ds, VOID.distinctObjects, integer(int(objects.value))))
    names = _term_names(data)
    for cls, count in typed:
        part = _partition_iri("class", cls)
        d.add((ds, VOID.classPartition, part))
        d.add((part, VOID["class"], cls))
        d.add((part, VOID.entities, integer(int(count.value))))
        _add_bilingual(
            d,
            part,
            RDFS.label,
            {lang: text(TEXTS, "class_partition", lang, name=names(cls, lang)) for lang in UI_LANGUAGES},
        )
    for prop, count in properties:
        part = _partition_iri("property", prop)
        d.add((ds, VOID.propertyPartition, part))
        d.add((part, VOID.property, prop))
        d.add((part, VOID.triples, integer(count)))
        _add_bilingual(
            d,
            part,
            RDFS.label,
            {lang: text(TEXTS, "property_partition", lang, name=names(prop, lang)) for lang in UI_LANGUAGES},
        )
    return {cls for cls, _ in typed} | {prop for prop, _ in properties}


def _term_names(data: Data) -> Callable[[NamedNode, str], str]:
    """A term's name in a language: its label in the data (the ontology's terms), else the catalogue's name of a
    standard term (``[terms]``), else its prefixed name."""
    labels: dict[tuple[str, str], str] = {}
    for term, label in data.select(
        f"SELECT DISTINCT ?t ?l {{ ?t {RDFS.label} ?l FILTER (isIRI(?t)"
        f' && STRSTARTS(STR(?t), {sparql_string(PREFIXES["kg"])}) && LANG(?l) IN ("en", "fa")) }}'
    ):
        labels.setdefault((term.value, label.language), label.value)

    def name(term: NamedNode, lang: str) -> str:
        curie = prefixed(term.value)
        return labels.get((term.value, lang)) or term_label(curie, lang) or curie

    return name


def examples(data: Data) -> list[NamedNode]:
    """The first instance (in IRI order: :func:`kg.terms.natural_key`) of each class of EXAMPLE_CLASSES that has
    one. The least of each class's IRIs is found by one string each (:func:`kg.terms.natural_text`, the same
    order), not by sorting them by nested tuples: at 1 000 synthetic articles 20 000 IRIs, most of the
    description's time in Python."""
    found = []
    for cls in EXAMPLE_CLASSES:
        iris = data.iris(RDF.type, cls)
        if iris:
            texts = [natural_text(iri) for iri in iris]
            if None in texts:
                found.append(NamedNode(min(iris, key=natural_key)))
            else:
                found.append(NamedNode(iris[texts.index(min(texts))]))
    return found


def describe_target(fmt: str, out: str | Path | None) -> tuple[Any, Path | None]:
    """The format and the file ``kg describe`` writes (None: stdout), or the refusal of either (UsageError,
    OutputError): called before any work, the validation that comes first included."""
    chosen = rdf_format(fmt)
    if chosen.dataset:
        raise UsageError(f"the description is one graph: choose turtle, nt, jsonld or xml, not {fmt}")
    return chosen, check_output(out, directory=False) if out is not None else None


def describe(
    sources: Any, *, endpoint: str | None = None, fmt: str = "turtle", out: str | Path | None = None
) -> Export:
    """``kg describe``: the description of ``sources`` (a :class:`kg.sources.Sources`, validated if its ``report``
    is set), as text or written to ``out``."""
    chosen, target = describe_target(fmt, out)
    text = serialize(sources.description(endpoint=endpoint), chosen)
    if target is None:
        return Export(text=text)
    write_atomically({target: text})
    return Export(written=[("dataset description", target)])
