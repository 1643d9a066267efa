"""Where a local query runs: rdflib's memory graph or a pyoxigraph store, in a child process with limits.

Every engine has the same two methods: :meth:`Engine.run` takes the final
query text (prefixes and parameter values already in it) and returns an
:class:`Outcome` of rdflib terms, and :meth:`Engine.labels` looks up the
``rdfs:label`` or ``skos:prefLabel`` of IRIs in one language, for display.
A remote endpoint is the third engine, :class:`kg.sparql.endpoint.EndpointEngine`.

Both local engines hold the same default graph: the ontology, its SKOS
vocabularies and the data files (``data/article.ttl`` unless other files are
given, in any RDF format), read by :mod:`kg.load`'s one strict reader, with the RDFS closure of
:mod:`kg.sparql.entailment` unless ``entailment="none"``. Neither lets a
query reach the network or the file system: :func:`kg.sparql.policy.check_policy`
refuses SERVICE and FROM on the parsed query; rdflib's ``SPARQL_LOAD_GRAPHS``
is switched off and its ``SERVICE`` evaluation replaced by a refusal while a
query runs; and the query process has no network (an empty Linux network
namespace, where the kernel allows one; Python sockets are refused in any
case), which also stops pyoxigraph's own HTTP client.

Each local query runs in a child process of :mod:`kg.sparql.sandbox` (time limit, memory
ceiling, no network); :meth:`Engine.run_packed` is the form a child runs.

>>> engine = OxigraphEngine.from_files()
>>> engine.run("ASK { <https://w3id.org/iran-kazakhstan-kg/id/kazakhstan> a ?class }").boolean
True
"""

from __future__ import annotations

import contextlib
import re
import warnings
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import pyoxigraph

from kg.errors import KgError, QueryError, UsageError
from kg.limits import DEFAULT_ENGINE, DEFAULT_ENTAILMENT, ENGINES, ENTAILMENTS
from kg.load import load_graph, load_into_store, source_paths
from kg.namespaces import PREFIXES
from kg.sparql.entailment import add_rdfs_closure, rdfs_closure
from kg.sparql.syntax import offset_of, syntax_error
from kg.terms import PackedTerm, pack_oxigraph, pack_term, to_oxigraph, unpack_rows

if TYPE_CHECKING:
    from rdflib import Graph
    from rdflib.term import Identifier

#: The properties a display label is read from, in order (``rdfs:label``, else ``skos:prefLabel``).
LABEL_PROPERTIES = (PREFIXES["rdfs"] + "label", PREFIXES["skos"] + "prefLabel")

T = TypeVar("T")


class _Answer:
    """What :class:`Outcome` and :class:`PackedOutcome` hold, as a plain class: not a dataclass (whose
    import and making cost a cold ``kg query`` a fifth of its instructions, :mod:`kg.sparql.syntax`), nor a
    named tuple (an empty list of rows, as the engines give it, would then not equal the empty default).

    ``kind`` is ``"bindings"`` (SELECT: ``variables`` and ``rows``),
    ``"boolean"`` (ASK: ``boolean``) or ``"graph"`` (CONSTRUCT, DESCRIBE:
    ``triples``). ``truncated`` is True when rows or triples past the cap
    were dropped.
    """

    FIELDS = ("kind", "variables", "rows", "boolean", "triples", "truncated")
    __slots__ = FIELDS

    def __init__(
        self,
        kind: str,
        variables: list[str] | None = None,
        rows: list[Any] | None = None,
        boolean: bool | None = None,
        triples: list[Any] | None = None,
        truncated: bool = False,
    ) -> None:
        self.kind = kind
        self.variables = [] if variables is None else variables
        self.rows = [] if rows is None else rows
        self.boolean = boolean
        self.triples = [] if triples is None else triples
        self.truncated = truncated

    def _fields(self) -> tuple[Any, ...]:
        return tuple(getattr(self, name) for name in self.FIELDS)

    def __eq__(self, other: object) -> bool:
        return type(other) is type(self) and other._fields() == self._fields()  # type: ignore[attr-defined]

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        shown = ", ".join(f"{name}={value!r}" for name, value in zip(self.FIELDS, self._fields(), strict=True))
        return f"{type(self).__name__}({shown})"


class Outcome(_Answer):
    """What an engine answered, as rdflib terms: ``rows`` of ``{variable: Identifier}``, ``triples`` of
    Identifiers (see :class:`_Answer` for the fields)."""

    __slots__ = ()
    rows: list[dict[str, Identifier]]
    triples: list[tuple[Identifier, Identifier, Identifier]]


