"""`kg validate`: the shipped data conforms; each check and each SHACL constraint fails on minimal broken data.

Every broken case is a few lines of inline Turtle, checked against one shipped shape (or one
constraint of it, in the manner of pySHACL's per-issue tests), in a good form that passes and
a broken form that gives exactly one expected finding (focus node, path, message, value).
The SHACL cases run on both engines: pyshacl-turbo (the default) and pySHACL (the reference),
so the two must agree. The whole shipped article is validated once per session.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager

import pytest
from rdflib import Graph, Literal
from rdflib.store import TripleAddedEvent, TripleRemovedEvent

from kg import resources
from kg.errors import LoadError
from kg.load import load_ontology, parse_turtle
from kg.namespaces import KGSH, RDF, SH, new_graph
from kg.validate import (
    CHECKS,
    SHACL_ENGINES,
    Finding,
    Report,
    check_labels,
    check_orthography,
    check_quotes,
    check_shapes,
    check_terms,
    check_wikidata,
    compiled_shapes,
    read_wikidata_reference,
    validate,
)

PREFIXES = """
@prefix kg:        <https://w3id.org/iran-kazakhstan-kg/ontology#> .
@prefix kgi:       <https://w3id.org/iran-kazakhstan-kg/id/> .
@prefix kgc:       <https://w3id.org/iran-kazakhstan-kg/id/concept/> .
@prefix event:     <https://w3id.org/iran-kazakhstan-kg/id/event/> .
@prefix statement: <https://w3id.org/iran-kazakhstan-kg/id/statement/> .
@prefix figure:    <https://w3id.org/iran-kazakhstan-kg/id/figure/> .
@prefix post:      <https://w3id.org/iran-kazakhstan-kg/id/post/> .
@prefix period:    <https://w3id.org/iran-kazakhstan-kg/id/period/> .
@prefix instant:   <https://w3id.org/iran-kazakhstan-kg/id/instant/> .
@prefix slip:      <https://w3id.org/iran-kazakhstan-kg/id/slip/> .
@prefix claim:     <https://w3id.org/iran-kazakhstan-kg/id/claim/> .
@prefix span:      <https://w3id.org/iran-kazakhstan-kg/id/span/> .
@prefix wd:        <http://www.wikidata.org/entity/> .
@prefix schema:    <https://schema.org/> .
@prefix org:       <http://www.w3.org/ns/org#> .
@prefix skos:      <http://www.w3.org/2004/02/skos/core#> .
@prefix time:      <http://www.w3.org/2006/time#> .
@prefix nif:       <http://persistence.uni-leipzig.org/nlp2rdf/ontologies/nif-core#> .
@prefix itsrdf:    <http://www.w3.org/2005/11/its/rdf#> .
@prefix owl:       <http://www.w3.org/2002/07/owl#> .
@prefix rdfs:      <http://www.w3.org/2000/01/rdf-schema#> .
@prefix xsd:       <http://www.w3.org/2001/XMLSchema#> .
"""


def turtle(text: str) -> Graph:
    """The inline Turtle (with the data's prefixes) in a graph that binds the project's prefixes."""
    graph = new_graph()
    graph.parse(data=PREFIXES + text, format="turtle")
    return graph


@pytest.fixture(scope="module")
def ontology() -> Graph:
    return load_ontology()


@pytest.fixture(scope="module")
def shapes() -> Graph:
    return parse_turtle(resources.shapes_path())


@pytest.fixture(scope="module")
def shipped_report() -> Report:
    return validate()


@pytest.fixture(scope="module")
def with_ontology(ontology: Graph) -> Callable[[Graph], AbstractContextManager[Graph]]:
    """``with with_ontology(part) as data``: ``part`` plus the ontology, as ``kg validate`` checks data.

    One graph for the module, ``part``'s triples added for the block and taken out after it: copying the
    ontology's thousands of triples into a new rdflib graph for each case cost more than checking the case.
    """
    union = new_graph(ontology)

    @contextmanager
    def join(part: Graph) -> Iterator[Graph]:
        added = [triple for triple in part if triple not in union]
        for triple in added:
            union.add(triple)
        try:
            yield union
        finally:
            for triple in added:
                union.remove(triple)

    return join


@contextmanager
def left_as_it_was(graph: Graph) -> Iterator[None]:
    """Fails unless ``graph`` holds the same triples after the block as before (pySHACL validates it in place): none
    added, as its store announces each addition (rdflib's TripleAddedEvent), and as many as before, so none removed.
    As exact as comparing the sets of its triples, without listing the ontology's thousands twice in each case."""
    changes: list[object] = []
    dispatcher = graph.store.dispatcher
    previous = dispatcher.get_map()
    handlers = dict(previous or {})
    for event in (TripleAddedEvent, TripleRemovedEvent):
        handlers[event] = [*handlers.get(event, []), changes.append]
    dispatcher.set_map(handlers)
    size = len(graph)
    try:
        yield
    finally:
        dispatcher.set_map(previous)
    assert not changes and len(graph) == size, "validation changed the data graph (pySHACL validates it in place)"


def test_a_change_to_the_data_graph_is_noticed():
    """:func:`left_as_it_was` sees a triple added, one removed, and one replaced by another (as many triples after)."""
    graph = turtle("kgi:a rdfs:label 'a' . kgi:b rdfs:label 'b' .")
    original = set(graph)
    triple = next(iter(original))
    other = (triple[0], triple[1], Literal("another value"))
    for change in ([other], [triple], [triple, other]):
        with pytest.raises(AssertionError, match="validation changed the data graph"), left_as_it_was(graph):
            for t in change:
                graph.remove(t) if t in graph else graph.add(t)
        graph.remove(other)  # each change undone for the next
        graph.add(triple)
    with left_as_it_was(graph):
        assert set(graph) == original


@pytest.fixture(scope="module")
def prepared_queries() -> Iterator[None]:
    """pySHACL asks rdflib one SPARQL constraint's text once per focus node (hundreds per article), and rdflib
    parses the text anew each time (about 80 % of pySHACL's time here). While this fixture is in use the text is
    parsed once and the prepared query reused with each focus node's bindings, which is rdflib's own prepared-query
    path (``prepareQuery``, then ``graph.query(prepared, initBindings=...)``): the answers are the same."""
    from rdflib.plugins.sparql.processor import SPARQLProcessor, prepareQuery

    original = SPARQLProcessor.query
    prepared: dict[tuple, object] = {}

    def query(self, text_or_query, bindings=None, namespaces=None, **options):
        if isinstance(text_or_query, str):
            key = (text_or_query, options.get("base"), tuple(sorted((namespaces or {}).items())))
            if key not in prepared:
                prepared[key] = prepareQuery(text_or_query, namespaces, options.get("base"))
            text_or_query = prepared[key]
        return original(self, text_or_query, bindings, namespaces, **options)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(SPARQLProcessor, "query", query)
        yield


def test_shipped_data_conforms(shipped_report):
    assert shipped_report.conforms, shipped_report.format()
    assert shipped_report.checks == list(CHECKS)  # every check ran, in the order --help names them


# --------------------------------------------------------------------------- SHACL, one constraint at a time


def _closure(source: Graph, node: object, target: Graph) -> None:
    """Copy every triple reachable from ``node`` (through blank nodes, lists and named shapes)."""
    todo, seen = [node], set()
    while todo:
        current = todo.pop()
        if current in seen:
            continue
        seen.add(current)
        for p, o in source.predicate_objects(current):
            target.add((current, p, o))
            todo.append(o)


def one_shape(shapes: Graph, shape: str, message: str | None) -> Graph:
    """The shipped shape ``kgsh:<shape>`` alone; with ``message``, its targets and its one constraint saying it."""
    node = KGSH[shape]
    assert (node, RDF.type, SH.NodeShape) in shapes, f"test setup: no shape kgsh:{shape}"
    part = Graph()
    if message is None:
        _closure(shapes, node, part)
        return part
    for p in (RDF.type, SH.targetClass):
        for o in shapes.objects(node, p):
            part.add((node, p, o))
    found = [
        (p, c)
        for p in (SH.property, SH.sparql)
        for c in shapes.objects(node, p)
        if Literal(message, lang="en") in set(shapes.objects(c, SH.message))
    ]
    assert len(found) == 1, f"test setup: kgsh:{shape} has {len(found)} constraints saying {message!r}"
    part.add((node, *found[0]))
    _closure(shapes, found[0][1], part)
    return part


#: The RouteShape's message, for both ways of breaking a route.
ROUTE_MESSAGE = (
    "the stops must be numbered 1, 2, 3 … without gaps or repeats, the first at the origin and the last at "
    "the destination"
)
ROUTE = """
kgi:r a kg:Route ; kg:origin kgi:kazakhstan ; kg:destination kgi:turkey ; kg:stop kgi:r1 , kgi:r2 , kgi:r3 .
kgi:r1 schema:position 1 ; kg:stopPlace kgi:kazakhstan .
kgi:r2 schema:position 2 ; kg:stopPlace kgi:tehran .
kgi:r3 schema:position 3 ; kg:stopPlace kgi:turkey .
"""
CLAIM = """
slip:s a kg:Slip ; kg:claimedStatement claim:c .
claim:c a kg:Claim ; kg:claimSubject kgi:p ; kg:claimProperty org:holds ; kg:claimObject post:president-of-tajikistan .
kgi:p org:holds post:president-of-turkmenistan .
"""
CORRECTION = """
slip:s a kg:Slip ; kg:correctedStatement claim:c .
claim:c a kg:Claim ; kg:claimSubject event:talks ; kg:claimProperty schema:location ; kg:claimObject kgi:almaty .
event:talks schema:location kgi:almaty .
"""
STATEMENT = """
statement:s a kg:Statement ; schema:text "ما باید در این حوزه"@fa .
span:0-18 itsrdf:taIdentRef statement:s ; nif:anchorOf "ما باید در این حوزه" .
span:30-37 itsrdf:taIdentRef statement:s ; nif:anchorOf "گسترش دهیم" .
"""
SPEAKER = """
kgi:p a kg:Person .
statement:s a kg:Statement ; kg:speaker kgi:p .
statement:s kg:occasion event:visit .
"""
SPEAKER_IN_OFFICE = """
kgi:p a kg:Person .
statement:s a kg:Statement ; kg:speaker kgi:p .
statement:s kg:speakerCapacity post:president-of-iran .
"""
PERIOD = """
period:p a kg:Period ; time:hasBeginning instant:a ; time:hasEnd instant:b .
instant:a time:inXSDDate "2021-03-21"^^xsd:date .
instant:b time:inXSDDate "2022-03-20"^^xsd:date .
"""
CHANGE = """
figure:c a kg:Change ; kg:changeOf figure:f ; kg:indicator kgc:trade-value ; kg:period period:sh-1400 .
figure:f kg:indicator kgc:trade-value ; kg:period period:sh-1400 .
"""
MENTION = """
span:0-7 a kg:Mention ; nif:beginIndex 0 ; nif:endIndex 7 ; nif:anchorOf "ما باید" .
"""
#: What both broken routes are reported as: the route, by the shape's message.
ROUTE_FINDING = Finding("shacl", "kgi:r", "", ROUTE_MESSAGE, "kgi:r")

# (what is broken, shape, its constraint's English message or None for the whole shape,
#  good Turtle, (exact replacement that breaks it), expected finding)
SHACL_CASES = [
    (
        "a Persian label removed",
        "PlaceShape",
        "needs exactly one Persian label (rdfs:label @fa)",
        'kgi:kazakhstan a kg:Country ; rdfs:label "Kazakhstan"@en , "قزاقستان"@fa .',
        (', "قزاقستان"@fa', ""),
        Finding("shacl", "kgi:kazakhstan", "rdfs:label", "needs exactly one Persian label (rdfs:label @fa)"),
    ),
    (
        "an entity with no mention",
        "ProvenanceShape",
        None,
        "kgi:syria a kg:Country . span:1-6 a kg:Mention ; itsrdf:taIdentRef kgi:syria .",
        ("kgi:syria a kg:Country", "kgi:narnia a kg:Country"),
        Finding(
            "shacl",
            "kgi:narnia",
            "",
            "needs a mention in the article (a kg:Mention whose itsrdf:taIdentRef is this node) or a "
            "kg:editorialBasis, and an IRI under https://w3id.org/iran-kazakhstan-kg/id/",
            "kgi:narnia",
        ),
    ),
    (
        "a negative wagon count",
        "TrainShape",
        "kg:wagonCount must be one non-negative integer",
        "kgi:train a kg:Train ; kg:wagonCount 24 .",
        ("24", "-1"),
        Finding("shacl", "kgi:train", "kg:wagonCount", "kg:wagonCount must be one non-negative integer", "'-1'"),
    ),
    (
        "a gap in the route's stops",
        "RouteShape",
        ROUTE_MESSAGE,
        ROUTE,
        ("schema:position 3", "schema:position 4"),
        ROUTE_FINDING,
    ),
    (
        "a route whose last stop is not its destination",
        "RouteShape",
        ROUTE_MESSAGE,
        ROUTE,
        ("kg:destination kgi:turkey", "kg:destination kgi:tehran"),
        ROUTE_FINDING,
    ),
    (
        "the article's error asserted as fact",
        "SlipShape",
        "a slip's claimed statement (the error) must not be asserted in the graph: keep it as a kg:Claim only",
        CLAIM,
        ("org:holds post:president-of-turkmenistan .", "org:holds post:president-of-tajikistan ."),
        Finding(
            "shacl",
            "slip:s",
            "",
            "a slip's claimed statement (the error) must not be asserted in the graph: keep it as a kg:Claim only",
            "slip:s",
        ),
    ),
    (
        "a correction no longer asserted",
        "SlipShape",
        "a slip's corrected statement must be asserted in the graph",
        CORRECTION,
        ("event:talks schema:location kgi:almaty .", ""),
        Finding("shacl", "slip:s", "", "a slip's corrected statement must be asserted in the graph", "slip:s"),
    ),
    (
        "a statement text that is not its quote",
        "StatementShape",
        "schema:text must be the exact text of one of the statement's own mentions",
        STATEMENT,
        ('schema:text "ما باید در این حوزه"@fa', 'schema:text "ما باید"@fa'),
        Finding(
            "shacl",
            "statement:s",
            "",
            "schema:text must be the exact text of one of the statement's own mentions",
            "'ما باید'@fa",
        ),
    ),
    (
        "a person's statement with neither occasion nor capacity",
        "StatementShape",
        "a statement by a person needs an occasion or a capacity",
        SPEAKER,
        ("statement:s kg:occasion event:visit .", ""),
        Finding("shacl", "statement:s", "", "a statement by a person needs an occasion or a capacity", "statement:s"),
    ),
    (
        "a person's statement with neither capacity nor occasion",
        "StatementShape",
        "a statement by a person needs an occasion or a capacity",
        SPEAKER_IN_OFFICE,
        ("statement:s kg:speakerCapacity post:president-of-iran .", ""),
        Finding("shacl", "statement:s", "", "a statement by a person needs an occasion or a capacity", "statement:s"),
    ),
    (
        "a period that ends before it begins",
        "PeriodShape",
        "a period must begin before it ends, and its first Solar Hijri year must not follow its last",
        PERIOD,
        ('"2022-03-20"', '"2021-03-01"'),
        Finding(
            "shacl",
            "period:p",
            "",
            "a period must begin before it ends, and its first Solar Hijri year must not follow its last",
            "period:p",
        ),
    ),
    (
        "a Solar Hijri year of two years",
        "SolarHijriYearSpanShape",
        None,
        "period:y a kg:SolarHijriYear ; kg:solarHijriYearFrom 1400 ; kg:solarHijriYearTo 1400 .",
        ("kg:solarHijriYearTo 1400", "kg:solarHijriYearTo 1401"),
        Finding("shacl", "period:y", "", "a Solar Hijri year's first and last year must be the same", "period:y"),
    ),
    (
        "a Solar Hijri decade of nine years",
        "SolarHijriDecadeSpanShape",
        None,
        "period:d a kg:SolarHijriDecade ; kg:solarHijriYearFrom 1380 ; kg:solarHijriYearTo 1389 .",
        ("1389", "1388"),
        Finding(
            "shacl", "period:d", "", "a Solar Hijri decade runs from a year ending in 0 to nine years later", "period:d"
        ),
    ),
    (
        "a change whose figure has another period",
        "ChangeShape",
        "a change and the figure it changes must share indicator and period",
        CHANGE,
        ("figure:f kg:indicator kgc:trade-value ; kg:period period:sh-1400", "figure:f kg:period period:sh-1399"),
        Finding(
            "shacl", "figure:c", "", "a change and the figure it changes must share indicator and period", "figure:c"
        ),
    ),
    (
        "a mention whose end is not begin plus the quote's length",
        "MentionShape",
        "nif:endIndex must exceed nif:beginIndex by the length of nif:anchorOf",
        MENTION,
        ("nif:endIndex 7", "nif:endIndex 8"),
        Finding(
            "shacl", "span:0-7", "", "nif:endIndex must exceed nif:beginIndex by the length of nif:anchorOf", "span:0-7"
        ),
    ),
]


@pytest.mark.parametrize("engine", SHACL_ENGINES)
@pytest.mark.parametrize(
    ("shape", "message", "good", "old_new", "expected"), [c[1:] for c in SHACL_CASES], ids=[c[0] for c in SHACL_CASES]
)
def test_shape_passes_good_data_and_fails_broken_data(
    with_ontology, prepared_queries, shapes, engine, shape, message, good, old_new, expected
):
    part = one_shape(shapes, shape, message)
    old, new = old_new
    assert old in good, f"test setup: {old!r} is not in the good Turtle"
    with with_ontology(turtle(good)) as data:
        assert check_shapes(data, part, engine=engine) == []
    with with_ontology(turtle(good.replace(old, new, 1))) as data, left_as_it_was(data):
        assert check_shapes(data, part, engine=engine) == [expected]


def test_shapes_are_compiled_once_for_the_same_bytes_and_again_once_edited(tmp_path, shapes):
    """kg.validate.compiled_shapes keys the compiled shapes by their file's bytes, not its name: the same bytes are
    neither read nor compiled again, an edited file is, and a file gone is the reader's error."""
    message = "kg:wagonCount must be one non-negative integer"
    part = one_shape(shapes, "TrainShape", message)
    for prefix, namespace in new_graph().namespaces():
        part.bind(prefix, namespace)
    path = tmp_path / "shapes.ttl"
    # The shipped constraint, with bytes of its own (a comment): no other test of this process compiled them.
    written = part.serialize(format="turtle") + f"# in {tmp_path}\n"
    reads: list[str] = []

    def read() -> Graph:
        reads.append(path.read_text(encoding="utf-8"))
        return parse_turtle(path)

    path.write_text(written, encoding="utf-8")
    first = compiled_shapes(path, read)
    assert compiled_shapes(path, read) is first and reads == [written]
    path.write_text(written.replace(message, "a train's wagons: one count"), encoding="utf-8")
    edited = compiled_shapes(path, read)
    assert len(reads) == 2 and edited is not first
    third = written.replace(message, "wagons: a third message")

    def read_then_edit() -> Graph:  # the file changes while it is read: compiled as read, not kept
        graph = read()
        path.write_text(written, encoding="utf-8")
        return graph

    path.write_text(third, encoding="utf-8")
    changed = compiled_shapes(path, read_then_edit)
    path.write_text(third, encoding="utf-8")
    assert compiled_shapes(path, read) is not changed and len(reads) == 4
    data = turtle("kgi:t a kg:Train ; kg:wagonCount -1 .")
    for compiled, said in (
        (first, message),
        (edited, "a train's wagons: one count"),
        (changed, "wagons: a third message"),
    ):
        assert check_shapes(data, compiled) == [Finding("shacl", "kgi:t", "kg:wagonCount", said, "'-1'")]
    path.unlink()
    with pytest.raises(LoadError, match=r"shapes\.ttl: no such file"):
        compiled_shapes(path, read)
    assert len(reads) == 4


def test_unknown_shacl_engine_is_refused(ontology, shapes):
    with pytest.raises(ValueError, match="unknown SHACL engine 'jena': choose one of pyshacl-turbo, pyshacl"):
        check_shapes(ontology, shapes, engine="jena")


@pytest.mark.slow
def test_the_reference_engine_agrees_on_the_shipped_data_and_on_broken_copies(
    tmp_path, data_source, shapes, prepared_queries
):
    """pySHACL (about 1 s per article, its queries prepared once) against pyshacl-turbo on the whole article, once:
    a copy broken in two places. Both engines must find exactly the two breaks, so they also agree that the rest of
    the shipped data conforms (test_shipped_data_conforms checks the unbroken data with pyshacl-turbo)."""
    from kg.load import load_graph

    breaks = [("schema:position 3 ;", "schema:position 4 ;"), ("schema:location kgi:almaty ;", "")]
    broken = data_source
    for old, new in breaks:
        assert broken.count(old) == 1, old
        broken = broken.replace(old, new)
    path = tmp_path / "article.ttl"
    path.write_text(broken, encoding="utf-8")
    graph = load_graph([path])
    turbo, reference = (check_shapes(graph, shapes, engine=engine) for engine in SHACL_ENGINES)
    assert turbo == reference
    assert sorted(f.focus for f in turbo) == [
        "kgi:kazakhstan-iran-turkey-rail-route",  # the first break: a gap in the route's stops
        "slip:almaty-nuclear-talks",  # the second: an event with no place
        "slip:almaty-talks-example",
    ]


# --------------------------------------------------------------------------- the other checks

TEXT = "قاسم جومرت توکایف گفت"


def test_quote_off_its_offsets():
    good = turtle("span:11-17 a kg:Mention ; nif:beginIndex 11 ; nif:endIndex 17 ; nif:anchorOf 'توکایف' .")
    assert check_quotes(good, TEXT) == []
    moved = turtle("span:11-17 a kg:Mention ; nif:beginIndex 10 ; nif:endIndex 16 ; nif:anchorOf 'توکایف' .")
    assert check_quotes(moved, TEXT) == [
        Finding("quotes", "span:11-17", "nif:anchorOf", "the text at 10-16 is ' توکای', not the quoted 'توکایف'"),
        Finding("quotes", "span:11-17", "", "a mention's IRI must end in /span/10-16"),
    ]
    outside = turtle("span:20-30 a kg:Mention ; nif:beginIndex 20 ; nif:endIndex 30 ; nif:anchorOf 'x' .")
    assert check_quotes(outside, TEXT) == [
        Finding("quotes", "span:20-30", "nif:endIndex", "span 20-30 lies outside the text (0-21)")
    ]


def test_article_text_not_verbatim():
    assert check_quotes(turtle(f"kgi:article a kg:NewsArticle ; nif:isString '{TEXT}' ."), TEXT) == []
    assert check_quotes(turtle("kgi:article a kg:NewsArticle ; nif:isString 'توکایف' ."), TEXT) == [
        Finding("quotes", "kgi:article", "nif:isString", "does not equal data/article.txt verbatim")
    ]


@pytest.mark.parametrize(
    ("used", "expected"),
    [
        ("kg:wagonCount", []),
        ("kg:wagonCont", [Finding("terms", "kg:wagonCont", "", "no such property in its vocabulary")]),
        ("schema:positon", [Finding("terms", "schema:positon", "", "no such property in its vocabulary")]),
        ("<https://example.com/p>", [Finding("terms", "<https://example.com/p>", "", "property is not declared in the ontology")]),  # noqa: E501
    ],
)  # fmt: skip
def test_undeclared_terms(ontology, used, expected):
    assert check_terms(turtle(f"kgi:train {used} 24 ."), ontology) == expected


def test_ontology_terms_need_labels_and_comments_in_both_languages():
    good = """
    kg:Widget a owl:Class ; rdfs:label "widget"@en , "ابزارک"@fa ; rdfs:comment "A widget."@en , "یک ابزارک."@fa ;
        rdfs:isDefinedBy <https://w3id.org/iran-kazakhstan-kg/ontology> .
    """
    assert check_labels(turtle(good)) == []
    broken = good.replace(' , "یک ابزارک."@fa', "").replace("rdfs:isDefinedBy", "rdfs:seeAlso")
    assert check_labels(turtle(broken)) == [
        Finding("labels", "kg:Widget", "rdfs:comment", "no @fa value"),
        Finding("labels", "kg:Widget", "rdfs:isDefinedBy", "missing"),
    ]


def test_arabic_letters_in_a_persian_label():
    assert check_orthography(turtle('kgi:n rdfs:label "کشورهای همسایهٔ ایران"@fa .')) == []
    assert check_orthography(turtle('kgi:n rdfs:label "كشورهاي همسايهٔ ايران"@fa .')) == [
        Finding("orthography", "kgi:n", "rdfs:label", "uses Arabic yeh (ي)", "'كشورهاي همسايهٔ ايران'@fa"),
        Finding("orthography", "kgi:n", "rdfs:label", "uses Arabic kaf (ك)", "'كشورهاي همسايهٔ ايران'@fa"),
    ]


def test_a_compound_without_its_zwnj():
    assert check_orthography(turtle('post:p rdfs:label "رئیس\u200cجمهور قزاقستان"@fa .')) == []
    assert check_orthography(turtle('post:p rdfs:label "رئیس جمهور قزاقستان"@fa .')) == [
        Finding(
            "orthography",
            "post:p",
            "rdfs:label",
            "writes 'رئیس جمهور' where Persian needs a ZWNJ: 'رئیس\\u200cجمهور'",  # repr shows the invisible ZWNJ
            "'رئیس جمهور قزاقستان'@fa",
        )
    ]
    # an alternative label may spell a name as the article does
    assert check_orthography(turtle('post:p skos:altLabel "رئیس جمهور قزاقستان"@fa .')) == []


@pytest.mark.parametrize(
    ("prop", "written", "right"),
    [
        ("rdfs:label", "قاسم\u200cژومارت توکایف", "قاسم ژومارت"),  # a ZWNJ joins two names into one word
        ("kg:reason", "نام خانوادگی رؤسای\u200cجمهور ترکمنستان", "رؤسای جمهور"),  # an ezafe, not a compound
        ("kg:basis", "صندوق ثروت ملی سامروک\u200cقازینا", "سامروک قازینا"),
        ("kg:cueScope", "روابط فرازوفرود داشته است", "فراز و فرود"),  # run together
        ("skos:editorialNote", "تجارت فرازونشیب داشته است", "فراز و نشیب"),
    ],
)
def test_words_persian_writes_apart_are_not_joined(prop, written, right):
    """A reader of Persian: «قاسم‌ژومارت» reads as one word where the press writes «قاسم ژومارت»; the same kind
    hid in a slip's reason (رؤسای‌جمهور) and an identification's basis (سامروک‌قازینا), texts the check did not read."""
    wrong = next(w for w in (right.replace(" ", "\u200c"), right.replace(" ", "")) if w in written)
    assert check_orthography(turtle(f'kgi:n {prop} "{written}"@fa .')) == [
        Finding(
            "orthography", "kgi:n", prop, f"writes {wrong!r} where Persian writes words apart: {right!r}",
            f"{written!r}@fa",
        )
    ]  # fmt: skip
    assert check_orthography(turtle(f'kgi:n {prop} "{written.replace(wrong, right)}"@fa .')) == []
    assert check_orthography(turtle(f'kgi:n {prop} "به نوشتهٔ متن «{written}»"@fa .')) == []  # quoted verbatim
    assert check_orthography(turtle(f'kgi:n skos:altLabel "{written}"@fa .')) == []  # a spelling others use


def test_a_persian_curator_note_is_checked_outside_its_quotes():
    quoted = 'kgi:n skos:editorialNote "ترکیب‌هایی مانند «رئیسجمهور» سرهم نوشته شده‌اند."@fa .'
    assert check_orthography(turtle(quoted)) == []
    unquoted = 'kgi:n skos:editorialNote "رئیسجمهور از «رئیس جمهور» می شود؛ همكاری."@fa .'
    assert check_orthography(turtle(unquoted)) == [
        Finding(
            "orthography",
            "kgi:n",
            "skos:editorialNote",
            "uses Arabic kaf (ك)",
            "'رئیسجمهور از «رئیس جمهور» می شود؛ همكاری.'@fa",
        ),
        Finding(
            "orthography",
            "kgi:n",
            "skos:editorialNote",
            "writes 'رئیسجمهور' where Persian needs a ZWNJ: 'رئیس\\u200cجمهور'",
            "'رئیسجمهور از «رئیس جمهور» می شود؛ همكاری.'@fa",
        ),
        Finding(
            "orthography",
            "kgi:n",
            "skos:editorialNote",
            "writes 'می شود' where Persian needs a ZWNJ: 'می\\u200cشود'",
            "'رئیسجمهور از «رئیس جمهور» می شود؛ همكاری.'@fa",
        ),
    ]
    # an English note is not Persian text
    assert check_orthography(turtle('kgi:n skos:editorialNote "compounds such as «رئیسجمهور»"@en .')) == []


def test_wikidata_ids_must_be_in_the_reference_list():
    reference = read_wikidata_reference()
    assert check_wikidata(turtle("kgi:kazakhstan owl:sameAs wd:Q232 ."), reference) == []
    assert check_wikidata(turtle("kgi:kazakhstan owl:sameAs wd:Q99999 ."), reference) == [
        Finding("wikidata", "kgi:kazakhstan", "owl:sameAs", "id not in data/reference/wikidata.tsv", "Q99999")
    ]
    dbpedia = "https://dbpedia.org/resource/Kazakhstan"
    assert check_wikidata(turtle(f"kgi:kazakhstan owl:sameAs <{dbpedia}> ."), reference) == [
        Finding("wikidata", "kgi:kazakhstan", "owl:sameAs", "links outside Wikidata", dbpedia)
    ]


def test_report_names_focus_path_value_and_message(ontology, shapes):
    broken = turtle("kgi:first-container-train a kg:Train ; kg:wagonCount -1 .") + ontology
    part = one_shape(shapes, "TrainShape", "kg:wagonCount must be one non-negative integer")
    report = Report(findings=check_shapes(broken, part), checks=["SHACL shapes"])
    assert report.format() == (
        "[shacl] kgi:first-container-train\n"
        "    path:    kg:wagonCount\n"
        "    value:   '-1'\n"
        "    message: kg:wagonCount must be one non-negative integer\n"
        "checked SHACL shapes: does not conform: 1 problem(s)\n"
    )


def test_validate_reads_the_files_it_is_given(broken_copy):
    """End to end on one broken copy of the article: the files given are the ones checked."""
    report = validate([broken_copy("kg:wagonCount 24 ;", "kg:wagonCount -1 ;")])
    message = "kg:wagonCount must be one non-negative integer"
    assert report.findings == [Finding("shacl", "kgi:first-container-train", "kg:wagonCount", message, "'-1'")]


def test_another_articles_quotes_re_read_in_its_own_text():
    """Articles other than the shipped one (kg synth writes many) hold their own text."""
    other = """
    <https://w3id.org/iran-kazakhstan-kg/id/article/2> a kg:NewsArticle ; nif:isString "سفر توکایف به تهران" .
    <https://w3id.org/iran-kazakhstan-kg/id/article/2/span/4-10> a kg:Mention ;
        nif:referenceContext <https://w3id.org/iran-kazakhstan-kg/id/article/2> ;
        nif:beginIndex 4 ; nif:endIndex 10 ; nif:anchorOf "توکایف" .
    """
    assert check_quotes(turtle(other), TEXT) == []
    moved = other.replace("nif:beginIndex 4 ; nif:endIndex 10", "nif:beginIndex 15 ; nif:endIndex 21")
    focus = "<https://w3id.org/iran-kazakhstan-kg/id/article/2/span/4-10>"
    assert check_quotes(turtle(moved), TEXT) == [
        Finding("quotes", focus, "nif:endIndex", "span 15-21 lies outside the text (0-19)")
    ]
