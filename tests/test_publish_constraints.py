"""kg.publish.constraints: the SHACL shapes as a class's and a property's constraints, read from inline shapes;
the rows a page shows in each language (the site's pages: tests/test_site_reader.py)."""

from __future__ import annotations

from datetime import UTC, datetime

import pyoxigraph
import pytest
from pyoxigraph import NamedNode, Quad

from kg.namespaces import BASE, SHAPES_IRI
from kg.publish.constraints import class_rules, counted, property_rules, rule_rows, shape_nodes, shape_rules
from kg.publish.description import Publication
from kg.publish.nodes import Nodes

KG = BASE + "ontology#"
ONTOLOGY = f"""
@prefix kg: <{KG}> . @prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix owl: <http://www.w3.org/2002/07/owl#> .
kg:Place a owl:Class ; rdfs:label "place"@en , "مکان"@fa .
kg:City a owl:Class ; rdfs:subClassOf kg:Place ; rdfs:label "city"@en , "شهر"@fa .
kg:Country a owl:Class ; rdfs:label "country"@en , "کشور"@fa .
kg:Person a owl:Class ; rdfs:label "person"@en , "شخص"@fa .
kg:locatedIn a owl:ObjectProperty ; rdfs:label "located in"@en , "واقع در"@fa .
kg:mayor a owl:ObjectProperty ; rdfs:label "mayor"@en , "شهردار"@fa .
kg:kind a owl:ObjectProperty ; rdfs:label "kind"@en , "نوع"@fa .
kg:capital a kg:Kind ; rdfs:label "capital"@en , "پایتخت"@fa .
kg:port a kg:Kind ; rdfs:label "port"@en , "بندر"@fa .
"""
SHAPES = f"""
@prefix kg: <{KG}> . @prefix kgsh: <{BASE}shapes#> . @prefix sh: <http://www.w3.org/ns/shacl#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> . @prefix rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#> .
kgsh:label-en a sh:PropertyShape ; sh:path rdfs:label ; sh:qualifiedValueShape kgsh:english ;
    sh:qualifiedMinCount 1 ; sh:qualifiedMaxCount 1 ; sh:message "one English label"@en , "یک برچسب انگلیسی"@fa .
kgsh:english a sh:NodeShape ; sh:languageIn ( "en" ) .
kgsh:PlaceShape a sh:NodeShape ; sh:targetClass kg:Place ; sh:property kgsh:label-en .
kgsh:CityShape a sh:NodeShape ; sh:targetClass kg:City ; sh:property kgsh:label-en ;
    sh:property [ sh:path kg:locatedIn ; sh:minCount 1 ; sh:maxCount 1 ; sh:class kg:Country ;
                  sh:message "a city is in one country"@en , "هر شهر در یک کشور است"@fa ] ;
    sh:property [ sh:path kg:kind ; sh:in ( kg:capital kg:port ) ; sh:maxCount 2 ] ;
    sh:property [ sh:path [ sh:inversePath kg:mayor ] ; sh:or ( [ sh:class kg:Person ] [ sh:class kg:Country ] ) ;
                  sh:minCount 2 ; sh:message "only in English: see https://w3id.org/iran-kazakhstan-kg/ontology"@en ] ;
    sh:sparql [ a sh:SPARQLConstraint ; sh:select "SELECT $this WHERE {{ }}" ;
                sh:message "checked by a query"@en , "با یک پرس‌وجو سنجیده می‌شود"@fa ] .
kgsh:PersonShape a sh:NodeShape ; sh:targetClass kg:Person ;
    sh:property [ sh:path rdfs:label ; sh:minCount 1 ; sh:message "b: a label"@en ] ;
    sh:property [ sh:path rdfs:label ; sh:maxCount 3 ; sh:message "a: at most three"@en ] ;
    sh:sparql [ sh:select "SELECT $this WHERE {{ }}" ; sh:message "y: a second check"@en ] ,
              [ sh:select "SELECT $this WHERE {{ }}" ; sh:message "x: a first check"@en ] .
"""


