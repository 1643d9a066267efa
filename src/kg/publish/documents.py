"""The documents of a resource: its page in each language and its description in each RDF syntax.

One function, :func:`render_document`, makes every document of the publication,
for ``kg serve`` (on request) and for ``kg publish`` (all of them, as files). The
RDF is written by :mod:`kg.writers`, which re-reads every answer and checks it
is the graph it was asked to write. The ontology and vocabularies documents in
HTML are the ontology documentation of :mod:`kg.docs`.
"""

from __future__ import annotations

from functools import cache
from typing import TYPE_CHECKING, Any

from kg.namespaces import ONTOLOGY_IRI, VOCABULARIES_IRI
from kg.publish.paths import RDF_SUFFIXES, page_path

if TYPE_CHECKING:
    from kg.publish.pages import Renderer

#: Documents whose HTML is the ontology documentation.
DOCUMENTED = (str(ONTOLOGY_IRI), str(VOCABULARIES_IRI))


def render_document(renderer: Renderer, iri: str, ext: str, lang: str = "en") -> str:
    """The document of ``iri`` (a resource of the publication) with suffix ``ext``, in ``lang`` for HTML."""
    publication = renderer.publication
    if ext in RDF_SUFFIXES:
        return render_descriptions(renderer, iri, (ext,))[ext]
    if publication.documents.get(iri) in DOCUMENTED:
        return _documentation(renderer, iri, lang)
    return renderer.resource_page(iri, lang)


def render_descriptions(renderer: Renderer, iri: str, exts: tuple[str, ...] = tuple(RDF_SUFFIXES)) -> dict[str, str]:
    """The description of ``iri`` in each RDF syntax of ``exts``, canonicalised once for all of them."""
    from kg.writers import serialize, to_quads
    from kg.writers.quads import distinct_triples

    publication = renderer.publication
    source = _stored_document(publication, iri)
    canonical = to_quads(source, triples=True) if source is not None else distinct_triples(publication.describe(iri))
    return {ext: serialize(canonical, RDF_SUFFIXES[ext]) for ext in exts}


def _stored_document(publication: Any, iri: str) -> Any:
    """The document ``iri`` names, a whole named graph, as the writers take it from the publication's store
    (:class:`kg.writers.stored.Stored`: subject by subject, no Python object per statement) when it is big and
    the store gives back every term of its files as read (:func:`kg.sources.store_writes_as_read`); else None
    (its statements as a list, :meth:`Publication.describe`). The same bytes either way: the data's document
    at 1 000 synthetic articles holds ~155 000 statements, each made a Python object four times over."""
    from pyoxigraph import NamedNode

    from kg.sources import store_writes_as_read
    from kg.writers.order import BIG
    from kg.writers.stored import InStore, Stored

    graph = publication.documents.get(iri)
    paths = publication.files.get(graph) if graph is not None else None
    if not paths:
        return None
    part = InStore(publication.store, NamedNode(graph))
    if part.size <= BIG:
        return None
    if not all(path in publication.files_as_read or store_writes_as_read(path) for path in paths):
        return None
    return Stored([part], triples=True)


#: Marks left in the ontology documentation where its pages differ: the way back to the site's top (the root
#: of the page's folder) and the file name of the page in the other language. Neither is a character an
#: HTML page may hold, nor one the ontology's text has (:func:`_marked`).
_ROOT, _OTHER = "\x00", "\x01"


def _documentation(renderer: Renderer, iri: str, lang: str) -> str:
    """The ontology documentation in ``lang`` as the page of ``iri`` (the ontology, the vocabularies or a
    version of either: one page, which differs only in where it lies), rendered once per publication and
    language with marks where the pages differ, then the marks replaced for each page."""
    from kg.docs import render_html

    pages = {each: (page_path(iri, each) or "").rsplit("/", 1)[-1] for each in ("en", "fa")}
    if not _marked():
        return render_html(_ontology(), lang, pages, lambda term: renderer.href(term, lang))
    other = "fa" if lang == "en" else "en"
    root = renderer.root  # every link of the renderer starts with it (Nodes.href)
    kept = renderer.publication.kept_pages
    key = ("documentation", lang, renderer.static)
    if key not in kept:

        def href(term: str) -> str | None:  # a term the page does not document: its page on the site
            target = renderer.href(term, lang)
            return None if target is None else _ROOT + target[len(root) :]

        kept[key] = render_html(_ontology(), lang, {lang: pages[lang], other: _OTHER}, href)
    return kept[key].replace(_OTHER, pages[other]).replace(_ROOT, root)


@cache
def _marked() -> bool:
    """Whether the ontology documentation can be rendered with marks: the ontology has neither mark in its text."""
    return not any(_ROOT in term or _OTHER in term for triple in _ontology() for term in triple)


@cache
def _ontology() -> Any:
    from kg.load import load_ontology

    return load_ontology()
