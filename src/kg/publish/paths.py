"""Where each IRI lives on the site: the one map between the graph's IRIs and the site's paths.

The IRI space under :data:`kg.namespaces.BASE` is the site's own path space, so that
the w3id.org redirect (``https://w3id.org/iran-kazakhstan-kg/P`` to ``HOST/P``) and
``kg serve`` (``/P``) and the static site (``P.html``, ``P.ttl``, …) agree:

==================================  ===========================================================
IRI                                 pages (``LANG`` is ``.fa`` for Persian, nothing for English)
==================================  ===========================================================
``BASE id/kazakhstan``               ``id/kazakhstan{LANG}.html``, ``id/kazakhstan.ttl``, ``.nt``,
                                    ``.jsonld``, ``.rdf``
``BASE ontology`` (and ``vocabularies``, ``shapes``, ``dataset``, a version such as
``ontology/0.1.0``)                 the same, ``ontology{LANG}.html``, ``ontology.ttl``, …
``BASE ontology#Country``           the IRI dereferences to ``ontology`` (a hash IRI); the term's
                                    own page is ``ontology/Country{LANG}.html`` (its instances or uses)
``schema:name``, ``wd:Q232``, …     ``ext/schema/name{LANG}.html``: where the graph uses an IRI of
                                    another namespace (any prefix of :data:`kg.namespaces.PREFIXES`)
==================================  ===========================================================

A path names a page only if its IRI is one the graph holds (the caller checks
that); this module only maps, and refuses any path that is not of this form
(``..``, empty segments, characters outside ``[A-Za-z0-9._-]``), so no path from
a request reaches the file system.

>>> page_path("https://w3id.org/iran-kazakhstan-kg/id/kazakhstan", "fa")
'id/kazakhstan.fa.html'
>>> page_path("https://w3id.org/iran-kazakhstan-kg/ontology#Country", ext="ttl")
'ontology/Country.ttl'
>>> page_path("http://www.wikidata.org/entity/Q232")
'ext/wd/Q232.html'
>>> parse_page("id/concept/units.fa.html")
Page(iri='https://w3id.org/iran-kazakhstan-kg/id/concept/units', lang='fa', ext='html')
>>> parse_page("ontology/Country.jsonld")
Page(iri='https://w3id.org/iran-kazakhstan-kg/ontology#Country', lang='en', ext='jsonld')
>>> parse_page("id/kazakhstan") is None, parse_page("id/../etc/passwd.ttl") is None
(True, True)
"""

from __future__ import annotations

import re
from typing import Any, NamedTuple
from urllib.parse import unquote, urlsplit

from kg.namespaces import BASE, DOCUMENTS, PREFIXES
from kg.terms import prefixed

#: The machine formats of every resource, by the suffix of their document: the RDF formats of
#: :mod:`kg.formats` that hold one graph (named graphs are the dumps' business).
RDF_SUFFIXES: dict[str, str] = {"ttl": "turtle", "nt": "nt", "jsonld": "jsonld", "rdf": "xml"}
#: Every suffix of a resource's documents, the page for people first.
SUFFIXES = ("html", *RDF_SUFFIXES)
LANGS = ("en", "fa")
#: Documents of hash namespaces: their IRI names a document (RDF or its HTML documentation),
#: and each term ``DOC#name`` is described inside it. ``HASH_DOCUMENTS`` holds their rdflib terms, made when
#: first asked for (:func:`__getattr__`: the dataset's description imports this module and no rdflib).
_HASH_DOCUMENTS = ("ONTOLOGY_IRI", "VOCABULARIES_IRI", "SHAPES_IRI", "DATASET_IRI")
#: Where pages of IRIs of other namespaces live.
EXTERNAL = "ext"
#: Where the gzipped dumps are: files, not resources with pages (kg.describe names them as dcat:downloadURL).
DUMPS = "dumps/"

_SEGMENT = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]*")
_LOCAL = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]*")
_FOREIGN = {p: ns for p, ns in PREFIXES.items() if not ns.startswith(BASE)}
_HASH = {f"{BASE}{DOCUMENTS[name]}#": DOCUMENTS[name] for name in _HASH_DOCUMENTS}


def __getattr__(name: str) -> Any:
    """``HASH_DOCUMENTS``, the hash documents' IRIs as rdflib terms (:data:`kg.namespaces.ONTOLOGY_IRI`...)."""
    if name == "HASH_DOCUMENTS":
        import kg.namespaces

        made = tuple(getattr(kg.namespaces, document) for document in _HASH_DOCUMENTS)
        globals()[name] = made
        return made
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


