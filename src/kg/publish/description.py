"""The published graph and the bounded description of each of its resources.

:class:`Publication` holds what the site publishes, loaded once: the asserted
triples of the ontology, vocabularies and data (no entailment: a description says
what the files say) in an in-memory pyoxigraph store, the documents of the hash
namespaces (the ontology, the vocabularies, the shapes, the VoID/DCAT dataset
description), the labels of every node, and the date the data last changed.
``kg serve`` and ``kg publish`` render from the same object.

The description of a resource (:meth:`Publication.describe`) is a **symmetric
bounded description with labels and mentions**:

1. every triple with the resource as subject, and, for a blank node object, that
   node's own triples, recursively (the Concise Bounded Description, CBD);
2. every triple with the resource as object (the inbound links: who names it);
3. the ``rdfs:label`` and ``skos:prefLabel`` of every IRI those triples name, in
   every language, so a client can show each link by name without a second request;
4. its mentions: the triples of every ``kg:Mention`` whose ``itsrdf:taIdentRef``
   is the resource (the span's offsets and its verbatim text), so each fact can
   be traced to the article.

It is bounded (one hop, plus labels and mentions) and it is the whole story of
the resource: the union of the descriptions of all subjects is the graph.
"""

from __future__ import annotations

import os
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pyoxigraph
from pyoxigraph import BlankNode, Literal, NamedNode, Quad

from kg.i18n import digits, term_label
from kg.i18n import text as message
from kg.namespaces import (
    DATASET_IRI,
    ITSRDF,
    KG,
    NIF,
    OWL,
    RDF,
    RDFS,
    SKOS,
)
from kg.publish.paths import HASH_DOCUMENTS, page_stem, short_name
from kg.sources import DATA_GRAPH, DESCRIPTION_GRAPH
from kg.terms import prefixed

if TYPE_CHECKING:
    from kg.sources import Sources

_LABELS = (NamedNode(str(RDFS.label)), NamedNode(str(SKOS.prefLabel)))
_ALT = NamedNode(str(SKOS.altLabel))
_TITLE = NamedNode("http://purl.org/dc/terms/title")
_TYPE = NamedNode(str(RDF.type))
_IDENT = NamedNode(str(ITSRDF.taIdentRef))
_MENTION = NamedNode(str(KG.Mention))
_SUBCLASS = NamedNode(str(RDFS.subClassOf))
_TARGET_CLASS = NamedNode("http://www.w3.org/ns/shacl#targetClass")
#: The version IRIs of a document: the ontology's owl:versionIRI, the dataset's dcterms:hasVersion.
_VERSIONS = (NamedNode(str(OWL.versionIRI)), NamedNode("http://purl.org/dc/terms/hasVersion"))


#: How many answers of :meth:`Publication._match` are kept.
_KEPT = 1 << 14


def _key(term: Any) -> str:
    return term.value if isinstance(term, NamedNode | Literal) else str(term)


