"""kg.publish.pages: a mention's sentences, the templates' escaping, a page's long lists, a property's uses. Whole
pages are rendered in tests/test_publish.py, test_publish_static.py and test_publish_factuality.py; a value's HTML
in tests/test_publish_nodes.py."""

from __future__ import annotations

from datetime import UTC, datetime

import pyoxigraph
import pytest
from markupsafe import Markup

from kg import limits
from kg.publish.description import Publication
from kg.publish.nodes import fact_rows_html, items_html, joined_html, mentions_html, pair_rows_html
from kg.publish.pages import Renderer, environment
from kg.text import sentence_bounds
from test_publish_description import P, fixture_store

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


def test_templates_escape_every_value():
    assert environment().from_string("{{ v }}").render(v="<script>") == "&lt;script&gt;"


def test_a_page_s_long_lists_are_written_as_the_template_s_loops_wrote_them():
    a, b = ({"html": Markup(f'<a href="{n}.html">{n}</a>')} for n in ("a", "b"))
    loops = environment().from_string(
        "{% for v in vs %}{{ v.html }}{% if not loop.last %}{{ sep }}{% endif %}{% endfor %}|"
        "{% for g in gs %}<tr><th scope=\"row\">{{ g.property.html }}</th><td>{% for v in g['values'] %}{{ v.html }}"
        "{% if not loop.last %}<br>{% endif %}{% endfor %}</td></tr>\n{% endfor %}|"
        "{% for v in vs %}<li>{{ v.html }}</li>\n{% endfor %}|"
        "{% for s, o in rows %}<tr><td>{{ s.html }}</td><td>{{ o.html }}</td></tr>\n{% endfor %}|"
        '{% for m in ms %}<li lang="fa" dir="rtl">{% for text, marked, begin, end in m.parts %}{% if marked %}'
        '<mark title="{{ begin }}–{{ end }}">{{ text }}</mark>{% else %}{{ text }}{% endif %}{% endfor %}</li>\n'
        "{% endfor %}"
    )
    groups = [{"property": a, "values": [a, b]}, {"property": b, "values": [b]}]
    mentions = [{"parts": [("<یک> ", False, 0, 5), ("«دو»", True, 5, 9)]}, {"parts": [("&", True, 20, 21)]}]
    values = dict(vs=[a, b], sep="<,>", gs=groups, rows=[(a, b), (b, a)], ms=mentions)
    joined = "|".join(
        [
            joined_html([a, b], "<,>"),
            fact_rows_html(groups),
            items_html([a, b]),
            pair_rows_html([(a, b), (b, a)]),
            mentions_html(mentions),
        ]
    )
    assert joined == loops.render(**values)
    assert "&lt;یک&gt; " in joined and "&lt;,&gt;" in joined and "&amp;" in joined  # the text escaped, once


def test_a_property_page_shows_its_first_uses_in_order_the_same_in_both_languages(monkeypatch):
    store = fixture_store()
    subjects = [pyoxigraph.NamedNode(f"https://w3id.org/iran-kazakhstan-kg/id/s{n}") for n in (10, 9, 2, 1, 33)]
    store.extend(
        pyoxigraph.Quad(s, P, pyoxigraph.Literal(n), pyoxigraph.DefaultGraph()) for n, s in enumerate(subjects)
    )
    monkeypatch.setattr(limits, "PAGE_LIST", 3)
    renderer = Renderer(Publication(store, datetime(2022, 6, 19, tzinfo=UTC)))
    everything = sorted(renderer.publication.uses(P.value), key=renderer._use_order)
    shown = {lang: renderer._uses(P.value, [], lang) for lang in ("en", "fa")}
    assert shown["en"]["count"] == shown["fa"]["count"] == len(everything) == 6
    for lang in ("en", "fa"):
        rows = [(s["iri"] or s["text"], o["text"]) for s, o in shown[lang]["rows"]]
        expected = [(renderer.node(q.subject, lang)["iri"], renderer.node(q.object, lang)["text"]) for q in everything]
        assert rows == expected[:3]
    first = [row[0]["iri"].rsplit("/", 1)[-1] for row in shown["en"]["rows"]]
    assert first == ["mou", "s1", "s2"]  # digit runs by their value: s2 before s9, s10 and s33


