"""The order every writer writes in, and the terms' sort keys and written forms kept across documents.

A document is written as its :func:`describe`-d triples: subjects sorted by
:func:`node_key` (IRIs, then blank nodes, then literals; digit runs by value), each
subject's predicates with ``rdf:type`` first, then by IRI, and each predicate's
objects sorted the same way. Sorting never calls ``int()``
(:func:`kg.terms.natural_key`), so digit runs of any length are safe.

:class:`Memo` keeps what a writer works out for a term (its sort key, its written
form in a syntax), bounded; the writers of each syntax keep their own in one.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from pyoxigraph import BlankNode, NamedNode, Quad
from pyoxigraph import Literal as OxLiteral

from kg.errors import OutputError
from kg.terms import RDF_LANGSTRING, XSD_STRING, natural_key, natural_text

RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
XSD = "http://www.w3.org/2001/XMLSchema#"
RDF_TYPE = NamedNode(RDF + "type")


def literal_datatype(node: OxLiteral) -> str:
    """The datatype a literal is written with: '' for a simple or a language-tagged string."""
    datatype = node.datatype.value
    return "" if datatype in (XSD_STRING, RDF_LANGSTRING) else datatype


def node_key(node: Any) -> tuple[object, ...]:
    """Sort key of a term: IRIs, then blank nodes, then literals (by datatype, tag, text); digit runs by value."""
    if isinstance(node, NamedNode):
        return (0, natural_key(node.value))
    if isinstance(node, BlankNode):
        return (1, natural_key(node.value))
    if isinstance(node, OxLiteral):
        return (2, literal_datatype(node), node.language or "", natural_key(node.value))
    raise OutputError(f"cannot write a term of type {type(node).__name__}: {node!r}")


#: Terms recur across the documents of one run (the static site writes thousands of small descriptions that
#: share their predicates, classes and labels): their sort keys and written forms are worked out once each,
#: up to this many terms, and only for terms of at most LONGEST characters. A document of more than BIG
#: statements (a whole-graph export) does not use them: its terms recur little, and keeping them would
#: add to its memory what they save in time.
TERMS_KEPT = 1 << 16
LONGEST = 1024
BIG = 20_000
#: A big document keeps, for itself, the written form of each literal of at most this many characters (up to
#: TERMS_KEPT of them): a corpus repeats its short literals (1 000 synthetic articles: 72 000 literals, 5 400
#: distinct: offsets, dates, names), and a bound this small keeps them to a few MB in any document.
SHORT = 64


class Memo(dict[Any, Any]):
    """``memo[term]`` is ``make(term)``, kept (bounded: forgotten all at once when full, and long results
    are not kept, so a corpus of long texts does not stay in memory twice)."""

    def __init__(self, make: Callable[[Any], Any], size: Callable[[Any], int] = len) -> None:
        super().__init__()
        self.make = make
        self.size = size

    def __missing__(self, key: Any) -> Any:
        value = self.make(key)
        if self.size(value) <= LONGEST:
            if len(self) >= TERMS_KEPT:
                self.clear()
            self[key] = value
        return value


def _predicate_key(predicate: Any) -> tuple[object, ...]:
    return (0,) if predicate == RDF_TYPE else (1, natural_key(predicate.value))


_PREDICATE_KEYS = Memo(_predicate_key, lambda key: 0)


Description = list[tuple[Any, list[tuple[Any, list[Any]]]]]


def describe(quads: Iterable[Quad]) -> Description:
    """(subject, [(predicate, sorted objects)]) in subject order, rdf:type first, then by predicate IRI."""
    by_subject: dict[Any, dict[Any, set[Any]]] = {}
    for q in quads:
        objects = by_subject.get(q.subject)
        if objects is None:
            objects = by_subject[q.subject] = {}
        found = objects.get(q.predicate)
        if found is None:
            objects[q.predicate] = {q.object}
        else:
            found.add(q.object)
    if len(by_subject) > BIG:
        return [(s, describe_subject(by_subject[s], node_key)) for s in sorted(by_subject, key=node_key)]
    predicate_key = _PREDICATE_KEYS.__getitem__
    described: Description = []
    for subject in _sorted_terms(by_subject):
        objects = by_subject[subject]
        predicates = sorted(objects, key=predicate_key) if len(objects) > 1 else objects
        described.append(
            (subject, [(p, _sorted_terms(objects[p]) if len(objects[p]) > 1 else list(objects[p])) for p in predicates])
        )
    return described


def _text_key_or_none(node: Any) -> tuple[object, ...] | None:
    try:
        return _text_key(node)
    except _Unkeyed:
        return None


#: The terms' keys in :func:`node_key`'s order, each text one string (:func:`_text_key`), None where that cannot
#: be: a small document's terms recur across documents (see TERMS_KEPT).
_TEXT_KEYS = Memo(_text_key_or_none, lambda key: 0 if key is None else len(key[-1]))  # type: ignore[arg-type]


def _sorted_terms(terms: Iterable[Any]) -> list[Any]:
    """``terms`` sorted in :func:`node_key`'s order, by their kept text keys (:data:`_TEXT_KEYS`); by
    :func:`node_key` when one of them has none (a None compared with a key is a TypeError: with two terms
    or more every key is compared at least once)."""
    try:
        return sorted(terms, key=_TEXT_KEYS.__getitem__)
    except TypeError:
        return sorted(terms, key=node_key)


def describe_subject(objects: dict[Any, set[Any]], key: Callable[[Any], Any]) -> list[tuple[Any, list[Any]]]:
    """One subject's [(predicate, sorted objects)] from its objects by predicate: rdf:type first, then by IRI."""
    predicates = sorted(objects, key=_PREDICATE_KEYS.__getitem__) if len(objects) > 1 else list(objects)
    return [(p, sorted(objects[p], key=key) if len(objects[p]) > 1 else list(objects[p])) for p in predicates]


