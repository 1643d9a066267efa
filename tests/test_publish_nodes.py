"""kg.publish.nodes: how one term is shown on a page: a value's HTML (escaped, isolated, in its language),
a literal in the reader's language, a blank node written in place, a named node linked to its page."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from pyoxigraph import BlankNode, Literal, NamedNode

from kg.namespaces import XSD
from kg.publish.description import Publication
from kg.publish.nodes import Nodes, _datatype_title, _with_html, reader_order
from test_publish_description import ASTANA, MOU, ROUTE, TEHRAN, fixture_store


@pytest.fixture(scope="module")
def nodes() -> Nodes:
    return Nodes(Publication(fixture_store(), datetime(2022, 6, 19, tzinfo=UTC)))


@pytest.mark.parametrize(
    ("node", "html"),
    [
        (
            {"text": "<b>x</b>", "href": '/id/a"b', "title": "kgi:a", "lang": ""},
            '<a href="/id/a&#34;b" title="kgi:a" dir="auto">&lt;b&gt;x&lt;/b&gt;</a>',
        ),
        ({"text": "تهران", "href": None, "title": "", "lang": "fa"}, '<span lang="fa" dir="auto">تهران</span>'),
        (
            {"text": "5", "href": None, "title": "xsd:integer", "lang": ""},
            '<span dir="auto" title="xsd:integer">5</span>',
        ),
        ({"text": "x", "href": None, "title": "", "lang": ""}, '<span dir="auto">x</span>'),
        (
            {"text": "a&b", "href": None, "title": "", "lang": 'fa" onmouseover="x'},
            '<span lang="fa&#34; onmouseover=&#34;x" dir="auto">a&amp;b</span>',
        ),
    ],
)
def test_a_value_s_html_is_escaped_isolated_and_tagged_with_its_language(node, html):
    assert str(_with_html(dict(node))["html"]) == html


def test_a_literal_s_title_is_its_datatype_unless_it_has_a_language():
    assert _datatype_title(Literal("5", datatype=NamedNode("http://www.w3.org/2001/XMLSchema#integer"))) == (
        "xsd:integer"
    )
    assert _datatype_title(Literal("x")) == "xsd:string"
    assert _datatype_title(Literal("تهران", language="fa")) is None


def test_a_named_node_is_its_label_linked_to_its_page_in_the_reader_s_language(nodes):
    en, fa = nodes.node(ASTANA, "en"), nodes.node(ASTANA, "fa")
    assert (en["text"], en["href"], en["lang"]) == ("Astana", "/id/astana.html", "en")
    assert (fa["text"], fa["href"], fa["lang"]) == ("آستانه", "/id/astana.fa.html", "fa")
    assert nodes.node(ASTANA, "en") is en  # made once per language
    assert str(en["html"]) == '<a href="/id/astana.html" title="kgi:astana" dir="auto">Astana</a>'


def test_another_site_s_iri_is_named_and_linked_as_leaving_the_site(nodes):
    away = nodes.node(NamedNode("http://example.org/vocab/elsewhere"), "fa")
    assert away["href"] is None and away["text"] == "example.org › elsewhere"
    assert str(away["html"]) == (
        '<a class="external" rel="external noopener noreferrer" href="http://example.org/vocab/elsewhere"'
        ' title="&lt;http://example.org/vocab/elsewhere&gt;" dir="auto">example.org › elsewhere'
        '<span class="visually-hidden"> (بیرون از این سایت)</span></a>'
    )
    named = nodes.node(NamedNode("http://qudt.org/vocab/unit/TONNE"), "fa")  # the catalogue's name, in Persian
    assert (named["text"], named["lang"]) == ("تن (یکای QUDT)", "fa") and 'class="external"' in str(named["html"])


@pytest.mark.parametrize("iri", ["https://w3id.org/iran-kazakhstan-kg/id/nothing-here", "urn:isbn:0451450523",
                                 "javascript:alert(1)"])  # fmt: skip
def test_our_own_iri_without_a_page_and_a_non_web_iri_are_not_linked(nodes, iri):
    shown = nodes.node(NamedNode(iri), "en")
    assert shown["href"] is None and "<a" not in str(shown["html"])


@pytest.mark.parametrize(
    ("lexical", "html"),
    [
        # one word: a namespace, a pattern: code whole; our IRI with a page: linked to the page
        ("http://www.w3.org/2004/02/skos/core#", '<code dir="ltr">http://www.w3.org/2004/02/skos/core#</code>'),
        ("https://w3id\\.org/x/(a|b)+$", '<code dir="ltr">https://w3id\\.org/x/(a|b)+$</code>'),
        (
            "https://w3id.org/iran-kazakhstan-kg/id/astana",
            '<a href="/id/astana.html"><code dir="ltr">https://w3id.org/iran-kazakhstan-kg/id/astana</code></a>',
        ),
        # in a sentence: each IRI code, the sentence's punctuation and brackets left out of it, the rest escaped
        (
            "See https://w3id.org/iran-kazakhstan-kg/id/astana. Or (http://example.org/a_(b)), <x> & y",
            'See <a href="/id/astana.html"><code dir="ltr">https://w3id.org/iran-kazakhstan-kg/id/astana</code></a>.'
            ' Or (<code dir="ltr">http://example.org/a_(b)</code>), &lt;x&gt; &amp; y',
        ),
        ("«http://a.example/x» و <b>", '«<code dir="ltr">http://a.example/x</code>» و &lt;b&gt;'),
    ],
)
def test_a_literal_holding_iris_shows_each_as_code(nodes, lexical, html):
    shown = str(nodes.node(Literal(lexical), "en")["html"])
    assert shown == f'<span dir="auto" title="xsd:string">{html}</span>'
    tagged = str(nodes.node(Literal(lexical, language="fa"), "en")["html"])
    assert tagged == f'<span lang="fa" dir="auto">{html}</span>'


@pytest.mark.parametrize(
    ("lexical", "datatype", "lang", "shown"),
    [
        ("265200000", XSD.integer, "en", "265,200,000"),
        ("265200000", XSD.integer, "fa", "۲۶۵٬۲۰۰٬۰۰۰"),
        ("1401", XSD.integer, "en", "1401"),  # four digits stay whole, as in the site's tables
        ("1e5", XSD.double, "fa", "۱۰۰٬۰۰۰"),
        ("abc", XSD.integer, "en", "abc"),  # ill-typed: as written
        ("2022-06-19", XSD.date, "en", "19 June 2022 (29 Khordad 1401 SH)"),
        ("2022-06", XSD.gYearMonth, "fa", "ژوئن ۲۰۲۲ (۱۱ خرداد – ۹ تیر ۱۴۰۱)"),
        ("2022", XSD.gYear, "fa", "۲۰۲۲ میلادی (۱۴۰۰–۱۴۰۱ خورشیدی)"),
        ("2026-12-06T00:00:00Z", XSD.dateTime, "en", "6 December 2026 (15 Azar 1405 SH), 00:00 UTC"),
        (
            "2026-12-06T00:00:00Z",
            XSD.dateTimeStamp,
            "fa",
            "۱۵ آذر ۱۴۰۵ (۶ دسامبر ۲۰۲۶)، ساعت ۰۰:۰۰ به وقت هماهنگ جهانی",
        ),
        ("true", XSD.boolean, "en", "yes"),
        ("Astana", XSD.string, "fa", "Astana"),
    ],
)
def test_a_literal_is_written_for_the_reader(nodes, lexical, datatype, lang, shown):
    assert nodes.literal(Literal(lexical, datatype=NamedNode(str(datatype))), lang) == shown


@pytest.mark.parametrize(
    ("lexical", "datatype", "html"),
    [
        ("2026-12-06T00:00:00Z", XSD.dateTime,
         '<time datetime="2026-12-06T00:00:00Z" dir="auto" title="xsd:dateTime">6 December 2026 (15 Azar 1405 SH),'
         " 00:00 UTC</time>"),
        ("2022-06-19", XSD.date,
         '<time datetime="2022-06-19" dir="auto" title="xsd:date">19 June 2022 (29 Khordad 1401 SH)</time>'),
        ("2022-02-30", XSD.date, '<span dir="auto" title="xsd:date">2022-02-30</span>'),  # ill-typed: as written
        ("2022-06-19", XSD.string, '<span dir="auto" title="xsd:string">2022-06-19</span>'),  # text, not a date
    ],
)  # fmt: skip
def test_a_date_or_time_is_a_time_element_that_keeps_its_written_form(nodes, lexical, datatype, html):
    assert str(nodes.node(Literal(lexical, datatype=NamedNode(str(datatype))), "en")["html"]) == html


def test_a_blank_node_is_written_in_place_and_linked_in_its_html(nodes):
    assert nodes.blank_text(ROUTE) == "[ rdf:first kgi:tehran ]"
    html = str(nodes.node(ROUTE, "en")["html"])
    assert html.startswith('<span class="blank" dir="ltr">[ ') and 'href="/id/tehran.html"' in html
    assert nodes.node(BlankNode(), "en")["text"] == "[]"  # a blank node with nothing said of it


def test_a_blank_node_is_shown_with_the_named_node_it_hangs_from(nodes):
    shown = str(nodes.subject_node(ROUTE, "en")["html"])
    assert shown.index('href="/id/mou.html"') < shown.index("rdf:first")
    assert nodes.subject_node(MOU, "en") is nodes.node(MOU, "en")
    assert nodes.subject_node(ROUTE, "en") is nodes.subject_node(ROUTE, "en")  # made once per language
    assert 'href="/id/mou.fa.html"' in str(nodes.subject_node(ROUTE, "fa")["html"])


def test_a_blank_node_is_read_once_for_every_language(monkeypatch):
    """What a blank node is whatever the language (its text, pairs, list members, owner) is read from the store
    once: its page in the other language, and a property's page that shows it again, ask nothing more."""
    nodes = Nodes(Publication(fixture_store(), datetime(2022, 6, 19, tzinfo=UTC)))
    english = str(nodes.subject_node(ROUTE, "en")["html"])
    assert nodes.blank_text(ROUTE) == "[ rdf:first kgi:tehran ]" and 'href="/id/mou.html"' in english

    def asked(term):
        raise AssertionError(f"{term} read again")

    monkeypatch.setattr(nodes.publication, "about", asked)
    monkeypatch.setattr(nodes.publication, "pointing_at", asked)
    persian = str(nodes.subject_node(ROUTE, "fa")["html"])
    assert 'href="/id/mou.fa.html"' in persian and 'href="/id/tehran.fa.html"' in persian
    assert nodes.blank_text(ROUTE) == "[ rdf:first kgi:tehran ]"