class Page(NamedTuple):
    """One document of the site: the IRI it is about, its language (HTML only) and its suffix."""

    iri: str
    lang: str
    ext: str


def resource_path(iri: str) -> str | None:
    """The path of the IRI's own resource (``id/kazakhstan``), without suffix; None off the base or with
    a fragment (a hash IRI dereferences to its document: :func:`document_of`)."""
    if not iri.startswith(BASE) or "#" in iri:
        return None
    path = iri[len(BASE) :]
    return path if _safe_path(path) and not path.startswith(DUMPS) else None


def document_of(iri: str) -> str:
    """The IRI a client fetches to dereference ``iri``: the IRI without its fragment."""
    return iri.split("#", 1)[0]


def page_stem(iri: str) -> str | None:
    """The path, without suffix, of the documents about ``iri``; None if it has no page on the site."""
    own = resource_path(iri)
    if own is not None:
        return own
    for namespace, doc in _HASH.items():
        if iri.startswith(namespace):
            local = iri[len(namespace) :]
            return f"{doc}/{local}" if _LOCAL.fullmatch(local) else None
    for prefix, namespace in _FOREIGN.items():
        if iri.startswith(namespace):
            local = iri[len(namespace) :]
            if _LOCAL.fullmatch(local):
                return f"{EXTERNAL}/{prefix}/{local}"
    return None


def page_path(iri: str, lang: str = "en", ext: str = "html") -> str | None:
    """The site path (no leading slash) of the document about ``iri`` in ``ext`` (and ``lang`` for HTML)."""
    stem = page_stem(iri)
    return None if stem is None else stem_path(stem, lang, ext)


def stem_path(stem: str, lang: str = "en", ext: str = "html") -> str:
    """The site path of the document in ``ext`` (and ``lang`` for HTML) of the IRI whose stem is ``stem``."""
    return f"{stem}.fa.html" if ext == "html" and lang == "fa" else f"{stem}.{ext}"


def parse_page(path: str) -> Page | None:
    """The page a site path (no leading slash) names, or None if it is not of the form of :func:`page_path`."""
    for ext in SUFFIXES:
        if path.endswith("." + ext):
            stem, lang = path[: -len(ext) - 1], "en"
            if ext == "html" and stem.endswith(".fa"):
                stem, lang = stem[:-3], "fa"
            iri = iri_of_stem(stem)
            return Page(iri, lang, ext) if iri is not None else None
    return None


def iri_of_stem(stem: str) -> str | None:
    """The IRI whose page stem is ``stem`` (the inverse of :func:`page_stem`); None if none could be."""
    if not _safe_path(stem):
        return None
    head, _, local = stem.rpartition("/")
    if head == EXTERNAL:
        return None
    if head.startswith(EXTERNAL + "/"):
        prefix = head[len(EXTERNAL) + 1 :]
        return _FOREIGN[prefix] + local if prefix in _FOREIGN and _LOCAL.fullmatch(local) else None
    for namespace, doc in _HASH.items():
        if head == doc and _LOCAL.fullmatch(local):
            return namespace + local
    return BASE + stem


def resource_iri(path: str) -> str | None:
    """The IRI that a site path without suffix (``id/kazakhstan``) names, if it is a safe path."""
    return BASE + path if _safe_path(path) else None


def _safe_path(path: str) -> bool:
    return bool(path) and all(_SEGMENT.fullmatch(s) for s in path.split("/"))


def leaves_site(iri: str) -> bool:
    """Whether a link to ``iri`` leaves the site: an http(s) IRI outside the base (our own IRIs never do).

    >>> leaves_site("http://qudt.org/vocab/unit/TONNE"), leaves_site(BASE + "id/iran"), leaves_site("urn:x")
    (True, False, False)
    """
    return iri.startswith(("http://", "https://")) and not iri.startswith(BASE)


def short_name(iri: str) -> str:
    """``iri`` written short for a reader who has no name for it: its prefixed name (``kgi:mou``), else, for
    another site's IRI, its host and last step, else the IRI in angle brackets.

    >>> short_name("http://qudt.org/vocab/unit/TONNE"), short_name("https://www.isna.ir/")
    ('qudt.org › TONNE', 'isna.ir')
    """
    short = prefixed(iri)
    if not short.startswith("<") or not leaves_site(iri):
        return short
    parts = urlsplit(iri)
    host = (parts.hostname or "").removeprefix("www.")
    last = unquote(parts.fragment or parts.path.rstrip("/").rsplit("/", 1)[-1])
    return (f"{host} › {last}" if last else host) or short