@dataclass
class Publication:
    """The published graph: one store, each part in its named graph (its document), and the date.

    The named graphs are the ontology, the vocabularies, the shapes, the dataset description
    and the data (:data:`DATA_GRAPH`); every read goes over all of them, each triple once.
    """

    store: pyoxigraph.Store
    modified: datetime
    sources: list[Path] = field(default_factory=list)
    #: Named graph -> the files read into it (:meth:`kg.sources.Sources.files`), when known.
    files: dict[str, list[Path]] = field(default_factory=dict)

    _matched: dict[tuple[Any, Any, Any], list[Quad]] = field(default_factory=dict, repr=False)
    _texts: dict[str, str | None] = field(default_factory=dict, repr=False)
    #: Parts of pages made once for the whole publication (:mod:`kg.publish.documents`), by what they are.
    kept_pages: dict[tuple[Any, ...], str] = field(default_factory=dict, repr=False)
    #: Files known to be held in the store term for term as read (:func:`kg.sources.store_writes_as_read`, which
    #: reads a file again): ``kg publish`` asks it once for all before its workers fork.
    files_as_read: frozenset[Path] = field(default=frozenset(), repr=False)

    def _match(self, subject: Any, predicate: Any, obj: Any) -> list[Quad]:
        """The triples (as default-graph quads, each once) of the pattern, in any named graph.

        The answers of patterns about one node are kept (up to :data:`_KEPT` patterns): a page in each
        language and a description ask for the same nodes' triples and labels again and again. The
        answer is shared: callers do not change it."""
        key = (subject, predicate, obj)
        found = self._matched.get(key)
        if found is not None:
            return found
        seen: dict[Quad, None] = {}
        for quad in self.store.quads_for_pattern(subject, predicate, obj):
            seen[Quad(quad.subject, quad.predicate, quad.object)] = None  # in the default graph (no graph given:
            # making a DefaultGraph for each took 45 % of the time)
        found = list(seen)
        if subject is not None or obj is not None:
            if len(self._matched) >= _KEPT:
                self._matched.clear()
            self._matched[key] = found
        return found

    @cached_property
    def documents(self) -> dict[str, str]:
        """IRI that names a document -> the named graph it serves: the hash namespaces, their version
        IRIs (``owl:versionIRI``), the data and the description graph of the exports."""
        found = {str(d): str(d) for d in (*HASH_DOCUMENTS, DATA_GRAPH)}
        found[str(DESCRIPTION_GRAPH)] = str(DATASET_IRI)  # the exports' description graph: the dataset's document
        for doc in list(found.values()):
            for predicate in _VERSIONS:
                for quad in self.store.quads_for_pattern(NamedNode(doc), predicate, None):
                    if isinstance(quad.object, NamedNode):
                        found[quad.object.value] = doc
        return found

    # ----------------------------------------------------------------- what exists

    @cached_property
    def labels(self) -> dict[str, dict[str, str]]:
        """IRI -> language ('' untagged) -> its label (``rdfs:label``, else ``skos:prefLabel``, else ``dcterms:title``
        as the dataset and its parts have; the smallest)."""
        found: dict[str, dict[str, str]] = defaultdict(dict)
        for predicate in (_TITLE, *reversed(_LABELS)):  # rdfs:label wins: written last
            chosen: dict[tuple[str, str], str] = {}
            for quad in self._match(None, predicate, None):
                if isinstance(quad.object, Literal):
                    key = (_key(quad.subject), quad.object.language or "")
                    if key not in chosen or quad.object.value < chosen[key]:
                        chosen[key] = quad.object.value
            for (iri, lang), text in chosen.items():
                found[iri][lang] = text
        return dict(found)

    @cached_property
    def resources(self) -> set[str]:
        """Every IRI the site has a page for: each IRI the graph names (subject, predicate, object) that
        has a page stem, and the dataset and its documents."""
        iris = {str(d) for d in HASH_DOCUMENTS}
        seen: set[str] = set()
        for quad in self.store.quads_for_pattern(None, None, None):
            for term in (quad.subject, quad.predicate, quad.object):
                if isinstance(term, NamedNode) and term.value not in seen:
                    seen.add(term.value)
                    if page_stem(term.value) is not None:
                        iris.add(term.value)
        iris.update(self.documents)
        return iris

    @cached_property
    def stems(self) -> dict[str, str]:
        """Resource -> the stem of the paths of its documents (:func:`~kg.publish.paths.page_stem`), for each
        resource that has them: worked out once, as every link on every page needs one."""
        return {iri: stem for iri in self.resources if (stem := page_stem(iri)) is not None}

    @cached_property
    def subjects(self) -> list[str]:
        """Every IRI that is the subject of a triple of the store, sorted."""
        return sorted({q.subject.value for q in self.store if isinstance(q.subject, NamedNode)})

    def read_ahead(self) -> None:
        """Read now what every page and description asks for (the resources and their paths, labels, types,
        label statements, mention spans): ``kg publish`` does before its workers fork, so that they share
        one copy instead of each reading its own."""
        for name in ("stems", "labels", "_types", "_label_statements", "_spans", "_anchors"):
            getattr(self, name)

    # ----------------------------------------------------------------- reading

    def label(self, iri: str, lang: str) -> str | None:
        """The label of ``iri`` in ``lang``, else in English, else untagged, else any; None if it has none."""
        labels = self.labels.get(iri)
        if not labels:
            return None
        for wanted in (lang, "en", ""):
            if wanted in labels:
                return labels[wanted]
        return next(iter(sorted(labels.items())))[1]

    def name(self, iri: str, lang: str) -> str:
        """How ``iri`` is named to a reader: its label, else the name the publication knows for it
        (:meth:`known_name`), else its short name (:func:`~kg.publish.paths.short_name`): never another
        site's whole IRI."""
        return self.label(iri, lang) or self.known_name(iri, lang) or short_name(iri)

    def known_name(self, iri: str, lang: str) -> str | None:
        """A name of ``iri`` in ``lang`` that no label gives: the catalogue's name of a standard term or another
        vocabulary's IRI (``owl:sameAs``: «یکسان با», a QUDT unit, a namespace), a version of a document (its
        name and version number), the exports' description graph, a document's hash namespace (the document's
        name), a mention (the article's words it marks, «…»: its IRI only says where they are), a node shape that
        targets one class (the shape of that class); None for none of these."""
        found = term_label(prefixed(iri), lang)
        if found:
            return found
        quoted = self._anchors.get(iri)
        if quoted is not None:  # a mention: the article's words it marks
            return f"«{quoted}»"
        shaped = self._shaped.get(iri)
        if shaped is not None:  # a node shape of one class: its class's shape
            return message("publication", "shape_of", lang, name=self.name(shaped, lang))
        document = self.documents.get(iri)
        if document is not None and iri.startswith(document + "/"):
            version = digits(iri[len(document) + 1 :], lang)
            return message("publication", "version_of", lang, name=self.name(document, lang), version=version)
        if iri == str(DESCRIPTION_GRAPH):
            return message("publication", "description_graph", lang)
        if iri.endswith("#") and iri[:-1] in self.documents:
            return self.name(iri[:-1], lang)
        return None

    def alt_labels(self, iri: str) -> list[Literal]:
        return sorted(
            (q.object for q in self._match(NamedNode(iri), _ALT, None)),
            key=lambda o: (o.language or "", o.value),
        )

    def types(self, iri: str) -> list[str]:
        return list(self._types.get(iri, ()))

    @cached_property
    def _types(self) -> dict[str, tuple[str, ...]]:
        """IRI -> its classes (``rdf:type``, as stated), sorted: read in one pass, as pages ask for the types
        of every node they show."""
        found: dict[str, set[str]] = defaultdict(set)
        for quad in self.store.quads_for_pattern(None, _TYPE, None):
            if isinstance(quad.subject, NamedNode) and isinstance(quad.object, NamedNode):
                found[quad.subject.value].add(quad.object.value)
        return {iri: tuple(sorted(classes)) for iri, classes in found.items()}

    def about(self, term: NamedNode | BlankNode) -> list[Quad]:
        """The triples with ``term`` (an IRI or a blank node of the store) as subject."""
        return list(self._match(term, None, None))

    def pointing_at(self, term: NamedNode | BlankNode) -> list[Quad]:
        """The triples with ``term`` as object."""
        return list(self._match(None, None, term))

    def outgoing(self, iri: str) -> list[Quad]:
        return list(self._match(NamedNode(iri), None, None))

    def incoming(self, iri: str) -> list[Quad]:
        return list(self._match(None, None, NamedNode(iri)))

    def uses(self, predicate: str) -> list[Quad]:
        return list(self._match(None, NamedNode(predicate), None))

    def value(self, iri: str, predicate: str) -> Any:
        return next((q.object for q in self.store.quads_for_pattern(NamedNode(iri), NamedNode(predicate), None)), None)

    def subclasses(self, cls: str) -> set[str]:
        """``cls`` and every class below it (``rdfs:subClassOf``, transitively)."""
        found, todo = {cls}, [cls]
        while todo:
            for quad in self._match(None, _SUBCLASS, NamedNode(todo.pop())):
                if isinstance(quad.subject, NamedNode) and quad.subject.value not in found:
                    found.add(quad.subject.value)
                    todo.append(quad.subject.value)
        return found

    def instances(self, cls: str) -> list[str]:
        """The instances of ``cls`` or of a class below it (the RDFS reading of ``rdf:type``), sorted."""
        found = set()
        for each in self.subclasses(cls):
            for quad in self._match(None, _TYPE, NamedNode(each)):
                if isinstance(quad.subject, NamedNode):
                    found.add(quad.subject.value)
        return sorted(found)

    def mentions(self, iri: str) -> list[tuple[str, int, int]]:
        """The mentions of ``iri``: (the article it is in, begin, end), in text order."""
        spans = self._spans
        found = []
        for quad in self._match(None, _IDENT, NamedNode(iri)):
            context, begin, end = spans.get(_key(quad.subject), (None, None, None))
            if begin is not None and end is not None and isinstance(context, NamedNode):
                found.append((context.value, int(begin.value), int(end.value)))
        return sorted(found)

    @cached_property
    def _spans(self) -> dict[str, list[Any]]:
        """Span IRI -> [its article, begin, end] (the first value of each, as :meth:`value` gives), read in one
        pass over each property: pages ask for the spans of every resource they show."""
        found: dict[str, list[Any]] = {}
        for index, predicate in enumerate((NIF.referenceContext, NIF.beginIndex, NIF.endIndex)):
            for quad in self.store.quads_for_pattern(None, NamedNode(str(predicate)), None):
                if isinstance(quad.subject, NamedNode):
                    values = found.setdefault(quad.subject.value, [None, None, None])
                    if values[index] is None:
                        values[index] = quad.object
        return found

    @cached_property
    def _shaped(self) -> dict[str, str]:
        """Node shape IRI -> the one class it targets (``sh:targetClass``), for the shapes that target one."""
        targets: dict[str, list[str]] = defaultdict(list)
        for quad in self.store.quads_for_pattern(None, _TARGET_CLASS, None):
            if isinstance(quad.subject, NamedNode) and isinstance(quad.object, NamedNode):
                targets[quad.subject.value].append(quad.object.value)
        return {shape: classes[0] for shape, classes in targets.items() if len(set(classes)) == 1}

    @cached_property
    def _anchors(self) -> dict[str, str]:
        """Mention IRI -> the article's words it marks (``nif:anchorOf``), read in one pass: pages name a
        mention by its words."""
        found: dict[str, str] = {}
        for quad in self.store.quads_for_pattern(None, NamedNode(str(NIF.anchorOf)), None):
            if isinstance(quad.subject, NamedNode) and isinstance(quad.object, Literal):
                found.setdefault(quad.subject.value, quad.object.value)
        return found

    def text_of(self, article: str) -> str | None:
        """The verbatim text of an article (its ``nif:isString``), kept: a page quotes its sentences."""
        if article not in self._texts:
            text = self.value(article, str(NIF.isString))
            self._texts[article] = text.value if isinstance(text, Literal) else None
        return self._texts[article]

    # ----------------------------------------------------------------- the description

    def is_document(self, iri: str) -> bool:
        """Whether ``iri`` names one of the hash-namespace documents (ontology, vocabularies, shapes, dataset)."""
        return iri in self.documents

    def describe(self, iri: str) -> list[Quad]:
        """The bounded description of ``iri`` (see the module docstring); a hash document is its whole graph."""
        if iri in self.documents:
            graph = NamedNode(self.documents[iri])
            quads = self.store.quads_for_pattern(None, None, None, graph)
            return [Quad(q.subject, q.predicate, q.object) for q in quads]  # in the default graph
        node = NamedNode(iri)
        quads: dict[Quad, None] = {}
        for quad in self._closure(node):
            quads[quad] = None
        for quad in self._match(None, None, node):
            quads[quad] = None
            if quad.predicate == _IDENT and isinstance(quad.subject, NamedNode):
                for mention in self._match(quad.subject, None, None):
                    quads[mention] = None
        labels = self._label_statements
        for named in _named(list(quads)):
            for quad in labels.get(named, ()):
                quads[quad] = None
        return list(quads)

    @cached_property
    def _label_statements(self) -> dict[str, list[Quad]]:
        """IRI -> its ``rdfs:label`` and ``skos:prefLabel`` triples, read in one pass: every description
        holds the labels of every IRI it names."""
        found: dict[str, list[Quad]] = defaultdict(list)
        for predicate in _LABELS:
            for quad in self._match(None, predicate, None):
                if isinstance(quad.subject, NamedNode):
                    found[quad.subject.value].append(quad)
        return dict(found)

    def _closure(self, node: NamedNode | BlankNode) -> Iterable[Quad]:
        seen = {node}
        todo = [node]
        while todo:
            for quad in self._match(todo.pop(), None, None):
                yield quad
                if isinstance(quad.object, BlankNode) and quad.object not in seen:
                    seen.add(quad.object)
                    todo.append(quad.object)


