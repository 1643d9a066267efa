"""The graph's parts: ontology, vocabularies, shapes, data and their description, each read once and kept apart.

A :class:`Sources` is what one command reads. Each part is parsed from its files
the first time it is asked for, by :mod:`kg.load`'s one strict reader, and kept:
the ontology (``ontology/kg.ttl``), the SKOS vocabularies
(``ontology/vocabularies.ttl``), the SHACL shapes (``ontology/shapes.ttl``) and
the data (``data/article.ttl`` unless other files are given). The default graph
that queries, validation and the explorer see is their :attr:`~Sources.union`,
merged from the parts, so the parts never have to be split back out of it; the
exports write the :meth:`~Sources.parts` as named graphs, with the VoID/DCAT
:meth:`~Sources.description` as a fourth.

Reading the data once also finds its ill-typed literals (``"abc"^^xsd:integer``):
:meth:`~Sources.ill_typed_literals` gives them with their positions, without a
second parse.

Triple counts: the union of the shipped files is the ontology, the vocabularies
and the data (4 771 triples when this was written; ``kg serve`` and ``kg push``
add the RDFS closure, see :mod:`kg.sparql.entailment`), and the exports' dataset
formats add the description graph.

Every count a command prints says which of these it counts (:func:`counted`).

>>> sources = Sources()
>>> len(sources.union) == len(sources.ontology) + len(sources.vocabularies) + len(sources.data) - sources.shared
True
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pyoxigraph

from kg import resources
from kg.base_iri import current_base
from kg.errors import UsageError
from kg.load import check_input, file_triples, iter_quads, load_into_store, loads_directly
from kg.namespaces import BASE, new_graph
from kg.terms import STORED_AS_VALUES, changed_by_a_store, to_oxigraph

if TYPE_CHECKING:
    from rdflib import Graph, URIRef

    from kg.literals import IllTypedLiteral

#: The parts an export can be made of (``kg export --graph``).
GRAPH_CHOICES = ("all", "data", "ontology")

Parts = dict["URIRef", "Graph"]
#: The IRIs of the named graphs that hold each part in TriG and N-Quads, as plain strings (an export of the
#: triple formats imports no rdflib: :data:`DATA_GRAPH` and the others are rdflib terms, made when asked for).
_ONTOLOGY, _VOCABULARIES, _SHAPES, _DATA, _DESCRIPTION = (
    BASE + name for name in ("ontology", "vocabularies", "shapes", "data", "void")
)
#: The named graphs of each choice of parts, in export order.
_PARTS_OF = {
    "all": (_ONTOLOGY, _VOCABULARIES, _DATA),
    "data": (_DATA,),
    "ontology": (_ONTOLOGY, _VOCABULARIES),
}
#: Named graph that holds the data (``data/article.ttl``) in TriG and N-Quads (an rdflib URIRef), and the one
#: that holds the VoID/DCAT description: made at first use (:func:`__getattr__`).
_GRAPHS = {"DATA_GRAPH": _DATA, "DESCRIPTION_GRAPH": _DESCRIPTION}


def __getattr__(name: str) -> Any:
    """:data:`DATA_GRAPH` and :data:`DESCRIPTION_GRAPH`, rdflib terms made when first asked for (rdflib takes
    about 0.1 s to import, and an export of a triple format needs none of it)."""
    if name in _GRAPHS:
        from rdflib import URIRef

        made = URIRef(_GRAPHS[name])
        globals()[name] = made
        return made
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def _named(iri: str) -> URIRef:
    """The rdflib term of a part's graph name."""
    from rdflib import URIRef

    return URIRef(iri)


def counted(entailment: str = "none") -> str:
    """What a printed count of the union's triples counts: the files' triples, and with ``rdfs`` their
    entailments (the store ``kg query``, ``kg serve`` and ``kg push`` load).

    >>> counted()
    'ontology, vocabularies and data as asserted'
    """
    if entailment == "none":
        return "ontology, vocabularies and data as asserted"
    return "ontology, vocabularies and data with their RDFS entailments, as kg query sees them"