#: The predicates of a subject in order, by the order a store gave them in: a store gives them in an order of
#: its own, the same for every subject with the same predicates (a corpus has a few such sets), bounded.
_PREDICATE_ORDERS: dict[tuple[Any, ...], list[Any]] = {}


def described_subject(objects: dict[Any, list[Any]]) -> list[tuple[Any, list[Any]]]:
    """:func:`describe_subject` of objects listed each once (a store's), sorted in place by :func:`sorted_terms`."""
    if len(objects) > 1:
        given = tuple(objects)
        predicates = _PREDICATE_ORDERS.get(given)
        if predicates is None:
            if len(_PREDICATE_ORDERS) >= 4096:
                _PREDICATE_ORDERS.clear()
            predicates = _PREDICATE_ORDERS[given] = sorted(given, key=_PREDICATE_KEYS.__getitem__)
    else:
        predicates = list(objects)
    pairs = []
    for p in predicates:
        found = objects[p]
        if len(found) > 1:
            sort_terms(found)
        pairs.append((p, found))
    return pairs


class _Unkeyed(Exception):
    """A term whose text :func:`kg.terms.natural_text` cannot stand for."""


def _text_key(node: Any) -> tuple[object, ...]:
    """:func:`node_key`'s order, each text as one string (:func:`kg.terms.natural_text`): several times faster to
    make and compare than nested tuples; _Unkeyed where that cannot be."""
    kind, value = type(node), getattr(node, "value", None)
    text = natural_text(value) if type(value) is str else None
    if text is None:
        raise _Unkeyed
    if kind is NamedNode:
        return (0, text)
    if kind is OxLiteral:
        return (2, literal_datatype(node), node.language or "", text)
    if kind is BlankNode:
        return (1, text)
    raise _Unkeyed


#: The keys of IRIs (objects recur: the classes, concepts and places of a corpus), bounded.
_IRI_KEYS: dict[Any, tuple[object, ...]] = {}


def _term_key(node: Any) -> tuple[object, ...]:
    if type(node) is not NamedNode:
        return _text_key(node)
    key = _IRI_KEYS.get(node)
    if key is None:
        if len(_IRI_KEYS) >= TERMS_KEPT:
            _IRI_KEYS.clear()
        key = _IRI_KEYS[node] = _text_key(node)
    return key


def sort_terms(terms: list[Any]) -> None:
    """Sort ``terms`` in place in :func:`node_key`'s order."""
    try:
        terms.sort(key=_term_key)
    except _Unkeyed:
        terms.sort(key=node_key)
