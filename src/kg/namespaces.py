"""Every namespace and prefix of the project, bound in one place.

Our own ontology namespace is closed: ``KG.Agrement`` raises AttributeError on
import instead of minting a new IRI. A test keeps the term list below equal to
the terms declared in ``ontology/kg.ttl``.

>>> str(KG.Agreement)
'https://w3id.org/iran-kazakhstan-kg/ontology#Agreement'
>>> str(ID["kazakhstan"])
'https://w3id.org/iran-kazakhstan-kg/id/kazakhstan'
"""

from __future__ import annotations

from rdflib import Graph, Namespace, URIRef
from rdflib.namespace import (
    DCAT,
    DCTERMS,
    OWL,
    PROV,
    RDF,
    RDFS,
    SDO,
    SH,
    SKOS,
    TIME,
    VANN,
    VOID,
    XSD,
    DefinedNamespace,
)
from rdflib.namespace import ORG as _ORG

BASE = "https://w3id.org/iran-kazakhstan-kg/"
ONTOLOGY_IRI = URIRef(BASE + "ontology")
SHAPES_IRI = URIRef(BASE + "shapes")
VOCABULARIES_IRI = URIRef(BASE + "vocabularies")
DATASET_IRI = URIRef(BASE + "dataset")


class KG(DefinedNamespace):
    """The project's ontology terms (``ontology/kg.ttl``)."""

    _NS = Namespace(BASE + "ontology#")
    _fail = True

    Agreement: URIRef
    BilateralRelation: URIRef
    BodyOfWater: URIRef
    Ceremony: URIRef
    Change: URIRef
    City: URIRef
    Claim: URIRef
    Company: URIRef
    Conflict: URIRef
    CorridorSection: URIRef
    Country: URIRef
    CountryGroup: URIRef
    Delegation: URIRef
    Enumeration: URIRef
    Event: URIRef
    Figure: URIRef
    Government: URIRef
    GovernmentBody: URIRef
    Identification: URIRef
    InternationalOrganization: URIRef
    Meeting: URIRef
    Mention: URIRef
    Ministry: URIRef
    Negotiation: URIRef
    NewsArticle: URIRef
    NewsOrganization: URIRef
    Organization: URIRef
    PeaceProcess: URIRef
    Period: URIRef
    Person: URIRef
    Place: URIRef
    Post: URIRef
    Region: URIRef
    ResearchInstitute: URIRef
    Route: URIRef
    RouteStop: URIRef
    Slip: URIRef
    SolarHijriDecade: URIRef
    SolarHijriYear: URIRef
    StateControl: URIRef
    StateVisit: URIRef
    Statement: URIRef
    Target: URIRef
    TradeFigure: URIRef
    TradeTrend: URIRef
    Train: URIRef
    TransportCorridor: URIRef
    Visit: URIRef
    adoptedReading: URIRef
    affects: URIRef
    agreementKind: URIRef
    alternativeReading: URIRef
    approximate: URIRef
    baselinePeriod: URIRef
    basis: URIRef
    between: URIRef
    bordersWater: URIRef
    certainty: URIRef
    changeOf: URIRef
    claimObject: URIRef
    claimProperty: URIRef
    claimSubject: URIRef
    claimValue: URIRef
    claimedStatement: URIRef
    concluded: URIRef
    concludedDuring: URIRef
    confidence: URIRef
    containerCount: URIRef
    contains: URIRef
    controlledOrganization: URIRef
    controllingState: URIRef
    cooperationDomain: URIRef
    correctedStatement: URIRef
    country: URIRef
    cueKind: URIRef
    cueScope: URIRef
    destination: URIRef
    dominantFlow: URIRef
    editorialBasis: URIRef
    endorsesWordsOf: URIRef
    enumerationMarker: URIRef
    evidenceKind: URIRef
    facilitator: URIRef
    factualityCue: URIRef
    firstOfItsKind: URIRef
    gloss: URIRef
    hasChange: URIRef
    hasSection: URIRef
    hasSubEvent: URIRef
    host: URIRef
    identificationOf: URIRef
    indicator: URIRef
    inferredDomain: URIRef
    intendedForm: URIRef
    launchedAt: URIRef
    listIsExhaustive: URIRef
    listedIn: URIRef
    listedItem: URIRef
    locatedIn: URIRef
    madeStatement: URIRef
    memberCount: URIRef
    memberCountry: URIRef
    memberOf: URIRef
    neighbourOf: URIRef
    occasion: URIRef
    occasionOf: URIRef
    origin: URIRef
    participant: URIRef
    party: URIRef
    partyTo: URIRef
    passesThrough: URIRef
    per: URIRef
    perDuration: URIRef
    period: URIRef
    planned: URIRef
    polarity: URIRef
    reason: URIRef
    reportedBy: URIRef
    reportedIn: URIRef
    reports: URIRef
    role: URIRef
    route: URIRef
    routeOf: URIRef
    sectionOf: URIRef
    setsTarget: URIRef
    signatory: URIRef
    signed: URIRef
    signedAt: URIRef
    since: URIRef
    slipKind: URIRef
    solarHijriYearFrom: URIRef
    solarHijriYearTo: URIRef
    speaker: URIRef
    speakerCapacity: URIRef
    speechMode: URIRef
    stage: URIRef
    statedDomain: URIRef
    stop: URIRef
    stopOf: URIRef
    stopPlace: URIRef
    subEventOf: URIRef
    targetSetBy: URIRef
    timeReference: URIRef
    titleSubject: URIRef
    topic: URIRef
    unit: URIRef
    via: URIRef
    visitor: URIRef
    wagonCount: URIRef
    writtenForm: URIRef


