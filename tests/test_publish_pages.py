"""kg.publish.pages, the parts that need no publication: a mention's sentences, and a value's HTML (escaped,
isolated, in its language). Whole pages are rendered in tests/test_publish.py and test_publish_static.py."""

from __future__ import annotations

import pytest
from pyoxigraph import Literal, NamedNode

from kg.publish.pages import _datatype_title, _with_html, environment, sentence_bounds

TEXT = "یک. دو سه. چهار"


@pytest.mark.parametrize(
    ("begin", "end", "sentences"),
    [
        (4, 6, "دو سه."),  # a word: its sentence
        (0, 2, "یک."),
        (11, 15, "چهار"),  # the last sentence, without a full stop
        (2, 6, "یک. دو سه."),  # across two sentences: both
    ],
)
def test_a_mention_is_shown_in_the_sentences_that_hold_it(begin, end, sentences):
    assert TEXT[slice(*sentence_bounds(TEXT, begin, end))] == sentences


def test_a_span_outside_every_sentence_is_its_own_bounds():
    assert sentence_bounds("", 0, 0) == (0, 0)
    assert sentence_bounds(TEXT, 4, 4) == (4, 4)


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


def test_templates_escape_every_value():
    assert environment().from_string("{{ v }}").render(v="<script>") == "&lt;script&gt;"