class PackedOutcome(_Answer):
    """An :class:`Outcome` as plain tuples and strings, cheap to pickle: what a query child sends back.

    ``rows`` holds one tuple per solution, aligned with ``variables``
    (None where unbound); ``triples`` holds (s, p, o) tuples; terms are
    :data:`PackedTerm`.
    """

    __slots__ = ()
    rows: list[tuple[PackedTerm | None, ...]]
    triples: list[tuple[PackedTerm, PackedTerm, PackedTerm]]


def pack_outcome(outcome: Outcome) -> PackedOutcome:
    """An :class:`Outcome` of rdflib terms as a :class:`PackedOutcome`."""
    names = outcome.variables
    rows = [tuple(None if row.get(v) is None else pack_term(row[v]) for v in names) for row in outcome.rows]
    triples = [(pack_term(s), pack_term(p), pack_term(o)) for s, p, o in outcome.triples]
    return PackedOutcome(outcome.kind, list(names), rows, outcome.boolean, triples, outcome.truncated)


def packed_solutions(packed: PackedOutcome) -> list[dict[str, PackedTerm]]:
    """The solutions of a :class:`PackedOutcome` as dicts from variable name to term (unbound ones absent)."""
    names = packed.variables
    return [{n: t for n, t in zip(names, row, strict=True) if t is not None} for row in packed.rows]


def unpack_outcome(packed: PackedOutcome) -> Outcome:
    """The :class:`Outcome` of rdflib terms of a :class:`PackedOutcome` (each distinct term built once)."""
    rows = unpack_rows(packed_solutions(packed))
    triples = [tuple(t.values()) for t in unpack_rows({"s": s, "p": p, "o": o} for s, p, o in packed.triples)]
    return Outcome(packed.kind, list(packed.variables), rows, packed.boolean, triples, packed.truncated)


class Engine:
    """A place to run SPARQL queries (see the module docstring)."""

    name = "engine"
    #: Local engines run in a child process that can be killed at the time limit.
    local = True

    def run(self, text: str, *, max_rows: int | None = None, allow_external: bool = False) -> Outcome:
        raise NotImplementedError

    def run_packed(self, text: str, *, max_rows: int | None = None, allow_external: bool = False) -> PackedOutcome:
        """:meth:`run`, answered as a :class:`PackedOutcome` (what a query child sends back)."""
        return pack_outcome(self.run(text, max_rows=max_rows, allow_external=allow_external))

    def labels(self, iris: Iterable[str], lang: str) -> dict[str, str]:
        """The label of each IRI in ``lang`` (``rdfs:label``, else ``skos:prefLabel``), where it has one."""
        raise NotImplementedError


# --------------------------------------------------------------------------- rdflib


def _refuse_service(ctx: Any, part: Any) -> Any:
    """An rdflib custom evaluation that stops ``SERVICE`` instead of calling the endpoint."""
    if getattr(part, "name", None) == "ServiceGraphPattern":
        raise QueryError("SERVICE is refused: queries do not reach the network (see --allow-external)")
    raise NotImplementedError


@contextlib.contextmanager
def _rdflib_sandbox(allow_external: bool) -> Iterator[None]:
    """While a query runs: no FROM loading, no SERVICE calls, unless ``allow_external``."""
    import rdflib.plugins.sparql as sparql

    saved = sparql.SPARQL_LOAD_GRAPHS
    sparql.SPARQL_LOAD_GRAPHS = allow_external
    if not allow_external:
        sparql.CUSTOM_EVALS["kg-refuse-service"] = _refuse_service
    try:
        yield
    finally:
        sparql.SPARQL_LOAD_GRAPHS = saved
        sparql.CUSTOM_EVALS.pop("kg-refuse-service", None)


def _rdflib_syntax_error(exc: Exception, text: str) -> QueryError:
    offset = getattr(exc, "loc", None)
    return syntax_error(text, offset if isinstance(offset, int) else None, str(exc))


