"""The SPARQL 1.1 Service Description of ``kg serve``'s endpoint (``GET /query`` with no query).

SPARQL 1.1 Service Description §2: a client that dereferences the endpoint
without a query gets an RDF description of the service. Ours says: the endpoint
and the language (SPARQL 1.1 Query, read-only: no Update), the result formats
Oxigraph answers in, the default entailment regime (RDFS: the store holds the
RDFS closure, unless ``kg serve --entailment none``), the default dataset (one
graph, its triple count, described by ``/dataset``), and the limits (time,
rows, no SERVICE) in words, as no standard vocabulary states them; its label and
comment in English and Persian, as the dataset's description has them.
"""

from __future__ import annotations

from rdflib import BNode, Graph, Literal, Namespace, URIRef

from kg.i18n import LANGUAGES, format_count, text
from kg.namespaces import DATASET_IRI, DCTERMS, RDF, RDFS, VOID, new_graph

SD = Namespace("http://www.w3.org/ns/sparql-service-description#")
ENTAILMENT = Namespace("http://www.w3.org/ns/entailment/")
FORMATS = Namespace("http://www.w3.org/ns/formats/")
#: What Oxigraph's server answers in: SELECT/ASK results, and graphs for CONSTRUCT/DESCRIBE.
RESULT_FORMATS = (
    "SPARQL_Results_JSON", "SPARQL_Results_XML", "SPARQL_Results_CSV", "SPARQL_Results_TSV",
    "Turtle", "N-Triples", "RDF_XML", "JSON-LD",
)  # fmt: skip


def service_description(
    endpoint: str,
    *,
    triples: int | None = None,
    entailment: str = "rdfs",
    timeout: float | None = None,
    max_rows: int | None = None,
    allow_external: bool = False,
) -> Graph:
    """The description of the endpoint at ``endpoint`` (an absolute URL)."""
    g = new_graph()
    g.bind("sd", SD)
    service = URIRef(endpoint)
    g.add((service, RDF.type, SD.Service))
    g.add((service, SD.endpoint, service))
    g.add((service, SD.supportedLanguage, SD.SPARQL11Query))
    for name in RESULT_FORMATS:
        g.add((service, SD.resultFormat, FORMATS[name]))
    if entailment == "rdfs":
        g.add((service, SD.defaultEntailmentRegime, ENTAILMENT.RDFS))
    else:
        g.add((service, SD.defaultEntailmentRegime, ENTAILMENT.Simple))
    dataset, graph = BNode("defaultDataset"), BNode("defaultGraph")
    g.add((service, SD.defaultDataset, dataset))
    g.add((dataset, RDF.type, SD.Dataset))
    g.add((dataset, DCTERMS.source, DATASET_IRI))
    g.add((dataset, SD.defaultGraph, graph))
    g.add((graph, RDF.type, SD.Graph))
    if triples is not None:
        g.add((graph, VOID.triples, Literal(triples)))
    for lang in LANGUAGES:
        g.add((service, RDFS.label, Literal(text("publication", "service_label", lang), lang=lang)))
        g.add((service, RDFS.comment, Literal(_limits(lang, timeout, max_rows, allow_external), lang=lang)))
    return g


def _limits(lang: str, timeout: float | None, max_rows: int | None, allow_external: bool) -> str:
    """The limits in words, in ``lang``: the numbers as Persian writes them (``۲٫۵``, ``۱۰٬۰۰۰``), plain in
    English (``10000``), as clients have read them."""

    def number(value: float) -> str:
        whole = int(value) if float(value).is_integer() else value
        return format_count(whole, lang) if lang == "fa" else f"{value:g}"

    said = [
        text("publication", "service_timeout", lang, seconds=number(timeout))
        if timeout
        else text("publication", "service_no_timeout", lang),
        text("publication", "service_rows", lang, rows=number(max_rows))
        if max_rows
        else text("publication", "service_all_rows", lang),
        text("publication", "service_external" if allow_external else "service_no_external", lang),
        text("publication", "service_read_only", lang),
    ]
    return " ".join(said)
