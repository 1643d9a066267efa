"""Read RDF files with one strict, W3C-conformant parser, with file:line:column in every error.

Every RDF input of kg -- the shipped ontology and data and any ``--data`` file --
is parsed here, once, by pyoxigraph (which passes the W3C Turtle, N-Triples,
TriG, N-Quads, RDF/XML and JSON-LD suites). Where rdflib is needed (pySHACL,
the networkx projection, the writers' callers), its Graph is built from that one
parse with every lexical form kept (:func:`kg.terms.to_rdflib`); there is no
second, lenient rdflib parse.

Rules of the reader:

* **Format** by extension (:func:`kg.formats.format_for_path`): ``.ttl``,
  ``.nt``, ``.nq``, ``.trig``, ``.jsonld``, ``.rdf``/``.owl``/``.xml``; any other
  is refused naming the file.
* **Base IRI**: a relative IRI resolves against the file's own ``@base``
  (``xml:base``, JSON-LD ``@base``), else against the base IRI given for the
  inputs (``kg --base IRI``, :func:`input_base`), else it is a LoadError naming
  the file, line and IRI: never against the local file path (a file would mean
  another graph wherever it lies) and never silently against the dataset's own
  namespace (a stranger's ``<kazakhstan>`` would become one of our entities).
  JSON-LD drops an IRI it cannot resolve, without an error: it is read against
  a placeholder base (:data:`NO_BASE`) so the drop is caught. N-Triples and
  N-Quads hold absolute IRIs only, base or not.
* **Encoding**: UTF-8 only. A byte-order mark (UTF-8, UTF-16 or UTF-32) is named
  and refused (RDF/XML excepted: XML allows a UTF-8 BOM); undecodable bytes are
  refused at their line and column.
* **Limits**: only regular files are read (not FIFOs or devices), and no file
  over :func:`max_input_bytes` (default :data:`MAX_INPUT_BYTES`, overridable by
  the environment variable ``KG_MAX_INPUT_BYTES``); both are LoadErrors (exit 2).
  pyoxigraph parses from the path as a stream, so a file is never one Python string.
* **Nesting**: Turtle and TriG may nest blank-node brackets and collections
  ``[ ( ... ) ]``, and RDF/XML elements, at most :data:`kg.limits.MAX_NESTING`
  deep; RDF/XML entities may not amplify the input. :func:`kg.scan.structure_fault`
  measures it on the bytes before the parser runs (pyoxigraph's parsers recurse).
* **RDF 1.1**: an RDF 1.2 triple term (``<<( s p o )>>``, ``<< s p o >>``,
  ``{| ... |}``) is refused at its line and column (:func:`kg.scan.triple_term_position`):
  rdflib, pySHACL and the exports have no such term.
* **Language tags** are lower-cased by pyoxigraph when it reads them (RDF 1.1
  §3.3: tags compare case-insensitively), so ``@EN`` and ``@en`` are one tag
  everywhere after reading; writers write the lower-cased tag.
* **Ill-typed literals** (``"abc"^^xsd:integer``) are kept unchanged; they are
  located by :mod:`kg.literals` (used by ``kg validate``).
* **JSON-LD** remote contexts are never fetched (pyoxigraph has no loader set).

>>> from kg.namespaces import ID, KG, RDF
>>> g = load_graph()
>>> (ID["kazakhstan"], RDF.type, KG.Country) in g
True
"""

from __future__ import annotations

import mmap
import os
import re
import stat
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pyoxigraph

from kg import resources
from kg.base_iri import NO_BASE, current_base, no_placeholder, relative_iri_error, xml_relative
from kg.content import Memo
from kg.errors import LoadError
from kg.formats import RdfFormat, format_for_path
from kg.limits import MAX_INPUT_BYTES, MAX_INPUT_ENV
from kg.namespaces import new_graph
from kg.output import register_input
from kg.scan import find_text, first_undecodable, structure_fault, triple_term_position, written_iri, xml_position
from kg.terms import to_rdflib

if TYPE_CHECKING:
    from rdflib import Dataset, Graph
    from rdflib.term import Node

