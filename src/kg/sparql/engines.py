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
query reach the network or the file system: :func:`kg.sparql.syntax.check_policy`
refuses SERVICE and FROM on the parsed query; rdflib's ``SPARQL_LOAD_GRAPHS``
is switched off and its ``SERVICE`` evaluation replaced by a refusal while a
query runs; and the query process has no network (an empty Linux network
namespace, where the kernel allows one; Python sockets are refused in any
case), which also stops pyoxigraph's own HTTP client.

:func:`run_isolated` runs a local query in a forked child process and kills
it when it passes its time limit, because neither rdflib nor pyoxigraph can
stop a query it has started (pyoxigraph 0.5's ``Store.query`` has no timeout
or cancellation); the child's address space is capped (``RLIMIT_AS``) so
that a query that outgrows it stops with a clear message.

Why the child is forked per query and what it sends back (measured on 1 000
synthetic articles, see ``BENCHMARKS.md``): a warm child kept between
queries would answer from a copy of the store taken when it was forked, so a
store changed since (``engine.store.add``) would give stale rows, and a fresh
fork costs a few milliseconds; so each query still gets its own child, but
through ``os.fork`` and a pipe rather than :mod:`multiprocessing` (whose
process object, bootstrap and join added about 10 ms per query). The child
sends its rows as plain tuples of strings (:func:`pack_term`: kind, value,
datatype, language) rather than pickled rdflib terms, whose unpickling
re-validates every literal (0.4 s for 9 400 rows); the parent builds the
rdflib terms once (:func:`unpack_outcome`). :meth:`Engine.run_packed` is the
form a child runs: pyoxigraph's terms go straight to tuples there, never
through rdflib. A child that has sent its whole answer closes the pipe and
exits; the parent does not wait for it (tearing down a copy of a large
store's address space takes about 10 ms) but collects it at the next query.

>>> engine = OxigraphEngine.from_files()
>>> engine.run("ASK { <https://w3id.org/iran-kazakhstan-kg/id/kazakhstan> a ?class }").boolean
True
"""

from __future__ import annotations

import contextlib
import os
import pickle
import re
import select
import signal
import sys
import threading
import time
import warnings
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

import pyoxigraph
from rdflib import BNode, Dataset, Graph, Literal, URIRef
from rdflib.term import Identifier

from kg.errors import KgError, LoadError, QueryError, QueryMemoryLimit, QueryTimeout, UsageError
from kg.limits import DEFAULT_ENGINE, DEFAULT_ENTAILMENT, ENGINES, ENTAILMENTS, MAX_MEMORY_MB
from kg.load import load_graph, source_paths
from kg.namespaces import RDFS, SKOS, XSD, new_graph
from kg.sparql.entailment import add_rdfs_closure, rdfs_closure
from kg.sparql.syntax import offset_of, syntax_error

USER_AGENT = "kg-iran-kazakhstan (https://w3id.org/iran-kazakhstan-kg/)"

_XSD_STRING = str(XSD.string)

T = TypeVar("T")


@dataclass
class Outcome:
    """What an engine answered, as rdflib terms.

    ``kind`` is ``"bindings"`` (SELECT: ``variables`` and ``rows``),
    ``"boolean"`` (ASK: ``boolean``) or ``"graph"`` (CONSTRUCT, DESCRIBE:
    ``triples``). ``truncated`` is True when rows or triples past the cap
    were dropped.
    """

    kind: str
    variables: list[str] = field(default_factory=list)
    rows: list[dict[str, Identifier]] = field(default_factory=list)
    boolean: bool | None = None
    triples: list[tuple[Identifier, Identifier, Identifier]] = field(default_factory=list)
    truncated: bool = False


#: A term as plain data: ``("i", iri)``, ``("b", label)``, ``("l", lexical form, datatype IRI or None,
#: language or None)`` (a simple literal has neither), ``("t", text)`` (an RDF-star triple, shown as text).
PackedTerm = tuple[Any, ...]


@dataclass
class PackedOutcome:
    """An :class:`Outcome` as plain tuples and strings, cheap to pickle: what a query child sends back.

    ``rows`` holds one tuple per solution, aligned with ``variables``
    (None where unbound); ``triples`` holds (s, p, o) tuples; terms are
    :data:`PackedTerm`.
    """

    kind: str
    variables: list[str] = field(default_factory=list)
    rows: list[tuple[PackedTerm | None, ...]] = field(default_factory=list)
    boolean: bool | None = None
    triples: list[tuple[PackedTerm, PackedTerm, PackedTerm]] = field(default_factory=list)
    truncated: bool = False


def pack_term(term: Identifier) -> PackedTerm:
    """An rdflib term as a :data:`PackedTerm`."""
    if isinstance(term, URIRef):
        return ("i", str(term))
    if isinstance(term, BNode):
        return ("b", str(term))
    if isinstance(term, Literal):
        if term.language:
            return ("l", str(term), None, term.language)
        datatype = term.datatype
        return ("l", str(term), None if datatype is None or str(datatype) == _XSD_STRING else str(datatype), None)
    raise QueryError(f"unexpected term: {term!r}")


def unpack_term(packed: PackedTerm) -> Identifier:
    """The rdflib term of a :data:`PackedTerm` (a literal keeps its lexical form as written)."""
    kind = packed[0]
    if kind == "i":
        return URIRef(packed[1])
    if kind == "l":
        if packed[3]:
            return Literal(packed[1], lang=packed[3])
        if packed[2] is None:
            return Literal(packed[1])
        return Literal(packed[1], datatype=URIRef(packed[2]), normalize=False)
    if kind == "b":
        return BNode(packed[1])
    return Literal(packed[1])


def pack_outcome(outcome: Outcome) -> PackedOutcome:
    """An :class:`Outcome` of rdflib terms as a :class:`PackedOutcome`."""
    names = outcome.variables
    rows = [tuple(None if row.get(v) is None else pack_term(row[v]) for v in names) for row in outcome.rows]
    triples = [(pack_term(s), pack_term(p), pack_term(o)) for s, p, o in outcome.triples]
    return PackedOutcome(outcome.kind, list(names), rows, outcome.boolean, triples, outcome.truncated)


def unpack_outcome(packed: PackedOutcome) -> Outcome:
    """The :class:`Outcome` of rdflib terms of a :class:`PackedOutcome` (each distinct term built once)."""
    built: dict[PackedTerm, Identifier] = {}

    def term(p: PackedTerm) -> Identifier:
        value = built.get(p)
        if value is None:
            value = built[p] = unpack_term(p)
        return value

    names = packed.variables
    rows = [{n: term(t) for n, t in zip(names, row, strict=True) if t is not None} for row in packed.rows]
    triples = [(term(s), term(p), term(o)) for s, p, o in packed.triples]
    return Outcome(packed.kind, list(names), rows, packed.boolean, triples, packed.truncated)


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

    def labels(self, iris: Iterable[URIRef], lang: str) -> dict[URIRef, str]:
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
        cls, data: Sequence[str | Path] | None = None, *, entailment: str = DEFAULT_ENTAILMENT
    ) -> RdflibEngine:
        """The ontology, vocabularies and data files, with the ``entailment`` closure (:mod:`kg.sparql.entailment`)."""
        graph = load_graph(data)
        if entailment == "rdfs":
            graph += rdfs_closure(graph)
        return cls(graph)

    def run(self, text: str, *, max_rows: int | None = None, allow_external: bool = False) -> Outcome:
        from pyparsing import ParseException

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

    def labels(self, iris: Iterable[URIRef], lang: str) -> dict[URIRef, str]:
        found: dict[URIRef, str] = {}
        for iri in iris:
            for prop in (RDFS.label, SKOS.prefLabel):
                label = next((o for o in self.graph.objects(iri, prop) if _has_lang(o, lang)), None)
                if label is not None:
                    found[iri] = str(label)
                    break
        return found


def _has_lang(term: Any, lang: str) -> bool:
    return isinstance(term, Literal) and (term.language or "").lower() == lang.lower()


def _rdflib_outcome(result: Any, max_rows: int | None) -> Outcome:
    if result.type == "ASK":
        return Outcome("boolean", boolean=bool(result.askAnswer))
    if result.type in ("CONSTRUCT", "DESCRIBE"):
        triples, truncated = _capped(iter(result.graph), max_rows)
        return Outcome("graph", triples=[tuple(t) for t in triples], truncated=truncated)
    variables = [str(v) for v in result.vars]
    # Iterating the result (not .bindings, which builds every row first) stops rdflib's evaluation at the cap.
    rows, truncated = _capped(iter(result), max_rows)
    table = [{k: v for k, v in row.asdict().items() if v is not None and k in variables} for row in rows]
    return Outcome("bindings", variables=variables, rows=table, truncated=truncated)


def _capped(items: Iterator[T], max_rows: int | None) -> tuple[list[T], bool]:
    """At most ``max_rows`` items (all when None) and whether there were more."""
    taken: list[T] = []
    for item in items:
        if max_rows is not None and len(taken) >= max_rows:
            return taken, True
        taken.append(item)
    return taken, False


# --------------------------------------------------------------------------- pyoxigraph


def to_rdflib(term: Any) -> Identifier:
    """A pyoxigraph term as the equal rdflib term, keeping the lexical form the engine wrote."""
    return unpack_term(pack_ox(term))


def pack_ox(term: Any) -> PackedTerm:
    """A pyoxigraph term as a :data:`PackedTerm`, keeping the lexical form the engine wrote."""
    if isinstance(term, pyoxigraph.NamedNode):
        return ("i", term.value)
    if isinstance(term, pyoxigraph.Literal):
        language = term.language
        if language:
            return ("l", term.value, None, language)
        datatype = term.datatype.value
        return ("l", term.value, None if datatype == _XSD_STRING else datatype, None)
    if isinstance(term, pyoxigraph.BlankNode):
        return ("b", term.value)
    if isinstance(term, pyoxigraph.Triple):  # RDF-star: show it, there is no rdflib term for it
        return ("t", str(term))
    raise QueryError(f"unexpected term from pyoxigraph: {term!r}")


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
    ) -> OxigraphEngine:
        """The ontology, vocabularies and data files, each parsed by pyoxigraph into the default graph.

        ``entailment="rdfs"`` adds the closure of :mod:`kg.sparql.entailment`.
        """
        store = pyoxigraph.Store() if store is None else store
        for path in source_paths(data):
            load_into_store(store, path)
        if entailment == "rdfs":
            add_rdfs_closure(store)
        return cls(store)

    def run(self, text: str, *, max_rows: int | None = None, allow_external: bool = False) -> Outcome:
        return unpack_outcome(self.run_packed(text, max_rows=max_rows, allow_external=allow_external))

    def run_packed(self, text: str, *, max_rows: int | None = None, allow_external: bool = False) -> PackedOutcome:
        try:
            result = self.store.query(text)
            if isinstance(result, pyoxigraph.QueryBoolean):
                return PackedOutcome("boolean", boolean=bool(result))
            if isinstance(result, pyoxigraph.QueryTriples):
                triples, truncated = _capped(iter(result), max_rows)
                packed = [(pack_ox(t.subject), pack_ox(t.predicate), pack_ox(t.object)) for t in triples]
                return PackedOutcome("graph", triples=packed, truncated=truncated)
            variables = [v.value for v in result.variables]
            solutions, truncated = _capped(iter(result), max_rows)
            seen: dict[Any, PackedTerm] = {}  # equal pyoxigraph terms hash alike: pack each once

            def pack(value: Any) -> PackedTerm | None:
                if value is None:
                    return None
                packed = seen.get(value)
                if packed is None:
                    packed = seen[value] = pack_ox(value)
                return packed

            rows = [tuple(pack(solution[i]) for i in range(len(variables))) for solution in solutions]
            return PackedOutcome("bindings", variables=variables, rows=rows, truncated=truncated)
        except SyntaxError as exc:
            raise _oxigraph_syntax_error(exc, text) from None
        except (OSError, RuntimeError, ValueError) as exc:
            raise QueryError(f"the query failed on oxigraph: {exc}") from None

    def labels(self, iris: Iterable[URIRef], lang: str) -> dict[URIRef, str]:
        found: dict[URIRef, str] = {}
        for iri in iris:
            node = pyoxigraph.NamedNode(str(iri))
            for prop in (RDFS.label, SKOS.prefLabel):
                quads = self.store.quads_for_pattern(node, pyoxigraph.NamedNode(str(prop)), None, None)
                label = next((q.object.value for q in quads if _ox_has_lang(q.object, lang)), None)
                if label is not None:
                    found[iri] = label
                    break
        return found


def _ox_has_lang(term: Any, lang: str) -> bool:
    return isinstance(term, pyoxigraph.Literal) and (term.language or "").lower() == lang.lower()


def load_into_store(store: pyoxigraph.Store, path: str | Path, graph: Any = None) -> None:
    """Parse one RDF file into ``store`` (its default graph unless ``graph``) with kg's one strict reader.

    A triple-format file goes straight into the store with ``Store.load``: the
    same strict pyoxigraph parser, base IRI and checks (:func:`kg.load.check_input`)
    as :func:`kg.load.load_into_store`, atomic, without a Python object per quad
    (at 1 000 articles: 0.3 s and 90 MB against 1.0 s and 190 MB). A file that
    fails is read again by :func:`kg.load.load_into_store`, which reports the
    fault with its position (LoadError); dataset formats (every quad into one
    graph) always go that way.
    """
    from kg.load import BASE_IRI, check_input
    from kg.load import load_into_store as load

    checked, fmt = check_input(path)
    if fmt.dataset:
        load(store, path, graph)
        return
    try:
        store.load(path=str(checked), format=fmt.oxigraph, base_iri=BASE_IRI, to_graph=graph)
    except (SyntaxError, OSError, ValueError) as exc:
        load(store, path, graph)  # raises the strict reader's LoadError, with the position
        raise LoadError(f"{fmt.title} error: {exc}", path=checked) from None


# --------------------------------------------------------------------------- time limit


def _block_network(event: str, args: tuple[Any, ...]) -> None:
    """An audit hook for the query process: no sockets to anywhere, no URL requests."""
    if event in ("socket.connect", "socket.getaddrinfo", "urllib.Request"):
        raise PermissionError(f"network access refused in the query process ({event})")


_CLONE_NEWUSER, _CLONE_NEWNET = 0x10000000, 0x40000000


def _leave_the_network() -> bool:
    """Move this (single-threaded, forked) process into a new, empty network namespace; False where Linux refuses.

    In its own user and network namespace the process has only a loopback
    interface that is down: no connection to this machine or any other can
    be opened, by Python or by pyoxigraph's own HTTP client (SERVICE).
    """
    if not sys.platform.startswith("linux"):
        return False
    import ctypes

    try:
        libc = ctypes.CDLL(None, use_errno=True)
        return libc.unshare(_CLONE_NEWUSER | _CLONE_NEWNET) == 0
    except (OSError, AttributeError):
        return False


def _limit_memory(max_memory: int | None) -> None:
    """Cap this process's address space at what it maps now plus ``max_memory`` MB (``RLIMIT_AS``)."""
    if not max_memory:
        return
    import resource

    mapped = int(Path("/proc/self/statm").read_text(encoding="utf-8").split()[0]) * resource.getpagesize()
    limit = mapped + max_memory * 1024 * 1024
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))