class Sources:
    """The parts of the graph that ``data`` (default: the shipped ``data/article.ttl``) makes, each read once."""

    def __init__(self, data: Sequence[str | Path] | None = None) -> None:
        self.data_paths: tuple[Path, ...] = tuple(Path(p) for p in (data or [resources.data_path()]))
        self._ill_typed: dict[Path, list[IllTypedLiteral]] = {}
        self._descriptions: dict[str | None, Graph] = {}
        #: The descriptions as pyoxigraph triples (:meth:`description_triples`), what :attr:`_descriptions` are made of.
        self._description_triples: dict[str | None, list[Any]] = {}
        #: Descriptions without their copies of the data's statements (pyoxigraph triples), made for a dataset
        #: export first.
        self._lean_descriptions: dict[str | None, list[Any]] = {}
        self._store = pyoxigraph.Store()
        #: The data's statements as read for the union (:attr:`data` is made of them when asked for).
        self._data_triples: list[tuple[Any, Any, Any]] | None = None
        #: The ontology's and the vocabularies' statements as read for the schema (:attr:`ontology` and
        #: :attr:`vocabularies` are made of them when asked for).
        self._schema_read: tuple[list[tuple[Any, Any, Any]], list[tuple[Any, Any, Any]]] | None = None
        #: The parts in the store (by their graph's IRI), with how many statements each holds.
        self._stored: dict[str, int] = {}
        #: The files read into a store by the strict reader (:meth:`dataset`, :meth:`merged`).
        self._loaded: set[Path] = set()
        #: Stores of the parts of a choice merged into their default graph (:meth:`merged`).
        self._merged: dict[str, pyoxigraph.Store] = {}
        #: The validation of these sources, when a command ran it (``kg build``): the description reports it.
        self.report: Any = None

    @property
    def paths(self) -> list[Path]:
        """Every file of the default graph, in reading order: ontology, vocabularies, then the data."""
        return [*resources.ontology_paths(), *self.data_paths]

    def files(self) -> list[tuple[URIRef, Path]]:
        """Each file with the named graph that holds it: the ontology, the vocabularies, the shapes, the data."""
        ontology, vocabularies = resources.ontology_paths()
        named = [(_ONTOLOGY, ontology), (_VOCABULARIES, vocabularies), (_SHAPES, resources.shapes_path())]
        return [(_named(name), path) for name, path in [*named, *((_DATA, path) for path in self.data_paths)]]

    def _triples(self, paths: Sequence[Path]) -> Iterator[tuple[Any, Any, Any]]:
        """The files' statements as rdflib triples, in file order; their ill-typed literals are noted on the way.

        Each file's statements come from :func:`kg.load.file_triples`: parsed and converted once a process for the
        same bytes (a validation, a description and an export of the same files in one process read them once)."""
        from rdflib import Literal

        from kg.literals import is_ill_typed, locate_ill_typed

        for path in paths:
            bad = []
            for triple in file_triples(path):
                yield triple
                if isinstance(triple[2], Literal) and is_ill_typed(triple[2]):
                    bad.append(triple)
            self._ill_typed[path] = locate_ill_typed(path, bad)

    def _read(self, paths: Sequence[Path]) -> Graph:
        """The files in one new graph."""
        return self._read_triples(self._triples(paths))

    @staticmethod
    def _read_triples(triples: Iterable[tuple[Any, Any, Any]], into: Graph | None = None) -> Graph:
        graph = new_graph() if into is None else into
        add = graph.add
        for triple in triples:
            add(triple)
        return graph

    @cached_property
    def data(self) -> Graph:
        """The data files in one graph, without the ontology."""
        if self._data_triples is not None:  # read for the union already
            triples, self._data_triples = self._data_triples, None
            return self._read_triples(triples)
        return self._read(self.data_paths)

    @cached_property
    def ontology(self) -> Graph:
        if self._schema_read is not None:  # read for the schema already
            return self._read_triples(self._schema_read[0])
        return self._read(resources.ontology_paths()[:1])

    @cached_property
    def vocabularies(self) -> Graph:
        if self._schema_read is not None:
            return self._read_triples(self._schema_read[1])
        return self._read(resources.ontology_paths()[1:])

    @cached_property
    def shapes(self) -> Graph:
        """The SHACL shapes (not part of the default graph)."""
        return self._read([resources.shapes_path()])

    @cached_property
    def schema(self) -> Graph:
        """The ontology and the vocabularies in one graph (no data).

        Made from their graphs if made already, else from the files' statements, without first a graph of
        each to copy (``kg build`` asks for neither: 2 400 statements added twice less, 0.02 s): the same
        statements in the same order; :attr:`ontology` and :attr:`vocabularies` are made from the statements
        kept when asked for, without reading the files again."""
        if "ontology" in self.__dict__ or "vocabularies" in self.__dict__:
            return new_graph(self.ontology, self.vocabularies)
        ontology, vocabularies = resources.ontology_paths()
        self._schema_read = (list(self._triples([ontology])), list(self._triples([vocabularies])))
        return self._read_triples([*self._schema_read[0], *self._schema_read[1]])

    @cached_property
    def union(self) -> Graph:
        """The default graph: ontology, vocabularies and data. The user's files are read first, so a broken one
        fails fast.

        Made from the schema and the data's statements, without first a graph of the data alone to copy
        (in the same order: ontology, vocabularies, data); :attr:`data` is made from the same statements
        when asked for, without reading the files again."""
        data = self.__dict__.get("data")
        if data is None:
            self._data_triples = list(self._triples(self.data_paths))
        return self._read_triples(self._data_triples if data is None else data, new_graph(self.schema))

    @property
    def shared(self) -> int:
        """Triples stated in more than one part (the union holds each once)."""
        parts = (self.ontology, self.vocabularies, self.data)
        return sum(len(a) + len(b) - len(new_graph(a, b)) for i, a in enumerate(parts) for b in parts[i + 1 :])

    @staticmethod
    def _checked(which: str) -> str:
        if which not in GRAPH_CHOICES:
            raise UsageError(f"unknown graph {which!r}: choose one of {', '.join(GRAPH_CHOICES)}")
        return which

    def parts(self, which: str = "all") -> Parts:
        """The named graphs of ``which`` (``all``, ``data`` or ``ontology``), in export order."""
        data = self.data if self._checked(which) in ("all", "data") else None  # the user's files first: fail fast
        parts: Parts = {}
        if which in ("all", "ontology"):
            parts[_named(_ONTOLOGY)] = self.ontology
            parts[_named(_VOCABULARIES)] = self.vocabularies
        if data is not None:
            parts[_named(_DATA)] = data
        return parts

    def statements(self, which: str = "all") -> Iterator[Any]:
        """The pyoxigraph quads of the parts of ``which``, streamed from their files in export order.

        What the triple-format exports write (:func:`kg.export.export_graph`):
        read by the same strict reader as the parts, without an rdflib graph
        (at 1 000 synthetic articles that graph took 4 of the 5 s of a
        ``kg export --format nt``, and most of its memory). Statements stated
        in more than one part come more than once; the writers keep one.
        """
        self._checked(which)
        paths = [*(self.data_paths if which in ("all", "data") else ())]  # the user's files first: fail fast
        if which in ("all", "ontology"):
            paths += resources.ontology_paths()
        for path in paths:
            yield from iter_quads(path, one_graph=True)

    def dataset(self, which: str = "all") -> pyoxigraph.Store:
        """A pyoxigraph store that holds the parts of ``which`` in their named graphs: no rdflib graph.

        What the description is counted on and the dataset exports are written from. One store for
        all the calls, each part read once when first needed, by the same strict reader as the parts
        (the user's files first; :func:`kg.load.load_into_store`: straight into the store).
        """
        ontology, vocabularies = resources.ontology_paths()
        files = {_DATA: self.data_paths, _ONTOLOGY: [ontology], _VOCABULARIES: [vocabularies]}
        for name in files if which == "all" else _PARTS_OF[self._checked(which)]:
            if name in self._stored:
                continue
            graph = pyoxigraph.NamedNode(name)
            for path in files[name]:
                load_into_store(self._store, path, graph)
                self._loaded.add(path)
            # The first part's size is the store's (a count over every statement, 0.009 s at 1 000 synthetic
            # articles); a later one's its graph's, not the store's again (the data's 155 000 statements).
            self._stored[name] = len(self._store) if not self._stored else _graph_size(self._store, graph)
        return self._store

    def merged(self, which: str = "all") -> pyoxigraph.Store:
        """A pyoxigraph store whose default graph is the merge of the parts of ``which``, each statement once
        (the user's files first): what a triple format is written from when no dataset format is asked for,
        one graph to write and to look each statement read up in, as it is read (made once, kept)."""
        self._checked(which)
        if which not in self._merged:
            store = pyoxigraph.Store()
            paths = [*(self.data_paths if which in ("all", "data") else ())]
            if which in ("all", "ontology"):
                paths += resources.ontology_paths()
            for path in paths:
                load_into_store(store, path)
                self._loaded.add(path)
            self._merged[which] = store
        return self._merged[which]

    def description(self, *, endpoint: str | None = None) -> Graph:
        """The VoID/DCAT description of the default graph, dated from the files it was read from (made once
        for each endpoint: the build's exports, void.ttl and static site share it; do not change it)."""
        from kg.describe import rdflib_graph

        if endpoint not in self._descriptions:
            self._descriptions[endpoint] = rdflib_graph(self.description_triples(endpoint=endpoint))
        return self._descriptions[endpoint]

    def description_triples(self, *, endpoint: str | None = None) -> list[Any]:
        """:meth:`description` as the pyoxigraph triples it is made of (made once for each endpoint; do not
        change them): the static site's publication loads them into its store as they are, not through an
        rdflib graph and back (0.05 s of the article's publication, before its processes share the work)."""
        from kg.describe import copied, description_triples

        if endpoint not in self._description_triples:
            lean = self._lean_descriptions.pop(endpoint, None)
            if lean is not None:  # made for a dataset export first: the copies added to it
                triples = [*lean, *copied(self.dataset())]
            else:
                triples = description_triples(self.dataset(), endpoint=endpoint, sources=self.paths, report=self.report)
            self._description_triples[endpoint] = triples
        return self._description_triples[endpoint]

    def _lean_description(self, endpoint: str | None) -> Iterable[Any]:
        """:meth:`description` without the statements it copies from the data (the dataset holds them), as
        pyoxigraph triples, made once; :meth:`description` is then made from it."""
        from kg.describe import description_triples

        if endpoint in self._descriptions:
            return self._descriptions[endpoint]
        if endpoint not in self._lean_descriptions:
            self._lean_descriptions[endpoint] = description_triples(
                self.dataset(), endpoint=endpoint, sources=self.paths, report=self.report, copies=False
            )
        return self._lean_descriptions[endpoint]

    def described_parts(self, *, endpoint: str | None = None) -> Parts:
        """:meth:`parts` plus the description as one more named graph (what TriG and N-Quads hold), as rdflib
        graphs; :meth:`quads` gives the same without them."""
        from kg.describe import describe_dataset

        parts = self.parts()
        description = describe_dataset(parts, endpoint=endpoint, sources=self.paths)  # the parts' own blank nodes
        return {**parts, _named(_DESCRIPTION): description_graph(description, parts)}

    def quads(self, which: str = "all", *, described: bool = False, endpoint: str | None = None) -> Iterator[Any]:
        """The pyoxigraph quads of the parts of ``which`` in their named graphs, in export order, read into
        :meth:`dataset`; ``described``: then the description's in its graph, without the statements a part
        holds (what TriG and N-Quads write of ``all``)."""
        store = self.dataset(which)
        for name in _PARTS_OF[which]:
            yield from store.quads_for_pattern(None, None, None, pyoxigraph.NamedNode(name))
        if described:
            yield from self._description_quads(endpoint)

    def _description_quads(self, endpoint: str | None) -> Iterator[Any]:
        """The description's statements in its named graph, but those a part of :meth:`dataset` holds (the
        description made without the statements it copies from the data, unless made already)."""
        store = self.dataset()
        graph = pyoxigraph.NamedNode(_DESCRIPTION)
        convert = to_oxigraph if endpoint in self._descriptions else (lambda term: term)  # an rdflib graph's
        for s, p, o in self._lean_description(endpoint):
            quad = pyoxigraph.Quad(convert(s), convert(p), convert(o), graph)
            if next(iter(store.quads_for_pattern(quad.subject, quad.predicate, quad.object)), None) is None:
                yield quad

    def stored(
        self,
        which: str = "all",
        *,
        triples: bool,
        described: bool = False,
        endpoint: str | None = None,
        merged: bool = False,
    ) -> Any:
        """The parts of ``which`` as the writers take them: in their named graphs, or merged with ``triples``;
        ``described``: then the description in a graph of its own, without the statements a part holds (as
        :meth:`quads`). Written straight from :meth:`dataset`'s store (:class:`kg.writers.stored.Stored`)
        when that writes every term of the files as read (:func:`store_writes_as_read`); else
        from the statements as read from the files. ``merged`` (with ``triples``, without ``described``): from
        the :meth:`merged` store instead, its default graph the one part (for a command that writes no
        dataset format: no store of the named graphs is made)."""
        from kg.writers.stored import InStore, Listed, Stored

        if merged and triples and not described:
            store = self.merged(which)  # the strict reader first: a broken file is refused with its position
            if self.store_writes_as_read:
                return Stored([InStore(store, pyoxigraph.DefaultGraph(), blank=False, size=len(store))], triples=True)
            del self._merged[which]  # not written from it: written from the statements as read, below
        store = self.dataset(which)
        extra = []
        if described:
            extra = [Listed(self._description_quads(endpoint), pyoxigraph.NamedNode(_DESCRIPTION))]
        if self.store_writes_as_read:
            parts = [
                InStore(store, pyoxigraph.NamedNode(name), blank=False, size=self._stored[name])
                for name in _PARTS_OF[which]
            ]
            return Stored([*parts, *extra], triples=triples)
        files = {
            _DATA: self.data_paths,
            _ONTOLOGY: resources.ontology_paths()[:1],
            _VOCABULARIES: resources.ontology_paths()[1:],
        }
        read = [Listed(self._read_quads(files[name]), pyoxigraph.NamedNode(name)) for name in _PARTS_OF[which]]
        return Stored([*read, *extra], triples=triples)

    @staticmethod
    def _read_quads(paths: Sequence[Path]) -> Iterator[Any]:
        for path in paths:
            yield from iter_quads(path, one_graph=True)

    @cached_property
    def store_writes_as_read(self) -> bool:
        """Whether the parts can be written straight from :meth:`dataset`'s store, every term as read (see
        :func:`store_writes_as_read`; a file read into a store already is not checked again)."""
        return all(store_writes_as_read(path, read=path in self._loaded) for path in self.paths)

    def ill_typed_literals(self) -> list[IllTypedLiteral]:
        """The ill-typed literals of the default graph's files, in file order, found while reading them."""
        self.union  # noqa: B018 - reads every part that is not read yet
        return [bad for path in self.paths for bad in self._ill_typed.get(path, [])]