_BOMS = (
    (b"\x00\x00\xfe\xff", "UTF-32 (big-endian)"),
    (b"\xff\xfe\x00\x00", "UTF-32 (little-endian)"),
    (b"\xef\xbb\xbf", "UTF-8"),
    (b"\xfe\xff", "UTF-16 (big-endian)"),
    (b"\xff\xfe", "UTF-16 (little-endian)"),
)


def max_input_bytes() -> int:
    """The input size limit in bytes: ``$KG_MAX_INPUT_BYTES`` if set, else :data:`MAX_INPUT_BYTES`."""
    value = os.environ.get(MAX_INPUT_ENV, "").strip()
    if not value:
        return MAX_INPUT_BYTES
    if not value.isdigit():
        raise LoadError(f"{MAX_INPUT_ENV}={value!r} is not a number of bytes")
    return int(value)


@contextmanager
def _reading(path: Path) -> Iterator[None]:
    """A missing file, or any other OSError while reading ``path``, as a LoadError naming it."""
    try:
        yield
    except FileNotFoundError:
        raise LoadError("no such file", path=path) from None
    except OSError as exc:
        raise LoadError(f"cannot read: {exc.strerror}", path=path) from None


def check_input(path: str | Path, *, scan: bool = True) -> tuple[Path, RdfFormat]:
    """The file and its format, after the checks that need no parse: extension, kind, size, byte-order mark,
    and (Turtle, TriG, N-Triples, N-Quads) no RDF 1.2 triple term, so that every reader, the engines' direct
    loads included, refuses one alike.

    ``scan=False`` leaves out the search for triple terms (a pass over the whole file: 4 ms for 7 MB), for a
    caller that goes on only if the bytes are those of a store loaded after this whole check (the warm query
    process: :func:`kg.sparql.index.inputs_key`)."""
    if not str(path).strip():  # Path("") is ".", which was reported as a file named "."
        raise LoadError("an empty file name names no file (--data '')")
    path = Path(path)
    fmt = format_for_path(path)
    with _reading(path):
        info = path.stat()
    register_input(path)
    if not stat.S_ISREG(info.st_mode):
        kind = "a directory" if stat.S_ISDIR(info.st_mode) else "a FIFO" if stat.S_ISFIFO(info.st_mode) else "a device"
        raise LoadError(f"is {kind}, not a regular file: only regular files are read", path=path)
    limit = max_input_bytes()
    if info.st_size > limit:
        raise LoadError(
            f"is {info.st_size} bytes, over the input limit of {limit} bytes (set {MAX_INPUT_ENV} to raise it)",
            path=path,
        )
    try:
        with path.open("rb") as handle:
            head = handle.read(4)
    except OSError as exc:
        raise LoadError(f"cannot read: {exc.strerror}", path=path) from None
    for bom, encoding in _BOMS:
        if head.startswith(bom) and not (fmt.name == "xml" and encoding == "UTF-8"):
            hexa = " ".join(f"{b:02X}" for b in bom)
            advice = "remove the byte-order mark" if encoding == "UTF-8" else "convert the file to UTF-8"
            raise LoadError(
                f"starts with a {encoding} byte-order mark ({hexa}); {fmt.title} files are read as UTF-8 "
                f"without one: {advice}",
                path=path,
                line=1,
                column=1,
            )
    if scan and fmt.name in ("turtle", "trig", "nt", "nquads") and info.st_size:
        _check_triple_terms(path, fmt)
    return path, fmt


def _check_triple_terms(path: Path, fmt: RdfFormat) -> None:
    """A LoadError at the first RDF 1.2 triple term of the file, found on its bytes (two ``find`` passes,
    a few ms for 7 MB; the token scan only when ``<<`` or ``{|`` is there, in a string perhaps)."""
    with path.open("rb") as handle, mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ) as data:
        if data.find(b"<<") < 0 and data.find(b"{|") < 0:
            return
        line, column = triple_term_position(data, fmt.name)
    if line is not None:
        raise triple_term_error(path, fmt, line, column)


