"""kg.publish.documents: every document of a resource from one place: its description in the four RDF syntaxes
(each the same triples as the bounded description) and its page in each language, on a small publication."""

from __future__ import annotations

from datetime import UTC, datetime

import pyoxigraph
import pytest

from kg.namespaces import BASE
from kg.publish.description import Publication
from kg.publish.documents import render_descriptions, render_document
from kg.publish.pages import Renderer
from kg.publish.paths import RDF_SUFFIXES
from test_publish_description import ASTANA, MOU, fixture_store

SYNTAX = {"ttl": "TURTLE", "nt": "N_TRIPLES", "jsonld": "JSON_LD", "rdf": "RDF_XML"}


@pytest.fixture(scope="module")
def renderer() -> Renderer:
    return Renderer(Publication(fixture_store(), datetime(2022, 6, 19, tzinfo=UTC)))


def canonical(triples) -> pyoxigraph.Dataset:
    """The triples with blank nodes canonically labelled (RDFC-1.0): equal when isomorphic."""
    dataset = pyoxigraph.Dataset(pyoxigraph.Quad(s, p, o, pyoxigraph.DefaultGraph()) for s, p, o in triples)
    dataset.canonicalize(pyoxigraph.CanonicalizationAlgorithm.RDFC_1_0)
    return dataset


def read(text: str, ext: str) -> list[tuple]:
    quads = pyoxigraph.parse(text.encode(), format=getattr(pyoxigraph.RdfFormat, SYNTAX[ext]))
    return [(q.subject, q.predicate, q.object) for q in quads]


@pytest.mark.parametrize("iri", [ASTANA.value, MOU.value])  # MOU's description holds a blank node
def test_every_syntax_holds_exactly_the_bounded_description(renderer, iri):
    expected = canonical((q.subject, q.predicate, q.object) for q in renderer.publication.describe(iri))
    documents = render_descriptions(renderer, iri)
    assert set(documents) == set(RDF_SUFFIXES)
    for ext, text in documents.items():
        assert canonical(read(text, ext)) == expected, ext
        assert render_document(renderer, iri, ext) == text  # the one function gives the same document


def test_a_description_asked_in_fewer_syntaxes_is_only_those(renderer):
    assert set(render_descriptions(renderer, ASTANA.value, ("nt",))) == {"nt"}


@pytest.mark.parametrize(("lang", "title"), [("en", "<title>Astana · "), ("fa", "<title>آستانه · ")])
def test_the_page_is_in_the_reader_s_language(renderer, lang, title):
    html = render_document(renderer, ASTANA.value, "html", lang)
    assert html.startswith("<!DOCTYPE html>") and title in html
    assert f'<html lang="{lang}" dir="{"rtl" if lang == "fa" else "ltr"}">' in html


def test_links_go_to_pages_the_site_has_under_its_root():
    publication = Publication(fixture_store(), datetime(2022, 6, 19, tzinfo=UTC))
    served, static = Renderer(publication), Renderer(publication, root="/kg/", static=True)
    assert served.href(ASTANA.value, "fa") == "/id/astana.fa.html"
    assert static.href(ASTANA.value, "en", "ttl") == "/kg/id/astana.ttl"
    assert served.href(BASE + "dumps/kg.nt.gz", "en") == "/dumps/kg.nt.gz"
    assert (served.href(BASE, "en"), static.href(BASE, "en")) == ("/", "/kg/index.html")
    assert served.href("http://example.org/elsewhere", "en") is None
    assert served.href(BASE + "id/not-in-the-graph", "en") is None