def _read() -> pyoxigraph.Store:
    """The inline ontology and shapes in a store of their own (its blank nodes labelled anew)."""
    found = pyoxigraph.Store()
    for text, graph in ((ONTOLOGY, BASE + "ontology"), (SHAPES, SHAPES_IRI)):
        quads = pyoxigraph.parse(text.encode("utf-8"), format=pyoxigraph.RdfFormat.TURTLE)
        found.extend([Quad(q.subject, q.predicate, q.object, NamedNode(str(graph))) for q in quads])
    return found


@pytest.fixture(scope="module")
def store() -> pyoxigraph.Store:
    return _read()


def test_the_rules_come_in_the_same_order_from_every_reading_of_the_shapes():
    """Regression: rules of blank property shapes and SPARQL checks were ordered by the blank nodes' labels, new
    at each parse, so two kg publish runs wrote different class pages, and a shape's several checks were one
    rule showing one message (a different one each run)."""
    readings = [_read() for _ in range(4)]
    orders = {
        tuple((r.path, r.least, r.most, tuple(m.value for m in r.messages)) for r in class_rules(s, KG + "Person"))
        for s in readings
    }
    assert len(orders) == 1
    (order,) = orders
    label = "http://www.w3.org/2000/01/rdf-schema#label"  # a property's rules too, the same but for their classes
    assert len({tuple((tuple(r.targets), r.shape) for r in property_rules(s, label)) for s in readings}) == 1
    assert [messages for *_, messages in order] == [
        ("a: at most three",), ("b: a label",), ("x: a first check",), ("y: a second check",),
    ]  # fmt: skip


def test_a_class_has_its_own_shapes_rules_then_those_of_the_classes_above_it_each_shared_shape_once(store):
    rules = class_rules(store, KG + "City")
    assert [(r.path and r.path.rsplit("#", 1)[-1], r.inverse) for r in rules] == [
        ("label", False),
        ("kind", False),
        ("locatedIn", False),
        ("mayor", True),
        (None, False),
    ]  # fmt: skip  (by the path's IRI; PlaceShape's label-en is City's own, shown once)
    label, kind, located, mayor, own = rules
    assert (located.classes, located.least, located.most) == ([KG + "Country"], 1, 1)
    assert [a.value for a in kind.allowed] == [KG + "capital", KG + "port"] and (kind.least, kind.most) == (None, 2)
    assert mayor.classes == [KG + "Person", KG + "Country"] and mayor.least == 2  # the sh:or's, as written
    assert (label.languages, label.least, label.most, label.holder) == (["en"], 1, 1, BASE + "shapes#label-en")
    assert [m.value for m in own.messages] == ["checked by a query", "با یک پرس‌وجو سنجیده می‌شود"]
    assert [r.path for r in class_rules(store, KG + "Place")] == ["http://www.w3.org/2000/01/rdf-schema#label"]
    assert class_rules(store, KG + "Country") == []


def test_a_property_has_one_rule_a_property_shape_with_the_classes_it_holds_for(store):
    labels = property_rules(store, "http://www.w3.org/2000/01/rdf-schema#label")
    (label,) = [r for r in labels if r.holder == BASE + "shapes#label-en"]
    assert len(labels) == 3 and {t for r in labels for t in r.targets} == {KG + "City", KG + "Place", KG + "Person"}
    assert label.targets == [KG + "City", KG + "Place"] and label.shape == BASE + "shapes#label-en"
    (mayor,) = property_rules(store, KG + "mayor")
    assert mayor.inverse and mayor.targets == [KG + "City"]
    assert property_rules(store, KG + "nothing") == []


def test_the_shapes_nodes_are_every_subject_of_the_shapes_document(store):
    nodes = shape_nodes(store)
    assert NamedNode(BASE + "shapes#CityShape") in nodes and NamedNode(KG + "City") not in nodes
    assert len(nodes) > 10  # the property shapes, the lists, the SPARQL check: blank nodes too