def read_text(path: str | Path) -> str:
    """The whole file as text, decoded as UTF-8; a missing or non-UTF-8 file is a LoadError."""
    path = Path(path)
    register_input(path)
    with _reading(path):
        data = path.read_bytes()
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        column = exc.start - (data.rfind(b"\n", 0, exc.start) + 1) + 1
        raise LoadError(
            f"not UTF-8: byte 0x{data[exc.start]:02x} cannot be decoded", path=path, line=line, column=column
        ) from None


def _check_structure(path: Path, fmt: RdfFormat) -> None:
    if fmt.name not in ("turtle", "trig", "xml") or path.stat().st_size == 0:
        return
    with path.open("rb") as handle, mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ) as data:
        fault = structure_fault(data, fmt.name)
    if fault is not None:
        line, column, message = fault
        raise LoadError(f"{fmt.title} syntax error: {message}", path=path, line=line, column=column)


def iter_quads(path: str | Path, *, base_iri: str | None = None, one_graph: bool = False) -> Iterator[Any]:
    """Each :class:`pyoxigraph.Quad` of one RDF file, streamed; any fault is a LoadError with its position.

    ``base_iri`` resolves relative IRIs when the file has no ``@base`` (default: :func:`current_base`;
    with neither, a relative IRI is a LoadError naming its line).
    ``one_graph``: the file goes into one graph, so a statement in a named graph (N-Quads, TriG)
    is a LoadError naming the graph rather than a name dropped without a word.
    """
    path, fmt = check_input(path)
    _check_structure(path, fmt)
    base = base_iri if base_iri is not None else current_base()
    placeholder = base is None and fmt.name in ("jsonld", "xml")  # their parsers drop or hide relative IRIs
    try:
        quads = _without_triple_terms(
            pyoxigraph.parse(path=str(path), format=fmt.oxigraph, base_iri=NO_BASE if placeholder else base), path, fmt
        )
        if placeholder:
            quads = no_placeholder(quads, path, fmt)
        if not (fmt.dataset and one_graph):
            yield from quads
            return
        read = list(quads)  # the whole file first: a syntax error anywhere in it is reported before this
        named = next((q.graph_name for q in read if not isinstance(q.graph_name, pyoxigraph.DefaultGraph)), None)
        if named is not None:
            raise named_graph_refused(path, fmt, named)
        yield from read
    except SyntaxError as exc:
        raise _syntax_error(path, fmt, exc) from None
    except OSError as exc:
        raise LoadError(f"cannot read: {exc.strerror or exc}", path=path) from None
    except ValueError as exc:  # defensive: pyoxigraph reports bad input as SyntaxError
        raise LoadError(f"{fmt.title} error: {exc}", path=path) from None
    except MemoryError as exc:
        raise too_large_a_term(path, fmt, exc) from None


def _without_triple_terms(quads: Iterable[Any], source: str | Path, fmt: RdfFormat, data: Any = None) -> Iterator[Any]:
    """The quads, until one holds an RDF 1.2 triple term: a LoadError at the place it opens (``data``: the
    document's bytes, else the file ``source`` is read for it)."""
    triple = pyoxigraph.Triple
    for quad in quads:
        if type(quad.object) is triple or type(quad.subject) is triple:
            raise triple_term_refused(source, fmt, data)
        yield quad


def triple_term_refused(source: str | Path, fmt: RdfFormat, data: Any = None) -> LoadError:
    """The LoadError for an RDF 1.2 triple term, at the line and column where the first one opens."""
    if data is not None:
        return triple_term_error(source, fmt, *triple_term_position(data, fmt.name))
    with Path(source).open("rb") as handle, mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ) as mapped:
        return triple_term_error(source, fmt, *triple_term_position(mapped, fmt.name))


def triple_term_error(source: str | Path, fmt: RdfFormat, line: int | None, column: int | None) -> LoadError:
    """The LoadError for an RDF 1.2 triple term at ``line``:``column`` (None: not known)."""
    return LoadError(
        f"{fmt.title}: an RDF 1.2 triple term (<<( )>>, << >> or {{| |}}): kg reads RDF 1.1, whose statements hold "
        "IRIs, blank nodes and literals; state the triple itself, or describe it through a node of its own",
        path=source,
        line=line,
        column=column,
    )


