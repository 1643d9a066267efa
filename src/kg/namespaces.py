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


def _rdflib_names() -> dict[str, Any]:
    """rdflib's namespace objects of :data:`PREFIXES` and the dataset's IRIs as ``URIRef``, made at first use."""
    from rdflib import Namespace, URIRef
    from rdflib import namespace as shipped
    from rdflib.namespace import DefinedNamespace

    standard = [
        "DCAT",
        "DCTERMS",
        "ORG",
        "OWL",
        "PROV",
        "RDF",
        "RDFS",
        "SDO",
        "SH",
        "SKOS",
        "TIME",
        "VANN",
        "VOID",
        "XSD",
    ]

    ONTOLOGY_IRI = URIRef(BASE + "ontology")
    SHAPES_IRI = URIRef(BASE + "shapes")
    VOCABULARIES_IRI = URIRef(BASE + "vocabularies")
    DATASET_IRI = URIRef(BASE + "dataset")

    class KG(DefinedNamespace):
        """The project's ontology terms (``ontology/kg.ttl``)."""

        _NS = Namespace(PREFIXES["kg"])
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

        _NS = Namespace(PREFIXES["nif"])
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

        _NS = Namespace(PREFIXES["itsrdf"])
        _fail = True

        taIdentRef: URIRef

    class VCARD(DefinedNamespace):
        """The vCard terms of the dataset's contact point (DCAT's dcat:contactPoint)."""

        _NS = Namespace(PREFIXES["vcard"])
        _fail = True

        Organization: URIRef
        fn: URIRef
        hasURL: URIRef

    class DQV(DefinedNamespace):
        """The W3C Data Quality Vocabulary terms of the dataset's quality measurements (:mod:`kg.quality`)."""

        _NS = Namespace(PREFIXES["dqv"])
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

        _NS = Namespace(PREFIXES["ldqd"])
        _fail = True

        completeness: URIRef
        consistency: URIRef
        interlinking: URIRef
        semanticAccuracy: URIRef
        trustworthiness: URIRef
        understandability: URIRef

    class SD(DefinedNamespace):
        """SPARQL 1.1 Service Description terms: a named graph of the dataset (``sd:name``) in its description."""

        _NS = Namespace(PREFIXES["sd"])
        _fail = True

        NamedGraph: URIRef
        name: URIRef

    class FREQ(DefinedNamespace):
        """The Dublin Core Collection Description Frequency Vocabulary (``dcterms:accrualPeriodicity``)."""

        _NS = Namespace(PREFIXES["freq"])
        _fail = True

        irregular: URIRef

    SCHEMA = shipped.SDO
    ID = Namespace(PREFIXES["kgi"])
    KGC = Namespace(PREFIXES["kgc"])
    KGSH = Namespace(PREFIXES["kgsh"])
    WD = Namespace(PREFIXES["wd"])

    made = {name: value for name, value in locals().items() if name.isupper() and not name.startswith("_")}
    return {**made, **{name: getattr(shipped, name) for name in standard}}


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