def store_writes_as_read(path: str | Path, *, read: bool = False) -> bool:
    """Whether the file's statements can be written straight from a pyoxigraph Store, term for term as read:
    it has no blank node, and the store gives back every term of it exactly.

    A Store keeps the typed literals it understands as values (:data:`kg.terms.STORED_AS_VALUES`) and
    writes them back canonically: ``"01"^^xsd:integer`` comes back as ``"1"``, and
    ``"1"^^xsd:boolean`` and ``"true"^^xsd:boolean``, two terms, as one. A blank node's label
    is the store's, where a writer must write canonical labels. :mod:`kg.writers.stored` asks
    this first. The file is read again (it was checked when it was loaded), and each distinct
    such literal is put through a scratch store once.

    ``read``: the file was read by the strict reader already, into the store this is asked for
    (:func:`kg.load.load_into_store`): its statements are then taken as pyoxigraph's lenient parser gives
    them, the same terms without the syntax checked a second time (7 MB of Turtle: 0.015 s less).
    """
    checked, fmt = check_input(path, scan=not read)
    base = current_base()
    if loads_directly(fmt, base):
        quads: Iterable[Any] = pyoxigraph.parse(path=str(checked), format=fmt.oxigraph, base_iri=base, lenient=read)
    else:
        quads = iter_quads(checked)
    literal, blank, values = pyoxigraph.Literal, pyoxigraph.BlankNode, STORED_AS_VALUES
    found = set()
    for quad in quads:
        if type(quad.subject) is blank:  # whatever its object (a blank subject of literals only, too)
            return False
        term = quad.object
        kind = type(term)
        if kind is literal:
            if term.datatype.value in values:
                found.add(term)
        elif kind is blank:
            return False
    return changed_by_a_store(found) is None


def _graph_size(store: pyoxigraph.Store, graph: Any) -> int:
    """How many statements the named graph ``graph`` of ``store`` holds."""
    (row,) = store.query(f"SELECT (COUNT(*) AS ?n) {{ GRAPH <{graph.value}> {{ ?s ?p ?o }} }}")
    return int(row[0].value)


def description_graph(description: Graph, parts: Parts) -> Graph:
    """The description as its own named graph beside ``parts``: without the triples a part already holds.

    The description repeats a few triples of the data (the article's type, headline, language, date and
    publisher, ISNA's labels) so that ``kg describe``'s file stands alone. In a dataset they stay in their
    part only, so that a store with a union default graph sees each triple once (cq05 gave 9 rows for 7).
    """
    kept = new_graph()
    for triple in description:
        if not any(triple in part for part in parts.values()):
            kept.add(triple)
    return kept