def named_graph_refused(source: str | Path, fmt: RdfFormat, graph: Any) -> LoadError:
    """The LoadError for a statement in a named graph: kg reads a file as one graph, and putting the
    statements of named graphs into it would lose their names without a word."""
    return LoadError(
        f"{fmt.title}: a statement in the named graph {graph}: kg reads each file as one graph and would "
        "lose the graph's name; give each graph as a file of its own (Turtle, N-Triples), or its statements "
        "in the default graph",
        path=source,
    )


def too_large_a_term(source: str | Path, fmt: RdfFormat, exc: MemoryError) -> LoadError:
    """The LoadError for a MemoryError of the parser: a term past its 16 MiB buffer, or memory run out."""
    if "buffer maximal size" in str(exc):
        return LoadError(
            f"{fmt.title} error: a literal or IRI longer than 16 MiB, more than the parser reads in one term",
            path=source,
        )
    return LoadError(f"{fmt.title} error: out of memory while reading it", path=source)


def parse_bytes(data: bytes, fmt: RdfFormat, *, source: str, base_iri: str | None = None) -> list[Any]:
    """Every quad of an RDF document held in memory (an endpoint's answer); faults are LoadErrors naming ``source``.

    The same strict parser as for files; JSON-LD remote contexts are not fetched. ``base_iri``: as for
    :func:`iter_quads` (default: :func:`current_base`).
    """
    if data.startswith(b"\xef\xbb\xbf") and fmt.name != "xml":
        raise LoadError(f"starts with a UTF-8 byte-order mark (EF BB BF); {fmt.title} is read without one", path=source)
    fault = structure_fault(data, fmt.name)
    if fault is not None:
        raise LoadError(f"{fmt.title} syntax error: {fault[2]}", path=source, line=fault[0], column=fault[1])
    try:
        return list(
            _without_triple_terms(
                pyoxigraph.parse(data, format=fmt.oxigraph, base_iri=base_iri or current_base()), source, fmt, data
            )
        )
    except MemoryError as exc:
        raise too_large_a_term(source, fmt, exc) from None
    except SyntaxError as exc:
        message = _POSITION_PREFIX.sub("", str(exc.msg or "").strip()) or "syntax error"
        where = {"path": source, "line": exc.lineno, "column": exc.offset}
        raise LoadError(f"{fmt.title} syntax error: {message}", **where) from None


def read_quads(path: str | Path, *, base_iri: str | None = None, one_graph: bool = False) -> list[Any]:
    """Every quad of one RDF file (triple formats give default-graph quads); ``one_graph``: see :func:`iter_quads`."""
    return list(iter_quads(path, base_iri=base_iri, one_graph=one_graph))


_POSITION_PREFIX = re.compile(r"^Parser error at line \d+(?: between columns \d+ and \d+| column \d+)?: ")
_QUOTED = re.compile(r"'([^']{1,200})'|`([^`]{1,200})`")


def _syntax_error(path: Path, fmt: RdfFormat, exc: SyntaxError) -> LoadError:
    message = _POSITION_PREFIX.sub("", str(exc.msg or "").strip()) or "syntax error"
    line, column = exc.lineno, exc.offset
    if message.startswith("Invalid UTF-8"):
        line, column, byte = first_undecodable(path)
        found = f"byte 0x{byte:02x} cannot be decoded" if byte is not None else message
        message = f"not UTF-8 ({found}): {fmt.title} files must be encoded in UTF-8"
    if "No scheme found in an absolute IRI" in message:
        if fmt.name == "xml" and (found := xml_relative(path)) is not None:
            return found
        if fmt.name not in ("xml", "jsonld"):
            return relative_iri_error(path, fmt, written_iri(path, line, column, exc.end_offset), line, column)
    if line is None and fmt.name == "xml":
        line, column = xml_position(path)
    if line is None:
        line, column = _find_quoted(path, message)
    return LoadError(f"{fmt.title} syntax error: {message}", path=path, line=line, column=column)