def _child(target: Callable[[], T], fd: int, allow_external: bool, max_memory: int | None) -> None:
    """The query child: run ``target`` under the limits, write the pickled message to ``fd``, and exit."""
    # Everything the child has to say goes through ``fd``; an engine that aborts (pyoxigraph when an
    # allocation fails past the ceiling) would otherwise print its own report and backtrace on the terminal.
    code = 0
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, 2)
        os.close(devnull)
        if not allow_external:
            _leave_the_network()
            sys.addaudithook(_block_network)
        try:
            _limit_memory(max_memory)
            message: tuple[Any, ...] = ("ok", target())
        except KgError as exc:
            message = ("kgerror", type(exc), exc.message, exc.path, exc.line, exc.column)
        except MemoryError:
            message = ("memory",)
        except BaseException as exc:  # noqa: BLE001 - report anything to the parent rather than die silently
            message = ("error", f"{type(exc).__name__}: {exc}")
        try:
            data = pickle.dumps(message, protocol=pickle.HIGHEST_PROTOCOL)
        except MemoryError:
            data = pickle.dumps(("memory",))
        except Exception as exc:  # noqa: BLE001 - an answer that cannot be sent is an error to report
            data = pickle.dumps(("error", f"the answer could not be sent back: {exc}"))
        view = memoryview(data)
        while view:
            view = view[os.write(fd, view) :]
        os.close(fd)  # the parent has the answer now, not only once this address space is torn down
    except BaseException:  # noqa: BLE001 - never return into the parent's code in the child
        code = 70
    finally:
        os._exit(code)  # no atexit handlers, no flushing of the parent's buffers in the child