def _named(quads: Sequence[Quad]) -> set[str]:
    return {t.value for q in quads for t in (q.subject, q.predicate, q.object) if isinstance(t, NamedNode)}


def modified_time(sources: Sequence[Path]) -> datetime:
    """When the published data last changed: ``SOURCE_DATE_EPOCH`` if set, else the newest source's mtime."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if epoch.isdigit():
        return datetime.fromtimestamp(int(epoch), UTC)
    times = [p.stat().st_mtime for p in sources if p.is_file()]
    return datetime.fromtimestamp(int(max(times)) if times else 0, UTC)


def load_publication(data: Sequence[str | Path] | None = None, *, sources: Sources | None = None) -> Publication:
    """The publication of the shipped (or given) data, or of ``sources`` already read: each part in its named
    graph (read again by pyoxigraph, much faster than walking rdflib's graphs), its description, its date."""
    from kg.load import read_quads
    from kg.sources import Sources

    sources = sources if sources is not None else Sources(data)
    store = pyoxigraph.Store()
    for graph, path in sources.files():
        name = NamedNode(str(graph))
        store.extend([Quad(q.subject, q.predicate, q.object, name) for q in read_quads(path, one_graph=True)])
    name = NamedNode(str(DATASET_IRI))
    store.extend([Quad(s, p, o, name) for s, p, o in sources.description_triples()])
    files: dict[str, list[Path]] = {}
    for graph, path in sources.files():
        files.setdefault(str(graph), []).append(path)
    return Publication(store, modified_time(sources.paths), list(sources.paths), files)