def _find_quoted(path: Path, message: str) -> tuple[int | None, int | None]:
    """The first place the file holds the text the message quotes (for errors without a position)."""
    match = _QUOTED.search(message)
    if match is None:
        return None, None
    return find_text(path, (match.group(1) or match.group(2),))


# --------------------------------------------------------------------------- into rdflib and pyoxigraph


def parse_file(path: str | Path, graph: Graph | None = None) -> Graph:
    """Parse one RDF file into ``graph`` (a new one if not given), named graphs merged, and return the graph."""
    graph = new_graph() if graph is None else graph
    quads = read_quads(path)  # all or nothing: a file that fails half-way adds no triple
    add = graph.add
    for quad in quads:
        add((to_rdflib(quad.subject), to_rdflib(quad.predicate), to_rdflib(quad.object)))
    return graph


#: The former name of :func:`parse_file`, when only Turtle was read.
parse_turtle = parse_file


def parse_dataset(paths: Iterable[str | Path]) -> Dataset:
    """The files as one rdflib Dataset, named graphs kept (default-graph triples in the default graph)."""
    from rdflib import Dataset

    dataset = Dataset(default_union=False)
    for path in paths:
        for quad in read_quads(path):
            triple = (to_rdflib(quad.subject), to_rdflib(quad.predicate), to_rdflib(quad.object))
            name = quad.graph_name
            context = (
                dataset.default_context if isinstance(name, pyoxigraph.DefaultGraph) else dataset.graph(to_rdflib(name))  # type: ignore[arg-type]
            )
            context.add(triple)
    return dataset


def loads_directly(fmt: RdfFormat, base: str | None) -> bool:
    """Whether a file of ``fmt`` goes to ``Store.load`` as it is (:func:`load_into_store`).

    Not dataset formats (every quad goes into one graph), nor JSON-LD and RDF/XML without a
    base IRI (pyoxigraph would drop or hide their relative IRIs; this module's reader refuses them):
    those are read by :func:`iter_quads`, from the file.
    """
    return not (fmt.dataset or (base is None and fmt.name in ("jsonld", "xml")))


def load_into_store(store: pyoxigraph.Store, path: str | Path, graph: Any = None, content: bytes | None = None) -> None:
    """Parse one RDF file into ``store`` (its default graph unless ``graph``) with kg's one strict reader.

    ``content``: the file's bytes, already read (and checked by :func:`check_input`), for a
    caller that keys the store by exactly what it loaded (:func:`kg.sparql.index.read_keyed`).

    A triple-format file goes straight into the store with ``Store.load``: the same strict
    pyoxigraph parser, base IRI and checks (:func:`check_input`) as :func:`iter_quads`, atomic,
    without a Python object per quad (at 1 000 articles: 0.3 s and 90 MB against 1.0 s and
    190 MB). A file that fails is read again by :func:`iter_quads`, which reports the fault with
    its position (LoadError); dataset formats (every quad into one graph), and JSON-LD and RDF/XML
    with no base IRI (a relative IRI is an error), always go that way.
    """
    checked, fmt = check_input(path)
    base = current_base()
    if not loads_directly(fmt, base):
        _load_quads(store, path, graph)
        return
    try:
        if content is None:
            store.load(path=str(checked), format=fmt.oxigraph, base_iri=base, to_graph=graph)
        else:
            store.load(input=content, format=fmt.oxigraph, base_iri=base, to_graph=graph)
    except (SyntaxError, OSError, ValueError, MemoryError) as exc:
        _load_quads(store, path, graph)  # raises the strict reader's LoadError, with the position
        raise LoadError(f"{fmt.title} error: {exc}", path=checked) from None


def _load_quads(store: pyoxigraph.Store, path: str | Path, graph: Any = None) -> None:
    """:func:`iter_quads` of one file into ``store``: every triple into ``graph`` (default: the default graph)."""
    target = pyoxigraph.DefaultGraph() if graph is None else graph
    store.extend([pyoxigraph.Quad(q.subject, q.predicate, q.object, target) for q in read_quads(path, one_graph=True)])