def _memory_error(max_memory: int | None) -> QueryMemoryLimit:
    import resource

    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss // 1024  # KiB on Linux
    return QueryMemoryLimit(
        f"the query was stopped at its memory ceiling of {max_memory} MB (see --max-memory); "
        f"the query process's peak resident memory was {peak} MB"
    )


def run_isolated(
    target: Callable[[], T],
    timeout: float | None,
    *,
    allow_external: bool = False,
    max_memory: int | None = MAX_MEMORY_MB,
) -> T:
    """``target()`` in a forked child process, killed after ``timeout`` seconds (None: no limit, no child).

    The child shares the loaded graph with the parent (copy-on-write) and
    sends back the pickled result through a pipe (return plain data, e.g. a
    :class:`PackedOutcome`, for speed); the time limit covers the query and
    the transfer of its answer. Unless ``allow_external``, it runs in an
    empty network namespace where Linux allows one (and refuses Python
    sockets in any case). Its address space may grow by ``max_memory`` MB
    (``RLIMIT_AS``; None: no ceiling); past that, the query stops with
    :class:`~kg.errors.QueryMemoryLimit` (exit 4), whether Python raises
    MemoryError or pyoxigraph aborts. Where ``fork`` is unavailable the query
    runs in a thread that is abandoned at the time limit, without these limits.
    """
    if timeout is None or timeout <= 0:
        return target()
    if not hasattr(os, "fork") or not hasattr(select, "poll"):
        return _run_in_thread(target, timeout)
    _reap_finished()
    deadline = time.monotonic() + timeout
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child never returns from _child
        os.close(read_end)
        _child(target, write_end, allow_external, max_memory)
    os.close(write_end)
    chunks: list[bytes] = []
    finished = False  # the whole answer read
    try:
        poller = select.poll()
        poller.register(read_end, select.POLLIN | select.POLLHUP | select.POLLERR)
        while True:
            remaining = deadline - time.monotonic()
            if remaining <= 0 or not poller.poll(max(1, int(remaining * 1000 + 0.999))):
                if deadline - time.monotonic() > 0:
                    continue  # woken early: wait for the rest of the time
                raise QueryTimeout(f"the query was stopped after {timeout:g} s (time limit; see --timeout)")
            chunk = os.read(read_end, 1 << 20)
            if not chunk:
                break
            chunks.append(chunk)
        finished = True
    finally:
        os.close(read_end)
        if not finished:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
            os.waitpid(pid, 0)
    message = _answer(chunks)
    if message is not None and message[0] == "ok":  # the child is exiting: reaped later (its exit takes ~10 ms)
        _EXITING.append(pid)
        _reap_finished()
        return message[1]
    # Reached only with the whole answer read (a time-out raised above); the peak memory that an
    # error reports counts this child only once it is collected.
    _, status = os.waitpid(pid, 0)
    if message is None:  # nothing or half an answer: the child died on its way
        exitcode = os.waitstatus_to_exitcode(status)
        if max_memory and exitcode in (-signal.SIGABRT, -signal.SIGKILL, -signal.SIGSEGV):
            raise _memory_error(max_memory)
        raise QueryError(f"the query process died (exit code {exitcode})")
    if message[0] == "memory":
        raise _memory_error(max_memory)
    if message[0] == "kgerror":
        cls, text, path, line, column = message[1:]
        raise cls(text, path=path, line=line, column=column)
    raise QueryError(f"the query failed: {message[1]}")


