"""Every namespace and prefix of the project, bound in one place.

Our own ontology namespace is closed: ``KG.Agrement`` raises AttributeError on
import instead of minting a new IRI. A test keeps the term list below equal to
the terms declared in ``ontology/kg.ttl``.

>>> from kg.namespaces import ID, KG
>>> str(KG.Agreement)
'https://w3id.org/iran-kazakhstan-kg/ontology#Agreement'
>>> str(ID["kazakhstan"])
'https://w3id.org/iran-kazakhstan-kg/id/kazakhstan'
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from rdflib import Graph, URIRef

BASE = "https://w3id.org/iran-kazakhstan-kg/"

#: The folders of ``id/`` that hold one kind of resource each; each is also the prefix of its IRIs.
ID_FOLDERS = ("agreement", "event", "statement", "figure", "post", "period", "instant", "slip", "claim", "span")

#: Prefix -> namespace, in the order they are written in serialisations: the one list of the project's
#: namespaces, as plain strings (rdflib's namespace objects below are made from it; a test checks that the
#: standard ones equal rdflib's own).
PREFIXES: dict[str, str] = {
    "kg": BASE + "ontology#",
    "kgi": BASE + "id/",
    "kgc": BASE + "id/concept/",
    **{folder: f"{BASE}id/{folder}/" for folder in ID_FOLDERS},
    "kgsh": BASE + "shapes#",
    "wd": "http://www.wikidata.org/entity/",
    "schema": "https://schema.org/",
    "org": "http://www.w3.org/ns/org#",
    "prov": "http://www.w3.org/ns/prov#",
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "time": "http://www.w3.org/2006/time#",
    "nif": "http://persistence.uni-leipzig.org/nlp2rdf/ontologies/nif-core#",
    "itsrdf": "http://www.w3.org/2005/11/its/rdf#",
    "dcterms": "http://purl.org/dc/terms/",
    "dcat": "http://www.w3.org/ns/dcat#",
    "void": "http://rdfs.org/ns/void#",
    "vcard": "http://www.w3.org/2006/vcard/ns#",
    "dqv": "http://www.w3.org/ns/dqv#",
    "ldqd": "http://www.w3.org/2016/05/ldqd#",
    "sd": "http://www.w3.org/ns/sparql-service-description#",
    "freq": "http://purl.org/cld/freq/",
    "vann": "http://purl.org/vocab/vann/",
    "sh": "http://www.w3.org/ns/shacl#",
    "owl": "http://www.w3.org/2002/07/owl#",
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
}


#: The namespaces rdflib ships, by the names it gives them (``RDFS``, ``SDO`` for schema.org...).
SHIPPED = ("DCAT", "DCTERMS", "ORG", "OWL", "PROV", "RDF", "RDFS", "SDO", "SH", "SKOS", "TIME", "VANN", "VOID", "XSD")
#: The documents of the dataset, as ``<name>_IRI`` names their IRIs under :data:`BASE`.
DOCUMENTS = {"ONTOLOGY_IRI": "ontology", "SHAPES_IRI": "shapes", "VOCABULARIES_IRI": "vocabularies",
             "DATASET_IRI": "dataset"}  # fmt: skip
#: The open namespaces (any local name is an IRI): name -> prefix.
OPEN = {"ID": "kgi", "KGC": "kgc", "KGSH": "kgsh", "WD": "wd"}
#: The closed namespaces: name -> (prefix, what it holds, its terms), plain data; rdflib's
#: ``DefinedNamespace`` of each is made from it at first use (a misspelt term raises AttributeError).
CLOSED: dict[str, tuple[str, str, tuple[str, ...]]] = {
    "KG": (
        "kg",
        "The project's ontology terms (``ontology/kg.ttl``).",
        (
            "Agreement",
            "BilateralRelation",
            "BodyOfWater",
            "Ceremony",
            "Change",
            "City",
            "Claim",
            "Company",
            "Conflict",
            "CorridorSection",
            "Country",
            "CountryGroup",
            "Delegation",
            "Enumeration",
            "Event",
            "Figure",
            "Government",
            "GovernmentBody",
            "Identification",
            "InternationalOrganization",
            "Meeting",
            "Mention",
            "Ministry",
            "Negotiation",
            "NewsArticle",
            "NewsOrganization",
            "Organization",
            "PeaceProcess",
            "Period",
            "Person",
            "Place",
            "Post",
            "Region",
            "ResearchInstitute",
            "Route",
            "RouteStop",
            "Slip",
            "SolarHijriDecade",
            "SolarHijriYear",
            "StateControl",
            "StateVisit",
            "Statement",
            "Target",
            "TradeFigure",
            "TradeTrend",
            "Train",
            "TransportCorridor",
            "Visit",
            "adoptedReading",
            "affects",
            "agreementKind",
            "alternativeReading",
            "approximate",
            "baselinePeriod",
            "basis",
            "between",
            "bordersWater",
            "certainty",
            "changeOf",
            "claimObject",
            "claimProperty",
            "claimSubject",
            "claimValue",
            "claimedStatement",
            "concluded",
            "concludedDuring",
            "confidence",
            "containerCount",
            "contains",
            "controlledOrganization",
            "controllingState",
            "cooperationDomain",
            "correctedStatement",
            "country",
            "cueKind",
            "cueScope",
            "destination",
            "dominantFlow",
            "editorialBasis",
            "endorsesWordsOf",
            "enumerationMarker",
            "evidenceKind",
            "facilitator",
            "factualityCue",
            "firstOfItsKind",
            "gloss",
            "hasChange",
            "hasSection",
            "hasSubEvent",
            "host",
            "identificationOf",
            "indicator",
            "inferredDomain",
            "intendedForm",
            "launchedAt",
            "listIsExhaustive",
            "listedIn",
            "listedItem",
            "locatedIn",
            "madeStatement",
            "memberCount",
            "memberCountry",
            "memberOf",
            "neighbourOf",
            "occasion",
            "occasionOf",
            "origin",
            "participant",
            "party",
            "partyTo",
            "passesThrough",
            "per",
            "perDuration",
            "period",
            "planned",
            "polarity",
            "reason",
            "reportedBy",
            "reportedIn",
            "reports",
            "role",
            "route",
            "routeOf",
            "sectionOf",
            "setsTarget",
            "signatory",
            "signed",
            "signedAt",
            "since",
            "slipKind",
            "solarHijriYearFrom",
            "solarHijriYearTo",
            "speaker",
            "speakerCapacity",
            "speechMode",
            "stage",
            "statedDomain",
            "stop",
            "stopOf",
            "stopPlace",
            "subEventOf",
            "targetSetBy",
            "timeReference",
            "titleSubject",
            "topic",
            "unit",
            "via",
            "visitor",
            "wagonCount",
            "writtenForm",
        ),
    ),
    "NIF": (
        "nif",
        "The NIF 2.0 Core terms we use for mentions.",
        (
            "Context",
            "OffsetBasedString",
            "String",
            "isString",
            "beginIndex",
            "endIndex",
            "anchorOf",
            "referenceContext",
        ),
    ),
    "ITSRDF": (
        "itsrdf",
        "The ITS 2.0 RDF term that links a mention to what it identifies.",
        ("taIdentRef",),
    ),
    "VCARD": (
        "vcard",
        "The vCard terms of the dataset's contact point (DCAT's dcat:contactPoint).",
        (
            "Organization",
            "fn",
            "hasURL",
        ),
    ),
    "DQV": (
        "dqv",
        "The W3C Data Quality Vocabulary terms of the dataset's quality measurements (:mod:`kg.quality`).",
        (
            "Metric",
            "QualityMeasurement",
            "computedOn",
            "expectedDataType",
            "hasQualityMeasurement",
            "inDimension",
            "isMeasurementOf",
            "value",
        ),
    ),
    "LDQD": (
        "ldqd",
        "The Linked Data quality dimensions the DQV note ships (Zaveri et al.) that our metrics are in.",
        (
            "completeness",
            "consistency",
            "interlinking",
            "semanticAccuracy",
            "trustworthiness",
            "understandability",
        ),
    ),
    "SD": (
        "sd",
        "SPARQL 1.1 Service Description terms: a named graph of the dataset (``sd:name``) in its description.",
        (
            "NamedGraph",
            "name",
        ),
    ),
    "FREQ": (
        "freq",
        "The Dublin Core Collection Description Frequency Vocabulary (``dcterms:accrualPeriodicity``).",
        ("irregular",),
    ),
}


def _rdflib_names() -> dict[str, Any]:
    """rdflib's namespace objects of :data:`PREFIXES` and the dataset's IRIs as ``URIRef``, made at first use."""
    from rdflib import Namespace, URIRef
    from rdflib import namespace as shipped
    from rdflib.namespace import DefinedNamespace

    made: dict[str, Any] = {name: getattr(shipped, name) for name in SHIPPED}
    made |= {name: URIRef(BASE + path) for name, path in DOCUMENTS.items()}
    closed = type(DefinedNamespace)  # the metaclass that makes a closed namespace of the annotated terms
    for name, (prefix, doc, terms) in CLOSED.items():
        body = {"__doc__": doc, "__module__": __name__, "_NS": Namespace(PREFIXES[prefix]), "_fail": True,
                "__annotations__": dict.fromkeys(terms, URIRef)}  # fmt: skip
        made[name] = closed(name, (DefinedNamespace,), body)
    made |= {"SCHEMA": shipped.SDO, **{name: Namespace(PREFIXES[prefix]) for name, prefix in OPEN.items()}}
    return made


def __getattr__(name: str) -> Any:
    """rdflib's terms (``KG.Agreement``, ``RDFS.label``, ``ID["iran"]``...), made when first asked for.

    rdflib takes about 0.12 s to import; a ``kg query`` that prints a table needs none of it
    (:data:`PREFIXES` and :data:`BASE` are plain strings).
    """
    if name.isupper() and not name.startswith("_"):
        made = _rdflib_names()
        globals().update(made)
        if name in made:
            return made[name]
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def bind_prefixes(graph: Graph) -> Graph:
    """Bind every project prefix on ``graph`` (replacing rdflib's defaults) and return it."""
    for prefix, uri in PREFIXES.items():
        graph.bind(prefix, uri, override=True, replace=True)
    return graph


def new_graph(*graphs: Graph) -> Graph:
    """An rdflib graph with only the project's prefixes bound, holding the union of ``graphs`` (none: empty).

    >>> from kg.namespaces import ID, KG, RDF
    >>> a, b = new_graph(), new_graph()
    >>> _ = a.add((ID["iran"], RDF.type, KG.Country)); _ = b.add((ID["iran"], RDF.type, KG.Country))
    >>> len(new_graph(a, b)), len(new_graph())
    (1, 0)
    """
    from rdflib import Graph

    merged = bind_prefixes(Graph(bind_namespaces="none"))
    for graph in graphs:
        merged += graph
    return merged


def sparql_prologue() -> str:
    """PREFIX lines for every project prefix, to put before a SPARQL query."""
    return "".join(f"PREFIX {p}: <{u}>\n" for p, u in PREFIXES.items())


def span_iri(begin: int, end: int) -> URIRef:
    """The IRI of the mention covering code points ``begin`` to ``end`` (end exclusive).

    >>> span_iri(3, 9)
    rdflib.term.URIRef('https://w3id.org/iran-kazakhstan-kg/id/span/3-9')
    """
    from rdflib import URIRef

    return URIRef(f"{PREFIXES['span']}{begin}-{end}")
