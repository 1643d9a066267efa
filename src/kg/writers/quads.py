"""The writers' input: any source as quads, blank nodes canonically labelled, duplicates removed.

A source is an rdflib Graph, a mapping of graph name to rdflib Graph (named graphs, in
order), a pyoxigraph Dataset or an iterable of pyoxigraph quads or triples. Blank nodes get
RDFC-1.0 canonical labels (:meth:`pyoxigraph.Dataset.canonicalize`, ``c14nN`` written
``bN``), so output does not depend on the labels of the input. :class:`Canonical` carries
what every writer needs of one converted source, worked out once.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterable, Iterator, Mapping
from typing import TYPE_CHECKING, Any, Union

import pyoxigraph
from pyoxigraph import BlankNode, DefaultGraph, Quad

from kg.errors import OutputError
from kg.terms import to_oxigraph
from kg.writers.order import BIG, Description, describe
from kg.writers.sink import Sink
from kg.writers.stored import AnyOrder, Stored, subject_order

if TYPE_CHECKING:
    from rdflib import Graph

#: What a writer takes (rdflib is not imported for it: a writer given pyoxigraph terms needs none of it).
Source = Union["Graph", Mapping[Any, "Graph"], pyoxigraph.Dataset, Stored, Iterable[Any]]


def _is_graph(source: Any) -> bool:
    """Whether ``source`` is an rdflib Graph (there is none unless rdflib was imported: none is imported here)."""
    rdflib = sys.modules.get("rdflib")
    return rdflib is not None and isinstance(source, rdflib.Graph)


class Canonical(list[Quad]):
    """Quads as :func:`to_quads` made them (converted, canonically labelled, without duplicates).

    Give it to several writers to convert and canonicalise a graph once for
    all of them (the build's exports: six formats of one graph; the four
    descriptions of a resource on the static site). What every writer needs
    of it (whether it has blank nodes, its subjects sorted, the set the
    read-back check compares with) is worked out once and kept here.
    ``triples`` is True when every quad is in the default graph.
    """

    def __init__(self, quads: Iterable[Quad], *, triples: bool, blank: bool | None = None) -> None:
        super().__init__(quads)
        self.triples = triples
        self._blank = blank
        self._kept: dict[str, Any] = {}

    @property
    def blank(self) -> bool:
        """Whether a blank node is among the terms."""
        if self._blank is None:
            self._blank = has_blank_nodes(self)
        return self._blank

    def kept(self, name: str, make: Callable[[], Any]) -> Any:
        """``make()``, worked out at the first call for ``name`` and kept."""
        if name not in self._kept:
            self._kept[name] = make()
        return self._kept[name]

    def description(self) -> Description:
        """The triples sorted for writing (:func:`kg.writers.order.describe`), worked out once (each time
        for a big graph, whose sorted copy would stay in memory beside the text being checked)."""
        return self.kept("description", lambda: describe(self)) if len(self) <= BIG else describe(self)


class Streamed:
    """Statements read from their files each time they are iterated (``statements()`` reads them again): a
    source the N-Triples file writer serialises as read, without a Python list of them
    (:mod:`kg.writers.ntriples`), and any other writer as any iterable of quads."""

    def __init__(self, statements: Callable[[], Iterable[Quad]]) -> None:
        self.statements = statements

    def __iter__(self) -> Iterator[Quad]:
        return iter(self.statements())


def to_quads(source: Source, *, triples: bool = False) -> Canonical:
    """The quads of ``source``, blank nodes canonically labelled; ``triples=True`` puts all in the default graph.

    A :class:`Canonical` source made with the same ``triples`` (or with
    ``triples=True``) is returned as it is: it went through this already.
    """
    if isinstance(source, Canonical) and (source.triples or not triples):
        return source
    if isinstance(source, Stored):
        merged = source if source.triples or not triples else Stored(source.parts, triples=True)
        if not source.blank and len(merged) > BIG:  # written from the store as it is (see kg.writers.stored)
            return merged  # type: ignore[return-value]
        # Blank nodes, or a small graph: a copy, canonically labelled, made once for all the formats (a
        # small graph's sorted description and re-read target are then worked out once, not per format).
        return merged.kept(f"canonical {triples}", lambda: to_quads(merged.quads(), triples=triples))
    quads: list[Quad] = []
    try:
        if _is_graph(source):
            quads = [_quad(t, DefaultGraph()) for t in source]
        elif isinstance(source, Mapping):
            for name, graph in source.items():
                target = DefaultGraph() if name is None else to_oxigraph(name)
                quads.extend(_quad(t, target) for t in graph)
        else:
            for item in source:
                if isinstance(item, Quad):
                    quads.append(item)
                else:
                    quads.append(Quad(item.subject, item.predicate, item.object, DefaultGraph()))
    except (ValueError, TypeError) as exc:
        raise OutputError(f"cannot write a term that is not valid RDF: {exc}") from None
    if triples:
        default = DefaultGraph()
        quads = [q if q.graph_name == default else Quad(q.subject, q.predicate, q.object, default) for q in quads]
    canonical, blank = _canonical(quads, one_graph=triples)
    return Canonical(canonical, triples=triples, blank=blank)


def distinct_triples(quads: list[Quad]) -> Canonical:
    """Statements of the default graph, each once (a resource's description, as
    :meth:`kg.publish.description.Publication.describe` gives it), as :func:`to_quads` with ``triples=True``
    makes them, without its passes to convert them, put them in the default graph and drop duplicates."""
    canonical, blank = _canonical(quads, one_graph=True, distinct=True)
    return Canonical(canonical, triples=True, blank=blank)


def _quad(triple: Any, graph: Any) -> Quad:
    s, p, o = triple
    return Quad(to_oxigraph(s), to_oxigraph(p), to_oxigraph(o), graph)


def has_blank_nodes(quads: Iterable[Quad]) -> bool:
    blank = BlankNode
    return any(type(q.subject) is blank or type(q.object) is blank or type(q.graph_name) is blank for q in quads)


def _canonical(quads: list[Quad], *, one_graph: bool = False, distinct: bool = False) -> tuple[list[Quad], bool]:
    """Quads with RDFC-1.0 canonical blank-node labels (``b0``, ``b1`` ...), duplicates removed (``distinct``:
    there are none), graphs in input order (``one_graph``: all are in one graph), a graph's quads without blank
    nodes first in input order, then those with one in the canonical dataset's; and whether there was a blank
    node.

    Only the quads that hold a blank node are canonicalised: RDFC-1.0 labels a blank node from the quads that
    mention it (its first-degree hash) and from the blank nodes those relate it to (the N-degree hashes), so
    the other quads never bear on a label (the article's 236 descriptions with a blank node: 0.033 -> 0.022 s).
    """
    blank = BlankNode
    ground: list[Quad] = []
    mentioned: list[Quad] = []
    for q in quads:
        if type(q.subject) is blank or type(q.object) is blank or type(q.graph_name) is blank:
            mentioned.append(q)
        else:
            ground.append(q)
    if not distinct:
        ground = list(dict.fromkeys(ground))
    if not mentioned:
        return ground, False
    dataset = pyoxigraph.Dataset(mentioned)
    dataset.canonicalize(pyoxigraph.CanonicalizationAlgorithm.RDFC_1_0)
    labels: dict[Any, Any] = {}

    def relabel(term: Any) -> Any:
        if type(term) is not blank:
            return term
        label = labels.get(term)
        if label is None:
            label = labels[term] = BlankNode("b" + term.value.removeprefix("c14n"))
        return label

    result = ground + [Quad(relabel(q.subject), q.predicate, relabel(q.object), relabel(q.graph_name)) for q in dataset]
    if not one_graph:
        order = {_graph_key(q.graph_name): i for i, q in reversed(list(enumerate(quads)))}
        result.sort(key=lambda q: order.get(_graph_key(q.graph_name), len(order)))
    return result, True


def _graph_key(name: Any) -> str:
    return "" if isinstance(name, DefaultGraph) else ("_:" if isinstance(name, BlankNode) else "") + name.value


def graphs(quads: list[Quad]) -> dict[Any, Any]:
    """Quads by graph name, the graphs in order of first appearance."""
    if isinstance(quads, Stored):
        return quads.graphs()
    by_name: dict[Any, list[Quad]] = {}
    for q in quads:
        by_name.setdefault(q.graph_name, []).append(q)
    return by_name


def description(quads: Iterable[Quad]) -> Description:
    """The triples of ``quads`` sorted for writing (:func:`kg.writers.order.describe`), kept by a Canonical; of a
    store, made one subject at a time, perhaps in the store's order (:meth:`Stored.describe`: write it through
    :func:`rendered`)."""
    if isinstance(quads, Stored):
        return quads.describe()  # type: ignore[return-value]  (one subject at a time)
    return quads.description() if isinstance(quads, Canonical) else describe(quads)


def write_described(
    described: Iterable[tuple[Any, Any]], render: Callable[[Any, Any], str], out: Sink, first: str = ""
) -> int:
    """``render(subject, pairs)`` of each subject of a description added to ``out`` in the subjects' order
    (``first`` before the first); how many. A description in a store's order
    (:class:`kg.writers.stored.AnyOrder`) has each subject's text kept by the sink under its subject (a subject
    given again replaces it) and placed in order once all are made (:meth:`kg.writers.sink.File.place`)."""
    if isinstance(described, AnyOrder):
        for subject, pairs in described:
            out.keep(subject, render(subject, pairs))
        return out.place(subject_order, first)
    count = 0
    for subject, pairs in described:
        out.add(render(subject, pairs) if count else first + render(subject, pairs))
        count += 1
    return count