#: Query children that sent their whole answer and are exiting; reaped by :func:`_reap_finished`.
_EXITING: list[int] = []


def _answer(chunks: list[bytes]) -> tuple[Any, ...] | None:
    """The child's message, or None when it sent nothing or only part of one."""
    try:
        message = pickle.loads(b"".join(chunks)) if chunks else None
    except (pickle.UnpicklingError, EOFError, ValueError, AttributeError, ImportError, IndexError):
        return None
    return message if isinstance(message, tuple) and message else None


def _reap_finished() -> None:
    """Collect the exit status of the query children that have finished exiting (no zombies stay behind)."""
    for pid in list(_EXITING):
        try:
            done, _ = os.waitpid(pid, os.WNOHANG)
        except ChildProcessError:  # already collected elsewhere
            done = pid
        if done:
            _EXITING.remove(pid)


def _run_in_thread(target: Callable[[], T], timeout: float) -> T:
    box: dict[str, Any] = {}

    def work() -> None:
        try:
            box["value"] = target()
        except BaseException as exc:  # noqa: BLE001 - re-raised in the caller's thread
            box["error"] = exc

    thread = threading.Thread(target=work, daemon=True, name="kg-query")
    thread.start()
    thread.join(timeout)
    if thread.is_alive():
        raise QueryTimeout(f"the query was stopped after {timeout:g} s (time limit; see --timeout)")
    if "error" in box:
        raise box["error"]
    return box["value"]