class RdflibEngine(Engine):
    """rdflib's SPARQL engine on an in-memory :class:`rdflib.Graph`."""

    name = "rdflib"

    def __init__(self, graph: Graph) -> None:
        self.graph = graph

    @classmethod
    def from_files(
        cls,
        data: Sequence[str | Path] | None = None,
        *,
        entailment: str = DEFAULT_ENTAILMENT,
        contents: Sequence[bytes] | None = None,
    ) -> RdflibEngine:
        """The ontology, vocabularies and data files, with the ``entailment`` closure (:mod:`kg.sparql.entailment`).

        ``contents``: the files' bytes, already read, in the same order (:func:`kg.sparql.index.read_keyed`).
        """
        graph = load_graph(data, contents=contents)
        if entailment == "rdfs":
            graph += rdfs_closure(graph)
        return cls(graph)

    def run(self, text: str, *, max_rows: int | None = None, allow_external: bool = False) -> Outcome:
        from pyparsing import ParseException
        from rdflib import Dataset

        with _rdflib_sandbox(allow_external), warnings.catch_warnings():
            warnings.simplefilter("ignore", DeprecationWarning)  # rdflib's Dataset calls its own deprecated API
            try:
                # rdflib loads FROM graphs only into a Dataset; one over the same store sees the same triples.
                target = Dataset(store=self.graph.store, default_union=True) if allow_external else self.graph
                result = target.query(text)
                return _rdflib_outcome(result, max_rows)
            except ParseException as exc:
                raise _rdflib_syntax_error(exc, text) from None
            except (KgError, MemoryError):
                raise
            except Exception as exc:  # noqa: BLE001 - rdflib raises bare Exception for many query errors
                raise QueryError(f"the query failed on rdflib: {exc}") from None

    def labels(self, iris: Iterable[str], lang: str) -> dict[str, str]:
        from rdflib import URIRef

        found: dict[str, str] = {}
        props = [URIRef(p) for p in LABEL_PROPERTIES]
        for iri in iris:
            for prop in props:
                label = next((o for o in self.graph.objects(URIRef(iri), prop) if _has_lang(o, lang)), None)
                if label is not None:
                    found[str(iri)] = str(label)
                    break
        return found


def _has_lang(term: Any, lang: str) -> bool:
    from rdflib import Literal

    return isinstance(term, Literal) and (term.language or "").lower() == lang.lower()


def _rdflib_outcome(result: Any, max_rows: int | None) -> Outcome:
    if result.type == "ASK":
        return Outcome("boolean", boolean=bool(result.askAnswer))
    if result.type in ("CONSTRUCT", "DESCRIBE"):
        triples, truncated = capped(iter(result.graph), max_rows)
        return Outcome("graph", triples=[tuple(t) for t in triples], truncated=truncated)
    variables = [str(v) for v in result.vars]
    # Iterating the result (not .bindings, which builds every row first) stops rdflib's evaluation at the cap.
    rows, truncated = capped(iter(result), max_rows)
    table = [{k: v for k, v in row.asdict().items() if v is not None and k in variables} for row in rows]
    return Outcome("bindings", variables=variables, rows=table, truncated=truncated)


def capped(items: Iterator[T], max_rows: int | None) -> tuple[list[T], bool]:
    """At most ``max_rows`` items (all when None) and whether there were more."""
    taken: list[T] = []
    for item in items:
        if max_rows is not None and len(taken) >= max_rows:
            return taken, True
        taken.append(item)
    return taken, False


# --------------------------------------------------------------------------- pyoxigraph


def _oxigraph_syntax_error(exc: SyntaxError, text: str) -> QueryError:
    message = str(exc.msg if exc.msg else exc)
    at = re.match(r"error at (\d+):(\d+): ", message)
    offset = offset_of(text, int(at.group(1)), int(at.group(2))) if at else None
    return syntax_error(text, offset, " ".join(message.split())[:160])


class OxigraphEngine(Engine):
    """Oxigraph's SPARQL engine on an in-memory :class:`pyoxigraph.Store`, through pyoxigraph."""

    name = "oxigraph"

    def __init__(self, store: pyoxigraph.Store) -> None:
        self.store = store

    @classmethod
    def from_files(
        cls,
        data: Sequence[str | Path] | None = None,
        store: pyoxigraph.Store | None = None,
        *,
        entailment: str = DEFAULT_ENTAILMENT,
        contents: Sequence[bytes] | None = None,
    ) -> OxigraphEngine:
        """The ontology, vocabularies and data files, each parsed by pyoxigraph into the default graph.

        ``entailment="rdfs"`` adds the closure of :mod:`kg.sparql.entailment`. ``contents``: the
        files' bytes, already read, in the same order (:func:`kg.sparql.index.read_keyed`).
        """
        store = pyoxigraph.Store() if store is None else store
        paths = source_paths(data)
        for path, content in zip(paths, contents or [None] * len(paths), strict=True):
            load_into_store(store, path, content=content)
        if entailment == "rdfs":
            add_rdfs_closure(store, counted=False)
        return cls(store)

    def run(self, text: str, *, max_rows: int | None = None, allow_external: bool = False) -> Outcome:
        return unpack_outcome(self.run_packed(text, max_rows=max_rows, allow_external=allow_external))

    def run_packed(self, text: str, *, max_rows: int | None = None, allow_external: bool = False) -> PackedOutcome:
        try:
            result = self.store.query(text)
            if isinstance(result, pyoxigraph.QueryBoolean):
                return PackedOutcome("boolean", boolean=bool(result))
            if isinstance(result, pyoxigraph.QueryTriples):
                triples, truncated = capped(iter(result), max_rows)
                packed = [
                    (pack_oxigraph(t.subject), pack_oxigraph(t.predicate), pack_oxigraph(t.object)) for t in triples
                ]
                return PackedOutcome("graph", triples=packed, truncated=truncated)
            variables = [v.value for v in result.variables]
            solutions, truncated = capped(iter(result), max_rows)
            seen: dict[Any, PackedTerm] = {}  # equal pyoxigraph terms hash alike: pack each once

            def pack(value: Any) -> PackedTerm | None:
                if value is None:
                    return None
                packed = seen.get(value)
                if packed is None:
                    packed = seen[value] = pack_oxigraph(value)
                return packed

            rows = [tuple(pack(solution[i]) for i in range(len(variables))) for solution in solutions]
            return PackedOutcome("bindings", variables=variables, rows=rows, truncated=truncated)
        except SyntaxError as exc:
            raise _oxigraph_syntax_error(exc, text) from None
        except (OSError, RuntimeError, ValueError) as exc:
            raise QueryError(f"the query failed on oxigraph: {exc}") from None

    def labels(self, iris: Iterable[str], lang: str) -> dict[str, str]:
        found: dict[str, str] = {}
        props = [pyoxigraph.NamedNode(p) for p in LABEL_PROPERTIES]
        for iri in iris:
            iri = str(iri)
            node = pyoxigraph.NamedNode(iri)
            for prop in props:
                quads = self.store.quads_for_pattern(node, prop, None, None)
                label = next((q.object.value for q in quads if _ox_has_lang(q.object, lang)), None)
                if label is not None:
                    found[iri] = label
                    break
        return found