@pytest.mark.parametrize(
    ("least", "most", "key", "values"),
    [(1, 1, "count_exactly", {"n": 1}), (2, None, "count_at_least", {"n": 2}), (0, 1, "count_at_most", {"n": 1}),
     (None, 3, "count_at_most", {"n": 3}), (1, 3, "count_between", {"least": 1, "most": 3})],
)  # fmt: skip
def test_how_many_a_rule_allows(least, most, key, values):
    assert counted(least, most) == (key, values)
    assert counted(None, None) is None and counted(0, None) is None


@pytest.mark.parametrize(
    ("lang", "expected"),
    [
        ("fa", [("برچسب", "متن به انگلیسی", "دقیقاً ۱", "یک برچسب انگلیسی"),
                ("نوع", "یکی از: پایتخت، ", "حداکثر ۲", ""), ("واقع در", "کشور", "دقیقاً ۱", "هر شهر در یک کشور است"),
                ("شهردار (به سوی این منبع)", "شخص یا کشور", "دست‌کم ۲", "only in English: see"),
                ("کل منبع", "", "", "با یک پرس‌وجو سنجیده می‌شود")]),
        ("en", [("label", "text in English", "exactly 1", "one English label"),
                ("kind", "one of: capital,", "at most 2", ""),
                ("located in", "country", "exactly 1", "a city is in one"),
                ("mayor (pointing here)", "person or country", "at least 2", "only in English: see"),
                ("the whole resource", "", "", "checked by a query")]),
    ],
)  # fmt: skip
def test_a_class_s_rules_read_in_the_page_s_language(store, lang, expected):
    import re

    nodes = Nodes(Publication(store, datetime(2022, 6, 19, tzinfo=UTC)))
    rows = rule_rows(nodes, class_rules(store, KG + "City"), lang)

    def text(html: str) -> str:
        return re.sub(r"<[^>]+>", "", str(html))

    shown = [(text(r["property"]), text(r["values"]), text(r["count"]), text(r["rule"])) for r in rows]
    assert len(shown) == len(expected)
    for got, wanted in zip(shown, expected, strict=True):  # values and rules: how they begin
        assert got[0] == wanted[0] and got[2] == wanted[2], got
        assert got[1].startswith(wanted[1]) and got[3].startswith(wanted[3]), got
    kind = rows[1]["values"]
    assert 'href="/id/' not in kind and "پایتخت" in kind if lang == "fa" else "capital" in kind
    english_only = str(rows[3]["rule"])  # no Persian message: the English one, tagged, its IRI as code
    assert english_only.startswith('<span lang="en" dir="auto">') and '<code dir="ltr">' in english_only
    assert all(text(r["on"]) == text(nodes.node(NamedNode(KG + "City"), lang)["html"]) for r in rows[1:4])


def test_a_shape_s_own_page_has_its_rules_a_property_shape_one_rule_with_the_classes_that_use_it(store):
    city = shape_rules(store, BASE + "shapes#CityShape")
    assert [r.path and r.path.rsplit("#", 1)[-1] for r in city] == ["label", "kind", "locatedIn", "mayor", None]
    (label,) = shape_rules(store, BASE + "shapes#label-en")
    assert (label.languages, label.least, label.most) == (["en"], 1, 1)
    assert label.targets == [KG + "City", KG + "Place"] and label.shape == BASE + "shapes#label-en"
    assert shape_rules(store, BASE + "shapes#english") == []  # a value shape with nothing of its own to say


@pytest.mark.parametrize(
    ("shape", "lang", "name"),
    [("CityShape", "en", "the shape of city"), ("CityShape", "fa", "شکل شهر"), ("PersonShape", "fa", "شکل شخص")],
)
def test_a_node_shape_of_one_class_is_named_as_that_class_s_shape(store, shape, lang, name):
    """A shape has no label: pages named it kgsh:CityShape (on a Persian page too); a shape of one class is named
    by it. One of several classes keeps its prefixed name."""
    publication = Publication(store, datetime(2022, 6, 19, tzinfo=UTC))
    assert publication.name(BASE + "shapes#" + shape, lang) == name
    assert publication.known_name(BASE + "shapes#label-en", lang) is None
