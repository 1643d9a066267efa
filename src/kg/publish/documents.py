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
_DOCUMENTED = (str(ONTOLOGY_IRI), str(VOCABULARIES_IRI))


def render_document(renderer: Renderer, iri: str, ext: str, lang: str = "en") -> str:
    """The document of ``iri`` (a resource of the publication) with suffix ``ext``, in ``lang`` for HTML."""
    publication = renderer.publication
    if ext in RDF_SUFFIXES:
        return render_descriptions(renderer, iri, (ext,))[ext]
    if publication.documents.get(iri) in _DOCUMENTED:
        pages = {each: (page_path(iri, each) or "").rsplit("/", 1)[-1] for each in ("en", "fa")}
        key = (lang, tuple(sorted(pages.items())), renderer.root)
        if key not in _DOCS:
            from kg.docs import render_html

            # A term the page does not document links to its page on the site, never off the machine.
            _DOCS[key] = render_html(_ontology(), lang, pages, lambda term: renderer.href(term, lang))
        return _DOCS[key]
    return renderer.resource_page(iri, lang)


def render_descriptions(renderer: Renderer, iri: str, exts: tuple[str, ...] = tuple(RDF_SUFFIXES)) -> dict[str, str]:
    """The description of ``iri`` in each RDF syntax of ``exts``, canonicalised once for all of them."""
    from kg.writers import serialize, to_quads

    canonical = to_quads(renderer.publication.describe(iri), triples=True)
    return {ext: serialize(canonical, RDF_SUFFIXES[ext]) for ext in exts}


_DOCS: dict[tuple[str, tuple[tuple[str, str], ...], str], str] = {}


@cache
def _ontology() -> Any:
    from kg.load import load_ontology

    return load_ontology()
