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

LANGS = ("en", "fa")
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


def test_the_ontology_documentation_is_rendered_once_per_language_for_every_page_it_is(monkeypatch):
    """The ontology, the vocabularies and their versions all show the ontology documentation: one rendering per
    language serves every one of those pages, at any depth, the same as rendering each page on its own."""
    import kg.docs
    from kg.load import load_ontology
    from kg.namespaces import ONTOLOGY_IRI, VOCABULARIES_IRI
    from kg.publish.description import load_publication
    from kg.publish.paths import page_path

    publication = load_publication()
    versions = [iri for iri, graph in publication.documents.items() if iri != graph and "/ontology" in graph]
    iris = [str(ONTOLOGY_IRI), str(VOCABULARIES_IRI), *versions]
    assert len(iris) == 3, iris
    renderers = [Renderer(publication, root="../" * depth, static=True) for depth in (0, 1, 2)]
    calls = []
    render_html = kg.docs.render_html
    monkeypatch.setattr(kg.docs, "render_html", lambda *args: calls.append(args[1]) or render_html(*args))
    pages = {
        (iri, lang, r.root): render_document(r, iri, "html", lang) for iri in iris for lang in LANGS for r in renderers
    }
    assert sorted(calls) == ["en", "fa"]
    monkeypatch.setattr(kg.docs, "render_html", render_html)
    ontology = load_ontology()
    for (iri, lang, root), page in pages.items():
        renderer = next(r for r in renderers if r.root == root)
        names = {each: page_path(iri, each).rsplit("/", 1)[-1] for each in ("en", "fa")}
        assert page == render_html(ontology, lang, names, lambda term, lang=lang, r=renderer: r.href(term, lang))
    assert 'href="../../ext/skos/Concept.fa.html"' in pages[versions[0], "fa", "../../"]
    assert 'href="0.1.0.html"' in pages[versions[0], "fa", "../"]


def test_a_big_document_is_written_from_the_store_and_the_same_bytes(monkeypatch):
    """A whole named graph past kg.writers.order.BIG statements is written from the publication's store, subject
    by subject: the same four files as from its statements as a list (the article's data past a lowered BIG)."""
    import kg.publish.documents as documents
    import kg.writers.order
    from kg.publish.description import load_publication
    from kg.sources import DATA_GRAPH
    from kg.writers.stored import Stored

    publication = load_publication()
    renderer = Renderer(publication, root="", static=True)
    iri = str(DATA_GRAPH)
    for module in ("order", "quads", "check", "turtle", "jsonld", "rdfxml"):  # the writers' own size switches too
        monkeypatch.setattr(f"kg.writers.{module}.BIG", 100)
    assert kg.writers.order.BIG == 100
    assert isinstance(documents._stored_document(publication, iri), Stored)
    assert documents._stored_document(publication, BASE + "id/kazakhstan") is None  # a resource: its description
    stored = render_descriptions(renderer, iri)
    monkeypatch.setattr(documents, "_stored_document", lambda *args: None)
    assert render_descriptions(renderer, iri) == stored
    monkeypatch.undo()
    assert documents._stored_document(publication, iri) is None  # the article's data: a list is cheaper


def test_files_known_as_read_are_not_read_again(monkeypatch, tmp_path):
    """kg publish asks once, before its workers fork, whether the store holds the files' terms as read
    (Publication.files_as_read); a big document of those files is then not read again for it, and one of other
    files still is (a file the store would change is written from its statements, as before)."""
    import kg.publish.documents as documents
    import kg.sources
    from kg.publish.description import load_publication
    from kg.sources import DATA_GRAPH, Sources
    from kg.writers.stored import Stored

    changed = tmp_path / "changed.ttl"  # "01" comes back from a store as "1"
    changed.write_text(
        "".join(f'<{BASE}id/n{i}> <{BASE}ontology#n> "0{i}"^^<http://www.w3.org/2001/XMLSchema#integer> .\n'
                for i in range(150)),
        encoding="utf-8",
    )  # fmt: skip
    for module in ("order", "quads", "check", "turtle", "jsonld", "rdfxml"):
        monkeypatch.setattr(f"kg.writers.{module}.BIG", 100)
    shipped, other = load_publication(), load_publication(sources=Sources([changed]))
    reads = []
    monkeypatch.setattr(kg.sources, "store_writes_as_read", lambda path: reads.append(path) or True)
    shipped.files_as_read = frozenset(Sources(None).paths)
    assert isinstance(documents._stored_document(shipped, str(DATA_GRAPH)), Stored)
    assert reads == []  # known: not read again
    monkeypatch.undo()
    for module in ("order", "quads", "check", "turtle", "jsonld", "rdfxml"):
        monkeypatch.setattr(f"kg.writers.{module}.BIG", 100)
    other.files_as_read = frozenset(Sources(None).paths)  # not the file of its data
    assert documents._stored_document(other, str(DATA_GRAPH)) is None