# --------------------------------------------------------------------------- opening


def open_engine(
    engine: str | Engine | None = None,
    *,
    data: Sequence[str | Path] | None = None,
    graph: Graph | None = None,
    entailment: str = DEFAULT_ENTAILMENT,
) -> Engine:
    """An engine by name (``oxigraph``, ``rdflib``; None for the default), loaded with ``data``.

    An :class:`Engine` passes through; an rdflib ``graph`` gives an
    :class:`RdflibEngine` on a copy of it (unless another engine is named).
    ``entailment`` is ``"rdfs"`` (the closure of :mod:`kg.sparql.entailment`
    is added to the store) or ``"none"`` (the asserted triples only).
    """
    if entailment not in ENTAILMENTS:
        raise UsageError(f"unknown entailment {entailment!r}: choose one of {', '.join(ENTAILMENTS)}")
    if isinstance(engine, Engine):
        return engine
    if graph is not None and engine in (None, "rdflib"):
        if entailment == "none":
            return RdflibEngine(graph)
        copy = Graph()
        copy += graph
        copy += rdfs_closure(graph)
        return RdflibEngine(copy)
    name = engine or DEFAULT_ENGINE
    if name == "rdflib":
        return RdflibEngine.from_files(data, entailment=entailment)
    if name == "oxigraph":
        if graph is not None:
            store = pyoxigraph.Store()
            store.extend(_to_quads(graph))
            if entailment == "rdfs":
                add_rdfs_closure(store)
            return OxigraphEngine(store)
        from kg.sparql.index import kept_engine  # the warm query process's store for these inputs

        return kept_engine(data, entailment) or OxigraphEngine.from_files(data, entailment=entailment)
    raise UsageError(f"unknown engine {name!r}: choose one of {', '.join(ENGINES)}")


def _to_quads(graph: Graph) -> Iterator[pyoxigraph.Quad]:
    def term(t: Identifier) -> Any:
        if isinstance(t, URIRef):
            return pyoxigraph.NamedNode(str(t))
        if isinstance(t, BNode):
            return pyoxigraph.BlankNode(str(t))
        assert isinstance(t, Literal)
        if t.language:
            return pyoxigraph.Literal(str(t), language=t.language)
        if t.datatype:
            return pyoxigraph.Literal(str(t), datatype=pyoxigraph.NamedNode(str(t.datatype)))
        return pyoxigraph.Literal(str(t))

    for s, p, o in graph:
        yield pyoxigraph.Quad(term(s), term(p), term(o), pyoxigraph.DefaultGraph())


def as_graph(triples: Iterable[tuple[Identifier, Identifier, Identifier]]) -> Graph:
    """Triples in a new rdflib graph with the project's prefixes bound."""
    graph = new_graph()
    for triple in triples:
        graph.add(triple)
    return graph