def _ox_has_lang(term: Any, lang: str) -> bool:
    return isinstance(term, pyoxigraph.Literal) and (term.language or "").lower() == lang.lower()


# --------------------------------------------------------------------------- opening


def open_engine(
    engine: str | Engine | None = None,
    *,
    data: Sequence[str | Path] | None = None,
    graph: Graph | None = None,
    entailment: str = DEFAULT_ENTAILMENT,
    kept: bool = False,
) -> Engine:
    """An engine by name (``oxigraph``, ``rdflib``; None for the default), loaded with ``data``.

    An :class:`Engine` passes through; an rdflib ``graph`` gives an
    :class:`RdflibEngine` on a copy of it (unless another engine is named).
    ``entailment`` is ``"rdfs"`` (the closure of :mod:`kg.sparql.entailment`
    is added to the store) or ``"none"`` (the asserted triples only).

    ``kept``: the engine loaded from ``data`` may be one this process opened before for the same content
    (:func:`kg.sparql.index.opened_engine`), and is kept for the next such call: only for a caller that
    neither hands the engine on nor runs a query that could load into it (:func:`kg.sparql.library.query`).
    """
    if entailment not in ENTAILMENTS:
        raise UsageError(f"unknown entailment {entailment!r}: choose one of {', '.join(ENTAILMENTS)}")
    if isinstance(engine, Engine):
        return engine
    if graph is not None and engine in (None, "rdflib"):
        if entailment == "none":
            return RdflibEngine(graph)
        from rdflib import Graph

        copy = Graph()
        copy += graph
        copy += rdfs_closure(graph)
        return RdflibEngine(copy)
    name = engine or DEFAULT_ENGINE
    if name not in _ENGINES_BY_NAME:
        raise UsageError(f"unknown engine {name!r}: choose one of {', '.join(ENGINES)}")
    if name == "oxigraph" and graph is not None:
        store = pyoxigraph.Store()
        store.extend(_to_quads(graph))
        if entailment == "rdfs":
            add_rdfs_closure(store)
        return OxigraphEngine(store)
    from kg.sparql.index import kept_engine, opened_engine  # the stores kept in this process for these inputs

    cls = _ENGINES_BY_NAME[name]
    if kept:
        return opened_engine(
            name, data, entailment, lambda contents: cls.from_files(data, entailment=entailment, contents=contents)
        )
    if name == "oxigraph":
        return kept_engine(data, entailment) or cls.from_files(data, entailment=entailment)
    return cls.from_files(data, entailment=entailment)


#: The engine of each name, loaded from files by its ``from_files(data, entailment=..., contents=...)``.
_ENGINES_BY_NAME: dict[str, type[OxigraphEngine] | type[RdflibEngine]] = {
    "oxigraph": OxigraphEngine,
    "rdflib": RdflibEngine,
}


def _to_quads(graph: Graph) -> Iterator[pyoxigraph.Quad]:
    default = pyoxigraph.DefaultGraph()
    for s, p, o in graph:
        yield pyoxigraph.Quad(to_oxigraph(s), to_oxigraph(p), to_oxigraph(o), default)


def as_graph(triples: Iterable[tuple[Identifier, Identifier, Identifier]]) -> Graph:
    """Triples in a new rdflib graph with the project's prefixes bound."""
    from kg.namespaces import new_graph

    graph = new_graph()
    for triple in triples:
        graph.add(triple)
    return graph