def test_the_sites_templates_read_a_dicts_items_and_attributes_as_jinja_does():
    """``value.name`` on a dict: its item, looked up at once (no failed attribute lookup first), unless dicts have
    an attribute of that name (then the attribute, as Jinja gives it); a missing item is undefined."""
    from jinja2 import Environment

    from kg.publish.pages import environment

    env, plain = environment(), Environment(autoescape=True)
    text = "{{ d.name }}|{{ d.items is callable }}|{{ d.missing is defined }}|{{ d.keys() | list }}|{{ s.upper() }}"
    values = {"d": {"name": "قزاقستان <b>", "get": 1}, "s": "x"}
    shown = env.from_string(text).render(**values)
    assert shown == plain.from_string(text).render(**values)
    assert shown == "قزاقستان &lt;b&gt;|True|False|[&#39;name&#39;, &#39;get&#39;]|X"
    holder = {"get": 1, "a": 2}
    assert env.getattr(holder, "get") == holder.get and env.getattr(holder, "a") == 2  # the method, as Jinja


def test_a_resource_page_leaves_no_garbage_cycle():
    """A page's macros are given all they show: a macro that looks up the page's names holds the page's context,
    a cycle that every one of a site's thousands of pages left to the garbage collector (kg publish)."""
    import gc

    from test_publish_description import ASTANA, MOU

    renderer = Renderer(Publication(fixture_store(), datetime(2022, 6, 19, tzinfo=UTC)))
    pages = [(iri.value, lang) for iri in (MOU, ASTANA) for lang in ("en", "fa")]
    shown = {page: renderer.resource_page(*page) for page in pages}  # the templates compiled
    assert (
        '<section class="facts">' in shown[MOU.value, "en"]
        and '<section class="named-by">' in shown[ASTANA.value, "fa"]
    )
    gc.collect()
    enabled = gc.isenabled()
    gc.disable()
    try:
        for page in pages:
            assert renderer.resource_page(*page) == shown[page]
        assert gc.collect() == 0
    finally:
        if enabled:
            gc.enable()


def test_a_resource_page_is_its_blocks_in_its_frame_made_once_the_page_the_template_renders_whole():
    """Renderer.framed renders a resource page's blocks into base.html's frame (its header, its search box),
    rendered once per language with a mark for each block: the same page as the template rendered whole,
    its values escaped; a frame whose own text holds the mark is not used (the page rendered whole)."""
    import kg.publish.pages as pages
    from test_publish_description import ASTANA, MOU, TEHRAN

    store = fixture_store()
    hostile = pyoxigraph.Literal('<b>"&</b>', language="en")
    store.add(pyoxigraph.Quad(TEHRAN, pyoxigraph.NamedNode("http://www.w3.org/2000/01/rdf-schema#label"), hostile))
    for root, static in (("/", False), ("../", True)):
        renderer = Renderer(Publication(store, datetime(2022, 6, 19, tzinfo=UTC)), root=root, static=static)
        for iri in (MOU, ASTANA, TEHRAN):
            for lang in ("en", "fa"):
                whole = renderer.render("resource.html", lang, r=renderer.resource_context(iri.value, lang))
                assert renderer.resource_page(iri.value, lang) == whole
                assert "<b>" not in whole and "\x00" not in whole
        assert sorted(renderer._frames) == [("resource.html", "en"), ("resource.html", "fa")]
        assert renderer._frames["resource.html", "en"][1::2] == ["title", "head", "switch", "main"]
    renderer = Renderer(Publication(store, datetime(2022, 6, 19, tzinfo=UTC)))
    pages._MARK, mark = "<", pages._MARK  # a mark the frame's own text holds: no frame
    try:
        whole = renderer.render("resource.html", "en", r=renderer.resource_context(MOU.value, "en"))
        assert renderer.resource_page(MOU.value, "en") == whole
        assert renderer._frames["resource.html", "en"] == []
    finally:
        pages._MARK = mark