def source_paths(data: Sequence[str | Path] | None = None) -> list[Path]:
    """The files of the default graph, in reading order: ontology, vocabularies, then the data.

    ``data`` defaults to the shipped ``data/article.ttl``.
    """
    return [*resources.ontology_paths(), *(Path(p) for p in (data or [resources.data_path()]))]


def load_ontology() -> Graph:
    """The shipped ontology and its SKOS vocabularies in one graph (no data)."""
    return _parse_all(list(resources.ontology_paths()))


def load_graph(
    data: Sequence[str | Path] | None = None, *, ontology: bool = True, contents: Sequence[bytes] | None = None
) -> Graph:
    """The ontology and vocabularies (unless ``ontology=False``) plus the data files.

    ``data`` defaults to the shipped ``data/article.ttl``. ``contents``: every file's bytes, read and checked, in
    the same order (:func:`kg.sparql.index.read_keyed`); a file not parsed as it is (:func:`loads_directly`) is
    read again from its path.
    """
    paths, skip = source_paths(data), 0 if ontology else len(resources.ontology_paths())
    return _parse_all(paths[skip:], None if contents is None else contents[skip:])


def _parse_all(paths: Sequence[Path], contents: Sequence[bytes] | None = None) -> Graph:
    """The files in one graph. The last (the user's data) are read first, so a broken one fails fast."""
    read = [file_triples(*pair) for pair in reversed(list(zip(paths, contents or [None] * len(paths), strict=True)))]
    graph = new_graph()
    add = graph.add
    for triples in reversed(read):
        for triple in triples:
            add(triple)
    return graph


#: Each file's statements by content (:func:`file_triples`): at most this many (the article's files hold 6 000), so
#: that a process that reads big inputs once holds no copy of them.
_READ = Memo(capacity=60_000)


def file_triples(path: str | Path, content: bytes | None = None) -> tuple[tuple[Node, Node, Node], ...]:
    """One file's statements as rdflib triples, for one graph, read by the strict reader (errors with positions),
    from ``content`` (its bytes, already read) if given; made once a process for the same bytes, format and base
    IRI (:class:`kg.content.Memo`, where the file is parsed as it is: :func:`loads_directly`), with blank nodes
    of each call's own, as a parse gives. The checks of :func:`check_input` run on every call."""
    checked, fmt = check_input(path)
    kind = (fmt.name, current_base())
    if not loads_directly(fmt, kind[1]):
        return _rdflib_triples(read_quads(path, one_graph=True))
    found = _READ.find(checked, kind) if content is None else None  # bytes given: those, whatever the file holds
    if found is not None:
        return _fresh_blank_nodes(found)  # type: ignore[arg-type]
    with _reading(checked):
        content = checked.read_bytes() if content is None else content
    try:
        triples = _rdflib_triples(parse_bytes(content, fmt, source=str(checked)))
    except LoadError as exc:
        read_quads(path, one_graph=True)  # raises the file reader's LoadError: its message and position
        raise exc from None  # the file changed since its bytes were read: their own fault
    _READ.add(kind, content, triples, len(triples))
    return triples


def _rdflib_triples(quads: Iterable[Any]) -> tuple[tuple[Node, Node, Node], ...]:
    return tuple((to_rdflib(q.subject), to_rdflib(q.predicate), to_rdflib(q.object)) for q in quads)


def _fresh_blank_nodes(triples: tuple[tuple[Node, Node, Node], ...]) -> tuple[tuple[Node, Node, Node], ...]:
    """The triples with a new blank node for each of theirs (as another parse of their document gives)."""
    from rdflib import BNode

    fresh: dict[Node, Node] = {}
    renamed = tuple(
        tuple(fresh.setdefault(t, BNode()) if type(t) is BNode else t for t in triple) for triple in triples
    )
    return renamed if fresh else triples  # type: ignore[return-value]


def article_text() -> str:
    """The shipped article text, verbatim."""
    return read_text(resources.article_text_path())