class NIF(DefinedNamespace):
    """The NIF 2.0 Core terms we use for mentions."""

    _NS = Namespace("http://persistence.uni-leipzig.org/nlp2rdf/ontologies/nif-core#")
    _fail = True

    Context: URIRef
    OffsetBasedString: URIRef
    String: URIRef
    isString: URIRef
    beginIndex: URIRef
    endIndex: URIRef
    anchorOf: URIRef
    referenceContext: URIRef


class ITSRDF(DefinedNamespace):
    """The ITS 2.0 RDF term that links a mention to what it identifies."""

    _NS = Namespace("http://www.w3.org/2005/11/its/rdf#")
    _fail = True

    taIdentRef: URIRef


class VCARD(DefinedNamespace):
    """The vCard terms of the dataset's contact point (DCAT's dcat:contactPoint)."""

    _NS = Namespace("http://www.w3.org/2006/vcard/ns#")
    _fail = True

    Organization: URIRef
    fn: URIRef
    hasURL: URIRef


class DQV(DefinedNamespace):
    """The W3C Data Quality Vocabulary terms of the dataset's quality measurements (:mod:`kg.quality`)."""

    _NS = Namespace("http://www.w3.org/ns/dqv#")
    _fail = True

    Metric: URIRef
    QualityMeasurement: URIRef
    computedOn: URIRef
    expectedDataType: URIRef
    hasQualityMeasurement: URIRef
    inDimension: URIRef
    isMeasurementOf: URIRef
    value: URIRef


class LDQD(DefinedNamespace):
    """The Linked Data quality dimensions the DQV note ships (Zaveri et al.) that our metrics are in."""

    _NS = Namespace("http://www.w3.org/2016/05/ldqd#")
    _fail = True

    completeness: URIRef
    consistency: URIRef
    interlinking: URIRef
    semanticAccuracy: URIRef
    trustworthiness: URIRef
    understandability: URIRef


class SD(DefinedNamespace):
    """SPARQL 1.1 Service Description terms: a named graph of the dataset (``sd:name``) in its description."""

    _NS = Namespace("http://www.w3.org/ns/sparql-service-description#")
    _fail = True

    NamedGraph: URIRef
    name: URIRef


class FREQ(DefinedNamespace):
    """The Dublin Core Collection Description Frequency Vocabulary (``dcterms:accrualPeriodicity``)."""

    _NS = Namespace("http://purl.org/cld/freq/")
    _fail = True

    irregular: URIRef


ORG = _ORG
SCHEMA = SDO
ID = Namespace(BASE + "id/")
KGC = Namespace(BASE + "id/concept/")
KGSH = Namespace(BASE + "shapes#")
WD = Namespace("http://www.wikidata.org/entity/")

#: The folders of ``id/`` that hold one kind of resource each; each is also the prefix of its IRIs.
ID_FOLDERS = ("agreement", "event", "statement", "figure", "post", "period", "instant", "slip", "claim", "span")

# Prefix -> namespace, in the order they are written in serialisations.
PREFIXES: dict[str, str] = {
    "kg": str(KG._NS),
    "kgi": str(ID),
    "kgc": str(KGC),
    **{folder: f"{ID}{folder}/" for folder in ID_FOLDERS},
    "kgsh": str(KGSH),
    "wd": str(WD),
    "schema": str(SDO._NS),
    "org": str(ORG._NS),
    "prov": str(PROV._NS),
    "skos": str(SKOS._NS),
    "time": str(TIME._NS),
    "nif": str(NIF._NS),
    "itsrdf": str(ITSRDF._NS),
    "dcterms": str(DCTERMS._NS),
    "dcat": str(DCAT._NS),
    "void": str(VOID._NS),
    "vcard": str(VCARD._NS),
    "dqv": str(DQV._NS),
    "ldqd": str(LDQD._NS),
    "sd": str(SD._NS),
    "freq": str(FREQ._NS),
    "vann": str(VANN._NS),
    "sh": str(SH._NS),
    "owl": str(OWL._NS),
    "rdf": str(RDF._NS),
    "rdfs": str(RDFS._NS),
    "xsd": str(XSD._NS),
}


def bind_prefixes(graph: Graph) -> Graph:
    """Bind every project prefix on ``graph`` (replacing rdflib's defaults) and return it."""
    for prefix, uri in PREFIXES.items():
        graph.bind(prefix, uri, override=True, replace=True)
    return graph


def new_graph(*graphs: Graph) -> Graph:
    """An rdflib graph with only the project's prefixes bound, holding the union of ``graphs`` (none: empty).

    >>> a, b = new_graph(), new_graph()
    >>> _ = a.add((ID["iran"], RDF.type, KG.Country)); _ = b.add((ID["iran"], RDF.type, KG.Country))
    >>> len(new_graph(a, b)), len(new_graph())
    (1, 0)
    """
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
    return URIRef(f"{PREFIXES['span']}{begin}-{end}")