def test_a_literal_s_value_is_made_once_per_language_and_unit():
    nodes = Nodes(Publication(fixture_store(), datetime(2022, 6, 19, tzinfo=UTC)))
    five = Literal("5", datatype=NamedNode(str(XSD.integer)))
    en = nodes.node(five, "en")
    assert nodes.node(Literal("5", datatype=NamedNode(str(XSD.integer))), "en") is en
    assert (en["text"], nodes.node(five, "fa")["text"]) == ("5", "۵")
    assert nodes.node(five, "en", unit=ASTANA.value)["text"] == "5 Astana"
    assert nodes.node(Literal("5"), "en")["title"] == "xsd:string"  # another literal of the same text
    assert nodes.node(Literal("5", language="en"), "en")["lang"] == "en"


def test_a_text_shown_as_it_is_is_one_value_for_every_language_and_the_others_one_each():
    """A string (tagged or not) with no IRI in it is shown the same on every page: its value is made once for
    both languages; a number, a date, a truth value or a text with an IRI (linked to the page in the reader's
    language) is made for each."""
    nodes = Nodes(Publication(fixture_store(), datetime(2022, 6, 19, tzinfo=UTC)))
    for same in (Literal("Astana"), Literal("آستانه", language="fa"), Literal("<b>", language="en")):
        assert nodes.node(same, "fa") is nodes.node(same, "en")
        assert nodes.node(same, "en") == Nodes(nodes.publication).node(same, "en")  # what it would be alone
    iri = Literal(f"see {TEHRAN.value}")
    each = [Literal("5", datatype=NamedNode(str(XSD.integer))), Literal("true", datatype=NamedNode(str(XSD.boolean))),
            Literal("2022-06-19", datatype=NamedNode(str(XSD.date))), iri]  # fmt: skip
    for term in each:
        assert nodes.node(term, "fa") is not nodes.node(term, "en")
    assert 'href="/id/tehran.fa.html"' in str(nodes.node(iri, "fa")["html"])
    assert 'href="/id/tehran.html"' in str(nodes.node(iri, "en")["html"])


def test_a_node_with_no_label_in_the_reader_s_language_shows_the_other_untagged(nodes):
    shown = nodes.node(TEHRAN, "en")  # labelled in Persian only
    assert (shown["text"], shown["lang"]) == ("تهران", None)
    assert nodes.node(MOU, "en")["text"] == "kgi:mou"  # no label: its prefixed name


def test_a_property_s_values_in_the_reader_s_language_come_first():
    en, fa, plain, iri = (
        Literal("The kg project", language="en"),
        Literal("پروژهٔ kg", language="fa"),
        Literal("x"),
        ASTANA,
    )
    values = [en, fa, iri, plain]
    assert reader_order(values, "fa") == [fa, iri, plain, en]
    assert reader_order(values, "en") == [en, iri, plain, fa]
    assert reader_order([iri, plain], "fa") == [iri, plain]
