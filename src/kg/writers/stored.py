"""A dataset held in pyoxigraph stores, written subject by subject without a Python object per statement.

:class:`Stored` names the graphs of one or more :class:`pyoxigraph.Store` s that a writer
is to write, in order, either as they are (TriG, N-Quads) or merged into one graph (the
triple formats). The writers take it where they take any other source, and write the
same bytes as from the same statements as a list (:class:`kg.writers.quads.Canonical`):

- the description (:meth:`Stored.describe`) is made one subject at a time: of one graph,
  in one pass over its statements in the store's order (:class:`AnyOrder`; each subject's
  statements ordered as :func:`kg.writers.order.describe` orders them, and each subject's
  text placed by its key, :func:`kg.writers.order.node_key`); of several merged, the
  subjects listed and sorted, then each subject's statements fetched from every part;
- N-Triples and N-Quads are Oxigraph's own serialisations of each graph, sorted;
- the re-read check looks each statement read up in the store (exact), and counts the
  distinct ones (:func:`verify_stored`).

Why: at 1 000 synthetic articles, making a Python quad of each of the 158 000 statements,
grouping and sorting them took most of a Turtle export's time (1.3 of its 2.5 s) and about
490 bytes a statement, when the store that holds them is already loaded.

A dataset with a blank node is not written this way: its labels must first be made
canonical over the whole dataset (RDFC-1.0), which :func:`kg.writers.quads.to_quads`
does on a copy (:meth:`Stored.quads`). Nor is a store that does not give back every
term as read (a Store writes ``"01"^^xsd:integer`` back as ``"1"``: the caller asks
:func:`kg.sources.store_writes_as_read` first); a small graph that is not in a store (the
dataset's description) is a part held as a list of quads.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from functools import cached_property
from typing import Any

import pyoxigraph
from pyoxigraph import BlankNode, DefaultGraph, Literal, NamedNode, Quad

from kg.terms import natural_text
from kg.writers.order import Description, describe_subject, described_subject, node_key


def _in(graph: NamedNode | DefaultGraph, pattern: str) -> str:
    """A SPARQL group of ``pattern`` in ``graph`` (the store's default graph itself: not the union)."""
    if isinstance(graph, DefaultGraph):
        return f"{{ {pattern} }}"
    return f"{{ GRAPH <{graph.value}> {{ {pattern} }} }}"  # a NamedNode holds only a valid IRI: nothing to escape


class InStore:
    """One graph of a pyoxigraph Store, as a part to write (``blank``: whether it has a blank node, ``size``:
    how many statements it holds, when the caller knows). Its default graph is a part too: the merge of the
    graphs a triple format writes, loaded into it (a statement read is then looked up as it is)."""

    def __init__(
        self,
        store: pyoxigraph.Store,
        graph: NamedNode | DefaultGraph,
        *,
        blank: bool | None = None,
        size: int | None = None,
    ) -> None:
        self.store, self.graph = store, graph
        if blank is not None:
            self.blank = blank
        if size is not None:
            self.size = size

    @cached_property
    def size(self) -> int:
        (row,) = self.store.query("SELECT (COUNT(*) AS ?n) " + _in(self.graph, "?s ?p ?o"))
        return int(row[0].value)

    @cached_property
    def blank(self) -> bool:
        ask = "ASK " + _in(self.graph, "?s ?p ?o FILTER(isBlank(?s) || isBlank(?o))")
        return bool(self.store.query(ask))

    def quads(self, subject: Any = None) -> Iterable[Quad]:
        return self.store.quads_for_pattern(subject, None, None, self.graph)

    def holds(self, s: Any, p: Any, o: Any) -> bool:
        return Quad(s, p, o, self.graph) in self.store

    @property
    def container(self) -> Any:
        return self.store

    def subjects(self) -> Iterable[Any]:
        return (row[0] for row in self.store.query("SELECT DISTINCT ?s " + _in(self.graph, "?s ?p ?o")))

    def schemes(self) -> set[str]:
        query = (
            f"SELECT DISTINCT ?a ?b ?c {{ {_in(self.graph, '?s ?p ?o')} BIND(STRBEFORE(STR(?s), ':') AS ?a) "
            "BIND(STRBEFORE(STR(?p), ':') AS ?b) BIND(STRBEFORE(STR(IF(isLITERAL(?o), DATATYPE(?o), ?o)), ':') AS ?c) }"
        )
        return {term.value for row in self.store.query(query) for term in row if term is not None}

    def serialize(self, fmt: pyoxigraph.RdfFormat, output: Any = None) -> bytes | None:
        if fmt.supports_datasets:
            return pyoxigraph.serialize(self.quads(), output, format=fmt)
        return self.store.dump(output, format=fmt, from_graph=self.graph)


class Listed:
    """A few statements held as quads (all in ``graph``), as a part to write: a graph no store holds."""

    def __init__(self, quads: Iterable[Quad], graph: NamedNode) -> None:
        self.graph = graph
        self.by_subject: dict[Any, list[Quad]] = {}
        for q in dict.fromkeys(Quad(q.subject, q.predicate, q.object, graph) for q in quads):
            self.by_subject.setdefault(q.subject, []).append(q)
        self.held = {q for found in self.by_subject.values() for q in found}
        self.size = len(self.held)
        self.blank = any(type(t) is BlankNode for q in self.held for t in (q.subject, q.object))

    def quads(self, subject: Any = None) -> Iterable[Quad]:
        if subject is None:
            return [q for found in self.by_subject.values() for q in found]
        return self.by_subject.get(subject, ())

    def holds(self, s: Any, p: Any, o: Any) -> bool:
        return Quad(s, p, o, self.graph) in self.held

    @property
    def container(self) -> Any:
        return self.held

    def subjects(self) -> Iterable[Any]:
        return self.by_subject

    def schemes(self) -> set[str]:
        found = set()
        for q in self.held:
            for term in (q.subject, q.predicate, q.object):
                iri = term.datatype if type(term) is Literal else term
                if type(iri) is NamedNode:
                    found.add(iri.value.split(":", 1)[0])
        return found

    def serialize(self, fmt: pyoxigraph.RdfFormat, output: Any = None) -> bytes | None:
        quads = self.quads()
        return pyoxigraph.serialize(quads if fmt.supports_datasets else [q.triple for q in quads], output, format=fmt)


Part = InStore | Listed


class Stored:
    """The graphs ``parts`` to write, in order; ``triples=True`` merges them into the default graph (a
    statement in two parts once)."""

    def __init__(self, parts: Sequence[Part], *, triples: bool) -> None:
        self.parts = list(parts)
        self.triples = triples
        self._kept: dict[str, Any] = {}

    def kept(self, name: str, make: Callable[[], Any]) -> Any:
        """``make()``, worked out at the first call for ``name`` and kept (a copy the writers share)."""
        if name not in self._kept:
            self._kept[name] = make()
        return self._kept[name]

    @cached_property
    def blank(self) -> bool:
        """Whether a blank node is among the terms (then the writers work on a canonically labelled copy)."""
        return any(part.blank for part in self.parts)

    @cached_property
    def _length(self) -> int:
        if not self.triples or len(self.parts) < 2:
            return sum(part.size for part in self.parts)
        # Merged: the largest part, then each statement of the others not stated by a part counted before.
        parts = sorted(self.parts, key=lambda part: part.size, reverse=True)
        total = parts[0].size
        for i, part in enumerate(parts[1:], 1):
            for q in part.quads():
                if not any(before.holds(q.subject, q.predicate, q.object) for before in parts[:i]):
                    total += 1
        return total

    def __len__(self) -> int:
        """How many statements are written (merged: each once)."""
        return self._length

    def graphs(self) -> dict[Any, Stored]:
        """Each part that holds a statement, by the name it is written under, in order (TriG's blocks)."""
        if self.triples:
            return {DefaultGraph(): self} if len(self) else {}
        return {part.graph: Stored([part], triples=False) for part in self.parts if part.size}

    def quads(self) -> Iterator[Quad]:
        """Every statement as a quad, in order (merged: in the default graph, repeated where parts share it)."""
        default = DefaultGraph()
        for part in self.parts:
            for q in part.quads():
                yield Quad(q.subject, q.predicate, q.object, default) if self.triples else q

    def places(self, merge: bool) -> dict[Any, list[tuple[Any, NamedNode, bool]]]:
        """Where a statement read may be, by its graph name (merged: every part, under the default graph), the
        largest part first: (container, graph, by value) such that ``Quad(s, p, o, graph) in container`` says
        whether the part holds it, exactly or (a store) up to the form of a literal of
        :data:`kg.terms.STORED_AS_VALUES`."""
        found: dict[Any, list[tuple[Any, NamedNode, bool]]] = {}
        for part in sorted(self.parts, key=lambda part: part.size, reverse=True):
            place = (part.container, part.graph, isinstance(part, InStore))
            found.setdefault(DefaultGraph() if merge else part.graph, []).append(place)
        return found

    def in_one_store(self) -> tuple[pyoxigraph.Store, set[Quad]] | None:
        """For a dataset (not merged): the one store that holds its stored parts, each in a named graph of its own
        and nothing else, and the statements of its listed parts (in graphs the store does not hold); None when
        the parts are not so. A statement read is then one of the dataset's when the store holds it as it is
        (its graph named) or it is one of those listed: one look-up, not a look-up of its graph's parts."""
        stored = [part for part in self.parts if isinstance(part, InStore)]
        if self.triples or not stored or any(part.store is not stored[0].store for part in stored):
            return None
        store, graphs = stored[0].store, {part.graph for part in stored}
        if len(graphs) != len(stored) or any(isinstance(graph, DefaultGraph) for graph in graphs):
            return None
        if not graphs.issuperset(store.named_graphs()):  # another graph of the store: not the dataset's
            return None
        if next(iter(store.quads_for_pattern(None, None, None, DefaultGraph())), None) is not None:
            return None
        listed = [part for part in self.parts if isinstance(part, Listed)]
        if any(part.graph in graphs for part in listed):
            return None
        return store, {q for part in listed for q in part.held}

    def subjects(self) -> list[Any]:
        """The subjects, each once, sorted as the writers write them (:func:`sorted_subjects`)."""
        found: set[Any] = set()
        for part in self.parts:
            found.update(part.subjects())
        return sorted_subjects(found)

    def describe(self) -> Iterable[tuple[Any, list[tuple[Any, list[Any]]]]]:
        """What :func:`kg.writers.order.describe` makes of the same statements, made one subject at a time: of one
        graph, in the store's own order (:class:`AnyOrder`; the writers place each subject's text by its key,
        :func:`kg.writers.quads.rendered`), else subject by subject in order."""
        if len(self.parts) == 1:
            return AnyOrder(self.parts[0])
        return self._merged()

    def _merged(self) -> Iterator[tuple[Any, list[tuple[Any, list[Any]]]]]:
        parts = self.parts
        for subject in self.subjects():
            objects: dict[Any, set[Any]] = {}
            for part in parts:
                for q in part.quads(subject):
                    found = objects.get(q.predicate)
                    if found is None:
                        objects[q.predicate] = {q.object}
                    else:
                        found.add(q.object)
            yield subject, describe_subject(objects, node_key)

    def description(self) -> Description:
        """The whole description, in order."""
        described = self.describe()
        if isinstance(described, AnyOrder):
            whole = dict(described)  # a subject given again replaces its first, partial description
            return [(subject, whole[subject]) for subject in sorted_subjects(whole)]
        return list(described)

    def schemes(self) -> set[str]:
        """The schemes of every IRI written (subjects, predicates, IRI objects, literals' datatypes)."""
        return {scheme for part in self.parts for scheme in part.schemes()}

    def serialize(self, fmt: pyoxigraph.RdfFormat, output: Any = None) -> bytes | None:
        """Oxigraph's text of every part in ``fmt`` (N-Triples: merged; N-Quads: each in its graph), unsorted;
        written to ``output`` (a binary file) if given."""
        if output is None:
            return b"".join(part.serialize(fmt) or b"" for part in self.parts)
        for part in self.parts:
            part.serialize(fmt, output)
        return None


def sorted_subjects(found: Iterable[Any]) -> list[Any]:
    """Subjects sorted as the writers write them (:func:`kg.writers.order.node_key`; IRIs by one string each
    where :func:`kg.terms.natural_text` can stand for their order)."""
    found = list(found)
    return [found[i] for i in subject_order(found)]


def subject_order(found: list[Any]) -> list[int]:
    """The positions of ``found`` (subjects, each once) in :func:`sorted_subjects`' order.

    Positions, not the subjects themselves: a caller that holds something for each subject (a text) takes
    it by position, not by looking the subject up again (a term's hash and comparison are calls into
    pyoxigraph, a fraction of a microsecond each, more when taken in sorted order, out of the order the terms
    were made in: 23 000 subjects' texts placed 3 look-ups each, about 0.02 s)."""
    if all(type(s) is NamedNode for s in found):
        texts = [natural_text(s.value) for s in found]
        if None not in texts:
            return sorted(range(len(found)), key=texts.__getitem__)
    keys = [node_key(s) for s in found]
    return sorted(range(len(found)), key=keys.__getitem__)


class AnyOrder:
    """The description of one graph, made in one pass over its statements in the store's order: each subject
    with its statements (:func:`kg.writers.order.described_subject`), in no particular order of subjects.

    A store mostly gives a subject's statements in one run; a subject whose statements come in two runs is
    given again, whole (fetched by subject), after the others: the later description replaces the earlier.
    The writers make each subject's text as it comes and write them in the subjects' order
    (:func:`kg.writers.quads.rendered`).

    Why: listing the subjects (a SPARQL query), sorting them and then asking the store for each subject's
    statements took 0.37 s of a Turtle export at 1 000 synthetic articles; one pass and the texts placed
    by their subjects' keys 0.25 s, holding each subject's text (the document's size) meanwhile.
    """

    def __init__(self, part: Part) -> None:
        self.part = part

    def __iter__(self) -> Iterator[tuple[Any, list[tuple[Any, list[Any]]]]]:
        part = self.part
        given: set[Any] = set()
        again: dict[Any, None] = {}
        current: Any = None
        listed: dict[Any, list[Any]] = {}
        for q in part.quads():
            subject = q.subject
            if subject != current:
                if current is not None:
                    if current in given:
                        again[current] = None
                    else:
                        given.add(current)
                        yield current, described_subject(listed)
                current, listed = subject, {}
            predicate = q.predicate
            found = listed.get(predicate)
            if found is None:
                listed[predicate] = [q.object]
            else:
                found.append(q.object)
        if current is not None:
            if current in given:
                again[current] = None
            else:
                yield current, described_subject(listed)
        del given
        for subject in again:  # the whole description of a subject given in two runs
            listed = {}
            for q in part.quads(subject):
                found = listed.get(q.predicate)
                if found is None:
                    listed[q.predicate] = [q.object]
                else:
                    found.append(q.object)
            yield subject, described_subject(listed)
